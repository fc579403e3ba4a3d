// Command-line arguments → options. Pure: no I/O, so it is tested directly.
import { closest } from '../scenario/suggest';

export interface CliOptions {
  file: string;
  /** uint32; overrides the scenario's seed. */
  seed: number | undefined;
  /** Seconds > 0; overrides the scenario's stopAt. */
  until: number | undefined;
  out: string | undefined;
  /** `--report FORMAT`: print the subject report instead of the summary. */
  report: ReportFormat | undefined;
  /** `--report-out FILE`: write the report there instead (the summary then goes to stdout). */
  reportOut: string | undefined;
  /** `--counterfactual JSON`: the subject's fields for a second run with the same seed, as given. */
  counterfactual: Record<string, unknown> | undefined;
  /** The `--counterfactual` text as given (for the rerun command). */
  counterfactualText: string | undefined;
  /** `--peers FILE`: with a .torrent as the file, the scenario (without "torrent") that gives the peers. */
  peers: string | undefined;
  /** `--pcap FILE [--pcap-peer NAME] [--pcap-from S] [--pcap-to S]`: write a packet capture. */
  pcap: PcapRequest | undefined;
  /** `--split`: the run split by peers (README, "Inside the engine"), on two threads where it has windows. */
  split: boolean;
}

export interface PcapRequest {
  file: string;
  /** A peer's name (checked against the scenario by the caller); undefined = the whole swarm. */
  peer: string | undefined;
  /** Seconds. */
  from: number | undefined;
  to: number | undefined;
}

/** Report formats `--report` takes. */
export type ReportFormat = 'json' | 'md' | 'html' | 'csv';
export const REPORT_FORMATS: readonly ReportFormat[] = ['json', 'md', 'html', 'csv'];

export type ParsedArgs =
  | { kind: 'run'; options: CliOptions }
  | { kind: 'help' }
  | { kind: 'version' }
  | { kind: 'error'; message: string };

export const USAGE = `usage: npm run -s sim -- <scenario.json | file.torrent --peers peers.json> [--seed N] [--until SECONDS] [--out result.json] [--report json|md|html|csv [--report-out FILE]] [--counterfactual JSON] [--pcap FILE [--pcap-peer NAME] [--pcap-from S] [--pcap-to S]] [--split]

Runs a scenario without the browser and prints a summary.

options:
  --seed N          use this seed (0 to 4294967295) instead of the scenario's
  --until SECONDS   stop at this simulated time instead of the scenario's stopAt
  --out FILE        also write the result as JSON to FILE; with --report and no --report-out,
                    write the report to FILE instead
  --report FORMAT   print the subject report (json, md, html or csv) instead of the summary
  --report-out FILE write the report to FILE instead; the summary goes to stdout
  --counterfactual JSON
                    rerun with the same seed and these subject fields, e.g. '{"upload": 0}',
                    and compare the two runs (with --report json, md or html: in the report)
  --pcap FILE       write the run's wire traffic as a packet capture (pcap) for Wireshark
  --pcap-peer NAME  only that peer's connections, as captured on its machine
  --pcap-from S, --pcap-to S
                    only messages sent from / before this simulated second
  --peers FILE      with a .torrent file: the scenario (without "torrent") that gives the peers
  --split           run the swarm split by peers, its even and odd peers on two threads: faster
                    for a big swarm, and another schedule of it with its own trace hash (the
                    result file says "split": true; rerun with --split to reproduce it)
  -h, --help        show this help
  --version         print the version`;

const VALUE_FLAGS = ['--seed', '--until', '--out', '--report', '--report-out', '--counterfactual', '--peers', '--pcap', '--pcap-peer', '--pcap-from', '--pcap-to'] as const;
const ALL_FLAGS = [...VALUE_FLAGS, '--split', '--help', '--version'];
const MAX_SECONDS = 1e9;

export function parseArgs(argv: readonly string[]): ParsedArgs {
  const values: Partial<Record<(typeof VALUE_FLAGS)[number], string>> = {};
  const files: string[] = [];
  let help = false;
  let version = false;
  let split = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      files.push(...argv.slice(i + 1));
      break;
    }
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    if (arg === '--version') {
      version = true;
      continue;
    }
    if (arg === '--split') {
      split = true;
      continue;
    }
    if (!arg.startsWith('-') || arg === '-') {
      files.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const flag = eq === -1 ? arg : arg.slice(0, eq);
    if (!(VALUE_FLAGS as readonly string[]).includes(flag)) {
      const guess = closest(flag, ALL_FLAGS);
      return { kind: 'error', message: `unknown option "${flag}"${guess ? `; did you mean "${guess}"?` : ''}` };
    }
    const name = flag as (typeof VALUE_FLAGS)[number];
    let value: string | undefined;
    if (eq !== -1) value = arg.slice(eq + 1);
    else value = argv[++i];
    if (value === undefined || value === '') return { kind: 'error', message: `${name} needs a value` };
    if (values[name] !== undefined) return { kind: 'error', message: `${name} is given more than once` };
    values[name] = value;
  }
  if (help) return { kind: 'help' };
  if (version) return { kind: 'version' };

  if (files.length === 0) return { kind: 'error', message: 'no scenario file given' };
  if (files.length > 1) {
    return { kind: 'error', message: `expected one scenario file, got ${files.length}: ${files.join(', ')}` };
  }

  // A .torrent gives the torrent only; the peers come from a scenario file without "torrent".
  const peers = values['--peers'];
  const isTorrent = /\.torrent$/i.test(files[0]!);
  if (isTorrent && peers === undefined) return { kind: 'error', message: `${files[0]} is a .torrent: give the peers with --peers FILE (a scenario without "torrent")` };
  if (!isTorrent && peers !== undefined) return { kind: 'error', message: '--peers goes with a .torrent file, not a scenario' };

  let seed: number | undefined;
  if (values['--seed'] !== undefined) {
    const text = values['--seed'];
    seed = /^\d{1,10}$/.test(text) ? Number(text) : NaN;
    if (!(seed >= 0 && seed <= 0xffff_ffff)) {
      return { kind: 'error', message: `--seed: expected a whole number from 0 to 4294967295, got "${text}"` };
    }
  }
  let until: number | undefined;
  if (values['--until'] !== undefined) {
    const text = values['--until'];
    until = /^\s*$/.test(text) ? NaN : Number(text);
    if (!(until >= 1e-6 && until <= MAX_SECONDS)) {
      return { kind: 'error', message: `--until: expected a number of seconds > 0, got "${text}"` };
    }
  }
  let report: ReportFormat | undefined;
  if (values['--report'] !== undefined) {
    const text = values['--report'];
    if (!(REPORT_FORMATS as readonly string[]).includes(text)) {
      return { kind: 'error', message: `--report: expected json, md, html or csv, got "${text}"` };
    }
    report = text as ReportFormat;
  }
  const reportOut = values['--report-out'];
  if (reportOut !== undefined && report === undefined) return { kind: 'error', message: '--report-out needs --report (json, md, html or csv)' };
  const counterfactualText = values['--counterfactual'];
  let counterfactual: Record<string, unknown> | undefined;
  if (counterfactualText !== undefined) {
    const parsed = parseCounterfactual(counterfactualText);
    if (typeof parsed === 'string') return { kind: 'error', message: `--counterfactual: ${parsed}` };
    if (report === 'csv') return { kind: 'error', message: '--counterfactual works with --report json, md or html, not csv' };
    counterfactual = parsed;
  }
  const pcap = parsePcap(values);
  if (typeof pcap === 'string') return { kind: 'error', message: pcap };
  // `--report FORMAT --out FILE` writes the report to FILE (the report issue's CLI); to get the result
  // file as well, name the report's file with --report-out and the result's with --out.
  const reportToOut = report !== undefined && reportOut === undefined && values['--out'] !== undefined;
  return {
    kind: 'run',
    options: {
      file: files[0]!,
      seed,
      until,
      out: reportToOut ? undefined : values['--out'],
      report,
      reportOut: reportToOut ? values['--out'] : reportOut,
      counterfactual,
      counterfactualText,
      pcap,
      peers,
      split,
    },
  };
}

/** The `--pcap` flags: the request, nothing, or what is wrong (naming the flag). */
function parsePcap(values: Partial<Record<(typeof VALUE_FLAGS)[number], string>>): PcapRequest | undefined | string {
  const file = values['--pcap'];
  if (file === undefined) {
    const stray = (['--pcap-peer', '--pcap-from', '--pcap-to'] as const).find((f) => values[f] !== undefined);
    return stray === undefined ? undefined : `${stray} needs --pcap FILE`;
  }
  const seconds = (flag: '--pcap-from' | '--pcap-to'): number | undefined | string => {
    const text = values[flag];
    if (text === undefined) return undefined;
    const v = /^\s*$/.test(text) ? NaN : Number(text);
    return v >= 0 && v <= MAX_SECONDS ? v : `${flag}: expected a number of seconds from 0 to ${MAX_SECONDS}, got "${text}"`;
  };
  const from = seconds('--pcap-from');
  if (typeof from === 'string') return from;
  const to = seconds('--pcap-to');
  if (typeof to === 'string') return to;
  if (from !== undefined && to !== undefined && !(from < to)) return `--pcap-to: expected a time after --pcap-from (${from}), got ${to}`;
  return { file, peer: values['--pcap-peer'], from, to };
}

/** The `--counterfactual` value: a JSON object, or what is wrong with it. */
function parseCounterfactual(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return `not valid JSON: ${e instanceof Error ? e.message : String(e)}`;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected a JSON object of the subject's fields, such as {"upload": 0}, got ${text}`;
  }
  return value as Record<string, unknown>;
}
