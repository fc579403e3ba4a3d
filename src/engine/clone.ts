// Checkpoints: a copy of the whole mutable state, taken every few simulated seconds, and turned back
// into a live state on a seek. structuredClone did this generically but walks every one of tens of
// thousands of connection objects through the serializer (100–200 ms for 300 peers, a visible stall
// at 100×); this copy knows the shape. Peers are spread and their arrays, typed arrays and maps
// copied. Connection ends, the bulk of it, are already flat (ends.ts): their scalars and queues are
// copied as typed arrays, and their lists (BEP 6 and BEP 11 only, mostly empty) packed into two more
// (lengths, items), turned back into arrays only on a restore.
// What a checkpoint may share with the live state is only what the engine never mutates in place: a
// peer's profile and settings (replaced whole by a `set` event, dynamics.ts).
// test/engine/clone.test.ts walks both graphs to prove that nothing else is shared and that a
// restored copy equals structuredClone's.
import { mapStore, storeBytes, type EventQueue } from './heap';
import type { Rng } from './prng';
import type { HalfLists, Peer, Rows, SimState, Split, SuperSeed } from './state';
import { HF, HI } from './ends';

/** Every list of a connection end, in the order a checkpoint packs them (unpackHalves builds a HalfLists from them). */
const LIST_FIELDS = ['allowedIn', 'allowedOut', 'suggested', 'pexListed'] as const satisfies readonly (keyof HalfLists)[];
const LISTS = LIST_FIELDS.length;

/**
 * Connection ends packed: the used part of the flat store, with the room the live arrays had (a
 * restored state gets arrays of the same size, equal to the live ones to the last entry: the rest is
 * zeros in both), and their lists: lengths per end, then all items in order.
 */
export interface PackedHalves {
  count: number;
  hi: Int32Array;
  hf: Float64Array;
  hq: Float64Array;
  /** Lengths of the live hi, hf and hq. */
  room: [number, number, number];
  lengths: Int32Array;
  items: Float64Array;
}

function packHalves(st: SimState): PackedHalves {
  const n = st.halves.length;
  const lengths = new Int32Array(n * LISTS);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const h = st.halves[i]!;
    for (let j = 0; j < LISTS; j++) total += lengths[i * LISTS + j] = h[LIST_FIELDS[j]!].length;
  }
  const items = new Float64Array(total);
  let at = 0;
  if (total > 0) {
    for (let i = 0; i < n; i++) {
      const h = st.halves[i]!;
      for (let j = 0; j < LISTS; j++) for (const x of h[LIST_FIELDS[j]!]) items[at++] = x;
    }
  }
  return {
    count: n,
    hi: st.hi.slice(0, n * HI),
    hf: st.hf.slice(0, n * HF),
    hq: st.hq.slice(0, st.hqTop),
    room: [st.hi.length, st.hf.length, st.hq.length],
    lengths,
    items,
  };
}

/** The flat store and lists of a live state from a checkpoint's packed ends. */
function unpackHalves(p: PackedHalves): Pick<SimState, 'hi' | 'hf' | 'hq' | 'hqTop' | 'halves'> {
  const halves = new Array<HalfLists>(p.count);
  let at = 0;
  for (let i = 0; i < p.count; i++) {
    const lists: number[][] = [];
    for (let j = 0; j < LISTS; j++) {
      const list: number[] = [];
      for (let k = p.lengths[i * LISTS + j]!; k > 0; k--) list.push(p.items[at++]!);
      lists.push(list);
    }
    halves[i] = { allowedIn: lists[0]!, allowedOut: lists[1]!, suggested: lists[2]!, pexListed: lists[3]! };
  }
  const hi = new Int32Array(p.room[0]);
  const hf = new Float64Array(p.room[1]);
  const hq = new Float64Array(p.room[2]);
  hi.set(p.hi);
  hf.set(p.hf);
  hq.set(p.hq);
  return { hi, hf, hq, hqTop: p.hq.length, halves };
}

const rng = (r: Rng): Rng => ({ a: r.a, b: r.b, c: r.c, d: r.d });
const rngOrNull = (r: Rng | null): Rng | null => (r === null ? null : rng(r));

function cloneQueue(q: EventQueue): EventQueue {
  return {
    ...q,
    laneDelay: q.laneDelay.slice(),
    laneHead: q.laneHead.slice(),
    laneLen: q.laneLen.slice(),
    laneTime: q.laneTime.slice(),
    laneSeq: q.laneSeq.slice(),
    lanes: mapStore(q.lanes, (a) => a.slice() as typeof a),
    order: q.order.slice(),
    orderTime: q.orderTime.slice(),
    orderSeq: q.orderSeq.slice(),
    slots: mapStore(q.slots, (a) => a.slice() as typeof a),
    free: q.free.slice(),
  };
}

function cloneSuperSeed(s: SuperSeed | null): SuperSeed | null {
  if (s === null) return null;
  return { offers: new Map(s.offers), handedOut: s.handedOut.slice(), order: s.order.slice() };
}

function cloneRows<A extends Uint32Array | Int32Array>(r: Rows<A>): Rows<A> {
  return { ...r, data: r.data.slice() as A, free: r.free.slice() };
}

function cloneSplit(s: Split): Split {
  return { ...s, seq: s.seq.slice(), ends: s.ends.slice(), counts: s.counts.slice(), out: s.out.slice(), carried: s.carried.slice(), tracker: s.tracker.map((l) => l.slice()), listed: s.listed.slice(), fields: cloneRows(s.fields), lists: cloneRows(s.lists) };
}

/** A peer, its `pieces` a view of the copy's pieceState (as in the original). */
function clonePeer(p: Peer, pieceState: Uint16Array): Peer {
  const n = p.pieces.length;
  return {
    ...p,
    pieces: pieceState.subarray(p.id * n, (p.id + 1) * n),
    verifiedAt: p.verifiedAt.slice(),
    blocks: p.blocks.slice(),
    pieceCounts: p.pieceCounts.slice(),
    partial: p.partial.slice(),
    open: p.open.slice(),
    rank: p.rank.slice(),
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
    pexKnownBits: p.pexKnownBits === null ? null : p.pexKnownBits.slice(),
    earlyHave: new Map(p.earlyHave),
    lazyRng: rngOrNull(p.lazyRng),
    superSeed: cloneSuperSeed(p.superSeed),
    seedingRng: rngOrNull(p.seedingRng),
  };
}

/** The parts of the state a checkpoint packs: the connection ends and the map of connected pairs. */
type Packed = 'halves' | 'pairs' | 'hi' | 'hf' | 'hq' | 'hqTop';

/** A checkpoint: the state with its connection ends, and the map of connected pairs, packed. */
export type Snapshot = Omit<SimState, Packed> & { halves: PackedHalves; pairs: Float64Array };

/** Everything but the connection ends and the pair map, copied (each caller sets those). */
function copyRest(st: Omit<SimState, Packed>): Omit<SimState, Packed> {
  const pieceState = st.pieceState.slice();
  return {
    ...st,
    queue: cloneQueue(st.queue),
    peers: st.peers.map((p) => clonePeer(p, pieceState)),
    pieceState,
    bits: st.bits.slice(),
    candidates: st.candidates.slice(),
    holders: st.holders.slice(),
    tracker: st.tracker.slice(),
    msgCount: st.msgCount.slice(),
    banned: new Map(st.banned),
    // In insertion order, as the state's own: the sizes as queues first moved.
    hqFree: new Map(Array.from(st.hqFree, ([room, slices]) => [room, slices.slice()])),
    split: st.split === null ? null : cloneSplit(st.split),
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
  const { halves: _h, pairs: _p, hi: _i, hf: _f, hq: _q, hqTop: _t, ...rest } = st;
  return { ...copyRest(rest), pairs: packPairs(st.pairs), halves: packHalves(st) };
}

/** A live state from a checkpoint (which stays as it was, to be restored again). */
export function restoreSnapshot(snap: Snapshot): SimState {
  const { halves, pairs, ...rest } = snap;
  return { ...copyRest(rest), pairs: unpackPairs(pairs), ...unpackHalves(halves) };
}

/** Rough bytes for a JS object of this many fields (some doubles boxed), and for an array of this many numbers. */
const objectBytes = (fields: number): number => 24 + 12 * fields;
const arrayBytes = (n: number): number => 48 + 8 * n;

/** The memory a checkpoint takes: typed arrays exactly, the peers' objects and arrays by V8's usual sizes. */
export function snapshotBytes(snap: Snapshot): number {
  const q = snap.queue;
  const h = snap.halves;
  let bytes = h.hi.byteLength + h.hf.byteLength + h.hq.byteLength + h.lengths.byteLength + h.items.byteLength;
  if (snap.split !== null) bytes += snap.split.seq.byteLength + snap.split.ends.byteLength + snap.split.counts.byteLength + snap.split.out.byteLength + arrayBytes(snap.split.carried.length) + arrayBytes(snap.split.tracker[0]!.length) + arrayBytes(snap.split.tracker[1]!.length) + snap.split.listed.byteLength + snap.split.fields.data.byteLength + snap.split.lists.data.byteLength;
  bytes += snap.pieceState.byteLength + snap.bits.byteLength + snap.candidates.byteLength + snap.holders.byteLength + snap.msgCount.byteLength + arrayBytes(snap.tracker.length) + snap.pairs.byteLength + 32 * snap.banned.size;
  snap.hqFree.forEach((slices) => (bytes += 32 + arrayBytes(slices.length)));
  bytes += q.order.byteLength + q.orderTime.byteLength + q.orderSeq.byteLength + q.free.byteLength + storeBytes(q.slots);
  bytes += q.laneDelay.byteLength + q.laneHead.byteLength + q.laneLen.byteLength + q.laneTime.byteLength + q.laneSeq.byteLength + storeBytes(q.lanes);
  for (const p of snap.peers) {
    bytes += objectBytes(70) + p.verifiedAt.byteLength + p.blocks.byteLength + p.pieceCounts.byteLength + p.rank.byteLength;
    bytes += (p.blockSrc?.byteLength ?? 0) + (p.tainted?.byteLength ?? 0) + (p.pexKnownBits?.byteLength ?? 0);
    bytes += p.serving.byteLength + arrayBytes(p.partial.length + p.open.length + p.pexKnown.length) + 5 * arrayBytes(p.conns.length);
  }
  return bytes;
}
