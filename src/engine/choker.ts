// Choking: who gets an upload slot. Each algorithm is a pure function from a peer's connections to a
// plan (one row per connection: unchoke or choke, which slot, why); the engine sends the messages and
// writes the plan into the trace, so every rechoke can be explained afterwards.
//
// Leecher side (mainline, Cohen 2003; mainline 3.x Choker): every rechoke period the `uploadSlots -
// optimisticSlots` interested, non-snubbed peers that sent us the most bytes over the rolling window
// get a regular slot; one optimistic unchoke rotates every optimisticInterval, and a peer connected
// within the last optimisticInterval is newPeerWeight times as likely to get it.
// Seed side: mainline (Legout et al. 2006: "seed kept unchoked" — peers unchoked within the keep
// window first, most recent first, then by upload rate — plus "seed random unchoked" slots: 1 in two
// periods out of three, 2 in the third), libtorrent round robin, libtorrent fastest upload.
import { rateAt } from './bandwidth';
import { rechokeLibtorrent } from './choker-libtorrent';
import type { ClientProfile } from './profiles';
import { randInt, type Rng } from './prng';
import type { SimState } from './state';
import { F_AM_INTERESTED, G_LAST_BLOCK_AT, G_OPENED_AT, H_FLAGS, HF, HI, type ChokeConn, type Half } from './ends';

export type { ChokeConn };

import { SLOT, WHY } from './trace';

export interface ChokeRow {
  half: ChokeConn;
  unchoke: boolean;
  slot: number;
  why: number;
  /** The rate that ranked this peer, bytes/s (download from it for a leecher, upload to it for a seed). */
  rate: number;
}

export interface ChokePlan {
  rows: ChokeRow[];
  /** The optimistic unchoke after this plan (half id or -1), and whether its period starts now. */
  optimistic: number;
  rotated: boolean;
}

/**
 * Where a choker writes its plan. By default each call gets a fresh one. The engine passes one writer
 * per kind of rechoke and reads each plan before the next: the writer keeps its row objects and writes
 * over them, so a rechoke makes no garbage (a row per connection every 10 s per peer was most of what
 * the engine allocated: npm run -s bench:alloc).
 */
export interface PlanWriter {
  plan: ChokePlan;
  /** The rows array of its plans that have rows (cut to length, never emptied: that would free its storage). */
  rows: ChokeRow[];
  /** Every row object made so far; rows [0, n) are the plan's. */
  pool: ChokeRow[];
  n: number;
}

/** The rows of a plan without any. Never written to. */
const NO_ROWS: ChokeRow[] = [];
/** topByKey's answer when nothing is eligible. Never written to. */
const NONE: number[] = [];

export function planWriter(): PlanWriter {
  return { plan: { rows: NO_ROWS, optimistic: -1, rotated: false }, rows: [], pool: [], n: 0 };
}

/** Start a plan (the previous plan of this writer is written over). */
export function beginPlan(out: PlanWriter): PlanWriter {
  out.n = 0;
  return out;
}

export function addRow(out: PlanWriter, half: ChokeConn, unchoke: boolean, slot: number, why: number, rate: number): void {
  let row = out.pool[out.n];
  if (row === undefined) {
    row = { half, unchoke, slot, why, rate };
    out.pool.push(row);
  } else {
    row.half = half;
    row.unchoke = unchoke;
    row.slot = slot;
    row.why = why;
    row.rate = rate;
  }
  out.rows[out.n++] = row;
}

/** The finished plan: its rows are those added since beginPlan. */
export function endPlan(out: PlanWriter, optimistic: number, rotated: boolean): ChokePlan {
  const plan = out.plan;
  if (out.n === 0) plan.rows = NO_ROWS;
  else {
    out.rows.length = out.n;
    plan.rows = out.rows;
  }
  plan.optimistic = optimistic;
  plan.rotated = rotated;
  return plan;
}

export interface ChokeContext {
  now: number;
  profile: ClientProfile;
  pieceLength: number;
  /** Periodic rechoke number (0, 1, 2, …), for the seed choker's three-period cycle. */
  round: number;
  optimistic: number;
  lastOptimisticAt: number;
  rng: Rng;
}

/** Anti-snubbing: we are interested and nothing came from the peer for longer than snubTimeout. */
function snubRule(amInterested: boolean, lastBlockAt: number, openedAt: number, now: number, snubTimeout: number): boolean {
  return amInterested && now - Math.max(lastBlockAt, openedAt) > snubTimeout;
}

export function isSnubbed(h: Pick<Half, 'amInterested' | 'lastBlockAt' | 'openedAt'>, now: number, snubTimeout: number): boolean {
  return snubRule(h.amInterested, h.lastBlockAt, h.openedAt, now, snubTimeout);
}

/** isSnubbed for end `id` in the flat store. */
export function snubbed(st: SimState, id: number, now: number, snubTimeout: number): boolean {
  const amInterested = (st.hi[id * HI + H_FLAGS]! & F_AM_INTERESTED) !== 0;
  return snubRule(amInterested, st.hf[id * HF + G_LAST_BLOCK_AT]!, st.hf[id * HF + G_OPENED_AT]!, now, snubTimeout);
}

/** Download rate from this peer (bytes/s, mainline's 20 s measure): what a leecher ranks by. */
function downRate(h: ChokeConn, ctx: ChokeContext): number {
  return rateAt(h.downRate, h.downLast, h.downSince, ctx.now);
}

/** Upload rate to this peer: what a seed ranks by. */
function upRate(h: ChokeConn, ctx: ChokeContext): number {
  return rateAt(h.upRate, h.upLast, h.upSince, ctx.now);
}

/** Stable sort by a key, highest first; ties keep connection order. */
function byKeyDesc(halves: ChokeConn[], key: (h: ChokeConn) => number): ChokeConn[] {
  const keyed = halves.map((h, i) => ({ h, k: key(h), i }));
  keyed.sort((a, b) => b.k - a.k || a.i - b.i);
  return keyed.map((e) => e.h);
}

/**
 * A leecher's chance of the optimistic unchoke: any interested peer without a regular slot, a newly
 * connected one newPeerWeight times as likely.
 */
function optimisticWeight(h: ChokeConn, i: number, regular: readonly number[], ctx: ChokeContext): number {
  if (!h.peerInterested || regular.includes(i)) return 0;
  return ctx.now - h.openedAt < ctx.profile.optimisticInterval ? ctx.profile.newPeerWeight : 1;
}

/** The optimistic unchoke drawn with probability proportional to optimisticWeight, or null if all weigh 0. */
function drawOptimistic(conns: readonly ChokeConn[], regular: readonly number[], ctx: ChokeContext): ChokeConn | null {
  let total = 0;
  for (let i = 0; i < conns.length; i++) total += optimisticWeight(conns[i]!, i, regular, ctx);
  if (total === 0) return null;
  let r = randInt(ctx.rng, total);
  for (let i = 0; i < conns.length; i++) {
    r -= optimisticWeight(conns[i]!, i, regular, ctx);
    if (r < 0) return conns[i]!;
  }
  return null;
}

// What topByKey picks from and ranks by. Plain functions of the connection and the context rather than
// closures made per call: filling slots runs on most interest changes.
type Eligible = (h: ChokeConn, ctx: ChokeContext) => boolean;
type Key = (h: ChokeConn, ctx: ChokeContext) => number;
const interestedUnsnubbed: Eligible = (h, ctx) => h.peerInterested && !isSnubbed(h, ctx.now, ctx.profile.snubTimeout);
const interested: Eligible = (h) => h.peerInterested;
const waitingLeecher: Eligible = (h, ctx) => h.amChoking && interestedUnsnubbed(h, ctx);
const waitingSeed: Eligible = (h) => h.amChoking && h.peerInterested;
const longestChoked: Key = (h) => -h.unchokedAt;

/** topByKey's answer, written over by each call. */
const top: number[] = [];

/**
 * The indices of the first `n` of the `eligible` connections in byKeyDesc order (highest key first,
 * ties to the earlier connection), found by picking the best one n times: n is a handful of slots,
 * and this runs on every rechoke and most interest changes, so it sorts and allocates nothing. The
 * array it returns is written over by the next call.
 */
function topByKey(conns: readonly ChokeConn[], eligible: Eligible, key: Key, n: number, ctx: ChokeContext): number[] {
  const out = top;
  let count = 0;
  let lastKey = Infinity;
  let lastIndex = -1;
  while (count < n) {
    let best = -1;
    let bestKey = -Infinity;
    for (let i = 0; i < conns.length; i++) {
      const h = conns[i]!;
      if (!eligible(h, ctx)) continue;
      const k = key(h, ctx);
      // Only those after the last one taken (key descending, then connection order).
      if (k > lastKey || (k === lastKey && i <= lastIndex)) continue;
      if (best < 0 || k > bestKey) {
        best = i;
        bestKey = k;
      }
    }
    if (best < 0) break;
    out[count++] = best;
    lastKey = bestKey;
    lastIndex = best;
  }
  if (count === 0) return NONE;
  out.length = count;
  return out;
}

/** The row of a connection not given a slot. */
function addChokedRow(out: PlanWriter, h: ChokeConn, rate: number, snubbed: boolean): void {
  addRow(out, h, false, SLOT.CHOKED, !h.peerInterested ? WHY.NOT_INTERESTED : snubbed ? WHY.SNUBBED : WHY.OUTRANKED, rate);
}

export function rechokeLeecher(conns: readonly ChokeConn[], ctx: ChokeContext, writer: PlanWriter = planWriter()): ChokePlan {
  const out = beginPlan(writer);
  const p = ctx.profile;
  const regular = topByKey(conns, interestedUnsnubbed, downRate, p.uploadSlots - p.optimisticSlots, ctx);
  let optimistic = ctx.optimistic;
  let rotated = false;
  let cur = -1;
  for (let i = 0; i < conns.length && cur < 0; i++) if (conns[i]!.id === optimistic) cur = i;
  const currentValid = cur >= 0 && conns[cur]!.peerInterested && !regular.includes(cur);
  const due = ctx.now - ctx.lastOptimisticAt >= p.optimisticInterval;
  if (p.optimisticSlots > 0 && (!currentValid || due)) {
    const pick = drawOptimistic(conns, regular, ctx);
    optimistic = pick ? pick.id : -1;
    // A new optimistic unchoke gets its full period, whether it replaced one that lost interest or
    // one whose time was up.
    rotated = optimistic !== ctx.optimistic || due;
  } else if (p.optimisticSlots === 0) {
    optimistic = -1;
  }
  for (let i = 0; i < conns.length; i++) {
    const h = conns[i]!;
    const b = downRate(h, ctx);
    if (regular.includes(i)) addRow(out, h, true, SLOT.REGULAR, WHY.TOP_RATE, b);
    else if (h.id === optimistic) addRow(out, h, true, SLOT.OPTIMISTIC, WHY.OPTIMISTIC, b);
    else addChokedRow(out, h, b, isSnubbed(h, ctx.now, p.snubTimeout));
  }
  return endPlan(out, optimistic, rotated);
}

/**
 * Between rechokes, a slot that frees up (a peer lost interest or left) or a newly interested peer
 * while a slot is free is filled at once, as mainline does on interest changes. Peers that lost
 * interest are choked; nobody else is. Rows only for the peers whose choke state changes.
 */
export function fillSlots(conns: readonly ChokeConn[], isSeed: boolean, ctx: ChokeContext, writer: PlanWriter = planWriter()): ChokePlan {
  const p = ctx.profile;
  const out = beginPlan(writer);
  if (!p.unchokes) return endPlan(out, -1, false);
  // This runs on most interest changes: plain loops, and no array or object beyond the plan's own.
  let used = 0;
  for (let i = 0; i < conns.length; i++) {
    const h = conns[i]!;
    if (h.amChoking) continue;
    if (h.peerInterested) used++;
    // A peer that lost interest gives its slot back (libtorrent chokes uninterested peers the same way).
    else addRow(out, h, false, SLOT.CHOKED, WHY.NOT_INTERESTED, isSeed ? upRate(h, ctx) : downRate(h, ctx));
  }
  let free = p.uploadSlots - used;
  if (free <= 0) return endPlan(out, ctx.optimistic, false);
  const waiting = isSeed ? waitingSeed : waitingLeecher;
  const rate = isSeed ? upRate : downRate;
  const seedRule = isSeed ? p.seedChoker : null;
  if (seedRule === 'mainline') {
    // Mainline seeds hand free slots to newcomers at random ("seed random unchoked").
    const pool = conns.filter((h) => waiting(h, ctx));
    while (pool.length > 0 && free-- > 0) {
      const h = pool.splice(randInt(ctx.rng, pool.length), 1)[0]!;
      addRow(out, h, true, SLOT.SEED_RANDOM, WHY.RANDOM, rate(h, ctx));
    }
    return endPlan(out, ctx.optimistic, false);
  }
  const key = seedRule === 'round-robin' ? longestChoked : rate;
  const why = seedRule === 'round-robin' ? WHY.ROUND_ROBIN : WHY.TOP_RATE;
  const chosen = topByKey(conns, waiting, key, free, ctx);
  for (let k = 0; k < chosen.length; k++) {
    const h = conns[chosen[k]!]!;
    addRow(out, h, true, SLOT.REGULAR, why, rate(h, ctx));
  }
  return endPlan(out, ctx.optimistic, false);
}

function seedPlan(conns: ChokeConn[], slotted: Map<number, { slot: number; why: number }>, ctx: ChokeContext, writer: PlanWriter): ChokePlan {
  const out = beginPlan(writer);
  for (const h of conns) {
    const s = slotted.get(h.id);
    const b = upRate(h, ctx);
    if (s) addRow(out, h, true, s.slot, s.why, b);
    else addChokedRow(out, h, b, false);
  }
  return endPlan(out, -1, false);
}

function rechokeSeedMainline(conns: ChokeConn[], ctx: ChokeContext, writer: PlanWriter): ChokePlan {
  const p = ctx.profile;
  const slots = p.uploadSlots;
  const interested = conns.filter((h) => h.peerInterested);
  const recent = (h: ChokeConn) => !h.amChoking && h.unchokedAt >= 0 && ctx.now - h.unchokedAt <= p.seedKeepWindow;
  const kept = interested.filter(recent);
  const keptSorted = kept
    .map((h, i) => ({ h, i }))
    .sort((a, b) => b.h.unchokedAt - a.h.unchokedAt || a.i - b.i)
    .map((e) => e.h);
  const others = byKeyDesc(
    interested.filter((h) => !recent(h)),
    (h) => upRate(h, ctx),
  );
  const ordered = keptSorted.concat(others);
  const slotted = new Map<number, { slot: number; why: number }>();
  const keepCount = Math.max(0, ctx.round % 3 === 2 ? slots - 2 : slots - 1);
  for (const h of ordered.slice(0, keepCount)) {
    slotted.set(h.id, { slot: SLOT.SEED_KEPT, why: recent(h) ? WHY.RECENTLY_UNCHOKED : WHY.TOP_RATE });
  }
  const rest = interested.filter((h) => !slotted.has(h.id));
  while (slotted.size < slots && rest.length > 0) {
    const h = rest.splice(randInt(ctx.rng, rest.length), 1)[0]!;
    slotted.set(h.id, { slot: SLOT.SEED_RANDOM, why: WHY.RANDOM });
  }
  return seedPlan(conns, slotted, ctx, writer);
}

function rechokeSeedRoundRobin(conns: ChokeConn[], ctx: ChokeContext, writer: PlanWriter): ChokePlan {
  const p = ctx.profile;
  const interested = conns.filter((h) => h.peerInterested);
  const exhausted = (h: ChokeConn) =>
    ctx.now - h.unchokedAt > p.roundRobinTime && h.bytesSinceUnchoke > p.roundRobinPieces * ctx.pieceLength;
  const keep = interested.filter((h) => !h.amChoking && !exhausted(h));
  const turnOver = interested.filter((h) => !h.amChoking && exhausted(h));
  const waiting = interested
    .filter((h) => h.amChoking)
    .map((h, i) => ({ h, i }))
    // Longest wait first: never unchoked (-1) before anyone, then the earliest last unchoke.
    .sort((a, b) => a.h.unchokedAt - b.h.unchokedAt || a.i - b.i)
    .map((e) => e.h)
    // A peer whose turn is over goes to the back, behind every waiting peer.
    .concat(turnOver);
  const slotted = new Map<number, { slot: number; why: number }>();
  for (const h of keep.concat(waiting).slice(0, p.uploadSlots)) {
    slotted.set(h.id, { slot: SLOT.REGULAR, why: WHY.ROUND_ROBIN });
  }
  return seedPlan(conns, slotted, ctx, writer);
}

function rechokeSeedFastest(conns: ChokeConn[], ctx: ChokeContext, writer: PlanWriter): ChokePlan {
  const slotted = new Map<number, { slot: number; why: number }>();
  for (const i of topByKey(conns, interested, upRate, ctx.profile.uploadSlots, ctx)) {
    slotted.set(conns[i]!.id, { slot: SLOT.REGULAR, why: WHY.TOP_RATE });
  }
  return seedPlan(conns, slotted, ctx, writer);
}

/** A free rider's plan: everyone choked. */
function freeRide(conns: ChokeConn[], isSeed: boolean, ctx: ChokeContext, writer: PlanWriter): ChokePlan {
  const out = beginPlan(writer);
  for (const h of conns) addRow(out, h, false, SLOT.CHOKED, WHY.FREE_RIDER, isSeed ? upRate(h, ctx) : downRate(h, ctx));
  return endPlan(out, -1, false);
}

export function rechoke(conns: ChokeConn[], isSeed: boolean, ctx: ChokeContext, writer: PlanWriter = planWriter()): ChokePlan {
  if (!ctx.profile.unchokes) return freeRide(conns, isSeed, ctx, writer);
  if (ctx.profile.choker === 'libtorrent' && !(isSeed && ctx.profile.seedChoker === 'mainline')) return rechokeLibtorrent(conns, isSeed, ctx, writer);
  if (!isSeed) return rechokeLeecher(conns, ctx, writer);
  switch (ctx.profile.seedChoker) {
    case 'round-robin':
      return rechokeSeedRoundRobin(conns, ctx, writer);
    case 'fastest-upload':
      return rechokeSeedFastest(conns, ctx, writer);
    default:
      return rechokeSeedMainline(conns, ctx, writer);
  }
}
