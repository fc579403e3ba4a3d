// "Printable report": the subject report as of the clock, as the self-contained HTML document of
// `--report html` (src/export/report-html.ts, which escapes every name), opened in a new tab from a
// Blob URL. Its reproducibility block names the scenario (and the SHA-256 of the file's bytes), the
// seed, the versions and the traceHash of the trace so far, and a rerun command with `--until` at the
// clock, so anyone can get the same numbers from the command line.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { version } from '../../package.json';
import { ENGINE_VERSION, Sim } from '../engine/sim';
import type { Reproducibility } from '../export/report-doc';
import { subjectReportHtml } from '../export/report-html';
import type { AppContext } from './commands';
import { libraryEntry } from './library';
import { liveAnalysis, liveReport } from './live-analysis';

export type PrintableReport = { ok: true; html: string; traceHash: string; fileName: string } | { ok: false; error: string };

/** Said in place of a hash when the scenario's bytes are unknown (a caller gave parsed JSON only). */
export const UNKNOWN_SHA256 = 'unknown (the scenario was given as parsed JSON, not as a file)';

/**
 * The clock can stop inside a simulated instant (stepping event by event), but `--until t` runs every
 * event at t: the report is then made from a run brought to the end of that instant, so that its
 * traceHash is the one the rerun command prints.
 */
function runForReport(sim: Sim): Sim {
  if (sim.done || sim.nextEventTime !== sim.now) return sim;
  const whole = new Sim(sim.config, { checkpointEvery: 0 });
  whole.runUntil(sim.now);
  return whole;
}

function scenarioSha256(ctx: AppContext): string {
  const id = ctx.store.getState().scenario?.id;
  const text = ctx.session.scenarioText ?? (id ? libraryEntry(id)?.text : undefined);
  return text === undefined ? UNKNOWN_SHA256 : bytesToHex(sha256(new TextEncoder().encode(text)));
}

export function printableReport(ctx: AppContext): PrintableReport {
  const current = ctx.session.sim;
  if (!current) return { ok: false, error: 'No scenario is loaded.' };
  const sim = runForReport(current);
  const report = liveReport(liveAnalysis(sim, Infinity).live);
  if (!report) return { ok: false, error: 'This scenario has no subject peer, so there is no subject report.' };
  const id = ctx.store.getState().scenario?.id ?? null;
  const traceHash = sim.traceHash();
  const repro: Reproducibility = {
    scenarioName: sim.config.name,
    scenarioSha256: scenarioSha256(ctx),
    seed: sim.config.seed,
    swarmscopeVersion: version,
    engineVersion: ENGINE_VERSION,
    traceHash,
    endTime: sim.now / 1e6,
    scenarioFile: id !== null && libraryEntry(id) ? `scenarios/${id}.json` : undefined,
    // A finished run needs no --until: the scenario's own stopAt (or completion) ended it.
    until: sim.done ? null : sim.now / 1e6,
  };
  const fileName = `${(id ?? 'scenario').replace(/[^A-Za-z0-9_-]/g, '_')}-seed${sim.config.seed}-${Math.round(sim.now / 1000)}ms-report.html`;
  return { ok: true, html: subjectReportHtml(report, repro), traceHash, fileName };
}

export interface OpenedReport {
  /** Blob URL of the document; revoked when the next report is made. */
  url: string;
  fileName: string;
  /** False when the browser blocked the new tab: the panel then offers the link instead. */
  opened: boolean;
}

let last: OpenedReport | null = null;

/** The report most recently made (for the panel's fallback link), or null. */
export function lastOpenedReport(): OpenedReport | null {
  return last;
}

/** Make the report and open it in a new tab. */
export function openPrintableReport(ctx: AppContext): { ok: true; report: OpenedReport } | { ok: false; error: string } {
  const made = printableReport(ctx);
  if (!made.ok) return made;
  if (last !== null) URL.revokeObjectURL(last.url);
  const url = URL.createObjectURL(new Blob([made.html], { type: 'text/html;charset=utf-8' }));
  last = { url, fileName: made.fileName, opened: window.open(url, '_blank') !== null };
  return { ok: true, report: last };
}
