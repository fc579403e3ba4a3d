// The camera: world units to screen pixels, a uniform scale and an offset. Zooming keeps the world
// point under the pointer where it is, and the scale stays within a range around "fit the swarm", so
// the user can neither lose the swarm nor zoom into a single pixel. Pure data and functions.
import { WORLD } from './layout';

export interface Camera {
  /** Screen pixels per world unit. */
  scale: number;
  /** Screen position of the world origin. */
  x: number;
  y: number;
}

/** Zoom limits, as multiples of the fitting scale. */
export const MIN_ZOOM = 0.4;
export const MAX_ZOOM = 24;
/** Room around the world when fitting, px: names sit outside the outer ring. */
const MARGIN = 28;

/** The world square centred in a screen of this size. */
export function fit(width: number, height: number): Camera {
  const scale = Math.max(0.01, (Math.min(width, height) - 2 * MARGIN) / WORLD);
  return { scale, x: width / 2, y: height / 2 };
}

export function toScreen(c: Camera, wx: number, wy: number): { x: number; y: number } {
  return { x: c.x + wx * c.scale, y: c.y + wy * c.scale };
}

export function toWorld(c: Camera, sx: number, sy: number): { x: number; y: number } {
  return { x: (sx - c.x) / c.scale, y: (sy - c.y) / c.scale };
}

/** Zoom by `factor` about the screen point (sx, sy), within [MIN_ZOOM, MAX_ZOOM] × fitScale. */
export function zoomAt(c: Camera, factor: number, sx: number, sy: number, fitScale: number): Camera {
  const scale = Math.min(fitScale * MAX_ZOOM, Math.max(fitScale * MIN_ZOOM, c.scale * factor));
  const k = scale / c.scale;
  return { scale, x: sx - (sx - c.x) * k, y: sy - (sy - c.y) * k };
}

export function pan(c: Camera, dx: number, dy: number): Camera {
  return { scale: c.scale, x: c.x + dx, y: c.y + dy };
}

/** The wheel's zoom factor: smooth for trackpads (small deltas), a fixed step per mouse notch. */
export function wheelFactor(deltaY: number, deltaMode: number): number {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.exp(-Math.max(-300, Math.min(300, pixels)) * 0.0015);
}

/**
 * The peer under a screen point: the nearest node centre within its radius (at least `minPx` on
 * screen, so tiny nodes stay clickable), or null.
 */
export function peerAt(c: Camera, xs: Float32Array, ys: Float32Array, r: number, sx: number, sy: number, minPx = 8): number | null {
  const w = toWorld(c, sx, sy);
  const reach = Math.max(r * 1.5, minPx / c.scale);
  let best: number | null = null;
  let bestD = reach * reach;
  for (let i = 0; i < xs.length; i++) {
    const dx = xs[i]! - w.x;
    const dy = ys[i]! - w.y;
    const d = dx * dx + dy * dy;
    if (d <= bestD) {
      bestD = d;
      best = i;
    }
  }
  return best;
}
