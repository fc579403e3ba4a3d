// The scene's colours, for the dark and the light theme. Roles differ by shape as well as colour
// (layout.ts), and the colours hold on their own too: every pair that must be told apart (the roles,
// the subject's bytes against the rest, the link ends, neighbouring pieces) stays at least ΔE00 10
// apart in normal vision and under simulated protanopia, deuteranopia and tritanopia
// (test/render/palette-cvd.test.ts). To a red-green deficient eye the seed's green and the
// subject's orange both look yellowish, so they differ in lightness or saturation as well as hue; the
// investigator's violet and the leechers' blue both look blue, so the violet is much lighter (dark
// theme) or deeper (light theme).
import type { Theme } from '../app/store';

export type Role = 'seed' | 'leecher' | 'subject' | 'investigator';

export interface Palette {
  background: number;
  /** Missing pieces in a bitfield ring, idle links. */
  track: number;
  label: number;
  role: Record<Role, number>;
  /** Links: an unchoked end, and an end unchoked in the optimistic slot. */
  link: number;
  optimistic: number;
  /** Blocks and announcements not from the subject when colouring by source. */
  otherSource: number;
  /** The selected peer's outline, the hovered peer's, and the message the log points at. */
  selection: number;
  hover: number;
  highlight: number;
  /** Lightness of the per-piece hues (0–1). */
  pieceLightness: number;
}

export const DARK: Palette = {
  background: 0x0d1117,
  track: 0x30363d,
  label: 0xc9d1d9,
  role: { seed: 0x46da89, leecher: 0x58a6ff, subject: 0xf0883e, investigator: 0xe8c5fd },
  link: 0x8b949e,
  optimistic: 0xe3b341,
  otherSource: 0x6e7681,
  selection: 0xffffff,
  hover: 0xc9d1d9,
  highlight: 0xf778ba,
  pieceLightness: 0.62,
};

export const LIGHT: Palette = {
  background: 0xffffff,
  track: 0xd0d7de,
  label: 0x1f2328,
  role: { seed: 0x2e874a, leecher: 0x0969da, subject: 0xbc4c00, investigator: 0x5125b0 },
  link: 0x59636e,
  optimistic: 0x9a6700,
  otherSource: 0x9ea7b0,
  selection: 0x1f2328,
  hover: 0x59636e,
  highlight: 0xbf3989,
  pieceLightness: 0.45,
};

export function paletteFor(theme: Theme): Palette {
  return theme === 'light' ? LIGHT : DARK;
}

function hslToRgb(h: number, s: number, l: number): number {
  const k = (n: number) => (n + h * 12) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  const byte = (v: number) => Math.round(v * 255);
  return (byte(f(0)) << 16) | (byte(f(8)) << 8) | byte(f(4));
}

/**
 * A colour per piece: hues a golden angle apart, so neighbouring pieces never look alike and the
 * same piece has the same colour wherever it travels.
 */
export function pieceColour(piece: number, palette: Palette): number {
  const hue = (piece * 0.381966) % 1;
  return hslToRgb(hue, 0.7, palette.pieceLightness);
}

/**
 * A 0xRRGGBB colour with an alpha (0–1) packed the way a Pixi Particle's `color` holds it (alpha, blue,
 * green, red from the high byte down). Writing it directly skips the `tint` setter's colour parsing,
 * which shows at tens of thousands of particles a frame.
 */
export function packed(rgb: number, alpha: number): number {
  const bgr = ((rgb & 0xff) << 16) | (rgb & 0xff00) | ((rgb >> 16) & 0xff);
  return (bgr + ((Math.max(0, Math.min(1, alpha)) * 255) << 24)) >>> 0;
}

const pieceColours = new Map<Palette, number[]>();

/** pieceColour, remembered: blocks ask for it thousands of times a frame. */
export function pieceColourCached(piece: number, palette: Palette): number {
  let list = pieceColours.get(palette);
  if (!list) pieceColours.set(palette, (list = []));
  return (list[piece] ??= pieceColour(piece, palette));
}

/** Mix two 0xRRGGBB colours: t = 0 gives a, 1 gives b. */
export function mix(a: number, b: number, t: number): number {
  const c = (shift: number) => {
    const x = (a >> shift) & 0xff;
    const y = (b >> shift) & 0xff;
    return Math.round(x + (y - x) * t) << shift;
  };
  return c(16) | c(8) | c(0);
}
