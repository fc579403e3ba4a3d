// The subject report over random small swarms (fast-check): its byte counts agree with the trace and
// with the engine's own totals, shares are fractions that never claim more than was received, lineage
// never reaches a peer that nothing descended from the subject reached, the rebuilt connections give
// every HAVE record its stated recipient count, and reading the trace in pieces changes nothing.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consume, createLedger } from '../../src/analysis/ledger';
import { shares, subjectReport, type SubjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import { records, T } from '../../src/engine/trace';
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { randomSwarmWithSubject } from '../engine/arbitraries';
import { run } from '../engine/rules';
import { KiB, S } from '../engine/helpers';




/** bytesWhileDownloading / bytesAfterComplete against each block's PIECE record, every peer as the subject. */
function checkPhase(sim: Sim): void {
  const config = sim.config;
  const all = [...records(sim.trace)];
    for (const { s, report } of everySubject(sim)) {
      const doneAt = all.find((r) => r.from === s && (r.kind === T.COMPLETED || (r.kind === T.JOIN && config.peers[s]!.seed)))?.index ?? Infinity;
      const sends = new Map<string, number[]>();
      let before = 0;
      let after = 0;
      for (const r of all) {
        if (r.from !== s) continue;
        const key = `${r.to}/${r.x}`;
        if (r.kind === T.PIECE) sends.set(key, [...(sends.get(key) ?? []), r.index]);
        if (r.kind === T.LOST) sends.get(key)!.shift();
        if (r.kind === T.RECEIVED) {
          if (sends.get(key)!.shift()! < doneAt) before += r.y;
          else after += r.y;
        }
      }
      expect([report.uploaded.bytesWhileDownloading, report.uploaded.bytesAfterComplete]).toEqual([before, after]);
    }
}

const RUNS = { numRuns: 30 };

/** The same run seen with peer p as the subject (the flag only marks a peer; the trace does not depend on it). */
function asSubject(config: SimConfig, p: number): SimConfig {
  return { ...config, peers: config.peers.map((x, i) => ({ ...x, subject: i === p })) };
}

/** Every peer of the run in turn as the subject: its config and its report. */
function everySubject(sim: Sim): { s: number; config: SimConfig; report: SubjectReport }[] {
  const result = sim.result();
  return sim.config.peers.map((_, s) => {
    const config = asSubject(sim.config, s);
    return { s, config, report: subjectReport({ config, trace: sim.trace, result })! };
  });
}

describe('subject report properties', () => {
  it('bytes agree: Σ recipients = uploaded = Σ RECEIVED from the subject = engine uploadedBytes − LOST (every peer as the subject)', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const sim = run(config);
        const all = [...records(sim.trace)];
        for (const { s, report } of everySubject(sim)) {
          let received = 0;
          let receivedBlocks = 0;
          let lost = 0;
          let downloaded = 0;
          let haves = 0;
          let bitfields = 0;
          const perRecipient = new Map<string, number>();
          for (const r of all) {
            if (r.kind === T.RECEIVED && r.from === s) {
              received += r.y;
              receivedBlocks++;
              const name = config.peers[r.to]!.name;
              perRecipient.set(name, (perRecipient.get(name) ?? 0) + r.y);
            }
            if (r.kind === T.RECEIVED && r.to === s) downloaded += r.y;
            if (r.kind === T.LOST && r.from === s) lost += r.y;
            if (r.kind === T.HAVE && r.from === s) haves += r.y;
            if (r.kind === T.BITFIELD && r.from === s) bitfields++;
          }
          const engine = sim.result().peers[s]!;
          expect(report.recipients.reduce((a, r) => a + r.bytes, 0)).toBe(report.uploaded.bytes);
          expect(report.uploaded.bytes).toBe(received);
          expect(report.uploaded.blocks).toBe(receivedBlocks);
          expect(report.uploaded.lostBytes).toBe(lost);
          expect(report.uploaded.bytes).toBe(engine.uploadedBytes - lost);
          expect(report.downloadedBytes).toBe(engine.downloadedBytes);
          expect(new Map(report.recipients.map((r) => [r.name, r.bytes]))).toEqual(perRecipient);
          expect(report.uploaded.recipients).toBe(perRecipient.size);
          expect(report.advertised.haves).toBe(haves);
          expect(report.advertised.bitfields).toBe(bitfields);
          expect(report.ratio).toBe(downloaded === 0 ? null : received / downloaded);
        }
      }),
      RUNS,
    );
  });

  it('the phase split follows each block’s PIECE record: sent before the subject completed (an initial seed: joined) or after', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        checkPhase(run(config));
      }),
      RUNS,
    );
  });

  it('the rebuilt connections give every HAVE record exactly its stated recipients (every peer as the subject)', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        for (const { report } of everySubject(run(config))) {
          expect(report.advertised.haveRecipientsMismatch).toBe(0);
          expect(report.advertised.peersInformed).toBeLessThan(config.peers.length);
          if (report.advertised.peersInformed > 0) expect(report.advertised.firstAt).not.toBeNull();
        }
      }),
      { numRuns: 100 },
    );
  });

  it('directShare = bytes of the blocks whose first arrival at that peer came from the subject (endgame duplicates replace nothing)', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const sim = run(config);
        const first = new Map<string, { from: number; bytes: number }>();
        for (const r of records(sim.trace)) {
          const key = `${r.to}/${r.x}`;
          if (r.kind === T.RECEIVED && !first.has(key)) first.set(key, { from: r.from, bytes: r.y });
        }
        for (const { s, report } of everySubject(sim)) {
          for (const rec of report.recipients) {
            const p = config.peers.findIndex((x) => x.name === rec.name);
            let direct = 0;
            for (const [key, f] of first) if (key.startsWith(`${p}/`) && f.from === s) direct += f.bytes;
            expect(rec.directShare).toBe(direct / config.torrent.size);
          }
        }
      }),
      RUNS,
    );
  });

  it('shares are fractions, direct ≤ received from the subject, and lineage reaches only peers something from the subject reached', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const sim = run(config);
        const report = subjectReport(sim)!;
        const s = config.peers.findIndex((p) => p.subject);
        const size = config.torrent.size;
        // Peers reached, transitively in trace order, by a block sent by the subject or by a reached peer.
        const reached = new Set<number>([s]);
        for (const r of records(sim.trace)) if (r.kind === T.RECEIVED && reached.has(r.from)) reached.add(r.to);
        const ledger = createLedger(config);
        consume(ledger, sim.trace);
        for (let p = 0; p < config.peers.length; p++) {
          if (p === s) continue;
          const { direct, downstream } = shares(ledger, p);
          expect(direct).toBeGreaterThanOrEqual(0);
          expect(downstream).toBeGreaterThanOrEqual(0);
          // Shares are byte counts over the size: compare the bytes, not the rounded fractions.
          expect(Math.round(direct * size) + Math.round(downstream * size)).toBeLessThanOrEqual(size);
          if (!reached.has(p)) expect([direct, downstream]).toEqual([0, 0]);
        }
        for (const r of report.recipients) {
          expect(r.directShare).toBeGreaterThanOrEqual(0);
          expect(Math.round(r.directShare * size)).toBeLessThanOrEqual(r.bytes);
          expect(Math.round(r.downstreamShare * size) + Math.round(r.directShare * size)).toBeLessThanOrEqual(size);
          expect(r.firstAt).toBeLessThanOrEqual(r.lastAt);
          expect(r.wholePieces).toBeLessThanOrEqual(config.torrent.pieces);
        }
        if (report.completeCopyFromSubjectAlone) expect(report.recipients.some((r) => r.directShare === 1)).toBe(true);
      }),
      RUNS,
    );
  });

  it('consuming the trace in several chunks gives the same report as consuming it at once', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }), (config, cuts) => {
        const sim = run(config);
        const whole = subjectReport(sim);
        const ledger = createLedger(config, sim.geometry);
        const points = cuts.map((c) => Math.floor(c * sim.trace.length)).sort((a, b) => a - b);
        for (const at of points) consume(ledger, sim.trace, at);
        consume(ledger, sim.trace);
        expect(subjectReport(sim, ledger)).toEqual(whole);
      }),
      RUNS,
    );
  });

  it('a ledger fed while the run goes, frame by frame, ends with the same report', () => {
    fc.assert(
      fc.property(randomSwarmWithSubject, (config) => {
        const live = new Sim(config, { checkpointEvery: 0 });
        const ledger = createLedger(config, live.geometry);
        for (let t = 0; !live.done; t += 2 * S) {
          live.runUntil(t);
          consume(ledger, live.trace);
        }
        expect(subjectReport(live, ledger)).toEqual(subjectReport(run(config)));
      }),
      { numRuns: 10 },
    );
  });
});

describe('a mid-sized swarm (rare timings happen here)', () => {
  // 24 leechers joining over 20 s with latencies from 0 to 115 ms, some leaving early: blocks in
  // flight when a peer completes, haves sent within a handshake's latency, connections cut short.
  const peers: PeerSpec[] = [
    { ...leecherSpec('seed', 0, 0), seed: true, upload: 512 * KiB },
    ...Array.from({ length: 24 }, (_, i) => ({
      ...leecherSpec(`L-${i + 1}`, (i * 5) % 116 * 1000, (i % 8) * 2.5 * S),
      leaveAt: i % 5 === 4 ? 25 * S + i * S : null,
      leaveAfterComplete: i % 3 === 0 ? 2 * S : null,
    })),
  ];
  const config: SimConfig = { name: 'mid', seed: 7, torrent: { pieceLength: 64 * KiB, pieces: 24, size: 24 * 64 * KiB, files: null }, stopAt: null, peers, events: [] };
  const sim = run(config);

  it('the phase split, every peer as the subject', () => checkPhase(sim));

  it('the rebuilt connections, every peer as the subject', () => {
    for (const { report } of everySubject(sim)) expect(report.advertised.haveRecipientsMismatch).toBe(0);
  });
});

function leecherSpec(name: string, latency: number, joinAt: number): PeerSpec {
  return { name, group: name, seed: false, subject: false, investigator: false, upload: 96 * KiB, download: 512 * KiB, latency, joinAt, leaveAt: null, leaveAfterComplete: null, client: 'mainline', settings: {} };
}
