// Swarm dynamics (dynamics.ts): Poisson arrivals, a seeding time drawn after completion, and settings
// changed by a scripted event mid-run.
import { describe, expect, it } from 'vitest';
import { exponential, joinTimes } from '../../src/engine/dynamics';
import { Sim } from '../../src/engine/sim';
import { stream } from '../../src/engine/prng';
import { LEAVE_REASON, records, SLOT, T } from '../../src/engine/trace';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { arrivals } from './reference';
import { rechokeRows, run } from './rules';

describe('arrivals as a Poisson process', () => {
  it('the members of a group with a Poisson process join one after another, gaps exponential with mean 1/rate', () => {
    const cfg = swarm([peer('seed', { seed: true }), ...arrivals('A', 3000, 2, { joinAt: 10 * S })]);
    const t = joinTimes(cfg).slice(1) as number[];
    const gaps = t.map((x, i) => x - (i === 0 ? 10 * S : t[i - 1]!));
    expect(gaps.every((g) => g >= 0 && Number.isInteger(g))).toBe(true);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    expect(mean / (S / 2)).toBeCloseTo(1, 1);
    // An exponential distribution's standard deviation equals its mean.
    expect(sd / mean).toBeCloseTo(1, 1);
  });

  it('each group draws from its own stream: adding a group does not move another group’s arrivals', () => {
    const a = joinTimes(swarm([...arrivals('A', 50, 1)]));
    const b = joinTimes(swarm([...arrivals('B', 50, 3), ...arrivals('A', 50, 1)]));
    expect(b.slice(50)).toEqual(a);
  });

  it('in a run, each member joins at its arrival; one whose arrival comes after `until` never joins', () => {
    const cfg = swarm([peer('seed', { seed: true, upload: 256 * KiB }), ...leechers('A', 20, { arrival: { process: 'poisson', rate: 1, until: 8 * S } })], { pieces: 8, pieceLength: 32 * KiB });
    const times = joinTimes(cfg);
    const sim = run(cfg);
    const joins = [...records(sim.trace)].filter((r) => r.kind === T.JOIN && r.from > 0);
    expect(joins.map((r) => [r.from, r.time])).toEqual(times.flatMap((t, i) => (i > 0 && t !== null ? [[i, t]] : [])));
    const never = times.filter((t) => t === null).length;
    expect(never).toBeGreaterThan(0);
    expect(sim.result().peers.filter((p) => p.joinedAt === null)).toHaveLength(never);
    expect(sim.result().endReason).toBe('complete');
  });
});

describe('seeding time as a distribution', () => {
  it('an exponential draw has the mean it was asked for, in whole µs', () => {
    const rng = stream(7, 'test/exponential');
    const draws = Array.from({ length: 20000 }, () => exponential(rng, 30 * S));
    expect(draws.every((d) => Number.isInteger(d) && d >= 0)).toBe(true);
    expect(draws.reduce((a, b) => a + b, 0) / draws.length / (30 * S)).toBeCloseTo(1, 1);
  });

  it('a peer with a seeding-time distribution leaves that long after completing, each its own draw', () => {
    const cfg = swarm([peer('seed', { seed: true, upload: 256 * KiB }), ...leechers('L', 12, { seedingTime: { distribution: 'exponential', mean: 20 * S } })], { pieces: 8, pieceLength: 32 * KiB, stopAt: 600 * S });
    const recs = [...records(run(cfg).trace)];
    const stays: number[] = [];
    for (const c of recs.filter((r) => r.kind === T.COMPLETED)) {
      const leave = recs.find((r) => r.kind === T.LEAVE && r.from === c.from)!;
      expect(leave.x).toBe(LEAVE_REASON.AFTER_COMPLETE);
      stays.push(leave.time - c.time);
    }
    expect(stays).toHaveLength(12);
    expect(new Set(stays).size).toBe(12);
  });
});

describe('scripted setting changes', () => {
  it('a scripted `set` event changes a setting from then on: maxUploads 4 → 1 at 40 s', () => {
    const cfg = swarm([peer('seed', { seed: true, upload: 64 * KiB }), ...leechers('L', 10, { upload: 16 * KiB })], {
      pieces: 32,
      pieceLength: 32 * KiB,
      stopAt: 90 * S,
      events: [{ at: 40 * S, peer: 0, action: 'set', settings: { maxUploads: 1 } }],
    });
    const sim = run(cfg);
    const recs = [...records(sim.trace)];
    expect(recs.filter((r) => r.kind === T.SETTINGS)).toMatchObject([{ time: 40 * S, from: 0, x: 0 }]);
    const most = (from: number, to: number) =>
      Math.max(...recs.filter((r) => r.kind === T.RECHOKE && r.from === 0 && r.time > from && r.time <= to).map((r) => rechokeRows(sim, r).filter((x) => x.slot !== SLOT.CHOKED).length));
    expect(most(0, 40 * S)).toBe(4);
    expect(most(40 * S, 90 * S)).toBe(1);
  });

  it('an uploadRateLimit set mid-run slows the peer’s blocks from then on', () => {
    const cfg = swarm([peer('seed', { seed: true, upload: 128 * KiB }), ...leechers('L', 4)], {
      pieces: 32,
      pieceLength: 32 * KiB,
      events: [{ at: 20 * S, peer: 0, action: 'set', settings: { uploadRateLimit: 16 * KiB } }],
    });
    const sends = [...records(run(cfg).trace)].filter((r) => r.kind === T.PIECE && r.from === 0).map((r) => r.time);
    const before = sends.filter((t) => t < 20 * S);
    const after = sends.filter((t) => t > 21 * S && t < 40 * S);
    // 128 KiB/s: a block every 0.125 s; 16 KiB/s: one a second.
    expect(before.length).toBeGreaterThan(100);
    expect(after.length).toBeLessThanOrEqual(20);
  });
});

describe('determinism with the new settings and dynamics', () => {
  it('a run with every setting and process of this file gives one trace, also after seeking back', () => {
    const cfg = swarm(
      [
        peer('seed', { seed: true, upload: 96 * KiB, settings: { superSeeding: true } }),
        peer('lazy', { seed: true, upload: 32 * KiB, joinAt: 5 * S, settings: { lazyBitfield: true } }),
        ...leechers('L', 6, { client: 'libtorrent', settings: { predictivePieceAnnounce: S } }),
        ...arrivals('A', 8, 0.5, { seedingTime: { distribution: 'exponential', mean: 10 * S }, settings: { pieceSelection: 'random' } }),
      ],
      { pieces: 16, pieceLength: 32 * KiB, events: [{ at: 12 * S, peer: 2, action: 'set', settings: { maxUploads: 2, lazyBitfield: true } }] },
    );
    const once = run(cfg);
    expect(once.result().endReason).toBe('complete');
    const again = new Sim(cfg, { checkpointEvery: 5 * S });
    again.run();
    expect(again.traceHash()).toBe(once.traceHash());
    again.seek(21 * S);
    again.stepBack();
    again.run();
    expect(again.traceHash()).toBe(once.traceHash());
  });
});
