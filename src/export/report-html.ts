// The subject report as one self-contained HTML document: inline CSS, no script, nothing loaded from
// elsewhere (a Content-Security-Policy says so too), laid out to print on A4 or Letter. Scenario and
// peer names are untrusted text: everything is HTML-escaped.
import type { CounterfactualComparison } from '../analysis/counterfactual';
import type { SubjectReport } from '../analysis/report';
import { buildReportDoc, type DocTable, type Reproducibility } from './report-doc';

export function htmlEscape(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const CSS = `
@page { size: auto; margin: 15mm; }
* { box-sizing: border-box; }
body { font: 11pt/1.45 Georgia, "Times New Roman", serif; color: #111; max-width: 60em; margin: 1.5em auto; padding: 0 1em; }
h1 { font-size: 18pt; margin: 0 0 0.6em; }
h2 { font-size: 13pt; margin: 1.4em 0 0.4em; break-after: avoid; }
ul.facts { padding-left: 1.2em; }
ul.facts li { margin: 0.25em 0; break-inside: avoid; }
section { break-inside: avoid; }
section.long { break-inside: auto; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; font: 9pt/1.35 system-ui, Arial, sans-serif; margin: 0.4em 0; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
th, td { border: 1px solid #999; padding: 0.2em 0.35em; text-align: left; vertical-align: top; overflow-wrap: anywhere; word-break: break-word; }
th { background: #eee; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
code { font: 9pt/1.35 ui-monospace, "Courier New", monospace; overflow-wrap: anywhere; word-break: break-all; white-space: pre-wrap; }
dl dt { font-weight: bold; margin-top: 0.4em; break-after: avoid; }
dl dd { margin: 0 0 0 1.2em; break-inside: avoid; }
@media print { body { margin: 0; max-width: none; padding: 0; } }
`;

function htmlTable(t: DocTable): string {
  const cell = (tag: 'th' | 'td', text: string, numeric: boolean) => `<${tag}${numeric && tag === 'td' ? ' class="n"' : ''}>${htmlEscape(text)}</${tag}>`;
  const head = `<thead><tr>${t.headers.map((h, i) => cell('th', h, t.numeric[i] ?? false)).join('')}</tr></thead>`;
  const body = t.rows.map((r) => `<tr>${r.map((c, i) => cell('td', c, t.numeric[i] ?? false)).join('')}</tr>`).join('\n');
  return `<table>\n${head}\n<tbody>\n${body}\n</tbody>\n</table>`;
}

export function subjectReportHtml(report: SubjectReport, repro: Reproducibility, counterfactual?: CounterfactualComparison): string {
  const doc = buildReportDoc(report, repro, counterfactual);
  const parts: string[] = [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">`,
    `<title>${htmlEscape(doc.title)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    `<h1>${htmlEscape(doc.title)}</h1>`,
    `<ul class="facts">\n${doc.facts.map((f) => `<li>${htmlEscape(f)}</li>`).join('\n')}\n</ul>`,
  ];
  for (const s of doc.sections) {
    const long = (s.table?.rows.length ?? 0) > 15 || (s.terms?.length ?? 0) > 6;
    parts.push(`<section id="${htmlEscape(s.id)}"${long ? ' class="long"' : ''}>`, `<h2>${htmlEscape(s.title)}</h2>`);
    for (const p of s.intro) parts.push(`<p>${htmlEscape(p)}</p>`);
    if (s.code !== undefined) parts.push(`<p><code>${htmlEscape(s.code)}</code></p>`);
    if (s.table !== undefined && s.table.rows.length > 0) parts.push(htmlTable(s.table));
    if (s.terms !== undefined) {
      parts.push(`<dl>\n${s.terms.map(([t, m]) => `<dt>${htmlEscape(t)}</dt><dd>${htmlEscape(m)}</dd>`).join('\n')}\n</dl>`);
    }
    parts.push('</section>');
  }
  parts.push('</body>', '</html>');
  return `${parts.join('\n')}\n`;
}
