// The piece picker (BEP 3 leaves it to the client; this is mainline's, per Cohen 2003):
// 1. strict priority: blocks of pieces already started, rarest of those first;
// 2. random first: until `randomFirst` pieces are complete, a random piece the remote has;
// 3. rarest first: the piece the remote has with the fewest copies in our peer set;
// 4. endgame: once no block is left unrequested, ask for blocks already requested elsewhere.
// Among new pieces, ties are broken by the peer's own random order of the pieces (seeded per peer,
// fixed when it is created), so each peer breaks ties its own way and the choice is the same on every
// run; random first takes the first piece in that order that the remote has. Among started pieces,
// ties go to the one that has waited longest for a request.
// The picker only chooses; the engine records the request.
import { AVAIL, BLOCK_RECEIVED, HAVE, STARTED, type Peer, type SimState } from './state';
import { F_FAST, F_MAY_HAVE_NEW, H_FLAGS, H_OUT_BASE, H_OUT_COUNT, H_OUT_HEAD, HI } from './ends';
import { blocksInPiece, type Geometry } from './torrent';

function firstBlockInState0(peer: Peer, g: Geometry, piece: number): number {
  const base = piece * g.blocksPerPiece;
  const n = blocksInPiece(g, piece);
  for (let b = 0; b < n; b++) if (peer.blocks[base + b] === 0) return base + b;
  return -1;
}

/**
 * What the picker knows of one connection: the state, its end's id, and where the bits of the pieces
 * its remote has start in the shared bit pool (SimState.bits).
 */
export interface Remote {
  st: SimState;
  half: number;
  bits: Uint32Array;
  base: number;
}

function has(r: Remote, p: number): boolean {
  return (r.bits[r.base + (p >>> 5)]! & (1 << (p & 31))) !== 0;
}

/** A started piece the remote has with an unrequested block, rarest first; -1 if none. */
function pickStarted(peer: Peer, r: Remote): number {
  let best = -1;
  let bestAvail = Infinity;
  const open = peer.open;
  for (let i = 0; i < open.length; i++) {
    const p = open[i]!;
    if (has(r, p)) {
      const a = peer.pieces[p]! & AVAIL;
      if (a < bestAvail) {
        best = p;
        bestAvail = a;
      }
    }
  }
  return best;
}

/**
 * A piece to start: random first, then rarest first; -1 if the remote has nothing new for us.
 * Random first takes the remote's candidate that comes first in the peer's random order (rank);
 * rarest first the one with the fewest copies, ties to the first in that order: the least
 * (availability, rank) either way, so the candidates the remote has are visited a 32-bit word at a
 * time in piece order (the peer's candidates and the remote's bits ANDed), not in the random order.
 * A failed search stays failed until the remote announces a piece we lack (F_MAY_HAVE_NEW), since
 * pieces only ever stop being candidates.
 */
function pickNewPiece(peer: Peer, r: Remote, randomFirst: number): number {
  const st = r.st;
  const hi = st.hi;
  const at = r.half * HI + H_FLAGS;
  if ((hi[at]! & F_MAY_HAVE_NEW) === 0) return -1;
  const bits = r.bits;
  const base = r.base;
  const cand = st.candidates;
  const own = peer.id * st.words;
  const pieces = peer.pieces;
  const rank = peer.rank;
  // Availability is below 2^16 and rank below the piece count: one number orders (availability, rank).
  const avail = peer.haveCount < randomFirst ? 0 : AVAIL;
  let best = -1;
  let bestKey = Infinity;
  for (let w = 0; w < st.words; w++) {
    let m = bits[base + w]! & cand[own + w]!;
    while (m !== 0) {
      const low = m & -m;
      m ^= low;
      const p = (w << 5) | (31 - Math.clz32(low));
      const key = (pieces[p]! & avail) * 0x100000000 + rank[p]!;
      if (key < bestKey) {
        best = p;
        bestKey = key;
      }
    }
  }
  if (best < 0) hi[at] = hi[at]! & ~F_MAY_HAVE_NEW;
  return best;
}

/** Endgame: a block requested from someone else, not yet received, that this remote has. */
/**
 * The blocks outstanding on the connection pickEndgame is filling, marked by block id: all zero
 * between calls. Looking each candidate block up in the connection's requests (up to 50 of them) was
 * most of the endgame's time.
 */
let marked = new Uint8Array(0);

function pickEndgame(peer: Peer, r: Remote, g: Geometry): number {
  if (peer.profile.endgame === 'idle') return pickEndgameIdle(peer, r, g);
  const st = r.st;
  const h = r.half * HI;
  const first = st.hi[h + H_OUT_BASE]! + st.hi[h + H_OUT_HEAD]!;
  const count = st.hi[h + H_OUT_COUNT]!;
  if (marked.length < g.blockIds) marked = new Uint8Array(g.blockIds);
  for (let k = 0; k < count; k++) marked[st.hq[first + k]!] = 1;
  let found = -1;
  const partial = peer.partial;
  for (let i = 0; i < partial.length && found < 0; i++) {
    const p = partial[i]!;
    if (!has(r, p)) continue;
    const base = p * g.blocksPerPiece;
    const n = blocksInPiece(g, p);
    for (let b = 0; b < n; b++) {
      const s = peer.blocks[base + b]!;
      if (s !== 0 && s !== BLOCK_RECEIVED && s < 254 && marked[base + b] === 0) {
        found = base + b;
        break;
      }
    }
  }
  for (let k = 0; k < count; k++) marked[st.hq[first + k]!] = 0;
  return found;
}

/**
 * libtorrent's endgame (piece_picker::pick_pieces, "busy" blocks): a block already requested elsewhere
 * is asked of a peer only when that peer has nothing else outstanding, and then the one with the
 * fewest requests, so each block is duplicated by a few idle peers rather than by everyone.
 */
function pickEndgameIdle(peer: Peer, r: Remote, g: Geometry): number {
  if (r.st.hi[r.half * HI + H_OUT_COUNT]! > 0) return -1;
  let best = -1;
  let fewest = 254;
  const partial = peer.partial;
  for (let i = 0; i < partial.length; i++) {
    const p = partial[i]!;
    if (!has(r, p)) continue;
    const base = p * g.blocksPerPiece;
    const n = blocksInPiece(g, p);
    for (let b = 0; b < n; b++) {
      const s = peer.blocks[base + b]!;
      if (s !== 0 && s !== BLOCK_RECEIVED && s < fewest) {
        best = base + b;
        fewest = s;
      }
    }
  }
  return best;
}

/**
 * BEP 6 suggest: a piece the remote suggested, in the order suggested, that it has and we have neither
 * verified nor started (libtorrent picks suggested pieces before rarest first); -1 if none. Pieces we
 * got or started meanwhile leave the list.
 */
function pickSuggested(peer: Peer, r: Remote): number {
  const list = r.st.halves[r.half]!.suggested;
  for (let i = 0; i < list.length; i++) {
    const p = list[i]!;
    if ((peer.pieces[p]! & (HAVE | STARTED)) !== 0) list.splice(i--, 1);
    else if (has(r, p)) return p;
  }
  return -1;
}

/** The next block to request from `half`'s remote, or -1. A block of a piece not yet started starts it. */
export function pickBlock(peer: Peer, r: Remote, g: Geometry, randomFirst: number): number {
  const started = pickStarted(peer, r);
  if (started >= 0) return firstBlockInState0(peer, g, started);
  // Suggestions come with BEP 6 only: the flag first, the list is one more object to fetch.
  if ((r.st.hi[r.half * HI + H_FLAGS]! & F_FAST) !== 0 && r.st.halves[r.half]!.suggested.length > 0) {
    const suggested = pickSuggested(peer, r);
    if (suggested >= 0) return suggested * g.blocksPerPiece;
  }
  const piece = pickNewPiece(peer, r, randomFirst);
  if (piece >= 0) return piece * g.blocksPerPiece;
  if (peer.unrequested === 0) return pickEndgame(peer, r, g);
  return -1;
}
