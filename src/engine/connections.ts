// Joining and leaving, the tracker, and connections: handshakes (a connection opens once both have
// been exchanged), the bitfield that follows, and closing both ends when a peer leaves.
import { RATE_FUDGE } from './bandwidth';
import { grown } from './heap';
import { samplePeers } from './tracker';
import { countPeer, knows, PEER_ACTIVE, PEER_LEFT, PEER_WAITING, type Peer, type SimState } from './state';
import {
  allocQueue,
  clearIncoming,
  F_AM_CHOKING,
  F_FAST,
  F_INITIATOR,
  F_MAY_HAVE_NEW,
  F_OPEN,
  F_PEER_CHOKING,
  F_PEER_INTERESTED,
  F_PEX,
  flag,
  G_ACCEPT_FROM,
  G_DOWN_LAST,
  G_DOWN_SINCE,
  G_LAST_BLOCK_AT,
  G_OPENED_AT,
  G_OPTIMISTIC_AT,
  G_PEX_AT,
  G_PIPELINE_AT,
  G_UNCHOKED_AT,
  G_UP_LAST,
  G_UP_SINCE,
  H_FLAGS,
  H_IN_BASE,
  H_IN_CAP,
  H_LATENCY,
  H_MIRROR,
  H_OPEN_INDEX,
  H_OUT_BASE,
  H_OUT_CAP,
  H_PEER,
  H_REMOTE,
  HF,
  HI,
  IN_CAP0,
  OUT_CAP0,
  setFlag,
} from './ends';
import { append, auxReserve, HS_EXTENDED, HS_FAST, T } from './trace';
import { E, OP, post, schedule, sendBitfield, startSeeding, type World } from './world';
import { releaseRequests } from './requests';
import { rechokePeer } from './slots';
import { startPex } from './pex';

export function pairKey(a: number, b: number): number {
  return a < b ? a * 65536 + b : b * 65536 + a;
}

/**
 * The key of p's entry for q in st.pairs or st.banned. Unsplit one entry serves both (pairKey). In a
 * split run each peer keeps its own, since it cannot read the other's: its count of ends to q, open
 * or dialling, and whether it banned q.
 */
function ownKey(st: SimState, p: number, q: number): number {
  return st.split === null ? pairKey(p, q) : p * 65536 + q;
}

/** Is p connected to q, or dialling it (or, unsplit, q dialling p)? */
export function paired(st: SimState, p: number, q: number): boolean {
  return st.pairs.has(ownKey(st, p, q));
}

function pairUp(st: SimState, p: number, q: number): void {
  const key = ownKey(st, p, q);
  st.pairs.set(key, st.split === null ? 1 : (st.pairs.get(key) ?? 0) + 1);
}

function pairDown(st: SimState, p: number, q: number): void {
  const key = ownKey(st, p, q);
  const left = st.split === null ? 0 : (st.pairs.get(key) ?? 0) - 1;
  if (left > 0) st.pairs.set(key, left);
  else st.pairs.delete(key);
}

/** Has p banned q (unsplit: either banned the other)? */
function isBanned(st: SimState, p: number, q: number): boolean {
  return st.banned.has(ownKey(st, p, q));
}

/** p bans q (hashcheck.ts): never connects to it again, nor accepts it. */
export function banPeer(st: SimState, p: number, q: number): void {
  st.banned.set(ownKey(st, p, q), 1);
}

/**
 * Is q present, as `peer` can tell? Unsplit, its status; in a split run, whether `peer`'s side's copy
 * of the tracker's list has it (its status is the other side's state).
 */
export function present(st: SimState, peer: number, q: number): boolean {
  const sp = st.split;
  return sp === null ? st.peers[q]!.status === PEER_ACTIVE : sp.listed[(peer & 1) * st.peers.length + q]! > 0;
}

/** The tracker's list as a peer of side `side` sees it: unsplit st.tracker, in a split run its side's copy. */
function trackerList(st: SimState, side: number): number[] {
  return st.split === null ? st.tracker : st.split.tracker[side]!;
}

/**
 * A peer joins (in) or leaves the tracker's list. In a split run its side's copy changes now and the
 * other side's at the next window boundary (trackerChange there, OP.TRACKER).
 */
function toTracker(w: World, peer: number, joined: boolean): void {
  const st = w.st;
  trackerChange(st, peer & 1, peer, joined);
  if (st.split === null) return;
  const other = 1 - (peer & 1);
  if (!post(w, st.now, OP.TRACKER, peer, joined ? 1 : 0, 0, other, 0)) trackerChange(st, other, peer, joined);
}

/**
 * `peer` joins or leaves the tracker's list: unsplit st.tracker, in a split run side `side`'s copy,
 * and that side's count of it (split.listed, which present() reads: the list can hold a thousand peers).
 */
export function trackerChange(st: SimState, side: number, peer: number, joined: boolean): void {
  const list = trackerList(st, side);
  if (joined) list.push(peer);
  else {
    const i = list.indexOf(peer);
    if (i < 0) return;
    list.splice(i, 1);
  }
  if (st.split !== null) st.split.listed[side * st.peers.length + peer]! += joined ? 1 : -1;
}

/**
 * Announce to the tracker. In a split run with windows the answer comes one window later (E.ANSWER):
 * by then the peer's side's copy of the list holds every peer that joined up to the announce, the
 * other side's too, so peers joining together all see each other, as unsplit.
 */
export function announce(w: World, peer: Peer): void {
  const st = w.st;
  if (st.split !== null && st.split.window > 0) schedule(w, st.now + st.split.window, E.ANSWER, peer.id, 0, 0, 0);
  else answer(w, peer);
}

/** The tracker's answer to `peer`'s announce (traced as the announce): connect to the peers it names. */
export function answer(w: World, peer: Peer): void {
  const st = w.st;
  const list = samplePeers(peer.trackerRng, trackerList(st, peer.id & 1), peer.id, peer.profile.trackerPeers);
  const off = auxReserve(w.tr, list.length);
  list.forEach((q, i) => (w.tr.aux[off + i] = q));
  append(w.tr, st.now, T.ANNOUNCE, peer.id, 0, off, list.length);
  if (peer.investigator) {
    investigate(w, peer);
    return;
  }
  for (const q of list) {
    if (peer.outgoing + peer.pendingOut >= peer.profile.maxInitiate) break;
    if (peer.conns.length + peer.pendingOut >= peer.profile.maxAccept) break;
    if (!paired(st, peer.id, q)) connect(w, peer, q);
  }
}

/** Connect to q unless already paired; false once the peer's limits are reached (stop trying others). */
export function connectTo(w: World, peer: Peer, q: number): boolean {
  if (peer.outgoing + peer.pendingOut >= peer.profile.maxInitiate) return false;
  if (peer.conns.length + peer.pendingOut >= peer.profile.maxAccept) return false;
  if (!paired(w.st, peer.id, q)) connect(w, peer, q);
  return true;
}

/** The extensions a peer offers in its handshake's reserved bytes, as the HANDSHAKE record's x. */
function offers(peer: Peer): number {
  return (peer.profile.fastExtension ? HS_FAST : 0) | (peer.profile.pex ? HS_EXTENDED : 0);
}

/** Send a handshake to q: the connection opens if q accepts it (onHandshake, onReply). */
function connect(w: World, peer: Peer, q: number): void {
  const st = w.st;
  // A banned peer's address is never tried again.
  if (isBanned(st, peer.id, q)) return;
  // A peer behind NAT accepts no connection: the attempt fails before any handshake is sent.
  if (!st.peers[q]!.connectable) {
    append(w.tr, st.now, T.UNREACHABLE, peer.id, q, 0, 0);
    return;
  }
  pairUp(st, peer.id, q);
  peer.pendingOut++;
  append(w.tr, st.now, T.HANDSHAKE, peer.id, q, offers(peer), 0);
  st.msgCount[T.HANDSHAKE]!++;
  const lat = peer.latency + st.peers[q]!.latency;
  // In a split run the initiator makes its own end now and names it in the handshake.
  const ha = st.split === null ? 0 : newHalf(w, peer.id, q, lat, true);
  schedule(w, st.now + lat, E.HANDSHAKE, q, peer.id, offers(peer), ha);
}

/**
 * An investigator (a monitoring client) connects to the subject whenever the subject is present and
 * they are not connected; it asks the tracker like everyone else but connects to no one else.
 * Called on its announces and on its rechoke timer.
 */
export function investigate(w: World, peer: Peer): void {
  const s = w.subject;
  if (s < 0) return;
  if (present(w.st, peer.id, s) && !paired(w.st, peer.id, s)) connect(w, peer, s);
}

/**
 * A new connection end, closed, its scalars at their starting values and its queues given room in
 * st.hq. Its id is the next unsplit; in a split run, 2k + side for its side's k-th, so that each side
 * numbers its own ends alone (the other side's slots stay empty lists). A world that runs one side
 * only (side.ts SideRun) numbers them 0, 1, 2…: with 2k + side, its ends' records took every other
 * row of st.hi, st.hf and st.bits, so they filled half the cache's sets and twice the pages, and the
 * 1,000-peer split run took a tenth longer. An end's id is a name its own side gives it (the other
 * side only hands it back), so the numbering changes nothing else.
 */
function newHalf(w: World, peer: number, remote: number, latency: number, initiator: boolean): number {
  const st = w.st;
  const sp = st.split;
  const id = sp === null ? st.halves.length : sp.oneSide ? sp.ends[peer & 1]!++ : 2 * sp.ends[peer & 1]!++ + (peer & 1);
  while (st.halves.length <= id) st.halves.push({ allowedIn: [], allowedOut: [], suggested: [], pexListed: [] });
  if ((id + 1) * HI > st.hi.length) {
    const cap = Math.max(id + 1, 2 * (st.hi.length / HI), 256);
    st.hi = grown(st.hi, cap * HI);
    st.hf = grown(st.hf, cap * HF);
  }
  const need = (id + 1) * st.words;
  if (need > st.bits.length) st.bits = grown(st.bits, Math.max(need, st.bits.length * 2, 1024));
  const hi = st.hi;
  const hf = st.hf;
  const b = id * HI;
  const g = id * HF;
  hi[b + H_PEER] = peer;
  hi[b + H_REMOTE] = remote;
  hi[b + H_MIRROR] = -1;
  hi[b + H_FLAGS] = F_PEER_CHOKING | F_MAY_HAVE_NEW | F_AM_CHOKING | (initiator ? F_INITIATOR : 0);
  hi[b + H_LATENCY] = latency;
  hi[b + H_OUT_BASE] = allocQueue(st, OUT_CAP0);
  hi[b + H_OUT_CAP] = OUT_CAP0;
  hi[b + H_IN_BASE] = allocQueue(st, IN_CAP0);
  hi[b + H_IN_CAP] = IN_CAP0;
  hf[g + G_ACCEPT_FROM] = -1;
  hf[g + G_PIPELINE_AT] = -1_000_000;
  startRates(st, id);
  hf[g + G_UNCHOKED_AT] = -1;
  hf[g + G_OPTIMISTIC_AT] = -1;
  hf[g + G_PEX_AT] = -1;
  return id;
}

/** An end's rate measurements start now. */
function startRates(st: SimState, id: number): void {
  const g = id * HF;
  st.hf[g + G_DOWN_LAST] = st.hf[g + G_DOWN_SINCE] = st.now - RATE_FUDGE;
  st.hf[g + G_UP_LAST] = st.hf[g + G_UP_SINCE] = st.now - RATE_FUDGE;
}

function openHalf(w: World, id: number): void {
  const st = w.st;
  const b = id * HI;
  setFlag(st, id, F_OPEN, true);
  st.hi[b + H_OPEN_INDEX] = w.tr.length;
  st.hf[id * HF + G_OPENED_AT] = st.now;
  st.hf[id * HF + G_LAST_BLOCK_AT] = st.now;
  const peer = st.peers[st.hi[b + H_PEER]!]!;
  peer.conns.push(id);
  peer.connMirror.push(st.hi[b + H_MIRROR]!);
  peer.connRemote.push(st.hi[b + H_REMOTE]!);
  peer.connLatency.push(st.hi[b + H_LATENCY]!);
  peer.connOpenIndex.push(st.hi[b + H_OPEN_INDEX]!);
}

/**
 * The handshake of `initiator` reached `acceptor`; `offered` is what its reserved bytes offered when
 * it left (HS_…), `initiatorEnd` its end in a split run.
 */
export function onHandshake(w: World, acceptor: number, initiator: number, offered: number, initiatorEnd: number): void {
  const st = w.st;
  if (st.split !== null) return acceptSplit(w, acceptor, initiator, offered, initiatorEnd);
  const b = st.peers[acceptor]!;
  const a = st.peers[initiator]!;
  const key = pairKey(acceptor, initiator);
  if (a.status !== PEER_ACTIVE || b.status !== PEER_ACTIVE) {
    st.pairs.delete(key);
    if (a.status === PEER_ACTIVE) a.pendingOut--;
    return;
  }
  // The peer set limit counts the handshakes this peer has in progress too; an investigator accepts
  // the subject only.
  if (b.conns.length + b.pendingOut >= b.profile.maxAccept || (b.investigator && initiator !== w.subject)) {
    append(w.tr, st.now, T.REFUSED, acceptor, initiator, 0, 0);
    st.pairs.delete(key);
    a.pendingOut--;
    return;
  }
  const lat = a.latency + b.latency;
  const ha = newHalf(w, initiator, acceptor, lat, true);
  const hb = newHalf(w, acceptor, initiator, lat, false);
  st.hi[ha * HI + H_MIRROR] = hb;
  st.hi[hb * HI + H_MIRROR] = ha;
  // BEP 6 and BEP 11 apply on a connection only when both peers offer them: the initiator as its
  // handshake said when it left (a `set` since then applies to its next connections), the acceptor now.
  const mine = offers(b);
  const both = ((offered & mine & HS_FAST) !== 0 ? F_FAST : 0) | ((offered & mine & HS_EXTENDED) !== 0 ? F_PEX : 0);
  setFlag(st, ha, both, true);
  setFlag(st, hb, both, true);
  openHalf(w, hb);
  append(w.tr, st.now, T.HANDSHAKE, acceptor, initiator, mine, 0);
  st.msgCount[T.HANDSHAKE]!++;
  schedule(w, st.now + lat, E.REPLY, ha, initiator, 0, 0);
  sendBitfield(w, hb);
}

/**
 * A split run's handshake: the acceptor cannot read the initiator's state, so it answers with a reply
 * that refuses (c = −1) or names its end and the extensions both offered, and makes and opens only its
 * own end. It refuses when it has left (untraced, as a closed port), at its peer-set limit, an
 * investigator any peer but the subject, a peer it banned, and a second connection to the same peer:
 * one it is connected to, or one it is dialling itself and has the higher id (so of two peers dialling
 * each other at once, the lower id's handshake is refused and the higher id's accepted).
 */
function acceptSplit(w: World, acceptor: number, initiator: number, offered: number, ha: number): void {
  const st = w.st;
  const b = st.peers[acceptor]!;
  const lat = b.latency + st.peers[initiator]!.latency;
  if (b.status !== PEER_ACTIVE) return schedule(w, st.now + lat, E.REPLY, ha, initiator, -1, 0);
  const twice = paired(st, acceptor, initiator) && (b.connRemote.includes(initiator) || acceptor > initiator);
  if (twice || isBanned(st, acceptor, initiator) || b.conns.length + b.pendingOut >= b.profile.maxAccept || (b.investigator && initiator !== w.subject)) {
    append(w.tr, st.now, T.REFUSED, acceptor, initiator, 0, 0);
    return schedule(w, st.now + lat, E.REPLY, ha, initiator, -1, 0);
  }
  const hb = newHalf(w, acceptor, initiator, lat, false);
  st.hi[hb * HI + H_MIRROR] = ha;
  const mine = offers(b);
  const both = ((offered & mine & HS_FAST) !== 0 ? F_FAST : 0) | ((offered & mine & HS_EXTENDED) !== 0 ? F_PEX : 0);
  setFlag(st, hb, both, true);
  pairUp(st, acceptor, initiator);
  openHalf(w, hb);
  append(w.tr, st.now, T.HANDSHAKE, acceptor, initiator, mine, 0);
  st.msgCount[T.HANDSHAKE]!++;
  schedule(w, st.now + lat, E.REPLY, ha, initiator, hb, both);
  sendBitfield(w, hb);
}

/**
 * The acceptor's handshake reached the initiator: the connection is open at both ends. In a split run
 * `acceptorEnd` is the acceptor's end (−1: it refused) and `both` the extensions on.
 */
export function onReply(w: World, ha: number, acceptorEnd: number, both: number): void {
  const st = w.st;
  if (st.split !== null) return replySplit(w, ha, acceptorEnd, both);
  const a = st.peers[st.hi[ha * HI + H_PEER]!]!;
  const hb = st.hi[ha * HI + H_MIRROR]!;
  if (a.status !== PEER_ACTIVE) {
    // The initiator left while its handshake was answered: the acceptor's end closes now.
    if (flag(st, hb, F_OPEN)) closeConnection(w, hb);
    return;
  }
  a.pendingOut--;
  if (!flag(st, hb, F_OPEN)) {
    // The acceptor left before its answer arrived: the handshake's slot is free again.
    st.pairs.delete(pairKey(a.id, st.hi[ha * HI + H_REMOTE]!));
    return;
  }
  a.outgoing++;
  openHalf(w, ha);
  sendBitfield(w, ha);
}

function replySplit(w: World, ha: number, hb: number, both: number): void {
  const st = w.st;
  const a = st.peers[st.hi[ha * HI + H_PEER]!]!;
  const remote = st.hi[ha * HI + H_REMOTE]!;
  if (hb < 0 || a.status !== PEER_ACTIVE) {
    if (a.status === PEER_ACTIVE) a.pendingOut--;
    pairDown(st, a.id, remote);
    // Accepted by a peer this one has left since: the acceptor's end closes when the close reaches it.
    if (hb >= 0) schedule(w, st.now + st.hi[ha * HI + H_LATENCY]!, E.CLOSE, hb, 0, 0, remote);
    return;
  }
  a.pendingOut--;
  st.hi[ha * HI + H_MIRROR] = hb;
  setFlag(st, ha, both, true);
  startRates(st, ha);
  a.outgoing++;
  openHalf(w, ha);
  sendBitfield(w, ha);
}

function closeHalf(w: World, h: number): void {
  const st = w.st;
  const peer = st.peers[st.hi[h * HI + H_PEER]!]!;
  const i = peer.conns.indexOf(h);
  if (i >= 0) {
    peer.conns.splice(i, 1);
    peer.connMirror.splice(i, 1);
    peer.connRemote.splice(i, 1);
    peer.connLatency.splice(i, 1);
    peer.connOpenIndex.splice(i, 1);
  }
  for (let p = 0; p < w.g.pieces; p++) if (knows(st, h, p)) peer.pieces[p] = peer.pieces[p]! - 1;
  releaseRequests(w, h);
  clearIncoming(st, h);
  setFlag(st, h, F_OPEN, false);
  if (flag(st, h, F_PEER_INTERESTED)) {
    if (flag(st, h, F_AM_CHOKING)) peer.waiting--;
    else peer.unchokedInterested--;
  }
  if (peer.optimistic === h) peer.optimistic = -1;
  if (flag(st, h, F_INITIATOR)) peer.outgoing--;
}

/**
 * Close both ends of a connection; the remaining end's peer refills a freed upload slot. In a split run
 * only `h`'s: the remote's closes when the close reaches it one latency later (onClose). Until then it
 * may still send on it: what arrives at a closed end is dropped, a block lost.
 */
export function closeConnection(w: World, h: number): void {
  const st = w.st;
  if (st.split !== null) {
    const remote = st.hi[h * HI + H_REMOTE]!;
    schedule(w, st.now + st.hi[h * HI + H_LATENCY]!, E.CLOSE, st.hi[h * HI + H_MIRROR]!, 0, 0, remote);
    return onClose(w, h);
  }
  const m = st.hi[h * HI + H_MIRROR]!;
  const wasServing: number[] = [];
  for (const x of [h, m]) {
    if (!flag(st, x, F_OPEN)) continue;
    const f = st.hi[x * HI + H_FLAGS]!;
    if ((f & F_AM_CHOKING) === 0 && (f & F_PEER_INTERESTED) !== 0 && st.peers[st.hi[x * HI + H_PEER]!]!.waiting > 0) wasServing.push(x);
    closeHalf(w, x);
  }
  st.pairs.delete(pairKey(st.hi[h * HI + H_PEER]!, st.hi[h * HI + H_REMOTE]!));
  for (const x of wasServing) {
    const peer = st.peers[st.hi[x * HI + H_PEER]!]!;
    if (peer.status === PEER_ACTIVE) rechokePeer(w, peer, false);
  }
}

/** A split run's end `h` closes (its peer's own close, or the remote's reaching it); its peer refills a freed upload slot. */
export function onClose(w: World, h: number): void {
  const st = w.st;
  if (!flag(st, h, F_OPEN)) return;
  const f = st.hi[h * HI + H_FLAGS]!;
  const peer = st.peers[st.hi[h * HI + H_PEER]!]!;
  const wasServing = (f & F_AM_CHOKING) === 0 && (f & F_PEER_INTERESTED) !== 0 && peer.waiting > 0;
  closeHalf(w, h);
  pairDown(st, peer.id, st.hi[h * HI + H_REMOTE]!);
  if (wasServing && peer.status === PEER_ACTIVE) rechokePeer(w, peer, false);
}

export function onJoin(w: World, peer: Peer): void {
  if (peer.status !== PEER_WAITING) return;
  const st = w.st;
  peer.status = PEER_ACTIVE;
  peer.joinedAt = st.now;
  peer.lastOptimisticAt = st.now;
  countPeer(st, peer.id, -1, 1, 0);
  if (peer.seed) {
    peer.completedAt = st.now;
    countPeer(st, peer.id, 0, 0, 1);
    // A seed is complete from the start: its seeding limits run from now.
    startSeeding(w, peer);
  }
  append(w.tr, st.now, T.JOIN, peer.id, 0, 0, 0);
  toTracker(w, peer.id, true);
  announce(w, peer);
  schedule(w, st.now + peer.profile.rechokeInterval, E.RECHOKE, peer.id, 0, 0, 0);
  schedule(w, st.now + peer.profile.announceInterval, E.ANNOUNCE, peer.id, 0, 0, 0);
  startPex(w, peer);
}

export function onLeave(w: World, peer: Peer, reason: number): void {
  const st = w.st;
  if (peer.status === PEER_WAITING) {
    // Told to leave before it joined: it never joins.
    peer.status = PEER_LEFT;
    countPeer(st, peer.id, -1, 0, 0);
    return;
  }
  if (peer.status !== PEER_ACTIVE) return;
  append(w.tr, st.now, T.LEAVE, peer.id, 0, reason, 0);
  peer.status = PEER_LEFT;
  peer.leftAt = st.now;
  countPeer(st, peer.id, 0, -1, peer.completedAt !== null ? -1 : 0);
  toTracker(w, peer.id, false);
  for (const id of peer.conns.slice()) closeConnection(w, id);
}
