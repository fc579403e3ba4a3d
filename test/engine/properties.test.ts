// Invariants over random small swarms (fast-check): whatever the peers, capacities, latencies and
// timings, the engine conserves bytes, never beats a capacity, announces only verified pieces,
// completes a peer exactly when it holds every piece, and never beats the physical lower bounds; in a
// run split by peers (SimOptions.split) as in a plain one.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { H_FLAGS, H_OUT_COUNT, HI, F_OPEN, outstandingAt } from '../../src/engine/ends';
import { Sim } from '../../src/engine/sim';
import { BLOCK_RECEIVED } from '../../src/engine/state';
import { blocksInPiece, pieceOf } from '../../src/engine/torrent';
import { BROADCAST, records, T } from '../../src/engine/trace';
import type { SimConfig } from '../../src/engine/types';
import { randomExtendedSwarm, randomSwarm } from './arbitraries';
import { checkAnswers } from './answers';

for (const split of [false, true]) {
const run = (cfg: SimConfig): Sim => {
  const sim = new Sim(cfg, { checkpointEvery: 0, split });
  sim.run();
  return sim;
};

/**
 * Run `cfg` event by event, checking after each that every block a peer awaits on an open connection
 * is, for a peer that has never asked for a block a second time (Peer.duplicated: endgame), awaited
 * there alone, neither received nor asked elsewhere: block state 1, the state onArrive then takes
 * without reading it. Counts what it checked, so that a test can see the check did something.
 */
const awaitedOnce = (cfg: SimConfig): { checked: number; duplicated: number; wrong: string[] } => {
  const sim = new Sim(cfg, { checkpointEvery: 0, split });
  const out = { checked: 0, duplicated: 0, wrong: [] as string[] };
  const seen = new Set<number>();
  while (sim.step()) {
    const st = sim.state;
    for (const peer of st.peers) {
      if (peer.duplicated) {
        seen.add(peer.id);
        continue;
      }
      for (const h of peer.conns) {
        if ((st.hi[h * HI + H_FLAGS]! & F_OPEN) === 0) continue;
        for (let i = 0; i < st.hi[h * HI + H_OUT_COUNT]!; i++) {
          const block = outstandingAt(st, h, i);
          out.checked++;
          const s = peer.blocks[block]!;
          if (s !== 1 && out.wrong.length < 5) out.wrong.push(`peer ${peer.id} block ${block} state ${s === BLOCK_RECEIVED ? 'received' : s} at ${st.now}`);
        }
      }
    }
  }
  out.duplicated = seen.size;
  return out;
};

/** awaitedOnce over random swarms of `arb`, each found right; what they checked, summed. */
const awaitedOnceOver = (arb: fc.Arbitrary<SimConfig>, runs: { numRuns: number }): { checked: number; duplicated: number } => {
  const sum = { checked: 0, duplicated: 0 };
  fc.assert(
    fc.property(arb, (cfg) => {
      const r = awaitedOnce(cfg);
      expect(r.wrong).toEqual([]);
      sum.checked += r.checked;
      sum.duplicated += r.duplicated;
    }),
    runs,
  );
  return sum;
};

// Fewer split runs: they share all but the schedule with the plain ones.
const RUNS = { numRuns: split ? 60 : 150 };
const EXT = { numRuns: split ? 40 : 100 };
const also = split ? ', in a run split by peers' : '';

describe(`invariants over random small swarms${also}`, () => {
  it('conserves bytes: Σ uploaded = Σ downloaded + lost, and every piece sent is received, lost or still in flight', () => {
    fc.assert(
      fc.property(randomSwarm(false), (cfg) => {
        const sim = run(cfg);
        const r = sim.result();
        const up = r.peers.reduce((a, p) => a + p.uploadedBytes, 0);
        const down = r.peers.reduce((a, p) => a + p.downloadedBytes, 0);
        expect(up).toBe(down + r.lostBytes);
        let sent = 0;
        let received = 0;
        let lost = 0;
        for (const rec of records(sim.trace)) {
          if (rec.kind === T.PIECE) sent += rec.y;
          else if (rec.kind === T.RECEIVED) received += rec.y;
          else if (rec.kind === T.LOST) lost += rec.y;
        }
        expect(received).toBe(down);
        expect(lost).toBe(r.lostBytes);
        expect(sent).toBe(received + lost + r.inFlightBytes);
      }),
      RUNS,
    );
  });

  it('never sends faster than a peer\'s upload nor receives faster than its download', () => {
    fc.assert(
      fc.property(randomSwarm(false), (cfg) => {
        const sim = run(cfg);
        const sendFreeAt = new Map<number, number>();
        const recvLast = new Map<number, number>();
        for (const rec of records(sim.trace)) {
          if (rec.kind === T.PIECE) {
            const upload = cfg.peers[rec.from]!.upload;
            expect(upload).toBeGreaterThan(0);
            // One block at a time: a send starts only when the previous one has had its full time.
            expect(rec.time).toBeGreaterThanOrEqual(sendFreeAt.get(rec.from) ?? 0);
            sendFreeAt.set(rec.from, rec.time + Math.ceil((rec.y * 1e6) / upload));
          } else if (rec.kind === T.RECEIVED) {
            const download = cfg.peers[rec.to]!.download;
            if (download === null) continue;
            const last = recvLast.get(rec.to);
            if (last !== undefined) expect(rec.time - last).toBeGreaterThanOrEqual(Math.ceil((rec.y * 1e6) / download));
            recvLast.set(rec.to, rec.time);
          }
        }
      }),
      RUNS,
    );
  });

  it('sends a have only for a piece whose every block arrived and whose hash was checked', () => {
    fc.assert(
      fc.property(randomSwarm(false), (cfg) => {
        const sim = run(cfg);
        const g = sim.geometry;
        const got = cfg.peers.map(() => new Map<number, Set<number>>());
        const verified = cfg.peers.map(() => new Set<number>());
        for (const rec of records(sim.trace)) {
          if (rec.kind === T.RECEIVED) {
            const piece = pieceOf(g, rec.x);
            const m = got[rec.to]!;
            if (!m.has(piece)) m.set(piece, new Set());
            m.get(piece)!.add(rec.x);
          } else if (rec.kind === T.VERIFIED) {
            expect(got[rec.from]!.get(rec.x)?.size).toBe(blocksInPiece(g, rec.x));
            verified[rec.from]!.add(rec.x);
          } else if (rec.kind === T.HAVE) {
            expect(rec.to).toBe(BROADCAST);
            expect(verified[rec.from]!.has(rec.x)).toBe(true);
          }
        }
      }),
      RUNS,
    );
  });

  it('has each block a peer awaits asked of one connection only, until the peer duplicates a request (endgame)', () => {
    const r = awaitedOnceOver(randomSwarm(false), RUNS);
    // Both kinds of peer were there: some still awaiting blocks asked once, some in endgame.
    expect(r.checked).toBeGreaterThan(0);
    expect(r.duplicated).toBeGreaterThan(0);
  });

  it('completes a peer if and only if it holds every piece', () => {
    fc.assert(
      fc.property(randomSwarm(false), (cfg) => {
        const sim = run(cfg);
        const r = sim.result();
        const completedRecords = new Set<number>();
        for (const rec of records(sim.trace)) if (rec.kind === T.COMPLETED) completedRecords.add(rec.from);
        r.peers.forEach((p, i) => {
          const joined = p.joinedAt !== null;
          expect(joined && p.piecesHave === cfg.torrent.pieces).toBe(p.completedAt !== null);
          if (!cfg.peers[i]!.seed) expect(completedRecords.has(i)).toBe(p.completedAt !== null);
        });
      }),
      RUNS,
    );
  });

  it('never completes a peer before joinAt + size / download', () => {
    fc.assert(
      fc.property(randomSwarm(false), (cfg) => {
        const r = run(cfg).result();
        r.peers.forEach((p, i) => {
          const spec = cfg.peers[i]!;
          if (spec.seed || p.completedAt === null || spec.download === null) return;
          expect(p.completedAt).toBeGreaterThanOrEqual(p.joinedAt! + (cfg.torrent.size * 1e6) / spec.download);
        });
      }),
      RUNS,
    );
  });

  it('never finishes a flash crowd before the Kumar–Ross minimum distribution time', () => {
    fc.assert(
      fc.property(randomSwarm(true), (cfg) => {
        const r = run(cfg).result();
        const F = cfg.torrent.size;
        const seeds = cfg.peers.filter((p) => p.seed);
        const leechers = cfg.peers.filter((p) => !p.seed);
        const us = seeds.reduce((a, p) => a + p.upload, 0);
        const ul = leechers.reduce((a, p) => a + p.upload, 0);
        const dmin = Math.min(...leechers.map((p) => p.download ?? Infinity));
        const tmin = Math.max(F / us, F / dmin, (leechers.length * F) / (us + ul)) * 1e6;
        const done = r.peers.filter((p) => !p.seed).map((p) => p.completedAt);
        if (done.every((t) => t !== null)) expect(Math.max(...(done as number[]))).toBeGreaterThanOrEqual(tmin);
        // Nobody can finish before the seeds have sent one whole copy.
        for (const t of done) if (t !== null) expect(t).toBeGreaterThanOrEqual((F / us) * 1e6);
      }),
      RUNS,
    );
  });
});

describe(`invariants over random small swarms with the protocol extensions${also}`, () => {
  it('still conserves bytes: discarded pieces were sent and received, lost blocks left with a closed connection', () => {
    fc.assert(
      fc.property(randomExtendedSwarm, (cfg) => {
        const sim = run(cfg);
        const r = sim.result();
        const up = r.peers.reduce((a, p) => a + p.uploadedBytes, 0);
        const down = r.peers.reduce((a, p) => a + p.downloadedBytes, 0);
        expect(up).toBe(down + r.lostBytes);
        let sent = 0;
        for (const rec of records(sim.trace)) if (rec.kind === T.PIECE) sent += rec.y;
        expect(sent).toBe(down + r.lostBytes + r.inFlightBytes);
      }),
      EXT,
    );
  });

  it('has each block a peer awaits asked of one connection only until it duplicates a request, with rejects, chokes that keep requests and hash failures', () => {
    expect(awaitedOnceOver(randomExtendedSwarm, EXT).checked).toBeGreaterThan(0);
  });

  it('answers every request on a fast connection exactly once, with the piece or a reject', () => {
    fc.assert(
      fc.property(randomExtendedSwarm, (cfg) => {
        expect(checkAnswers(run(cfg)).problems).toEqual([]);
      }),
      EXT,
    );
  });

  it('verifies and announces a piece only once all its blocks arrived after its last hash failure', () => {
    fc.assert(
      fc.property(randomExtendedSwarm, (cfg) => {
        const sim = run(cfg);
        const g = sim.geometry;
        const got = new Map<string, Set<number>>();
        const verified = new Set<string>();
        for (const rec of records(sim.trace)) {
          if (rec.kind === T.RECEIVED) {
            const key = `${rec.to}/${pieceOf(g, rec.x)}`;
            got.set(key, (got.get(key) ?? new Set()).add(rec.x));
          } else if (rec.kind === T.HASH_FAILED) {
            got.delete(`${rec.from}/${rec.x}`);
            expect(verified.has(`${rec.from}/${rec.x}`)).toBe(false);
          } else if (rec.kind === T.VERIFIED) {
            expect(got.get(`${rec.from}/${rec.x}`)?.size).toBe(blocksInPiece(g, rec.x));
            verified.add(`${rec.from}/${rec.x}`);
          } else if (rec.kind === T.HAVE) {
            expect(verified.has(`${rec.from}/${rec.x}`)).toBe(true);
          }
        }
      }),
      EXT,
    );
  });

  it('never connects to a peer behind NAT, nor two banned peers again', () => {
    fc.assert(
      fc.property(randomExtendedSwarm, (cfg) => {
        const sim = run(cfg);
        const pending = new Map<string, number>();
        const banned = new Set<string>();
        const key = (a: number, b: number) => (a < b ? `${a}-${b}` : `${b}-${a}`);
        for (const rec of records(sim.trace)) {
          if (rec.kind === T.HANDSHAKE) {
            const k = key(rec.from, rec.to);
            expect(banned.has(k)).toBe(false);
            // An initiation never goes to a NATed peer; the answer comes from the acceptor.
            if (pending.get(k) === rec.to) pending.delete(k);
            else {
              expect(cfg.peers[rec.to]!.connectable ?? true).toBe(true);
              pending.set(k, rec.from);
            }
          } else if (rec.kind === T.REFUSED) pending.delete(key(rec.from, rec.to));
          else if (rec.kind === T.LEAVE) {
            for (const k of [...pending.keys()]) if (k.split('-').map(Number).includes(rec.from)) pending.delete(k);
          } else if (rec.kind === T.BANNED) banned.add(key(rec.from, rec.to));
          else if (rec.kind === T.UNREACHABLE) expect(cfg.peers[rec.to]!.connectable).toBe(false);
        }
      }),
      EXT,
    );
  });
});
}
