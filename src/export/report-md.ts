// The subject report as Markdown (CommonMark + GFM tables). Every value taken from the scenario or
// the report is escaped, so a peer named `<script>` or `a|b` prints as text and cannot break a table.
import type { CounterfactualComparison } from '../analysis/counterfactual';
import type { SubjectReport } from '../analysis/report';
import { buildReportDoc, type DocTable, type Reproducibility } from './report-doc';

/** Characters that Markdown or inline HTML could read as syntax, backslash-escaped; line breaks become spaces. */
export function mdText(s: string): string {
  return s.replace(/\r\n?|\n/g, ' ').replace(/[\\`*_[\]<>|#&~]/g, (c) => `\\${c}`);
}

/** An inline code span that holds any text (its fence is longer than any run of backticks inside). */
function mdCode(s: string): string {
  const text = s.replace(/\r\n?|\n/g, ' ');
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function mdTable(t: DocTable): string {
  const row = (cells: string[]) => `| ${cells.map(mdText).join(' | ')} |`;
  const rule = `|${t.numeric.map((n) => (n ? ' ---: ' : ' --- ')).join('|')}|`;
  return [row(t.headers), rule, ...t.rows.map(row)].join('\n');
}

export function subjectReportMarkdown(report: SubjectReport, repro: Reproducibility, counterfactual?: CounterfactualComparison): string {
  const doc = buildReportDoc(report, repro, counterfactual);
  const out: string[] = [`# ${mdText(doc.title)}`, '', ...doc.facts.map((f) => `- ${mdText(f)}`)];
  for (const s of doc.sections) {
    out.push('', `## ${mdText(s.title)}`);
    for (const p of s.intro) out.push('', mdText(p));
    if (s.code !== undefined) out.push('', mdCode(s.code));
    if (s.table !== undefined && s.table.rows.length > 0) out.push('', mdTable(s.table));
    if (s.terms !== undefined) for (const [term, meaning] of s.terms) out.push('', `**${mdText(term)}**: ${mdText(meaning)}`);
  }
  return `${out.join('\n')}\n`;
}
