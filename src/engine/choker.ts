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
import type { Half } from './state';
import { SLOT, WHY } from './trace';

export interface ChokeRow {
  half: Half;
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

export function isSnubbed(h: Half, now: number, snubTimeout: number): boolean {
  return h.amInterested && now - Math.max(h.lastBlockAt, h.openedAt) > snubTimeout;
}

/** Download rate from this peer (bytes/s, mainline's 20 s measure): what a leecher ranks by. */
function downRate(h: Half, ctx: ChokeContext): number {
  return rateAt(h.downRate, h.downLast, h.downSince, ctx.now);
}

/** Upload rate to this peer: what a seed ranks by. */
function upRate(h: Half, ctx: ChokeContext): number {
  return rateAt(h.upRate, h.upLast, h.upSince, ctx.now);
}

/** Stable sort by a key, highest first; ties keep connection order. */
function byKeyDesc(halves: Half[], key: (h: Half) => number): Half[] {
  const keyed = halves.map((h, i) => ({ h, k: key(h), i }));
  keyed.sort((a, b) => b.k - a.k || a.i - b.i);
  return keyed.map((e) => e.h);
}

/** One of `halves` drawn with probability proportional to its weight (0: never), or null if all weigh 0. */
function weightedPick(rng: Rng, halves: readonly Half[], weight: (h: Half, i: number) => number): Half | null {
  let total = 0;
  for (let i = 0; i < halves.length; i++) total += weight(halves[i]!, i);
  if (total === 0) return null;
  let r = randInt(rng, total);
  for (let i = 0; i < halves.length; i++) {
    r -= weight(halves[i]!, i);
    if (r < 0) return halves[i]!;
  }
  return null;
}

/**
 * The indices of the first `n` of the `eligible` connections in byKeyDesc order (highest key first,
 * ties to the earlier connection), found by picking the best one n times: n is a handful of slots,
 * and this runs on every rechoke and most interest changes, so it sorts and allocates nothing more.
 */
function topByKey(conns: readonly Half[], eligible: (h: Half) => boolean, key: (h: Half) => number, n: number): number[] {
  const out: number[] = [];
  let lastKey = Infinity;
  let lastIndex = -1;
  while (out.length < n) {
    let best = -1;
    let bestKey = -Infinity;
    for (let i = 0; i < conns.length; i++) {
      const h = conns[i]!;
      if (!eligible(h)) continue;
      const k = key(h);
      // Only those after the last one taken (key descending, then connection order).
      if (k > lastKey || (k === lastKey && i <= lastIndex)) continue;
      if (best < 0 || k > bestKey) {
        best = i;
        bestKey = k;
      }
    }
    if (best < 0) break;
    out.push(best);
    lastKey = bestKey;
    lastIndex = best;
  }
  return out;
}

/** Rows for connections not given a slot. */
function chokedRow(h: Half, rate: number, snubbed: boolean): ChokeRow {
  const why = !h.peerInterested ? WHY.NOT_INTERESTED : snubbed ? WHY.SNUBBED : WHY.OUTRANKED;
  return { half: h, unchoke: false, slot: SLOT.CHOKED, why, rate };
}

export function rechokeLeecher(conns: readonly Half[], ctx: ChokeContext): ChokePlan {
  const p = ctx.profile;
  const snubbed = (h: Half): boolean => isSnubbed(h, ctx.now, p.snubTimeout);
  const rate = (h: Half): number => downRate(h, ctx);
  const regular = topByKey(conns, (h) => h.peerInterested && !snubbed(h), rate, p.uploadSlots - p.optimisticSlots);
  let optimistic = ctx.optimistic;
  let rotated = false;
  const cur = conns.findIndex((h) => h.id === optimistic);
  const currentValid = cur >= 0 && conns[cur]!.peerInterested && !regular.includes(cur);
  const due = ctx.now - ctx.lastOptimisticAt >= p.optimisticInterval;
  if (p.optimisticSlots > 0 && (!currentValid || due)) {
    // Any interested peer without a regular slot; a newly connected one newPeerWeight times as likely.
    const pick = weightedPick(ctx.rng, conns, (h, i) =>
      !h.peerInterested || regular.includes(i) ? 0 : ctx.now - h.openedAt < p.optimisticInterval ? p.newPeerWeight : 1,
    );
    optimistic = pick ? pick.id : -1;
    // A new optimistic unchoke gets its full period, whether it replaced one that lost interest or
    // one whose time was up.
    rotated = optimistic !== ctx.optimistic || due;
  } else if (p.optimisticSlots === 0) {
    optimistic = -1;
  }
  const rows: ChokeRow[] = conns.map((h, i) => {
    const b = rate(h);
    if (regular.includes(i)) return { half: h, unchoke: true, slot: SLOT.REGULAR, why: WHY.TOP_RATE, rate: b };
    if (h.id === optimistic) return { half: h, unchoke: true, slot: SLOT.OPTIMISTIC, why: WHY.OPTIMISTIC, rate: b };
    return chokedRow(h, b, snubbed(h));
  });
  return { rows, optimistic, rotated };
}

/**
 * Between rechokes, a slot that frees up (a peer lost interest or left) or a newly interested peer
 * while a slot is free is filled at once, as mainline does on interest changes. Peers that lost
 * interest are choked; nobody else is. Rows only for the peers whose choke state changes.
 */
export function fillSlots(conns: readonly Half[], isSeed: boolean, ctx: ChokeContext): ChokePlan {
  const p = ctx.profile;
  if (!p.unchokes) return { rows: [], optimistic: -1, rotated: false };
  // This runs on most interest changes: plain loops, and no array or object beyond the plan's own.
  const rows: ChokeRow[] = [];
  let used = 0;
  for (let i = 0; i < conns.length; i++) {
    const h = conns[i]!;
    if (h.amChoking) continue;
    if (h.peerInterested) used++;
    // A peer that lost interest gives its slot back (libtorrent chokes uninterested peers the same way).
    else rows.push({ half: h, unchoke: false, slot: SLOT.CHOKED, why: WHY.NOT_INTERESTED, rate: isSeed ? upRate(h, ctx) : downRate(h, ctx) });
  }
  let free = p.uploadSlots - used;
  if (free <= 0) return { rows, optimistic: ctx.optimistic, rotated: false };
  const waiting = (h: Half): boolean => h.amChoking && h.peerInterested && !(!isSeed && isSnubbed(h, ctx.now, p.snubTimeout));
  const seedRule = isSeed ? p.seedChoker : null;
  const slot = isSeed ? (seedRule === 'mainline' ? SLOT.SEED_RANDOM : SLOT.REGULAR) : SLOT.REGULAR;
  const why = isSeed ? (seedRule === 'mainline' ? WHY.RANDOM : seedRule === 'round-robin' ? WHY.ROUND_ROBIN : WHY.TOP_RATE) : WHY.TOP_RATE;
  const give = (h: Half): void => {
    rows.push({ half: h, unchoke: true, slot, why, rate: isSeed ? upRate(h, ctx) : downRate(h, ctx) });
  };
  if (seedRule === 'mainline') {
    // Mainline seeds hand free slots to newcomers at random ("seed random unchoked").
    const pool = conns.filter(waiting);
    while (pool.length > 0 && free-- > 0) give(pool.splice(randInt(ctx.rng, pool.length), 1)[0]!);
    return { rows, optimistic: ctx.optimistic, rotated: false };
  }
  const key =
    seedRule === null
      ? (h: Half) => downRate(h, ctx)
      : seedRule === 'round-robin'
        ? (h: Half) => -h.unchokedAt
        : (h: Half) => upRate(h, ctx);
  for (const i of topByKey(conns, waiting, key, free)) give(conns[i]!);
  return { rows, optimistic: ctx.optimistic, rotated: false };
}

function seedPlan(conns: Half[], slotted: Map<number, { slot: number; why: number }>, ctx: ChokeContext): ChokePlan {
  const rows = conns.map((h) => {
    const s = slotted.get(h.id);
    const b = upRate(h, ctx);
    return s ? { half: h, unchoke: true, slot: s.slot, why: s.why, rate: b } : chokedRow(h, b, false);
  });
  return { rows, optimistic: -1, rotated: false };
}

function rechokeSeedMainline(conns: Half[], ctx: ChokeContext): ChokePlan {
  const p = ctx.profile;
  const slots = p.uploadSlots;
  const interested = conns.filter((h) => h.peerInterested);
  const recent = (h: Half) => !h.amChoking && h.unchokedAt >= 0 && ctx.now - h.unchokedAt <= p.seedKeepWindow;
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
  return seedPlan(conns, slotted, ctx);
}

function rechokeSeedRoundRobin(conns: Half[], ctx: ChokeContext): ChokePlan {
  const p = ctx.profile;
  const interested = conns.filter((h) => h.peerInterested);
  const exhausted = (h: Half) =>
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
  return seedPlan(conns, slotted, ctx);
}

function rechokeSeedFastest(conns: Half[], ctx: ChokeContext): ChokePlan {
  const slotted = new Map<number, { slot: number; why: number }>();
  for (const i of topByKey(conns, (h) => h.peerInterested, (h) => upRate(h, ctx), ctx.profile.uploadSlots)) {
    slotted.set(conns[i]!.id, { slot: SLOT.REGULAR, why: WHY.TOP_RATE });
  }
  return seedPlan(conns, slotted, ctx);
}

/** A free rider's plan: everyone choked. */
function freeRide(conns: Half[], isSeed: boolean, ctx: ChokeContext): ChokePlan {
  const rows = conns.map((h) => ({ half: h, unchoke: false, slot: SLOT.CHOKED, why: WHY.FREE_RIDER, rate: isSeed ? upRate(h, ctx) : downRate(h, ctx) }));
  return { rows, optimistic: -1, rotated: false };
}

export function rechoke(conns: Half[], isSeed: boolean, ctx: ChokeContext): ChokePlan {
  if (!ctx.profile.unchokes) return freeRide(conns, isSeed, ctx);
  if (ctx.profile.choker === 'libtorrent' && !(isSeed && ctx.profile.seedChoker === 'mainline')) return rechokeLibtorrent(conns, isSeed, ctx);
  if (!isSeed) return rechokeLeecher(conns, ctx);
  switch (ctx.profile.seedChoker) {
    case 'round-robin':
      return rechokeSeedRoundRobin(conns, ctx);
    case 'fastest-upload':
      return rechokeSeedFastest(conns, ctx);
    default:
      return rechokeSeedMainline(conns, ctx);
  }
}
