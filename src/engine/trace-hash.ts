// The trace's hash: traceHash, the SHA-256 of its records in canonical form, and that form's bytes
// (chunkBytes, digestParts), with which trace-merge.ts hashes a split run's trace as it merges it.
//
// Canonical form, hashed into traceHash with SHA-256: for each run of up to 65,536 records in order,
// the little-endian bytes of its columns one after another (time f64, kind u8, from u16, to u16,
// x u32, y u32), then the aux column (f64). Chunk boundaries are fixed, so the bytes depend only on the
// records.
import { sha256 } from '@noble/hashes/sha2.js';
import { CHUNK, keptChunk, type Trace, type TraceChunk } from './trace';

export interface Hasher {
  update(bytes: Uint8Array): unknown;
  digest(): Uint8Array;
}

function bytesOf(a: ArrayBufferView, n: number, width: number): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, n * width);
}

export const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** SHA-256 of the canonical form, as hex. Pass node:crypto's hasher in Node for speed; same bytes, same hash. */
export function traceHash(tr: Trace, hasher: Hasher = sha256.create()): string {
  if (!littleEndian) throw new Error('traceHash needs a little-endian machine');
  for (let ci = 0; ci * CHUNK < tr.length; ci++) {
    for (const column of chunkBytes(keptChunk(tr, ci), Math.min(CHUNK, tr.length - ci * CHUNK))) hasher.update(column);
  }
  return digestParts(hasher, [tr.aux.subarray(0, tr.auxLength)]);
}

/** The first n records of a chunk in canonical form: its columns' bytes, in order. */
export function chunkBytes(c: TraceChunk, n: number): Uint8Array[] {
  return [bytesOf(c.time, n, 8), bytesOf(c.kind, n, 1), bytesOf(c.from, n, 2), bytesOf(c.to, n, 2), bytesOf(c.x, n, 4), bytesOf(c.y, n, 4)];
}

/** The aux column given in parts, in order, last in canonical form; then the digest as hex. */
export function digestParts(hasher: Hasher, aux: readonly Float64Array[]): string {
  for (const part of aux) hasher.update(bytesOf(part, part.length, 8));
  let hex = '';
  for (const b of hasher.digest()) hex += b.toString(16).padStart(2, '0');
  return hex;
}
