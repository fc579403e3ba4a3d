// The subject report per file: hand-built multi-file torrents where every figure is known, and random
// multi-file swarms checked against an independent split made with the engine's filesOfPiece.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subjectReport, type SubjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import { blockBegin, filesOfPiece, geometry, pieceOf } from '../../src/engine/torrent';
import { records, T } from '../../src/engine/trace';
import type { FileSpec, SimConfig } from '../../src/engine/types';
import { randomSwarm } from '../engine/arbitraries';
import { KiB, peer, S, swarm } from '../engine/helpers';

function withFiles(config: SimConfig, files: FileSpec[]): SimConfig {
  const size = files.reduce((a, f) => a + f.length, 0);
  const { pieceLength } = config.torrent;
  return { ...config, torrent: { pieceLength, pieces: Math.ceil(size / pieceLength), size, files } };
}

function run(config: SimConfig): { sim: Sim; report: SubjectReport } {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.run();
  return { sim, report: subjectReport(sim)! };
}

// 32 KiB pieces (2 blocks). a = [0, 40000), b = [40000, 70000), c = [70000, 120000): piece 1
// ([32768, 65536)) holds the end of a and the start of b; piece 2 ([65536, 98304)) the end of b and
// the start of c. Block 2 ([32768, 49152)) holds 7232 bytes of a and 8768 of b.
const FILES: FileSpec[] = [
  { path: 'books/a.epub', length: 40_000 },
  { path: 'books/b.epub', length: 30_000 },
  { path: 'books/c.epub', length: 50_000 },
];

describe('files section, by hand', () => {
  it('the subject as sole seed and one leecher over 3 files: every file whole at the leecher, all of it direct', () => {
    const config = withFiles(swarm([peer('me', { seed: true, subject: true }), peer('L')], { pieceLength: 32 * KiB }), FILES);
    const { report } = run(config);
    expect(config.torrent.pieces).toBe(4);
    expect(report.files.map((f) => [f.path, f.length, f.bytesSent, f.straddlingPieces, f.firstPiece, f.lastPiece])).toEqual([
      ['books/a.epub', 40_000, 40_000, [1], 0, 1],
      ['books/b.epub', 30_000, 30_000, [1, 2], 1, 2],
      ['books/c.epub', 50_000, 50_000, [2], 2, 3],
    ]);
    for (const f of report.files) {
      expect(f.recipientsWithWholeFile).toEqual([{ name: 'L', directShareOfFile: 1, downstreamShareOfFile: 0 }]);
      expect(f.ratio).toBeNull();
      expect(f.bytesReceived).toBe(0);
      expect(f.recipients).toBe(1);
    }
    expect(report.files.reduce((a, f) => a + f.bytesSent, 0)).toBe(report.uploaded.bytes);
  });

  it('a chain seed → subject → A → B over 3 files: A direct, B downstream, the subject’s ratio 1 per file', () => {
    const config = withFiles(
      swarm(
        [
          peer('seed', { seed: true, upload: 256 * KiB, leaveAt: 10 * S }),
          peer('me', { subject: true, upload: 128 * KiB, leaveAt: 30 * S }),
          peer('A', { joinAt: 11 * S, upload: 128 * KiB }),
          peer('B', { joinAt: 31 * S }),
        ],
        { pieceLength: 32 * KiB },
      ),
      FILES,
    );
    const { report } = run(config);
    for (const f of report.files) {
      expect(f.bytesSent).toBe(f.length);
      expect(f.bytesReceived).toBe(f.length);
      expect(f.ratio).toBe(1);
      expect(f.recipientsWithWholeFile).toEqual([
        { name: 'A', directShareOfFile: 1, downstreamShareOfFile: 0 },
        { name: 'B', directShareOfFile: 0, downstreamShareOfFile: 1 },
      ]);
    }
  });

  it('a single-file torrent has one entry: the scenario’s name, the whole size, the whole upload', () => {
    const config = swarm([peer('me', { seed: true, subject: true }), peer('L')], { pieceLength: 32 * KiB, size: 100_000 });
    const { report } = run(config);
    expect(report.files).toHaveLength(1);
    expect(report.files[0]).toMatchObject({ path: 'test swarm', length: 100_000, bytesSent: 100_000, straddlingPieces: [], firstPiece: 0, lastPiece: 3 });
  });

  it('an empty file sits between two others without a piece of its own', () => {
    const files = [{ path: 'x', length: 20_000 }, { path: 'empty', length: 0 }, { path: 'y', length: 20_000 }];
    const config = withFiles(swarm([peer('me', { seed: true, subject: true }), peer('L')], { pieceLength: 16 * KiB }), files);
    const { report } = run(config);
    expect(report.files.map((f) => [f.bytesSent, f.straddlingPieces, f.recipientsWithWholeFile.length, f.firstPiece])).toEqual([
      [20_000, [1], 1, 0],
      [0, [], 0, null],
      [20_000, [1], 1, 1],
    ]);
  });
});

/** A random split of `size` bytes into 1–5 files (empty files included). */
const splitArb = (size: number) =>
  fc.array(fc.integer({ min: 0, max: size }), { maxLength: 4 }).map((cuts): FileSpec[] => {
    const points = [0, ...cuts.sort((a, b) => a - b), size];
    return points.slice(1).map((end, i) => ({ path: `f${i}`, length: end - points[i]! }));
  });

const multiFileArb = fc
  .tuple(randomSwarm(false), fc.nat())
  .chain(([config, pick]) => splitArb(config.torrent.size).map((files) => ({ config, files, pick })))
  .map(({ config, files, pick }): SimConfig => {
    const peers = config.peers.map((p, i) => ({ ...p, subject: i === pick % config.peers.length }));
    return { ...config, peers, torrent: { ...config.torrent, files } };
  });

/** Per file: bytes of RECEIVED records from (or to) the subject, split with filesOfPiece. */
function splitWithFilesOfPiece(sim: Sim, s: number): { sent: number[]; received: number[] } {
  const t = sim.config.torrent;
  const g = geometry(t);
  const sent = new Array<number>(t.files!.length).fill(0);
  const received = sent.slice();
  for (const r of records(sim.trace)) {
    if (r.kind !== T.RECEIVED || (r.from !== s && r.to !== s)) continue;
    const piece = pieceOf(g, r.x);
    const begin = blockBegin(g, r.x);
    let at = 0;
    for (const part of filesOfPiece(t, piece)) {
      const a = Math.max(at, begin);
      const b = Math.min(at + part.length, begin + r.y);
      if (b > a) (r.from === s ? sent : received)[part.file]! += b - a;
      at += part.length;
    }
  }
  return { sent, received };
}

describe('files section, properties', () => {
  it('Σ bytesSent = uploaded.bytes, Σ bytesReceived = downloadedBytes, and each file matches a split made with filesOfPiece', () => {
    fc.assert(
      fc.property(multiFileArb, (config) => {
        const { sim, report } = run(config);
        const s = config.peers.findIndex((p) => p.subject);
        expect(report.files.map((f) => f.length)).toEqual(config.torrent.files!.map((f) => f.length));
        expect(report.files.reduce((a, f) => a + f.bytesSent, 0)).toBe(report.uploaded.bytes);
        expect(report.files.reduce((a, f) => a + f.bytesReceived, 0)).toBe(report.downloadedBytes);
        const split = splitWithFilesOfPiece(sim, s);
        expect(report.files.map((f) => f.bytesSent)).toEqual(split.sent);
        expect(report.files.map((f) => f.bytesReceived)).toEqual(split.received);
        for (const f of report.files) {
          expect(f.ratio).toBe(f.bytesReceived === 0 ? null : f.bytesSent / f.bytesReceived);
          expect(f.recipients).toBeLessThanOrEqual(report.uploaded.recipients);
          if (f.bytesSent > 0) expect(f.recipients).toBeGreaterThan(0);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('straddling pieces are the pieces filesOfPiece maps to this file and another; whole copies agree with completion', () => {
    fc.assert(
      fc.property(multiFileArb, (config) => {
        const { sim, report } = run(config);
        const t = config.torrent;
        const expected = report.files.map(() => [] as number[]);
        for (let p = 0; p < t.pieces; p++) {
          const parts = filesOfPiece(t, p);
          if (parts.length > 1) for (const part of parts) expected[part.file]!.push(p);
        }
        expect(report.files.map((f) => f.straddlingPieces)).toEqual(expected);
        const result = sim.result();
        for (const f of report.files) {
          for (const x of f.recipientsWithWholeFile) {
            expect(x.directShareOfFile).toBeGreaterThanOrEqual(0);
            expect(x.downstreamShareOfFile).toBeGreaterThanOrEqual(0);
            expect(Math.round(x.directShareOfFile * f.length) + Math.round(x.downstreamShareOfFile * f.length)).toBeLessThanOrEqual(f.length);
          }
          const names = new Set(f.recipientsWithWholeFile.map((x) => x.name));
          for (const p of result.peers) {
            if (p.subject || p.seed) expect(names.has(p.name)).toBe(false);
            // A peer that completed holds every file that has a byte.
            else if (p.completedAt !== null && f.length > 0) expect(names.has(p.name)).toBe(true);
          }
        }
        expect(report.files.reduce((a, f) => a + f.length, 0)).toBe(t.size);
      }),
      { numRuns: 40 },
    );
  });
});
