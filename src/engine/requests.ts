// The downloading side of a connection: interest (always accurate, BEP 3), the request pipeline
// (mainline's backlog), and requests and cancels, which wait at the uploader's end with their arrival time.
import { rateAt } from './bandwidth';
import { snubbed } from './choker';
import { pickBlock, type Remote } from './picker';
import { BLOCK_RECEIVED, dropCandidate, PIECE_REQ, removeValue, servingPush, STARTED, type Peer } from './state';
import {
  addOutstanding,
  clearOutstanding,
  F_AM_INTERESTED,
  F_FAST,
  F_OPEN,
  F_PEER_CHOKING,
  F_QUEUED,
  G_DOWN_LAST,
  G_DOWN_RATE,
  G_DOWN_SINCE,
  G_LAST_BLOCK_AT,
  G_PIPELINE_AT,
  H_FLAGS,
  H_IN_BASE,
  H_IN_END,
  H_IN_HEAD,
  H_INTERESTING,
  H_LATENCY,
  H_MIRROR,
  H_OUT_COUNT,
  H_PEER,
  H_PIPELINE,
  H_REMOTE,
  HF,
  HI,
  outstandingAt,
  outstandingIndex,
  queueIncoming,
  removeOutstanding,
} from './ends';
import { blocksInPiece } from './torrent';
import { append, T } from './trace';
import { OP, post, send, type World } from './world';
import { wakeAt } from './upload';
import { fillAllowedFast } from './fast';

/** Interest is always accurate (BEP 3): interested exactly while the remote has a piece we lack. */
export function updateInterest(w: World, h: number): void {
  const st = w.st;
  const b = h * HI;
  const want = st.hi[b + H_INTERESTING]! > 0;
  const f = st.hi[b + H_FLAGS]!;
  if (want === ((f & F_AM_INTERESTED) !== 0)) return;
  st.hi[b + H_FLAGS] = want ? f | F_AM_INTERESTED : f & ~F_AM_INTERESTED;
  if (want) st.hf[h * HF + G_LAST_BLOCK_AT] = st.now;
  send(w, h, want ? T.INTERESTED : T.NOT_INTERESTED, 0);
  if (want) fillRequests(w, h);
}

export function pipelineLength(w: World, h: number, peer: Peer): number {
  const p = peer.profile;
  const st = w.st;
  const now = st.now;
  const b = h * HI;
  const g = h * HF;
  // Rates move slowly: recompute once a simulated second.
  if (now - st.hf[g + G_PIPELINE_AT]! < 1_000_000) return st.hi[b + H_PIPELINE]!;
  st.hf[g + G_PIPELINE_AT] = now;
  // A snubbed peer gets one request at a time (libtorrent); mainline's backlog is 2 + 4·rate/16 KiB,
  // libtorrent's request_queue_time 3 s × rate / 16 KiB, at least 2.
  if (snubbed(st, h, now, p.snubTimeout)) st.hi[b + H_PIPELINE] = 1;
  else {
    const rate = rateAt(st.hf[g + G_DOWN_RATE]!, st.hf[g + G_DOWN_LAST]!, st.hf[g + G_DOWN_SINCE]!, now);
    st.hi[b + H_PIPELINE] = Math.max(p.pipelineMin, Math.min(p.pipelineCap, p.pipelineBase + Math.floor((p.pipelinePerRate * rate) / 16384)));
  }
  return st.hi[b + H_PIPELINE]!;
}

/** A block of `piece` leaves the unrequested pool (requested, or arrived unasked). */
export function takeBlock(w: World, peer: Peer, piece: number): void {
  peer.unrequested--;
  if (++peer.pieceCounts[2 * piece + PIECE_REQ]! === blocksInPiece(w.g, piece)) removeValue(peer.open, piece);
}

/** A requested block of `piece` goes back to the unrequested pool (its request was dropped). */
function returnBlock(w: World, peer: Peer, piece: number): void {
  peer.unrequested++;
  if (peer.pieceCounts[2 * piece + PIECE_REQ]!-- === blocksInPiece(w.g, piece)) peer.open.push(piece);
}

export function requestBlock(w: World, peer: Peer, h: number, block: number): void {
  const piece = Math.floor(block / w.g.blocksPerPiece);
  if ((peer.pieces[piece]! & STARTED) === 0) {
    peer.pieces[piece] = peer.pieces[piece]! | STARTED;
    dropCandidate(w.st, peer.id, piece);
    peer.partial.push(piece);
    peer.open.push(piece);
  }
  const s = peer.blocks[block]!;
  if (s === 0) takeBlock(w, peer, piece);
  else peer.duplicated = true;
  peer.blocks[block] = s + 1;
  addOutstanding(w.st, h, block);
  sendRequest(w, h, block);
}

/** The picker's view of the connection being filled, written over by each fillRequests (one runs per block received). */
const picked: Remote = { st: null!, half: 0, bits: new Uint32Array(0), base: 0 };

/** Keep the request pipeline of `h` full while we are interested and unchoked. */
export function fillRequests(w: World, h: number): void {
  const st = w.st;
  const b = h * HI;
  const f = st.hi[b + H_FLAGS]!;
  if ((f & (F_AM_INTERESTED | F_OPEN)) !== (F_AM_INTERESTED | F_OPEN)) return;
  if ((f & F_PEER_CHOKING) !== 0) {
    // BEP 6: while choked, only the allowed-fast pieces may be requested. (fast first: most
    // connections are choked and plain, and the list is one more object to fetch.)
    if ((f & F_FAST) !== 0 && st.halves[h]!.allowedIn.length > 0) fillAllowedFast(w, h);
    return;
  }
  const peer = st.peers[st.hi[b + H_PEER]!]!;
  const limit = pipelineLength(w, h, peer);
  if (st.hi[b + H_OUT_COUNT]! >= limit) return;
  const remote = picked;
  remote.st = st;
  remote.half = h;
  remote.bits = st.bits;
  remote.base = h * st.words;
  while (st.hi[b + H_OUT_COUNT]! < limit) {
    const block = pickBlock(peer, remote, w.g, peer.profile.randomFirst);
    if (block < 0) return;
    requestBlock(w, peer, h, block);
  }
}

/** BEP 6: remote rejected our request for `block` on `h`: the block can be asked of someone else. */
export function dropRequest(w: World, h: number, block: number): boolean {
  const st = w.st;
  const j = outstandingIndex(st, h, block);
  if (j < 0) return false;
  removeOutstanding(st, h, j);
  const peer = st.peers[st.hi[h * HI + H_PEER]!]!;
  const s = peer.blocks[block]!;
  if (s === BLOCK_RECEIVED || s === 0) return true;
  peer.blocks[block] = s - 1;
  if (s === 1) returnBlock(w, peer, Math.floor(block / w.g.blocksPerPiece));
  return true;
}

/** Forget our outstanding requests on `h`: the blocks can be asked of someone else. */
export function releaseRequests(w: World, h: number): void {
  const st = w.st;
  const b = h * HI;
  const peer = st.peers[st.hi[b + H_PEER]!]!;
  const n = st.hi[b + H_OUT_COUNT]!;
  for (let i = 0; i < n; i++) {
    const block = outstandingAt(st, h, i);
    const s = peer.blocks[block]!;
    if (s === BLOCK_RECEIVED || s === 0) continue;
    peer.blocks[block] = s - 1;
    if (s === 1) returnBlock(w, peer, Math.floor(block / w.g.blocksPerPiece));
  }
  clearOutstanding(st, h);
}

/**
 * Requests are not scheduled as events: a request is queued at the uploader's end of the connection
 * with the time it arrives there (now + latency), and the uploader looks at it when it picks its next
 * block, or is woken at that time if idle. A flash crowd's uploaders are busy, so this saves an event
 * per block with the same outcome as delivering each request on arrival. Queue entries are
 * (block, arrival time, cancel arrival time).
 */
function sendRequest(w: World, h: number, block: number): void {
  const st = w.st;
  const b = h * HI;
  const uploader = st.hi[b + H_REMOTE]!;
  append(w.tr, st.now, T.REQUEST, st.hi[b + H_PEER]!, uploader, block, 0);
  st.msgCount[T.REQUEST]!++;
  const at = st.now + st.hi[b + H_LATENCY]!;
  const u = st.hi[b + H_MIRROR]!;
  if (st.split === null || !post(w, at, OP.REQUEST, u, block, 0, uploader, 0)) queueRequest(w, u, block, at);
}

/** A request for `block` queued at the uploader's end `u`, arriving there at `at`; the uploader woken then if idle. */
export function queueRequest(w: World, u: number, block: number, at: number): void {
  const st = w.st;
  const uf = st.hi[u * HI + H_FLAGS]!;
  // In a split run the uploader may have closed its end while the request travelled: it is dropped.
  if ((uf & F_OPEN) === 0) return;
  queueIncoming(st, u, block, at, Infinity);
  const uploader = st.peers[st.hi[u * HI + H_PEER]!]!;
  if ((uf & F_QUEUED) === 0) {
    servingPush(uploader, u);
    st.hi[u * HI + H_FLAGS] = uf | F_QUEUED;
  }
  if (!uploader.sending) wakeAt(w, uploader, at);
}

/** Cancel (BEP 3): takes effect if it reaches the uploader before the block is started. */
export function sendCancel(w: World, h: number, block: number): void {
  const st = w.st;
  const b = h * HI;
  const uploader = st.hi[b + H_REMOTE]!;
  append(w.tr, st.now, T.CANCEL, st.hi[b + H_PEER]!, uploader, block, 0);
  st.msgCount[T.CANCEL]!++;
  const u = st.hi[b + H_MIRROR]!;
  const at = st.now + st.hi[b + H_LATENCY]!;
  if (!post(w, at, OP.CANCEL, u, block, 0, uploader, 0)) cancelQueued(w, u, block, at);
}

/** A cancel for `block` reaching the uploader's end `u` at `at`: marks the first such request not yet cancelled. */
export function cancelQueued(w: World, u: number, block: number, at: number): void {
  const st = w.st;
  const q = st.hq;
  const base = st.hi[u * HI + H_IN_BASE]!;
  const end = base + st.hi[u * HI + H_IN_END]!;
  for (let i = base + st.hi[u * HI + H_IN_HEAD]!; i < end; i += 3) {
    if (q[i] === block && q[i + 2] === Infinity) {
      q[i + 2] = at;
      return;
    }
  }
}
