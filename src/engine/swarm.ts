// The swarm: what happens when each scheduled event fires. Every handler runs at one simulated instant
// (st.now), changes the state, appends what it sent or decided to the trace, and schedules what follows.
// Messages travel one connection latency; blocks also wait for the sender's upload and the receiver's
// download (bandwidth.ts). Rules cite BEP 3 or the mainline client they copy.
import { arrival, createMeasure, rateNow, transferTime, updateRate } from './bandwidth';
import { fillSlots, isSnubbed, rechoke } from './choker';
import { createQueue, push } from './heap';
import { pickBlock } from './picker';
import { shuffle, stream } from './prng';
import { samplePeers } from './tracker';
import { resolveProfile } from './profiles';
import {
  BLOCK_RECEIVED,
  HAVE,
  knows,
  PEER_ACTIVE,
  PEER_LEFT,
  PEER_WAITING,
  STARTED,
  type Half,
  type Peer,
  type SimState,
} from './state';
import { blockLength, blocksInPiece, geometry, type Geometry } from './torrent';
import { append, auxReserve, BROADCAST, LEAVE_REASON, T, type Trace } from './trace';
import type { SimConfig } from './types';

/** Scheduled event kinds. */
export const E = {
  JOIN: 1,
  LEAVE: 2,
  ANNOUNCE: 3,
  RECHOKE: 4,
  /** a = acceptor, b = initiator */
  HANDSHAKE: 5,
  /** a = the initiator's half */
  REPLY: 6,
  /** a = receiving half, b = trace kind, c = argument */
  MSG: 7,
  /** a = sender, b = piece, c = trace index of the HAVE record, d = latency of the connections it is for */
  HAVE: 8,
  /** a = sender, b = sender's half, c = block */
  SEND_DONE: 9,
  /** a = receiver's half, b = sender's half, c = block */
  ARRIVE: 10,
  /** a = an idle uploader whose earliest queued request arrives now */
  WAKE: 11,
} as const;

export interface World {
  cfg: SimConfig;
  g: Geometry;
  st: SimState;
  tr: Trace;
}

function createPeer(cfg: SimConfig, g: Geometry, id: number): Peer {
  const spec = cfg.peers[id]!;
  const n = g.pieces;
  const pickRng = stream(cfg.seed, `peer/${spec.name}/picker`);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  shuffle(pickRng, perm);
  return {
    id,
    profile: resolveProfile(spec.client, spec.settings),
    status: PEER_WAITING,
    seed: spec.seed,
    upload: spec.upload,
    download: spec.download,
    latency: spec.latency,
    leaveAfterComplete: spec.leaveAfterComplete,
    pieces: new Int32Array(n).fill(spec.seed ? HAVE : 0),
    verifiedAt: new Float64Array(n).fill(-1),
    haveCount: spec.seed ? n : 0,
    blocks: new Uint8Array(g.blockIds).fill(spec.seed ? BLOCK_RECEIVED : 0),
    pieceDone: new Uint16Array(n),
    pieceReq: new Uint16Array(n),
    partial: [],
    unrequested: spec.seed ? 0 : g.totalBlocks,
    cand: perm,
    candLength: spec.seed ? 0 : n,
    conns: [],
    connMirror: [],
    connLatency: [],
    connOpenIndex: [],
    outgoing: 0,
    pendingOut: 0,
    sending: false,
    serving: [],
    wakeAt: -1,
    unchokedInterested: 0,
    waiting: 0,
    servingHead: 0,
    downloadFreeAt: 0,
    uploadedBytes: 0,
    downloadedBytes: 0,
    joinedAt: null,
    leftAt: null,
    completedAt: null,
    rechokes: 0,
    optimistic: -1,
    lastOptimisticAt: 0,
    pickRng,
    chokeRng: stream(cfg.seed, `peer/${spec.name}/choker`),
    trackerRng: stream(cfg.seed, `tracker/${spec.name}`),
  };
}

export function createWorld(cfg: SimConfig, tr: Trace): World {
  const g = geometry(cfg.torrent);
  const st: SimState = {
    now: 0,
    eventCount: 0,
    done: false,
    endReason: null,
    queue: createQueue(),
    peers: [],
    halves: [],
    pairs: new Map(),
    bits: new Uint32Array(0),
    words: (g.pieces + 31) >>> 5,
    tracker: [],
    present: 0,
    presentComplete: 0,
    pendingJoins: cfg.peers.length,
    lostBytes: 0,
    msgCount: new Float64Array(64),
  };
  for (let i = 0; i < cfg.peers.length; i++) st.peers.push(createPeer(cfg, g, i));
  const q = st.queue;
  cfg.peers.forEach((p, i) => push(q, p.joinAt, E.JOIN, i, 0, 0, 0));
  cfg.peers.forEach((p, i) => {
    if (p.leaveAt !== null) push(q, p.leaveAt, E.LEAVE, i, LEAVE_REASON.SCHEDULED, 0, 0);
  });
  for (const ev of cfg.events) {
    if (ev.action === 'join') push(q, ev.at, E.JOIN, ev.peer, 0, 0, 0);
    else push(q, ev.at, E.LEAVE, ev.peer, LEAVE_REASON.SCRIPTED, 0, 0);
  }
  return { cfg, g, st, tr };
}

// ---------------------------------------------------------------------------------------------------
// Sending messages

/** Send a message on `h` (the sender's half): trace it now, deliver it one latency later. */
function send(w: World, h: Half, kind: number, arg: number): void {
  const st = w.st;
  append(w.tr, st.now, kind, h.peer, h.remote, arg, 0);
  st.msgCount[kind]!++;
  push(st.queue, st.now + h.latency, E.MSG, h.mirror, kind, arg, 0);
}

function sendBitfield(w: World, h: Half): void {
  const p = w.st.peers[h.peer]!;
  // BEP 3: the bitfield may be omitted when the peer has no piece.
  if (p.haveCount === 0) return;
  const idx = w.tr.length;
  append(w.tr, w.st.now, T.BITFIELD, h.peer, h.remote, p.haveCount, 0);
  w.st.msgCount[T.BITFIELD]!++;
  push(w.st.queue, w.st.now + h.latency, E.MSG, h.mirror, T.BITFIELD, idx, 0);
}

/** Interest is always accurate (BEP 3): interested exactly while the remote has a piece we lack. */
function updateInterest(w: World, h: Half): void {
  const want = h.interesting > 0;
  if (want === h.amInterested) return;
  h.amInterested = want;
  if (want) h.lastBlockAt = w.st.now;
  send(w, h, want ? T.INTERESTED : T.NOT_INTERESTED, 0);
  if (want) fillRequests(w, h);
}

// ---------------------------------------------------------------------------------------------------
// Requests and the picker

function pipelineLength(w: World, h: Half, peer: Peer): number {
  const p = peer.profile;
  const now = w.st.now;
  // Rates move slowly: recompute once a simulated second.
  if (now - h.pipelineAt < 1_000_000) return h.pipeline;
  h.pipelineAt = now;
  // A snubbed peer gets one request at a time (libtorrent); mainline's backlog is 2 + 4·rate/16 KiB.
  if (isSnubbed(h, now, p.snubTimeout)) h.pipeline = 1;
  else {
    const rate = rateNow(h.down, now);
    h.pipeline = Math.min(p.pipelineCap, p.pipelineBase + Math.floor((p.pipelinePerRate * rate) / 16384));
  }
  return h.pipeline;
}

function requestBlock(w: World, peer: Peer, h: Half, block: number): void {
  const piece = Math.floor(block / w.g.blocksPerPiece);
  if ((peer.pieces[piece]! & STARTED) === 0) {
    peer.pieces[piece] = peer.pieces[piece]! | STARTED;
    peer.partial.push(piece);
  }
  const s = peer.blocks[block]!;
  if (s === 0) {
    peer.pieceReq[piece]!++;
    peer.unrequested--;
  }
  peer.blocks[block] = s + 1;
  h.outstanding.push(block);
  sendRequest(w, h, block);
}

/** Keep the request pipeline of `h` full while we are interested and unchoked. */
function fillRequests(w: World, h: Half): void {
  if (!h.amInterested || h.peerChoking || !h.open) return;
  const peer = w.st.peers[h.peer]!;
  const limit = pipelineLength(w, h, peer);
  if (h.outstanding.length >= limit) return;
  const remote = { half: h, bits: w.st.bits, base: h.id * w.st.words };
  while (h.outstanding.length < limit) {
    const block = pickBlock(peer, remote, w.g, peer.profile.randomFirst);
    if (block < 0) return;
    requestBlock(w, peer, h, block);
  }
}

/** Forget our outstanding requests on `h`: the blocks can be asked of someone else. */
function releaseRequests(w: World, h: Half): void {
  const peer = w.st.peers[h.peer]!;
  for (const block of h.outstanding) {
    const s = peer.blocks[block]!;
    if (s === BLOCK_RECEIVED || s === 0) continue;
    peer.blocks[block] = s - 1;
    if (s === 1) {
      peer.pieceReq[Math.floor(block / w.g.blocksPerPiece)]!--;
      peer.unrequested++;
    }
  }
  h.outstanding.length = 0;
}

// ---------------------------------------------------------------------------------------------------
// Uploading

/**
 * Requests are not scheduled as events: a request is queued at the uploader's end of the connection
 * with the time it arrives there (now + latency), and the uploader looks at it when it picks its next
 * block, or is woken at that time if idle. A flash crowd's uploaders are busy, so this saves an event
 * per block with the same outcome as delivering each request on arrival. Queue entries are
 * (block, arrival time, cancel arrival time).
 */
function sendRequest(w: World, h: Half, block: number): void {
  const st = w.st;
  append(w.tr, st.now, T.REQUEST, h.peer, h.remote, block, 0);
  st.msgCount[T.REQUEST]!++;
  const at = st.now + h.latency;
  const u = st.halves[h.mirror]!;
  u.incoming.push(block, at, Infinity);
  const uploader = st.peers[u.peer]!;
  if (!u.queued) {
    uploader.serving.push(u.id);
    u.queued = true;
  }
  if (!uploader.sending) wakeAt(w, uploader, at);
}

/** Cancel (BEP 3): takes effect if it reaches the uploader before the block is started. */
function sendCancel(w: World, h: Half, block: number): void {
  const st = w.st;
  append(w.tr, st.now, T.CANCEL, h.peer, h.remote, block, 0);
  st.msgCount[T.CANCEL]!++;
  const u = st.halves[h.mirror]!;
  const q = u.incoming;
  for (let i = u.incomingHead; i < q.length; i += 3) {
    if (q[i] === block && q[i + 2] === Infinity) {
      q[i + 2] = st.now + h.latency;
      return;
    }
  }
}

/** Make sure an idle uploader looks at its queue again at time `at`. */
function wakeAt(w: World, peer: Peer, at: number): void {
  if (peer.wakeAt >= w.st.now && peer.wakeAt <= at) return;
  peer.wakeAt = at;
  push(w.st.queue, at, E.WAKE, peer.id, 0, 0, 0);
}

/**
 * Start sending the next block. Connections with queued requests wait in a FIFO (peer.serving); each
 * sends one block and goes to the back if it has more: round robin, so the upload is shared among the
 * connections being served. A request that arrived while we choked the peer is dropped (mainline).
 */
function startSend(w: World, peer: Peer): void {
  if (peer.sending || peer.upload === 0 || peer.status !== PEER_ACTIVE) return;
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
    let i = h.incomingHead;
    // Drop requests that arrived while we choked the peer, and requests whose cancel has arrived.
    while (i < q.length && q[i + 1]! <= now && (q[i + 1]! < h.acceptFrom || q[i + 2]! <= now)) i += 3;
    h.incomingHead = i;
    if (i >= q.length) {
      q.length = 0;
      h.incomingHead = 0;
      continue;
    }
    serving.push(id);
    h.queued = true;
    if (q[i + 1]! > now) {
      nextArrival = Math.min(nextArrival, q[i + 1]!);
      continue;
    }
    const block = q[i]!;
    h.incomingHead = i + 3;
    if (h.incomingHead > 96 && h.incomingHead * 2 > q.length) {
      q.splice(0, h.incomingHead);
      h.incomingHead = 0;
    }
    if (peer.servingHead > 64 && peer.servingHead * 2 > serving.length) {
      serving.splice(0, peer.servingHead);
      peer.servingHead = 0;
    }
    peer.sending = true;
    const len = blockLength(w.g, block);
    append(w.tr, now, T.PIECE, peer.id, h.remote, block, len);
    w.st.msgCount[T.PIECE]!++;
    push(w.st.queue, now + transferTime(len, peer.upload), E.SEND_DONE, peer.id, h.id, block, 0);
    return;
  }
  if (nextArrival < Infinity) wakeAt(w, peer, nextArrival);
}

function lose(w: World, sender: number, receiver: number, block: number, len: number): void {
  append(w.tr, w.st.now, T.LOST, sender, receiver, block, len);
  w.st.peers[sender]!.uploadedBytes += len;
  w.st.lostBytes += len;
}

function onSendDone(w: World, sender: number, hid: number, block: number): void {
  const peer = w.st.peers[sender]!;
  peer.sending = false;
  const h = w.st.halves[hid]!;
  const len = blockLength(w.g, block);
  if (!h.open) {
    lose(w, sender, h.remote, block, len);
  } else {
    updateRate(h.up, w.st.now, len, peer.profile.rateWindow);
    h.bytesSinceUnchoke += len;
    const r = w.st.peers[h.remote]!;
    const startedAt = w.st.now - transferTime(len, peer.upload);
    const at = arrival(startedAt, w.st.now, h.latency, len, r.download, r.downloadFreeAt);
    if (r.download !== null) r.downloadFreeAt = at;
    push(w.st.queue, at, E.ARRIVE, h.mirror, hid, block, 0);
  }
  startSend(w, peer);
}

// ---------------------------------------------------------------------------------------------------
// Downloading and verification

function onArrive(w: World, rid: number, block: number): void {
  const st = w.st;
  const r = st.halves[rid]!;
  const len = blockLength(w.g, block);
  if (!r.open) {
    lose(w, r.remote, r.peer, block, len);
    return;
  }
  const peer = st.peers[r.peer]!;
  const sender = st.peers[r.remote]!;
  append(w.tr, st.now, T.RECEIVED, r.remote, r.peer, block, len);
  sender.uploadedBytes += len;
  peer.downloadedBytes += len;
  updateRate(r.down, st.now, len, peer.profile.rateWindow);
  r.lastBlockAt = st.now;
  const i = r.outstanding.indexOf(block);
  if (i >= 0) r.outstanding.splice(i, 1);
  let s = peer.blocks[block]!;
  if (s !== BLOCK_RECEIVED) {
    const piece = Math.floor(block / w.g.blocksPerPiece);
    if (i >= 0) s--;
    else if (s === 0) {
      peer.pieceReq[piece]!++;
      peer.unrequested--;
    }
    if (s > 0) cancelElsewhere(w, peer, r, block);
    peer.blocks[block] = BLOCK_RECEIVED;
    peer.pieceDone[piece]!++;
    if (peer.pieceDone[piece] === blocksInPiece(w.g, piece)) verify(w, peer, piece);
  }
  fillRequests(w, r);
}

/** Endgame (mainline): a block arrived; cancel the duplicate requests for it on other connections. */
function cancelElsewhere(w: World, peer: Peer, from: Half, block: number): void {
  for (const id of peer.conns) {
    const h = w.st.halves[id]!;
    if (h === from) continue;
    const j = h.outstanding.indexOf(block);
    if (j < 0) continue;
    h.outstanding.splice(j, 1);
    sendCancel(w, h, block);
  }
}

/** The piece's hash checked out: only now is it announced with have (BEP 3). */
function verify(w: World, peer: Peer, piece: number): void {
  const st = w.st;
  peer.pieces[piece] = (peer.pieces[piece]! | HAVE) & ~STARTED;
  peer.verifiedAt[piece] = w.tr.length;
  append(w.tr, st.now, T.VERIFIED, peer.id, 0, piece, 0);
  peer.haveCount++;
  peer.partial.splice(peer.partial.indexOf(piece), 1);
  broadcastHave(w, peer, piece);
  for (const id of peer.conns) {
    if (!knows(st, id, piece)) continue;
    const h = st.halves[id]!;
    if (--h.interesting === 0) updateInterest(w, h);
  }
  if (peer.haveCount === w.g.pieces) {
    peer.completedAt = st.now;
    append(w.tr, st.now, T.COMPLETED, peer.id, 0, 0, 0);
    st.presentComplete++;
    if (peer.leaveAfterComplete !== null) {
      push(st.queue, st.now + peer.leaveAfterComplete, E.LEAVE, peer.id, LEAVE_REASON.AFTER_COMPLETE, 0, 0);
    }
  }
}

/**
 * One have to every open connection. The trace keeps one record (to = BROADCAST, y = recipients) and
 * the queue one event per distinct latency: a 1,000-peer run sends tens of millions of haves.
 */
function broadcastHave(w: World, peer: Peer, piece: number): void {
  const n = peer.conns.length;
  if (n === 0) return;
  const st = w.st;
  const idx = w.tr.length;
  append(w.tr, st.now, T.HAVE, peer.id, BROADCAST, piece, n);
  st.msgCount[T.HAVE]! += n;
  const lats: number[] = [];
  for (const id of peer.conns) {
    const lat = st.halves[id]!.latency;
    if (!lats.includes(lat)) {
      lats.push(lat);
      push(st.queue, st.now + lat, E.HAVE, peer.id, piece, idx, lat);
    }
  }
}

/**
 * The remote of `h` has `piece`: count it in our availability and our interest. Pieces we already
 * hold are not recorded: they can never make us interested, and rarest first only ranks pieces we lack.
 */
function remoteGot(st: SimState, peer: Peer, h: Half, piece: number): boolean {
  const ps = peer.pieces[piece]!;
  if ((ps & HAVE) !== 0) return false;
  const word = h.id * st.words + (piece >>> 5);
  const bit = 1 << (piece & 31);
  const bits = st.bits;
  if ((bits[word]! & bit) !== 0) return false;
  bits[word] = bits[word]! | bit;
  peer.pieces[piece] = ps + 1;
  h.interesting++;
  if ((ps & STARTED) === 0) h.mayHaveNew = true;
  return true;
}

function onHave(w: World, sender: number, piece: number, idx: number, lat: number): void {
  const st = w.st;
  const s = st.peers[sender]!;
  const mirrors = s.connMirror;
  const lats = s.connLatency;
  const opened = s.connOpenIndex;
  for (let i = 0; i < mirrors.length; i++) {
    // Only connections that were open when the have was sent, and only this latency's batch.
    if (lats[i] !== lat || opened[i]! > idx) continue;
    const r = st.halves[mirrors[i]!]!;
    if (!r.open) continue;
    if (remoteGot(st, st.peers[r.peer]!, r, piece)) {
      if (!r.amInterested) updateInterest(w, r);
      else fillRequests(w, r);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Messages arriving

function onMessage(w: World, rid: number, kind: number, arg: number): void {
  const st = w.st;
  const r = st.halves[rid]!;
  if (!r.open) return;
  const peer = st.peers[r.peer]!;
  switch (kind) {
    case T.CHOKE:
      // A choke drops every pending request on this connection (BEP 3).
      r.peerChoking = true;
      releaseRequests(w, r);
      return;
    case T.UNCHOKE:
      r.peerChoking = false;
      fillRequests(w, r);
      return;
    case T.INTERESTED:
      r.peerInterested = true;
      if (r.amChoking) {
        peer.waiting++;
        if (peer.unchokedInterested < peer.profile.uploadSlots) rechokePeer(w, peer, false);
      } else peer.unchokedInterested++;
      return;
    case T.NOT_INTERESTED:
      r.peerInterested = false;
      if (r.amChoking) peer.waiting--;
      else {
        peer.unchokedInterested--;
        rechokePeer(w, peer, false);
      }
      return;
    case T.BITFIELD: {
      const sender = st.peers[r.remote]!;
      for (let p = 0; p < w.g.pieces; p++) {
        if ((sender.pieces[p]! & HAVE) !== 0 && sender.verifiedAt[p]! < arg) remoteGot(st, peer, r, p);
      }
      updateInterest(w, r);
      return;
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// Choking

/** The timer's full rechoke (periodic) or filling free slots between rechokes. */
function rechokePeer(w: World, peer: Peer, periodic: boolean): void {
  const st = w.st;
  const conns = peer.conns.map((id) => st.halves[id]!);
  const ctx = {
    now: st.now,
    profile: peer.profile,
    pieceLength: w.g.pieceLength,
    round: peer.rechokes,
    optimistic: peer.optimistic,
    lastOptimisticAt: peer.lastOptimisticAt,
    rng: peer.chokeRng,
  };
  const isSeed = peer.haveCount === w.g.pieces;
  const plan = periodic ? rechoke(conns, isSeed, ctx) : fillSlots(conns, isSeed, ctx);
  if (!periodic && plan.rows.length === 0) return;
  peer.optimistic = plan.optimistic;
  if (plan.rotated) peer.lastOptimisticAt = st.now;
  const off = auxReserve(w.tr, plan.rows.length * 4);
  const aux = w.tr.aux;
  plan.rows.forEach((row, i) => {
    aux[off + 4 * i] = row.half.remote;
    aux[off + 4 * i + 1] = row.rate;
    aux[off + 4 * i + 2] = row.slot;
    aux[off + 4 * i + 3] = row.why;
  });
  append(w.tr, st.now, T.RECHOKE, peer.id, 0, off, plan.rows.length);
  for (const row of plan.rows) {
    const h = row.half;
    if (row.unchoke && h.amChoking) {
      h.amChoking = false;
      if (h.peerInterested) {
        peer.waiting--;
        peer.unchokedInterested++;
      }
      h.unchokedAt = st.now;
      h.acceptFrom = st.now;
      h.bytesSinceUnchoke = 0;
      send(w, h, T.UNCHOKE, 0);
    } else if (!row.unchoke && !h.amChoking) {
      h.amChoking = true;
      if (h.peerInterested) {
        peer.waiting++;
        peer.unchokedInterested--;
      }
      // Choking drops the pending requests of that connection (BEP 3).
      h.acceptFrom = Infinity;
      h.incoming.length = 0;
      h.incomingHead = 0;
      send(w, h, T.CHOKE, 0);
    }
  }
}

function onRechokeTimer(w: World, peer: Peer): void {
  if (peer.status !== PEER_ACTIVE) return;
  // Anti-snubbing: requests to a peer that has sent nothing for snubTimeout are cancelled so that the
  // blocks can be fetched elsewhere (libtorrent re-requests timed-out blocks the same way).
  for (const id of peer.conns.slice()) {
    const h = w.st.halves[id]!;
    if (h.outstanding.length > 0 && isSnubbed(h, w.st.now, peer.profile.snubTimeout)) {
      for (const block of h.outstanding) sendCancel(w, h, block);
      releaseRequests(w, h);
      fillRequests(w, h);
    }
  }
  rechokePeer(w, peer, true);
  peer.rechokes++;
  push(w.st.queue, w.st.now + peer.profile.rechokeInterval, E.RECHOKE, peer.id, 0, 0, 0);
}

// ---------------------------------------------------------------------------------------------------
// Joining, the tracker, connections, leaving

function pairKey(a: number, b: number): number {
  return a < b ? a * 65536 + b : b * 65536 + a;
}

function announce(w: World, peer: Peer): void {
  const st = w.st;
  const list = samplePeers(peer.trackerRng, st.tracker, peer.id, peer.profile.trackerPeers);
  const off = auxReserve(w.tr, list.length);
  list.forEach((q, i) => (w.tr.aux[off + i] = q));
  append(w.tr, st.now, T.ANNOUNCE, peer.id, 0, off, list.length);
  for (const q of list) {
    if (peer.outgoing + peer.pendingOut >= peer.profile.maxInitiate) break;
    if (peer.conns.length + peer.pendingOut >= peer.profile.maxAccept) break;
    const key = pairKey(peer.id, q);
    if (st.pairs.has(key)) continue;
    st.pairs.set(key, 1);
    peer.pendingOut++;
    const other = st.peers[q]!;
    append(w.tr, st.now, T.HANDSHAKE, peer.id, q, 0, 0);
    st.msgCount[T.HANDSHAKE]!++;
    push(st.queue, st.now + peer.latency + other.latency, E.HANDSHAKE, q, peer.id, 0, 0);
  }
}

function newHalf(w: World, peer: number, remote: number, latency: number, initiator: boolean): Half {
  const h: Half = {
    id: w.st.halves.length,
    peer,
    remote,
    mirror: -1,
    latency,
    initiator,
    open: false,
    openIndex: 0,
    openedAt: 0,
    amChoking: true,
    amInterested: false,
    peerChoking: true,
    peerInterested: false,
    interesting: 0,
    mayHaveNew: true,
    pipeline: 0,
    pipelineAt: -Infinity,
    outstanding: [],
    incoming: [],
    incomingHead: 0,
    acceptFrom: Infinity,
    queued: false,
    down: createMeasure(w.st.now),
    up: createMeasure(w.st.now),
    lastBlockAt: 0,
    unchokedAt: -1,
    bytesSinceUnchoke: 0,
  };
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
  peer.connLatency.push(h.latency);
  peer.connOpenIndex.push(h.openIndex);
}

function onHandshake(w: World, acceptor: number, initiator: number): void {
  const st = w.st;
  const b = st.peers[acceptor]!;
  const a = st.peers[initiator]!;
  const key = pairKey(acceptor, initiator);
  if (a.status !== PEER_ACTIVE || b.status !== PEER_ACTIVE) {
    st.pairs.delete(key);
    if (a.status === PEER_ACTIVE) a.pendingOut--;
    return;
  }
  if (b.conns.length >= b.profile.maxAccept) {
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
  openHalf(w, hb);
  append(w.tr, st.now, T.HANDSHAKE, acceptor, initiator, 0, 0);
  st.msgCount[T.HANDSHAKE]!++;
  push(st.queue, st.now + lat, E.REPLY, ha.id, 0, 0, 0);
  sendBitfield(w, hb);
}

/** The acceptor's handshake reached the initiator: the connection is open at both ends. */
function onReply(w: World, hid: number): void {
  const st = w.st;
  const ha = st.halves[hid]!;
  const a = st.peers[ha.peer]!;
  const hb = st.halves[ha.mirror]!;
  if (a.status !== PEER_ACTIVE || !hb.open) {
    if (hb.open) closeConnection(w, hb);
    else st.pairs.delete(pairKey(ha.peer, ha.remote));
    return;
  }
  a.pendingOut--;
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
    peer.connLatency.splice(i, 1);
    peer.connOpenIndex.splice(i, 1);
  }
  for (let p = 0; p < w.g.pieces; p++) if (knows(st, h.id, p)) peer.pieces[p] = peer.pieces[p]! - 1;
  releaseRequests(w, h);
  h.incoming.length = 0;
  h.incomingHead = 0;
  h.open = false;
  if (h.peerInterested) {
    if (h.amChoking) peer.waiting--;
    else peer.unchokedInterested--;
  }
  if (peer.optimistic === h.id) peer.optimistic = -1;
  if (h.initiator) peer.outgoing--;
}

/** Close both ends of a connection; the remaining end's peer refills a freed upload slot. */
function closeConnection(w: World, h: Half): void {
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

function onJoin(w: World, peer: Peer): void {
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
  }
  append(w.tr, st.now, T.JOIN, peer.id, 0, 0, 0);
  st.tracker.push(peer.id);
  announce(w, peer);
  push(st.queue, st.now + peer.profile.rechokeInterval, E.RECHOKE, peer.id, 0, 0, 0);
  push(st.queue, st.now + peer.profile.announceInterval, E.ANNOUNCE, peer.id, 0, 0, 0);
}

function onLeave(w: World, peer: Peer, reason: number): void {
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

/** Run one popped event. */
export function dispatch(w: World, kind: number, a: number, b: number, c: number, d: number): void {
  const st = w.st;
  switch (kind) {
    case E.JOIN:
      onJoin(w, st.peers[a]!);
      return;
    case E.LEAVE:
      onLeave(w, st.peers[a]!, b);
      return;
    case E.ANNOUNCE: {
      const peer = st.peers[a]!;
      if (peer.status !== PEER_ACTIVE) return;
      announce(w, peer);
      push(st.queue, st.now + peer.profile.announceInterval, E.ANNOUNCE, a, 0, 0, 0);
      return;
    }
    case E.RECHOKE:
      onRechokeTimer(w, st.peers[a]!);
      return;
    case E.HANDSHAKE:
      onHandshake(w, a, b);
      return;
    case E.REPLY:
      onReply(w, a);
      return;
    case E.MSG:
      onMessage(w, a, b, c);
      return;
    case E.HAVE:
      onHave(w, a, b, c, d);
      return;
    case E.SEND_DONE:
      onSendDone(w, a, b, c);
      return;
    case E.ARRIVE:
      onArrive(w, a, c);
      return;
    case E.WAKE:
      startSend(w, st.peers[a]!);
      return;
  }
}

