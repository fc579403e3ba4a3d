// The reference results of PROTOCOL.md ("Reference results the engine can be checked against"), each
// on a swarm small enough to run in a few seconds (the swarms and measures are in reference.ts).
import { describe, expect, it } from 'vitest';
import { Sim } from '../../src/engine/sim';
import {
  census,
  freeRiderSwarm,
  meanCompletion,
  meanDownloadTime,
  meanMinReplication,
  missingPieceSwarm,
  selectionSwarm,
  steadyStateSwarm,
} from './reference';

describe('missing piece syndrome (Hajek & Zhu): one seed, peers leaving on completion', () => {
  it('the number of leechers stays bounded when the seed sends pieces faster than peers arrive', () => {
    // The seed sends 0.5 pieces/s; 0.25 peers arrive a second.
    const { counts } = census(missingPieceSwarm(0.25, 200), 20);
    expect(Math.max(...counts)).toBeLessThanOrEqual(15);
  });

  it('when peers arrive faster than the seed sends pieces, the leechers pile up, all missing the same one piece', () => {
    // 1 peer a second against 0.5 pieces/s from the seed.
    const { counts, holders, present } = census(missingPieceSwarm(1, 200), 20);
    const half = counts[Math.floor(counts.length / 2) - 1]!;
    expect(counts.at(-1)!).toBeGreaterThanOrEqual(1.5 * half);
    expect(present).toBeGreaterThanOrEqual(60);
    const sorted = [...holders].sort((a, b) => a - b);
    // One piece is stuck rare; every other piece is held by nearly everyone.
    expect(sorted[0]!).toBeLessThanOrEqual(0.1 * present);
    expect(sorted[1]!).toBeGreaterThanOrEqual(0.9 * present);
  });
});

describe('steady state (Qiu & Srikant)', () => {
  it('the mean download time barely moves when the arrival rate changes 10×', () => {
    const slow = meanDownloadTime(steadyStateSwarm(0.05));
    const fast = meanDownloadTime(steadyStateSwarm(0.5));
    expect(fast / slow).toBeGreaterThan(0.75);
    expect(fast / slow).toBeLessThan(1.33);
  });
});

describe('the choke algorithm resists free riders (Legout et al.)', () => {
  it('free riders finish later than reciprocating peers of the same capacity', () => {
    for (const seed of [1, 2, 3]) {
      const sim = new Sim(freeRiderSwarm(seed), { checkpointEvery: 0 });
      sim.run();
      expect(meanCompletion(sim, 'F')).toBeGreaterThan(1.1 * meanCompletion(sim, 'R'));
    }
  });
});

describe('piece selection (Legout et al.)', () => {
  it('rarest first keeps the minimum piece replication among leechers above that of random selection', () => {
    for (const seed of [1, 2, 3]) {
      expect(meanMinReplication(selectionSwarm('rarest-first', seed))).toBeGreaterThan(meanMinReplication(selectionSwarm('random', seed)));
    }
  });
});
