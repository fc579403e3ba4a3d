// The human summary printed after a run, made from the result file so the two always agree.
import { bytesText } from '../export/report-format';
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
