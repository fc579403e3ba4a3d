// Blocks arriving, pieces verified, and haves: a piece is announced only once its hash checked out.
import { measuredRate, measureSince } from './bandwidth';
import { addHolder, BLOCK_RECEIVED, countPeer, dropCandidate, HAVE, knows, PIECE_DONE, removeValue, STARTED, SUPER, type Peer, type SimState, type Rows } from './state';
import {
  F_AM_INTERESTED,
  F_MAY_HAVE_NEW,
  F_OPEN,
  G_DOWN_LAST,
  G_DOWN_RATE,
  G_DOWN_SINCE,
  G_LAST_BLOCK_AT,
  G_ROUND_BYTES,
  H_FLAGS,
  H_INTERESTING,
  H_REMOTE,
  HF,
  HI,
  outstandingIndex,
  removeOutstanding,
} from './ends';
import { blockLength, blocksInPiece } from './torrent';
import { append, BROADCAST, T } from './trace';
import { E, freeRow, schedule, startSeeding, takeRow, type World } from './world';
import { fillRequests, sendCancel, takeBlock, updateInterest } from './requests';
import { lose, uploaded } from './upload';
import { announceVerified, maybeAnnounceEarly } from './advertise';
import { superSeedRecord, superSeedSaw } from './superseed';
import { failsHashCheck, keepCopy, onHashFailed } from './hashcheck';

/**
 * A block arrived on the receiver's end `r`. The handler needs records that are far apart in memory
 * and seldom in the caches at 1,000 peers (the end's int and float fields, the receiver's piece
 * counts, and once it has duplicated a request its block states), so it reads them one after the
 * other before it uses any: their waits for memory then overlap, where each had come after the last
 * had been used.
 */
export function onArrive(w: World, r: number, block: number, bad: number, receiver: number): void {
  const st = w.st;
  const b = r * HI;
  const g = r * HF;
  const hf = st.hf;
  const peer = st.peers[receiver]!;
  const piece = Math.floor(block / w.g.blocksPerPiece);
  const flags = st.hi[b + H_FLAGS]!;
  const downRate = hf[g + G_DOWN_RATE]!;
  // Until the peer duplicates a request (endgame), a block outstanding here is outstanding here
  // alone, so its state is known once the end's requests are searched: the read is skipped then.
  const duplicated = peer.duplicated;
  let s = duplicated ? peer.blocks[block]! : -1;
  const done = peer.pieceCounts[2 * piece + PIECE_DONE]!;
  const remote = st.hi[b + H_REMOTE]!;
  const len = blockLength(w.g, block);
  if ((flags & F_OPEN) === 0) {
    lose(w, remote, receiver, block, len);
    return;
  }
  const i = outstandingIndex(st, r, block);
  if (!duplicated) s = i >= 0 ? 1 : peer.blocks[block]!;
  const now = st.now;
  append(w.tr, now, T.RECEIVED, remote, receiver, block, len);
  st.lastArrivalAt = now;
  peer.downloadedBytes += len;
  uploaded(w, remote, len);
  hf[g + G_DOWN_RATE] = measuredRate(downRate, hf[g + G_DOWN_LAST]!, hf[g + G_DOWN_SINCE]!, now, len);
  hf[g + G_DOWN_LAST] = now;
  hf[g + G_DOWN_SINCE] = measureSince(hf[g + G_DOWN_SINCE]!, now, peer.profile.rateWindow);
  hf[g + G_LAST_BLOCK_AT] = now;
  hf[g + G_ROUND_BYTES] = hf[g + G_ROUND_BYTES]! + len;
  if (i >= 0) removeOutstanding(st, r, i);
  if (s !== BLOCK_RECEIVED) {
    if (i >= 0) s--;
    else if (s === 0) takeBlock(w, peer, piece);
    if (s > 0) cancelElsewhere(w, peer, r, block, s);
    peer.blocks[block] = BLOCK_RECEIVED;
    if (peer.blockSrc !== null) keepCopy(peer, block, piece, remote, bad);
    peer.pieceCounts[2 * piece + PIECE_DONE] = done + 1;
    if (done + 1 === blocksInPiece(w.g, piece)) {
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
function cancelElsewhere(w: World, peer: Peer, from: number, block: number, left: number): void {
  const conns = peer.conns;
  for (let k = 0; k < conns.length && left > 0; k++) {
    const h = conns[k]!;
    if (h === from) continue;
    const j = outstandingIndex(w.st, h, block);
    if (j < 0) continue;
    removeOutstanding(w.st, h, j);
    sendCancel(w, h, block);
    left--;
  }
}

/** The piece's hash checked out: only now is it announced with have (BEP 3). */
function verify(w: World, peer: Peer, piece: number): void {
  const st = w.st;
  peer.pieces[piece] = (peer.pieces[piece]! | HAVE) & ~STARTED;
  dropCandidate(st, peer.id, piece);
  addHolder(st, peer.id, piece);
  peer.verifiedAt[piece] = w.tr.length;
  append(w.tr, st.now, T.VERIFIED, peer.id, 0, piece, 0);
  peer.haveCount++;
  removeValue(peer.partial, piece);
  announceVerified(w, peer, piece);
  const conns = peer.conns;
  for (let k = 0; k < conns.length; k++) {
    const id = conns[k]!;
    if (!knows(st, id, piece)) continue;
    if (--st.hi[id * HI + H_INTERESTING]! === 0) updateInterest(w, id);
  }
  if (peer.haveCount === w.g.pieces) {
    peer.completedAt = st.now;
    append(w.tr, st.now, T.COMPLETED, peer.id, 0, 0, 0);
    countPeer(st, peer.id, 0, 0, 1);
    startSeeding(w, peer);
  }
}

/**
 * The batches of a have already scheduled, by key (the latency, and in a split run the side too): a
 * peer's connections have few distinct latencies, so a short list searched front to back finds each
 * connection's batch, where searching the connections before it grew with the square of their number.
 */
let batchKeys = new Float64Array(16);

/** Whether `key` is in the first `n` batch keys; if not, it is added as the n-th. */
function seenBatch(key: number, n: number): boolean {
  for (let k = 0; k < n; k++) if (batchKeys[k] === key) return true;
  if (n === batchKeys.length) {
    const bigger = new Float64Array(2 * n);
    bigger.set(batchKeys);
    batchKeys = bigger;
  }
  batchKeys[n] = key;
  return false;
}

/**
 * One have to every open connection. The trace keeps one record (to = BROADCAST, y = recipients) and
 * the queue one event per distinct latency (in a split run, per latency and side of the recipients),
 * in the order of each latency's first connection: a 1,000-peer run sends tens of millions of haves.
 */
export function broadcastHave(w: World, peer: Peer, piece: number): void {
  const n = peer.conns.length;
  if (n === 0) return;
  const st = w.st;
  const idx = w.tr.length;
  append(w.tr, st.now, T.HAVE, peer.id, BROADCAST, piece, n);
  st.msgCount[T.HAVE]! += n;
  const lats = peer.connLatency;
  let batches = 0;
  if (st.split === null) {
    for (let i = 0; i < n; i++) {
      const lat = lats[i]!;
      if (seenBatch(lat, batches)) continue;
      batches++;
      schedule(w, st.now + lat, E.HAVE, peer.id, piece, idx, lat);
    }
    return;
  }
  const remotes = peer.connRemote;
  for (let i = 0; i < n; i++) {
    const lat = lats[i]!;
    const side = remotes[i]! & 1;
    if (seenBatch(lat * 2 + side, batches)) continue;
    batches++;
    if (side === (peer.id & 1)) {
      schedule(w, st.now + lat, E.HAVE, peer.id, piece, idx, lat * 2 + side);
      continue;
    }
    // To the other side, which cannot read this peer's connections: the recipients go with it.
    const rows: Rows<Int32Array> = st.split!.lists;
    const row: number = takeRow(rows);
    const at = row * rows.size;
    // Each recipient as its end and its peer, so that the recipient's side reads no end before the
    // cheap tests (haveReached).
    let k = 0;
    for (let j = i; j < n; j++) {
      if (lats[j] !== lat || (remotes[j]! & 1) !== side) continue;
      rows.data[at + 1 + 2 * k] = peer.connMirror[j]!;
      rows.data[at + 2 + 2 * k++] = remotes[j]!;
    }
    rows.data[at] = k;
    schedule(w, st.now + lat, E.HAVE, peer.id, piece, row, lat * 2 + side);
  }
}

/**
 * The remote of `h` has `piece`: count it in our availability and our interest. Pieces we already
 * hold are not recorded: they can never make us interested, and rarest first only ranks pieces we lack.
 */
export function remoteGot(st: SimState, peer: Peer, h: number, piece: number): boolean {
  const ps = peer.pieces[piece]!;
  if ((ps & HAVE) !== 0) {
    // A super-seed records what its peers have, to see its offers spread (superseed.ts).
    if ((ps & SUPER) !== 0) superSeedRecord(st, peer, h, piece);
    return false;
  }
  const word = h * st.words + (piece >>> 5);
  const bit = 1 << (piece & 31);
  const bits = st.bits;
  if ((bits[word]! & bit) !== 0) return false;
  bits[word] = bits[word]! | bit;
  peer.pieces[piece] = ps + 1;
  st.hi[h * HI + H_INTERESTING]!++;
  if ((ps & STARTED) === 0) st.hi[h * HI + H_FLAGS]! |= F_MAY_HAVE_NEW;
  return true;
}

export function onHave(w: World, sender: number, piece: number, idx: number, d: number): void {
  const st = w.st;
  // In a split run, only this side's recipients (E.HAVE); from the other side, those it carries.
  const side = st.split === null ? -1 : d & 1;
  if (side >= 0 && side !== (sender & 1)) return haveCarried(w, piece, idx);
  const lat = side < 0 ? d : d >> 1;
  const s = st.peers[sender]!;
  const mirrors = s.connMirror;
  const remotes = s.connRemote;
  const lats = s.connLatency;
  const opened = s.connOpenIndex;
  const row = piece * st.peerWords;
  for (let i = 0; i < mirrors.length; i++) {
    // Only connections that were open when the have was sent, and only this latency's batch.
    if (lats[i] !== lat || opened[i]! > idx) continue;
    const remote = remotes[i]!;
    if (side >= 0 && (remote & 1) !== side) continue;
    haveReached(w, remote, mirrors[i]!, piece, row);
  }
}

/**
 * The have for `piece` reached `remote` on its end `hid`: remoteGot, with the cheap tests first (half
 * the recipients of a have already hold the piece, which the piece's row of holders, from `row`,
 * tells without reading each one's own piece state), then its interest and requests.
 */
function haveReached(w: World, remote: number, hid: number, piece: number, row: number): void {
  const st = w.st;
  if ((st.holders[row + (remote >>> 5)]! & (1 << (remote & 31))) !== 0) return;
  // The three records below are far apart and each seldom in the caches: read together, their waits overlap.
  const at = remote * w.g.pieces + piece;
  const word = hid * st.words + (piece >>> 5);
  const b = hid * HI;
  const ps = st.pieceState[at]!;
  const known = st.bits[word]!;
  const f = st.hi[b + H_FLAGS]!;
  if ((ps & HAVE) !== 0) {
    // (A split run's carried recipients may have closed since: see haveCarried.)
    if ((ps & SUPER) !== 0 && (f & F_OPEN) !== 0) superSeedSaw(w, st.peers[remote]!, hid, piece);
    return;
  }
  const bit = 1 << (piece & 31);
  if ((known & bit) !== 0) return;
  if ((f & F_OPEN) === 0) return;
  st.bits[word] = known | bit;
  st.pieceState[at] = ps + 1;
  st.hi[b + H_INTERESTING]!++;
  if ((ps & STARTED) === 0) st.hi[b + H_FLAGS] = f | F_MAY_HAVE_NEW;
  if ((f & F_AM_INTERESTED) === 0) updateInterest(w, hid);
  else fillRequests(w, hid);
}

/**
 * A have from the other side of a split run, to the recipients in row `list` of split.lists (their
 * count, then each one's end and peer, as the sender's connections were when it sent it): each end
 * still open learns the piece as onHave's do. One closed since (which the sender's list, as onHave
 * reads it, no longer has) learns nothing: haveReached tests that before it changes anything.
 */
function haveCarried(w: World, piece: number, list: number): void {
  const st = w.st;
  const rows = st.split!.lists;
  const at = list * rows.size;
  const row = piece * st.peerWords;
  const data = rows.data;
  for (let k = 0, n = data[at]!; k < n; k++) haveReached(w, data[at + 2 + 2 * k]!, data[at + 1 + 2 * k]!, piece, row);
  freeRow(rows, list);
}
