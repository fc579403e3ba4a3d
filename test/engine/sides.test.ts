// A split run's two sides, run apart (engine/side.ts, as two threads run them: src/cli/threads.ts),
// give the split run itself: the same trace once merged, the same result. And the rules that make a
// side need nothing of the other's state: each side makes its own connection ends and learns the
// other's from the handshake, a refusal is a message, a close reaches the remote a latency later, and
// the run ends at a window boundary.
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSidesInTurn } from '../../src/engine/side';
import { Sim } from '../../src/engine/sim';
import { F_INITIATOR, flag, H_PEER, HI } from '../../src/engine/ends';
import { CHUNK, CHUNK_BITS, record, records, T, type Trace } from '../../src/engine/trace';
import { traceHash } from '../../src/engine/trace-hash';
import { mergedTrace, mergedTraceHash, mergeHashing } from '../../src/engine/trace-merge';
import type { SimConfig } from '../../src/engine/types';
import { parseScenario } from '../../src/scenario/parse';
import { root } from '../e2e/browser';
import { randomExtendedSwarm, randomSwarm, randomSwarmWithSubject } from './arbitraries';
import { flashCrowd, KiB, peer, S, swarm, windowed } from './helpers';

/** The split run in one world, and its two sides run apart: their traces and results must be the same. */
function expectSame(cfg: SimConfig): void {
  const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
  sim.run();
  const { sides, result } = runSidesInTurn(cfg);
  expect(result).toEqual(sim.result());
  const [even, odd] = [sides[0]!.trace, sides[1]!.trace];
  expect(mergedTraceHash(even, odd)).toBe(sim.traceHash());
}

describe('a split run’s two sides, run apart', () => {
  it('give the split run’s trace and result, over random small swarms with and without the extensions', () => {
    fc.assert(fc.property(fc.oneof(randomSwarm(true), randomSwarm(false), randomSwarmWithSubject, randomExtendedSwarm), (cfg) => expectSame(windowed(cfg))), { numRuns: 120 });
  });

  it('give the split run’s trace and result for every library scenario (its first simulated minute)', () => {
    const dir = join(root, 'scenarios');
    const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const parsed = parseScenario(JSON.parse(readFileSync(join(dir, file), 'utf8')));
      if (!parsed.ok) throw new Error(file);
      expectSame(windowed({ ...parsed.config, stopAt: Math.min(parsed.config.stopAt ?? 60 * S, 60 * S) }));
    }
  });

  it('each number their own connection ends 0, 1, 2… (a row after row of the end records), where one world for both numbers side s’s k-th 2k + s', () => {
    const cfg = flashCrowd(8);
    const { sides } = runSidesInTurn(cfg);
    const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
    sim.run();
    const one = sim.state;
    for (const side of sides) {
      const st = side.state;
      const made = st.split!.ends[side.side]!;
      expect(made).toBeGreaterThan(4);
      // Every end the side made is its own peers', at the rows 0 .. made − 1, and no other.
      expect(st.halves.length).toBe(made);
      for (let id = 0; id < made; id++) expect(st.hi[id * HI + H_PEER]! & 1).toBe(side.side);
      // The world of both sides made as many for it, at 2k + side.
      expect(one.split!.ends[side.side]).toBe(made);
      for (let k = 0; k < made; k++) expect(one.hi[(2 * k + side.side) * HI + H_PEER]! & 1).toBe(side.side);
    }
  });

  it('merge their traces by time, the even side’s records of one instant first, each side’s in its own order', () => {
    const cfg = flashCrowd(6);
    const { sides } = runSidesInTurn(cfg);
    const merged = mergedTrace(sides[0]!.trace, sides[1]!.trace);
    expect(merged.length).toBe(sides[0]!.trace.length + sides[1]!.trace.length);
    expect(traceHash(merged)).toBe(mergedTraceHash(sides[0]!.trace, sides[1]!.trace));
    let last = { time: -1, side: 0 };
    const seen = [0, 0];
    for (const r of records(merged)) {
      // A record's side: the peer whose event appended it (from), but for a received block the
      // receiver's (a lost one may be either's).
      if (r.kind === T.LOST) continue;
      const side = (r.kind === T.RECEIVED ? r.to : r.from) & 1;
      expect(r.time > last.time || (r.time === last.time && side >= last.side)).toBe(true);
      last = { time: r.time, side };
      seen[side]!++;
    }
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[1]).toBeGreaterThan(0);
  });
});

describe('merging a split run’s traces a part at a time (as the two threads do while they wait)', () => {
  it('gives the whole merge’s hash, whatever the slices merged and hashed and the aux blocks, while the traces grow, their chunks and aux columns replaced', () => {
    const cfg = flashCrowd(40, { pieces: 256, pieceLength: 64 * KiB });
    const { sides } = runSidesInTurn(cfg);
    const full = [sides[0]!.trace, sides[1]!.trace] as const;
    expect(full[0].length + full[1].length).toBeGreaterThan(2 * CHUNK);
    const expected = mergedTraceHash(full[0], full[1]);
    const end = Math.max(...full.map((t) => record(t, t.length - 1).time));
    /** How many of a trace's records are before `t`. */
    const before = (tr: Trace, t: number): number => {
      let lo = 0;
      let hi = tr.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (tr.chunks[mid >>> CHUNK_BITS]!.time[mid & (CHUNK - 1)]! < t) lo = mid + 1;
        else hi = mid;
      }
      return lo;
    };
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 5_000 }), fc.integer({ min: 200_000, max: 5 * S }), fc.integer({ min: 1, max: 300_000 }), fc.integer({ min: 1, max: 64 }), (most, step, bytes, auxBlock) => {
        // What each side had at a boundary: the records before it, and possibly some at or after it.
        const views: Trace[] = full.map(() => ({ length: 0, chunks: [], aux: new Float64Array(0), auxLength: 0 }));
        const grow = (at: number): void =>
          views.forEach((v, i) => {
            const tr = full[i]!;
            v.length = Math.min(tr.length, before(tr, at) + 3);
            v.chunks = tr.chunks.slice(0, Math.ceil(v.length / CHUNK));
            v.aux = tr.aux.slice(0, tr.auxLength);
            v.auxLength = tr.auxLength;
          });
        // The merged aux column in small blocks, so that records' aux spans straddle them.
        const hashing = mergeHashing(views[0]!, views[1]!, undefined, auxBlock);
        for (let at = step; at <= end; at += step) {
          grow(at + step);
          // Merging a slice, and hashing some of a full merged chunk, in turn.
          while (!hashing.merge.run(at, views[0]!.length, views[1]!.length, most)) hashing.hashSome(bytes);
          expect(hashing.merge.merged).toBe(before(full[0], at) + before(full[1], at));
        }
        grow(Infinity);
        expect(hashing.digest()).toBe(expected);
      }),
      { numRuns: 8 },
    );
  });
});

describe('connections in a split run', () => {
  // Two leechers that join together and each learn of the other from the tracker one window later.
  const pair = (): SimConfig =>
    swarm([peer('A', { latency: 20_000 }), peer('B', { latency: 30_000 }), peer('seed', { seed: true, joinAt: 5 * S, latency: 20_000 })], { pieces: 4, pieceLength: 32 * KiB });

  it('of two peers dialling each other at once, the lower id’s handshake is refused and the higher id’s accepted: one connection', () => {
    const sim = new Sim(pair(), { checkpointEvery: 0, split: true });
    sim.runUntil(1 * S);
    const recs = [...records(sim.trace)];
    const dialled = recs.filter((r) => r.kind === T.HANDSHAKE && r.time === 50_000).map((r) => `${r.from}>${r.to}`);
    expect(dialled.sort()).toEqual(['0>1', '1>0']);
    expect(recs.filter((r) => r.kind === T.REFUSED).map((r) => `${r.from} refused ${r.to}`)).toEqual(['1 refused 0']);
    const st = sim.state;
    expect(st.peers[0]!.conns.length).toBe(1);
    expect(st.peers[1]!.conns.length).toBe(1);
    // B (id 1) dialled the connection that stands; A's end is the accepting one.
    expect(flag(st, st.peers[1]!.conns[0]!, F_INITIATOR)).toBe(true);
    expect(flag(st, st.peers[0]!.conns[0]!, F_INITIATOR)).toBe(false);
  });

  it('a refused handshake frees the initiator’s slot when the refusal reaches it, a round trip after it dialled', () => {
    const sim = new Sim(pair(), { checkpointEvery: 0, split: true });
    const rtt = 2 * 50_000;
    sim.runUntil(50_000 + rtt - 1);
    expect(sim.state.peers[0]!.pendingOut).toBe(1);
    sim.runUntil(50_000 + rtt);
    expect(sim.state.peers[0]!.pendingOut).toBe(0);
  });

  it('a leaving peer closes its ends at once; the remote’s closes one latency later, and what it sent meanwhile is lost', () => {
    const cfg = swarm(
      [peer('seed', { seed: true, upload: 64 * KiB, latency: 20_000 }), peer('L', { latency: 30_000, leaveAt: 10 * S })],
      // Stopped at 12 s: with the leecher gone the seed alone is complete, which would end the run at the next boundary.
      { pieces: 32, pieceLength: 64 * KiB, stopAt: 12 * S },
    );
    const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
    sim.runUntil(10 * S);
    expect(sim.state.peers[1]!.conns).toEqual([]);
    expect(sim.state.peers[0]!.connRemote).toContain(1);
    sim.runUntil(10 * S + 50_000 - 1);
    expect(sim.state.peers[0]!.connRemote).toContain(1);
    sim.runUntil(10 * S + 50_000);
    expect(sim.state.peers[0]!.connRemote).not.toContain(1);
    sim.run();
    const r = sim.result();
    // Blocks the seed sent the leaver until then were lost, and bytes are still conserved.
    expect(r.lostBytes).toBeGreaterThan(0);
    const up = r.peers.reduce((s, p) => s + p.uploadedBytes, 0);
    const down = r.peers.reduce((s, p) => s + p.downloadedBytes, 0);
    expect(up).toBe(down + r.lostBytes);
  });

  it('ends at the first window boundary at which every present peer is complete', () => {
    const sim = new Sim(flashCrowd(8), { checkpointEvery: 0, split: true });
    sim.run();
    const r = sim.result();
    const window = sim.state.split!.window;
    const last = Math.max(...r.peers.map((p) => p.completedAt!));
    expect(r.endReason).toBe('complete');
    expect(r.endTime % window).toBe(0);
    expect(r.endTime).toBeGreaterThan(last);
    expect(r.endTime).toBeLessThanOrEqual(last + window);
  });
});
