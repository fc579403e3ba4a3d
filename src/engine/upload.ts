// The uploading side: one block at a time at the peer's upload rate, round robin over the connections
// with queued requests; a finished block is handed to the receiver's download link (bandwidth.ts).
import { arrival, measuredRate, measureSince, transferTime } from './bandwidth';
import { HAVE, PEER_ACTIVE, servingPush, servingTake, type Peer } from './state';
import {
  clearIncoming,
  compactIncoming,
  F_FAST,
  F_OPEN,
  F_QUEUED,
  G_ACCEPT_FROM,
  G_BYTES_SINCE_UNCHOKE,
  G_UP_LAST,
  G_UP_RATE,
  G_UP_SINCE,
  H_FLAGS,
  H_IN_BASE,
  H_IN_END,
  H_IN_HEAD,
  H_LATENCY,
  H_MIRROR,
  H_REMOTE,
  HF,
  HI,
} from './ends';
import { blockLength } from './torrent';
import { append, T } from './trace';
import { checkShareRatio, E, OP, post, schedule, type World } from './world';
import { rejectAllQueued, rejectUnservable } from './fast';
import { nextU32 } from './prng';

/** Make sure an idle uploader looks at its queue again at time `at`. */
export function wakeAt(w: World, peer: Peer, at: number): void {
  // A wake still to come (strictly later than now: one firing now has already been taken) will do.
  if (peer.wakeAt > w.st.now && peer.wakeAt <= at) return;
  peer.wakeAt = at;
  schedule(w, at, E.WAKE, peer.id, 0, 0, 0);
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
  const st = w.st;
  const now = st.now;
  const hi = st.hi;
  const hq = st.hq;
  let nextArrival = Infinity;
  for (let k = peer.servingLen; k > 0; k--) {
    const id = servingTake(peer);
    const b = id * HI;
    // Read before the end's int fields, not after: the two are far apart, and their waits then overlap.
    const from = st.hf[id * HF + G_ACCEPT_FROM]!;
    const f = hi[b + H_FLAGS]!;
    hi[b + H_FLAGS] = f & ~F_QUEUED;
    if ((f & F_OPEN) === 0) continue;
    const base = hi[b + H_IN_BASE]!;
    const end = base + hi[b + H_IN_END]!;
    let i = base + hi[b + H_IN_HEAD]!;
    // Drop requests that arrived while we choked the peer, and requests whose cancel has arrived.
    // With BEP 6 they are rejected instead, and requests for allowed-fast pieces are served while choked.
    if ((f & F_FAST) !== 0) i = base + rejectUnservable(w, id, i - base, false);
    else while (i < end && hq[i + 1]! <= now && (from < 0 || hq[i + 1]! < from || hq[i + 2]! <= now)) i += 3;
    hi[b + H_IN_HEAD] = i - base;
    if (i >= end) {
      clearIncoming(st, id);
      continue;
    }
    servingPush(peer, id);
    hi[b + H_FLAGS] = hi[b + H_FLAGS]! | F_QUEUED;
    if (hq[i + 1]! > now) {
      nextArrival = Math.min(nextArrival, hq[i + 1]!);
      continue;
    }
    const block = hq[i]!;
    // A piece announced by a predictive have (advertise.ts) is served once it has passed its hash check.
    if (peer.earlyHave.size > 0 && (peer.pieces[Math.floor(block / w.g.blocksPerPiece)]! & HAVE) === 0) continue;
    const next = i + 3 - base;
    hi[b + H_IN_HEAD] = next;
    if (next > 12 && next * 2 > end - base) compactIncoming(st, id);
    peer.sending = true;
    const len = blockLength(w.g, block);
    append(w.tr, now, T.PIECE, peer.id, hi[b + H_REMOTE]!, block, len);
    st.msgCount[T.PIECE]!++;
    // A peer set to send corrupt data spoils this block with its probability (its own stream).
    const bad = peer.corrupt >= 1 || (peer.corruptRng !== null && nextU32(peer.corruptRng) < peer.corrupt * 4294967296) ? 1 : 0;
    schedule(w, now + transferTime(len, peer.upload), E.SEND_DONE, peer.id, id, block, bad);
    return;
  }
  if (nextArrival < Infinity) wakeAt(w, peer, nextArrival);
}

export function lose(w: World, sender: number, receiver: number, block: number, len: number): void {
  append(w.tr, w.st.now, T.LOST, sender, receiver, block, len);
  w.st.lostBytes += len;
  uploaded(w, sender, len);
}

/** A block of `sender`'s arrived or was lost: its upload counts it (in a split run, from the receiver's side at the next boundary). */
export function uploaded(w: World, sender: number, len: number): void {
  if (w.st.split === null || !post(w, w.st.now, OP.UPLOADED, sender, len, 0, 0, 0)) countUploaded(w, sender, len);
}

export function countUploaded(w: World, sender: number, len: number): void {
  const peer = w.st.peers[sender]!;
  peer.uploadedBytes += len;
  checkShareRatio(w, peer);
}

/**
 * A block's send ended: its rate counted, the block handed to the receiver's link, the next one
 * started. The sender, its end's int fields and its float fields are far apart in memory and seldom in
 * the caches at 1,000 peers: read together first, their waits overlap.
 */
export function onSendDone(w: World, sender: number, hid: number, block: number, bad: number): void {
  const st = w.st;
  const b = hid * HI;
  const g = hid * HF;
  const hf = st.hf;
  const peer = st.peers[sender]!;
  const flags = st.hi[b + H_FLAGS]!;
  const upRate = hf[g + G_UP_RATE]!;
  peer.sending = false;
  const remote = st.hi[b + H_REMOTE]!;
  const len = blockLength(w.g, block);
  if ((flags & F_OPEN) === 0) {
    lose(w, sender, remote, block, len);
  } else {
    const now = st.now;
    hf[g + G_UP_RATE] = measuredRate(upRate, hf[g + G_UP_LAST]!, hf[g + G_UP_SINCE]!, now, len);
    hf[g + G_UP_LAST] = now;
    hf[g + G_UP_SINCE] = measureSince(hf[g + G_UP_SINCE]!, now, peer.profile.rateWindow);
    hf[g + G_BYTES_SINCE_UNCHOKE] = hf[g + G_BYTES_SINCE_UNCHOKE]! + len;
    const startedAt = now - transferTime(len, peer.upload);
    const mirror = st.hi[b + H_MIRROR]!;
    const lat = st.hi[b + H_LATENCY]!;
    if (st.split === null || !post(w, now + lat, OP.LINK, mirror, hid, block, remote * 2 + bad, startedAt)) bookArrival(w, remote, mirror, lat, hid, block, bad, startedAt, now);
  }
  startSend(w, peer);
}

/**
 * A block sent on end `hid` during [startedAt, sentAt] takes its turn on the download link of
 * `receiver` (its end `mirror`, `lat` away; bandwidth.ts arrival) and arrives then.
 */
export function bookArrival(w: World, receiver: number, mirror: number, lat: number, hid: number, block: number, bad: number, startedAt: number, sentAt: number): void {
  const r = w.st.peers[receiver]!;
  const at = arrival(startedAt, sentAt, lat, blockLength(w.g, block), r.download, r.downloadFreeAt);
  if (r.download !== null) r.downloadFreeAt = at;
  schedule(w, at, E.ARRIVE, mirror, hid, block, receiver * 2 + bad);
}
