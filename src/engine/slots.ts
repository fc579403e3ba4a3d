// Choking in the swarm: runs the choker's plans (choker.ts), sends the chokes and unchokes, writes each
// rechoke with its ranking into the trace, and handles anti-snubbing on the rechoke timer.
import { fillSlots, isSnubbed, planWriter, rechoke, type ChokeContext } from './choker';
import { push } from './heap';
import { investigate } from './connections';
import { clearIncoming, PEER_ACTIVE, type Half, type Peer } from './state';
import { append, auxReserve, SLOT, T } from './trace';
import { E, send, type World } from './world';
import { fillRequests, releaseRequests, sendCancel } from './requests';
import { superSeedTick } from './superseed';
import { rejectOnChoke } from './fast';

/**
 * The connections a rechoke looks at, written into one array kept for the purpose: filling slots
 * runs on most interest changes, and an array per call was most of what the engine allocated
 * (npm run -s bench:alloc). A plan keeps no reference to it.
 */
const scratch: Half[] = [];

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
  for (let i = 0; i < n; i++) conns[i] = st.halves[peer.conns[i]!]!;
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
    aux[off + 4 * i] = row.half.remote;
    aux[off + 4 * i + 1] = row.rate;
    aux[off + 4 * i + 2] = row.slot;
    aux[off + 4 * i + 3] = row.why;
  }
  append(w.tr, st.now, T.RECHOKE, peer.id, 0, off, rows.length);
  // A new round of libtorrent's downloaded_in_last_round starts with each timer rechoke.
  if (periodic) for (let i = 0; i < conns.length; i++) conns[i]!.roundBytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    const h = row.half;
    // libtorrent remembers when each peer last got an optimistic slot, to pick the longest-waiting next.
    const optimistic = row.unchoke && row.slot === SLOT.OPTIMISTIC;
    if (optimistic && !h.optimisticSlot) h.optimisticAt = st.now;
    h.optimisticSlot = optimistic;
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
      // Choking drops the pending requests of that connection (BEP 3); with BEP 6 it rejects them,
      // except those for allowed-fast pieces.
      h.acceptFrom = -1;
      if (!h.fast) clearIncoming(h);
      send(w, h, T.CHOKE, 0);
      if (h.fast) rejectOnChoke(w, h);
    }
  }
}

export function onRechokeTimer(w: World, peer: Peer): void {
  if (peer.status !== PEER_ACTIVE) return;
  if (peer.investigator) investigate(w, peer);
  // Anti-snubbing: requests to a peer that has sent nothing for snubTimeout are cancelled so that the
  // blocks can be fetched elsewhere (libtorrent re-requests timed-out blocks the same way).
  const snubbing: number[] = [];
  for (const id of peer.conns) {
    const h = w.st.halves[id]!;
    if (h.outstandingCount > 0 && isSnubbed(h, w.st.now, peer.profile.snubTimeout)) {
      for (let i = 0; i < h.outstandingCount; i++) sendCancel(w, h, h.outstanding[i]!);
      releaseRequests(w, h);
      snubbing.push(id);
    }
  }
  // Ask the other connections first; the snubbing one gets its single request when it next can.
  if (snubbing.length > 0) {
    for (const id of peer.conns) if (!snubbing.includes(id)) fillRequests(w, w.st.halves[id]!);
  }
  if (peer.superSeed !== null) superSeedTick(w, peer);
  rechokePeer(w, peer, true);
  peer.rechokes++;
  push(w.st.queue, w.st.now + peer.profile.rechokeInterval, E.RECHOKE, peer.id, 0, 0, 0);
}
