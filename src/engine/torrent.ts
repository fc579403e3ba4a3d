// Torrent geometry (BEP 3): pieces of pieceLength bytes, a shorter last piece, 16 KiB blocks.
// Block ids are piece × blocksPerPiece + block, so a block id maps to its piece with one division;
// the last piece's missing block ids are never used.
import type { TorrentSpec } from './types';

export const BLOCK = 16384;

export interface Geometry {
  pieceLength: number;
  pieces: number;
  size: number;
  blocksPerPiece: number;
  lastPieceLength: number;
  lastPieceBlocks: number;
  /** Size of the block id space: pieces × blocksPerPiece. */
  blockIds: number;
  /** Blocks that really exist. */
  totalBlocks: number;
}

export function geometry(t: TorrentSpec): Geometry {
  if (t.pieceLength <= 0 || t.pieceLength % BLOCK !== 0) throw new Error('pieceLength must be a positive multiple of 16 KiB');
  const lastPieceLength = t.size - (t.pieces - 1) * t.pieceLength;
  if (lastPieceLength <= 0 || lastPieceLength > t.pieceLength) throw new Error('size does not match pieces × pieceLength');
  const blocksPerPiece = t.pieceLength / BLOCK;
  const lastPieceBlocks = Math.ceil(lastPieceLength / BLOCK);
  return {
    pieceLength: t.pieceLength,
    pieces: t.pieces,
    size: t.size,
    blocksPerPiece,
    lastPieceLength,
    lastPieceBlocks,
    blockIds: t.pieces * blocksPerPiece,
    totalBlocks: (t.pieces - 1) * blocksPerPiece + lastPieceBlocks,
  };
}

export function pieceOf(g: Geometry, blockId: number): number {
  return Math.floor(blockId / g.blocksPerPiece);
}

// These three run on every block. Each reads and computes what both of its answers need on every
// call, and only then picks one: code that only the last piece reached would have no type feedback in
// the optimized functions that inline it (the handlers of every block), and V8 throws those away the
// first time a block of the last piece comes by, in the middle of a run (seen with --trace-deopt:
// onArrive, startSend and onSendDone, "Insufficient type feedback", on each thread).

export function blocksInPiece(g: Geometry, piece: number): number {
  const last = g.lastPieceBlocks;
  const other = g.blocksPerPiece;
  return piece === g.pieces - 1 ? last : other;
}

export function pieceSize(g: Geometry, piece: number): number {
  const last = g.lastPieceLength;
  const other = g.pieceLength;
  return piece === g.pieces - 1 ? last : other;
}

/** Payload bytes of a block: 16 KiB except the tail of the last piece. */
export function blockLength(g: Geometry, blockId: number): number {
  const piece = Math.floor(blockId / g.blocksPerPiece);
  const inLast = piece === g.pieces - 1;
  // What is left of the last piece from this block's begin on (meaningless for other pieces).
  const tail = g.lastPieceLength - (blockId - piece * g.blocksPerPiece) * BLOCK;
  const short = tail < BLOCK;
  return inLast && short ? tail : BLOCK;
}

/** Byte offset of a block inside its piece (the `begin` field of request, piece and cancel). */
export function blockBegin(g: Geometry, blockId: number): number {
  return (blockId % g.blocksPerPiece) * BLOCK;
}

/** The file-relative byte ranges a piece covers in a multi-file torrent (files laid end to end). */
export function filesOfPiece(t: TorrentSpec, piece: number): { file: number; offset: number; length: number }[] {
  if (!t.files) return [{ file: 0, offset: piece * t.pieceLength, length: Math.min(t.pieceLength, t.size - piece * t.pieceLength) }];
  const start = piece * t.pieceLength;
  const end = Math.min(start + t.pieceLength, t.size);
  const out: { file: number; offset: number; length: number }[] = [];
  let fileStart = 0;
  for (let f = 0; f < t.files.length; f++) {
    const len = t.files[f]!.length;
    const fileEnd = fileStart + len;
    const a = Math.max(start, fileStart);
    const b = Math.min(end, fileEnd);
    if (b > a) out.push({ file: f, offset: a - fileStart, length: b - a });
    fileStart = fileEnd;
    if (fileStart >= end) break;
  }
  return out;
}
