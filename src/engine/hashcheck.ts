// Piece verification with consequences. A peer can be set to send corrupt data (PeerSpec.corrupt, drawn
// per block in upload.ts). A receiver keeps one copy of each block and remembers who sent it; when
// the last block of a piece arrives and a kept copy was corrupt, the SHA-1 check fails (BEP 3: a
// piece is announced only once its hash checks out): the piece is discarded, no have is sent, and
// its blocks are requested again, from anyone.
//
// Who is to blame: the receiver cannot tell which block was bad, so, like libtorrent without its
// smart-ban plugin, it counts the failure against every peer that sent a block of the piece. A peer
// involved in `banAfterHashFailures` failed pieces at a receiver (the receiver's setting; default 3)
// is banned by it: their connection closes and the two never connect again. An honest peer that
// shared pieces with a bad one can be banned too, as in libtorrent.
import { banPeer, closeConnection } from './connections';
import { PIECE_DONE, PIECE_REQ, type Peer } from './state';
import { H_REMOTE, HI } from './ends';
import { blocksInPiece } from './torrent';
import { append, T } from './trace';
import type { World } from './world';
import { fillRequests } from './requests';

/** The kept copy of `block` came from `sender`; `bad` = it was corrupt. Only when tracking is on (Peer.blockSrc). */
export function keepCopy(peer: Peer, block: number, piece: number, sender: number, bad: number): void {
  peer.blockSrc![block] = sender;
  if (bad !== 0) peer.tainted![piece] = 1;
}

/** Would `piece`, now complete at `peer`, fail its hash check? */
export function failsHashCheck(peer: Peer, piece: number): boolean {
  return peer.tainted !== null && peer.tainted[piece] === 1;
}

/** The piece failed its hash check: discard it, blame its senders, ban the repeat offenders, ask again. */
export function onHashFailed(w: World, peer: Peer, piece: number): void {
  const st = w.st;
  const g = w.g;
  const base = piece * g.blocksPerPiece;
  const n = blocksInPiece(g, piece);
  const senders: number[] = [];
  for (let b = 0; b < n; b++) {
    const src = peer.blockSrc![base + b]!;
    if (!senders.includes(src)) senders.push(src);
    peer.blockSrc![base + b] = -1;
    peer.blocks[base + b] = 0;
  }
  // The piece stays started (it is still in `partial`), with every block unrequested again.
  peer.tainted![piece] = 0;
  peer.pieceCounts[2 * piece + PIECE_DONE] = 0;
  peer.pieceCounts[2 * piece + PIECE_REQ] = 0;
  peer.unrequested += n;
  if (!peer.open.includes(piece)) peer.open.push(piece);
  const limit = peer.profile.banAfterHashFailures;
  const banned: number[] = [];
  for (const src of senders) {
    const strikes = (peer.strikes.get(src) ?? 0) + 1;
    peer.strikes.set(src, strikes);
    append(w.tr, st.now, T.HASH_FAILED, peer.id, src, piece, strikes);
    if (strikes === limit) banned.push(src);
  }
  for (const src of banned) ban(w, peer, src, limit);
  for (const id of peer.conns) fillRequests(w, id);
}

function ban(w: World, peer: Peer, remote: number, strikes: number): void {
  const st = w.st;
  append(w.tr, st.now, T.BANNED, peer.id, remote, strikes, 0);
  banPeer(st, peer.id, remote);
  for (const id of peer.conns) {
    if (st.hi[id * HI + H_REMOTE] === remote) {
      closeConnection(w, id);
      return;
    }
  }
}
