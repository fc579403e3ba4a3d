// The subject report's recipients as CSV (RFC 4180: CRLF line ends, one header row, fields holding a
// comma, a double quote or a line break quoted, quotes doubled). Each row also carries the run's
// reproducibility values, so a row copied elsewhere still names its scenario, seed and trace hash
// (and whether the run was split by peers, --split, which a rerun needs too).
// Text fields that a spreadsheet would read as a formula (starting with = + - @, tab or CR) get a
// leading apostrophe (OWASP's CSV-injection advice); numbers are written as numbers.
import type { SubjectReport } from '../analysis/report';
import type { Reproducibility } from './report-doc';

export const CSV_HEADER = [
  'name', 'bytes', 'blocks', 'wholePieces', 'verifiedPieces', 'firstAt', 'lastAt', 'completed', 'directShare', 'downstreamShare',
  'subject', 'scenario', 'scenarioSha256', 'seed', 'swarmscope', 'engine', 'traceHash', 'endTime', 'split',
] as const;

/** A text field, guarded against formula injection and quoted when needed. */
export function csvText(s: string): string {
  const guarded = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

const num = (n: number | null): string => (n === null ? '' : String(n));

export function subjectReportCsv(report: SubjectReport, repro: Reproducibility): string {
  const tail = [
    csvText(report.name),
    csvText(repro.scenarioName),
    csvText(repro.scenarioSha256),
    num(repro.seed),
    csvText(repro.swarmscopeVersion),
    csvText(repro.engineVersion),
    csvText(repro.traceHash),
    num(repro.endTime),
    repro.split === true ? 'true' : 'false',
  ];
  const rows = report.recipients.map((r) =>
    [
      csvText(r.name),
      num(r.bytes),
      num(r.blocks),
      num(r.wholePieces),
      num(r.verifiedPieces),
      num(r.firstAt),
      num(r.lastAt),
      r.completed ? 'true' : 'false',
      num(r.directShare),
      num(r.downstreamShare),
      ...tail,
    ].join(','),
  );
  return [CSV_HEADER.join(','), ...rows].map((line) => `${line}\r\n`).join('');
}
