// The charts' time series (src/analysis/series.ts): by hand on a tiny swarm, then over random swarms:
// the series read while the run goes (frame by frame, with seeks back) equals the series of a fresh
// run stopped at the same time, and its current values agree with the subject report and the ledger
// computed at that time.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consume, createLedger } from '../../src/analysis/ledger';
import { subjectReport } from '../../src/analysis/report';
import { advanceSeries, availabilityStats, createSeries, lastValue, syncSeries, valueAt, type Series } from '../../src/analysis/series';
import { Sim } from '../../src/engine/sim';
import { pieceSize } from '../../src/engine/torrent';
import type { SimConfig } from '../../src/engine/types';
import { randomSwarmWithSubject } from '../engine/arbitraries';
import { KiB, peer, S, swarm } from '../engine/helpers';

/** A fresh run of `config` stopped at t (µs), and its series read in one go. */
function seriesAt(config: SimConfig, t: number): { sim: Sim; series: Series } {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.runUntil(t);
  const series = createSeries(config, sim.geometry);
  advanceSeries(series, sim.trace);
  return { sim, series };
}

/** The series' current figures against the report and the ledger of the same run at the same moment. */
function checkAgainstReport(sim: Sim, series: Series): void {
  const ledger = createLedger(sim.config, sim.geometry);
  consume(ledger, sim.trace);
  const report = subjectReport(sim, ledger)!;
  expect(lastValue(series.sent)).toBe(report.uploaded.bytes);
  const announced = new Set(report.advertised.messages.filter((m) => m.to.length > 0).flatMap((m) => m.pieces));
  expect(lastValue(series.advertised)).toBe([...announced].reduce((a, p) => a + pieceSize(sim.geometry, p), 0));
  const result = sim.result();
  const completed = result.peers.filter((p) => !p.seed && p.completedAt !== null).length;
  expect(lastValue(series.completed)).toBe(completed);
  const present = result.peers.map((p) => p.joinedAt !== null && p.leftAt === null);
  expect(series.present).toBe(present.filter(Boolean).length);
  const P = sim.geometry.pieces;
  for (let piece = 0; piece < P; piece++) {
    const copies = present.reduce((a, here, i) => a + (here && ledger.verified[i * P + piece] === 1 ? 1 : 0), 0);
    expect(series.availability[piece], `piece ${piece}`).toBe(copies);
  }
}

describe('chart series, by hand', () => {
  // The subject is the only seed; two leechers join at 0 and 5 s: 4 pieces of 32 KiB.
  const config = swarm(
    [peer('me', { seed: true, subject: true, upload: 64 * KiB }), peer('A', { upload: 0 }), peer('B', { upload: 0, joinAt: 5 * S })],
    { pieceLength: 32 * KiB, pieces: 4 },
  );
  const { sim, series } = seriesAt(config, 1e9);

  it('made available: the whole file from the first bitfield on', () => {
    const firstBitfield = series.advertised.times[0]!;
    expect(series.advertised.values).toEqual([128 * KiB]);
    expect(valueAt(series.advertised, firstBitfield - 1)).toBe(0);
    expect(valueAt(series.advertised, firstBitfield)).toBe(128 * KiB);
  });

  it('sent: every block to both leechers (the others upload nothing), growing one block at a time', () => {
    expect(lastValue(series.sent)).toBe(2 * 128 * KiB);
    for (let k = 1; k < series.sent.values.length; k++) {
      expect(series.sent.values[k]).toBeGreaterThan(series.sent.values[k - 1]!);
      expect(series.sent.times[k]).toBeGreaterThan(series.sent.times[k - 1]!);
    }
  });

  it('completed: both leechers, at their COMPLETED times; availability: three copies of every piece', () => {
    const done = sim.result().peers.filter((p) => !p.seed).map((p) => p.completedAt!).sort((a, b) => a - b);
    expect(series.completed.times).toEqual(done);
    expect(series.completed.values).toEqual([1, 2]);
    expect(series.leechers).toBe(2);
    expect([...series.availability]).toEqual([3, 3, 3, 3]);
    expect(availabilityStats(series)).toEqual({ min: 3, max: 3, mean: 3, rarest: [0, 1, 2, 3] });
    checkAgainstReport(sim, series);
  });

  it('availability counts only peers present: at 2 s B has not joined and A holds what it verified', () => {
    const early = seriesAt(config, 2 * S);
    expect(early.series.present).toBe(2);
    checkAgainstReport(early.sim, early.series);
  });
});

describe('chart series over random swarms', () => {
  it('a series read frame by frame, with seeks back, equals the series of a fresh run stopped at the same time', () => {
    fc.assert(
      fc.property(
        randomSwarmWithSubject,
        fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.boolean()), { minLength: 1, maxLength: 5 }),
        (config, moves) => {
          const whole = new Sim(config, { checkpointEvery: 0 });
          whole.run();
          const end = whole.now;
          const live = new Sim(config, { checkpointEvery: 3 * S });
          let series = createSeries(config, live.geometry);
          for (const [at, frames] of moves) {
            const t = Math.round(at * end);
            if (frames && t > live.now) {
              // Played forward in small steps, the series read after each.
              for (let u = live.now; u < t; u += S / 2) {
                live.runUntil(Math.min(t, u + S / 2));
                series = syncSeries(series, live.trace);
              }
            } else {
              live.seek(t);
              series = syncSeries(series, live.trace);
            }
            const fresh = seriesAt(config, t);
            expect(live.now).toBe(fresh.sim.now);
            expect(series).toEqual(fresh.series);
            checkAgainstReport(live, series);
          }
        },
      ),
      { numRuns: 25 },
    );
  });

  it('after a seek back the series forgets what came later and reads the replay again', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, fc.double({ min: 0, max: 1, noNaN: true }), (config, at) => {
        const live = new Sim(config, { checkpointEvery: 2 * S });
        live.run();
        const atEnd = syncSeries(createSeries(config, live.geometry), live.trace);
        const t = Math.round(at * live.now);
        live.seek(t);
        const back = syncSeries(atEnd, live.trace);
        expect(back.next).toBe(live.trace.length);
        expect(back.sent.times.every((time) => time <= t)).toBe(true);
        expect(back).toEqual(seriesAt(config, t).series);
        // Every point of the whole run's series up to t is in the rewound one, and nothing after.
        expect(back.sent.times).toEqual(atEnd.sent.times.filter((time) => time <= t));
      }),
      { numRuns: 25 },
    );
  });
});
