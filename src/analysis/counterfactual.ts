// A counterfactual run side by side with its baseline: the same scenario and seed with other values for
// the subject's own fields. Pure: two finished runs in, the comparison out (the CLI does the rerun).
// Only figures are compared; what differs between the runs is what the changed fields caused, since
// everything else (scenario, seed, engine) is the same.
import type { SimConfig, SimResult } from '../engine/types';
import type { SubjectReport } from './report';

export interface CounterfactualRun {
  config: SimConfig;
  result: SimResult;
  traceHash: string;
  report: SubjectReport;
}

export interface CompletionRow {
  name: string;
  /** Seconds of simulated time when the peer held every piece (an initial seed: its join), or null if it never did. */
  baseline: number | null;
  counterfactual: number | null;
  /** counterfactual − baseline in seconds, or null unless both completed. */
  difference: number | null;
}

export interface CounterfactualComparison {
  subject: string;
  /** The seed both runs used. */
  seed: number;
  /** The subject's fields as given (`--counterfactual`), in the scenario format's spelling. */
  settings: Record<string, unknown>;
  /** The subject report's uploaded.bytes in each run. */
  bytesSent: { baseline: number; counterfactual: number };
  /** The subject's own completion, seconds or null. */
  subjectCompletedAt: { baseline: number | null; counterfactual: number | null };
  /** Every peer of the baseline, in scenario order (the subject included). */
  completion: CompletionRow[];
  traceHash: { baseline: string; counterfactual: string };
}

const sec = (us: number | null): number | null => (us === null ? null : us / 1e6);

export function compareRuns(baseline: CounterfactualRun, counterfactual: CounterfactualRun, settings: Record<string, unknown>): CounterfactualComparison {
  const other = new Map(counterfactual.result.peers.map((p) => [p.name, p]));
  const completion = baseline.result.peers.map((p): CompletionRow => {
    const b = p.completedAt;
    const c = other.get(p.name)?.completedAt ?? null;
    // Subtract in µs, then convert: no floating-point residue in the difference.
    return { name: p.name, baseline: sec(b), counterfactual: sec(c), difference: b === null || c === null ? null : sec(c - b) };
  });
  const subject = baseline.report.name;
  const own = completion.find((r) => r.name === subject);
  return {
    subject,
    seed: baseline.config.seed,
    settings,
    bytesSent: { baseline: baseline.report.uploaded.bytes, counterfactual: counterfactual.report.uploaded.bytes },
    subjectCompletedAt: { baseline: own?.baseline ?? null, counterfactual: own?.counterfactual ?? null },
    completion,
    traceHash: { baseline: baseline.traceHash, counterfactual: counterfactual.traceHash },
  };
}

/** `--report json --counterfactual`: both reports whole, the settings, and the completion table. */
export function counterfactualJson(
  comparison: CounterfactualComparison,
  baseline: SubjectReport,
  counterfactual: SubjectReport,
): {
  baseline: SubjectReport;
  counterfactual: SubjectReport;
  settings: Record<string, unknown>;
  completion: CompletionRow[];
  seed: number;
  traceHash: CounterfactualComparison['traceHash'];
} {
  return {
    baseline,
    counterfactual,
    settings: comparison.settings,
    completion: comparison.completion,
    seed: comparison.seed,
    traceHash: comparison.traceHash,
  };
}
