// The subject's announcements in detail and its unchoke intervals, over random small swarms: every
// bitfield and have is listed in trace order, a have's recipients add up to the stated have count, a
// bitfield lists exactly the pieces verified before it, unchoke intervals never overlap, and every
// block the subject started sending lies inside an interval for its recipient.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subjectReport } from '../../src/analysis/report';
import { records, T } from '../../src/engine/trace';
import { randomSwarmWithSubject } from '../engine/arbitraries';
import { run } from '../engine/rules';
import { KiB, peer, swarm } from '../engine/helpers';



const RUNS = { numRuns: 40 };

describe('advertised.messages', () => {
  it('lists every BITFIELD and HAVE of the subject in order; Σ have recipients = advertised.haves; a bitfield holds the pieces verified before it', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const sim = run(config);
        const report = subjectReport(sim)!;
        const s = config.peers.findIndex((p) => p.subject);
        const names = config.peers.map((p) => p.name);
        const verified = new Set<number>();
        if (config.peers[s]!.seed) for (let k = 0; k < config.torrent.pieces; k++) verified.add(k);
        const expected: { kind: string; at: number; to?: string[]; pieces: number[]; count: number }[] = [];
        for (const r of records(sim.trace)) {
          if (r.from !== s) continue;
          if (r.kind === T.VERIFIED) verified.add(r.x);
          if (r.kind === T.BITFIELD) {
            expected.push({ kind: 'bitfield', at: r.time / 1e6, to: [names[r.to]!], pieces: [...verified].sort((a, b) => a - b), count: r.x });
          }
          if (r.kind === T.HAVE) expected.push({ kind: 'have', at: r.time / 1e6, pieces: [r.x], count: r.y });
        }
        const m = report.advertised.messages;
        expect(m.map((x) => [x.kind, x.at, x.pieces])).toEqual(expected.map((x) => [x.kind, x.at, x.pieces]));
        for (const [i, x] of m.entries()) {
          expect(x.verified).toBe(true);
          // A bitfield's length is the count its record states; a have reaches as many peers as its record says.
          if (x.kind === 'bitfield') {
            expect(x.to).toEqual(expected[i]!.to);
            expect(x.pieces.length).toBe(expected[i]!.count);
          } else {
            expect(x.to.length).toBe(expected[i]!.count);
            expect(new Set(x.to).size).toBe(x.to.length);
            expect(x.to).not.toContain(report.name);
          }
        }
        expect(m.filter((x) => x.kind === 'have').reduce((a, x) => a + x.to.length, 0)).toBe(report.advertised.haves);
        expect(m.filter((x) => x.kind === 'bitfield').length).toBe(report.advertised.bitfields);
      }),
      RUNS,
    );
  });
});

describe('advertised.unchokedIntervals', () => {
  it('never overlap per peer, lie within the report, and hold every PIECE the subject started sending to that peer', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const sim = run(config);
        const report = subjectReport(sim)!;
        const s = config.peers.findIndex((p) => p.subject);
        const byName = new Map(report.advertised.unchokedIntervals.map((u) => [u.name, u.intervals]));
        for (const intervals of byName.values()) {
          expect(intervals.length).toBeGreaterThan(0);
          for (const [i, [from, to]] of intervals.entries()) {
            expect(from).toBeLessThanOrEqual(to);
            expect(to).toBeLessThanOrEqual(report.asOf);
            if (i > 0) expect(intervals[i - 1]![1]).toBeLessThanOrEqual(from);
          }
        }
        for (const r of records(sim.trace)) {
          if (r.kind !== T.PIECE || r.from !== s) continue;
          const at = r.time / 1e6;
          const intervals = byName.get(config.peers[r.to]!.name) ?? [];
          expect(intervals.some(([from, to]) => from <= at && at <= to)).toBe(true);
        }
        // Every peer the subject unchoked appears, and no other.
        const unchoked = new Set<string>();
        for (const r of records(sim.trace)) if (r.kind === T.UNCHOKE && r.from === s) unchoked.add(config.peers[r.to]!.name);
        expect(new Set(byName.keys())).toEqual(unchoked);
      }),
      RUNS,
    );
  });
});

describe('piecesTouched', () => {
  it('counts the pieces of which a recipient got at least one block from the subject; whole ≤ verified ≤ touched', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const sim = run(config);
        const report = subjectReport(sim)!;
        const s = config.peers.findIndex((p) => p.subject);
        const perBlock = config.torrent.pieceLength / (16 * KiB);
        const touched = new Map<string, Set<number>>();
        for (const r of records(sim.trace)) {
          if (r.kind !== T.RECEIVED || r.from !== s) continue;
          const name = config.peers[r.to]!.name;
          touched.set(name, (touched.get(name) ?? new Set()).add(Math.floor(r.x / perBlock)));
        }
        for (const x of report.recipients) {
          expect(x.piecesTouched).toBe(touched.get(x.name)!.size);
          expect(x.wholePieces).toBeLessThanOrEqual(x.piecesTouched);
          expect(x.verifiedPieces).toBeLessThanOrEqual(x.piecesTouched);
        }
        expect(report.uploaded.piecesTouched).toBe(new Set([...touched.values()].flatMap((t) => [...t])).size);
      }),
      RUNS,
    );
  });
});

describe('by hand', () => {
  it('the subject as the only seed sends one bitfield of every piece, and unchokes its leecher until the leecher leaves', () => {
    const config = swarm([peer('me', { seed: true, subject: true }), peer('L', { leaveAfterComplete: 0 })], { pieces: 4, pieceLength: 32 * KiB });
    const report = subjectReport(run(config))!;
    expect(report.advertised.messages).toEqual([
      { kind: 'bitfield', at: expect.any(Number) as number, to: ['L'], pieces: [0, 1, 2, 3], verified: true },
    ]);
    const [u] = report.advertised.unchokedIntervals;
    expect(u!.name).toBe('L');
    expect(u!.intervals).toHaveLength(1);
    // L leaves the moment it completes: the interval ends at its LEAVE, which is the run's end.
    expect(u!.intervals[0]![1]).toBe(report.asOf);
    expect(report.recipients[0]!.piecesTouched).toBe(4);
  });
});
