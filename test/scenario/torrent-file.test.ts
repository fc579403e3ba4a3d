// Real .torrent files, made in the test by create-torrent, become a scenario's torrent; malformed,
// truncated and hostile ones get one clear error, quickly, and never an exception.
import { createHash } from 'node:crypto';
import bencode from 'bencode';
import createTorrent from 'create-torrent';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { MAX_BENCODE_DEPTH } from '../../src/scenario/bencode-guard';
import { MAX_TORRENT_BYTES, parseTorrentFile, scenarioWithTorrent, type TorrentFileInfo } from '../../src/scenario/torrent-file';
import { parseScenario } from '../../src/scenario';

type Named = Uint8Array & { name: string; fullPath: string };
const file = (path: string, length: number, fill: number): Named =>
  Object.assign(Buffer.alloc(length, fill), { name: path.split('/').pop()!, fullPath: path });

function make(input: Uint8Array | Named[], opts: { name: string; pieceLength: number }): Promise<Uint8Array> {
  return new Promise((resolve, reject) =>
    createTorrent(input, { ...opts, announceList: [], creationDate: 1_700_000_000, createdBy: 'swarmscope tests' }, (err, t) =>
      err ? reject(err) : resolve(new Uint8Array(t)),
    ),
  );
}

const ok = (bytes: Uint8Array): TorrentFileInfo => {
  const r = parseTorrentFile(bytes);
  if (!r.ok) throw new Error(r.error);
  return r.torrent;
};
const error = (bytes: Uint8Array | string): string => {
  const r = parseTorrentFile(typeof bytes === 'string' ? new TextEncoder().encode(bytes) : bytes);
  expect(r.ok, 'expected the file to be refused').toBe(false);
  return r.ok ? '' : r.error;
};
/** The v1 info hash computed independently: node:crypto's SHA-1 of the library's re-encoding of "info". */
const infoHashOf = (bytes: Uint8Array): string => {
  const root = bencode.decode(bytes) as { info: unknown };
  return createHash('sha1').update(bencode.encode(root.info)).digest('hex');
};
const enc = (value: unknown): Uint8Array => bencode.encode(value);
const hashes = (n: number) => new Uint8Array(20 * n);

let single: Uint8Array;
let multi: Uint8Array;
beforeAll(async () => {
  single = await make(Buffer.alloc(100_000, 7), { name: 'lecture.mp4', pieceLength: 16384 });
  multi = await make([file('docs/sub/a.bin', 40_000, 1), file('b.txt', 30_000, 2), file('c/empty', 0, 3)], {
    name: 'dataset',
    pieceLength: 32768,
  });
});

describe('parseTorrentFile', () => {
  it('reads a single-file torrent: name, piece length and count, size, info hash', () => {
    expect(ok(single)).toEqual({
      name: 'lecture.mp4',
      infoHash: infoHashOf(single),
      pieceLength: 16384,
      pieces: 7,
      size: 100_000,
      files: null,
    });
  });

  it('reads a multi-file torrent: the files in order, paths joined with "/"', () => {
    expect(ok(multi)).toEqual({
      name: 'dataset',
      infoHash: infoHashOf(multi),
      pieceLength: 32768,
      pieces: 3,
      size: 70_000,
      files: [
        { path: 'docs/sub/a.bin', length: 40_000 },
        { path: 'b.txt', length: 30_000 },
        { path: 'c/empty', length: 0 },
      ],
    });
  });

  it('hashes the info dictionary as it is in the file, even when it is not canonical', () => {
    // Keys out of order: re-encoding would sort them and give another hash; the file's bytes count.
    const info = 'd4:name1:x6:lengthi5e12:piece lengthi16384e6:pieces20:' + 'a'.repeat(20) + 'e';
    const bytes = new TextEncoder().encode(`d4:info${info}e`);
    expect(ok(bytes).infoHash).toBe(createHash('sha1').update(info).digest('hex'));
  });

  it('prefers name.utf-8 and path.utf-8 when present', () => {
    const bytes = enc({
      info: {
        name: 'latin',
        'name.utf-8': 'Größe',
        'piece length': 16384,
        pieces: hashes(1),
        files: [{ length: 10, path: ['x'], 'path.utf-8': ['dossier', 'été.txt'] }],
      },
    });
    expect(ok(bytes)).toMatchObject({ name: 'Größe', files: [{ path: 'dossier/été.txt', length: 10 }] });
  });

  it('refuses what the simulator cannot model, saying why', () => {
    const base = { name: 'x', 'piece length': 16384, pieces: hashes(1), length: 100 };
    expect(error(enc({ info: { ...base, 'piece length': 1000 } }))).toBe(
      'info "piece length" is 1000 bytes; the simulator sends 16 KiB blocks, so it needs a multiple of 16384 from 16384 to 67108864 (64 MiB)',
    );
    expect(error(enc({ info: { ...base, pieces: hashes(2) } }))).toBe(
      'info "pieces" has 2 hashes, but 100 bytes in pieces of 16384 bytes make 1',
    );
    expect(error(enc({ info: { ...base, pieces: new Uint8Array(21) } }))).toMatch(/20 bytes each, got 21 bytes$/);
    expect(error(enc({ info: { name: 'x', 'piece length': 16384, 'meta version': 2, 'file tree': {} } }))).toMatch(/v2-only torrent/);
    expect(error(enc({ info: { ...base, files: [{ length: 1, path: ['a'] }] } }))).toBe('info has both "length" and "files"');
  });

  it('names the field and the type it found when a type is wrong', () => {
    const base = { name: 'x', 'piece length': 16384, pieces: hashes(1), length: 100 };
    expect(error(enc({ info: { ...base, 'piece length': '16384' } }))).toBe(
      'info "piece length": expected a whole number from 1 to 9007199254740991, got a string of 5 bytes',
    );
    expect(error(enc({ info: { ...base, name: 5 } }))).toBe('info "name": expected a string, got the integer 5');
    expect(error(enc({ info: 'x' }))).toBe('not a .torrent file: expected an "info" dictionary, got a string of 1 bytes');
    expect(error(enc({ announce: 'x' }))).toMatch(/expected an "info" dictionary, got nothing$/);
    const { length: _, ...noLength } = base;
    expect(error(enc({ info: { ...noLength, files: [{ length: -1, path: ['a'] }] } }))).toMatch(/^info "files" item 0: "length": expected a whole number from 0/);
    expect(error(enc({ info: { ...noLength, files: [{ length: 1, path: [] }] } }))).toMatch(/"path": expected a non-empty list of strings, got a list of 0 items$/);
    expect(error(enc({ info: { ...noLength, files: [{ length: 1, path: [7] }] } }))).toBe('info "files" item 0: "path" item 0: expected a string, got the integer 7');
    expect(error(enc({ info: { ...noLength, files: 'x' } }))).toMatch(/^info "files": expected a non-empty list/);
  });

  it('refuses broken bencode: truncation, bad integers, huge lengths, duplicate keys, trailing bytes', () => {
    expect(error('')).toBe('not a valid .torrent file: the file is empty (at byte 0 of 0)');
    expect(error('l4:spame')).toMatch(/expected a dictionary \("d…e"\) at the start/);
    expect(error('d4:info')).toMatch(/the file ends before the structure is closed/);
    expect(error('d4:infod4:name99999999:xee')).toMatch(/a string of 99999999 bytes runs past the end of the file/);
    expect(error('d4:infoi99999999999999999999ee')).toMatch(/an integer is too large/);
    expect(error('d4:infoi1.5ee')).toMatch(/expected "e" after an integer/);
    expect(error('d4:infoi-0ee')).toMatch(/"-0" is not an integer/);
    expect(error('d4:infoi007ee')).toMatch(/leading zero/);
    expect(error('d1:ai1e1:ai2ee')).toMatch(/the key "a" appears twice/);
    expect(error('d1:ai1eexyz')).toMatch(/3 extra bytes after the end/);
    expect(error('di1ei2ee')).toMatch(/expected a string key/);
    expect(error('d1:ae')).toMatch(/a dictionary key without a value/);
  });

  it('refuses deep nesting at the cap, without recursion', () => {
    const deep = (levels: number) => `d4:info${'l'.repeat(levels)}${'e'.repeat(levels)}e`;
    expect(error(deep(MAX_BENCODE_DEPTH))).toMatch(new RegExp(`nested more than ${MAX_BENCODE_DEPTH} levels deep`));
    const started = performance.now();
    expect(error(deep(4_000_000))).toMatch(/nested more than/);
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses a file over the size cap before reading it', () => {
    expect(error(new Uint8Array(MAX_TORRENT_BYTES + 1))).toMatch(/^the file is too large for a \.torrent/);
  });

  it('does not read a "__proto__" key through the prototype', () => {
    // bencode.decode assigns dict["__proto__"] = value, which sets the prototype: "length" would be inherited.
    const text = `d4:infod9:__proto__d6:lengthi5ee4:name1:x12:piece lengthi16384e6:pieces20:${'a'.repeat(20)}ee`;
    expect(error(text)).toBe('info "files": expected a non-empty list, got nothing');
  });

  it('every truncation of a real torrent is refused with a message', () => {
    for (const bytes of [single, multi]) {
      for (let n = 0; n < bytes.length; n++) {
        const r = parseTorrentFile(bytes.subarray(0, n));
        expect(r.ok).toBe(false);
      }
    }
  });

  it('never throws, whatever bytes of a real torrent are changed', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (edits) => {
        const bytes = new Uint8Array(multi);
        for (const [at, value] of edits) bytes[at % bytes.length] = value;
        const r = parseTorrentFile(bytes);
        expect(typeof (r.ok ? r.torrent.infoHash : r.error)).toBe('string');
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scenarioWithTorrent', () => {
  const peers = { peers: [{ name: 'seed', seed: true }, { name: 'L', count: 3 }] };

  it('makes a scenario named after the torrent, with its geometry, name and info hash', () => {
    const t = ok(multi);
    const merged = scenarioWithTorrent(peers, t);
    if (!merged.ok) throw new Error(merged.error);
    const parsed = parseScenario(merged.value);
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    expect(parsed.scenario.name).toBe('dataset');
    expect(parsed.scenario.torrent).toMatchObject({ name: 'dataset', infoHash: t.infoHash });
    expect(parsed.config.torrent).toEqual({ pieceLength: 32768, pieces: 3, size: 70_000, files: t.files });
    const one = scenarioWithTorrent({ name: 'Mine', ...peers }, ok(single));
    expect(one.ok && parseScenario(one.value)).toMatchObject({ ok: true, config: { name: 'Mine', torrent: { pieces: 7, size: 100_000, files: null } } });
  });

  it('refuses a peers file that has a torrent of its own, or is not an object', () => {
    expect(scenarioWithTorrent({ ...peers, torrent: { pieceLength: 16384, pieces: 1 } }, ok(single))).toEqual({
      ok: false,
      error: 'has a "torrent", but the torrent comes from the .torrent file: remove it',
    });
    expect(scenarioWithTorrent([], ok(single)).ok).toBe(false);
  });
});
