// Where each peer sits, in world units (the camera maps the world to the screen). A small swarm goes
// on one circle in scenario order, peer 0 at twelve o'clock, as a student would draw it. A large one
// puts the peers that matter to the story (seeds, the subject, investigators) on an inner circle and
// the leechers on concentric rings around them, so the subject's links fan out over the crowd and no
// two nodes overlap however many there are. Pure functions: tested without a canvas.
import type { PeerSpec } from '../engine/types';
import type { Role } from './palette';

/** The world is a square of this side centred on 0, 0; the layout stays inside it. */
export const WORLD = 1000;
/** Up to this many peers: one circle. */
export const ONE_CIRCLE_MAX = 40;

export interface Layout {
  x: Float32Array;
  y: Float32Array;
  /** Node radius (world units), the same for every peer of a layout. */
  r: number;
  /** Distance between neighbouring nodes (world units): what label thinning compares against. */
  spacing: number;
  /** Leechers on the rings: the position of each peer around its ring (special peers: -1). */
  slot: Int32Array;
}

export function roleOf(peer: Pick<PeerSpec, 'seed' | 'subject' | 'investigator'>): Role {
  if (peer.subject) return 'subject';
  if (peer.investigator) return 'investigator';
  return peer.seed ? 'seed' : 'leecher';
}

const OUTER = WORLD * 0.45;

function onCircle(out: Layout, ids: readonly number[], radius: number): void {
  ids.forEach((id, k) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * k) / ids.length;
    out.x[id] = radius * Math.cos(angle);
    out.y[id] = radius * Math.sin(angle);
  });
}

export function layoutSwarm(roles: readonly Role[]): Layout {
  const n = roles.length;
  const out: Layout = { x: new Float32Array(n), y: new Float32Array(n), r: 0, spacing: 0, slot: new Int32Array(n).fill(-1) };
  if (n === 0) return out;
  if (n <= ONE_CIRCLE_MAX) {
    const ids = roles.map((_, i) => i);
    if (n === 1) out.x[0] = out.y[0] = 0;
    else onCircle(out, ids, OUTER);
    out.spacing = n === 1 ? OUTER : 2 * OUTER * Math.sin(Math.PI / n);
    ids.forEach((id) => (out.slot[id] = id));
    out.r = Math.min(28, Math.max(6, out.spacing * 0.22));
    return out;
  }
  const special = roles.flatMap((role, i) => (role === 'leecher' ? [] : [i]));
  const crowd = roles.flatMap((role, i) => (role === 'leecher' ? [i] : []));
  // Shrink the spacing until the rings between the inner circle and the edge hold every leecher.
  let spacing = 80;
  let rings: number[] = [];
  for (; spacing > 4; spacing *= 0.95) {
    rings = [];
    for (let radius = OUTER; radius >= OUTER * 0.42; radius -= spacing) rings.push(radius);
    const capacity = rings.reduce((sum, radius) => sum + Math.floor((2 * Math.PI * radius) / spacing), 0);
    if (capacity >= crowd.length) break;
  }
  out.spacing = spacing;
  out.r = Math.max(2, spacing * 0.26);
  // Fill the rings in proportion to their circumference, so the outer ones are not left sparse.
  const total = rings.reduce((sum, radius) => sum + radius, 0);
  let start = 0;
  rings.forEach((radius, k) => {
    const share = k === rings.length - 1 ? crowd.length - start : Math.min(crowd.length - start, Math.round((crowd.length * radius) / total));
    const ids = crowd.slice(start, start + share);
    onCircle(out, ids, radius);
    ids.forEach((id, j) => (out.slot[id] = j));
    start += share;
  });
  const innerRadius = special.length <= 1 ? 0 : Math.min(OUTER * 0.3, Math.max(spacing * 1.2, (special.length * spacing * 1.4) / (2 * Math.PI)));
  if (special.length === 1) out.x[special[0]!] = out.y[special[0]!] = 0;
  else onCircle(out, special, innerRadius);
  return out;
}

/** Minimum on-screen distance between neighbours for every leecher to get its name. */
export const LABEL_ALL_PX = 64;

/**
 * Whether a peer's name is drawn at this zoom: seeds, the subject and investigators always (there are
 * few); leechers all when their neighbours are far enough apart on screen, every k-th when they are
 * closer, none when the crowd is a blur. The selected and the hovered peer are labelled anyway.
 */
export function labelShown(role: Role, slot: number, spacingPx: number): boolean {
  if (role !== 'leecher') return true;
  if (spacingPx >= LABEL_ALL_PX) return true;
  if (spacingPx < LABEL_ALL_PX / 2) return false;
  const every = Math.ceil(LABEL_ALL_PX / spacingPx);
  return slot % every === 0;
}

/**
 * How many segments a bitfield ring gets: one per piece when each can be at least `minPx` wide on
 * screen, else fewer segments each aggregating a run of pieces.
 */
export function ringSegments(pieces: number, ringRadiusPx: number, minPx = 3, cap = 256): number {
  const fit = Math.floor((2 * Math.PI * ringRadiusPx) / minPx);
  return Math.max(1, Math.min(pieces, cap, Math.max(8, fit)));
}

/** The pieces [first, end) segment `k` of `segments` stands for. */
export function segmentPieces(k: number, segments: number, pieces: number): [number, number] {
  return [Math.floor((k * pieces) / segments), Math.floor(((k + 1) * pieces) / segments)];
}
