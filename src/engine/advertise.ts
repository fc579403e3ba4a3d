// How a peer shows what it has, beyond BEP 3's bitfield on connecting and a have after each hash check:
// - a have sent on one connection only (the haves of a lazy bitfield, BEP 16's offers: superseed.ts);
// - a lazy bitfield (Azureus, uTorrent): the first bitfield leaves some held pieces out, and a have for
//   each follows right after it on that connection (clients did this against ISPs that filtered seeds);
// - libtorrent's predictive_piece_announce: a have before the piece is complete and hash-checked.
import { rateAt } from './bandwidth';
import { randInt, stream } from './prng';
import { BLOCK_RECEIVED, HAVE, PIECE_DONE, PIECE_REQ, type Peer } from './state';
import { F_AM_INTERESTED, flag, G_DOWN_LAST, G_DOWN_RATE, G_DOWN_SINCE, H_LATENCY, H_MIRROR, H_PEER, H_REMOTE, HF, HI, outstandingIndex } from './ends';
import { blockLength, blocksInPiece } from './torrent';
import { append, record, T } from './trace';
import { bitfieldRow, E, schedule, type World } from './world';
import { broadcastHave, remoteGot } from './download';
import { fillRequests, updateInterest } from './requests';
import { superSeedSaw } from './superseed';
import { startSend } from './upload';

/** Pieces a lazy bitfield leaves out, at most (never all: at least one stays in the bitfield). */
export const LAZY_HIDDEN = 4;

/** A have on one connection: a HAVE record with to = the remote and y = 1. */
export function sendHaveTo(w: World, h: number, piece: number): void {
  const st = w.st;
  const b = h * HI;
  append(w.tr, st.now, T.HAVE, st.hi[b + H_PEER]!, st.hi[b + H_REMOTE]!, piece, 1);
  st.msgCount[T.HAVE]!++;
  schedule(w, st.now + st.hi[b + H_LATENCY]!, E.MSG, st.hi[b + H_MIRROR]!, T.HAVE, piece, st.hi[b + H_REMOTE]!);
}

/**
 * A lazy bitfield: up to LAZY_HIDDEN held pieces, drawn from the peer's lazy stream, are left out
 * (BITFIELD x = pieces shown, y = pieces left out), and the haves that reveal them are the next y
 * records, sent at the same instant on the same connection, so they arrive right after it.
 */
export function sendLazyBitfield(w: World, h: number, peer: Peer): void {
  const held: number[] = [];
  for (let p = 0; p < w.g.pieces; p++) if ((peer.pieces[p]! & HAVE) !== 0) held.push(p);
  const k = Math.min(LAZY_HIDDEN, held.length - 1);
  const rng = (peer.lazyRng ??= stream(w.cfg.seed, `peer/${w.cfg.peers[peer.id]!.name}/lazy`));
  for (let i = 0; i < k; i++) {
    const j = i + randInt(rng, held.length - i);
    const t = held[i]!;
    held[i] = held[j]!;
    held[j] = t;
  }
  const hidden = held.slice(0, k).sort((a, b) => a - b);
  const st = w.st;
  const shows = st.split === null ? w.tr.length : bitfieldRow(st, peer, hidden);
  append(w.tr, st.now, T.BITFIELD, peer.id, st.hi[h * HI + H_REMOTE]!, peer.haveCount - k, k);
  st.msgCount[T.BITFIELD]!++;
  schedule(w, st.now + st.hi[h * HI + H_LATENCY]!, E.MSG, st.hi[h * HI + H_MIRROR]!, T.BITFIELD, shows, st.hi[h * HI + H_REMOTE]!);
  for (const p of hidden) sendHaveTo(w, h, p);
}

/** The pieces the bitfield recorded at trace index `idx` left out (the haves right after it), or null. */
export function hiddenPieces(w: World, idx: number): Set<number> | null {
  const n = record(w.tr, idx).y;
  if (n === 0) return null;
  const out = new Set<number>();
  for (let i = 1; i <= n; i++) out.add(record(w.tr, idx + i).x);
  return out;
}

/**
 * Did `sender`'s bitfield recorded at trace index `idx` announce `piece`? It lists the pieces the sender
 * had verified by then, less those a lazy bitfield hid (`hidden`, from hiddenPieces). The receiver
 * goes by this, not by what the sender holds when the bitfield arrives a latency later.
 */
export function inBitfield(sender: Peer, piece: number, idx: number, hidden: Set<number> | null): boolean {
  return (sender.pieces[piece]! & HAVE) !== 0 && sender.verifiedAt[piece]! < idx && (hidden === null || !hidden.has(piece));
}

/** A have sent on this connection only reached its owner. */
export function onDirectHave(w: World, r: number, piece: number): void {
  const peer = w.st.peers[w.st.hi[r * HI + H_PEER]!]!;
  if (peer.superSeed !== null) return superSeedSaw(w, peer, r, piece);
  if (!remoteGot(w.st, peer, r, piece)) return;
  if (!flag(w.st, r, F_AM_INTERESTED)) updateInterest(w, r);
  else fillRequests(w, r);
}

/**
 * libtorrent's predictive_piece_announce (peer_connection::incoming_piece): once every block of the
 * piece is received or requested, and the rest are all outstanding at the one peer that just sent a
 * block, the piece is announced if they should arrive within the setting at that peer's current rate.
 */
export function maybeAnnounceEarly(w: World, peer: Peer, r: number, piece: number): void {
  const ahead = peer.profile.predictiveAnnounce;
  if (ahead === 0 || peer.earlyHave.has(piece)) return;
  const n = blocksInPiece(w.g, piece);
  if (peer.pieceCounts[2 * piece + PIECE_REQ] !== n || peer.pieceCounts[2 * piece + PIECE_DONE] === n) return;
  const base = piece * w.g.blocksPerPiece;
  let bytes = 0;
  for (let b = base; b < base + n; b++) {
    const s = peer.blocks[b]!;
    if (s === BLOCK_RECEIVED) continue;
    if (s !== 1 || outstandingIndex(w.st, r, b) < 0) return;
    bytes += blockLength(w.g, b);
  }
  const hf = w.st.hf;
  const rate = rateAt(hf[r * HF + G_DOWN_RATE]!, hf[r * HF + G_DOWN_LAST]!, hf[r * HF + G_DOWN_SINCE]!, w.st.now);
  if (rate <= 0 || (bytes * 1_000_000) / rate >= ahead) return;
  peer.earlyHave.set(piece, w.tr.length);
  broadcastHave(w, peer, piece);
}

/**
 * The have of a verified piece (BEP 3), unless it went out early. Then only a connection opened since
 * (whose bitfield predates the piece) still needs it: if there is one, the have goes out again to all
 * (a duplicate have is harmless). Requests for the piece waiting at our end can now be served.
 */
export function announceVerified(w: World, peer: Peer, piece: number): void {
  // (Most peers never announce early: no map lookup for them.)
  if (peer.earlyHave.size === 0) return broadcastHave(w, peer, piece);
  const early = peer.earlyHave.get(piece);
  if (early === undefined) return broadcastHave(w, peer, piece);
  peer.earlyHave.delete(piece);
  if (peer.connOpenIndex.some((i) => i > early)) broadcastHave(w, peer, piece);
  startSend(w, peer);
}
