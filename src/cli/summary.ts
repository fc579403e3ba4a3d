// The human summary printed after a run, made from the result file so the two always agree.
import type { CounterfactualComparison } from '../analysis/counterfactual';
import { differenceText } from '../export/report-doc';
import { bytesText, grouped } from '../export/report-format';
import { summarizeResult, type ResultFile } from '../export/result';

export { bytesText };

const END_REASONS: Record<ResultFile['endReason'], string> = {
  stopAt: 'reached stopAt',
  complete: 'every peer complete',
  cap: 'hit the 24 h limit',
  idle: 'nothing left to happen',
  stalled: 'stalled: no present peer can get a piece it lacks',
  running: 'still running',
};

const secondsText = (s: number | null): string => (s === null ? '–' : `${s.toFixed(3).replace(/\.?0+$/, '')} s`);

export function formatSummary(file: ResultFile): string {
  const s = summarizeResult(file);
  const subject = file.peers.find((p) => p.subject);
  const rows: [string, string][] = [
    ['scenario', file.scenario.name],
    ['seed', String(file.seed)],
    ...(file.split ? ([['run', 'split by peers (--split): its own schedule and trace hash']] as [string, string][]) : []),
    ['ended at', `${secondsText(file.endTime)} (${END_REASONS[file.endReason] ?? file.endReason})`],
    ['completed', `${s.completed} / ${s.leechers} peers (seeds not counted)`],
    [
      'completion',
      s.meanCompletion === null
        ? 'no peer completed'
        : `mean ${secondsText(s.meanCompletion)}, max ${secondsText(s.maxCompletion)} (from joining)`,
    ],
    ['uploaded', bytesText(s.uploadedBytes)],
    ['lost', bytesText(file.lostBytes)],
  ];
  if (subject) {
    rows.push([
      'subject',
      `${subject.name}, ${subject.completedAt === null ? 'not complete' : `complete at ${secondsText(subject.completedAt)}`}, ` +
        `uploaded ${bytesText(subject.uploadedBytes)}`,
    ]);
  }
  rows.push(['traceHash', file.traceHash]);
  const width = Math.max(...rows.map(([label]) => label.length));
  return rows.map(([label, value]) => `${label.padEnd(width)}  ${value}`).join('\n');
}

/** The two runs side by side (`--counterfactual`): the subject's bytes sent, every peer's completion, both trace hashes. */
export function formatComparison(c: CounterfactualComparison): string {
  const rows: string[][] = [
    ['', 'baseline', 'counterfactual', 'difference'],
    [`${c.subject} (subject): bytes sent`, grouped(c.bytesSent.baseline), grouped(c.bytesSent.counterfactual), grouped(c.bytesSent.counterfactual - c.bytesSent.baseline)],
    ...c.completion.map((r) => [
      `${r.name}${r.name === c.subject ? ' (subject)' : ''}: complete at`,
      secondsText(r.baseline),
      secondsText(r.counterfactual),
      differenceText(r),
    ]),
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const table = rows.map((r) => r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ').trimEnd());
  return [
    `counterfactual  ${JSON.stringify(c.settings)} for ${c.subject}, seed ${c.seed}`,
    ...table,
    `traceHash       baseline ${c.traceHash.baseline}`,
    `                counterfactual ${c.traceHash.counterfactual}`,
  ].join('\n');
}
