// A split run on two threads (src/cli/threads.ts): the odd peers' side in a worker, the even peers'
// here, meeting at every window boundary. It must be the split run, to the byte: the same trace (the
// two sides' merged) and the same result as the split run in one world.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runOnTwoThreads } from '../../src/cli/threads';
import { Sim } from '../../src/engine/sim';
import { mergedTraceHash } from '../../src/engine/trace-merge';
import type { SimConfig } from '../../src/engine/types';
import { randomExtendedSwarm } from '../engine/arbitraries';
import { flashCrowd, peer, swarm, windowed } from '../engine/helpers';

/**
 * Two threads give the split run's result and trace, and, asked to hash (the worker merging what
 * both sides have finished while it waits at the barriers, this thread's trace in shared memory), its
 * trace hash.
 */
async function expectSplitRun(cfg: SimConfig): Promise<void> {
  const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
  sim.run();
  const run = await runOnTwoThreads(cfg);
  expect(run.result).toEqual(sim.result());
  const [even, odd] = run.traces!;
  expect(mergedTraceHash(even, odd)).toBe(sim.traceHash());
  expect(run.events[0] + run.events[1]).toBeGreaterThan(0);
  expect(run.hash).toBeUndefined();
  const hashed = await runOnTwoThreads(cfg, { hash: true });
  expect(hashed.result).toEqual(sim.result());
  expect(hashed.hash!.traceHash).toBe(sim.traceHash());
  // Merged and hashed, the records are let go of: no trace is kept.
  expect(hashed.traces).toBeNull();
}

describe('a split run on two threads', () => {
  it('gives the split run’s trace and result: a flash crowd of 40', async () => {
    await expectSplitRun(flashCrowd(40));
  });

  it('gives the split run’s trace and result: random swarms with the extensions, leaves and late joins', async () => {
    const swarms = fc.sample(randomExtendedSwarm, { seed: 5, numRuns: 6 });
    for (const cfg of swarms) await expectSplitRun({ ...cfg, peers: cfg.peers.map((p, i) => (i % 2 === 1 && p.latency === 0 ? { ...p, latency: 1_000 } : p)) });
  });

  it('hashed, fills again the trace chunks merged and let go of, on both sides, and still gives the split run’s trace hash', async () => {
    // Some 650,000 records: several chunks a side.
    const cfg = windowed(flashCrowd(40, { pieces: 1000 }));
    const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
    sim.run();
    const kept = await runOnTwoThreads(cfg);
    expect(kept.traceChunks.made).toEqual(kept.traceChunks.used);
    const hashed = await runOnTwoThreads(cfg, { hash: true });
    expect(hashed.hash!.traceHash).toBe(sim.traceHash());
    expect(hashed.result).toEqual(sim.result());
    const { used, made } = hashed.traceChunks;
    expect(used).toEqual(kept.traceChunks.used);
    for (const side of [0, 1]) {
      expect(used[side]).toBeGreaterThanOrEqual(4);
      expect(made[side]).toBeLessThan(used[side]!);
    }
  });

  it('refuses a swarm without windows (every side has a peer of latency 0) with a message, rather than hang', async () => {
    const cfg = swarm([peer('seed', { seed: true, latency: 0 }), peer('L', { latency: 0 })]);
    await expect(runOnTwoThreads(cfg)).rejects.toThrow(/needs windows/);
  });
});
