// Joining and leaving, the tracker, and connections: handshakes (a connection opens once both have
// been exchanged), the bitfield that follows, and closing both ends when a peer leaves.
import { RATE_FUDGE } from './bandwidth';
import { push } from './heap';
import { samplePeers } from './tracker';
import { clearIncoming, knows, PEER_ACTIVE, PEER_LEFT, PEER_WAITING, type Half, type Peer } from './state';
import { append, auxReserve, HS_EXTENDED, HS_FAST, T } from './trace';
import { E, sendBitfield, startSeeding, type World } from './world';
import { releaseRequests } from './requests';
import { rechokePeer } from './slots';
import { startPex } from './pex';

export function pairKey(a: number, b: number): number {
  return a < b ? a * 65536 + b : b * 65536 + a;
}

export function announce(w: World, peer: Peer): void {
  const st = w.st;
  const list = samplePeers(peer.trackerRng, st.tracker, peer.id, peer.profile.trackerPeers);
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
    if (!st.pairs.has(pairKey(peer.id, q))) connect(w, peer, q);
  }
}

/** Connect to q unless already paired; false once the peer's limits are reached (stop trying others). */
export function connectTo(w: World, peer: Peer, q: number): boolean {
  if (peer.outgoing + peer.pendingOut >= peer.profile.maxInitiate) return false;
  if (peer.conns.length + peer.pendingOut >= peer.profile.maxAccept) return false;
  if (!w.st.pairs.has(pairKey(peer.id, q))) connect(w, peer, q);
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
  if (st.banned.has(pairKey(peer.id, q))) return;
  // A peer behind NAT accepts no connection: the attempt fails before any handshake is sent.
  if (!st.peers[q]!.connectable) {
    append(w.tr, st.now, T.UNREACHABLE, peer.id, q, 0, 0);
    return;
  }
  st.pairs.set(pairKey(peer.id, q), 1);
  peer.pendingOut++;
  append(w.tr, st.now, T.HANDSHAKE, peer.id, q, offers(peer), 0);
  st.msgCount[T.HANDSHAKE]!++;
  push(st.queue, st.now + peer.latency + st.peers[q]!.latency, E.HANDSHAKE, q, peer.id, 0, 0);
}

/**
 * An investigator (a monitoring client) connects to the subject whenever the subject is present and
 * they are not connected; it asks the tracker like everyone else but connects to no one else.
 * Called on its announces and on its rechoke timer.
 */
export function investigate(w: World, peer: Peer): void {
  const s = w.subject;
  if (s < 0 || w.st.peers[s]!.status !== PEER_ACTIVE) return;
  if (!w.st.pairs.has(pairKey(peer.id, s))) connect(w, peer, s);
}

/**
 * A connection end as it starts. A checkpoint's connection ends are unpacked (clone.ts, unpackHalf)
 * with their fields in this order, so that they share the live ones' hidden class. The fields that
 * each block sent or received reads or writes come first, the rest after: V8 lays an object's fields
 * out in this order, and a 1,000-peer swarm has some 70,000 ends, far more than the CPU's caches
 * hold, and a block reads or writes two ends: with its fields together, an end's hot part spans
 * fewer cache lines. (1,000 peers × 250 pieces: median 21.2 s against 23.4 s before, 7 interleaved
 * runs each; at 1,000 × 1,000 two pairs of runs differed by less than the machine's noise.)
 */
function blankHalf(id: number, peer: number, remote: number, latency: number, initiator: boolean, now: number): Half {
  return {
    id,
    peer,
    remote,
    mirror: -1,
    latency,
    open: false,
    queued: false,
    incoming: [],
    incomingHead: 0,
    incomingEnd: 0,
    acceptFrom: -1,
    fast: false,
    outstanding: [],
    outstandingCount: 0,
    amInterested: false,
    peerChoking: true,
    pipeline: 0,
    pipelineAt: -1_000_000,
    interesting: 0,
    mayHaveNew: true,
    downRate: 0,
    downLast: now - RATE_FUDGE,
    downSince: now - RATE_FUDGE,
    lastBlockAt: 0,
    roundBytes: 0,
    upRate: 0,
    upLast: now - RATE_FUDGE,
    upSince: now - RATE_FUDGE,
    bytesSinceUnchoke: 0,
    initiator,
    openIndex: 0,
    openedAt: 0,
    amChoking: true,
    peerInterested: false,
    unchokedAt: -1,
    allowedIn: [],
    allowedOut: [],
    suggested: [],
    pex: false,
    pexListed: [],
    pexAt: -1,
    optimisticSlot: false,
    optimisticAt: -1,
  };
}

function newHalf(w: World, peer: number, remote: number, latency: number, initiator: boolean): Half {
  const h = blankHalf(w.st.halves.length, peer, remote, latency, initiator, w.st.now);
  w.st.halves.push(h);
  const st = w.st;
  const need = st.halves.length * st.words;
  if (need > st.bits.length) {
    const bits = new Uint32Array(Math.max(need, st.bits.length * 2, 1024));
    bits.set(st.bits);
    st.bits = bits;
  }
  return h;
}

function openHalf(w: World, h: Half): void {
  h.open = true;
  h.openIndex = w.tr.length;
  h.openedAt = w.st.now;
  h.lastBlockAt = w.st.now;
  const peer = w.st.peers[h.peer]!;
  peer.conns.push(h.id);
  peer.connMirror.push(h.mirror);
  peer.connRemote.push(h.remote);
  peer.connLatency.push(h.latency);
  peer.connOpenIndex.push(h.openIndex);
}

export function onHandshake(w: World, acceptor: number, initiator: number): void {
  const st = w.st;
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
  ha.mirror = hb.id;
  hb.mirror = ha.id;
  // BEP 6 and BEP 11 apply on a connection only when both peers offer them.
  ha.fast = hb.fast = a.profile.fastExtension && b.profile.fastExtension;
  ha.pex = hb.pex = a.profile.pex && b.profile.pex;
  openHalf(w, hb);
  append(w.tr, st.now, T.HANDSHAKE, acceptor, initiator, offers(b), 0);
  st.msgCount[T.HANDSHAKE]!++;
  push(st.queue, st.now + lat, E.REPLY, ha.id, 0, 0, 0);
  sendBitfield(w, hb);
}

/** The acceptor's handshake reached the initiator: the connection is open at both ends. */
export function onReply(w: World, hid: number): void {
  const st = w.st;
  const ha = st.halves[hid]!;
  const a = st.peers[ha.peer]!;
  const hb = st.halves[ha.mirror]!;
  if (a.status !== PEER_ACTIVE) {
    // The initiator left while its handshake was answered: the acceptor's end closes now.
    if (hb.open) closeConnection(w, hb);
    return;
  }
  a.pendingOut--;
  if (!hb.open) {
    // The acceptor left before its answer arrived: the handshake's slot is free again.
    st.pairs.delete(pairKey(ha.peer, ha.remote));
    return;
  }
  a.outgoing++;
  openHalf(w, ha);
  sendBitfield(w, ha);
}

function closeHalf(w: World, h: Half): void {
  const st = w.st;
  const peer = st.peers[h.peer]!;
  const i = peer.conns.indexOf(h.id);
  if (i >= 0) {
    peer.conns.splice(i, 1);
    peer.connMirror.splice(i, 1);
    peer.connRemote.splice(i, 1);
    peer.connLatency.splice(i, 1);
    peer.connOpenIndex.splice(i, 1);
  }
  for (let p = 0; p < w.g.pieces; p++) if (knows(st, h.id, p)) peer.pieces[p] = peer.pieces[p]! - 1;
  releaseRequests(w, h);
  clearIncoming(h);
  h.open = false;
  if (h.peerInterested) {
    if (h.amChoking) peer.waiting--;
    else peer.unchokedInterested--;
  }
  if (peer.optimistic === h.id) peer.optimistic = -1;
  if (h.initiator) peer.outgoing--;
}

/** Close both ends of a connection; the remaining end's peer refills a freed upload slot. */
export function closeConnection(w: World, h: Half): void {
  const st = w.st;
  const m = st.halves[h.mirror]!;
  const wasServing: Half[] = [];
  for (const x of [h, m]) {
    if (!x.open) continue;
    if (!x.amChoking && x.peerInterested && st.peers[x.peer]!.waiting > 0) wasServing.push(x);
    closeHalf(w, x);
  }
  st.pairs.delete(pairKey(h.peer, h.remote));
  for (const x of wasServing) {
    const peer = st.peers[x.peer]!;
    if (peer.status === PEER_ACTIVE) rechokePeer(w, peer, false);
  }
}

export function onJoin(w: World, peer: Peer): void {
  if (peer.status !== PEER_WAITING) return;
  const st = w.st;
  peer.status = PEER_ACTIVE;
  peer.joinedAt = st.now;
  peer.lastOptimisticAt = st.now;
  st.present++;
  st.pendingJoins--;
  if (peer.seed) {
    peer.completedAt = st.now;
    st.presentComplete++;
    // A seed is complete from the start: its seeding limits run from now.
    startSeeding(w, peer);
  }
  append(w.tr, st.now, T.JOIN, peer.id, 0, 0, 0);
  st.tracker.push(peer.id);
  announce(w, peer);
  push(st.queue, st.now + peer.profile.rechokeInterval, E.RECHOKE, peer.id, 0, 0, 0);
  push(st.queue, st.now + peer.profile.announceInterval, E.ANNOUNCE, peer.id, 0, 0, 0);
  startPex(w, peer);
}

export function onLeave(w: World, peer: Peer, reason: number): void {
  const st = w.st;
  if (peer.status === PEER_WAITING) {
    // Told to leave before it joined: it never joins.
    peer.status = PEER_LEFT;
    st.pendingJoins--;
    return;
  }
  if (peer.status !== PEER_ACTIVE) return;
  append(w.tr, st.now, T.LEAVE, peer.id, 0, reason, 0);
  peer.status = PEER_LEFT;
  peer.leftAt = st.now;
  st.present--;
  if (peer.completedAt !== null) st.presentComplete--;
  st.tracker.splice(st.tracker.indexOf(peer.id), 1);
  for (const id of peer.conns.slice()) closeConnection(w, st.halves[id]!);
}
