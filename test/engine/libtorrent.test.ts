// The libtorrent client profile (PROTOCOL.md, the libtorrent column): its choker as a pure function on
// hand-made connections, then its timer, slots, pipeline and endgame in runs read from the trace.
import { describe, expect, it } from 'vitest';
import { rechoke, type ChokeContext, type ChokePlan } from '../../src/engine/choker';
import { resolveProfile } from '../../src/engine/profiles';
import { stream } from '../../src/engine/prng';
import type { Half } from '../../src/engine/ends';
import { records, SLOT, T, WHY } from '../../src/engine/trace';
import type { PeerSettings, SimConfig } from '../../src/engine/types';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { Outstanding, rechokeRows, run } from './rules';

const NOW = 1000 * S;
const PIECE = 256 * KiB;

interface Spec {
  id: number;
  interested?: boolean;
  choking?: boolean;
  roundBytes?: number;
  up?: number;
  unchokedAgo?: number;
  bytesSinceUnchoke?: number;
  optimistic?: boolean;
  optimisticAgo?: number;
}

function half(s: Spec): Half {
  return {
    id: s.id, peer: 0, remote: s.id + 1, mirror: 1000 + s.id, latency: 50_000, initiator: false, open: true,
    openIndex: 0, openedAt: NOW - 600 * S, amChoking: s.choking ?? true, amInterested: false, peerChoking: false,
    peerInterested: s.interested ?? true, interesting: 0, mayHaveNew: true, pipeline: 2, pipelineAt: 0,
    outstandingCount: 0, acceptFrom: -1, queued: false,
    downRate: 0, downLast: NOW, downSince: NOW - S, upRate: s.up ?? 0, upLast: NOW, upSince: NOW - S,
    lastBlockAt: NOW - S, unchokedAt: s.unchokedAgo === undefined ? -1 : NOW - s.unchokedAgo,
    bytesSinceUnchoke: s.bytesSinceUnchoke ?? 0, roundBytes: s.roundBytes ?? 0,
    optimisticSlot: s.optimistic ?? false, optimisticAt: s.optimisticAgo === undefined ? -1 : NOW - s.optimisticAgo,
    fast: false, pex: false, pexAt: -1,
  };
}

function ctx(settings: PeerSettings = {}, over: Partial<ChokeContext> = {}): ChokeContext {
  return {
    now: NOW, profile: resolveProfile('libtorrent', settings), pieceLength: PIECE, round: 0, optimistic: -1,
    lastOptimisticAt: NOW - 60 * S, rng: stream(1, 'test/libtorrent'), ...over,
  };
}

const ids = (plan: ChokePlan, slot: number) => plan.rows.filter((r) => r.unchoke && r.slot === slot).map((r) => r.half.id).sort((a, b) => a - b);

describe('libtorrent choker (pure)', () => {
  it('a libtorrent peer has 8 upload slots, a fifth of them (at least 1) optimistic', () => {
    expect(resolveProfile('libtorrent', {})).toMatchObject({ rechokeInterval: 15 * S, uploadSlots: 8, optimisticSlots: 1, optimisticInterval: 30 * S });
    expect(resolveProfile('libtorrent', { maxUploads: 20 }).optimisticSlots).toBe(4);
    expect(resolveProfile('libtorrent', { maxUploads: 2 }).optimisticSlots).toBe(1);
    const conns = Array.from({ length: 30 }, (_, i) => half({ id: i, roundBytes: (30 - i) * KiB }));
    const plan = rechoke(conns, false, ctx({ maxUploads: 20 }));
    expect(ids(plan, SLOT.REGULAR)).toHaveLength(16);
    expect(ids(plan, SLOT.OPTIMISTIC)).toHaveLength(4);
  });

  it('a libtorrent leecher gives its regular slots to the peers that sent it the most bytes in the last round', () => {
    const conns = Array.from({ length: 12 }, (_, i) => half({ id: i, roundBytes: ((i * 7) % 12) * 100 * KiB }));
    conns.push(half({ id: 12, roundBytes: 5000 * KiB, interested: false }));
    const plan = rechoke(conns, false, ctx());
    const top = conns.slice(0, 12).sort((a, b) => b.roundBytes - a.roundBytes).slice(0, 7).map((h) => h.id);
    expect(ids(plan, SLOT.REGULAR)).toEqual(top.sort((a, b) => a - b));
    expect(plan.rows.find((r) => r.half.id === 12)).toMatchObject({ unchoke: false, why: WHY.NOT_INTERESTED });
  });

  it('every 30 s a libtorrent optimistic slot goes to the peer that has waited longest since its last optimistic unchoke', () => {
    // Ten peers outranked for the regular slots; optimistic history: never (ids 8, 9), long ago, recently.
    const conns = Array.from({ length: 7 }, (_, i) => half({ id: i, roundBytes: 100 * KiB, choking: false, unchokedAgo: 10 * S }));
    for (let i = 7; i < 12; i++) conns.push(half({ id: i, optimisticAgo: i === 8 || i === 9 ? undefined : (i === 7 ? 30 : 300 - i) * S, optimistic: i === 7, choking: i !== 7 }));
    const picks = new Set<number>();
    for (let seed = 1; seed <= 20; seed++) {
      const plan = rechoke(conns, false, ctx({}, { rng: stream(seed, 'test/libtorrent'), lastOptimisticAt: NOW - 30 * S }));
      const [o] = ids(plan, SLOT.OPTIMISTIC);
      picks.add(o!);
      expect(plan.rotated).toBe(true);
    }
    // Never optimistically unchoked comes first; the shuffle breaks the tie between the two.
    expect([...picks].sort()).toEqual([8, 9]);
    // Before 30 s have passed, the current optimistic peer keeps its slot.
    const kept = rechoke(conns, false, ctx({}, { lastOptimisticAt: NOW - 15 * S }));
    expect(ids(kept, SLOT.OPTIMISTIC)).toEqual([7]);
    expect(kept.rotated).toBe(false);
  });

  it('a libtorrent seed (round robin): a peer unchoked over a minute that got more than 20 pieces goes to the back', () => {
    const conns = [
      half({ id: 0, choking: false, unchokedAgo: 61 * S, bytesSinceUnchoke: 20 * PIECE + 1, up: 90 * KiB }),
      half({ id: 1, choking: false, unchokedAgo: 61 * S, bytesSinceUnchoke: 20 * PIECE, up: 90 * KiB }),
      half({ id: 2, choking: false, unchokedAgo: 59 * S, bytesSinceUnchoke: 40 * PIECE, up: 90 * KiB }),
      ...Array.from({ length: 6 }, (_, i) => half({ id: 3 + i, unchokedAgo: (100 + i) * S })),
    ];
    // 7 regular slots for 9 peers: the two still in their turn stay, then the longest-waiting five
    // (unchoked 105 … 101 s ago); the peer whose turn is over is behind all of them.
    const plan = rechoke(conns, true, ctx({}, { lastOptimisticAt: NOW }));
    expect(ids(plan, SLOT.REGULAR)).toEqual([1, 2, 4, 5, 6, 7, 8]);
    expect(plan.rows.filter((r) => r.unchoke && r.slot === SLOT.REGULAR).every((r) => r.why === WHY.ROUND_ROBIN)).toBe(true);
  });
});

function libtorrentSwarm(n: number, over: Partial<SimConfig> & { pieces?: number } = {}): SimConfig {
  return swarm([peer('seed', { seed: true, upload: 96 * KiB, client: 'libtorrent' }), ...leechers('L', n, { client: 'libtorrent', upload: 32 * KiB, joinAt: 1_234_567 })], {
    pieces: 24, pieceLength: 32 * KiB, ...over,
  });
}

describe('libtorrent profile in a run', () => {
  it('a libtorrent peer rechokes every 15 s from its join', () => {
    const cfg = libtorrentSwarm(6, { stopAt: 70 * S });
    const sim = run(cfg);
    const ticks = [...records(sim.trace)].filter((r) => r.kind === T.RECHOKE && r.from === 1).map((r) => r.time);
    const join = cfg.peers[1]!.joinAt;
    for (let t = join + 15 * S; t <= 70 * S; t += 15 * S) expect(ticks).toContain(t);
    // Timer rechokes rank every connection; the 10 s marks of mainline see none.
    expect(ticks.filter((t) => t === join + 10 * S || t === join + 20 * S)).toEqual([]);
  });

  it('a libtorrent peer unchokes at most 8 peers at a timer rechoke, at most 1 of them optimistically', () => {
    const cfg = libtorrentSwarm(14, { stopAt: 90 * S });
    const sim = run(cfg);
    let judged = 0;
    for (const r of records(sim.trace)) {
      if (r.kind !== T.RECHOKE || (r.time - cfg.peers[r.from]!.joinAt) % (15 * S) !== 0) continue;
      const rows = rechokeRows(sim, r);
      expect(rows.filter((x) => x.slot !== SLOT.CHOKED).length).toBeLessThanOrEqual(8);
      expect(rows.filter((x) => x.slot === SLOT.OPTIMISTIC).length).toBeLessThanOrEqual(1);
      if (rows.filter((x) => x.slot !== SLOT.CHOKED).length === 8) judged++;
    }
    expect(judged).toBeGreaterThan(5);
  });

  it('a libtorrent peer keeps 3 s × rate / 16 KiB requests outstanding (at least 2); mainline keeps 2 + 4 × rate / 16 KiB', () => {
    const maxOutstanding = (client: string): { first: number; max: number } => {
      const cfg = swarm([peer('seed', { seed: true, upload: 128 * KiB }), peer('L', { client })], { pieces: 48, pieceLength: 64 * KiB });
      const sim = run(cfg);
      const out = new Outstanding(cfg);
      let max = 0;
      let first = 0;
      let firstAt = -1;
      for (const r of records(sim.trace)) {
        out.see(r);
        if (r.kind === T.REQUEST) {
          if (firstAt < 0) firstAt = r.time;
          if (r.time === firstAt) first++;
        }
        max = Math.max(max, out.get(1, 0).size);
      }
      return { first, max };
    };
    // 128 KiB/s: libtorrent 3 × 8 = 24 blocks, mainline 2 + 4 × 8 = 34.
    const lt = maxOutstanding('libtorrent');
    expect(lt.first).toBe(2);
    expect(lt.max).toBeGreaterThanOrEqual(20);
    expect(lt.max).toBeLessThanOrEqual(25);
    expect(maxOutstanding('mainline').max).toBeGreaterThanOrEqual(30);
  });

  it('in endgame a libtorrent peer duplicates a request only on a connection with nothing else outstanding', () => {
    const duplicates = (client: string): { dup: number; whileBusy: number } => {
      const cfg = swarm([peer('seed', { seed: true, upload: 64 * KiB, client }), ...leechers('L', 6, { client, upload: 24 * KiB })], { pieces: 16, pieceLength: 32 * KiB, seed: 3 });
      const sim = run(cfg);
      const out = new Outstanding(cfg);
      let dup = 0;
      let whileBusy = 0;
      for (const r of records(sim.trace)) {
        if (r.kind === T.REQUEST) {
          out.advance(r.time);
          const elsewhere = cfg.peers.some((_, q) => q !== r.to && out.get(r.from, q).has(r.x));
          if (elsewhere) {
            dup++;
            if (out.get(r.from, r.to).size > 0) whileBusy++;
          }
        }
        out.see(r);
      }
      return { dup, whileBusy };
    };
    const lt = duplicates('libtorrent');
    expect(lt.dup).toBeGreaterThan(0);
    expect(lt.whileBusy).toBe(0);
    expect(duplicates('mainline').whileBusy).toBeGreaterThan(0);
  });

  it('under libtorrent an uploadRateLimit of 0 means unlimited: the run is the same as with no limit', () => {
    const cfg = (settings: PeerSettings) => swarm(
      [peer('seed', { seed: true, upload: 96 * KiB, client: 'libtorrent', settings }), ...leechers('L', 4, { client: 'libtorrent', upload: 32 * KiB })],
      { pieces: 16, pieceLength: 32 * KiB },
    );
    const free = run(cfg({}));
    expect(run(cfg({ uploadRateLimit: 0 })).traceHash()).toBe(free.traceHash());
    const limited = run(cfg({ uploadRateLimit: 16 * KiB }));
    expect(limited.result().endTime).toBeGreaterThan(free.result().endTime);
  });
});
