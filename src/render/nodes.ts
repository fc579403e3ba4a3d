// Peers: a node each, its shape and colour saying what it is (square = seed, circle = leecher,
// diamond = the subject, triangle = an investigator), faint while it has not joined or after it left;
// around it a ring of its bitfield, one segment per piece when the node is big enough on screen, else
// segments that each stand for a run of pieces (brighter the more of them it holds). Colouring by
// source paints the held pieces that came from the subject, directly or through others, in the
// subject's colour. A peer's ring changes only when it verifies a piece (or joins or leaves), so only
// those rings are recoloured; where the segments sit is worked out only when their number changes.
import { pieceFromSubject } from '../analysis/provenance';
import { Container } from 'pixi.js';
import { heldPieces, presenceOf, type Presence } from '../engine/view';
import { FRAME, SOLID, type Atlas, type Shape } from './atlas';
import type { SceneFrame } from './frame';
import { ringSegments, segmentPieces } from './layout';
import { packed, type Role } from './palette';
import { ParticlePool } from './pool';
import { segmentColour } from './style';

const SHAPE: Record<Role, Shape> = { seed: 'square', leecher: 'dot', subject: 'diamond', investigator: 'triangle' };
/** Ring radius and segment depth, in node radii. */
export const RING_RADIUS = 1.5;
const RING_DEPTH = 0.4;
/** All rings together stay under this many segments. */
const RING_BUDGET = 40_000;
/**
 * Peers per ring container. A container's particles are uploaded whole when any of them changes, so
 * the rings are cut into groups: a frame in which a few peers verify a piece uploads a few groups,
 * not all 40,000 segments.
 */
const RING_GROUP = 16;

export class NodeLayer {
  readonly container = new Container();
  private readonly nodes: ParticlePool;
  private groups: ParticlePool[] = [];
  private readonly dirty: boolean[] = [];
  private readonly atlas: Atlas;
  private have = new Int32Array(0);
  private presence: (Presence | '')[] = [];
  private segments = 0;
  private held = new Uint8Array(0);
  /** What the rings were drawn with; any change redraws them all. */
  private drawnWith = '';

  constructor(atlas: Atlas) {
    this.atlas = atlas;
    this.nodes = new ParticlePool(atlas.dot);
  }

  get containers() {
    return [this.container, this.nodes.container];
  }

  get ringSegments(): number {
    return this.segments;
  }

  /** Forget what was drawn (a new run). */
  reset(): void {
    this.have = new Int32Array(0);
    this.presence = [];
    this.drawnWith = '';
  }

  draw(f: SceneFrame): void {
    const n = f.roles.length;
    const pieces = f.sim.config.torrent.pieces;
    const { r } = f.layout;
    const cap = Math.max(1, Math.min(256, Math.floor(RING_BUDGET / Math.max(1, n))));
    const segments = ringSegments(pieces, r * RING_RADIUS * f.scale, 3, cap);
    const bySource = f.ui.colouring === 'source' && f.lineage !== null;
    const key = `${segments}|${bySource}|${f.ui.theme}|${n}|${r}`;
    const all = key !== this.drawnWith || this.have.length !== n;
    if (all) {
      this.drawnWith = key;
      this.segments = segments;
      this.have = new Int32Array(n).fill(-1);
      this.presence = new Array<Presence | ''>(n).fill('');
      this.regroup(n, segments);
      this.nodes.show(n);
      this.placeNodes(f);
      for (let i = 0; i < n; i++) this.placeRing(f, i);
    }
    let changed = false;
    for (let i = 0; i < n; i++) {
      const have = f.sim.peerPieces(i);
      const presence = presenceOf(f.sim, i);
      if (have === this.have[i] && presence === this.presence[i]) continue;
      const active = presence === 'active';
      if (presence !== this.presence[i]) {
        this.nodes.slots(n)[i]!.color = packed(f.palette.role[f.roles[i]!], active ? 1 : 0.3);
        changed = true;
      }
      this.have[i] = have;
      this.presence[i] = presence;
      this.colourRing(f, i, active, bySource);
    }
    if (changed || all) this.nodes.touch();
    for (let g = 0; g < this.groups.length; g++) {
      if (!this.dirty[g]) continue;
      this.dirty[g] = false;
      this.groups[g]!.touch();
    }
  }

  /** One pool per group of RING_GROUP peers, each showing its peers' segments. */
  private regroup(n: number, segments: number): void {
    const count = Math.ceil(n / RING_GROUP);
    while (this.groups.length < count) {
      const pool = new ParticlePool(this.atlas.solid);
      this.groups.push(pool);
      this.container.addChild(pool.container);
    }
    for (let g = 0; g < this.groups.length; g++) {
      const peers = g < count ? Math.min(RING_GROUP, n - g * RING_GROUP) : 0;
      this.groups[g]!.show(peers * segments);
      this.dirty[g] = true;
    }
  }

  private placeNodes(f: SceneFrame): void {
    const nodes = this.nodes.slots(f.roles.length);
    for (let i = 0; i < f.roles.length; i++) {
      const node = nodes[i]!;
      const role = f.roles[i]!;
      node.texture = this.atlas[SHAPE[role]];
      node.x = f.layout.x[i]!;
      node.y = f.layout.y[i]!;
      // The subject's diamond and the triangle fill less of their box than a disc: draw them larger.
      const size = 2 * f.layout.r * (role === 'subject' ? 1.3 : role === 'investigator' ? 1.2 : 1);
      node.scaleX = node.scaleY = size / FRAME;
    }
  }

  /** Where peer i's segments sit; changes only with the segment count or the layout. */
  private placeRing(f: SceneFrame, i: number): void {
    const segments = this.segments;
    const ticks = this.groups[Math.floor(i / RING_GROUP)]!.slots(RING_GROUP * segments);
    const base = (i % RING_GROUP) * segments;
    const radius = f.layout.r * RING_RADIUS;
    const along = ((2 * Math.PI * radius) / segments) * (segments > 1 ? 0.8 : 1);
    const depth = f.layout.r * RING_DEPTH;
    for (let k = 0; k < segments; k++) {
      const angle = -Math.PI / 2 + (2 * Math.PI * (k + 0.5)) / segments;
      const tick = ticks[base + k]!;
      tick.x = f.layout.x[i]! + radius * Math.cos(angle);
      tick.y = f.layout.y[i]! + radius * Math.sin(angle);
      tick.rotation = angle + Math.PI / 2;
      tick.scaleX = Math.min(along, 2 * radius) / SOLID;
      tick.scaleY = depth / SOLID;
    }
  }

  /** Peer i's segments' colours, from the pieces it holds now. */
  private colourRing(f: SceneFrame, i: number, active: boolean, bySource: boolean): void {
    const segments = this.segments;
    const group = Math.floor(i / RING_GROUP);
    const ticks = this.groups[group]!.slots(RING_GROUP * segments);
    const base = (i % RING_GROUP) * segments;
    const pieces = f.sim.config.torrent.pieces;
    const role = f.roles[i]!;
    if (this.held.length !== pieces) this.held = new Uint8Array(pieces);
    const holds = heldPieces(f.sim, i, this.held);
    const alpha = active ? 1 : 0.35;
    for (let k = 0; k < segments; k++) {
      const [first, end] = segmentPieces(k, segments, pieces);
      let held = 0;
      let fromSubject = 0;
      for (let p = first; p < end; p++) {
        if (holds[p] === 0) continue;
        held++;
        if (bySource && pieceFromSubject(f.lineage!, i, p)) fromSubject++;
      }
      ticks[base + k]!.color = packed(segmentColour(role, held, fromSubject, end - first, bySource, f.palette), alpha);
    }
    this.dirty[group] = true;
  }
}
