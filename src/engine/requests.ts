// The downloading side of a connection: interest (always accurate, BEP 3), the request pipeline
// (mainline's backlog), and requests and cancels, which wait at the uploader's end with their arrival time.
import { rateAt } from './bandwidth';
import { isSnubbed } from './choker';
import { pickBlock, type Remote } from './picker';
import { addOutstanding, BLOCK_RECEIVED, outstandingIndex, queueIncoming, removeOutstanding, STARTED, type Half, type Peer } from './state';
import { blocksInPiece } from './torrent';
import { append, T } from './trace';
import { send, type World } from './world';
import { wakeAt } from './upload';
import { fillAllowedFast } from './fast';

/** Interest is always accurate (BEP 3): interested exactly while the remote has a piece we lack. */
export function updateInterest(w: World, h: Half): void {
  const want = h.interesting > 0;
  if (want === h.amInterested) return;
  h.amInterested = want;
  if (want) h.lastBlockAt = w.st.now;
  send(w, h, want ? T.INTERESTED : T.NOT_INTERESTED, 0);
  if (want) fillRequests(w, h);
}

export function pipelineLength(w: World, h: Half, peer: Peer): number {
  const p = peer.profile;
  const now = w.st.now;
  // Rates move slowly: recompute once a simulated second.
  if (now - h.pipelineAt < 1_000_000) return h.pipeline;
  h.pipelineAt = now;
  // A snubbed peer gets one request at a time (libtorrent); mainline's backlog is 2 + 4·rate/16 KiB,
  // libtorrent's request_queue_time 3 s × rate / 16 KiB, at least 2.
  if (isSnubbed(h, now, p.snubTimeout)) h.pipeline = 1;
  else {
    const rate = rateAt(h.downRate, h.downLast, h.downSince, now);
    h.pipeline = Math.max(p.pipelineMin, Math.min(p.pipelineCap, p.pipelineBase + Math.floor((p.pipelinePerRate * rate) / 16384)));
  }
  return h.pipeline;
}

/** A block of `piece` leaves the unrequested pool (requested, or arrived unasked). */
export function takeBlock(w: World, peer: Peer, piece: number): void {
  peer.unrequested--;
  if (++peer.pieceReq[piece]! === blocksInPiece(w.g, piece)) peer.open.splice(peer.open.indexOf(piece), 1);
}

/** A requested block of `piece` goes back to the unrequested pool (its request was dropped). */
function returnBlock(w: World, peer: Peer, piece: number): void {
  peer.unrequested++;
  if (peer.pieceReq[piece]!-- === blocksInPiece(w.g, piece)) peer.open.push(piece);
}

export function requestBlock(w: World, peer: Peer, h: Half, block: number): void {
  const piece = Math.floor(block / w.g.blocksPerPiece);
  if ((peer.pieces[piece]! & STARTED) === 0) {
    peer.pieces[piece] = peer.pieces[piece]! | STARTED;
    peer.partial.push(piece);
    peer.open.push(piece);
  }
  const s = peer.blocks[block]!;
  if (s === 0) takeBlock(w, peer, piece);
  peer.blocks[block] = s + 1;
  addOutstanding(h, block);
  sendRequest(w, h, block);
}

/** The picker's view of the connection being filled, written over by each fillRequests (one runs per block received). */
const picked: Remote = { half: null!, bits: new Uint32Array(0), base: 0 };

/** Keep the request pipeline of `h` full while we are interested and unchoked. */
export function fillRequests(w: World, h: Half): void {
  if (!h.amInterested || !h.open) return;
  if (h.peerChoking) {
    // BEP 6: while choked, only the allowed-fast pieces may be requested. (h.fast first: most
    // connections are choked and plain, and the list is one more object to fetch.)
    if (h.fast && h.allowedIn.length > 0) fillAllowedFast(w, h);
    return;
  }
  const peer = w.st.peers[h.peer]!;
  const limit = pipelineLength(w, h, peer);
  if (h.outstandingCount >= limit) return;
  const remote = picked;
  remote.half = h;
  remote.bits = w.st.bits;
  remote.base = h.id * w.st.words;
  while (h.outstandingCount < limit) {
    const block = pickBlock(peer, remote, w.g, peer.profile.randomFirst);
    if (block < 0) return;
    requestBlock(w, peer, h, block);
  }
}

/** BEP 6: remote rejected our request for `block` on `h`: the block can be asked of someone else. */
export function dropRequest(w: World, h: Half, block: number): void {
  const j = outstandingIndex(h, block);
  if (j < 0) return;
  removeOutstanding(h, j);
  const peer = w.st.peers[h.peer]!;
  const s = peer.blocks[block]!;
  if (s === BLOCK_RECEIVED || s === 0) return;
  peer.blocks[block] = s - 1;
  if (s === 1) returnBlock(w, peer, Math.floor(block / w.g.blocksPerPiece));
}

/** Forget our outstanding requests on `h`: the blocks can be asked of someone else. */
export function releaseRequests(w: World, h: Half): void {
  const peer = w.st.peers[h.peer]!;
  for (let i = 0; i < h.outstandingCount; i++) {
    const block = h.outstanding[i]!;
    const s = peer.blocks[block]!;
    if (s === BLOCK_RECEIVED || s === 0) continue;
    peer.blocks[block] = s - 1;
    if (s === 1) returnBlock(w, peer, Math.floor(block / w.g.blocksPerPiece));
  }
  h.outstandingCount = 0;
}

/**
 * Requests are not scheduled as events: a request is queued at the uploader's end of the connection
 * with the time it arrives there (now + latency), and the uploader looks at it when it picks its next
 * block, or is woken at that time if idle. A flash crowd's uploaders are busy, so this saves an event
 * per block with the same outcome as delivering each request on arrival. Queue entries are
 * (block, arrival time, cancel arrival time).
 */
function sendRequest(w: World, h: Half, block: number): void {
  const st = w.st;
  append(w.tr, st.now, T.REQUEST, h.peer, h.remote, block, 0);
  st.msgCount[T.REQUEST]!++;
  const at = st.now + h.latency;
  const u = st.halves[h.mirror]!;
  queueIncoming(u, block, at, Infinity);
  const uploader = st.peers[u.peer]!;
  if (!u.queued) {
    uploader.serving.push(u.id);
    u.queued = true;
  }
  if (!uploader.sending) wakeAt(w, uploader, at);
}

/** Cancel (BEP 3): takes effect if it reaches the uploader before the block is started. */
export function sendCancel(w: World, h: Half, block: number): void {
  const st = w.st;
  append(w.tr, st.now, T.CANCEL, h.peer, h.remote, block, 0);
  st.msgCount[T.CANCEL]!++;
  const u = st.halves[h.mirror]!;
  const q = u.incoming;
  for (let i = u.incomingHead; i < u.incomingEnd; i += 3) {
    if (q[i] === block && q[i + 2] === Infinity) {
      q[i + 2] = st.now + h.latency;
      return;
    }
  }
}
