// Which copies descend from the subject, followed incrementally from the trace's RECEIVED records:
// a peer's copy of a block is "from the subject" if the subject sent it, or if its sender's own copy
// was from the subject when it sent it. The same rule as the ledger's `lineage` (ledger.ts), without
// the rest of the ledger, so the scene can follow a long run cheaply every frame and rebuild it
// quickly after a seek back.
import { geometry as geometryOf, type Geometry } from '../engine/torrent';
import { CHUNK, CHUNK_BITS, T, type Trace } from '../engine/trace';
import type { SimConfig } from '../engine/types';

export interface Lineage {
  readonly g: Geometry;
  /** Index of the subject in config.peers, or -1 (then nothing is ever from the subject). */
  readonly subject: number;
  readonly peers: number;
  /** Records read so far. */
  next: number;
  /** peers × blockIds: 1 once the peer holds a copy, 2 when that copy descends from the subject. */
  copy: Uint8Array;
  /** peers × pieces: blocks of the piece the peer holds from the subject. */
  fromSubjectBlocks: Uint16Array;
  readonly seeds: readonly boolean[];
}

const HELD = 1;
const FROM_SUBJECT = 2;

export function createLineage(config: SimConfig, g: Geometry = geometryOf(config.torrent)): Lineage {
  const n = config.peers.length;
  const l: Lineage = {
    g,
    subject: config.peers.findIndex((p) => p.subject),
    peers: n,
    next: 0,
    copy: new Uint8Array(n * g.blockIds),
    fromSubjectBlocks: new Uint16Array(n * g.pieces),
    seeds: config.peers.map((p) => p.seed),
  };
  resetLineage(l);
  return l;
}

/** Back to before the first record (after the Sim seeks back past what was read). */
export function resetLineage(l: Lineage): void {
  const { blockIds, pieces, blocksPerPiece } = l.g;
  l.next = 0;
  l.copy.fill(0);
  l.fromSubjectBlocks.fill(0);
  l.seeds.forEach((seed, i) => {
    if (!seed) return;
    // An initial seed's own copy; the subject's own copy counts as from the subject downstream.
    l.copy.fill(i === l.subject ? FROM_SUBJECT : HELD, i * blockIds, (i + 1) * blockIds);
    if (i === l.subject) l.fromSubjectBlocks.fill(blocksPerPiece, i * pieces, (i + 1) * pieces);
  });
}

/**
 * Read records [l.next, trace.length). A trace shorter than what was read means the run went back:
 * start again from the first record (a deterministic replay writes the same records again).
 */
export function followLineage(l: Lineage, trace: Trace): void {
  if (trace.length < l.next) resetLineage(l);
  const B = l.g.blockIds;
  const bpp = l.g.blocksPerPiece;
  const P = l.g.pieces;
  const s = l.subject;
  const copy = l.copy;
  for (let i = l.next; i < trace.length; i++) {
    const c = trace.chunks[i >>> CHUNK_BITS]!;
    const j = i & (CHUNK - 1);
    if (c.kind[j] !== T.RECEIVED) continue;
    const block = c.x[j]!;
    const to = c.to[j]!;
    const at = to * B + block;
    // The first copy is the peer's copy; an endgame duplicate arriving later does not replace it.
    if (copy[at] !== 0) continue;
    const from = c.from[j]!;
    if (s >= 0 && (from === s || copy[from * B + block] === FROM_SUBJECT)) {
      copy[at] = FROM_SUBJECT;
      const p = to * P + Math.floor(block / bpp);
      l.fromSubjectBlocks[p] = l.fromSubjectBlocks[p]! + 1;
    } else {
      copy[at] = HELD;
    }
  }
  l.next = trace.length;
}

/** Is `peer`'s copy of `block` from the subject (directly or through others)? */
export function blockFromSubject(l: Lineage, peer: number, block: number): boolean {
  return l.copy[peer * l.g.blockIds + block] === FROM_SUBJECT;
}

/** Does `peer` hold any block of `piece` that came from the subject? */
export function pieceFromSubject(l: Lineage, peer: number, piece: number): boolean {
  return l.fromSubjectBlocks[peer * l.g.pieces + piece]! > 0;
}
