// BEP 6, the fast extension, on connections where both peers enable it (the `fastExtension` setting;
// reserved[7] & 0x04 in both handshakes). It changes four things:
// - the first message is have all or have none when the sender holds every piece or none (a bitfield
//   otherwise), so it is never omitted;
// - every request gets exactly one answer, the piece or a reject: a choke rejects the pending requests
//   outside the allowed-fast set instead of dropping them silently, a request arriving while choked or
//   whose cancel arrived first is rejected, and the downloader keeps its requests across a choke until
//   they are answered;
// - allowed fast: an uploader offers a few pieces (the set the BEP derives from the downloader's IP and
//   the info hash) that the downloader may request, and gets, even while choked;
// - suggest: a seed may point a peer at pieces to fetch first; the picker honours it after finishing
//   started pieces (picker.ts).
import { sha1 } from '@noble/hashes/legacy.js';
import { infoHash, peerAddressBytes } from './identity';
import { HAVE, knows, servingAt, type Peer } from './state';
import { compactIncoming, F_FAST, filterIncoming, F_OPEN, F_PEER_CHOKING, flag, G_ACCEPT_FROM, H_FLAGS, H_IN_BASE, H_IN_END, H_IN_HEAD, H_OUT_COUNT, H_PEER, H_REMOTE, HF, HI } from './ends';
import { blocksInPiece } from './torrent';
import { T } from './trace';
import { send, type World } from './world';
import { dropRequest, fillRequests, pipelineLength, requestBlock } from './requests';

/**
 * The allowed-fast set of BEP 6 ("Allowed Fast Set Generation"): the first k distinct piece indices
 * drawn from repeated SHA-1 of the peer's IPv4 address (its /24, last byte zeroed) followed by the
 * info hash, each 20-byte digest read as five big-endian 32-bit numbers modulo the piece count.
 * k is capped at the piece count (the BEP's loop would never end otherwise).
 */
export function allowedFastSet(pieces: number, hash: Uint8Array, ip: Uint8Array, k: number): number[] {
  const want = Math.min(k, pieces);
  const out: number[] = [];
  let x = new Uint8Array(24);
  x.set([ip[0]!, ip[1]!, ip[2]!, 0]);
  x.set(hash, 4);
  while (out.length < want) {
    x = sha1(x);
    for (let i = 0; i < 5 && out.length < want; i++) {
      const y = ((x[4 * i]! << 24) | (x[4 * i + 1]! << 16) | (x[4 * i + 2]! << 8) | x[4 * i + 3]!) >>> 0;
      const index = y % pieces;
      if (!out.includes(index)) out.push(index);
    }
  }
  return out;
}

const hashes = new WeakMap<object, Uint8Array>();

/** The torrent's info hash, computed once per config. */
function hashOf(w: World): Uint8Array {
  let h = hashes.get(w.cfg);
  if (h === undefined) {
    h = infoHash(w.cfg);
    hashes.set(w.cfg, h);
  }
  return h;
}

/**
 * The remote's first message, a bitfield or have none, arrived on a fast connection (after have all
 * there is nothing to offer): `announced` tells the pieces it listed. We send it allowed fast for the
 * pieces of its set that we hold (libtorrent sends its set once, early), and, as a seed set to
 * suggest, the next `suggestPieces` pieces in turn that it did not announce (a pointer that moves
 * round the pieces, so successive peers are pointed at different ones).
 */
export function onAnnouncement(w: World, r: number, announced: (piece: number) => boolean): void {
  const st = w.st;
  const peer = st.peers[st.hi[r * HI + H_PEER]!]!;
  const remote = st.hi[r * HI + H_REMOTE]!;
  // A super-seed (BEP 16) reveals pieces one at a time: it offers no allowed-fast set and no suggestions.
  if (peer.haveCount === 0 || peer.superSeed !== null) return;
  const k = peer.profile.allowedFastSetSize;
  if (k > 0) {
    const lists = st.halves[r]!;
    lists.allowedOut = allowedFastSet(w.g.pieces, hashOf(w), peerAddressBytes(remote), k);
    for (const p of lists.allowedOut) if ((peer.pieces[p]! & HAVE) !== 0) send(w, r, T.ALLOWED_FAST, p);
  }
  let n = peer.haveCount === w.g.pieces ? peer.profile.suggestPieces : 0;
  for (let tries = 0; n > 0 && tries < w.g.pieces; tries++) {
    const p = peer.nextSuggest;
    peer.nextSuggest = (p + 1) % w.g.pieces;
    if (announced(p)) continue;
    send(w, r, T.SUGGEST, p);
    n--;
  }
}

/** A request the uploader may serve although it chokes the requester: one for an allowed-fast piece. */
export function allowedWhileChoked(w: World, h: number, block: number): boolean {
  return w.st.halves[h]!.allowedOut.includes(Math.floor(block / w.g.blocksPerPiece));
}

/**
 * At the uploader, requests queued on `h` (entries from `i`) that arrived by now and cannot be served
 * are rejected (BEP 6) rather than dropped: those whose cancel arrived, and those that arrived while we
 * choked the peer, unless for an allowed-fast piece. With `nothing`, no request can be served (an
 * uploader with no upload capacity). Returns the first entry left: one to serve, or one still to arrive.
 */
export function rejectUnservable(w: World, h: number, i: number, nothing: boolean): number {
  const st = w.st;
  const q = st.hq;
  const base = st.hi[h * HI + H_IN_BASE]!;
  const end = st.hi[h * HI + H_IN_END]!;
  const now = st.now;
  const from = st.hf[h * HF + G_ACCEPT_FROM]!;
  while (i < end && q[base + i + 1]! <= now) {
    const cancelled = q[base + i + 2]! <= now;
    const choked = from < 0 || q[base + i + 1]! < from;
    if (!nothing && !cancelled && (!choked || allowedWhileChoked(w, h, q[base + i]!))) break;
    send(w, h, T.REJECT, q[base + i]!);
    i += 3;
  }
  return i;
}

/**
 * We choked the remote of `h` on a fast connection: the requests it sent that have arrived are
 * rejected now, except those for allowed-fast pieces, which we still serve; requests on their way
 * are answered when they arrive (rejected, the connection being choked).
 */
export function rejectOnChoke(w: World, h: number): void {
  const now = w.st.now;
  filterIncoming(w.st, h, (block, arrival, cancelArrival) => {
    if (arrival > now || (cancelArrival > now && allowedWhileChoked(w, h, block))) return false;
    send(w, h, T.REJECT, block);
    return true;
  });
}

/**
 * An uploader with no upload capacity (`upload: 0`) sends no piece; on fast connections it still
 * answers every request, with a reject, when it looks at its queue. Returns the earliest arrival
 * still to come (Infinity if none), for its wake-up.
 */
export function rejectAllQueued(w: World, peer: Peer): number {
  let next = Infinity;
  const st = w.st;
  for (let k = 0; k < peer.servingLen; k++) {
    const h = servingAt(peer, k);
    const b = h * HI;
    if ((st.hi[b + H_FLAGS]! & (F_FAST | F_OPEN)) !== (F_FAST | F_OPEN)) continue;
    st.hi[b + H_IN_HEAD] = rejectUnservable(w, h, st.hi[b + H_IN_HEAD]!, true);
    compactIncoming(st, h);
    if (st.hi[b + H_IN_END]! > 0) next = Math.min(next, st.hq[st.hi[b + H_IN_BASE]! + 1]!);
  }
  return next;
}

/**
 * While choked, keep the pipeline filled with blocks of the allowed-fast pieces the remote offered
 * (and has, and we lack), in the order offered.
 */
export function fillAllowedFast(w: World, h: number): void {
  const st = w.st;
  const peer = st.peers[st.hi[h * HI + H_PEER]!]!;
  const limit = pipelineLength(w, h, peer);
  const g = w.g;
  const count = h * HI + H_OUT_COUNT;
  for (const p of st.halves[h]!.allowedIn) {
    if (st.hi[count]! >= limit) return;
    if ((peer.pieces[p]! & HAVE) !== 0 || !knows(st, h, p)) continue;
    const base = p * g.blocksPerPiece;
    const n = blocksInPiece(g, p);
    for (let b = 0; b < n && st.hi[count]! < limit; b++) if (peer.blocks[base + b] === 0) requestBlock(w, peer, h, base + b);
  }
}

/** Messages of BEP 6 arriving at `r` (the receiver's half). Returns false for other kinds. */
export function onFastMessage(w: World, r: number, kind: number, arg: number): boolean {
  const lists = w.st.halves[r]!;
  switch (kind) {
    case T.REJECT:
      // The block goes back to the pool, and the pipeline is topped up at once (libtorrent's
      // incoming_reject_request picks again): while choked, with allowed-fast pieces only. Not when
      // an outstanding request was refused while the peer unchokes us (an uploader with nothing to
      // send): asking again at once would be refused again, a request and a reject every round trip
      // for as long as the unchoke lasts. The pipeline fills again on the next have, unchoke or rechoke.
      if (!dropRequest(w, r, arg) || flag(w.st, r, F_PEER_CHOKING)) fillRequests(w, r);
      return true;
    case T.ALLOWED_FAST:
      if (!lists.allowedIn.includes(arg)) lists.allowedIn.push(arg);
      if (flag(w.st, r, F_PEER_CHOKING)) fillAllowedFast(w, r);
      return true;
    case T.SUGGEST:
      if (!lists.suggested.includes(arg)) lists.suggested.push(arg);
      return true;
  }
  return false;
}
