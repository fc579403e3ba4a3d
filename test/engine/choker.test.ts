// Choking (PROTOCOL.md, "Choking"): the choker's pure functions on hand-made connections, then the
// rechoke timer in a run. Connections are built by a local factory typed against the engine's Half, so
// a change of its shape shows up here as a type error rather than as a silent pass.
import { describe, expect, it } from 'vitest';
import { fillSlots, isSnubbed, planWriter, rechoke, rechokeLeecher, type ChokeContext, type ChokePlan } from '../../src/engine/choker';
import { PROFILES, resolveProfile, type ClientProfile } from '../../src/engine/profiles';
import { randInt, stream } from '../../src/engine/prng';
import type { Half } from '../../src/engine/ends';
import { records, SLOT, T, WHY } from '../../src/engine/trace';
import type { SeedChoker } from '../../src/engine/types';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { Facts, mixedSwarm, rechokeRows, run } from './rules';

const mainline = PROFILES.mainline!;
const NOW = 1000 * S;
const PIECE = 256 * KiB;


interface HalfSpec {
  id: number;
  /** Download rate from the remote (what a leecher ranks by). */
  down?: number;
  /** Upload rate to the remote (what a seed ranks by). */
  up?: number;
  interested?: boolean;
  choking?: boolean;
  /** We are interested and it sent nothing for longer than the snub timeout. */
  snubbed?: boolean;
  openedAgo?: number;
  unchokedAgo?: number | null;
  bytesSinceUnchoke?: number;
  /** Bytes received from it since our last timer rechoke (libtorrent ranks by these). */
  roundBytes?: number;
  /** It holds one of our optimistic slots. */
  optimistic?: boolean;
  /** We last gave it an optimistic slot this long ago (undefined: never). */
  optimisticAgo?: number;
}

function half(s: HalfSpec): Half {
  const openedAt = NOW - (s.openedAgo ?? 600 * S);
  return {
    id: s.id,
    peer: 0,
    remote: s.id + 1,
    mirror: 1000 + s.id,
    latency: 50_000,
    initiator: false,
    open: true,
    openIndex: 0,
    openedAt,
    amChoking: s.choking ?? true,
    amInterested: s.snubbed ?? false,
    peerChoking: false,
    peerInterested: s.interested ?? true,
    interesting: s.snubbed ? 1 : 0,
    mayHaveNew: true,
    pipeline: 2,
    pipelineAt: 0,
    outstandingCount: 0,
    acceptFrom: Infinity,
    queued: false,
    // Measures that read exactly their rate at NOW (bandwidth.ts: rate·(last − since)/(now − since)).
    downRate: s.down ?? 0,
    downLast: NOW,
    downSince: NOW - S,
    upRate: s.up ?? 0,
    upLast: NOW,
    upSince: NOW - S,
    lastBlockAt: s.snubbed ? NOW - mainline.snubTimeout - S : NOW - S,
    unchokedAt: s.unchokedAgo === undefined || s.unchokedAgo === null ? -1 : NOW - s.unchokedAgo,
    bytesSinceUnchoke: s.bytesSinceUnchoke ?? 0,
    roundBytes: s.roundBytes ?? 0,
    optimisticSlot: s.optimistic ?? false,
    optimisticAt: s.optimisticAgo === undefined ? -1 : NOW - s.optimisticAgo,
    fast: false, pex: false, pexAt: -1,
  };
}

function ctx(over: Partial<ChokeContext> & { seedChoker?: SeedChoker; profile?: ClientProfile } = {}): ChokeContext {
  const profile = over.profile ?? resolveProfile('mainline', over.seedChoker ? { seedChoker: over.seedChoker } : {});
  return {
    now: NOW,
    profile,
    pieceLength: PIECE,
    round: 0,
    optimistic: -1,
    lastOptimisticAt: NOW - 60 * S,
    rng: stream(1, 'test/choker'),
    ...over,
  };
}

const unchokedIds = (plan: ChokePlan, slot?: number) =>
  plan.rows.filter((r) => r.unchoke && (slot === undefined || r.slot === slot)).map((r) => r.half.id);

describe('leecher choker (mainline)', () => {
  it('uploadSlots − optimisticSlots regular slots go to the interested, non-snubbed peers with the highest download rate', () => {
    const regular = mainline.uploadSlots - mainline.optimisticSlots;
    expect(regular).toBe(3);
    const rng = stream(42, 'test/fuzz');
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + randInt(rng, 10);
      const specs: HalfSpec[] = Array.from({ length: n }, (_, id) => ({
        id,
        down: 1000 * (1 + id) + randInt(rng, 1000) * 37 + id, // distinct
        interested: randInt(rng, 4) !== 0,
        snubbed: randInt(rng, 5) === 0,
      }));
      const plan = rechokeLeecher(specs.map(half), ctx({ rng: stream(trial, 'opt') }));
      const expected = specs
        .filter((s) => s.interested && !s.snubbed)
        .sort((a, b) => b.down! - a.down!)
        .slice(0, regular)
        .map((s) => s.id)
        .sort((a, b) => a - b);
      expect(unchokedIds(plan, SLOT.REGULAR).sort((a, b) => a - b)).toEqual(expected);
      for (const row of plan.rows) {
        if (row.slot === SLOT.REGULAR) expect(row).toMatchObject({ unchoke: true, why: WHY.TOP_RATE, rate: specs[row.half.id]!.down });
      }
      expect(plan.rows.filter((r) => r.unchoke).length).toBeLessThanOrEqual(mainline.uploadSlots);
    }
  });

  it('not-interested and snubbed peers get no regular slot, however fast they were, and the rows say why', () => {
    const conns = [
      half({ id: 0, down: 900_000, interested: false }),
      half({ id: 1, down: 800_000, snubbed: true }),
      half({ id: 2, down: 10_000 }),
      half({ id: 3, down: 20_000 }),
      half({ id: 4, down: 30_000 }),
      half({ id: 5, down: 5_000 }),
    ];
    for (let s = 0; s < 20; s++) {
      const plan = rechokeLeecher(conns, ctx({ rng: stream(s, 'opt') }));
      expect(unchokedIds(plan, SLOT.REGULAR).sort()).toEqual([2, 3, 4]);
      const row = (id: number) => plan.rows.find((r) => r.half.id === id)!;
      expect(row(0)).toMatchObject({ unchoke: false, slot: SLOT.CHOKED, why: WHY.NOT_INTERESTED });
      if (!row(1).unchoke) expect(row(1)).toMatchObject({ slot: SLOT.CHOKED, why: WHY.SNUBBED });
      if (!row(5).unchoke) expect(row(5).why).toBe(WHY.OUTRANKED);
    }
  });

  it('the optimistic unchoke stays with its peer until optimisticInterval has passed, then rotates', () => {
    // Regular: 0, 1, 2 (fastest). Optimistic candidates: 3..7; 5 holds the optimistic slot now.
    const conns = [0, 1, 2, 3, 4, 5, 6, 7].map((id) => half({ id, down: id < 3 ? 100_000 - id : 1000 - id }));
    let moved = 0;
    for (let s = 0; s < 100; s++) {
      const rng = stream(s, 'opt');
      const early = rechokeLeecher(conns, ctx({ rng, optimistic: 5, lastOptimisticAt: NOW - mainline.optimisticInterval + 1 }));
      expect(early.optimistic).toBe(5);
      expect(early.rotated).toBe(false);
      expect(unchokedIds(early, SLOT.OPTIMISTIC)).toEqual([5]);
      const due = rechokeLeecher(conns, ctx({ rng: stream(s, 'opt'), optimistic: 5, lastOptimisticAt: NOW - mainline.optimisticInterval }));
      expect(due.rotated).toBe(true);
      expect([3, 4, 5, 6, 7]).toContain(due.optimistic);
      expect(unchokedIds(due, SLOT.OPTIMISTIC)).toEqual([due.optimistic]);
      if (due.optimistic !== 5) moved++;
    }
    // Five equally likely candidates: the slot moves about 4 times in 5.
    expect(moved).toBeGreaterThan(60);
    expect(moved).toBeLessThan(95);
  });

  it('a peer connected within the last optimisticInterval is newPeerWeight (3) times as likely to get the optimistic unchoke', () => {
    expect(mainline.newPeerWeight).toBe(3);
    // Regular slots: 0, 1, 2. Candidates: 3 and 4 connected 10 s ago, 5..8 connected 10 min ago.
    const conns = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((id) =>
      half({ id, down: id < 3 ? 100_000 - id : 100, openedAgo: id === 3 || id === 4 ? 10 * S : 600 * S }),
    );
    const picks = new Map<number, number>();
    const draws = 6000;
    for (let s = 0; s < draws; s++) {
      const plan = rechokeLeecher(conns, ctx({ rng: stream(s, 'test/optimistic') }));
      picks.set(plan.optimistic, (picks.get(plan.optimistic) ?? 0) + 1);
    }
    const fresh = (picks.get(3) ?? 0) + (picks.get(4) ?? 0);
    const old = [5, 6, 7, 8].reduce((a, id) => a + (picks.get(id) ?? 0), 0);
    expect(fresh + old).toBe(draws);
    // Per peer: fresh/2 against old/4, expected ratio 3 (P(fresh peer) = 3/10, P(old peer) = 1/10).
    const ratio = fresh / 2 / (old / 4);
    expect(ratio).toBeGreaterThan(2.6);
    expect(ratio).toBeLessThan(3.4);
  });

  it('between rechokes a free slot goes to a waiting interested peer at once, and no interested peer is choked', () => {
    const conns = [
      half({ id: 0, down: 50_000, choking: false }),
      half({ id: 1, down: 40_000, choking: false }),
      half({ id: 2, down: 1_000, choking: false, interested: false }),
      half({ id: 3, down: 30_000 }),
      half({ id: 4, down: 90_000, snubbed: true }),
      half({ id: 5, down: 20_000 }),
      half({ id: 6, down: 10_000 }),
    ];
    const plan = fillSlots(conns, false, ctx());
    // Two of the four slots are used by interested peers: two more are filled, fastest first, not the snubbed one.
    expect(unchokedIds(plan).sort()).toEqual([3, 5]);
    for (const row of plan.rows) if (!row.unchoke) expect(row.half.peerInterested).toBe(false);
    expect(plan.rotated).toBe(false);
  });

  it('between rechokes the free slots go to the waiting peers ranked highest, ties to the earlier connection', () => {
    const rng = stream(7, 'test/fill-slots');
    for (let trial = 0; trial < 400; trial++) {
      const seed = randInt(rng, 3) === 0;
      const seedChoker: SeedChoker = (['fastest-upload', 'round-robin'] as const)[randInt(rng, 2)]!;
      const n = 1 + randInt(rng, 12);
      // Few distinct rates and unchoke times, so that ties are common.
      const specs: HalfSpec[] = Array.from({ length: n }, (_, id) => ({
        id,
        down: 1000 * randInt(rng, 4),
        up: 1000 * randInt(rng, 4),
        unchokedAgo: randInt(rng, 3) === 0 ? null : 10 * S * (1 + randInt(rng, 3)),
        interested: randInt(rng, 4) !== 0,
        choking: randInt(rng, 3) !== 0,
        snubbed: randInt(rng, 6) === 0,
      }));
      const conns = specs.map(half);
      const c = ctx(seed ? { seedChoker } : {});
      const key = (h: Half): number =>
        !seed ? h.downRate : seedChoker === 'round-robin' ? -h.unchokedAt : h.upRate;
      const used = conns.filter((h) => !h.amChoking && h.peerInterested).length;
      const free = Math.max(0, mainline.uploadSlots - used);
      // The rule written the plain way: a stable sort of the waiting peers, highest key first.
      const expected = conns
        .filter((h) => h.amChoking && h.peerInterested && (seed || !isSnubbed(h, NOW, mainline.snubTimeout)))
        .sort((a, b) => key(b) - key(a))
        .slice(0, free)
        .map((h) => h.id);
      const plan = fillSlots(conns, seed, c);
      expect(unchokedIds(plan)).toEqual(expected);
      // The other rows choke exactly the unchoked peers that lost interest, in connection order.
      expect(plan.rows.filter((r) => !r.unchoke).map((r) => r.half.id)).toEqual(conns.filter((h) => !h.amChoking && !h.peerInterested).map((h) => h.id));
    }
  });

  it('a plan written by a reused writer (as the engine does) equals a fresh plan, whatever the writer wrote before', () => {
    const rng = stream(11, 'test/plan-writer');
    const periodic = planWriter();
    const between = planWriter();
    const rows = (plan: ChokePlan) => plan.rows.map((r) => ({ ...r, half: r.half.id }));
    for (let trial = 0; trial < 300; trial++) {
      const seed = randInt(rng, 3) === 0;
      const seedChoker: SeedChoker = (['mainline', 'fastest-upload', 'round-robin'] as const)[randInt(rng, 3)]!;
      const profile = resolveProfile(randInt(rng, 4) === 0 ? 'libtorrent' : 'mainline', seed ? { seedChoker } : {});
      // From no connection (a plan without rows) to a crowd, so that plans shrink and grow.
      const n = randInt(rng, 3) === 0 ? randInt(rng, 2) : randInt(rng, 60);
      const specs: HalfSpec[] = Array.from({ length: n }, (_, id) => ({
        id,
        down: 1000 * randInt(rng, 5),
        up: 1000 * randInt(rng, 5),
        interested: randInt(rng, 3) !== 0,
        choking: randInt(rng, 3) !== 0,
        snubbed: randInt(rng, 6) === 0,
        roundBytes: 16 * KiB * randInt(rng, 4),
      }));
      // The same draws for the fresh plan and the reused one.
      const c = (): ChokeContext => ctx({ profile, round: trial, rng: stream(trial, 'test/plan-writer/choke') });
      const conns = specs.map(half);
      expect(rows(rechoke(conns, seed, c(), periodic))).toEqual(rows(rechoke(conns, seed, c())));
      expect(rows(fillSlots(conns, seed, c(), between))).toEqual(rows(fillSlots(conns, seed, c())));
    }
  });

  it('snubbed means: we are interested and no block came for longer than snubTimeout', () => {
    const h = half({ id: 0 });
    h.amInterested = true;
    h.openedAt = NOW - 100 * S;
    h.lastBlockAt = NOW - mainline.snubTimeout;
    expect(isSnubbed(h, NOW, mainline.snubTimeout)).toBe(false);
    h.lastBlockAt = NOW - mainline.snubTimeout - 1;
    expect(isSnubbed(h, NOW, mainline.snubTimeout)).toBe(true);
    h.amInterested = false;
    expect(isSnubbed(h, NOW, mainline.snubTimeout)).toBe(false);
    // A connection younger than the timeout is not snubbed yet.
    h.amInterested = true;
    h.openedAt = NOW - 10 * S;
    expect(isSnubbed(h, NOW, mainline.snubTimeout)).toBe(false);
  });
});

describe('seed choker: mainline ("seed kept unchoked" and "seed random unchoked")', () => {
  const seedCtx = (over: Partial<ChokeContext> = {}) => ctx({ seedChoker: 'mainline', ...over });

  it('peers unchoked within the keep window are kept first, most recent first, then the fastest uploads', () => {
    expect(mainline.seedKeepWindow).toBe(20 * S);
    const conns = [
      half({ id: 0, up: 1_000, choking: false, unchokedAgo: 15 * S }),
      half({ id: 1, up: 2_000, choking: false, unchokedAgo: 5 * S }),
      half({ id: 2, up: 500, choking: false, unchokedAgo: 25 * S }), // outside the window
      half({ id: 3, up: 90_000 }),
      half({ id: 4, up: 80_000 }),
      half({ id: 5, up: 70_000, interested: false }),
      half({ id: 6, up: 60_000 }),
    ];
    for (let s = 0; s < 30; s++) {
      // Round 0: 3 kept slots (two recent peers, then the fastest upload), 1 random.
      const r0 = rechoke(conns, true, seedCtx({ round: 0, rng: stream(s, 'seed') }));
      expect(unchokedIds(r0, SLOT.SEED_KEPT).sort()).toEqual([0, 1, 3]);
      const random0 = unchokedIds(r0, SLOT.SEED_RANDOM);
      expect(random0.length).toBe(1);
      expect([2, 4, 6]).toContain(random0[0]);
      // Round 2: 2 kept slots — the two most recently unchoked — and 2 random.
      const r2 = rechoke(conns, true, seedCtx({ round: 2, rng: stream(s, 'seed') }));
      expect(unchokedIds(r2, SLOT.SEED_KEPT).sort()).toEqual([0, 1]);
      expect(unchokedIds(r2, SLOT.SEED_RANDOM).length).toBe(2);
      for (const plan of [r0, r2]) expect(plan.rows.find((r) => r.half.id === 5)!.unchoke).toBe(false);
    }
    // With more recent peers than kept slots, the most recent win.
    const recent = [0, 1, 2, 3, 4].map((id) => half({ id, choking: false, unchokedAgo: (id + 1) * S, up: 1000 * id }));
    expect(unchokedIds(rechoke(recent, true, seedCtx({ round: 2 })), SLOT.SEED_KEPT).sort()).toEqual([0, 1]);
  });

  it('it hands 1 slot at random in two rechoke periods out of three, and 2 in the third', () => {
    const conns = Array.from({ length: 10 }, (_, id) => half({ id, up: 1000 * id, choking: id > 3, unchokedAgo: id <= 3 ? 10 * S : null }));
    const counts: number[] = [];
    for (let round = 0; round < 12; round++) {
      const plan = rechoke(conns, true, seedCtx({ round, rng: stream(round, 'seed') }));
      counts.push(unchokedIds(plan, SLOT.SEED_RANDOM).length);
      expect(unchokedIds(plan).length).toBe(mainline.uploadSlots);
    }
    for (let i = 0; i + 3 <= counts.length; i++) expect(counts.slice(i, i + 3).sort()).toEqual([1, 1, 2]);
    // The random slots really are random.
    const picked = new Set<number>();
    for (let s = 0; s < 50; s++) unchokedIds(rechoke(conns, true, seedCtx({ round: 0, rng: stream(s, 'r') })), SLOT.SEED_RANDOM).forEach((id) => picked.add(id));
    expect(picked.size).toBeGreaterThan(4);
  });
});

describe('seed choker: round robin (libtorrent)', () => {
  const rr = (conns: Half[]) => rechoke(conns, true, ctx({ seedChoker: 'round-robin' }));
  const worth = (pieces: number) => pieces * PIECE;

  const served = () => half({ id: 0, choking: false, unchokedAgo: 61 * S, bytesSinceUnchoke: worth(21) });
  const others = () => [1, 2, 3].map((id) => half({ id, choking: false, unchokedAgo: 10 * S, bytesSinceUnchoke: worth(2) }));

  it('a peer unchoked for over 60 s that got 20 pieces\u2019 worth gives its slot to a peer waiting since before its unchoke', () => {
    expect(mainline.roundRobinTime).toBe(60 * S);
    expect(mainline.roundRobinPieces).toBe(20);
    // Waiting: a peer never unchoked, or last unchoked 90 s ago.
    expect(unchokedIds(rr([served(), ...others(), half({ id: 4 })])).sort()).toEqual([1, 2, 3, 4]);
    expect(unchokedIds(rr([served(), ...others(), half({ id: 4, unchokedAgo: 90 * S })])).sort()).toEqual([1, 2, 3, 4]);
  });

  it('a peer unchoked for over 60 s that got 20 pieces\u2019 worth goes to the back, behind every waiting peer', () => {
    // Waiting: a peer last unchoked 40 s ago (and choked since, e.g. when it lost interest for a while).
    // libtorrent's round robin ranks a peer that used up its quota below every other peer.
    expect(unchokedIds(rr([served(), ...others(), half({ id: 4, unchokedAgo: 40 * S })])).sort()).toEqual([1, 2, 3, 4]);
  });

  it('a peer keeps its round-robin slot until both its time (60 s) and its quota (20 pieces) are used up', () => {
    const others = [1, 2, 3].map((id) => half({ id, choking: false, unchokedAgo: 10 * S }));
    const waiting = half({ id: 4 });
    for (const [ago, pieces] of [
      [59 * S, 25],
      [61 * S, 19],
      [10 * S, 0],
    ] as const) {
      const plan = rr([half({ id: 0, choking: false, unchokedAgo: ago, bytesSinceUnchoke: worth(pieces) }), ...others, waiting]);
      expect(unchokedIds(plan).sort(), `unchoked ${ago / S} s ago, ${pieces} pieces`).toEqual([0, 1, 2, 3]);
    }
  });

  it('waiting peers are unchoked longest-waiting first', () => {
    const conns = [half({ id: 0, unchokedAgo: 100 * S }), half({ id: 1, unchokedAgo: 300 * S }), half({ id: 2 }), half({ id: 3, unchokedAgo: 50 * S }), half({ id: 4, unchokedAgo: 200 * S })];
    // Never unchoked first, then the earliest last unchoke: 2, 1, 4, 0 get the four slots; 3 waits.
    expect(unchokedIds(rr(conns)).sort()).toEqual([0, 1, 2, 4]);
  });
});

describe('seed choker: fastest upload (libtorrent)', () => {
  it('the interested peers we upload to fastest get the slots', () => {
    const rng = stream(9, 'test/fastest');
    for (let trial = 0; trial < 100; trial++) {
      const specs: HalfSpec[] = Array.from({ length: 1 + randInt(rng, 9) }, (_, id) => ({
        id,
        up: 100 * randInt(rng, 1000) + id,
        interested: randInt(rng, 3) !== 0,
        choking: randInt(rng, 2) === 0,
      }));
      const plan = rechoke(specs.map(half), true, ctx({ seedChoker: 'fastest-upload' }));
      const expected = specs
        .filter((s) => s.interested)
        .sort((a, b) => b.up! - a.up!)
        .slice(0, mainline.uploadSlots)
        .map((s) => s.id);
      expect(unchokedIds(plan).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    }
  });
});

describe('the rechoke timer in a run', () => {
  // Leechers join at odd times; one runs a 15 s rechoke period; one leaves at 47 s.
  const cfg = swarm(
    [
      peer('seed', { seed: true, upload: 32 * KiB }),
      peer('a', { joinAt: 1_234_567 }),
      peer('b', { joinAt: 3 * S + 1, settings: { unchokeInterval: 15 * S } }),
      peer('c', { joinAt: 7 * S + 5, leaveAt: 47 * S }),
      ...leechers('L', 5, { upload: 16 * KiB }),
    ],
    { pieces: 16, pieceLength: 32 * KiB, stopAt: 80 * S },
  );

  it('a peer rechokes every rechoke period from the moment it joined (10 s, or its unchokeInterval)', () => {
    const sim = run(cfg);
    const times = cfg.peers.map(() => new Set<number>());
    for (const r of records(sim.trace)) if (r.kind === T.RECHOKE) times[r.from]!.add(r.time);
    cfg.peers.forEach((p, i) => {
      const period = p.settings.unchokeInterval ?? mainline.rechokeInterval;
      const end = Math.min(p.leaveAt ?? Infinity, cfg.stopAt!);
      let ticks = 0;
      for (let t = p.joinAt + period; t <= end; t += period) {
        if (t === p.leaveAt) continue;
        expect(times[i]!.has(t), `${p.name} rechokes at ${t}`).toBe(true);
        ticks++;
      }
      expect(ticks).toBeGreaterThanOrEqual(2);
    });
  });

  it('a timer rechoke ranks every connection and unchokes at most uploadSlots; between ticks it only fills slots or chokes the uninterested', () => {
    const sim = run(cfg);
    const facts = new Facts(sim);
    let fills = 0;
    for (const r of records(sim.trace)) {
      if (r.kind !== T.RECHOKE) continue;
      const p = cfg.peers[r.from]!;
      const period = p.settings.unchokeInterval ?? mainline.rechokeInterval;
      const rows = rechokeRows(sim, r);
      const tick = r.time > p.joinAt && (r.time - p.joinAt) % period === 0;
      if (tick) {
        const { lo, hi } = facts.openCount(r.from, r.time, r.index);
        expect(rows.length).toBeGreaterThanOrEqual(lo);
        expect(rows.length).toBeLessThanOrEqual(hi);
        expect(rows.filter((row) => row.slot !== SLOT.CHOKED).length).toBeLessThanOrEqual(mainline.uploadSlots);
      } else {
        fills++;
        for (const row of rows) if (row.slot === SLOT.CHOKED) expect(row.why).toBe(WHY.NOT_INTERESTED);
        expect(rows.filter((row) => row.slot === SLOT.OPTIMISTIC)).toEqual([]);
      }
    }
    expect(fills).toBeGreaterThan(0);
  });

  it('in a leecher\u2019s timer rechoke, every regular slot went to a peer at least as fast as every interested peer left out', () => {
    let judged = 0;
    for (const c of [cfg, mixedSwarm(1), mixedSwarm(2)]) {
      const sim = run(c);
      const complete = new Set<number>();
      for (const r of records(sim.trace)) {
        if (r.kind === T.COMPLETED) complete.add(r.from);
        if (r.kind !== T.RECHOKE || complete.has(r.from) || c.peers[r.from]!.seed) continue;
        const p = c.peers[r.from]!;
        if ((r.time - p.joinAt) % (p.settings.unchokeInterval ?? mainline.rechokeInterval) !== 0) continue;
        const rows = rechokeRows(sim, r);
        const regular = rows.filter((row) => row.slot === SLOT.REGULAR);
        // Interested, not snubbed, and neither regular nor optimistic: outranked.
        const left = rows.filter((row) => row.why === WHY.OUTRANKED);
        expect(regular.length).toBeLessThanOrEqual(mainline.uploadSlots - mainline.optimisticSlots);
        if (left.length > 0) expect(regular.length).toBe(mainline.uploadSlots - mainline.optimisticSlots);
        for (const row of regular) for (const other of left) expect(row.rate).toBeGreaterThanOrEqual(other.rate);
        if (regular.length > 0 && left.length > 0) judged++;
      }
    }
    expect(judged).toBeGreaterThan(5);
  });

  it('every choke and unchoke is backed by a rechoke row of that peer for that remote at that instant', () => {
    const sim = run(cfg);
    const rows = new Set<string>();
    let n = 0;
    for (const r of records(sim.trace)) {
      if (r.kind === T.RECHOKE) for (const row of rechokeRows(sim, r)) rows.add(`${r.time}|${r.from}>${row.remote}|${row.slot === SLOT.CHOKED ? 'c' : 'u'}`);
      if (r.kind === T.CHOKE || r.kind === T.UNCHOKE) {
        n++;
        expect(rows.has(`${r.time}|${r.from}>${r.to}|${r.kind === T.CHOKE ? 'c' : 'u'}`)).toBe(true);
      }
    }
    expect(n).toBeGreaterThan(20);
  });

  it('a leecher\u2019s optimistic unchoke moves only when optimisticInterval has passed, or when its peer no longer needs it', () => {
    let moves = 0;
    for (const c of [cfg, mixedSwarm(1), mixedSwarm(2)]) {
      const sim = run(c);
      const last = new Map<number, { remote: number; rotatedAt: number }>();
      const complete = new Set<number>();
      for (const r of records(sim.trace)) {
        if (r.kind === T.JOIN) last.set(r.from, { remote: -1, rotatedAt: r.time });
        if (r.kind === T.COMPLETED) complete.add(r.from);
        if (r.kind !== T.RECHOKE || complete.has(r.from) || c.peers[r.from]!.seed) continue;
        const p = c.peers[r.from]!;
        const period = p.settings.unchokeInterval ?? mainline.rechokeInterval;
        if ((r.time - p.joinAt) % period !== 0) continue; // fills never move the optimistic slot
        const interval = p.settings.optimisticUnchokeInterval ?? mainline.optimisticInterval;
        const rows = rechokeRows(sim, r);
        const now = rows.find((row) => row.slot === SLOT.OPTIMISTIC)?.remote ?? -1;
        const prev = last.get(r.from)!;
        const due = r.time - prev.rotatedAt >= interval;
        if (now !== prev.remote && prev.remote !== -1 && !due) {
          // Allowed only if the previous holder left, lost interest or earned a regular slot.
          const row = rows.find((x) => x.remote === prev.remote);
          expect(row === undefined || row.slot === SLOT.REGULAR || row.why === WHY.NOT_INTERESTED, `${p.name} moved its optimistic unchoke at ${r.time} µs`).toBe(true);
        }
        if (now !== prev.remote) moves++;
        last.set(r.from, { remote: now, rotatedAt: due ? r.time : prev.rotatedAt });
      }
    }
    expect(moves).toBeGreaterThan(10);
  });

  it('a mainline seed\u2019s timer rechokes keep 3, 3, 2 peers and add 1, 1, 2 at random, period after period', () => {
    const c = swarm([peer('seed', { seed: true, upload: 16 * KiB }), ...leechers('L', 10, { upload: 4 * KiB })], { pieces: 16, pieceLength: 16 * KiB, stopAt: 90 * S });
    const sim = run(c);
    let k = 0;
    let judged = 0;
    for (const r of records(sim.trace)) {
      if (r.kind !== T.RECHOKE || r.from !== 0 || r.time % mainline.rechokeInterval !== 0 || r.time === 0) continue;
      const rows = rechokeRows(sim, r);
      const interested = rows.filter((row) => row.slot !== SLOT.CHOKED || row.why === WHY.OUTRANKED).length;
      const randomSlots = k % 3 === 2 ? 2 : 1;
      if (interested > mainline.uploadSlots) {
        judged++;
        expect(rows.filter((row) => row.slot === SLOT.SEED_KEPT).length, `rechoke ${k}`).toBe(mainline.uploadSlots - randomSlots);
        expect(rows.filter((row) => row.slot === SLOT.SEED_RANDOM).length, `rechoke ${k}`).toBe(randomSlots);
      }
      k++;
    }
    expect(judged, "seed rechokes with more interested peers than slots").toBeGreaterThanOrEqual(4);
  });
});

describe('the freerider profile', () => {
  it('a free rider never unchokes anyone, yet connects, advertises its pieces and downloads', () => {
    const cfg = swarm(
      [peer('seed', { seed: true, upload: 128 * KiB }), ...leechers('L', 4), peer('fr', { client: 'freerider', upload: 64 * KiB })],
      { pieces: 16, pieceLength: 32 * KiB, stopAt: 300 * S },
    );
    const sim = run(cfg);
    const fr = cfg.peers.length - 1;
    const recs = [...records(sim.trace)];
    expect(recs.filter((r) => r.kind === T.UNCHOKE && r.from === fr)).toEqual([]);
    expect(recs.filter((r) => r.kind === T.PIECE && r.from === fr)).toEqual([]);
    expect(recs.some((r) => r.kind === T.HANDSHAKE && (r.from === fr || r.to === fr))).toBe(true);
    expect(recs.some((r) => r.kind === T.HAVE && r.from === fr)).toBe(true);
    // Every row of its rechokes says why: it is a free rider.
    const rows = recs.filter((r) => r.kind === T.RECHOKE && r.from === fr).flatMap((r) => rechokeRows(sim, r));
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(row).toMatchObject({ slot: SLOT.CHOKED, why: WHY.FREE_RIDER });
    expect(sim.result().peers[fr]!.downloadedBytes).toBeGreaterThan(0);
  });
});
