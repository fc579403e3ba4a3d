// Piece verification with consequences (src/engine/hashcheck.ts): a piece holding a corrupt block fails
// its hash check, is discarded (no have) and fetched again; each failure counts against every peer that
// sent one of its blocks, and a peer involved in `banAfterHashFailures` failures at a receiver is banned
// by it: their connection closes and they never connect again.
import { describe, expect, it } from 'vitest';
import { BROADCAST, T, type TraceRecord } from '../../src/engine/trace';
import type { PeerSettings, SimConfig } from '../../src/engine/types';
import { KiB, leechers, peer, swarm } from './helpers';
import { all, pairKey, run } from './rules';

const BAD = 1;

/** An honest seed, a seed that sends only corrupt blocks (peer 1), and leechers. */
function poisoned(corrupt = 1, leecherSettings: PeerSettings = {}, seed = 1): SimConfig {
  return swarm(
    [
      peer('seed', { seed: true, upload: 96 * KiB }),
      peer('bad', { seed: true, upload: 96 * KiB, corrupt }),
      ...leechers('L', 5, { upload: 32 * KiB, settings: leecherSettings }),
    ],
    { pieces: 20, pieceLength: 32 * KiB, seed },
  );
}

/**
 * Replays the kept copies (the first copy of each block since the piece was last discarded) and checks
 * each VERIFIED and HASH_FAILED against them, with the always-corrupt peer `bad` (-1: none is always corrupt).
 */
function checkVerdicts(recs: TraceRecord[], blocksPerPiece: number, bad: number): { failed: number; verified: number } {
  const kept = new Map<string, number>();
  const key = (peer: number, block: number) => `${peer}/${block}`;
  const sendersOf = (peer: number, piece: number) => {
    const out: number[] = [];
    for (let b = piece * blocksPerPiece; b < (piece + 1) * blocksPerPiece; b++) {
      const s = kept.get(key(peer, b));
      if (s !== undefined && !out.includes(s)) out.push(s);
    }
    return out;
  };
  const discarded = new Set<string>();
  let failed = 0;
  let verified = 0;
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i]!;
    if (r.kind === T.RECEIVED && !kept.has(key(r.to, r.x))) kept.set(key(r.to, r.x), r.from);
    else if (r.kind === T.VERIFIED) {
      verified++;
      if (bad >= 0) expect(sendersOf(r.from, r.x)).not.toContain(bad);
      discarded.delete(`${r.from}/${r.x}`);
    } else if (r.kind === T.HASH_FAILED) {
      // One record per sender of the piece, in a row; the piece held a block from the corrupt peer.
      const senders = sendersOf(r.from, r.x);
      if (bad >= 0) expect(senders).toContain(bad);
      const group = recs.slice(i, i + senders.length);
      expect(group.map((g) => [g.kind, g.from, g.x])).toEqual(senders.map(() => [T.HASH_FAILED, r.from, r.x]));
      expect(group.map((g) => g.to).sort()).toEqual(senders.slice().sort());
      failed++;
      i += senders.length - 1;
      for (let b = r.x * blocksPerPiece; b < (r.x + 1) * blocksPerPiece; b++) kept.delete(key(r.from, b));
      discarded.add(`${r.from}/${r.x}`);
    } else if (r.kind === T.HAVE) {
      expect(r.to).toBe(BROADCAST);
      // No have for a discarded piece until it verifies.
      expect(discarded.has(`${r.from}/${r.x}`)).toBe(false);
    }
  }
  return { failed, verified };
}

describe('hash failures', () => {
  for (const seed of [1, 2, 3]) {
    it(`a piece with a corrupt block fails, is discarded without a have and fetched again (seed ${seed})`, () => {
      const sim = run(poisoned(1, {}, seed));
      const recs = all(sim);
      const { failed } = checkVerdicts(recs, 2, BAD);
      expect(failed).toBeGreaterThan(0);
      const r = sim.result();
      expect(r.endReason).toBe('complete');
      expect(r.peers.slice(2).every((p) => p.piecesHave === 20)).toBe(true);
      // Discarded bytes were still sent and received.
      expect(r.peers.reduce((a, p) => a + p.uploadedBytes, 0)).toBe(r.peers.reduce((a, p) => a + p.downloadedBytes, 0) + r.lostBytes);
      expect(r.peers[BAD]!.uploadedBytes).toBeGreaterThan(0);
    });
  }

  it('bans a peer at its third failure (the default), and the pair never trades or connects again', () => {
    const sim = run(poisoned());
    const recs = all(sim);
    const bans = recs.filter((r) => r.kind === T.BANNED);
    expect(bans.length).toBeGreaterThan(0);
    for (const ban of bans) {
      expect(ban.x).toBe(3);
      const strikes = recs.filter((r) => r.kind === T.HASH_FAILED && r.from === ban.from && r.to === ban.to && r.index < ban.index);
      expect(strikes.map((s) => s.y)).toEqual([1, 2, 3]);
      const later = recs.slice(ban.index + 1);
      const between = (r: TraceRecord) => pairKey(r.from, r.to) === pairKey(ban.from, ban.to);
      // (Pieces that already held one of its blocks can still fail afterwards, and say so.)
      expect(later.filter((r) => between(r) && ([T.HANDSHAKE, T.REQUEST, T.PIECE, T.RECEIVED] as number[]).includes(r.kind))).toEqual([]);
    }
    // Only the corrupt peer gets banned here: the others never reach three shared failures.
    expect(new Set(bans.map((b) => b.to))).toEqual(new Set([BAD]));
  });

  it('banAfterHashFailures sets the number: 1 bans at the first failure', () => {
    const recs = all(run(poisoned(1, { banAfterHashFailures: 1 })));
    const first = recs.filter((r) => r.kind === T.HASH_FAILED && r.to === BAD);
    const bans = recs.filter((r) => r.kind === T.BANNED);
    expect(bans.length).toBeGreaterThan(0);
    for (const ban of bans) {
      expect(ban.x).toBe(1);
      expect(first.filter((f) => f.from === ban.from && f.index < ban.index)).toHaveLength(1);
    }
  });

  it('a peer corrupt with a probability spoils some blocks, drawn from its own stream: same seed, same run', () => {
    const a = run(poisoned(0.3));
    const b = run(poisoned(0.3));
    expect(a.traceHash()).toBe(b.traceHash());
    const recs = all(a);
    expect(checkVerdicts(recs, 2, -1).failed).toBeGreaterThan(0);
    // Some of its blocks made it into verified pieces.
    const honest = run(poisoned(0));
    expect(recs.filter((r) => r.kind === T.HASH_FAILED).length).toBeLessThan(all(run(poisoned(1))).filter((r) => r.kind === T.HASH_FAILED).length);
    expect(all(honest).filter((r) => r.kind === T.HASH_FAILED || r.kind === T.BANNED)).toEqual([]);
  });

  it('corrupt: 0 is the same run as no corrupt key (no stream drawn, no tracking)', () => {
    const cfg = poisoned(0);
    const plain = { ...cfg, peers: cfg.peers.map(({ corrupt: _c, ...p }) => p) };
    expect(run(cfg).traceHash()).toBe(run(plain).traceHash());
  });
});
