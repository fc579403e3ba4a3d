// The uploading side: one block at a time at the peer's upload rate, round robin over the connections
// with queued requests; a finished block is handed to the receiver's download link (bandwidth.ts).
import { arrival, measuredRate, measureSince, transferTime } from './bandwidth';
import { push } from './heap';
import { clearIncoming, compactIncoming, HAVE, PEER_ACTIVE, type Peer } from './state';
import { blockLength } from './torrent';
import { append, T } from './trace';
import { checkShareRatio, E, type World } from './world';
import { rejectAllQueued, rejectUnservable } from './fast';
import { nextU32 } from './prng';

/** Make sure an idle uploader looks at its queue again at time `at`. */
export function wakeAt(w: World, peer: Peer, at: number): void {
  // A wake still to come (strictly later than now: one firing now has already been taken) will do.
  if (peer.wakeAt > w.st.now && peer.wakeAt <= at) return;
  peer.wakeAt = at;
  push(w.st.queue, at, E.WAKE, peer.id, 0, 0, 0);
}

/**
 * Start sending the next block. Connections with queued requests wait in a FIFO (peer.serving); each
 * sends one block and goes to the back if it has more: round robin, so the upload is shared among the
 * connections being served. A request that arrived while we choked the peer is dropped (mainline).
 */
export function startSend(w: World, peer: Peer): void {
  if (peer.sending || peer.status !== PEER_ACTIVE) return;
  if (peer.upload === 0) {
    // It sends no piece; with BEP 6 it still answers each request, with a reject.
    if (peer.profile.fastExtension) {
      const next = rejectAllQueued(w, peer);
      if (next < Infinity) wakeAt(w, peer, next);
    }
    return;
  }
  const now = w.st.now;
  const halves = w.st.halves;
  const serving = peer.serving;
  let nextArrival = Infinity;
  for (let k = serving.length - peer.servingHead; k > 0; k--) {
    const id = serving[peer.servingHead++]!;
    const h = halves[id]!;
    h.queued = false;
    if (!h.open) continue;
    const q = h.incoming;
    const end = h.incomingEnd;
    let i = h.incomingHead;
    // Drop requests that arrived while we choked the peer, and requests whose cancel has arrived.
    const from = h.acceptFrom;
    // With BEP 6 they are rejected instead, and requests for allowed-fast pieces are served while choked.
    if (h.fast) i = rejectUnservable(w, h, i, false);
    else while (i < end && q[i + 1]! <= now && (from < 0 || q[i + 1]! < from || q[i + 2]! <= now)) i += 3;
    h.incomingHead = i;
    if (i >= end) {
      clearIncoming(h);
      continue;
    }
    serving.push(id);
    h.queued = true;
    if (q[i + 1]! > now) {
      nextArrival = Math.min(nextArrival, q[i + 1]!);
      continue;
    }
    const block = q[i]!;
    // A piece announced by a predictive have (advertise.ts) is served once it has passed its hash check.
    if (peer.earlyHave.size > 0 && (peer.pieces[Math.floor(block / w.g.blocksPerPiece)]! & HAVE) === 0) continue;
    h.incomingHead = i + 3;
    if (h.incomingHead > 12 && h.incomingHead * 2 > end) compactIncoming(h);
    if (peer.servingHead > 64 && peer.servingHead * 2 > serving.length) {
      // Moved down in place: splice would make an array of the entries it drops.
      const head = peer.servingHead;
      for (let j = head; j < serving.length; j++) serving[j - head] = serving[j]!;
      serving.length -= head;
      peer.servingHead = 0;
    }
    peer.sending = true;
    const len = blockLength(w.g, block);
    append(w.tr, now, T.PIECE, peer.id, h.remote, block, len);
    w.st.msgCount[T.PIECE]!++;
    // A peer set to send corrupt data spoils this block with its probability (its own stream).
    const bad = peer.corrupt >= 1 || (peer.corruptRng !== null && nextU32(peer.corruptRng) < peer.corrupt * 4294967296) ? 1 : 0;
    push(w.st.queue, now + transferTime(len, peer.upload), E.SEND_DONE, peer.id, h.id, block, bad);
    return;
  }
  if (nextArrival < Infinity) wakeAt(w, peer, nextArrival);
}

export function lose(w: World, sender: number, receiver: number, block: number, len: number): void {
  append(w.tr, w.st.now, T.LOST, sender, receiver, block, len);
  w.st.peers[sender]!.uploadedBytes += len;
  w.st.lostBytes += len;
  checkShareRatio(w, w.st.peers[sender]!);
}

export function onSendDone(w: World, sender: number, hid: number, block: number, bad: number): void {
  const peer = w.st.peers[sender]!;
  peer.sending = false;
  const h = w.st.halves[hid]!;
  const len = blockLength(w.g, block);
  if (!h.open) {
    lose(w, sender, h.remote, block, len);
  } else {
    const now = w.st.now;
    h.upRate = measuredRate(h.upRate, h.upLast, h.upSince, now, len);
    h.upLast = now;
    h.upSince = measureSince(h.upSince, now, peer.profile.rateWindow);
    h.bytesSinceUnchoke += len;
    const r = w.st.peers[h.remote]!;
    const startedAt = w.st.now - transferTime(len, peer.upload);
    const at = arrival(startedAt, w.st.now, h.latency, len, r.download, r.downloadFreeAt);
    if (r.download !== null) r.downloadFreeAt = at;
    push(w.st.queue, at, E.ARRIVE, h.mirror, hid, block, bad);
  }
  startSend(w, peer);
}
