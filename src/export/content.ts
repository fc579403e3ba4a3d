// The simulated torrent's content: deterministic bytes for every block, derived from the info hash
// and the block's position, so that a capture carries data whose SHA-1 a reader can check. Each 32-bit
// word is a hash of (info hash, piece, word index): any block can be produced on its own, in any order,
// with the same bytes on every machine (integer arithmetic only, bytes written little-endian by hand).
import { sha1 } from '@noble/hashes/legacy.js';
import { blockBegin, blockLength, pieceSize, type Geometry } from '../engine/torrent';

/**
 * murmur3's 32-bit finaliser: a cheap mix in which every input bit moves every output bit (also the
 * capture's port numbers, initial sequence numbers and IP ids, pcap-links.ts).
 */
export function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export interface ContentKey {
  readonly k0: number;
  readonly k1: number;
}

/** The content key: the first 8 bytes of the info hash as two words. */
export function contentKey(infoHash: Uint8Array): ContentKey {
  const w = (i: number) => ((infoHash[i]! << 24) | (infoHash[i + 1]! << 16) | (infoHash[i + 2]! << 8) | infoHash[i + 3]!) >>> 0;
  return { k0: w(0), k1: w(4) };
}

/** Write `length` content bytes of `piece` starting at byte `begin` (a multiple of 4) into `out`. */
export function fillContent(key: ContentKey, piece: number, begin: number, out: Uint8Array): void {
  if (begin % 4 !== 0) throw new Error('content is addressed in whole words');
  const pieceSeed = fmix32(key.k0 ^ fmix32(piece + 0x9e3779b9));
  const first = begin >>> 2;
  for (let i = 0; i < out.length; i += 4) {
    const v = fmix32((pieceSeed + Math.imul(first + (i >>> 2), 0x27d4eb2f)) ^ key.k1);
    out[i] = v & 0xff;
    if (i + 1 < out.length) out[i + 1] = (v >>> 8) & 0xff;
    if (i + 2 < out.length) out[i + 2] = (v >>> 16) & 0xff;
    if (i + 3 < out.length) out[i + 3] = v >>> 24;
  }
}

/** The bytes of block `blockId` (16 KiB, or the tail of the last piece). */
export function blockBytes(key: ContentKey, g: Geometry, blockId: number): Uint8Array {
  const out = new Uint8Array(blockLength(g, blockId));
  fillContent(key, Math.floor(blockId / g.blocksPerPiece), blockBegin(g, blockId), out);
  return out;
}

/** SHA-1 of a whole piece: what the torrent's `pieces` field holds for it (BEP 3). */
export function pieceHash(key: ContentKey, g: Geometry, piece: number): Uint8Array {
  const bytes = new Uint8Array(pieceSize(g, piece));
  fillContent(key, piece, 0, bytes);
  return sha1(bytes);
}

/** The torrent's `pieces` field: every piece's SHA-1, concatenated. */
export function pieceHashes(key: ContentKey, g: Geometry): Uint8Array {
  const out = new Uint8Array(20 * g.pieces);
  for (let p = 0; p < g.pieces; p++) out.set(pieceHash(key, g, p), 20 * p);
  return out;
}
