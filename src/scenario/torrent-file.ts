// A real .torrent file (BEP 3 metainfo, v1 or hybrid, single or multi-file) → the torrent of a
// scenario: piece length, piece count, files, name and info hash. The user supplies the peers (a
// scenario file without "torrent"); scenarioWithTorrent puts the two together. The input is untrusted
// (a file from anywhere): bencode-guard.ts checks its structure before the library decodes it, and
// every field is read with its type and range checked, so a hostile file gets an error, never a hang.
import bencode, { type BencodeValue } from 'bencode';
import { sha1 } from '@noble/hashes/legacy.js';
import { BencodeError, scanBencode } from './bencode-guard';
import { BLOCK_SIZE, LIMITS } from './limits';

/** A .torrent is small: piece hashes (20 bytes each) and a file list. 100,000 pieces are 2 MB of hashes. */
export const MAX_TORRENT_BYTES = 10 * 1024 * 1024;

export interface TorrentFileInfo {
  /** The torrent's suggested name (`name.utf-8` if given, else `name`), as UTF-8. */
  name: string;
  /** SHA-1 of the bencoded info dictionary as it is in the file, 40 lowercase hex digits (the v1 info hash). */
  infoHash: string;
  pieceLength: number;
  pieces: number;
  size: number;
  /** Multi-file torrents: the files in order, each path joined with "/"; null for a single file. */
  files: { path: string; length: number }[] | null;
}

export type TorrentFileResult = { ok: true; torrent: TorrentFileInfo } | { ok: false; error: string };

type Dict = { [key: string]: BencodeValue };

class TorrentError extends Error {}

const isDict = (v: BencodeValue | undefined): v is Dict =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array);

/** Own keys only: a "__proto__" key in the file must not reach anything through the prototype. */
const field = (d: Dict, key: string): BencodeValue | undefined => (Object.hasOwn(d, key) ? d[key] : undefined);

const utf8 = new TextDecoder('utf-8');

function describe(v: BencodeValue | undefined): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'number') return `the integer ${v}`;
  if (v instanceof Uint8Array) return `a string of ${v.length} bytes`;
  if (Array.isArray(v)) return `a list of ${v.length} items`;
  return 'a dictionary';
}

function integer(d: Dict, key: string, where: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const v = field(d, key);
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max) {
    throw new TorrentError(`${where} "${key}": expected a whole number from ${min} to ${max}, got ${describe(v)}`);
  }
  return v;
}

function bytes(d: Dict, key: string, where: string): Uint8Array {
  const v = field(d, key);
  if (!(v instanceof Uint8Array)) throw new TorrentError(`${where} "${key}": expected a string, got ${describe(v)}`);
  return v;
}

/** BEP 3 strings are UTF-8; some clients also write `<key>.utf-8`, which wins when it is a string. */
function text(d: Dict, key: string, where: string): string {
  const preferred = field(d, `${key}.utf-8`);
  return utf8.decode(preferred instanceof Uint8Array ? preferred : bytes(d, key, where));
}

function pathOf(d: Dict, where: string): string {
  const preferred = field(d, 'path.utf-8');
  const v = Array.isArray(preferred) ? preferred : field(d, 'path');
  if (!Array.isArray(v) || v.length === 0) throw new TorrentError(`${where} "path": expected a non-empty list of strings, got ${describe(v)}`);
  const parts = v.map((part, i) => {
    if (!(part instanceof Uint8Array)) throw new TorrentError(`${where} "path" item ${i}: expected a string, got ${describe(part)}`);
    return utf8.decode(part);
  });
  const path = parts.join('/');
  if (path.length === 0 || path.length > LIMITS.filePathLength) {
    throw new TorrentError(`${where} "path": expected 1 to ${LIMITS.filePathLength} characters, got ${path.length}`);
  }
  return path;
}

function readFiles(info: Dict): { path: string; length: number }[] {
  const list = field(info, 'files');
  if (!Array.isArray(list) || list.length === 0) throw new TorrentError(`info "files": expected a non-empty list, got ${describe(list)}`);
  if (list.length > LIMITS.maxFiles) throw new TorrentError(`info "files": at most ${LIMITS.maxFiles} files, got ${list.length}`);
  let total = 0;
  return list.map((f, i) => {
    const where = `info "files" item ${i}:`;
    if (!isDict(f)) throw new TorrentError(`${where} expected a dictionary, got ${describe(f)}`);
    const length = integer(f, 'length', where, 0);
    total += length;
    if (total > Number.MAX_SAFE_INTEGER) throw new TorrentError('info "files": the lengths add up to more than 2^53 bytes');
    return { path: pathOf(f, where), length };
  });
}

function readTorrent(data: Uint8Array): TorrentFileInfo {
  const { info: span } = scanBencode(data);
  const root = bencode.decode(data);
  if (!isDict(root)) throw new TorrentError('expected a dictionary at the top');
  const info = field(root, 'info');
  if (span === null || !isDict(info)) throw new TorrentError(`not a .torrent file: expected an "info" dictionary, got ${describe(info)}`);
  if (field(info, 'pieces') === undefined && field(info, 'meta version') === 2) {
    throw new TorrentError('a v2-only torrent (BEP 52): only v1 and hybrid torrents can be read');
  }
  const pieceLength = integer(info, 'piece length', 'info', 1);
  if (pieceLength % BLOCK_SIZE !== 0 || pieceLength > LIMITS.maxPieceLength) {
    throw new TorrentError(
      `info "piece length" is ${pieceLength} bytes; the simulator sends 16 KiB blocks, so it needs a multiple of ${BLOCK_SIZE} ` +
        `from ${BLOCK_SIZE} to ${LIMITS.maxPieceLength} (64 MiB)`,
    );
  }
  const hashes = bytes(info, 'pieces', 'info');
  if (hashes.length === 0 || hashes.length % 20 !== 0) {
    throw new TorrentError(`info "pieces": expected SHA-1 hashes of 20 bytes each, got ${hashes.length} bytes`);
  }
  const pieces = hashes.length / 20;
  if (pieces > LIMITS.maxPieces) throw new TorrentError(`the torrent has ${pieces} pieces; at most ${LIMITS.maxPieces}`);
  const single = field(info, 'length');
  if (single !== undefined && field(info, 'files') !== undefined) throw new TorrentError('info has both "length" and "files"');
  const files = single === undefined ? readFiles(info) : null;
  const size = files === null ? integer(info, 'length', 'info', 1) : files.reduce((sum, f) => sum + f.length, 0);
  if (size === 0) throw new TorrentError('the files hold 0 bytes in all');
  const needed = Math.ceil(size / pieceLength);
  if (needed !== pieces) {
    throw new TorrentError(`info "pieces" has ${pieces} hashes, but ${size} bytes in pieces of ${pieceLength} bytes make ${needed}`);
  }
  const name = text(info, 'name', 'info');
  let infoHash = '';
  for (const b of sha1(data.subarray(span.start, span.end))) infoHash += b.toString(16).padStart(2, '0');
  return { name, infoHash, pieceLength, pieces, size, files };
}

/** Never throws: every problem, from a truncated file to a wrong type, comes back as one readable sentence. */
export function parseTorrentFile(data: Uint8Array): TorrentFileResult {
  if (data.length > MAX_TORRENT_BYTES) {
    return { ok: false, error: `the file is too large for a .torrent (${data.length} bytes); at most ${MAX_TORRENT_BYTES} bytes` };
  }
  try {
    return { ok: true, torrent: readTorrent(data) };
  } catch (e) {
    if (e instanceof BencodeError) return { ok: false, error: `not a valid .torrent file: ${e.message}` };
    if (e instanceof TorrentError) return { ok: false, error: e.message };
    return { ok: false, error: `could not read the .torrent file: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/**
 * A scenario whose torrent is `t`: `peers` is the user's scenario without "torrent" (its name is
 * optional: the torrent's name, cut to fit, takes its place). The result is validated like any
 * scenario file; errors here are about the two files not fitting together.
 */
export function scenarioWithTorrent(peers: unknown, t: TorrentFileInfo): { ok: true; value: Record<string, unknown> } | { ok: false; error: string } {
  if (typeof peers !== 'object' || peers === null || Array.isArray(peers)) return { ok: false, error: 'expected a JSON object (a scenario without "torrent")' };
  const value = Object.fromEntries(Object.entries(peers));
  if (value.torrent !== undefined) return { ok: false, error: 'has a "torrent", but the torrent comes from the .torrent file: remove it' };
  const torrent: Record<string, unknown> = { name: cut(t.name, LIMITS.torrentNameLength), infoHash: t.infoHash, pieceLength: t.pieceLength };
  if (t.files === null) torrent.size = t.size;
  else torrent.files = t.files;
  const name = value.name === undefined ? cut(t.name, LIMITS.nameLength) : value.name;
  return { ok: true, value: { ...value, name, torrent } };
}

/** At most `n` UTF-16 units (the schema's measure of length), never half a surrogate pair. */
function cut(s: string, n: number): string {
  if (s.length <= n) return s;
  const head = s.slice(0, n);
  return /[\ud800-\udbff]$/.test(head) ? head.slice(0, -1) : head;
}
