// Blocks arriving, pieces verified, and haves: a piece is announced only once its hash checked out.
import { measuredRate, measureSince } from './bandwidth';
import { push } from './heap';
import { BLOCK_RECEIVED, HAVE, knows, outstandingIndex, removeOutstanding, STARTED, SUPER, type Half, type Peer, type SimState } from './state';
import { blockLength, blocksInPiece } from './torrent';
import { append, BROADCAST, T } from './trace';
import { checkShareRatio, E, startSeeding, type World } from './world';
import { fillRequests, sendCancel, takeBlock, updateInterest } from './requests';
import { lose } from './upload';
import { announceVerified, maybeAnnounceEarly } from './advertise';
import { superSeedRecord, superSeedSaw } from './superseed';
import { failsHashCheck, keepCopy, onHashFailed } from './hashcheck';

export function onArrive(w: World, rid: number, block: number, bad: number): void {
  const st = w.st;
  const r = st.halves[rid]!;
  const len = blockLength(w.g, block);
  if (!r.open) {
    lose(w, r.remote, r.peer, block, len);
    return;
  }
  const peer = st.peers[r.peer]!;
  const sender = st.peers[r.remote]!;
  append(w.tr, st.now, T.RECEIVED, r.remote, r.peer, block, len);
  st.lastArrivalAt = st.now;
  sender.uploadedBytes += len;
  peer.downloadedBytes += len;
  checkShareRatio(w, sender);
  r.downRate = measuredRate(r.downRate, r.downLast, r.downSince, st.now, len);
  r.downLast = st.now;
  r.downSince = measureSince(r.downSince, st.now, peer.profile.rateWindow);
  r.lastBlockAt = st.now;
  r.roundBytes += len;
  const i = outstandingIndex(r, block);
  if (i >= 0) removeOutstanding(r, i);
  let s = peer.blocks[block]!;
  if (s !== BLOCK_RECEIVED) {
    const piece = Math.floor(block / w.g.blocksPerPiece);
    if (i >= 0) s--;
    else if (s === 0) takeBlock(w, peer, piece);
    if (s > 0) cancelElsewhere(w, peer, r, block, s);
    peer.blocks[block] = BLOCK_RECEIVED;
    if (peer.blockSrc !== null) keepCopy(peer, block, piece, r.remote, bad);
    peer.pieceDone[piece]!++;
    if (peer.pieceDone[piece] === blocksInPiece(w.g, piece)) {
      if (failsHashCheck(peer, piece)) onHashFailed(w, peer, piece);
      else verify(w, peer, piece);
    } else maybeAnnounceEarly(w, peer, r, piece);
  }
  fillRequests(w, r);
}

/**
 * Endgame (mainline): a block arrived; cancel the duplicate requests for it on other connections.
 * peer.blocks counts the connections it is still outstanding on (`left` of them besides `from`), so
 * the scan stops at the last one instead of searching every connection's requests.
 */
function cancelElsewhere(w: World, peer: Peer, from: Half, block: number, left: number): void {
  const conns = peer.conns;
  for (let k = 0; k < conns.length && left > 0; k++) {
    const h = w.st.halves[conns[k]!]!;
    if (h === from) continue;
    const j = outstandingIndex(h, block);
    if (j < 0) continue;
    removeOutstanding(h, j);
    sendCancel(w, h, block);
    left--;
  }
}

/** The piece's hash checked out: only now is it announced with have (BEP 3). */
function verify(w: World, peer: Peer, piece: number): void {
  const st = w.st;
  peer.pieces[piece] = (peer.pieces[piece]! | HAVE) & ~STARTED;
  peer.verifiedAt[piece] = w.tr.length;
  append(w.tr, st.now, T.VERIFIED, peer.id, 0, piece, 0);
  peer.haveCount++;
  peer.partial.splice(peer.partial.indexOf(piece), 1);
  announceVerified(w, peer, piece);
  const conns = peer.conns;
  for (let k = 0; k < conns.length; k++) {
    const id = conns[k]!;
    if (!knows(st, id, piece)) continue;
    const h = st.halves[id]!;
    if (--h.interesting === 0) updateInterest(w, h);
  }
  if (peer.haveCount === w.g.pieces) {
    peer.completedAt = st.now;
    append(w.tr, st.now, T.COMPLETED, peer.id, 0, 0, 0);
    st.presentComplete++;
    startSeeding(w, peer);
  }
}

/**
 * One have to every open connection. The trace keeps one record (to = BROADCAST, y = recipients) and
 * the queue one event per distinct latency: a 1,000-peer run sends tens of millions of haves.
 */
export function broadcastHave(w: World, peer: Peer, piece: number): void {
  const n = peer.conns.length;
  if (n === 0) return;
  const st = w.st;
  const idx = w.tr.length;
  append(w.tr, st.now, T.HAVE, peer.id, BROADCAST, piece, n);
  st.msgCount[T.HAVE]! += n;
  const lats = peer.connLatency;
  for (let i = 0; i < n; i++) {
    const lat = lats[i]!;
    if (lats.indexOf(lat) === i) push(st.queue, st.now + lat, E.HAVE, peer.id, piece, idx, lat);
  }
}

/**
 * The remote of `h` has `piece`: count it in our availability and our interest. Pieces we already
 * hold are not recorded: they can never make us interested, and rarest first only ranks pieces we lack.
 */
export function remoteGot(st: SimState, peer: Peer, h: Half, piece: number): boolean {
  const ps = peer.pieces[piece]!;
  if ((ps & HAVE) !== 0) {
    // A super-seed records what its peers have, to see its offers spread (superseed.ts).
    if ((ps & SUPER) !== 0) superSeedRecord(st, peer, h, piece);
    return false;
  }
  const word = h.id * st.words + (piece >>> 5);
  const bit = 1 << (piece & 31);
  const bits = st.bits;
  if ((bits[word]! & bit) !== 0) return false;
  bits[word] = bits[word]! | bit;
  peer.pieces[piece] = ps + 1;
  h.interesting++;
  if ((ps & STARTED) === 0) h.mayHaveNew = true;
  return true;
}

export function onHave(w: World, sender: number, piece: number, idx: number, lat: number): void {
  const st = w.st;
  const s = st.peers[sender]!;
  const mirrors = s.connMirror;
  const remotes = s.connRemote;
  const lats = s.connLatency;
  const opened = s.connOpenIndex;
  const bits = st.bits;
  const bit = 1 << (piece & 31);
  const pieceState = st.pieceState;
  const pieces = w.g.pieces;
  for (let i = 0; i < mirrors.length; i++) {
    // Only connections that were open when the have was sent, and only this latency's batch.
    if (lats[i] !== lat || opened[i]! > idx) continue;
    // remoteGot, with the cheap tests first: most recipients of a have already hold the piece.
    const remote = remotes[i]!;
    const at = remote * pieces + piece;
    const ps = pieceState[at]!;
    if ((ps & HAVE) !== 0) {
      if ((ps & SUPER) !== 0) superSeedSaw(w, st.peers[remote]!, st.halves[mirrors[i]!]!, piece);
      continue;
    }
    const hid = mirrors[i]!;
    const word = hid * st.words + (piece >>> 5);
    if ((bits[word]! & bit) !== 0) continue;
    const r = st.halves[hid]!;
    if (!r.open) continue;
    bits[word] = bits[word]! | bit;
    pieceState[at] = ps + 1;
    r.interesting++;
    if ((ps & STARTED) === 0) r.mayHaveNew = true;
    if (!r.amInterested) updateInterest(w, r);
    else fillRequests(w, r);
  }
}
