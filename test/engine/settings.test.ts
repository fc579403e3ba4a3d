// Client settings that change how a peer advertises and shares (PeerSettings): predictive piece
// announce, lazy bitfield, BEP 16 super-seeding, maxUploads. Each test reads the rule from the trace.
import { describe, expect, it } from 'vitest';
import { records, SLOT, T, BROADCAST, type TraceRecord } from '../../src/engine/trace';
import type { PeerSettings, SimConfig } from '../../src/engine/types';
import { knownProfiles, PROFILES, resolveProfile } from '../../src/engine/profiles';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { bep16Swarm, seedRatioAtFirstCompletion } from './reference';
import { rechokeRows, run } from './rules';

const BLOCKS = 4;
const pieceOf = (block: number) => Math.floor(block / BLOCKS);

function verifiedAt(recs: TraceRecord[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const r of recs) if (r.kind === T.VERIFIED) m.set(`${r.from}/${r.x}`, r.time);
  return m;
}

describe('predictivePieceAnnounce (libtorrent predictive_piece_announce)', () => {
  const cfg = (settings: PeerSettings): SimConfig =>
    swarm([peer('seed', { seed: true, upload: 128 * KiB }), ...leechers('L', 5, { upload: 48 * KiB, client: 'libtorrent', settings })], { pieces: 16, pieceLength: BLOCKS * 16 * KiB });

  it('a peer with predictivePieceAnnounce sends a have before the piece passed its hash check, and sends no block of it before', () => {
    const sim = run(cfg({ predictivePieceAnnounce: 2 * S }));
    const recs = [...records(sim.trace)];
    const verified = verifiedAt(recs);
    let early = 0;
    for (const r of recs) {
      if (r.kind === T.HAVE && r.from > 0 && r.time < (verified.get(`${r.from}/${r.x}`) ?? Infinity)) early++;
      if (r.kind === T.PIECE && r.from > 0) expect(r.time).toBeGreaterThanOrEqual(verified.get(`${r.from}/${pieceOf(r.x)}`)!);
    }
    expect(early).toBeGreaterThan(10);
    expect(sim.result().endReason).toBe('complete');
  });

  it('without it (0, the default) every have follows the hash check', () => {
    for (const settings of [{}, { predictivePieceAnnounce: 0 }]) {
      const recs = [...records(run(cfg(settings)).trace)];
      const verified = verifiedAt(recs);
      for (const r of recs) if (r.kind === T.HAVE && r.from > 0) expect(r.time).toBeGreaterThanOrEqual(verified.get(`${r.from}/${r.x}`)!);
    }
  });
});

describe('lazyBitfield', () => {
  it('a lazy bitfield leaves up to 4 held pieces out, and a have for each follows it on that connection', () => {
    const cfg = swarm([peer('seed', { seed: true, upload: 128 * KiB, settings: { lazyBitfield: true } }), ...leechers('L', 4)], { pieces: 16, pieceLength: 32 * KiB });
    const sim = run(cfg);
    const recs = [...records(sim.trace)];
    const bitfields = recs.filter((r) => r.kind === T.BITFIELD && r.from === 0);
    expect(bitfields.length).toBeGreaterThanOrEqual(4);
    for (const b of bitfields) {
      expect([b.x, b.y]).toEqual([12, 4]);
      const haves = recs.slice(b.index + 1, b.index + 5);
      for (const h of haves) expect(h).toMatchObject({ kind: T.HAVE, from: 0, to: b.to, y: 1, time: b.time });
      // The pieces left out are never asked for before their have can have arrived.
      const latency = cfg.peers[0]!.latency + cfg.peers[b.to]!.latency;
      for (const h of haves) {
        const asked = recs.find((r) => r.kind === T.REQUEST && r.from === b.to && r.to === 0 && Math.floor(r.x / 2) === h.x);
        if (asked) expect(asked.time).toBeGreaterThanOrEqual(h.time + latency);
      }
    }
    expect(sim.result().endReason).toBe('complete');
  });

  it('without lazyBitfield the bitfield shows every held piece and no have is sent on one connection only', () => {
    const sim = run(swarm([peer('seed', { seed: true, upload: 128 * KiB }), ...leechers('L', 4)], { pieces: 16, pieceLength: 32 * KiB }));
    const recs = [...records(sim.trace)];
    for (const b of recs.filter((r) => r.kind === T.BITFIELD && r.from === 0)) expect([b.x, b.y]).toEqual([16, 0]);
    expect(recs.filter((r) => r.kind === T.HAVE && r.to !== BROADCAST)).toEqual([]);
  });
});

describe('superSeeding (BEP 16)', () => {
  it('a super-seed sends no bitfield and shows each peer one piece at a time with a have on that connection only', () => {
    const sim = run(bep16Swarm(true));
    const recs = [...records(sim.trace)];
    expect(recs.filter((r) => r.kind === T.BITFIELD && r.from === 0)).toEqual([]);
    const offers = recs.filter((r) => r.kind === T.HAVE && r.from === 0);
    expect(offers.length).toBeGreaterThanOrEqual(64);
    for (const o of offers) expect(o.to).not.toBe(BROADCAST);
    // Every block it sends is of a piece it offered to that peer before.
    for (const r of recs) {
      if (r.kind !== T.PIECE || r.from !== 0) continue;
      expect(offers.some((o) => o.to === r.to && o.x === pieceOf(r.x) && o.time < r.time)).toBe(true);
    }
  });

  it('while peers ask it for pieces, a super-seed offers a peer a new piece only after its last one showed up at another peer', () => {
    const sim = run(bep16Swarm(true));
    const recs = [...records(sim.trace)];
    const verified = new Map<number, { peer: number; time: number }[]>();
    for (const r of recs) if (r.kind === T.VERIFIED) verified.set(r.x, [...(verified.get(r.x) ?? []), { peer: r.from, time: r.time }]);
    const first = recs.find((r) => r.kind === T.COMPLETED && r.from !== 0)!.time;
    const last = new Map<number, number>();
    let judged = 0;
    for (const o of recs) {
      if (o.kind !== T.HAVE || o.from !== 0 || o.time > first) continue;
      const prev = last.get(o.to);
      if (prev !== undefined) {
        expect((verified.get(prev) ?? []).some((v) => v.peer !== o.to && v.time < o.time), `offer of ${o.x} to ${o.to} at ${o.time}`).toBe(true);
        judged++;
      }
      last.set(o.to, o.x);
    }
    expect(judged).toBeGreaterThan(20);
  });

  it('a super-seed uploads close to 1.05× the file before the first leecher completes; a normal seed clearly more', () => {
    for (const seed of [1, 2, 3]) {
      expect(seedRatioAtFirstCompletion(bep16Swarm(true, seed))).toBeLessThanOrEqual(1.15);
      expect(seedRatioAtFirstCompletion(bep16Swarm(false, seed))).toBeGreaterThanOrEqual(1.4);
    }
  });
});

describe('maxUploads', () => {
  it('a peer with maxUploads 2 unchokes at most 2 peers at a timer rechoke (the default 4 unchokes more)', () => {
    const unchokedAtTicks = (settings: PeerSettings): number => {
      const cfg = swarm([peer('seed', { seed: true, upload: 96 * KiB, settings }), ...leechers('L', 8, { upload: 32 * KiB })], { pieces: 16, pieceLength: 32 * KiB, stopAt: 60 * S });
      const sim = run(cfg);
      let most = 0;
      for (const r of records(sim.trace)) {
        if (r.kind === T.RECHOKE && r.from === 0) most = Math.max(most, rechokeRows(sim, r).filter((x) => x.slot !== SLOT.CHOKED).length);
      }
      return most;
    };
    expect(unchokedAtTicks({ maxUploads: 2 })).toBe(2);
    expect(unchokedAtTicks({})).toBe(4);
  });
});

describe('a peer profile (its client with its settings on top)', () => {
  const every: PeerSettings = {
    maxUploads: 7, unchokeInterval: 12 * S, optimisticUnchokeInterval: 40 * S, snubTimeout: 50 * S, seedChoker: 'round-robin',
    pieceSelection: 'random', predictivePieceAnnounce: 1 * S, lazyBitfield: true, superSeeding: true, fastExtension: true,
    allowedFastSetSize: 3, suggestPieces: 2, pex: true, banAfterHashFailures: 5,
  };

  it('has every field of its client, in one order for every client and settings', () => {
    const order = Object.keys(resolveProfile('mainline', {}));
    for (const client of knownProfiles()) {
      expect([...order].sort()).toEqual(Object.keys(PROFILES[client]!).sort());
      expect(Object.keys(resolveProfile(client, {}))).toEqual(order);
      expect(Object.keys(resolveProfile(client, every))).toEqual(order);
    }
  });

  it('without settings is its client\'s defaults; each setting changes its own field only', () => {
    for (const client of knownProfiles()) {
      const base = PROFILES[client]!;
      expect(resolveProfile(client, {})).toEqual(base);
      const set = resolveProfile(client, every);
      const settable = ['rechokeInterval', 'uploadSlots', 'optimisticSlots', 'optimisticInterval', 'snubTimeout', 'seedChoker', 'randomFirst', 'predictiveAnnounce',
        'lazyBitfield', 'superSeeding', 'fastExtension', 'allowedFastSetSize', 'suggestPieces', 'pex', 'banAfterHashFailures'];
      for (const k of Object.keys(base)) if (!settable.includes(k)) expect(set[k as keyof typeof set]).toEqual(base[k as keyof typeof base]);
      expect(set).toMatchObject({ rechokeInterval: 12 * S, uploadSlots: 7, optimisticInterval: 40 * S, snubTimeout: 50 * S, seedChoker: 'round-robin', randomFirst: Infinity, predictiveAnnounce: 1 * S, lazyBitfield: true, superSeeding: true, fastExtension: true, allowedFastSetSize: 3, suggestPieces: 2, pex: true, banAfterHashFailures: 5 });
    }
  });
});
