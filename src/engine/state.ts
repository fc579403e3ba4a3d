// The engine's mutable state as plain data: objects, arrays, typed arrays and one Map, nothing with a
// prototype or a closure, so that a checkpoint is an exact copy (clone.ts; equal to structuredClone). Everything the simulation
// does lives here except the trace (append-only, truncated on a seek back) and the immutable config.
import { grown, type EventQueue } from './heap';
import type { Rng } from './prng';
import type { ClientProfile } from './profiles';
import type { PeerSettings } from './types';

export const PEER_WAITING = 0;
export const PEER_ACTIVE = 1;
export const PEER_LEFT = 2;

/** Block states in Peer.blocks: 0 = not requested, 1..254 = outstanding requests, 255 = received. */
export const BLOCK_RECEIVED = 255;

export interface Peer {
  id: number;
  profile: ClientProfile;
  status: number;
  seed: boolean;
  investigator: boolean;
  upload: number;
  download: number | null;
  latency: number;
  leaveAfterComplete: number | null;
  /** Seeding limits (settings), and whether the share ratio limit has been reached. */
  seedTimeLimit: number | null;
  shareRatioLimit: number | null;
  ratioReached: boolean;
  /**
   * A view of this peer's row of SimState.pieceState. Per piece, packed so that the hot loops touch one array: the number of copies in this peer's peer
   * set as it knows them (AVAIL bits), whether it holds the verified piece (HAVE), and whether it has
   * started it (STARTED: some block requested, not yet verified).
   */
  pieces: Int32Array;
  /** Trace index of each piece's VERIFIED record (-1 for pieces held from the start). */
  verifiedAt: Float64Array;
  haveCount: number;
  blocks: Uint8Array;
  /** Blocks received, per piece. */
  pieceDone: Uint16Array;
  /** Blocks requested or received, per piece. */
  pieceReq: Uint16Array;
  /** Started, unverified pieces in the order started. */
  partial: number[];
  /** The started pieces that still have an unrequested block (what strict priority picks from). */
  open: number[];
  /** Blocks of missing pieces that are neither requested nor received; 0 → endgame. */
  unrequested: number;
  /**
   * Each piece's place in a random order of the pieces fixed when the peer is created: the tie-break
   * for random first and rarest first. (The pieces it may start are its bits of SimState.candidates.)
   */
  rank: Int32Array;
  /** Open connection halves (ids into SimState.halves), in the order they opened. */
  conns: number[];
  /** Parallel to conns, for the have fan-out: the remote's half, the remote, the latency, the trace index at open. */
  connMirror: number[];
  connRemote: number[];
  connLatency: number[];
  connOpenIndex: number[];
  outgoing: number;
  pendingOut: number;
  sending: boolean;
  /**
   * Connections with queued requests, a round-robin FIFO of end ids: a ring (its length a power of two)
   * of servingLen ids from servingHead (servingPush). A ring, not an array that drops its front now
   * and then: V8 gives a shortened array's spare room back, and the pushes that follow allocated it
   * again (some 19 bytes a block sent).
   */
  serving: Int32Array;
  /** Connections we unchoke whose peer is interested (upload slots in use). */
  unchokedInterested: number;
  /** Connections we choke whose peer is interested (waiting for a slot). */
  waiting: number;
  servingHead: number;
  servingLen: number;
  /** Time of the latest wake-up scheduled for this idle uploader (-Infinity: none). */
  wakeAt: number;
  /** Time the download link is busy until. */
  downloadFreeAt: number;
  uploadedBytes: number;
  downloadedBytes: number;
  joinedAt: number | null;
  leftAt: number | null;
  completedAt: number | null;
  rechokes: number;
  /** Half id of the optimistic unchoke, or -1. */
  optimistic: number;
  lastOptimisticAt: number;
  pickRng: Rng;
  chokeRng: Rng;
  trackerRng: Rng;
  /** Behind NAT when false: it opens connections but accepts none. */
  connectable: boolean;
  /** BEP 6 suggest: the next piece this seed will suggest (a pointer going round the pieces). */
  nextSuggest: number;
  /** Probability that a block this peer sends is corrupt, and its draws (stream peer/<name>/corrupt). */
  corrupt: number;
  corruptRng: Rng | null;
  /**
   * Only when some peer of the swarm may send corrupt data: the sender of each block's kept copy, and
   * per piece whether a kept copy was corrupt (the piece will fail its hash check).
   */
  blockSrc: Int32Array | null;
  tainted: Uint8Array | null;
  /** Hash failures each remote has been involved in here, by peer id (see download.ts). */
  strikes: Map<number, number>;
  /** BEP 11: peers learnt through peer exchange, in the order learnt. */
  pexKnown: number[];
  /** The same peers as bits (peer id q: word q >>> 5), made with the first one; null until then. */
  pexKnownBits: Uint32Array | null;
  /** Pieces announced by a predictive have before their hash check: piece → trace index of that have. */
  earlyHave: Map<number, number>;
  /** Draws of the pieces a lazy bitfield hides (stream peer/<name>/lazy); null without lazyBitfield. */
  lazyRng: Rng | null;
  /** BEP 16 state while super-seeding, else null. */
  superSeed: SuperSeed | null;
  /** The settings in force (the scenario's, changed by scripted `set` events: dynamics.ts). */
  settings: PeerSettings;
  /** Draws of its seeding time (stream peer/<name>/seeding), made at its first completion if it has a distribution. */
  seedingRng: Rng | null;
}

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

/** A connection end's lists (BEP 6 and BEP 11 only): SimState.halves[id]. */
export interface HalfLists {
  /** BEP 6: pieces remote lets us request while it chokes us; pieces we let remote request so; pieces remote suggested. */
  allowedIn: number[];
  allowedOut: number[];
  suggested: number[];
  /** BEP 11: the peers our last pex message to remote left it knowing of. */
  pexListed: number[];
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

export interface SimState {
  now: number;
  eventCount: number;
  done: boolean;
  endReason: 'stopAt' | 'complete' | 'cap' | 'idle' | 'stalled' | null;
  queue: EventQueue;
  peers: Peer[];
  /** The connection ends' scalars (see HI, HF) and queues (the pool hq); ids 0 .. halves.length - 1. */
  hi: Int32Array;
  hf: Float64Array;
  hq: Float64Array;
  /** st.hq is used up to here. */
  hqTop: number;
  /**
   * Slices of st.hq that queues left when they moved to twice the room, by their room: the next queue
   * given that much room takes the last one left (allocQueue) rather than new room at the top.
   */
  hqFree: Map<number, number[]>;
  /** Each end's lists, one entry for every end made so far. */
  halves: HalfLists[];
  /** Pair key (low id × 65536 + high id) → 1 while connecting or connected. */
  pairs: Map<number, number>;
  /** Every peer's packed piece state (Peer.pieces), peer after peer: pieces entries each. */
  pieceState: Int32Array;
  /**
   * What each connection's owner knows its remote has (its bitfield and the haves that reached it),
   * one bit a piece, `words` 32-bit words per half starting at half id × words. Only pieces the owner
   * lacked when it learned of them are recorded: the rest never matter to interest or picking.
   */
  bits: Uint32Array;
  words: number;
  /**
   * The pieces each peer neither holds nor has started (the picker's candidates for a new piece), one
   * bit a piece, `words` 32-bit words per peer starting at peer id × words.
   */
  candidates: Uint32Array;
  /**
   * Per piece, the peers holding it verified, one bit a peer, peerWords 32-bit words per piece: a
   * have's recipients are checked here first, all in one row, before their own piece state. Super-seeds
   * are left out (what they are told is recorded: superseed.ts).
   */
  holders: Uint32Array;
  peerWords: number;
  /** Peers the tracker knows, in announce order. */
  tracker: number[];
  present: number;
  presentComplete: number;
  pendingJoins: number;
  lostBytes: number;
  /** When the last block arrived anywhere, and when a run without stopAt next checks for a stall. */
  lastArrivalAt: number;
  nextStallCheck: number;
  /** Wire messages sent, by trace kind (a have broadcast counts once per recipient). */
  msgCount: Float64Array;
  /** The schedule of a run split by peers (SimOptions.split), or null. */
  split: Split | null;
  /** Pair key → 1 for pairs where one peer banned the other (hash failures): they never connect again. */
  banned: Map<number, number>;
}

/**
 * A run split by peers: the even and the odd peers are two sides, each with its own order of events
 * (seq = side × 2^52 + the side's count: heap.ts pushKeyed's major and minor parts), and events one
 * side schedules for the other are held in `out` until the next multiple of `window` (README,
 * "Inside the engine": what this is for).
 */
export interface Split {
  /** µs: the shortest latency of a connection between an even and an odd peer; 0 when there is none to wait for. */
  window: number;
  /** The side (peer id & 1) whose event is being handled. */
  side: number;
  /** Events each side has scheduled. */
  seq: Float64Array;
  /** Connection ends each side has made: side s's k-th is 2k + s, or k in a world of one side (connections.ts newHalf). */
  ends: Float64Array;
  /**
   * This world runs one side only (side.ts SideRun, a thread of its own): it numbers its ends 0, 1, 2…
   * rather than 2k + side, since no end of the other side's is ever in it.
   */
  oneSide: boolean;
  /**
   * Each side's share of pendingJoins, present and presentComplete (side 0's, side 1's, for each in
   * turn): a split run's end is decided from them at window boundaries (sim.ts).
   */
  counts: Float64Array;
  /** The next window boundary at which the run's end is tested (sim.ts). */
  checkAt: number;
  /** What is held for the other side, OUT_RECORD numbers each (world.ts: events, and OP records). */
  out: Float64Array;
  outLen: number;
  /** Where in `out` the held records are that carry a payload row (world.ts carriedRows), in order. */
  carried: number[];
  /**
   * The tracker's list as each side's announces see it (st.tracker is not used): a side's own joins
   * and leaves at once, the other side's at the window boundaries (OP.TRACKER).
   */
  tracker: number[][];
  /** How many times each side's copy lists each peer (side × peers + peer): present() reads it. */
  listed: Uint8Array;
  /** Bitfields in flight: what each shows travels with it (world.ts bitfieldRow), `words` words, a bit a piece. */
  fields: Rows<Uint32Array>;
  /**
   * Have broadcasts to the other side: their recipients travel with them (download.ts
   * broadcastHave), a row each, their count first, then each one's end and peer. PEX messages'
   * added peers too (pex.ts), their count first.
   */
  lists: Rows<Int32Array>;
}

/** Rows of `size` numbers in one typed array, each taken while a message carries it and then given back (world.ts takeRow). */
export interface Rows<A extends Uint32Array | Int32Array> {
  data: A;
  size: number;
  /** Rows made so far; those given back wait in `free`. */
  made: number;
  free: number[];
}

export const AVAIL = 0xffff;
export const HAVE = 1 << 16;
export const STARTED = 1 << 17;
/** On every piece of a BEP 16 super-seed: the haves and bitfields it receives are recorded (superseed.ts). */
export const SUPER = 1 << 18;

/** A super-seeding seed's state (BEP 16, superseed.ts). */
export interface SuperSeed {
  /** Half id → the piece offered on that connection (the one piece that peer was shown). */
  offers: Map<number, number>;
  /** Times each piece has been offered. */
  handedOut: Int32Array;
  /** The pieces in a random order (stream peer/<name>/superseed): the tie-break between equal pieces. */
  order: Int32Array;
}

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

/** `piece` is no longer a candidate for a new piece at `peer` (started or held). */
export function dropCandidate(st: SimState, peer: number, piece: number): void {
  const word = peer * st.words + (piece >>> 5);
  st.candidates[word] = st.candidates[word]! & ~(1 << (piece & 31));
}

/** `peer` now holds `piece` verified (see SimState.holders). */
export function addHolder(st: SimState, peer: number, piece: number): void {
  const word = piece * st.peerWords + (peer >>> 5);
  st.holders[word] = st.holders[word]! | (1 << (peer & 31));
}

/** Does peer hold the verified piece? */
export function holds(peer: Peer, piece: number): boolean {
  return (peer.pieces[piece]! & HAVE) !== 0;
}

/** Does the remote of half `hid` have `piece`, as far as the half's owner knows? */
export function knows(st: SimState, hid: number, piece: number): boolean {
  return (st.bits[hid * st.words + (piece >>> 5)]! & (1 << (piece & 31))) !== 0;
}

/**
 * Can any present peer still get a piece it lacks? True when some present peer that uploads holds
 * a piece that another present peer is missing. (Whether choking lets it through is another matter:
 * this only says whether progress is possible at all.)
 */
/** Peer `id` changes the run's counts of peers yet to join, present, and present and complete (and its side's, in a split run). */
export function countPeer(st: SimState, id: number, pending: number, present: number, complete: number): void {
  st.pendingJoins += pending;
  st.present += present;
  st.presentComplete += complete;
  const sp = st.split;
  if (sp === null) return;
  const side = id & 1;
  const c = sp.counts;
  c[side] = c[side]! + pending;
  c[2 + side] = c[2 + side]! + present;
  c[4 + side] = c[4 + side]! + complete;
}

export function canProgress(st: SimState, pieces: number): boolean {
  return partsProgress([progressParts(st, pieces, -1)]);
}

/** What progressParts finds on one side (or on all). */
export interface ProgressParts {
  held: Uint8Array;
  lacking: Uint8Array;
}

/** Does a piece some part's present uploaders hold meet one some part's present incomplete peers lack? */
export function partsProgress(parts: readonly ProgressParts[]): boolean {
  const n = parts[0]!.held.length;
  for (let i = 0; i < n; i++) {
    let held = 0;
    let lacking = 0;
    for (const p of parts) {
      held |= p.held[i]!;
      lacking |= p.lacking[i]!;
    }
    if ((held & lacking) === 1) return true;
  }
  return false;
}

/**
 * What canProgress reads, for the peers of one side of a split run (or all, side −1): the pieces
 * present uploading peers hold, and those present incomplete peers lack. Some present peer can get a
 * piece iff one is in both (the peer lacking it is never the one holding it).
 */
export function progressParts(st: SimState, pieces: number, side: number): ProgressParts {
  const held = new Uint8Array(pieces);
  const lacking = new Uint8Array(pieces);
  for (const p of st.peers) {
    if (p.status !== PEER_ACTIVE || (side >= 0 && (p.id & 1) !== side)) continue;
    if (p.upload > 0) for (let i = 0; i < pieces; i++) if ((p.pieces[i]! & HAVE) !== 0) held[i] = 1;
    if (p.haveCount < pieces) for (let i = 0; i < pieces; i++) if ((p.pieces[i]! & HAVE) === 0) lacking[i] = 1;
  }
  return { held, lacking };
}

/** Take the end at the front of `peer`'s serving FIFO (it must not be empty). */
export function servingTake(peer: Peer): number {
  const ring = peer.serving;
  const id = ring[peer.servingHead]!;
  peer.servingHead = (peer.servingHead + 1) & (ring.length - 1);
  peer.servingLen--;
  return id;
}

/** The `k`-th end from the front of `peer`'s serving FIFO. */
export function servingAt(peer: Peer, k: number): number {
  return peer.serving[(peer.servingHead + k) & (peer.serving.length - 1)]!;
}

/** Put end `id` at the back of `peer`'s serving FIFO, giving the ring twice the room when it is full. */
export function servingPush(peer: Peer, id: number): void {
  let ring = peer.serving;
  if (peer.servingLen === ring.length) {
    const bigger = new Int32Array(2 * ring.length);
    for (let k = 0; k < peer.servingLen; k++) bigger[k] = servingAt(peer, k);
    peer.serving = ring = bigger;
    peer.servingHead = 0;
  }
  ring[(peer.servingHead + peer.servingLen) & (ring.length - 1)] = id;
  peer.servingLen++;
}

/**
 * Take the first `value` out of `list`, the rest kept in order: as list.splice(list.indexOf(value), 1),
 * without the array of removed items splice makes (a peer's started and open pieces change with every
 * piece it starts or completes).
 */
export function removeValue(list: number[], value: number): void {
  const i = list.indexOf(value);
  if (i < 0) return;
  for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j]!;
  list.pop();
}
