// Choking in the swarm: runs the choker's plans (choker.ts), sends the chokes and unchokes, writes each
// rechoke with its ranking into the trace, and handles anti-snubbing on the rechoke timer.
import { fillSlots, planWriter, rechoke, snubbed, type ChokeContext } from './choker';
import { investigate } from './connections';
import { type Peer, PEER_ACTIVE } from './state';
import {
  type ChokeConn,
  filterIncoming,
  F_AM_CHOKING,
  F_FAST,
  F_OPTIMISTIC_SLOT,
  F_PEER_INTERESTED,
  G_ACCEPT_FROM,
  G_BYTES_SINCE_UNCHOKE,
  G_OPTIMISTIC_AT,
  G_ROUND_BYTES,
  G_UNCHOKED_AT,
  H_FLAGS,
  H_OUT_COUNT,
  H_REMOTE,
  HF,
  HI,
  outstandingAt,
  readChokeConn,
  setFlag,
} from './ends';
import { append, auxReserve, SLOT, T } from './trace';
import { E, schedule, send, type World } from './world';
import { fillRequests, releaseRequests, sendCancel } from './requests';
import { superSeedTick } from './superseed';
import { rejectOnChoke } from './fast';

/**
 * The connections a rechoke looks at: what the chokers read of each, copied out of the flat store
 * (readChokeConn) into objects kept for the purpose, in an array kept for the purpose. Filling slots
 * runs on most interest changes, and an array per call was most of what the engine allocated
 * (npm run -s bench:alloc). A plan keeps no reference to them beyond the next rechoke.
 */
const scratch: ChokeConn[] = [];
const copies: ChokeConn[] = [];

/** The plans' writers and context, written over by each rechoke (read in full before the next one). */
const periodicPlan = planWriter();
const fillPlan = planWriter();
const ctx: ChokeContext = { now: 0, profile: null!, pieceLength: 0, round: 0, optimistic: -1, lastOptimisticAt: 0, rng: null! };

/** The timer's full rechoke (periodic) or filling free slots between rechokes. */
export function rechokePeer(w: World, peer: Peer, periodic: boolean): void {
  const st = w.st;
  // Written over and then cut to length: emptying it first would free its storage, to be regrown.
  const conns = scratch;
  const n = peer.conns.length;
  for (let i = 0; i < n; i++) {
    if (copies.length === i) copies.push({} as ChokeConn);
    conns[i] = readChokeConn(st, peer.conns[i]!, copies[i]!);
  }
  conns.length = n;
  ctx.now = st.now;
  ctx.profile = peer.profile;
  ctx.pieceLength = w.g.pieceLength;
  ctx.round = peer.rechokes;
  ctx.optimistic = peer.optimistic;
  ctx.lastOptimisticAt = peer.lastOptimisticAt;
  ctx.rng = peer.chokeRng;
  const isSeed = peer.haveCount === w.g.pieces;
  const plan = periodic ? rechoke(conns, isSeed, ctx, periodicPlan) : fillSlots(conns, isSeed, ctx, fillPlan);
  if (!periodic && plan.rows.length === 0) return;
  peer.optimistic = plan.optimistic;
  if (plan.rotated) peer.lastOptimisticAt = st.now;
  const rows = plan.rows;
  const off = auxReserve(w.tr, rows.length * 4);
  const aux = w.tr.aux;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    aux[off + 4 * i] = st.hi[row.half.id * HI + H_REMOTE]!;
    aux[off + 4 * i + 1] = row.rate;
    aux[off + 4 * i + 2] = row.slot;
    aux[off + 4 * i + 3] = row.why;
  }
  append(w.tr, st.now, T.RECHOKE, peer.id, 0, off, rows.length);
  // A new round of libtorrent's downloaded_in_last_round starts with each timer rechoke.
  if (periodic) for (let i = 0; i < n; i++) st.hf[peer.conns[i]! * HF + G_ROUND_BYTES] = 0;
  const hi = st.hi;
  const hf = st.hf;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const h = row.half.id;
    const b = h * HI;
    const g = h * HF;
    const f = hi[b + H_FLAGS]!;
    // libtorrent remembers when each peer last got an optimistic slot, to pick the longest-waiting next.
    const optimistic = row.unchoke && row.slot === SLOT.OPTIMISTIC;
    if (optimistic && (f & F_OPTIMISTIC_SLOT) === 0) hf[g + G_OPTIMISTIC_AT] = st.now;
    setFlag(st, h, F_OPTIMISTIC_SLOT, optimistic);
    if (row.unchoke && (f & F_AM_CHOKING) !== 0) {
      setFlag(st, h, F_AM_CHOKING, false);
      if ((f & F_PEER_INTERESTED) !== 0) {
        peer.waiting--;
        peer.unchokedInterested++;
      }
      hf[g + G_UNCHOKED_AT] = st.now;
      hf[g + G_ACCEPT_FROM] = st.now;
      hf[g + G_BYTES_SINCE_UNCHOKE] = 0;
      send(w, h, T.UNCHOKE, 0);
    } else if (!row.unchoke && (f & F_AM_CHOKING) === 0) {
      setFlag(st, h, F_AM_CHOKING, true);
      if ((f & F_PEER_INTERESTED) !== 0) {
        peer.waiting++;
        peer.unchokedInterested--;
      }
      // Choking drops the requests of that connection that have reached us (BEP 3); with BEP 6 it
      // rejects them, except those for allowed-fast pieces. Requests still on the wire are judged when
      // they arrive: dropped if we still choke the peer then, served if we have unchoked it again
      // (mainline ignores a request only while it chokes).
      hf[g + G_ACCEPT_FROM] = -1;
      if ((f & F_FAST) === 0) filterIncoming(st, h, (_block, arrival) => arrival <= st.now);
      send(w, h, T.CHOKE, 0);
      if ((f & F_FAST) !== 0) rejectOnChoke(w, h);
    }
  }
}

export function onRechokeTimer(w: World, peer: Peer): void {
  if (peer.status !== PEER_ACTIVE) return;
  if (peer.investigator) investigate(w, peer);
  // Anti-snubbing: requests to a peer that has sent nothing for snubTimeout are cancelled so that the
  // blocks can be fetched elsewhere (libtorrent re-requests timed-out blocks the same way).
  const snubbing: number[] = [];
  const st = w.st;
  for (const id of peer.conns) {
    const n = st.hi[id * HI + H_OUT_COUNT]!;
    if (n > 0 && snubbed(st, id, st.now, peer.profile.snubTimeout)) {
      for (let i = 0; i < n; i++) sendCancel(w, id, outstandingAt(st, id, i));
      releaseRequests(w, id);
      snubbing.push(id);
    }
  }
  // Ask the other connections first; the snubbing one gets its single request when it next can.
  if (snubbing.length > 0) {
    for (const id of peer.conns) if (!snubbing.includes(id)) fillRequests(w, id);
  }
  if (peer.superSeed !== null) superSeedTick(w, peer);
  rechokePeer(w, peer, true);
  peer.rechokes++;
  schedule(w, w.st.now + peer.profile.rechokeInterval, E.RECHOKE, peer.id, 0, 0, 0);
}
