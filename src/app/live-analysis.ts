// The analysis of the run on screen, kept level with the engine for the charts and evidence panels
// and the printable report: one provenance ledger (src/analysis/ledger.ts, the same one the CLI's
// report reads) and one chart series (src/analysis/series.ts) per Sim, fed only the trace records
// appended since the last look. After a seek back the trace is shorter than what was read: the run is
// deterministic, so reading again from the start gives exactly the analysis of that moment.
import { consume, createLedger, type Ledger } from '../analysis/ledger';
import { subjectReport, type SubjectReport } from '../analysis/report';
import { advanceSeries, createSeries, type Series } from '../analysis/series';
import type { Sim } from '../engine/sim';

export interface LiveAnalysis {
  readonly sim: Sim;
  ledger: Ledger;
  series: Series;
}

/**
 * Records read in one call at most: after a jump far ahead (or a seek back, which starts again) the
 * reading spreads over frames instead of freezing one; the panels say how far it has got.
 */
export const RECORDS_PER_CALL = 250_000;

const cache = new WeakMap<Sim, LiveAnalysis>();

function fresh(sim: Sim): LiveAnalysis {
  return { sim, ledger: createLedger(sim.config, sim.geometry), series: createSeries(sim.config, sim.geometry) };
}

/**
 * The analysis of `sim`, advanced by at most `budget` records towards the end of its trace.
 * `upToDate` is true when it has read every record, so its figures are those of `sim.now`.
 */
export function liveAnalysis(sim: Sim, budget = RECORDS_PER_CALL): { live: LiveAnalysis; upToDate: boolean } {
  let live = cache.get(sim);
  if (live === undefined || live.ledger.next > sim.trace.length) {
    live = fresh(sim);
    cache.set(sim, live);
  }
  const to = Math.min(sim.trace.length, live.ledger.next + budget);
  consume(live.ledger, sim.trace, to);
  advanceSeries(live.series, sim.trace, to);
  return { live, upToDate: to === sim.trace.length };
}

/** Time (µs) the analysis has read up to: the engine's clock once up to date, else the last record read. */
export function analysedUpTo(live: LiveAnalysis, upToDate: boolean): number {
  return upToDate ? live.sim.now : live.ledger.lastTime;
}

/** The subject report as of the analysis' moment (the same function as `--report`), or null without a subject. */
export function liveReport(live: LiveAnalysis): SubjectReport | null {
  return subjectReport(live.sim, live.ledger);
}
