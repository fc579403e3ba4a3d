// The engine's mutable state as plain data: objects, arrays, typed arrays and one Map, nothing with a
// prototype or a closure, so that a checkpoint is an exact copy (clone.ts; equal to structuredClone). Everything the simulation
// does lives here except the trace (append-only, truncated on a seek back) and the immutable config.
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
   * Pieces neither held nor started, in a random order fixed when the peer is created: the tie-break
   * for random first and rarest first. Dead entries are dropped lazily; candLength is the live prefix.
   */
  cand: Int32Array;
  candLength: number;
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
  /** Connections with queued requests, round-robin FIFO of half ids from servingHead. */
  serving: number[];
  /** Connections we unchoke whose peer is interested (upload slots in use). */
  unchokedInterested: number;
  /** Connections we choke whose peer is interested (waiting for a slot). */
  waiting: number;
  servingHead: number;
  /** Time of the latest wake-up scheduled for this idle uploader (-1 none). */
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

/** One end of a connection: peer's view of remote. Its mirror is remote's view of peer. */
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
  /**
   * Our requests to remote, block ids, oldest first: the first outstandingCount entries. The array is
   * written over and never shortened (see outstandingIndex).
   */
  outstanding: number[];
  outstandingCount: number;
  /**
   * Remote's requests to us not yet served, (block, arrival, cancel arrival) triples, a FIFO in
   * [incomingHead, incomingEnd). The array is written over and never shortened, like outstanding.
   */
  incoming: number[];
  incomingHead: number;
  incomingEnd: number;
  /** Requests arriving from this time on are accepted: the last unchoke, or -1 while choked (small integers keep V8 from boxing the field). */
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
  /** BEP 6: pieces remote lets us request while it chokes us; pieces we let remote request so; pieces remote suggested. */
  allowedIn: number[];
  allowedOut: number[];
  suggested: number[];
  /** BEP 11 in use (both enable it); the peers our last pex message to remote left it knowing of, and when we sent it (-1 never). */
  pex: boolean;
  pexListed: number[];
  pexAt: number;
  /** Bytes received from remote since our last timer rechoke (libtorrent's downloaded_in_last_round). */
  roundBytes: number;
  /** We unchoke remote in an optimistic slot, and since when (-1 never: libtorrent's last_optimistically_unchoked). */
  optimisticSlot: boolean;
  optimisticAt: number;
}

export interface SimState {
  now: number;
  eventCount: number;
  done: boolean;
  endReason: 'stopAt' | 'complete' | 'cap' | 'idle' | 'stalled' | null;
  queue: EventQueue;
  peers: Peer[];
  halves: Half[];
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
  /** Pair key → 1 for pairs where one peer banned the other (hash failures): they never connect again. */
  banned: Map<number, number>;
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

// A connection's outstanding requests are h.outstanding[0 .. h.outstandingCount), oldest first, and
// the requests waiting at its uploader's end h.incoming[incomingHead .. incomingEnd). Both arrays are
// written over and never shortened: V8 frees an emptied array's storage and trims a shrinking one's,
// and a queue that empties and fills again on most blocks then regrew it, which was most of what the
// engine allocated once rechokes stopped allocating (npm run -s bench:alloc).

/** A new request of ours on `h`, after the others. */
export function addOutstanding(h: Half, block: number): void {
  h.outstanding[h.outstandingCount++] = block;
}

/** Where `block` is among our requests on `h`, or -1. */
export function outstandingIndex(h: Half, block: number): number {
  const list = h.outstanding;
  for (let i = 0; i < h.outstandingCount; i++) if (list[i] === block) return i;
  return -1;
}

/** Forget our i-th request on `h`, keeping the others in order. */
export function removeOutstanding(h: Half, i: number): void {
  const list = h.outstanding;
  const n = --h.outstandingCount;
  for (let j = i; j < n; j++) list[j] = list[j + 1]!;
}

/** Queue a request at the uploader's end `u`: block, when it arrives, when its cancel arrives (Infinity: none yet). */
export function queueIncoming(u: Half, block: number, at: number, cancelAt: number): void {
  const q = u.incoming;
  const end = u.incomingEnd;
  q[end] = block;
  q[end + 1] = at;
  q[end + 2] = cancelAt;
  u.incomingEnd = end + 3;
}

/** Drop the entries before incomingHead (served or refused), moving the rest to the front. */
export function compactIncoming(h: Half): void {
  const q = h.incoming;
  const head = h.incomingHead;
  const end = h.incomingEnd;
  for (let j = head; j < end; j++) q[j - head] = q[j]!;
  h.incomingHead = 0;
  h.incomingEnd = end - head;
}

/** Forget every queued request of `h`. */
export function clearIncoming(h: Half): void {
  h.incomingHead = 0;
  h.incomingEnd = 0;
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
export function canProgress(st: SimState, pieces: number): boolean {
  const held = new Uint8Array(pieces);
  for (const p of st.peers) {
    if (p.status !== PEER_ACTIVE || p.upload === 0) continue;
    for (let i = 0; i < pieces; i++) if ((p.pieces[i]! & HAVE) !== 0) held[i] = 1;
  }
  for (const p of st.peers) {
    if (p.status !== PEER_ACTIVE || p.haveCount === pieces) continue;
    for (let i = 0; i < pieces; i++) if (held[i] === 1 && (p.pieces[i]! & HAVE) === 0) return true;
  }
  return false;
}
