// libtorrent's choker (session_impl::recalculate_unchoke_slots and
// recalculate_optimistic_unchoke_slots, fixed_slots_choker), as a pure function like choker.ts:
// - Of the uploadSlots, max(1, uploadSlots / 5) are optimistic (num_optimistic_unchoke_slots = 0).
// - The rest go to the interested peers ranked by unchoke_compare_rr: most bytes received from them in
//   the last rechoke round first; then a peer whose round-robin turn is over (unchoked over a minute
//   and sent more than seeding_piece_quota pieces since) goes behind the others; then the peers we
//   already unchoke (the status quo); then the one that has waited longest since its last unchoke.
//   A seed receives nothing, so for a seed this is the round robin of the seed_choking_algorithm.
// - Every optimisticInterval (30 s), or at once when an optimistic peer was promoted or left, the
//   optimistic slots go to the interested peers not in the regular set that have waited longest since
//   their last optimistic unchoke (never first), ties broken by a shuffle (libtorrent shuffles the
//   candidates before its partial sort).
// libtorrent's unchoker ignores snubbing (a snubbed peer only gets fewer requests, requests.ts).
import { rateAt } from './bandwidth';
import { addRow, beginPlan, endPlan, type ChokeConn, type ChokeContext, type ChokePlan, type PlanWriter } from './choker';
import { shuffle } from './prng';
import { SLOT, WHY } from './trace';

function upRate(h: ChokeConn, now: number): number {
  return rateAt(h.upRate, h.upLast, h.upSince, now);
}

/** The regular set's order, libtorrent's unchoke_compare_rr; `i` keeps connection order for full ties. */
function rankRegular(interested: ChokeConn[], ctx: ChokeContext): ChokeConn[] {
  const p = ctx.profile;
  const quota = p.roundRobinPieces * ctx.pieceLength;
  const keyed = interested.map((h, i) => ({
    h,
    i,
    got: h.roundBytes,
    turnOver: !h.amChoking && h.bytesSinceUnchoke > quota && ctx.now - h.unchokedAt > p.roundRobinTime ? 1 : 0,
    // libtorrent counts a choked peer's upload in the last round as 0, so unchoked peers come first.
    sent: h.amChoking ? 0 : upRate(h, ctx.now),
  }));
  keyed.sort((a, b) => b.got - a.got || a.turnOver - b.turnOver || b.sent - a.sent || a.h.unchokedAt - b.h.unchokedAt || a.i - b.i);
  return keyed.map((k) => k.h);
}

/** libtorrent's fastest_upload seed choker: the peers we upload to fastest. */
function rankFastest(interested: ChokeConn[], ctx: ChokeContext): ChokeConn[] {
  const keyed = interested.map((h, i) => ({ h, i, r: upRate(h, ctx.now) }));
  keyed.sort((a, b) => b.r - a.r || a.i - b.i);
  return keyed.map((k) => k.h);
}

export function rechokeLibtorrent(conns: ChokeConn[], isSeed: boolean, ctx: ChokeContext, writer: PlanWriter): ChokePlan {
  const p = ctx.profile;
  const optimisticSlots = Math.min(p.optimisticSlots, p.uploadSlots);
  const interested = conns.filter((h) => h.peerInterested);
  const fastest = isSeed && p.seedChoker === 'fastest-upload';
  const ranked = fastest ? rankFastest(interested, ctx) : rankRegular(interested, ctx);
  const regular = new Set(ranked.slice(0, p.uploadSlots - optimisticSlots));
  const current = interested.filter((h) => h.optimisticSlot && !h.amChoking && !regular.has(h));
  const candidates = interested.filter((h) => !regular.has(h));
  const due = ctx.now - ctx.lastOptimisticAt >= p.optimisticInterval;
  let optimistic = current;
  let rotated = false;
  if (due || (current.length < optimisticSlots && candidates.length > current.length)) {
    const pool = shuffle(ctx.rng, candidates.slice());
    const order = pool.map((h, i) => ({ h, i })).sort((a, b) => a.h.optimisticAt - b.h.optimisticAt || a.i - b.i);
    optimistic = order.slice(0, optimisticSlots).map((e) => e.h);
    rotated = true;
  }
  const isOptimistic = new Set(optimistic);
  const why = isSeed ? (fastest ? WHY.TOP_RATE : WHY.ROUND_ROBIN) : WHY.TOP_RATE;
  const out = beginPlan(writer);
  for (const h of conns) {
    // A leecher ranks by bytes received in the round: shown as a rate over the rechoke interval.
    const rate = isSeed ? upRate(h, ctx.now) : (h.roundBytes * 1_000_000) / p.rechokeInterval;
    if (regular.has(h)) addRow(out, h, true, SLOT.REGULAR, why, rate);
    else if (isOptimistic.has(h)) addRow(out, h, true, SLOT.OPTIMISTIC, WHY.OPTIMISTIC, rate);
    else addRow(out, h, false, SLOT.CHOKED, h.peerInterested ? WHY.OUTRANKED : WHY.NOT_INTERESTED, rate);
  }
  return endPlan(out, -1, rotated);
}
