// BEP 16 super-seeding: a seed that shows itself as having nothing (no bitfield), and offers each peer
// one piece with a have on that connection only: a piece not yet handed out to anyone, or else the
// rarest. It offers that peer another piece only when the offered piece shows up at another peer (a
// have or bitfield from someone else), so every piece it sends has to be passed on before it sends
// more; the BEP reports ~105% of the file uploaded before the first other seed appears, against
// 150–200% for a normal seed. To see pieces show up, a super-seed records what its peers have, like a
// leecher does (the SUPER bit on its pieces sends their haves here); a seed normally records nothing.
// Simplification: it super-seeds for as long as it stays (libtorrent stops once every piece is at two
// peers). Besides the event rule, each of its timer rechokes gives a new offer to a peer that has none,
// or whose offered piece is already at another peer (it got there before the offer).
import { shuffle, type Rng } from './prng';
import { AVAIL, knows, type Peer, type SimState, type SuperSeed } from './state';
import { F_OPEN, flag } from './ends';
import type { World } from './world';
import { sendHaveTo } from './advertise';

export function newSuperSeed(rng: Rng, pieces: number): SuperSeed {
  const order = new Int32Array(pieces);
  for (let i = 0; i < pieces; i++) order[i] = i;
  shuffle(rng, order);
  return { offers: new Map(), handedOut: new Int32Array(pieces), order };
}

/** The remote of `h` has `piece`: record it in the super-seed's view; false if it knew already. */
export function superSeedRecord(st: SimState, seed: Peer, h: number, piece: number): boolean {
  const word = h * st.words + (piece >>> 5);
  const bit = 1 << (piece & 31);
  if ((st.bits[word]! & bit) !== 0) return false;
  st.bits[word] = st.bits[word]! | bit;
  seed.pieces[piece] = seed.pieces[piece]! + 1;
  return true;
}

/**
 * A piece for the remote of `h`: one that no peer in the seed's peer set has and none is being offered
 * (libtorrent's get_piece_to_super_seed counts a piece on offer as unavailable), the least handed out
 * first, so pieces never handed out go first. Only when the seed is idle (`rarest`) may it offer the
 * rarest piece the peer lacks instead, so that a swarm whose only copy sits with a peer that does not
 * share (a free rider) can still finish; while peers ask it for pieces, it sends each piece once.
 */
function pickOffer(st: SimState, seed: Peer, ss: SuperSeed, h: number, rarest: boolean): number {
  const current = ss.offers.get(h);
  const onOffer = new Int32Array(ss.order.length);
  for (const id of seed.conns) {
    const p = ss.offers.get(id);
    if (p !== undefined) onOffer[p]!++;
  }
  let best = -1;
  let bestKey = Infinity;
  for (const p of ss.order) {
    if (p === current || knows(st, h, p)) continue;
    const avail = seed.pieces[p]! & AVAIL;
    if (!rarest && (onOffer[p]! > 0 || avail > 0)) continue;
    const key = Math.min(onOffer[p]!, 1023) * 2 ** 40 + avail * 2 ** 20 + Math.min(ss.handedOut[p]!, 2 ** 20 - 1);
    if (key < bestKey) {
      best = p;
      bestKey = key;
    }
  }
  return best;
}

/** Offer the remote of `h` a piece (BEP 16), replacing its current offer; false if there is none to offer. */
export function offerPiece(w: World, seed: Peer, h: number, rarest = false): boolean {
  const ss = seed.superSeed!;
  const piece = pickOffer(w.st, seed, ss, h, rarest);
  if (piece < 0) return false;
  ss.offers.set(h, piece);
  ss.handedOut[piece]!++;
  sendHaveTo(w, h, piece);
  return true;
}

/** Is the piece offered on `h` known to be at a peer other than the one it was offered to? */
function spread(st: SimState, seed: Peer, h: number, piece: number): boolean {
  return (seed.pieces[piece]! & AVAIL) - (knows(st, h, piece) ? 1 : 0) > 0;
}

/** A have for `piece` from the remote of `h` reached the super-seed: the peers it was offered to get a new offer. */
export function superSeedSaw(w: World, seed: Peer, h: number, piece: number): void {
  if (!flag(w.st, h, F_OPEN) || !superSeedRecord(w.st, seed, h, piece)) return;
  const ss = seed.superSeed!;
  for (const id of seed.conns) {
    if (id !== h && ss.offers.get(id) === piece) offerPiece(w, seed, id);
  }
}

/** The bitfield of the remote of `h` arrived (already recorded): offers of pieces it holds are spent. */
export function superSeedBitfield(w: World, seed: Peer, h: number): void {
  const ss = seed.superSeed!;
  for (const id of seed.conns) {
    const p = ss.offers.get(id);
    if (p !== undefined && knows(w.st, h, p)) offerPiece(w, seed, id);
  }
}

/**
 * On the super-seed's rechoke timer: a peer without an offer, or whose piece has spread, gets a new
 * one; if the seed has nobody to send to, it may offer the rarest pieces (see pickOffer).
 */
export function superSeedTick(w: World, seed: Peer): void {
  const ss = seed.superSeed!;
  const idle = !seed.sending && seed.unchokedInterested === 0;
  for (const id of seed.conns) {
    const p = ss.offers.get(id);
    if (p === undefined || spread(w.st, seed, id, p) || idle) offerPiece(w, seed, id, idle);
  }
}
