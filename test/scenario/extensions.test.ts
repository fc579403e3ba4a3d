// Scenario keys of the protocol extensions: the BEP 6 and BEP 11 settings, hash-failure bans, corrupt
// peers and peers behind NAT. Each resolves to the engine's config, defaults come from the client
// profile, and a scenario using them runs.
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../src/engine/profiles';
import { Sim } from '../../src/engine/sim';
import { T } from '../../src/engine/trace';
import { base, config, errorAt } from './helpers';

const withPeer = (extra: Record<string, unknown>) => {
  const s = base();
  s.peers[1] = { ...s.peers[1], ...extra };
  return s;
};

describe('extension settings', () => {
  it('take fastExtension, allowedFastSetSize, suggestPieces, pex and banAfterHashFailures', () => {
    const settings = { fastExtension: true, allowedFastSetSize: 7, suggestPieces: 2, pex: true, banAfterHashFailures: 5 };
    expect(config(withPeer({ settings })).peers[1]!.settings).toEqual(settings);
  });

  it('default to the client profile: fast extension on for libtorrent, off for mainline; PEX off; 3 failures before a ban', () => {
    expect(config(base()).peers[1]!.settings).toEqual({});
    const mainline = resolveProfile('mainline', {});
    const libtorrent = resolveProfile('libtorrent', {});
    expect([mainline.fastExtension, libtorrent.fastExtension]).toEqual([false, true]);
    expect([mainline.allowedFastSetSize, libtorrent.allowedFastSetSize]).toEqual([5, 5]);
    expect([mainline.suggestPieces, mainline.pex, mainline.banAfterHashFailures]).toEqual([0, false, 3]);
    expect(resolveProfile('libtorrent', { fastExtension: false }).fastExtension).toBe(false);
  });

  it('reject values out of range', () => {
    expect(errorAt(withPeer({ settings: { fastExtension: 'yes' } }), 'peers[1].settings.fastExtension')).toMatch(/true or false/);
    expect(errorAt(withPeer({ settings: { allowedFastSetSize: 101 } }), 'peers[1].settings.allowedFastSetSize')).toMatch(/from 0 to 100, got 101/);
    expect(errorAt(withPeer({ settings: { suggestPieces: -1 } }), 'peers[1].settings.suggestPieces')).toMatch(/from 0 to 100/);
    expect(errorAt(withPeer({ settings: { banAfterHashFailures: 0 } }), 'peers[1].settings.banAfterHashFailures')).toMatch(/from 1 to 1000, got 0/);
    expect(errorAt(withPeer({ settings: { pex: 1 } }), 'peers[1].settings.pex')).toMatch(/true or false/);
  });
});

describe('peer keys connectable and corrupt', () => {
  it('resolve only when given, so other peers resolve as before', () => {
    const c = config(withPeer({ connectable: false, corrupt: 0.25 }));
    expect(c.peers.slice(1).map((p) => [p.connectable, p.corrupt])).toEqual([
      [false, 0.25],
      [false, 0.25],
      [false, 0.25],
    ]);
    expect('connectable' in c.peers[0]! || 'corrupt' in c.peers[0]!).toBe(false);
  });

  it('take a probability from 0 to 1 and a boolean', () => {
    expect(errorAt(withPeer({ corrupt: 1.5 }), 'peers[1].corrupt')).toBe('expected a probability from 0 to 1, got 1.5');
    expect(errorAt(withPeer({ corrupt: '50%' }), 'peers[1].corrupt')).toMatch(/probability/);
    expect(errorAt(withPeer({ connectable: 'no' }), 'peers[1].connectable')).toMatch(/true or false/);
    expect(errorAt(withPeer({ conectable: false }), 'peers[1].conectable')).toMatch(/did you mean "connectable"/);
  });

  it('a scenario with all of them runs: rejects, hash failures, bans, PEX, unreachable peers', () => {
    const s = {
      name: 'extensions',
      torrent: { pieceLength: 32768, pieces: 24 },
      stopAt: 200,
      peers: [
        { name: 'seed', seed: true, upload: 131072, settings: { fastExtension: true, pex: true } },
        { name: 'bad', seed: true, upload: 131072, corrupt: 1, settings: { fastExtension: true } },
        { name: 'nat', connectable: false },
        { name: 'L', count: 6, upload: 32768, settings: { fastExtension: true, pex: true, maxUploads: 2 } },
      ],
    };
    const sim = new Sim(config(s), { checkpointEvery: 0 });
    sim.run();
    const kinds = new Set<number>();
    for (let i = 0; i < sim.trace.length; i++) kinds.add(sim.trace.chunks[i >>> 16]!.kind[i & 0xffff]!);
    for (const k of [T.HAVE_ALL, T.HAVE_NONE, T.REJECT, T.ALLOWED_FAST, T.HASH_FAILED, T.BANNED, T.PEX, T.UNREACHABLE]) expect(kinds.has(k), `kind ${k}`).toBe(true);
  });
});
