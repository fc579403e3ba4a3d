// The engine's mutable state as plain data: objects, arrays, typed arrays and one Map, nothing with a
// prototype or a closure, so that a checkpoint is an exact copy (clone.ts; equal to structuredClone). Everything the simulation
// does lives here except the trace (append-only, truncated on a seek back) and the immutable config.
// The layout of a connection end's record and its request queues are in ends.ts.
import type { EventQueue } from './heap';
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
   * started it (STARTED: some block requested, not yet verified). Two bytes a piece: see AVAIL.
   */
  pieces: Uint16Array;
  /** Trace index of each piece's VERIFIED record (-1 for pieces held from the start). */
  verifiedAt: Float64Array;
  haveCount: number;
  blocks: Uint8Array;
  /**
   * Two counts a piece, side by side: blocks received (at 2 × piece, PIECE_DONE) and blocks requested
   * or received (at 2 × piece + 1, PIECE_REQ). A block's arrival reads the first and the requests it
   * makes next, often of the same piece, the second: one line of memory rather than two arrays.
   */
  pieceCounts: Uint16Array;
  /** Started, unverified pieces in the order started. */
  partial: number[];
  /** The started pieces that still have an unrequested block (what strict priority picks from). */
  open: number[];
  /** Blocks of missing pieces that are neither requested nor received; 0 → endgame. */
  unrequested: number;
  /**
   * Whether it has ever asked for a block already outstanding elsewhere (endgame). Until then each
   * block is outstanding on one connection at most, so a block arriving where it is outstanding was
   * requested once and not yet received: onArrive need not read its state.
   */
  duplicated: boolean;
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

/** A connection end's lists (BEP 6 and BEP 11 only): SimState.halves[id]. */
export interface HalfLists {
  /** BEP 6: pieces remote lets us request while it chokes us; pieces we let remote request so; pieces remote suggested. */
  allowedIn: number[];
  allowedOut: number[];
  suggested: number[];
  /** BEP 11: the peers our last pex message to remote left it knowing of. */
  pexListed: number[];
}

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
  pieceState: Uint16Array;
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

/**
 * A piece's state in Peer.pieces, 16 bits: its count of copies in the peer set in the low 13 (a peer
 * set never holds more than LIMITS.maxPeers, 5,000, below 2^13: test/engine/picker.test.ts), then
 * three flags. Two bytes rather than four halve the array a have reads at each of its recipients,
 * one entry at a random place, so that more of it stays in the caches.
 */
export const AVAIL = 0x1fff;
export const HAVE = 1 << 13;
export const STARTED = 1 << 14;
/** On every piece of a BEP 16 super-seed: the haves and bitfields it receives are recorded (superseed.ts). */
export const SUPER = 1 << 15;

/** Where a piece's counts are in Peer.pieceCounts: 2 × piece + PIECE_DONE, 2 × piece + PIECE_REQ. */
export const PIECE_DONE = 0;
export const PIECE_REQ = 1;

/** A super-seeding seed's state (BEP 16, superseed.ts). */
export interface SuperSeed {
  /** Half id → the piece offered on that connection (the one piece that peer was shown). */
  offers: Map<number, number>;
  /** Times each piece has been offered. */
  handedOut: Int32Array;
  /** The pieces in a random order (stream peer/<name>/superseed): the tie-break between equal pieces. */
  order: Int32Array;
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

/**
 * Can any present peer still get a piece it lacks? True when some present peer that uploads holds
 * a piece that another present peer is missing. (Whether choking lets it through is another matter:
 * this only says whether progress is possible at all.)
 */
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
