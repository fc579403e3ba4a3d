// The scenario format's rules, one test each.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario';
import { base, config, errorAt, errors } from './helpers';

describe('top level', () => {
  it('accepts the minimal scenario and fills in the defaults', () => {
    const c = config(base());
    expect(c.seed).toBe(1);
    expect(c.stopAt).toBeNull();
    expect(c.events).toEqual([]);
    expect(c.peers[1]).toEqual({
      name: 'L-1',
      group: 'L',
      seed: false,
      subject: false,
      investigator: false,
      upload: 131072,
      download: null,
      latency: 25_000,
      joinAt: 0,
      leaveAt: null,
      leaveAfterComplete: null,
      client: 'mainline',
      settings: {},
    });
  });

  it('requires a name of at most 200 characters', () => {
    const s = base();
    delete s.name;
    expect(errorAt(s, 'name')).toMatch(/^missing, expected a string/);
    expect(errorAt({ ...base(), name: 'x'.repeat(201) }, 'name')).toMatch(/at most 200 characters/);
    expect(config({ ...base(), name: 'x'.repeat(200) }).name).toHaveLength(200);
  });

  it('allows a description of at most 5000 characters', () => {
    expect(parseScenario({ ...base(), description: 'd'.repeat(5000) }).ok).toBe(true);
    expect(errorAt({ ...base(), description: 'd'.repeat(5001) }, 'description')).toMatch(/at most 5000/);
  });

  it('takes seed as a uint32', () => {
    expect(config({ ...base(), seed: 0 }).seed).toBe(0);
    expect(config({ ...base(), seed: 4294967295 }).seed).toBe(4294967295);
    expect(errorAt({ ...base(), seed: 4294967296 }, 'seed')).toMatch(/from 0 to 4294967295, got 4294967296/);
    expect(errorAt({ ...base(), seed: -1 }, 'seed')).toMatch(/got -1$/);
    expect(errorAt({ ...base(), seed: 1.5 }, 'seed')).toMatch(/got 1\.5$/);
    expect(errorAt({ ...base(), seed: '7' }, 'seed')).toMatch(/got "7"$/);
  });

  it('accepts a "$schema" string for editors', () => {
    expect(parseScenario({ $schema: './schema.json', ...base() }).ok).toBe(true);
    expect(errorAt({ $schema: 3, ...base() }, '$schema')).toMatch(/expected a string/);
  });

  it('requires stopAt > 0 when given', () => {
    expect(config({ ...base(), stopAt: 3600 }).stopAt).toBe(3_600_000_000);
    expect(errorAt({ ...base(), stopAt: 0 }, 'stopAt')).toBe('expected a number of seconds > 0, got 0');
    expect(errorAt({ ...base(), stopAt: -5 }, 'stopAt')).toBe('expected a number of seconds > 0, got -5');
  });

  it('rejects a time that would round to 0 µs where it must be > 0', () => {
    expect(errorAt({ ...base(), stopAt: 1e-9 }, 'stopAt')).toMatch(/at least 0.000001 seconds/);
  });

  it('requires a non-empty peers array', () => {
    expect(errorAt({ ...base(), peers: [] }, 'peers')).toMatch(/non-empty array of peers, got an empty array/);
    const s = base() as Record<string, unknown>;
    delete s.peers;
    expect(errorAt(s, 'peers')).toMatch(/^missing/);
  });

  it('rejects a value that is not an object', () => {
    for (const v of [null, 3, 'x', [], true]) {
      expect(errors(v)).toEqual([{ path: '', message: expect.stringMatching(/^expected a JSON object/) }]);
    }
  });
});

describe('unknown keys', () => {
  it('rejects an unknown key and suggests the closest known one', () => {
    const s = base();
    s.peers[0] = { name: 'seed', seed: true, uplaod: 5 };
    expect(errorAt(s, 'peers[0].uplaod')).toBe('unknown key "uplaod"; did you mean "upload"?');
  });

  it('rejects unknown keys at every level', () => {
    expect(errorAt({ ...base(), stopat: 5 }, 'stopat')).toBe('unknown key "stopat"; did you mean "stopAt"?');
    expect(errorAt({ ...base(), torrent: { pieceLength: 262144, pieces: 4, piece: 1 } }, 'torrent.piece')).toMatch(
      /did you mean "pieces"\?/,
    );
    const s = base();
    s.peers[1] = { name: 'L', settings: { maxUpload: 3 } };
    expect(errorAt(s, 'peers[1].settings.maxUpload')).toMatch(/did you mean "maxUploads"\?/);
    const files = { pieceLength: 16384, files: [{ path: 'a', length: 1, size: 2 }] };
    expect(errorAt({ ...base(), torrent: files }, 'torrent.files[0].size')).toMatch(/^unknown key "size"/);
    const ev = { ...base(), events: [{ at: 1, peer: 'seed', action: 'leave', when: 2 }] };
    expect(errorAt(ev, 'events[0].when')).toMatch(/^unknown key "when"/);
  });

  it('lists the known keys when nothing is close', () => {
    expect(errorAt({ ...base(), colour: 'red' }, 'colour')).toBe(
      'unknown key "colour"; known keys here: "name", "description", "audience", "tags", "seed", "torrent", "stopAt", "peers", "events", "narration"',
    );
  });

  it('reports each unknown key of one object separately', () => {
    const paths = errors({ ...base(), a: 1, b: 2 }).map((e) => e.path);
    expect(paths).toEqual(['a', 'b']);
  });
});

describe('torrent', () => {
  it('requires pieceLength to be a positive multiple of 16 KiB', () => {
    for (const bad of [0, -16384, 1000, 16385, 32768 + 1]) {
      expect(errorAt({ ...base(), torrent: { pieceLength: bad, pieces: 1 } }, 'torrent.pieceLength')).toMatch(
        /multiple of 16384/,
      );
    }
    expect(config({ ...base(), torrent: { pieceLength: 16384, pieces: 1 } }).torrent.pieceLength).toBe(16384);
  });

  it('allows pieceLength up to 64 MiB', () => {
    expect(config({ ...base(), torrent: { pieceLength: 64 * 1024 * 1024, pieces: 1 } }).torrent.size).toBe(2 ** 26);
    const err = errorAt({ ...base(), torrent: { pieceLength: 2 ** 26 + 16384, pieces: 1 } }, 'torrent.pieceLength');
    expect(err).toMatch(/67108864 \(64 MiB\), got 67125248$/);
  });

  it('gives one error, not two, for a pieceLength that breaks two rules', () => {
    const all = errors({ ...base(), torrent: { pieceLength: 1000, pieces: 1 } });
    expect(all.filter((e) => e.path === 'torrent.pieceLength')).toHaveLength(1);
  });

  it('takes exactly one of pieces, size or files', () => {
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384 } }, 'torrent')).toBe(
      'expected exactly one of "pieces", "size" or "files", got none of them',
    );
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, pieces: 2, size: 5 } }, 'torrent.size')).toBe(
      'expected exactly one of "pieces", "size" or "files", got both "pieces" and "size"',
    );
    const both = { pieceLength: 16384, size: 5, files: [{ path: 'a', length: 5 }] };
    expect(errorAt({ ...base(), torrent: both }, 'torrent.files')).toMatch(/got both "size" and "files"/);
  });

  it('with pieces, size = pieces × pieceLength', () => {
    expect(config({ ...base(), torrent: { pieceLength: 32768, pieces: 3 } }).torrent).toEqual({
      pieceLength: 32768,
      pieces: 3,
      size: 98304,
      files: null,
    });
  });

  it('with size, pieces = ceil(size / pieceLength) and the last piece is shorter', () => {
    const t = config({ ...base(), torrent: { pieceLength: 16384, size: 40000 } }).torrent;
    expect(t).toEqual({ pieceLength: 16384, pieces: 3, size: 40000, files: null });
    expect(t.size - (t.pieces - 1) * t.pieceLength).toBe(40000 - 32768);
    expect(config({ ...base(), torrent: { pieceLength: 16384, size: 1 } }).torrent.pieces).toBe(1);
    expect(config({ ...base(), torrent: { pieceLength: 16384, size: 32768 } }).torrent.pieces).toBe(2);
  });

  it('with files, they are laid end to end: size = Σ length', () => {
    const files = [
      { path: 'a/one.bin', length: 20000 },
      { path: 'empty.txt', length: 0 },
      { path: 'two.bin', length: 30000 },
    ];
    const t = config({ ...base(), torrent: { pieceLength: 16384, files } }).torrent;
    expect(t).toEqual({ pieceLength: 16384, pieces: 4, size: 50000, files });
  });

  it('files: at least one, paths non-empty (≤ 1000 chars), lengths whole ≥ 0, total > 0', () => {
    const t = (files: unknown) => ({ ...base(), torrent: { pieceLength: 16384, files } });
    expect(errorAt(t([]), 'torrent.files')).toMatch(/non-empty array of files, got an empty array/);
    expect(errorAt(t([{ path: '', length: 1 }]), 'torrent.files[0].path')).toMatch(/non-empty path, got ""/);
    expect(errorAt(t([{ path: 'p'.repeat(1001), length: 1 }]), 'torrent.files[0].path')).toMatch(/at most 1000/);
    expect(errorAt(t([{ path: 'a', length: -1 }]), 'torrent.files[0].length')).toMatch(/≥ 0, got -1/);
    expect(errorAt(t([{ path: 'a', length: 0.5 }]), 'torrent.files[0].length')).toMatch(/got 0.5/);
    expect(errorAt(t([{ path: 'a' }]), 'torrent.files[0].length')).toMatch(/^missing/);
    expect(errorAt(t([{ path: 'a', length: 0 }]), 'torrent.files')).toBe(
      'expected files that hold at least 1 byte in all, got 0 bytes',
    );
  });

  it('makes at most 100,000 pieces', () => {
    expect(config({ ...base(), torrent: { pieceLength: 16384, pieces: 100_000 } }).torrent.pieces).toBe(100_000);
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, pieces: 100_001 } }, 'torrent.pieces')).toMatch(
      /from 1 to 100000, got 100001/,
    );
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, size: 16384 * 100_000 + 1 } }, 'torrent.size')).toMatch(
      /at most 100000 pieces, got 100001/,
    );
    const files = [{ path: 'big', length: 16384 * 100_001 }];
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, files } }, 'torrent.files')).toMatch(/got 100001/);
  });

  it('requires pieces and size to be whole numbers ≥ 1', () => {
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, pieces: 0 } }, 'torrent.pieces')).toMatch(/got 0$/);
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, size: 0 } }, 'torrent.size')).toMatch(/≥ 1, got 0$/);
    expect(errorAt({ ...base(), torrent: { pieceLength: 16384, size: 2.5 } }, 'torrent.size')).toMatch(/got 2.5$/);
  });
});

describe('peers', () => {
  it('requires a name: non-empty, at most 100 characters', () => {
    const s = base();
    s.peers[0] = { seed: true };
    expect(errorAt(s, 'peers[0].name')).toMatch(/^missing/);
    s.peers[0] = { name: '' };
    expect(errorAt(s, 'peers[0].name')).toBe('expected a non-empty name, got ""');
    s.peers[0] = { name: 'n'.repeat(101) };
    expect(errorAt(s, 'peers[0].name')).toMatch(/at most 100 characters, got "n{40}"… \(101 characters\)/);
  });

  it('count expands to name-1 … name-N, all in group name, in place', () => {
    const s = base();
    s.peers.push({ name: 'last' });
    const c = config(s);
    expect(c.peers.map((p) => [p.name, p.group])).toEqual([
      ['seed', 'seed'],
      ['L-1', 'L'],
      ['L-2', 'L'],
      ['L-3', 'L'],
      ['last', 'last'],
    ]);
  });

  it('count is a whole number from 1 to 10000', () => {
    const s = base();
    s.peers[1] = { name: 'L', count: 1 };
    expect(config(s).peers[1]!.name).toBe('L-1');
    for (const bad of [0, -1, 1.5, 10001, '3']) {
      s.peers[1] = { name: 'L', count: bad };
      expect(errorAt(s, 'peers[1].count')).toMatch(/from 1 to 10000/);
    }
  });

  it('allows at most 5000 peers after expansion', () => {
    const s = base();
    s.peers = [{ name: 'seed', seed: true }, { name: 'A', count: 4999 }];
    expect(config(s).peers).toHaveLength(5000);
    s.peers = [{ name: 'seed', seed: true }, { name: 'A', count: 5000 }];
    expect(errorAt(s, 'peers')).toBe('expected at most 5000 peers in all (after expanding "count"), got 5001');
  });

  it('names are unique after expansion', () => {
    const s = base();
    s.peers.push({ name: 'seed' });
    expect(errorAt(s, 'peers[2].name')).toBe('expected a unique name, got "seed": peers[0] is also named "seed"');
    const t = base();
    t.peers.push({ name: 'L-2' });
    expect(errorAt(t, 'peers[2].name')).toMatch(/got "L-2": peers\[1\] \("L" with count 3\) uses the names/);
    const u = base();
    u.peers.unshift({ name: 'L-3' });
    expect(errorAt(u, 'peers[2].name')).toMatch(/got "L-3" \(this entry's count makes "L-3"\): peers\[0\] is also named/);
  });

  it('a group name may not be another peer\'s name either, so an event\'s "peer" means one thing', () => {
    const s = base();
    s.peers.push({ name: 'L' });
    expect(errorAt(s, 'peers[2].name')).toMatch(/got "L": peers\[1\] \("L" with count 3\)/);
  });

  it('seed and subject are booleans, default false', () => {
    const s = base();
    s.peers[0] = { name: 'seed', seed: 'yes' };
    expect(errorAt(s, 'peers[0].seed')).toBe('expected true or false, got "yes"');
    s.peers[0] = { name: 'seed', subject: 1 };
    expect(errorAt(s, 'peers[0].subject')).toBe('expected true or false, got 1');
  });

  it('at most one peer in the whole swarm is the subject', () => {
    const s = base();
    s.peers.push({ name: 'me', subject: true });
    expect(config(s).peers.filter((p) => p.subject).map((p) => p.name)).toEqual(['me']);
    s.peers.push({ name: 'you', subject: true });
    expect(errorAt(s, 'peers[3].subject')).toBe(
      'expected at most one subject in the swarm, but peers[2] ("me") is already the subject',
    );
  });

  it('an investigator needs a subject to watch and is neither a seed nor the subject', () => {
    const s = base();
    s.peers.push({ name: 'inv', investigator: true, upload: 0 });
    expect(errorAt(s, 'peers[2].investigator')).toBe(
      'expected a peer with "subject": true in the swarm for the investigator to watch, found none',
    );
    s.peers.push({ name: 'me', subject: true });
    expect(config(s).peers.filter((p) => p.investigator).map((p) => p.name)).toEqual(['inv']);
    s.peers.push({ name: 'watcher', investigator: true, seed: true });
    expect(errorAt(s, 'peers[4].investigator')).toBe('expected an investigator that is neither a seed nor the subject, got one with "seed": true');
  });

  it('a subject with count > 1 is an error (count 1 is fine)', () => {
    const s = base();
    s.peers.push({ name: 'me', subject: true, count: 2 });
    expect(errorAt(s, 'peers[2].count')).toBe('expected no count (the subject is a single peer), got 2');
    s.peers[2] = { name: 'me', subject: true, count: 1 };
    expect(config(s).peers.find((p) => p.subject)!.name).toBe('me-1');
  });

  it('upload is whole bytes/s ≥ 0, default 131072; 0 is allowed', () => {
    const s = base();
    s.peers[1] = { name: 'L', upload: 0 };
    expect(config(s).peers[1]!.upload).toBe(0);
    s.peers[1] = { name: 'L', upload: -5 };
    expect(errorAt(s, 'peers[1].upload')).toBe('expected a whole number of bytes per second ≥ 0, got -5');
    s.peers[1] = { name: 'L', upload: 1.5 };
    expect(errorAt(s, 'peers[1].upload')).toBe('expected a whole number of bytes per second ≥ 0, got 1.5');
  });

  it('download is whole bytes/s ≥ 1; omitted means unlimited (null)', () => {
    const s = base();
    s.peers[1] = { name: 'L', download: 1048576 };
    expect(config(s).peers[1]!.download).toBe(1048576);
    s.peers[1] = { name: 'L' };
    expect(config(s).peers[1]!.download).toBeNull();
    s.peers[1] = { name: 'L', download: 0 };
    expect(errorAt(s, 'peers[1].download')).toMatch(/≥ 1 .*, got 0$/);
    s.peers[1] = { name: 'L', download: null };
    expect(errorAt(s, 'peers[1].download')).toMatch(/leave it out for unlimited\), or a rate such as .*, got null$/);
  });

  it('latency is seconds from 0 to 10, default 0.025', () => {
    const s = base();
    s.peers[1] = { name: 'L', latency: 0 };
    expect(config(s).peers[1]!.latency).toBe(0);
    s.peers[1] = { name: 'L', latency: 10 };
    expect(config(s).peers[1]!.latency).toBe(10_000_000);
    s.peers[1] = { name: 'L', latency: 10.5 };
    expect(errorAt(s, 'peers[1].latency')).toBe('expected a number of seconds from 0 to 10, got 10.5');
    s.peers[1] = { name: 'L', latency: -0.1 };
    expect(errorAt(s, 'peers[1].latency')).toMatch(/got -0.1$/);
  });

  it('joinAt ≥ 0 (default 0); leaveAt must be after joinAt', () => {
    const s = base();
    s.peers[1] = { name: 'L', joinAt: -1 };
    expect(errorAt(s, 'peers[1].joinAt')).toBe('expected a number of seconds ≥ 0, got -1');
    s.peers[1] = { name: 'L', joinAt: 10, leaveAt: 10 };
    expect(errorAt(s, 'peers[1].leaveAt')).toBe('expected a time after joinAt (10 s), got 10');
    s.peers[1] = { name: 'L', leaveAt: 0 };
    expect(errorAt(s, 'peers[1].leaveAt')).toBe('expected a time after joinAt (0 s), got 0');
    s.peers[1] = { name: 'L', joinAt: 10, leaveAt: 10.5 };
    expect(config(s).peers[1]).toMatchObject({ joinAt: 10_000_000, leaveAt: 10_500_000 });
  });

  it('leaveAfterComplete is seconds ≥ 0, null when omitted', () => {
    const s = base();
    s.peers[1] = { name: 'L', leaveAfterComplete: 0 };
    expect(config(s).peers[1]!.leaveAfterComplete).toBe(0);
    s.peers[1] = { name: 'L', leaveAfterComplete: 60 };
    expect(config(s).peers[1]!.leaveAfterComplete).toBe(60_000_000);
    s.peers[1] = { name: 'L', leaveAfterComplete: -1 };
    expect(errorAt(s, 'peers[1].leaveAfterComplete')).toMatch(/≥ 0, got -1$/);
  });

  it('client defaults to "mainline"; an unknown client is an error listing the known ones', () => {
    const s = base();
    s.peers[1] = { name: 'L', client: 'mainline' };
    expect(config(s).peers[1]!.client).toBe('mainline');
    s.peers[1] = { name: 'L', client: 'qbittorrent' };
    expect(errorAt(s, 'peers[1].client')).toBe('expected a known client profile ("mainline", "freerider", "libtorrent"), got "qbittorrent"');
  });

  it('settings is a strict object of per-peer overrides, times in µs', () => {
    const s = base();
    s.peers[1] = {
      name: 'L',
      settings: {
        unchokeInterval: 5,
        optimisticUnchokeInterval: 15.5,
        snubTimeout: 60,
        maxUploads: 8,
        seedChoker: 'round-robin',
      },
    };
    expect(config(s).peers[1]!.settings).toEqual({
      unchokeInterval: 5_000_000,
      optimisticUnchokeInterval: 15_500_000,
      snubTimeout: 60_000_000,
      maxUploads: 8,
      seedChoker: 'round-robin',
    });
    s.peers[1] = { name: 'L', settings: { unchokeInterval: 2 } };
    expect(config(s).peers[1]!.settings).toEqual({ unchokeInterval: 2_000_000 });
  });

  it('shareRatioLimit is a ratio > 0 and seedTimeLimit seconds ≥ 0 (in µs)', () => {
    const s = base();
    s.peers[1] = { name: 'L', settings: { shareRatioLimit: 1.5, seedTimeLimit: 90 } };
    expect(config(s).peers[1]!.settings).toEqual({ shareRatioLimit: 1.5, seedTimeLimit: 90_000_000 });
    s.peers[1] = { name: 'L', settings: { shareRatioLimit: 0 } };
    expect(errorAt(s, 'peers[1].settings.shareRatioLimit')).toBe('expected a ratio > 0 (uploaded ÷ downloaded), got 0');
  });

  it('uploadRateLimit and downloadRateLimit are whole bytes per second ≥ 0 (0 = unlimited)', () => {
    const s = base();
    s.peers[1] = { name: 'L', settings: { uploadRateLimit: 0, downloadRateLimit: 65536 } };
    expect(config(s).peers[1]!.settings).toEqual({ uploadRateLimit: 0, downloadRateLimit: 65536 });
    s.peers[1] = { name: 'L', settings: { uploadRateLimit: -1 } };
    expect(errorAt(s, 'peers[1].settings.uploadRateLimit')).toBe('expected a whole number of bytes per second ≥ 0 (0 = unlimited), got -1');
  });

  it('settings values are checked', () => {
    const s = base();
    const bad = (settings: unknown, path: string) => {
      s.peers[1] = { name: 'L', settings };
      return errorAt(s, `peers[1].settings.${path}`);
    };
    expect(bad({ unchokeInterval: 0 }, 'unchokeInterval')).toBe('expected a number of seconds > 0, got 0');
    expect(bad({ optimisticUnchokeInterval: -1 }, 'optimisticUnchokeInterval')).toMatch(/> 0, got -1$/);
    expect(bad({ snubTimeout: 0 }, 'snubTimeout')).toMatch(/> 0, got 0$/);
    expect(bad({ maxUploads: 0 }, 'maxUploads')).toBe('expected a whole number from 1 to 100, got 0');
    expect(bad({ maxUploads: 101 }, 'maxUploads')).toMatch(/got 101$/);
    expect(bad({ seedChoker: 'fastest' }, 'seedChoker')).toBe(
      'expected one of "mainline", "round-robin", "fastest-upload", got "fastest"',
    );
    s.peers[1] = { name: 'L', settings: 'fast' };
    expect(errorAt(s, 'peers[1].settings')).toMatch(/expected an object of client settings, got "fast"/);
  });
});

describe('events', () => {
  it('an event names one expanded peer', () => {
    const c = config({ ...base(), events: [{ at: 300, peer: 'L-2', action: 'leave' }] });
    expect(c.events).toEqual([{ at: 300_000_000, peer: 2, action: 'leave' }]);
  });

  it('a group event expands to one event per member, in member order', () => {
    const c = config({
      ...base(),
      events: [
        { at: 5, peer: 'seed', action: 'leave' },
        { at: 10, peer: 'L', action: 'leave' },
        { at: 20, peer: 'seed', action: 'join' },
      ],
    });
    expect(c.events).toEqual([
      { at: 5_000_000, peer: 0, action: 'leave' },
      { at: 10_000_000, peer: 1, action: 'leave' },
      { at: 10_000_000, peer: 2, action: 'leave' },
      { at: 10_000_000, peer: 3, action: 'leave' },
      { at: 20_000_000, peer: 0, action: 'join' },
    ]);
  });

  it('an unknown peer is an error, with a suggestion when one is close', () => {
    expect(errorAt({ ...base(), events: [{ at: 1, peer: 'sede', action: 'leave' }] }, 'events[0].peer')).toBe(
      'unknown peer "sede"; did you mean "seed"?',
    );
    expect(errorAt({ ...base(), events: [{ at: 1, peer: 'L-4', action: 'leave' }] }, 'events[0].peer')).toBe(
      'unknown peer "L-4"; group "L" has "L-1" … "L-3"',
    );
    expect(errorAt({ ...base(), events: [{ at: 1, peer: 'zzz', action: 'leave' }] }, 'events[0].peer')).toBe(
      'unknown peer "zzz"; expected the name of a peer or a group in "peers"',
    );
  });

  it('at is seconds ≥ 0; action is "leave", "join" or "set"', () => {
    const s = { ...base(), events: [{ at: -1, peer: 'seed', action: 'quit' }] };
    expect(errorAt(s, 'events[0].at')).toBe('expected a number of seconds ≥ 0, got -1');
    expect(errorAt(s, 'events[0].action')).toBe('expected "leave", "join" or "set", got "quit"');
  });

  it('allows at most 10000 events in the file', () => {
    const ev = (n: number) => Array.from({ length: n }, (_, i) => ({ at: i, peer: 'seed', action: 'leave' }));
    expect(config({ ...base(), events: ev(10_000) }).events).toHaveLength(10_000);
    expect(errorAt({ ...base(), events: ev(10_001) }, 'events')).toBe(
      'expected at most 10000 events, got an array of 10001 items',
    );
  });

  it('allows at most 100000 events after group expansion', () => {
    const s = base();
    s.peers = [{ name: 'seed', seed: true }, { name: 'L', count: 5000 - 1 }];
    const ev = (n: number) => Array.from({ length: n }, (_, i) => ({ at: i, peer: 'L', action: 'leave' }));
    expect(errorAt({ ...s, events: ev(21) }, 'events')).toBe(
      'expected at most 100000 events after expanding group events (one per member), got 104979',
    );
  });
});

describe('times', () => {
  it('seconds become integer µs by Math.round(seconds × 1e6)', () => {
    const s = base();
    s.peers[1] = { name: 'L', joinAt: 0.1, leaveAt: 1.0000004, latency: 0.0015, leaveAfterComplete: 2.5e-7 };
    const p = config({ ...s, stopAt: 0.3 }).peers[1]!;
    expect(p).toMatchObject({ joinAt: 100_000, leaveAt: 1_000_000, latency: 1_500, leaveAfterComplete: 0 });
    expect(config({ ...s, stopAt: 0.3 }).stopAt).toBe(300_000);
    for (const v of [p.joinAt, p.leaveAt, p.latency]) expect(Number.isInteger(v)).toBe(true);
  });

  it('caps times at 1e9 seconds so µs stay safe integers', () => {
    expect(errorAt({ ...base(), stopAt: 2e9 }, 'stopAt')).toBe('expected at most 1000000000 seconds, got 2000000000');
  });
});

describe('reporting', () => {
  it('reports problems in several places in one pass', () => {
    const s = base();
    s.peers[0] = { name: 'seed', seed: true, upload: -1 };
    s.peers.push({ name: 'x', subject: true }, { name: 'y', subject: true });
    const paths = errors({ ...s, stopAt: 0, events: [{ at: 1, peer: 'nobody', action: 'leave' }] }).map((e) => e.path);
    expect(paths).toEqual(expect.arrayContaining(['stopAt', 'peers[0].upload', 'peers[3].subject', 'events[0].peer']));
  });

  it('does not claim an event names an unknown peer when a peer entry is itself broken', () => {
    const s = base();
    s.peers[1] = { name: 'L', count: 0 };
    const all = errors({ ...s, events: [{ at: 1, peer: 'L', action: 'leave' }] });
    expect(all.map((e) => e.path)).toEqual(['peers[1].count']);
  });
});
