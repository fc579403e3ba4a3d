// The connection ends' records in the flat stores st.hi and st.hf (their layout and flags), their request
// queues in st.hq, and readHalf/readChokeConn, which copy an end out as a plain object for rare readers.
import { grown } from './heap';
import type { SimState } from './state';

/**
 * A connection end's scalars as a plain object: what readHalf copies out of the flat store for code
 * that runs rarely (the choker, the inspector, views). The engine's own state is the flat store below.
 */
export interface Half {
  id: number;
  peer: number;
  remote: number;
  mirror: number;
  /** One-way latency, µs. */
  latency: number;
  initiator: boolean;
  open: boolean;
  /** Trace length when this end opened: haves recorded from here on go to this connection. */
  openIndex: number;
  openedAt: number;
  amChoking: boolean;
  amInterested: boolean;
  peerChoking: boolean;
  peerInterested: boolean;
  /** Pieces remote has (as far as we know) that we lack: interested iff > 0. */
  interesting: number;
  /** false once the picker found nothing new to start here, until remote announces a piece we lack. */
  mayHaveNew: boolean;
  /** Request pipeline length and when it was computed (recomputed once a second). */
  pipeline: number;
  pipelineAt: number;
  outstandingCount: number;
  /** Requests arriving from this time on are accepted: the last unchoke, or -1 while choked. */
  acceptFrom: number;
  /** In the owner's serving FIFO. */
  queued: boolean;
  /** Download rate from remote (mainline's measure, bandwidth.ts): bytes/s, last update, window start. */
  downRate: number;
  downLast: number;
  downSince: number;
  /** Upload rate to remote, the same way. */
  upRate: number;
  upLast: number;
  upSince: number;
  /** Last block from remote, or when we became interested: the anti-snubbing clock. */
  lastBlockAt: number;
  /** When we last unchoked remote (-1 never). */
  unchokedAt: number;
  bytesSinceUnchoke: number;
  /** BEP 6 in use on this connection (both peers enable it). */
  fast: boolean;
  /** BEP 11 in use (both enable it), and when we last sent remote a pex message (-1 never). */
  pex: boolean;
  pexAt: number;
  /** Bytes received from remote since our last timer rechoke (libtorrent's downloaded_in_last_round). */
  roundBytes: number;
  /** We unchoke remote in an optimistic slot, and since when (-1 never: libtorrent's last_optimistically_unchoked). */
  optimisticSlot: boolean;
  optimisticAt: number;
}

// The connection ends' scalars live in two flat typed arrays, a record of HI int32 (st.hi) and one of
// HF float64 (st.hf) per end, at id × HI and id × HF. A 1,000-peer swarm has some 60,000 ends, far more
// than the CPU's caches hold, and every block and every have touches one or two of them: as V8
// objects, each end was some 370 bytes plus a box per float field and two arrays for its request
// queues, each reached through a pointer, a cache miss after a cache miss. Here an end's hot fields
// are one 64-byte line of st.hi, its rates one or two of st.hf, and its queues a slice of st.hq.

/** Int32 fields of a connection end: st.hi[id * HI + H_…]. */
export const HI = 16;
export const H_PEER = 0;
export const H_REMOTE = 1;
export const H_MIRROR = 2;
/** The F_… flags. */
export const H_FLAGS = 3;
export const H_LATENCY = 4;
export const H_INTERESTING = 5;
export const H_PIPELINE = 6;
/**
 * Our requests to remote, block ids, oldest first: st.hq[outBase + outHead .. outBase + outHead +
 * count), room for outCap (the oldest leaves from the front on most blocks, so the front moves rather
 * than the rest shifting down). Remote's requests to us not yet served, (block, arrival, cancel
 * arrival) triples, a FIFO in st.hq[inBase + head .. inBase + end), room for inCap numbers. A full
 * queue moves to a slice twice the size (one a queue left, else at the end of st.hq), and its old slice
 * is kept for the next queue of that size (st.hqFree).
 */
export const H_OUT_COUNT = 7;
export const H_OUT_BASE = 8;
export const H_OUT_CAP = 9;
export const H_IN_HEAD = 10;
export const H_IN_END = 11;
export const H_IN_BASE = 12;
export const H_IN_CAP = 13;
export const H_OPEN_INDEX = 14;
export const H_OUT_HEAD = 15;

export const F_OPEN = 1;
export const F_QUEUED = 2;
export const F_FAST = 4;
export const F_AM_INTERESTED = 8;
export const F_PEER_CHOKING = 16;
export const F_MAY_HAVE_NEW = 32;
export const F_AM_CHOKING = 64;
export const F_PEER_INTERESTED = 128;
export const F_INITIATOR = 256;
export const F_PEX = 512;
export const F_OPTIMISTIC_SLOT = 1024;

/**
 * Float64 fields of a connection end: st.hf[id * HF + G_…] (times in µs, rates, byte counts). Each
 * block touches one end's fields for one direction: the receiver's end updates G_PIPELINE_AT to
 * G_ROUND_BYTES, the sender's end G_ACCEPT_FROM to G_BYTES_SINCE_UNCHOKE. A big typed array's data
 * starts 16 bytes past a page here (V8's %DebugPrint), so a record's fields 0-5 share one 64-byte
 * line and fields 6-13 the next: each direction's fields sit in one line.
 */
export const HF = 16;
export const G_PIPELINE_AT = 0;
export const G_DOWN_RATE = 1;
export const G_DOWN_LAST = 2;
export const G_DOWN_SINCE = 3;
export const G_LAST_BLOCK_AT = 4;
export const G_ROUND_BYTES = 5;
export const G_ACCEPT_FROM = 6;
export const G_UP_RATE = 7;
export const G_UP_LAST = 8;
export const G_UP_SINCE = 9;
export const G_BYTES_SINCE_UNCHOKE = 10;
export const G_UNCHOKED_AT = 11;
export const G_OPENED_AT = 12;
export const G_OPTIMISTIC_AT = 13;
export const G_PEX_AT = 14;

/** Room a new end's queues get in st.hq: requests outstanding, and incoming numbers (3 a request). */
export const OUT_CAP0 = 4;
export const IN_CAP0 = 12;

// A connection's outstanding requests and the requests waiting at its uploader's end live in st.hq
// (see H_OUT_COUNT): slices written over, never freed, so that a queue that empties and fills again on
// most blocks allocates nothing.

/** Is flag `f` (F_…) set on end `id`? */
export function flag(st: SimState, id: number, f: number): boolean {
  return (st.hi[id * HI + H_FLAGS]! & f) !== 0;
}

/** Set or clear flag `f` (F_…, or several ORed together) on end `id`. */
export function setFlag(st: SimState, id: number, f: number, on: boolean): void {
  const at = id * HI + H_FLAGS;
  st.hi[at] = on ? st.hi[at]! | f : st.hi[at]! & ~f;
}

/** A slice of `n` numbers of st.hq, one a moved queue left (st.hqFree) or else at the end (grown when full): its start. */
export function allocQueue(st: SimState, n: number): number {
  const free = st.hqFree.get(n);
  if (free !== undefined && free.length > 0) return free.pop()!;
  const at = st.hqTop;
  if (at + n > st.hq.length) st.hq = grown(st.hq, Math.max(at + n, st.hq.length * 2, 1024));
  st.hqTop = at + n;
  return at;
}

/**
 * Move a full queue of end record `b` (its `used` numbers from `from`) to a slice of twice its room
 * (allocQueue), recording where (`baseField`) and how big (`capField`); its old slice goes to st.hqFree.
 */
function moveQueue(st: SimState, b: number, baseField: number, capField: number, from: number, used: number): void {
  const old = st.hi[b + capField]!;
  const base = allocQueue(st, 2 * old);
  copyDown(st.hq, base, from, used);
  // The old slice is free for the next queue of its size.
  const free = st.hqFree.get(old);
  if (free === undefined) st.hqFree.set(old, [st.hi[b + baseField]!]);
  else free.push(st.hi[b + baseField]!);
  st.hi[b + baseField] = base;
  st.hi[b + capField] = 2 * old;
}

/**
 * Copy `n` numbers of `a` from `from` to `to`, front first: right when `to` is before `from` or the two
 * do not overlap (a queue moved to its front or to another slice, or closed up over a removed request).
 * A queue holds some tens of numbers, and copyWithin is a call into the runtime: such calls from
 * compactIncoming and addOutstanding were 290 of the 33,792 samples (0.9%) of a perf profile of the
 * split 1,000 x 1,000 run on 7 December.
 */
function copyDown(a: Float64Array, to: number, from: number, n: number): void {
  for (let i = 0; i < n; i++) a[to + i] = a[from + i]!;
}

/** A new request of ours on end `id`, after the others. */
export function addOutstanding(st: SimState, id: number, block: number): void {
  const hi = st.hi;
  const b = id * HI;
  const n = hi[b + H_OUT_COUNT]!;
  if (hi[b + H_OUT_HEAD]! + n === hi[b + H_OUT_CAP]!) {
    // Full up to the end of its room: to a room twice the size if it is all used, else to the front.
    const from = hi[b + H_OUT_BASE]! + hi[b + H_OUT_HEAD]!;
    if (n === hi[b + H_OUT_CAP]!) moveQueue(st, b, H_OUT_BASE, H_OUT_CAP, from, n);
    else copyDown(st.hq, hi[b + H_OUT_BASE]!, from, n);
    hi[b + H_OUT_HEAD] = 0;
  }
  st.hq[hi[b + H_OUT_BASE]! + hi[b + H_OUT_HEAD]! + n] = block;
  hi[b + H_OUT_COUNT] = n + 1;
}

/** Our i-th outstanding request on end `id` (0 = oldest). */
export function outstandingAt(st: SimState, id: number, i: number): number {
  const b = id * HI;
  return st.hq[st.hi[b + H_OUT_BASE]! + st.hi[b + H_OUT_HEAD]! + i]!;
}

/** Where `block` is among our requests on end `id`, or -1. */
export function outstandingIndex(st: SimState, id: number, block: number): number {
  const b = id * HI;
  const first = st.hi[b + H_OUT_BASE]! + st.hi[b + H_OUT_HEAD]!;
  const n = st.hi[b + H_OUT_COUNT]!;
  const hq = st.hq;
  for (let i = 0; i < n; i++) if (hq[first + i] === block) return i;
  return -1;
}

/** Forget our i-th request on end `id`, keeping the others in order: the shorter side moves over it. */
export function removeOutstanding(st: SimState, id: number, i: number): void {
  const hi = st.hi;
  const b = id * HI;
  const head = hi[b + H_OUT_HEAD]!;
  const first = hi[b + H_OUT_BASE]! + head;
  const n = hi[b + H_OUT_COUNT]! - 1;
  const hq = st.hq;
  hi[b + H_OUT_COUNT] = n;
  if (n === 0) hi[b + H_OUT_HEAD] = 0;
  else if (2 * i < n) {
    for (let j = first + i; j > first; j--) hq[j] = hq[j - 1]!;
    hi[b + H_OUT_HEAD] = head + 1;
  } else copyDown(hq, first + i, first + i + 1, n - i);
}

/** Forget every request of ours on end `id`. */
export function clearOutstanding(st: SimState, id: number): void {
  st.hi[id * HI + H_OUT_COUNT] = 0;
  st.hi[id * HI + H_OUT_HEAD] = 0;
}

/** Queue a request at the uploader's end `u`: block, when it arrives, when its cancel arrives (Infinity: none yet). */
export function queueIncoming(st: SimState, u: number, block: number, at: number, cancelAt: number): void {
  const hi = st.hi;
  const b = u * HI;
  let end = hi[b + H_IN_END]!;
  if (end + 3 > hi[b + H_IN_CAP]!) {
    if (hi[b + H_IN_HEAD]! > 0) compactIncoming(st, u);
    end = hi[b + H_IN_END]!;
    if (end + 3 > hi[b + H_IN_CAP]!) moveQueue(st, b, H_IN_BASE, H_IN_CAP, hi[b + H_IN_BASE]!, end);
  }
  const q = st.hq;
  const o = hi[b + H_IN_BASE]! + end;
  q[o] = block;
  q[o + 1] = at;
  q[o + 2] = cancelAt;
  hi[b + H_IN_END] = end + 3;
}

/** Drop the entries before the head of end `id`'s incoming queue (served or refused), moving the rest to the front. */
export function compactIncoming(st: SimState, id: number): void {
  const b = id * HI;
  const base = st.hi[b + H_IN_BASE]!;
  const head = st.hi[b + H_IN_HEAD]!;
  const end = st.hi[b + H_IN_END]!;
  copyDown(st.hq, base, base + head, end - head);
  st.hi[b + H_IN_HEAD] = 0;
  st.hi[b + H_IN_END] = end - head;
}

/**
 * Drop the queued requests of end `id` for which `drop(block, arrival, cancelArrival)` says so, keeping
 * the others in order at the front of the queue.
 */
export function filterIncoming(st: SimState, id: number, drop: (block: number, arrival: number, cancelArrival: number) => boolean): void {
  const q = st.hq;
  const b = id * HI;
  const base = st.hi[b + H_IN_BASE]!;
  const end = base + st.hi[b + H_IN_END]!;
  let kept = base;
  for (let i = base + st.hi[b + H_IN_HEAD]!; i < end; i += 3) {
    if (drop(q[i]!, q[i + 1]!, q[i + 2]!)) continue;
    q[kept] = q[i]!;
    q[kept + 1] = q[i + 1]!;
    q[kept + 2] = q[i + 2]!;
    kept += 3;
  }
  st.hi[b + H_IN_HEAD] = 0;
  st.hi[b + H_IN_END] = kept - base;
}

/** Forget every queued request of end `id`. */
export function clearIncoming(st: SimState, id: number): void {
  st.hi[id * HI + H_IN_HEAD] = 0;
  st.hi[id * HI + H_IN_END] = 0;
}

/** What the chokers read of a connection end (choker.ts): rechokes copy it out with readChokeConn. */
export type ChokeConn = Pick<
  Half,
  | 'id'
  | 'amChoking'
  | 'amInterested'
  | 'peerInterested'
  | 'optimisticSlot'
  | 'openedAt'
  | 'lastBlockAt'
  | 'unchokedAt'
  | 'bytesSinceUnchoke'
  | 'roundBytes'
  | 'downRate'
  | 'downLast'
  | 'downSince'
  | 'upRate'
  | 'upLast'
  | 'upSince'
  | 'optimisticAt'
>;

/** What the chokers read of end `id`, written into `out`. */
export function readChokeConn<T extends ChokeConn>(st: SimState, id: number, out: T): T {
  const f = st.hi[id * HI + H_FLAGS]!;
  const hf = st.hf;
  const g = id * HF;
  out.id = id;
  out.amChoking = (f & F_AM_CHOKING) !== 0;
  out.amInterested = (f & F_AM_INTERESTED) !== 0;
  out.peerInterested = (f & F_PEER_INTERESTED) !== 0;
  out.optimisticSlot = (f & F_OPTIMISTIC_SLOT) !== 0;
  out.openedAt = hf[g + G_OPENED_AT]!;
  out.lastBlockAt = hf[g + G_LAST_BLOCK_AT]!;
  out.unchokedAt = hf[g + G_UNCHOKED_AT]!;
  out.bytesSinceUnchoke = hf[g + G_BYTES_SINCE_UNCHOKE]!;
  out.roundBytes = hf[g + G_ROUND_BYTES]!;
  out.downRate = hf[g + G_DOWN_RATE]!;
  out.downLast = hf[g + G_DOWN_LAST]!;
  out.downSince = hf[g + G_DOWN_SINCE]!;
  out.upRate = hf[g + G_UP_RATE]!;
  out.upLast = hf[g + G_UP_LAST]!;
  out.upSince = hf[g + G_UP_SINCE]!;
  out.optimisticAt = hf[g + G_OPTIMISTIC_AT]!;
  return out;
}

/** End `id`'s scalars as a plain object (written into `out` when given): the chokers' fields and the rest. */
export function readHalf(st: SimState, id: number, out?: Half): Half {
  const h = readChokeConn(st, id, out ?? ({} as Half));
  const hi = st.hi;
  const hf = st.hf;
  const b = id * HI;
  const g = id * HF;
  const f = hi[b + H_FLAGS]!;
  h.peer = hi[b + H_PEER]!;
  h.remote = hi[b + H_REMOTE]!;
  h.mirror = hi[b + H_MIRROR]!;
  h.latency = hi[b + H_LATENCY]!;
  h.initiator = (f & F_INITIATOR) !== 0;
  h.open = (f & F_OPEN) !== 0;
  h.openIndex = hi[b + H_OPEN_INDEX]!;
  h.peerChoking = (f & F_PEER_CHOKING) !== 0;
  h.interesting = hi[b + H_INTERESTING]!;
  h.mayHaveNew = (f & F_MAY_HAVE_NEW) !== 0;
  h.pipeline = hi[b + H_PIPELINE]!;
  h.pipelineAt = hf[g + G_PIPELINE_AT]!;
  h.outstandingCount = hi[b + H_OUT_COUNT]!;
  h.acceptFrom = hf[g + G_ACCEPT_FROM]!;
  h.queued = (f & F_QUEUED) !== 0;
  h.fast = (f & F_FAST) !== 0;
  h.pex = (f & F_PEX) !== 0;
  h.pexAt = hf[g + G_PEX_AT]!;
  return h;
}
