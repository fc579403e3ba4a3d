// Torrent geometry (BEP 3): pieces of pieceLength bytes, a shorter last piece, 16 KiB blocks, block ids
// that map to pieces, and multi-file torrents laid end to end. Expected values are derived in the test
// from the rule (often byte by byte), never copied from the engine's output.
import { describe, expect, it } from 'vitest';
import { blockBegin, blockLength, blocksInPiece, filesOfPiece, geometry, pieceOf, pieceSize } from '../../src/engine/torrent';
import type { FileSpec, TorrentSpec } from '../../src/engine/types';
import { KiB } from './helpers';

const BLOCK = 16 * KiB;

function spec(pieceLength: number, size: number, files: FileSpec[] | null = null): TorrentSpec {
  return { pieceLength, pieces: Math.ceil(size / pieceLength), size, files };
}

/** Every block id that exists, with its piece and byte range, enumerated from the rule. */
function blocksByRule(t: TorrentSpec): { id: number; piece: number; begin: number; length: number }[] {
  const perPiece = t.pieceLength / BLOCK;
  const out: { id: number; piece: number; begin: number; length: number }[] = [];
  for (let piece = 0; piece < t.pieces; piece++) {
    const pieceStart = piece * t.pieceLength;
    const pieceBytes = Math.min(t.pieceLength, t.size - pieceStart);
    for (let begin = 0, k = 0; begin < pieceBytes; begin += BLOCK, k++) {
      out.push({ id: piece * perPiece + k, piece, begin, length: Math.min(BLOCK, pieceBytes - begin) });
    }
  }
  return out;
}

describe('torrent geometry', () => {
  it('a pieceLength that is not a positive multiple of 16 KiB is refused', () => {
    for (const bad of [0, -BLOCK, 1000, BLOCK + 1, 3 * BLOCK - 512, BLOCK / 2]) {
      expect(() => geometry({ pieceLength: bad, pieces: 2, size: 2 * Math.max(bad, 1), files: null }), `pieceLength ${bad}`).toThrow();
    }
    for (const good of [BLOCK, 2 * BLOCK, 3 * BLOCK, 16 * BLOCK]) {
      expect(() => geometry(spec(good, 5 * good))).not.toThrow();
    }
  });

  it('a size that does not fit pieces × pieceLength (empty or overfull last piece) is refused', () => {
    expect(() => geometry({ pieceLength: 2 * BLOCK, pieces: 3, size: 4 * BLOCK, files: null })).toThrow();
    expect(() => geometry({ pieceLength: 2 * BLOCK, pieces: 3, size: 6 * BLOCK + 1, files: null })).toThrow();
  });

  it('the last piece holds size − (pieces − 1) × pieceLength bytes and the others pieceLength', () => {
    for (const [pieceLength, size] of [
      [4 * BLOCK, 10 * 4 * BLOCK],
      [4 * BLOCK, 9 * 4 * BLOCK + 1],
      [4 * BLOCK, 9 * 4 * BLOCK + BLOCK + 7],
      [2 * BLOCK, 2 * BLOCK - 3],
    ] as const) {
      const t = spec(pieceLength, size);
      const g = geometry(t);
      expect(g.pieces).toBe(Math.ceil(size / pieceLength));
      let total = 0;
      for (let p = 0; p < g.pieces; p++) {
        const expected = p < g.pieces - 1 ? pieceLength : size - (g.pieces - 1) * pieceLength;
        expect(pieceSize(g, p)).toBe(expected);
        total += pieceSize(g, p);
      }
      expect(total).toBe(size);
      expect(g.lastPieceLength).toBe(size - (g.pieces - 1) * pieceLength);
    }
  });

  it('the last piece has ceil(its length / 16 KiB) blocks, all 16 KiB but its tail', () => {
    // 3 pieces of 64 KiB; the last holds 16 KiB + 100 bytes: two blocks, the second of 100 bytes.
    const t = spec(4 * BLOCK, 2 * 4 * BLOCK + BLOCK + 100);
    const g = geometry(t);
    expect(blocksInPiece(g, 0)).toBe(4);
    expect(blocksInPiece(g, 2)).toBe(2);
    const last = g.pieces - 1;
    const firstId = last * g.blocksPerPiece;
    expect(blockLength(g, firstId)).toBe(BLOCK);
    expect(blockLength(g, firstId + 1)).toBe(100);
    // In general: the rule's enumeration of blocks matches the engine's counts and lengths.
    for (const size of [5 * 4 * BLOCK, 5 * 4 * BLOCK - 1, 4 * 4 * BLOCK + 1, 4 * 4 * BLOCK + 3 * BLOCK + 5]) {
      const ts = spec(4 * BLOCK, size);
      const gs = geometry(ts);
      const blocks = blocksByRule(ts);
      expect(gs.totalBlocks).toBe(blocks.length);
      for (let p = 0; p < gs.pieces; p++) expect(blocksInPiece(gs, p)).toBe(blocks.filter((b) => b.piece === p).length);
      for (const b of blocks) expect(blockLength(gs, b.id), `block ${b.id} of size ${size}`).toBe(b.length);
      expect(blocks.reduce((a, b) => a + b.length, 0)).toBe(size);
    }
  });

  it('a block id is piece × blocksPerPiece + index: it maps back to its piece and its begin offset', () => {
    const t = spec(8 * BLOCK, 6 * 8 * BLOCK + 3 * BLOCK + 1);
    const g = geometry(t);
    expect(g.blocksPerPiece).toBe(8);
    expect(g.blockIds).toBe(g.pieces * 8);
    const seen = new Set<number>();
    for (const b of blocksByRule(t)) {
      expect(pieceOf(g, b.id)).toBe(b.piece);
      expect(blockBegin(g, b.id)).toBe(b.begin);
      expect(b.id).toBeLessThan(g.blockIds);
      seen.add(b.id);
    }
    expect(seen.size).toBe(g.totalBlocks);
  });
});

describe('multi-file layout', () => {
  /** The file (index, offset inside it) of every byte of the torrent, walked byte by byte. */
  function byteOwners(files: FileSpec[]): { file: number; offset: number }[] {
    const out: { file: number; offset: number }[] = [];
    files.forEach((f, i) => {
      for (let o = 0; o < f.length; o++) out.push({ file: i, offset: o });
    });
    return out;
  }

  /** The ranges a piece covers, by grouping its bytes' owners into runs. */
  function rangesByRule(t: TorrentSpec, piece: number): { file: number; offset: number; length: number }[] {
    const owners = byteOwners(t.files!);
    const start = piece * t.pieceLength;
    const end = Math.min(start + t.pieceLength, t.size);
    const out: { file: number; offset: number; length: number }[] = [];
    for (let b = start; b < end; b++) {
      const o = owners[b]!;
      const last = out[out.length - 1];
      if (last && last.file === o.file && last.offset + last.length === o.offset) last.length++;
      else out.push({ file: o.file, offset: o.offset, length: 1 });
    }
    return out;
  }

  const files: FileSpec[] = [
    { path: 'a.bin', length: 40_000 },
    { path: 'empty', length: 0 },
    { path: 'b.bin', length: 10_000 },
    { path: 'c/d.bin', length: BLOCK * 2 },
    { path: 'e.bin', length: 1 },
  ];
  const size = files.reduce((a, f) => a + f.length, 0);
  const t = spec(BLOCK * 2, size, files);

  it('files are laid end to end: every piece covers exactly the bytes of the files at its offsets', () => {
    for (let p = 0; p < t.pieces; p++) expect(filesOfPiece(t, p), `piece ${p}`).toEqual(rangesByRule(t, p));
  });

  it('the pieces together cover every byte of every file exactly once, in order', () => {
    const covered = files.map(() => 0);
    for (let p = 0; p < t.pieces; p++) {
      const ranges = filesOfPiece(t, p);
      expect(ranges.reduce((a, r) => a + r.length, 0)).toBe(pieceSize(geometry(t), p));
      for (const r of ranges) {
        expect(r.offset).toBe(covered[r.file]);
        expect(r.length).toBeGreaterThan(0);
        covered[r.file]! += r.length;
      }
    }
    expect(covered).toEqual(files.map((f) => f.length));
  });

  it('a piece that straddles two files is split at the file boundary', () => {
    // Piece 1 is bytes 32,768–65,535. a.bin ends at byte 40,000 inside it, so the piece holds a.bin's
    // last 7,232 bytes, all 10,000 bytes of b.bin (the empty file between them takes none) and the first
    // 15,536 bytes of c/d.bin.
    const p1 = filesOfPiece(t, 1);
    expect(p1.map((r) => files[r.file]!.path)).toEqual(['a.bin', 'b.bin', 'c/d.bin']);
    expect(p1[0]).toEqual({ file: 0, offset: 2 * BLOCK, length: 40_000 - 2 * BLOCK });
    expect(p1[1]).toEqual({ file: 2, offset: 0, length: 10_000 });
    expect(p1[2]).toEqual({ file: 3, offset: 0, length: 2 * BLOCK - (40_000 - 2 * BLOCK) - 10_000 });
    // Two files only: 20,000 + 20,000 bytes in pieces of 16 KiB; piece 1 (16,384–32,767) is split at 20,000.
    const two = spec(BLOCK, 40_000, [
      { path: 'x', length: 20_000 },
      { path: 'y', length: 20_000 },
    ]);
    expect(filesOfPiece(two, 1)).toEqual([
      { file: 0, offset: BLOCK, length: 20_000 - BLOCK },
      { file: 1, offset: 0, length: 2 * BLOCK - 20_000 },
    ]);
  });

  it('a single-file torrent maps each piece onto file 0 at piece × pieceLength', () => {
    const single = spec(BLOCK, 3 * BLOCK + 5);
    for (let p = 0; p < single.pieces; p++) {
      expect(filesOfPiece(single, p)).toEqual([{ file: 0, offset: p * BLOCK, length: Math.min(BLOCK, single.size - p * BLOCK) }]);
    }
  });
});
