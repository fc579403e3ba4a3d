// The Node shell: read the scenario, run the engine, print a summary (or the subject report with
// --report json|md|html|csv, on stdout or into --report-out; with --counterfactual, a second run compared
// side by side), write the result file. With --split the run is split by peers, on two threads
// (threads.ts) where it has windows. Exit codes: 0 ran;
// 2 bad arguments, unreadable or invalid scenario, unwritable --out or --report-out, --report for a
// scenario without a subject; 1 internal error.
import { createHash } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { ENGINE_VERSION, Sim } from '../engine/sim';
import type { Trace } from '../engine/trace';
import { traceHash } from '../engine/trace-hash';
import { mergedTrace } from '../engine/trace-merge';
import { MAX_SIM_TIME, type SimConfig, type SimResult } from '../engine/types';
import { splitWindow } from '../engine/world';
import { compareRuns, counterfactualJson, type CounterfactualComparison, type CounterfactualRun } from '../analysis/counterfactual';
import { subjectReport, type SubjectReport } from '../analysis/report';
import { subjectReportCsv } from '../export/report-csv';
import { reproducibilityOf } from '../export/report-doc';
import { subjectReportHtml } from '../export/report-html';
import { subjectReportMarkdown } from '../export/report-md';
import { buildResultFile, stringifyResultFile } from '../export/result';
import { formatScenarioErrors, MAX_SCENARIO_BYTES, parseScenarioText, toMicros } from '../scenario';
import { parseArgs, USAGE, type CliOptions, type ReportFormat } from './args';
import { applyCounterfactual } from './counterfactual';
import { withTorrentFile } from './torrent-input';
import { formatComparison, formatSummary } from './summary';
import { pcapProblem, writePcapFile } from './pcap-file';
import { runOnTwoThreads } from './threads';

export interface CliIO {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Draw the progress line only on a terminal. */
  stderrIsTTY: boolean;
}

const PROGRAM = 'swarmscope';
/** Simulated time per runUntil slice, µs. */
const SLICE = 10_000_000;
/** At most this many slices, however long the run (a stopAt of years must not mean millions of slices). */
const MAX_SLICES = 10_000;
/** Wall-clock ms between progress redraws. */
const REDRAW_MS = 100;

function packageVersion(): string {
  try {
    const text = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    const version: unknown = (JSON.parse(text) as { version?: unknown }).version;
    return typeof version === 'string' ? version : 'unknown';
  } catch {
    return 'unknown';
  }
}

/** node:crypto gives the same SHA-256 as @noble/hashes, faster. */
function nodeSha256(): { update(b: Uint8Array): void; digest(): Uint8Array } {
  const hash = createHash('sha256');
  return {
    update(b) {
      hash.update(b);
    },
    digest() {
      return new Uint8Array(hash.digest());
    },
  };
}

const errorCode = (e: unknown): string | undefined =>
  typeof e === 'object' && e !== null && 'code' in e ? String((e as { code: unknown }).code) : undefined;

function describeIOError(e: unknown): string {
  switch (errorCode(e)) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    default:
      return e instanceof Error ? e.message : String(e);
  }
}

function readScenarioFile(file: string): { bytes: Buffer } | { error: string } {
  try {
    const stat = statSync(file);
    if (stat.isDirectory()) return { error: `cannot read "${file}": is a directory` };
    if (stat.size > MAX_SCENARIO_BYTES) {
      return { error: `${file}: the scenario is too large (${stat.size} bytes); at most ${MAX_SCENARIO_BYTES} bytes` };
    }
    return { bytes: readFileSync(file) };
  } catch (e) {
    return { error: `cannot read "${file}": ${describeIOError(e)}` };
  }
}

/** Fail before a long run, not after it, if a file (--out, --report-out) cannot be written there. */
function checkOutPath(flag: string, out: string, scenarioFile: string): string | undefined {
  const target = resolve(out);
  if (target === resolve(scenarioFile)) return `${flag} "${out}" would overwrite the scenario file`;
  try {
    if (statSync(target, { throwIfNoEntry: false })?.isDirectory()) return `${flag} "${out}" is a directory`;
    if (!statSync(dirname(target)).isDirectory()) return `${flag} "${out}": ${dirname(out)} is not a directory`;
  } catch (e) {
    if (errorCode(e) === 'ENOENT') return `${flag} "${out}": the folder ${dirname(out)} does not exist`;
    return `${flag} "${out}": cannot write there (${describeIOError(e)})`;
  }
  return undefined;
}

/** `--pcap FILE`: a writable place that is no other output, and a --pcap-peer the scenario has. */
function checkPcap(pcap: NonNullable<CliOptions['pcap']>, config: SimConfig, options: CliOptions, scenarioFile: string): string | undefined {
  const taken = [options.out, options.reportOut].some((f) => f !== undefined && resolve(f) === resolve(pcap.file));
  if (taken) return `--pcap "${pcap.file}" is the same file as another output`;
  return checkOutPath('--pcap', pcap.file, scenarioFile) ?? pcapProblem(pcap, config);
}

const REPORT_WRITERS: Record<Exclude<ReportFormat, 'json'>, typeof subjectReportMarkdown> = {
  md: subjectReportMarkdown,
  html: subjectReportHtml,
  csv: subjectReportCsv,
};

function applyOverrides(config: SimConfig, options: CliOptions): SimConfig {
  return {
    ...config,
    seed: options.seed ?? config.seed,
    stopAt: options.until === undefined ? config.stopAt : toMicros(options.until),
  };
}

function run(sim: Sim, io: CliIO): void {
  const horizon = sim.config.stopAt ?? MAX_SIM_TIME;
  const slice = Math.max(SLICE, Math.ceil(horizon / MAX_SLICES));
  const total = sim.config.peers.filter((p) => !p.seed).length;
  let lastDraw = 0;
  const draw = (): void => {
    const completed = sim.result().peers.filter((p) => !p.seed && p.completedAt !== null).length;
    io.stderr(`\r\x1b[K${(sim.now / 1e6).toFixed(0)} s simulated · ${completed} / ${total} peers complete`);
  };
  let t = 0;
  while (!sim.done) {
    if (t > horizon) {
      sim.run(); // the engine should be done by now; let it finish on its own terms
      break;
    }
    t += slice;
    sim.runUntil(t);
    if (io.stderrIsTTY && Date.now() - lastDraw >= REDRAW_MS) {
      lastDraw = Date.now();
      draw();
    }
  }
  if (io.stderrIsTTY) io.stderr('\r\x1b[K');
}

/** A finished run, from one world or (--split) from two threads. */
interface Ran {
  config: SimConfig;
  result: SimResult;
  /** Its trace (a split run's two sides merged); null when only its hash was asked for. */
  trace: Trace | null;
  traceHash: string;
  /** Each peer's upload capacity as the run left it (for --pcap). */
  uploads: number[];
}

/**
 * Run `config`: in one world, or split by peers (`split`) on two threads. A split run without windows
 * (no latency between its even and odd peers to wait for) has nothing to run apart: one world runs it,
 * to the same trace. `keepTrace`: a split run merges its two traces into one only when a report or a
 * capture needs them, and otherwise hashes the merge as the run goes (threads.ts).
 */
async function runSwarm(config: SimConfig, split: boolean, keepTrace: boolean, io: CliIO): Promise<Ran> {
  if (split && splitWindow(config) > 0) {
    let lastDraw = 0;
    const two = await runOnTwoThreads(config, {
      onWindow: (at) => {
        if (!io.stderrIsTTY || Date.now() - lastDraw < REDRAW_MS) return;
        lastDraw = Date.now();
        io.stderr(`\r\x1b[K${(at / 1e6).toFixed(0)} s simulated · split by peers, on two threads`);
      },
      // Only the hash: merged and hashed as the run goes, the merge never kept.
      hash: !keepTrace,
    });
    if (io.stderrIsTTY) io.stderr('\r\x1b[K');
    if (two.hash !== undefined) return { config, result: two.result, trace: null, traceHash: two.hash.traceHash, uploads: two.uploads };
    const [even, odd] = two.traces!;
    const trace = mergedTrace(even, odd);
    return { config, result: two.result, trace, traceHash: traceHash(trace, nodeSha256()), uploads: two.uploads };
  }
  const sim = new Sim(config, { checkpointEvery: 0, split });
  run(sim, io);
  return { config, result: sim.result(), trace: sim.trace, traceHash: sim.traceHash(nodeSha256()), uploads: sim.state.peers.map((p) => p.upload) };
}

/** What a report reads of a run. */
function reportOf(ran: Ran): SubjectReport | null {
  if (ran.trace === null) throw new Error('the run kept no trace to report on');
  return subjectReport({ config: ran.config, trace: ran.trace, result: ran.result });
}

/** The counterfactual run: the same engine (split too, if the run was), the subject's other fields. */
async function rerun(config: SimConfig, split: boolean, io: CliIO): Promise<CounterfactualRun> {
  const ran = await runSwarm(config, split, true, io);
  const report = reportOf(ran);
  if (report === null) throw new Error('the counterfactual run has no subject');
  return { config, result: ran.result, traceHash: ran.traceHash, report };
}

export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseArgs(argv);
  if (args.kind === 'help') {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  if (args.kind === 'version') {
    io.stdout(`${PROGRAM} ${packageVersion()} (engine ${ENGINE_VERSION})\n`);
    return 0;
  }
  if (args.kind === 'error') {
    io.stderr(`${PROGRAM}: ${args.message}\n\n${USAGE}\n`);
    return 2;
  }
  const { options } = args;
  const file = options.file;

  // With a .torrent, the scenario is the --peers file with the torrent put in (torrent-input.ts).
  const scenarioFile = options.peers ?? file;
  const read = readScenarioFile(scenarioFile);
  if ('error' in read) {
    io.stderr(`${PROGRAM}: ${read.error}\n`);
    return 2;
  }
  let text: string;
  try {
    // fatal: a file that is not UTF-8 is an error, not silently mangled names. A BOM is dropped.
    text = new TextDecoder('utf-8', { fatal: true }).decode(read.bytes);
  } catch {
    io.stderr(`${PROGRAM}: ${scenarioFile}: not valid UTF-8 text\n`);
    return 2;
  }
  let scenarioBytes: Uint8Array = read.bytes;
  if (options.peers !== undefined) {
    const merged = withTorrentFile(file, options.peers, text);
    if ('error' in merged) {
      io.stderr(`${PROGRAM}: ${merged.error}\n`);
      return 2;
    }
    text = merged.text;
    scenarioBytes = new TextEncoder().encode(text);
  }
  const parsed = parseScenarioText(text);
  if (!parsed.ok) {
    const lines = formatScenarioErrors(parsed.errors).split('\n');
    io.stderr(lines.map((line) => `${PROGRAM}: ${scenarioFile}: ${line}\n`).join(''));
    return 2;
  }
  const problem =
    (options.out === undefined ? undefined : checkOutPath('--out', options.out, file)) ??
    (options.reportOut === undefined ? undefined : checkOutPath('--report-out', options.reportOut, file)) ??
    (options.out !== undefined && options.reportOut !== undefined && resolve(options.out) === resolve(options.reportOut)
      ? `--report-out "${options.reportOut}" is the same file as --out`
      : undefined) ??
    (options.pcap === undefined ? undefined : checkPcap(options.pcap, parsed.config, options, file));
  if (problem) {
    io.stderr(`${PROGRAM}: ${problem}\n`);
    return 2;
  }

  if (options.report !== undefined && !parsed.config.peers.some((p) => p.subject)) {
    io.stderr(`${PROGRAM}: --report ${options.report}: ${file} has no subject (mark one peer with "subject": true)\n`);
    return 2;
  }
  let counterfactualConfig: SimConfig | undefined;
  if (options.counterfactual !== undefined) {
    if (!parsed.config.peers.some((p) => p.subject)) {
      io.stderr(`${PROGRAM}: --counterfactual: ${file} has no subject (mark one peer with "subject": true)\n`);
      return 2;
    }
    const applied = applyCounterfactual(JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text), options.counterfactual);
    if (!applied.ok) {
      const lines = formatScenarioErrors(applied.errors).split('\n');
      io.stderr(lines.map((line) => `${PROGRAM}: --counterfactual: ${line}\n`).join(''));
      return 2;
    }
    counterfactualConfig = applyOverrides(applied.config, options);
  }

  const config = applyOverrides(parsed.config, options);
  let output: string;
  let summary: string;
  let reportText: string | undefined;
  try {
    const wantReport = options.out !== undefined || options.report !== undefined || counterfactualConfig !== undefined;
    const ran = await runSwarm(config, options.split, wantReport || options.pcap !== undefined, io);
    const subject = wantReport ? reportOf(ran) : null;
    const resultFile = buildResultFile({
      version: packageVersion(),
      engineVersion: ENGINE_VERSION,
      scenarioSha256: createHash('sha256').update(scenarioBytes).digest('hex'),
      config,
      result: ran.result,
      traceHash: ran.traceHash,
      subject,
      split: options.split,
    });
    if (options.pcap !== undefined) {
      try {
        writePcapFile({ config, trace: ran.trace!, uploads: ran.uploads }, options.pcap);
      } catch (e) {
        if (errorCode(e) === undefined) throw e;
        io.stderr(`${PROGRAM}: cannot write "${options.pcap.file}": ${describeIOError(e)}\n`);
        return 2;
      }
    }
    output = stringifyResultFile(resultFile);
    summary = formatSummary(resultFile);
    let comparison: { c: CounterfactualComparison; report: SubjectReport } | undefined;
    if (counterfactualConfig !== undefined && subject !== null) {
      const baseline: CounterfactualRun = { config, result: ran.result, traceHash: resultFile.traceHash, report: subject };
      const other = await rerun(counterfactualConfig, options.split, io);
      comparison = { c: compareRuns(baseline, other, options.counterfactual!), report: other.report };
      summary += `\n\n${formatComparison(comparison.c)}`;
    }
    if (options.report !== undefined && subject !== null) {
      const repro = { ...reproducibilityOf(resultFile, file, options.until), counterfactual: options.counterfactualText };
      reportText =
        options.report === 'json'
          ? `${JSON.stringify(comparison === undefined ? subject : counterfactualJson(comparison.c, subject, comparison.report), null, 2)}\n`
          : REPORT_WRITERS[options.report](subject, repro, comparison?.c);
    }
  } catch (e) {
    if (io.stderrIsTTY) io.stderr('\r\x1b[K');
    const message = e instanceof Error ? e.message : String(e);
    const stack = process.env.SWARMSCOPE_DEBUG && e instanceof Error && e.stack ? `\n${e.stack}` : '';
    io.stderr(
      `${PROGRAM}: internal error while running ${file}: ${message}${stack}\n` +
        (stack ? '' : '(set SWARMSCOPE_DEBUG=1 to see where)\n'),
    );
    return 1;
  }

  io.stdout(reportText !== undefined && options.reportOut === undefined ? reportText : `${summary}\n`);
  const writes: [string | undefined, string | undefined][] = [
    [options.out, output],
    [options.reportOut, reportText],
  ];
  for (const [target, text] of writes) {
    if (target === undefined || text === undefined) continue;
    try {
      writeFileSync(target, text);
    } catch (e) {
      io.stderr(`${PROGRAM}: cannot write "${target}": ${describeIOError(e)}\n`);
      return 2;
    }
  }
  return 0;
}
