// `sim -- file.torrent --peers peers.json`: a real .torrent (made here by create-torrent) gives the
// torrent, a scenario without "torrent" gives the peers.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import createTorrent from 'create-torrent';
import { beforeAll, describe, expect, it } from 'vitest';
import { scratch, sim } from './run-cli';

const files = scratch('swarmscope-torrent-');
const tmp = files.dir;
const write = files.write;

const peers = { peers: [{ name: 'seed', seed: true, upload: '1 MiB/s' }, { name: 'L', count: 3, upload: '256 KiB/s' }, { name: 'me', subject: true }] };
let torrent: string;
beforeAll(async () => {
  const files = [Object.assign(Buffer.alloc(300_000, 1), { name: 'a.bin', fullPath: 'set/a.bin' }), Object.assign(Buffer.alloc(200_000, 2), { name: 'b.bin', fullPath: 'set/b.bin' })];
  const bytes = await new Promise<Uint8Array>((resolve, reject) =>
    createTorrent(files, { name: 'set', pieceLength: 65536, announceList: [], creationDate: 1 }, (err, t) => (err ? reject(err) : resolve(t))),
  );
  torrent = write('set.torrent', bytes);
});

describe('a .torrent with --peers', () => {
  it('runs the swarm on the torrent\'s geometry, named after it', () => {
    const out = join(tmp, 'result.json');
    const r = sim(torrent, '--peers', write('peers.json', JSON.stringify(peers)), '--out', out);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenario\s+set$/m);
    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result.torrent).toEqual({ pieceLength: 65536, pieces: 8, size: 500_000 });
    expect(result.subject.files.map((f: { path: string }) => f.path)).toEqual(['a.bin', 'b.bin']);
  });

  it('needs --peers, and --peers needs a .torrent', () => {
    expect(sim(torrent).stderr).toMatch(/set\.torrent is a \.torrent: give the peers with --peers FILE/);
    expect(sim(torrent).code).toBe(2);
    const r = sim(write('s.json', '{}'), '--peers', 'p.json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^swarmscope: --peers goes with a \.torrent file/);
  });

  it('a broken .torrent, a peers file with its own torrent, a bad peer: exit 2 naming the file', () => {
    const bad = sim(write('bad.torrent', 'd4:infod4:name99:x'), '--peers', write('p1.json', JSON.stringify(peers)));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^swarmscope: .*bad\.torrent: not a valid \.torrent file: a string of 99 bytes runs past the end/);
    const twice = sim(torrent, '--peers', write('p2.json', JSON.stringify({ ...peers, torrent: { pieceLength: 16384, pieces: 1 } })));
    expect(twice.code).toBe(2);
    expect(twice.stderr).toMatch(/p2\.json: has a "torrent", but the torrent comes from the \.torrent file/);
    const typo = sim(torrent, '--peers', write('p3.json', JSON.stringify({ peers: [{ name: 'seed', seed: true, uplaod: 1 }] })));
    expect(typo.code).toBe(2);
    expect(typo.stderr).toBe(`swarmscope: ${join(tmp, 'p3.json')}: peers[0].uplaod: unknown key "uplaod"; did you mean "upload"?\n`);
  });
});
