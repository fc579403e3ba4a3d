// The counterfactual comparison changes only what it claims: the same config twice gives identical
// runs with zero differences; a subject with upload 0 sends nothing, and its baseline is a plain run.
import { describe, expect, it } from 'vitest';
import { compareRuns, type CounterfactualRun } from '../../src/analysis/counterfactual';
import { subjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { KiB, peer, swarm } from '../engine/helpers';

function runOf(config: SimConfig): CounterfactualRun {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.run();
  return { config, result: sim.result(), traceHash: sim.traceHash(), report: subjectReport(sim)! };
}

const base = swarm(
  [
    peer('seed', { seed: true, upload: 128 * KiB }),
    peer('me', { subject: true, upload: 256 * KiB }),
    peer('L-1', { upload: 128 * KiB }),
    peer('L-2', { upload: 128 * KiB }),
    peer('L-3', { upload: 128 * KiB }),
  ],
  { pieces: 12 },
);
const withSubject = (over: Parameters<typeof peer>[1]): SimConfig => ({
  ...base,
  peers: base.peers.map((p) => (p.subject ? { ...p, ...over } : p)),
});

describe('compareRuns', () => {
  it('the same config twice: the same traceHash and no difference anywhere', () => {
    const c = compareRuns(runOf(base), runOf(base), {});
    expect(c.traceHash.baseline).toBe(c.traceHash.counterfactual);
    expect(c.bytesSent.baseline).toBe(c.bytesSent.counterfactual);
    expect(c.completion.map((r) => r.name)).toEqual(['seed', 'me', 'L-1', 'L-2', 'L-3']);
    for (const r of c.completion) {
      expect(r.baseline).toBe(r.counterfactual);
      expect(r.difference).toBe(0);
    }
  });

  it('upload 0: the subject sends nothing in the counterfactual; the baseline is a plain run of the scenario', () => {
    const plain = runOf(base);
    const c = compareRuns(runOf(base), runOf(withSubject({ upload: 0 })), { upload: 0 });
    expect(c.bytesSent.counterfactual).toBe(0);
    expect(c.bytesSent.baseline).toBe(plain.report.uploaded.bytes);
    expect(c.bytesSent.baseline).toBeGreaterThan(0);
    expect(c.traceHash.baseline).toBe(plain.traceHash);
    expect(c.traceHash.counterfactual).not.toBe(plain.traceHash);
    expect(c.settings).toEqual({ upload: 0 });
    expect(c.subjectCompletedAt.baseline).toBe(plain.result.peers[1]!.completedAt! / 1e6);
    for (const r of c.completion) {
      if (r.baseline !== null && r.counterfactual !== null) expect(r.difference).toBeCloseTo(r.counterfactual - r.baseline, 9);
      else expect(r.difference).toBeNull();
    }
  });

  it('a peer that completes in only one run has no difference', () => {
    const c = compareRuns(runOf(base), runOf({ ...withSubject({ upload: 0 }), stopAt: 1_000_000 }), { upload: 0 });
    const me = c.completion.find((r) => r.name === 'me')!;
    expect(me.counterfactual).toBeNull();
    expect(me.difference).toBeNull();
    expect(c.subjectCompletedAt.counterfactual).toBeNull();
  });
});
