// Tiny swarms where every figure of the subject report is known by hand. Topology cannot be forced,
// so the chains are built from timing: a peer that joins after everyone but one source has left can
// only get its copy from that source.
import { describe, expect, it } from 'vitest';
import { consume, createLedger } from '../../src/analysis/ledger';
import { shares, subjectReport, type SubjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import { geometry } from '../../src/engine/torrent';
import type { SimConfig } from '../../src/engine/types';
import { KiB, peer, S, swarm } from '../engine/helpers';

function run(config: SimConfig): { sim: Sim; report: SubjectReport } {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.run();
  const report = subjectReport(sim);
  if (report === null) throw new Error('expected a subject');
  return { sim, report };
}

// 4 pieces of 2 blocks, the last piece 10,000 bytes (one short block): 7 blocks, 108,304 bytes.
const geo = { pieceLength: 32 * KiB, size: 3 * 32 * KiB + 10_000 };
const SIZE = 3 * 32 * KiB + 10_000;

describe('subject report, by hand', () => {
  it('no subject: no report', () => {
    const sim = new Sim(swarm([peer('seed', { seed: true }), peer('L')], geo), { checkpointEvery: 0 });
    sim.run();
    expect(subjectReport(sim)).toBeNull();
  });

  it('the subject is the only seed and one leecher gets everything from it', () => {
    const { sim, report } = run(swarm([peer('me', { seed: true, subject: true }), peer('L')], geo));
    const g = geometry(sim.config.torrent);
    expect(g.totalBlocks).toBe(7);
    expect(report.name).toBe('me');
    expect(report.advertised).toMatchObject({ bitfields: 1, haves: 0, peersInformed: 1, haveRecipientsMismatch: 0 });
    expect(report.advertised.firstAt).toBeGreaterThan(0);
    expect(report.uploaded).toEqual({
      bytes: SIZE,
      blocks: 7,
      wholePieces: 4,
      recipients: 1,
      // An initial seed is complete from its join: everything it sent was sent after completing.
      bytesWhileDownloading: 0,
      bytesAfterComplete: SIZE,
      lostBytes: 0,
      piecesTouched: 4,
    });
    expect(report.recipients).toHaveLength(1);
    expect(report.recipients[0]).toMatchObject({
      name: 'L',
      bytes: SIZE,
      blocks: 7,
      wholePieces: 4,
      verifiedPieces: 4,
      completed: true,
      directShare: 1,
      downstreamShare: 0,
    });
    expect(report.recipients[0]!.firstAt).toBeLessThanOrEqual(report.recipients[0]!.lastAt);
    expect(report.completedThirdParties).toBe(1);
    expect(report.completeCopyFromSubjectAlone).toBe(true);
    expect(report.contributedToCompleteCopy).toBe(true);
    expect(report.ratio).toBeNull();
    expect(report.downloadedBytes).toBe(0);
    expect(report.downstreamOnly).toEqual([]);
    // The engine agrees on the bytes.
    expect(sim.result().peers[0]!.uploadedBytes).toBe(SIZE);
  });

  it('a subject that uploads nothing still advertises, and sends nothing to anyone', () => {
    const config = swarm(
      [peer('seed', { seed: true, upload: 256 * KiB }), peer('L-1'), peer('L-2'), peer('L-3'), peer('me', { subject: true, upload: 0 })],
      { pieces: 8 },
    );
    const { sim, report } = run(config);
    expect(report.advertised.haves).toBeGreaterThan(0);
    expect(report.advertised.peersInformed).toBeGreaterThan(0);
    expect(report.advertised.peersInformed).toBeLessThanOrEqual(4);
    expect(report.advertised.haveRecipientsMismatch).toBe(0);
    expect(report.uploaded).toEqual({
      bytes: 0,
      blocks: 0,
      wholePieces: 0,
      recipients: 0,
      bytesWhileDownloading: 0,
      bytesAfterComplete: 0,
      lostBytes: 0,
      piecesTouched: 0,
    });
    expect(report.recipients).toEqual([]);
    expect(report.downstreamOnly).toEqual([]);
    expect(report.completeCopyFromSubjectAlone).toBe(false);
    expect(report.contributedToCompleteCopy).toBe(false);
    expect(report.completedThirdParties).toBe(3);
    expect(report.ratio).toBe(0);
    expect(report.downloadedBytes).toBe(sim.result().peers[4]!.downloadedBytes);
    const ledger = createLedger(config);
    consume(ledger, sim.trace);
    for (let p = 0; p < config.peers.length; p++) expect(shares(ledger, p)).toEqual({ direct: 0, downstream: 0 });
  });

  it('a chain seed → subject → A → B: A holds a copy direct from the subject, B one that descends from it', () => {
    // The seed leaves before A joins; the subject leaves before B joins; so A's only source is the
    // subject and B's only source is A.
    const config = swarm(
      [
        peer('seed', { seed: true, upload: 256 * KiB, leaveAt: 10 * S }),
        peer('me', { subject: true, upload: 128 * KiB, leaveAt: 30 * S }),
        peer('A', { joinAt: 11 * S, upload: 128 * KiB }),
        peer('B', { joinAt: 31 * S }),
      ],
      geo,
    );
    const { sim, report } = run(config);
    const r = sim.result();
    expect(r.peers.map((p) => p.completedAt !== null)).toEqual([true, true, true, true]);
    expect(r.peers[1]!.completedAt!).toBeLessThan(10 * S);
    expect(r.peers[2]!.completedAt!).toBeLessThan(30 * S);
    expect(report.uploaded).toMatchObject({ bytes: SIZE, blocks: 7, wholePieces: 4, recipients: 1, bytesWhileDownloading: 0, bytesAfterComplete: SIZE });
    expect(report.recipients.map((x) => [x.name, x.directShare, x.downstreamShare])).toEqual([['A', 1, 0]]);
    expect(report.downstreamOnly).toEqual([{ name: 'B', downstreamShare: 1, completed: true }]);
    expect(report.completeCopyFromSubjectAlone).toBe(true);
    expect(report.completedThirdParties).toBe(2);
    expect(report.ratio).toBe(1);
    // The subject informed the seed (its haves while downloading) and A (its bitfield); never B.
    expect(report.advertised.peersInformed).toBe(2);
    const ledger = createLedger(config);
    consume(ledger, sim.trace);
    expect(shares(ledger, 3)).toEqual({ direct: 0, downstream: 1 });
    expect(shares(ledger, 0)).toEqual({ direct: 0, downstream: 0 });
  });

  it('uploads before the subject completes count as while downloading', () => {
    // Two leechers behind one slow seed trade pieces; the subject completes after sending some.
    const config = swarm(
      [peer('seed', { seed: true, upload: 32 * KiB }), peer('me', { subject: true, upload: 256 * KiB }), peer('L', { upload: 256 * KiB })],
      { pieces: 8 },
    );
    const { report } = run(config);
    expect(report.uploaded.bytes).toBeGreaterThan(0);
    expect(report.uploaded.bytesWhileDownloading).toBeGreaterThan(0);
    expect(report.uploaded.bytesWhileDownloading + report.uploaded.bytesAfterComplete).toBe(report.uploaded.bytes);
  });
});
