// Checkpoints: a copy of the whole mutable state, taken every few simulated seconds and on each
// restore. structuredClone did this generically but walks every one of tens of thousands of
// connection objects through the serializer (100–200 ms for 300 peers, a visible stall at 100×);
// this copy knows the shape: it spreads each object and copies its arrays, typed arrays and maps.
// What it may share with the original is only what the engine never mutates in place: a peer's
// profile and settings (replaced whole by a `set` event, dynamics.ts). test/engine/clone.test.ts
// walks both graphs to prove that nothing else is shared and that the copy equals structuredClone's.
import type { EventQueue } from './heap';
import type { Rng } from './prng';
import type { Half, Peer, SimState, SuperSeed } from './state';

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

function cloneHalf(h: Half): Half {
  return {
    ...h,
    outstanding: h.outstanding.slice(),
    incoming: h.incoming.slice(),
    allowedIn: h.allowedIn.slice(),
    allowedOut: h.allowedOut.slice(),
    suggested: h.suggested.slice(),
    pexListed: h.pexListed.slice(),
  };
}

/** A copy of the state that shares nothing mutable with it. */
export function cloneState(st: SimState): SimState {
  const pieceState = st.pieceState.slice();
  const halves = new Array<Half>(st.halves.length);
  for (let i = 0; i < halves.length; i++) halves[i] = cloneHalf(st.halves[i]!);
  return {
    ...st,
    queue: cloneQueue(st.queue),
    peers: st.peers.map((p) => clonePeer(p, pieceState)),
    halves,
    pairs: new Map(st.pairs),
    pieceState,
    bits: st.bits.slice(),
    tracker: st.tracker.slice(),
    msgCount: st.msgCount.slice(),
    banned: new Map(st.banned),
  };
}

/** Rough bytes for a JS object of this many fields (some doubles boxed), and for an array of this many numbers. */
const objectBytes = (fields: number): number => 24 + 12 * fields;
const arrayBytes = (n: number): number => 48 + 8 * n;

/**
 * An estimate of the memory a copy of the state takes (typed arrays exactly, objects and arrays by
 * V8's usual sizes; within about 10% of what V8 reports for 100- and 300-peer swarms): what the Sim
 * counts against its checkpoint budget.
 */
export function stateBytes(st: SimState): number {
  const q = st.queue;
  let bytes = st.pieceState.byteLength + st.bits.byteLength + st.msgCount.byteLength + arrayBytes(st.tracker.length) + 32 * (st.pairs.size + st.banned.size);
  bytes += q.order.byteLength + q.orderTime.byteLength + q.orderSeq.byteLength + q.time.byteLength + q.seq.byteLength;
  bytes += q.kind.byteLength + q.a.byteLength + q.b.byteLength + q.c.byteLength + q.d.byteLength + q.free.byteLength;
  for (const p of st.peers) {
    bytes += objectBytes(70) + p.verifiedAt.byteLength + p.blocks.byteLength + p.pieceDone.byteLength + p.pieceReq.byteLength + p.cand.byteLength;
    bytes += (p.blockSrc?.byteLength ?? 0) + (p.tainted?.byteLength ?? 0);
    bytes += arrayBytes(p.partial.length + p.open.length + p.serving.length + p.pexKnown.length) + 5 * arrayBytes(p.conns.length);
  }
  for (const h of st.halves) {
    bytes += objectBytes(45) + arrayBytes(h.outstanding.length) + arrayBytes(h.incoming.length);
    bytes += arrayBytes(h.allowedIn.length) + arrayBytes(h.allowedOut.length) + arrayBytes(h.suggested.length) + arrayBytes(h.pexListed.length);
  }
  return bytes;
}
