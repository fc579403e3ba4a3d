// Checkpoints: a copy of the whole mutable state, taken every few simulated seconds, and turned back
// into a live state on a seek. structuredClone did this generically but walks every one of tens of
// thousands of connection objects through the serializer (100–200 ms for 300 peers, a visible stall
// at 100×); this copy knows the shape. Peers are spread and their arrays, typed arrays and maps
// copied. Connection ends, the bulk of it, are packed into three typed arrays (their numbers and
// flags, their lists' lengths, their lists' items): no garbage for the collector to move, about a
// quarter less memory, and unpacked into fresh objects of the engine's one Half shape (its fields in
// blankHalf's order, connections.ts) only on a restore.
// What a checkpoint may share with the live state is only what the engine never mutates in place: a
// peer's profile and settings (replaced whole by a `set` event, dynamics.ts).
// test/engine/clone.test.ts walks both graphs to prove that nothing else is shared and that a
// restored copy equals structuredClone's.
import type { EventQueue } from './heap';
import type { Rng } from './prng';
import type { Half, Peer, SimState, SuperSeed } from './state';

type FieldKind = 'number' | 'boolean' | 'list';

/** Every field of a connection end and how a checkpoint packs it (the type makes a new field impossible to leave out), in blankHalf's order. */
const HALF_FIELDS = {
  id: 'number',
  peer: 'number',
  remote: 'number',
  mirror: 'number',
  latency: 'number',
  open: 'boolean',
  queued: 'boolean',
  incoming: 'list',
  incomingHead: 'number',
  incomingEnd: 'number',
  acceptFrom: 'number',
  fast: 'boolean',
  outstanding: 'list',
  outstandingCount: 'number',
  amInterested: 'boolean',
  peerChoking: 'boolean',
  pipeline: 'number',
  pipelineAt: 'number',
  interesting: 'number',
  mayHaveNew: 'boolean',
  downRate: 'number',
  downLast: 'number',
  downSince: 'number',
  lastBlockAt: 'number',
  roundBytes: 'number',
  upRate: 'number',
  upLast: 'number',
  upSince: 'number',
  bytesSinceUnchoke: 'number',
  initiator: 'boolean',
  openIndex: 'number',
  openedAt: 'number',
  amChoking: 'boolean',
  peerInterested: 'boolean',
  unchokedAt: 'number',
  allowedIn: 'list',
  allowedOut: 'list',
  suggested: 'list',
  pex: 'boolean',
  pexListed: 'list',
  pexAt: 'number',
  optimisticSlot: 'boolean',
  optimisticAt: 'number',
} as const satisfies Record<keyof Half, FieldKind>;

/** How many scalars a connection end packs into (flags as 0/1), and how many lists it has. */
const SCALARS = Object.values(HALF_FIELDS).filter((kind) => kind !== 'list').length;
const LISTS = Object.values(HALF_FIELDS).length - SCALARS;

// Written out field by field rather than looped over by name: a loop over names is a megamorphic
// keyed access per field, five times slower on 20,000 connection ends. Scalars are packed in the order
// of HALF_FIELDS (blankHalf's), so unpackHalf reads them in turn; HALF_FIELDS and the round-trip test
// keep the three in step with Half.
function packScalars(h: Half, s: Float64Array, o: number): void {
  s[o] = h.id;
  s[o + 1] = h.peer;
  s[o + 2] = h.remote;
  s[o + 3] = h.mirror;
  s[o + 4] = h.latency;
  s[o + 5] = h.open ? 1 : 0;
  s[o + 6] = h.queued ? 1 : 0;
  s[o + 7] = h.incomingHead;
  s[o + 8] = h.incomingEnd;
  s[o + 9] = h.acceptFrom;
  s[o + 10] = h.fast ? 1 : 0;
  s[o + 11] = h.outstandingCount;
  s[o + 12] = h.amInterested ? 1 : 0;
  s[o + 13] = h.peerChoking ? 1 : 0;
  s[o + 14] = h.pipeline;
  s[o + 15] = h.pipelineAt;
  s[o + 16] = h.interesting;
  s[o + 17] = h.mayHaveNew ? 1 : 0;
  s[o + 18] = h.downRate;
  s[o + 19] = h.downLast;
  s[o + 20] = h.downSince;
  s[o + 21] = h.lastBlockAt;
  s[o + 22] = h.roundBytes;
  s[o + 23] = h.upRate;
  s[o + 24] = h.upLast;
  s[o + 25] = h.upSince;
  s[o + 26] = h.bytesSinceUnchoke;
  s[o + 27] = h.initiator ? 1 : 0;
  s[o + 28] = h.openIndex;
  s[o + 29] = h.openedAt;
  s[o + 30] = h.amChoking ? 1 : 0;
  s[o + 31] = h.peerInterested ? 1 : 0;
  s[o + 32] = h.unchokedAt;
  s[o + 33] = h.pex ? 1 : 0;
  s[o + 34] = h.pexAt;
  s[o + 35] = h.optimisticSlot ? 1 : 0;
  s[o + 36] = h.optimisticAt;
}

/**
 * The lists of a connection end, in the order of HALF_FIELDS, each with `visit` (no array made per
 * end). `outstanding` and `incoming` are copied whole, past their live parts (state.ts), so that a
 * restored state is the same to the last array entry.
 */
function eachList(h: Half, visit: (list: readonly number[], j: number) => void): void {
  visit(h.incoming, 0);
  visit(h.outstanding, 1);
  visit(h.allowedIn, 2);
  visit(h.allowedOut, 3);
  visit(h.suggested, 4);
  visit(h.pexListed, 5);
}

/** A Half from its packed scalars and lists: the same fields in the same order as blankHalf (connections.ts), so one hidden class. */
function unpackHalf(s: Float64Array, o: number, lists: number[][]): Half {
  return {
    id: s[o]!,
    peer: s[o + 1]!,
    remote: s[o + 2]!,
    mirror: s[o + 3]!,
    latency: s[o + 4]!,
    open: s[o + 5]! !== 0,
    queued: s[o + 6]! !== 0,
    incoming: lists[0]!,
    incomingHead: s[o + 7]!,
    incomingEnd: s[o + 8]!,
    acceptFrom: s[o + 9]!,
    fast: s[o + 10]! !== 0,
    outstanding: lists[1]!,
    outstandingCount: s[o + 11]!,
    amInterested: s[o + 12]! !== 0,
    peerChoking: s[o + 13]! !== 0,
    pipeline: s[o + 14]!,
    pipelineAt: s[o + 15]!,
    interesting: s[o + 16]!,
    mayHaveNew: s[o + 17]! !== 0,
    downRate: s[o + 18]!,
    downLast: s[o + 19]!,
    downSince: s[o + 20]!,
    lastBlockAt: s[o + 21]!,
    roundBytes: s[o + 22]!,
    upRate: s[o + 23]!,
    upLast: s[o + 24]!,
    upSince: s[o + 25]!,
    bytesSinceUnchoke: s[o + 26]!,
    initiator: s[o + 27]! !== 0,
    openIndex: s[o + 28]!,
    openedAt: s[o + 29]!,
    amChoking: s[o + 30]! !== 0,
    peerInterested: s[o + 31]! !== 0,
    unchokedAt: s[o + 32]!,
    allowedIn: lists[2]!,
    allowedOut: lists[3]!,
    suggested: lists[4]!,
    pex: s[o + 33]! !== 0,
    pexListed: lists[5]!,
    pexAt: s[o + 34]!,
    optimisticSlot: s[o + 35]! !== 0,
    optimisticAt: s[o + 36]!,
  };
}

/** Connection ends packed: per end its scalars (flags as 0/1) and its lists' lengths, then all list items in order. */
export interface PackedHalves {
  count: number;
  scalars: Float64Array;
  lengths: Int32Array;
  items: Float64Array;
}

function packHalves(halves: readonly Half[]): PackedHalves {
  const n = halves.length;
  const scalars = new Float64Array(n * SCALARS);
  const lengths = new Int32Array(n * LISTS);
  let total = 0;
  let o = 0;
  const count = (list: readonly number[], j: number): void => {
    total += lengths[o + j] = list.length;
  };
  for (let i = 0; i < n; i++) {
    packScalars(halves[i]!, scalars, i * SCALARS);
    o = i * LISTS;
    eachList(halves[i]!, count);
  }
  const items = new Float64Array(total);
  let at = 0;
  const copy = (list: readonly number[]): void => {
    for (let k = 0; k < list.length; k++) items[at++] = list[k]!;
  };
  for (let i = 0; i < n; i++) eachList(halves[i]!, copy);
  return { count: n, scalars, lengths, items };
}

function unpackHalves(p: PackedHalves): Half[] {
  const halves = new Array<Half>(p.count);
  let at = 0;
  for (let i = 0; i < p.count; i++) {
    const lists: number[][] = [];
    for (let j = 0; j < LISTS; j++) {
      const list: number[] = [];
      for (let k = p.lengths[i * LISTS + j]!; k > 0; k--) list.push(p.items[at++]!);
      lists.push(list);
    }
    halves[i] = unpackHalf(p.scalars, i * SCALARS, lists);
  }
  return halves;
}

const rng = (r: Rng): Rng => ({ a: r.a, b: r.b, c: r.c, d: r.d });
const rngOrNull = (r: Rng | null): Rng | null => (r === null ? null : rng(r));

function cloneQueue(q: EventQueue): EventQueue {
  return {
    ...q,
    order: q.order.slice(),
    orderTime: q.orderTime.slice(),
    orderSeq: q.orderSeq.slice(),
    time: q.time.slice(),
    seq: q.seq.slice(),
    kind: q.kind.slice(),
    a: q.a.slice(),
    b: q.b.slice(),
    c: q.c.slice(),
    d: q.d.slice(),
    free: q.free.slice(),
  };
}

function cloneSuperSeed(s: SuperSeed | null): SuperSeed | null {
  if (s === null) return null;
  return { offers: new Map(s.offers), handedOut: s.handedOut.slice(), order: s.order.slice() };
}

/** A peer, its `pieces` a view of the copy's pieceState (as in the original). */
function clonePeer(p: Peer, pieceState: Int32Array): Peer {
  const n = p.pieces.length;
  return {
    ...p,
    pieces: pieceState.subarray(p.id * n, (p.id + 1) * n),
    verifiedAt: p.verifiedAt.slice(),
    blocks: p.blocks.slice(),
    pieceDone: p.pieceDone.slice(),
    pieceReq: p.pieceReq.slice(),
    partial: p.partial.slice(),
    open: p.open.slice(),
    cand: p.cand.slice(),
    conns: p.conns.slice(),
    connMirror: p.connMirror.slice(),
    connRemote: p.connRemote.slice(),
    connLatency: p.connLatency.slice(),
    connOpenIndex: p.connOpenIndex.slice(),
    serving: p.serving.slice(),
    pickRng: rng(p.pickRng),
    chokeRng: rng(p.chokeRng),
    trackerRng: rng(p.trackerRng),
    corruptRng: rngOrNull(p.corruptRng),
    blockSrc: p.blockSrc === null ? null : p.blockSrc.slice(),
    tainted: p.tainted === null ? null : p.tainted.slice(),
    strikes: new Map(p.strikes),
    pexKnown: p.pexKnown.slice(),
    earlyHave: new Map(p.earlyHave),
    lazyRng: rngOrNull(p.lazyRng),
    superSeed: cloneSuperSeed(p.superSeed),
    seedingRng: rngOrNull(p.seedingRng),
  };
}

/** A checkpoint: the state with its connection ends, and the map of connected pairs, packed. */
export type Snapshot = Omit<SimState, 'halves' | 'pairs'> & { halves: PackedHalves; pairs: Float64Array };

/** Everything but the connection ends and the pair map, copied (each caller sets those two). */
function copyRest(st: Omit<SimState, 'halves' | 'pairs'>): Omit<SimState, 'halves' | 'pairs'> {
  const pieceState = st.pieceState.slice();
  return {
    ...st,
    queue: cloneQueue(st.queue),
    peers: st.peers.map((p) => clonePeer(p, pieceState)),
    pieceState,
    bits: st.bits.slice(),
    tracker: st.tracker.slice(),
    msgCount: st.msgCount.slice(),
    banned: new Map(st.banned),
  };
}

/**
 * The pair map as key, value, key, value… in its own order: a 300-peer swarm has some 8,000 pairs,
 * and copying the Map at every checkpoint while the app plays made garbage (entry by entry) for the
 * collector to pause for. The Map is rebuilt, in the same order, only on a restore.
 */
function packPairs(pairs: Map<number, number>): Float64Array {
  const out = new Float64Array(pairs.size * 2);
  let i = 0;
  pairs.forEach((value, key) => {
    out[i++] = key;
    out[i++] = value;
  });
  return out;
}

function unpackPairs(packed: Float64Array): Map<number, number> {
  const pairs = new Map<number, number>();
  for (let i = 0; i < packed.length; i += 2) pairs.set(packed[i]!, packed[i + 1]!);
  return pairs;
}

/** A checkpoint of the state, sharing nothing mutable with it. */
export function takeSnapshot(st: SimState): Snapshot {
  return { ...copyRest(st), pairs: packPairs(st.pairs), halves: packHalves(st.halves) };
}

/** A live state from a checkpoint (which stays as it was, to be restored again). */
export function restoreSnapshot(snap: Snapshot): SimState {
  return { ...copyRest(snap), pairs: unpackPairs(snap.pairs), halves: unpackHalves(snap.halves) };
}

/** Rough bytes for a JS object of this many fields (some doubles boxed), and for an array of this many numbers. */
const objectBytes = (fields: number): number => 24 + 12 * fields;
const arrayBytes = (n: number): number => 48 + 8 * n;

/** The memory a checkpoint takes: typed arrays exactly, the peers' objects and arrays by V8's usual sizes. */
export function snapshotBytes(snap: Snapshot): number {
  const q = snap.queue;
  const h = snap.halves;
  let bytes = h.scalars.byteLength + h.lengths.byteLength + h.items.byteLength;
  bytes += snap.pieceState.byteLength + snap.bits.byteLength + snap.msgCount.byteLength + arrayBytes(snap.tracker.length) + snap.pairs.byteLength + 32 * snap.banned.size;
  bytes += q.order.byteLength + q.orderTime.byteLength + q.orderSeq.byteLength + q.time.byteLength + q.seq.byteLength;
  bytes += q.kind.byteLength + q.a.byteLength + q.b.byteLength + q.c.byteLength + q.d.byteLength + q.free.byteLength;
  for (const p of snap.peers) {
    bytes += objectBytes(70) + p.verifiedAt.byteLength + p.blocks.byteLength + p.pieceDone.byteLength + p.pieceReq.byteLength + p.cand.byteLength;
    bytes += (p.blockSrc?.byteLength ?? 0) + (p.tainted?.byteLength ?? 0);
    bytes += arrayBytes(p.partial.length + p.open.length + p.serving.length + p.pexKnown.length) + 5 * arrayBytes(p.conns.length);
  }
  return bytes;
}
