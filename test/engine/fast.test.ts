// BEP 6, the fast extension, as rules read from the trace: the allowed-fast set reproduces the BEP's
// test vectors; on connections where both peers enable it the first message is have all / have none /
// bitfield, every request gets exactly one answer (the piece or a reject), a choke rejects what it
// would have dropped, allowed-fast pieces are served while choked, and suggested pieces are fetched first.
import { sha1 } from '@noble/hashes/legacy.js';
import { describe, expect, it } from 'vitest';
import { allowedFastSet } from '../../src/engine/fast';
import { infoHash, infoHashHex, peerAddress, peerAddressBytes } from '../../src/engine/identity';
import { HS_FAST, records, T, type TraceRecord } from '../../src/engine/trace';
import type { PeerSettings, SimConfig } from '../../src/engine/types';
import { messageName, wireSize } from '../../src/engine/wire';
import { checkAnswers } from './answers';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { all, churnSwarm, latency, run } from './rules';

const FAST: PeerSettings = { fastExtension: true };

/** Every peer of a config with the fast extension on (plus `extra` settings). */
function withFast(cfg: SimConfig, extra: PeerSettings = {}): SimConfig {
  return { ...cfg, peers: cfg.peers.map((p) => ({ ...p, settings: { ...p.settings, ...FAST, ...extra } })) };
}

/** One seed that serves 2 peers at a time and eight leechers: most leechers wait choked at first. */
function crowd(seedSettings: PeerSettings = {}, leecherSettings: PeerSettings = FAST): SimConfig {
  return swarm(
    [
      peer('seed', { seed: true, upload: 128 * KiB, settings: { ...FAST, maxUploads: 2, ...seedSettings } }),
      ...leechers('L', 8, { upload: 32 * KiB, settings: leecherSettings }),
    ],
    { pieces: 40, pieceLength: 32 * KiB },
  );
}

describe('BEP 6 allowed-fast set generation', () => {
  const hash = new Uint8Array(20).fill(0xaa);
  const ip = new Uint8Array([80, 4, 4, 200]);
  it('reproduces the BEP test vectors (1313 pieces, info_hash 20 × 0xaa, IP 80.4.4.200)', () => {
    expect(allowedFastSet(1313, hash, ip, 7)).toEqual([1059, 431, 808, 1217, 287, 376, 1188]);
    expect(allowedFastSet(1313, hash, ip, 9)).toEqual([1059, 431, 808, 1217, 287, 376, 1188, 353, 508]);
  });
  it('depends on the /24 of the address only, and stops at the piece count', () => {
    expect(allowedFastSet(1313, hash, new Uint8Array([80, 4, 4, 7]), 9)).toEqual(allowedFastSet(1313, hash, ip, 9));
    expect(allowedFastSet(3, hash, ip, 10).slice().sort()).toEqual([0, 1, 2]);
  });
});

describe('synthetic identities', () => {
  it('gives each peer a private IPv4 address in its own /24, 10.0.1.1 for peer 0', () => {
    expect(peerAddress(0)).toBe('10.0.1.1');
    expect(peerAddress(255)).toBe('10.1.0.1');
    expect(Array.from(peerAddressBytes(4999))).toEqual([10, 19, 136, 1]);
    const slash24 = (i: number) => Array.from(peerAddressBytes(i)).slice(0, 3).join('.');
    expect(new Set(Array.from({ length: 5000 }, (_, i) => slash24(i))).size).toBe(5000);
  });
  it('gives the torrent the SHA-1 of its bencoded info dictionary (piece hashes zero)', () => {
    const cfg = swarm([peer('s', { seed: true })], { pieces: 3, pieceLength: 32 * KiB, size: 70_000 });
    const text = new TextEncoder();
    const bytes = (...parts: (string | Uint8Array)[]) => {
      const chunks = parts.map((p) => (typeof p === 'string' ? text.encode(p) : p));
      const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      chunks.reduce((at, c) => (out.set(c, at), at + c.length), 0);
      return out;
    };
    // Keys sorted, as bencoding requires; 3 pieces → 60 zero bytes of piece hashes.
    const single = bytes('d6:lengthi70000e4:name10:test swarm12:piece lengthi32768e6:pieces60:', new Uint8Array(60), 'e');
    expect(infoHash(cfg)).toEqual(sha1(single));
    expect(infoHashHex(cfg)).toMatch(/^[0-9a-f]{40}$/);
    const files = { ...cfg, torrent: { ...cfg.torrent, files: [{ path: 'd/a.bin', length: 60_000 }, { path: 'b', length: 10_000 }] } };
    const multi = bytes('d5:filesld6:lengthi60000e4:pathl1:d5:a.bineed6:lengthi10000e4:pathl1:beee4:name10:test swarm12:piece lengthi32768e6:pieces60:', new Uint8Array(60), 'e');
    expect(infoHash(files)).toEqual(sha1(multi));
    expect(infoHashHex({ ...cfg, seed: 99 })).toBe(infoHashHex(cfg));
  });
});

describe('BEP 6 messages', () => {
  it('have the BEP ids, wire sizes and result names', () => {
    expect(T).toMatchObject({ SUGGEST: 13, HAVE_ALL: 14, HAVE_NONE: 15, REJECT: 16, ALLOWED_FAST: 17 });
    expect([T.SUGGEST, T.HAVE_ALL, T.HAVE_NONE, T.REJECT, T.ALLOWED_FAST].map(messageName)).toEqual(['suggest', 'have_all', 'have_none', 'reject', 'allowed_fast']);
    expect([T.SUGGEST, T.HAVE_ALL, T.HAVE_NONE, T.REJECT, T.ALLOWED_FAST].map((k) => wireSize(k, 10, 0))).toEqual([9, 5, 5, 17, 9]);
  });

  it('are used only when both ends enable the extension; the first message is have all, have none or a bitfield', () => {
    // L-1 … L-4 enable it, L-5 … L-8 do not.
    const cfg = crowd({}, {});
    cfg.peers.forEach((p, i) => (p.settings = i <= 4 ? { ...p.settings, ...FAST } : {}));
    const sim = run(cfg);
    const recs = all(sim);
    const fastPeer = (i: number) => i <= 4;
    const first = new Map<string, TraceRecord>();
    for (const r of recs) {
      if (([T.SUGGEST, T.HAVE_ALL, T.HAVE_NONE, T.REJECT, T.ALLOWED_FAST] as number[]).includes(r.kind)) {
        expect(fastPeer(r.from) && fastPeer(r.to)).toBe(true);
      }
      if (([T.BITFIELD, T.HAVE_ALL, T.HAVE_NONE] as number[]).includes(r.kind) && !first.has(`${r.from}>${r.to}`)) first.set(`${r.from}>${r.to}`, r);
    }
    const counts = sim.result().messages;
    expect(counts.have_all).toBeGreaterThan(0);
    expect(counts.have_none).toBeGreaterThan(0);
    // Every open fast connection starts with one of the three, from both ends; a seed's is have all.
    for (const r of recs) {
      if (r.kind !== T.HANDSHAKE || !fastPeer(r.from) || !fastPeer(r.to)) continue;
      const m = first.get(`${r.from}>${r.to}`);
      expect(m, `first message ${r.from}→${r.to}`).toBeDefined();
      if (r.from === 0) expect(m!.kind).toBe(T.HAVE_ALL);
    }
  });
});

describe('BEP 6 reject: every request gets exactly one answer', () => {
  for (const seed of [1, 2, 3]) {
    it(`in a choke-heavy swarm (seed ${seed}): a piece or a reject per request, none dropped`, () => {
      const sim = run(withFast(churnSwarm(seed)));
      const report = checkAnswers(sim);
      expect(report.problems).toEqual([]);
      expect(report.rejects).toBeGreaterThan(10);
      expect(sim.result().messages.reject).toBe(report.rejects);
      expect(sim.result().endReason).toBe('complete');
    });
  }

  it('a choke rejects, at once, the arrived requests outside the allowed-fast set', () => {
    const cfg = withFast(churnSwarm(1), { allowedFastSetSize: 0 });
    const sim = run(cfg);
    const recs = all(sim);
    let chokesWithPending = 0;
    // Requests pending at the uploader: d→u request whose arrival has passed and that has no answer yet.
    const pending = new Map<string, { block: number; arrives: number }[]>();
    for (const r of recs) {
      if (r.kind === T.REQUEST) {
        const list = pending.get(`${r.from}>${r.to}`) ?? [];
        list.push({ block: r.x, arrives: r.time + latency(cfg, r.from, r.to) });
        pending.set(`${r.from}>${r.to}`, list);
      } else if (r.kind === T.PIECE || r.kind === T.REJECT) {
        const list = pending.get(`${r.to}>${r.from}`)!;
        list.splice(list.findIndex((q) => q.block === r.x), 1);
      } else if (r.kind === T.CHOKE) {
        const arrived = (pending.get(`${r.to}>${r.from}`) ?? []).filter((q) => q.arrives <= r.time);
        if (arrived.length > 0) chokesWithPending++;
        // They are rejected in the records right after the choke, at the same microsecond.
        const after = recs.slice(r.index + 1, r.index + 1 + arrived.length);
        expect(after.map((x) => [x.kind, x.from, x.to, x.time])).toEqual(arrived.map(() => [T.REJECT, r.from, r.to, r.time]));
        expect(after.map((x) => x.x).sort()).toEqual(arrived.map((q) => q.block).sort());
      } else if (r.kind === T.LEAVE) {
        for (const key of [...pending.keys()]) if (key.split('>').map(Number).includes(r.from)) pending.delete(key);
      }
    }
    expect(chokesWithPending).toBeGreaterThan(5);
  });

  it('a peer with upload 0 answers every request with a reject', () => {
    const cfg = withFast(swarm([peer('seed', { seed: true }), peer('mute', { seed: true, upload: 0 }), ...leechers('L', 3)], { pieces: 8, pieceLength: 32 * KiB }));
    const sim = run(cfg);
    const recs = all(sim);
    const asked = recs.filter((r) => r.kind === T.REQUEST && r.to === 1).length;
    expect(asked).toBeGreaterThan(0);
    expect(recs.filter((r) => r.kind === T.PIECE && r.from === 1)).toEqual([]);
    expect(checkAnswers(sim).problems).toEqual([]);
  });

  it('a request refused while the uploader unchokes us is not sent again when the reject arrives, nor any other to it then', () => {
    const cfg = withFast(swarm([peer('seed', { seed: true }), peer('mute', { seed: true, upload: 0 }), ...leechers('L', 3)], { pieces: 8, pieceLength: 32 * KiB }));
    const recs = all(run(cfg));
    const unchoking = new Set<number>();
    const refusedAt = new Set<string>();
    for (const r of recs) {
      if (r.from !== 1) continue;
      if (r.kind === T.UNCHOKE) unchoking.add(r.to);
      else if (r.kind === T.CHOKE) unchoking.delete(r.to);
      else if (r.kind === T.REJECT && unchoking.has(r.to)) refusedAt.add(`${r.to}@${r.time + latency(cfg, 1, r.to)}`);
    }
    expect(refusedAt.size).toBeGreaterThan(0);
    const askedAgain = recs.filter((r) => r.kind === T.REQUEST && r.to === 1 && refusedAt.has(`${r.from}@${r.time}`));
    expect(askedAgain).toEqual([]);
  });

  it('without the extension the same swarm sends no reject and no have all / have none', () => {
    const m = run(churnSwarm(1)).result().messages;
    expect([m.reject, m.have_all, m.have_none, m.allowed_fast, m.suggest]).toEqual([0, 0, 0, 0, 0]);
  });
});

describe('BEP 6 allowed fast', () => {
  it('offers the BEP set for the downloader\'s address, and serves those pieces while choking', () => {
    const cfg = crowd();
    const sim = run(cfg);
    const hash = infoHash(cfg);
    const sets = cfg.peers.map((_, i) => allowedFastSet(cfg.torrent.pieces, hash, peerAddressBytes(i), 5));
    const choking = new Map<string, boolean>();
    let servedChoked = 0;
    for (const r of records(sim.trace)) {
      if (r.kind === T.ALLOWED_FAST) expect(sets[r.to]).toContain(r.x);
      if (r.kind === T.HANDSHAKE) choking.set(`${r.from}>${r.to}`, true).set(`${r.to}>${r.from}`, true);
      if (r.kind === T.CHOKE || r.kind === T.UNCHOKE) choking.set(`${r.from}>${r.to}`, r.kind === T.CHOKE);
      if (r.kind === T.PIECE && choking.get(`${r.from}>${r.to}`)) {
        servedChoked++;
        expect(sets[r.to]).toContain(Math.floor(r.x / 2));
      }
    }
    // The seed offers all five pieces of each leecher's set (it holds them all).
    expect(sim.result().messages.allowed_fast).toBeGreaterThanOrEqual(8 * 5);
    expect(servedChoked).toBeGreaterThan(0);
    expect(checkAnswers(sim).problems).toEqual([]);
  });

  it('lets a leecher that is never unchoked still get its allowed-fast pieces', () => {
    const cfg = swarm([peer('seed', { seed: true, settings: { ...FAST, maxUploads: 1 } }), ...leechers('L', 3, { upload: 0, settings: FAST })], {
      pieces: 30,
      pieceLength: 32 * KiB,
      stopAt: 20 * S,
    });
    const sim = run(cfg);
    const got = sim.result().peers.map((p) => p.piecesHave);
    // With one slot, two of the three leechers are choked throughout and have only the seed to ask.
    const choked = [1, 2, 3].filter((i) => !all(sim).some((r) => r.kind === T.UNCHOKE && r.from === 0 && r.to === i));
    expect(choked.length).toBeGreaterThan(0);
    for (const i of choked) expect(got[i]).toBe(5);
  });
});

describe('BEP 6 suggest', () => {
  it('a seed suggests different pieces to successive peers, and each fetches a suggested piece first', () => {
    const cfg = crowd({ suggestPieces: 2, allowedFastSetSize: 0 });
    const sim = run(cfg);
    const recs = all(sim);
    const suggested = new Map<number, number[]>();
    for (const r of recs) if (r.kind === T.SUGGEST) suggested.set(r.to, [...(suggested.get(r.to) ?? []), r.x]);
    expect(suggested.size).toBe(8);
    const flat = [...suggested.values()].flat();
    expect(new Set(flat).size).toBe(flat.length);
    for (const [to, pieces] of suggested) {
      const first = recs.find((r) => r.kind === T.REQUEST && r.from === to);
      if (first?.to === 0) expect(pieces).toContain(Math.floor(first.x / 2));
    }
    expect(recs.filter((r) => r.kind === T.SUGGEST && r.from !== 0)).toEqual([]);
    // The seed's suggestions change what is fetched: the run differs from one without them.
    const plain = run(crowd({ allowedFastSetSize: 0 }));
    expect(plain.traceHash()).not.toBe(sim.traceHash());
  });
});

describe('BEP 6 does not slow a swarm down', () => {
  /** A flash crowd: one seed no faster than each of its 20 leechers (BEP 16's home-link setting). */
  const flash = (seed: number, client: string, settings: PeerSettings): SimConfig =>
    swarm(
      [
        peer('seed', { seed: true, client, settings }),
        ...leechers('L', 20, { upload: 64 * KiB, download: 256 * KiB, client, settings }),
      ],
      { pieces: 64, pieceLength: 64 * KiB, seed },
    );
  const meanCompletion = (cfg: SimConfig): number => {
    const done = all(run(cfg)).filter((r) => r.kind === T.COMPLETED && r.from !== 0);
    expect(done).toHaveLength(20);
    return done.reduce((s, r) => s + r.time, 0) / done.length;
  };

  it('gives each peer its own /24, so peers get different allowed-fast sets (the BEP keys the set on the /24)', () => {
    const cfg = flash(1, 'libtorrent', {});
    const hash = infoHash(cfg);
    const sets = cfg.peers.map((_, i) => allowedFastSet(cfg.torrent.pieces, hash, peerAddressBytes(i), 5).join(','));
    expect(new Set(sets).size).toBe(cfg.peers.length);
  });

  // The extension saves round trips and turns silent drops into rejects; the allowed-fast pieces are a
  // few per peer, scattered by the peer's address. Nothing in it should make a swarm finish later.
  for (const [client, on, off] of [
    ['mainline', { fastExtension: true }, {}],
    ['libtorrent', {}, { fastExtension: false }],
  ] as [string, PeerSettings, PeerSettings][]) {
    it(`${client}: with the fast extension a flash crowd finishes within 5% of the same swarm without it`, () => {
      for (const seed of [1, 2, 3]) {
        const withFast = meanCompletion(flash(seed, client, on));
        const without = meanCompletion(flash(seed, client, off));
        expect(withFast / without, `seed ${seed}: ${(withFast / S).toFixed(1)} s with, ${(without / S).toFixed(1)} s without`).toBeLessThanOrEqual(1.05);
      }
    });
  }
});

describe('BEP 6 on what the remote said, not on its live state', () => {
  it('a connection uses the extensions its handshakes offered as sent: a `set` that turns the fast extension off while the handshake travels does not take it back', () => {
    // L's handshake to the seed leaves at 1 s offering the fast extension; 10 ms later (the handshake
    // takes 50 ms) L's settings turn it off. The seed answers on a fast connection: have all, not a bitfield.
    const cfg = swarm(
      [peer('seed', { seed: true, settings: FAST }), peer('L', { joinAt: 1 * S, settings: FAST })],
      { pieces: 8, pieceLength: 32 * KiB, stopAt: 3 * S, events: [{ at: 1 * S + 10_000, peer: 1, action: 'set', settings: { fastExtension: false } }] },
    );
    const recs = all(run(cfg));
    const hello = recs.filter((r) => r.kind === T.HANDSHAKE);
    expect(hello.map((r) => [r.from, r.to, r.x & HS_FAST])).toEqual([
      [1, 0, HS_FAST],
      [0, 1, HS_FAST],
    ]);
    const first = new Set<number>([T.BITFIELD, T.HAVE_ALL, T.HAVE_NONE]);
    expect(recs.find((r) => r.from === 0 && r.to === 1 && first.has(r.kind))?.kind).toBe(T.HAVE_ALL);
  });

  it("a seed's suggestions skip the pieces the remote announced, and may name one it verified after its bitfield left", () => {
    // A second seed, set to suggest every piece, joins at 5 s and connects to leechers busy downloading:
    // each leecher's bitfield travels 50 ms, and a piece it verifies meanwhile is still news to the seed.
    const cfg = swarm(
      [
        peer('seed', { seed: true, upload: 512 * KiB, settings: FAST }),
        ...leechers('L', 8, { upload: 32 * KiB, settings: FAST }),
        peer('suggester', { seed: true, joinAt: 5 * S, settings: { ...FAST, suggestPieces: 40, allowedFastSetSize: 0 } }),
      ],
      { pieces: 40, pieceLength: 32 * KiB, stopAt: 6 * S },
    );
    const recs = all(run(cfg));
    const suggester = cfg.peers.findIndex((p) => p.name === 'suggester');
    let laterNews = 0;
    for (const s of recs.filter((r) => r.kind === T.SUGGEST)) {
      expect(s.from).toBe(suggester);
      // (A leecher that held nothing said have none: nothing announced.)
      const bitfield = recs.filter((r) => r.kind === T.BITFIELD && r.from === s.to && r.to === suggester && r.index < s.index).pop();
      const verified = recs.filter((r) => r.kind === T.VERIFIED && r.from === s.to && r.x === s.x);
      // Not a piece the bitfield announced...
      expect(verified.every((v) => v.index > (bitfield?.index ?? -1))).toBe(true);
      // ...but possibly one verified since, whose have has not reached the seed yet.
      if (verified.some((v) => v.index < s.index)) laterNews++;
    }
    expect(laterNews).toBeGreaterThan(0);
  });
});
