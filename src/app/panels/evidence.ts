// The evidence panel: the subject report's figures as of the clock, computed by the same function as
// `--report` (src/analysis/report.ts) over the live ledger: what the subject made available, what it
// actually sent and to whom, and whether anyone got a complete copy and how much of it came from the
// subject. Facts about the simulated swarm only, no conclusions (../shared/LEGAL.md). Names are
// untrusted: text goes in through textContent. Each figure carries its raw value as data-value, so
// the browser tests can compare it with the report computed in Node.
import type { RecipientReport, SubjectReport } from '../../analysis/report';
import { largestCompleteCopyShares } from '../../export/report-doc';
import { bytesText, grouped, percentText, ratioText, secondsText } from '../../export/report-format';
import { isEnabled, run, type AppContext } from '../commands';
import { liveAnalysis, liveReport } from '../live-analysis';
import { lastOpenedReport } from '../printable';
import { el, perFrame, setText } from './dom';
import './evidence.css';

type Value = number | boolean | null;
type Format = 'count' | 'bytes' | 'seconds' | 'yesno' | 'share' | 'ratio';

interface Figure {
  /** The report's field (dotted path) or a name for a figure derived from it. */
  key: string;
  label: string;
  format: Format;
  value(r: SubjectReport): Value;
}

function formatValue(v: Value, format: Format): string {
  if (v === null) return '–';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  switch (format) {
    case 'bytes':
      return bytesText(v);
    case 'seconds':
      return secondsText(v);
    case 'share':
      return percentText(v);
    case 'ratio':
      return ratioText(v);
    default:
      return grouped(v);
  }
}

const SECTIONS: { title: string; figures: Figure[] }[] = [
  {
    title: 'Made available',
    figures: [
      { key: 'advertised.bitfields', label: 'bitfield messages sent', format: 'count', value: (r) => r.advertised.bitfields },
      { key: 'advertised.haves', label: 'have messages sent (one per recipient)', format: 'count', value: (r) => r.advertised.haves },
      { key: 'advertised.peersInformed', label: 'peers an announcement reached', format: 'count', value: (r) => r.advertised.peersInformed },
      { key: 'advertised.firstAt', label: 'first announcement sent at', format: 'seconds', value: (r) => r.advertised.firstAt },
      { key: 'advertised.unchokedPeers', label: 'peers it unchoked (allowed to request)', format: 'count', value: (r) => r.advertised.unchokedIntervals.length },
    ],
  },
  {
    title: 'Actually sent',
    figures: [
      { key: 'uploaded.bytes', label: 'block data sent that arrived', format: 'bytes', value: (r) => r.uploaded.bytes },
      { key: 'uploaded.blocks', label: 'blocks sent that arrived', format: 'count', value: (r) => r.uploaded.blocks },
      { key: 'uploaded.recipients', label: 'peers that received data from it', format: 'count', value: (r) => r.uploaded.recipients },
      { key: 'uploaded.wholePieces', label: 'pieces some peer received entirely from it', format: 'count', value: (r) => r.uploaded.wholePieces },
      { key: 'uploaded.bytesWhileDownloading', label: 'sent while it was still downloading', format: 'bytes', value: (r) => r.uploaded.bytesWhileDownloading },
      { key: 'uploaded.bytesAfterComplete', label: 'sent after it held every piece', format: 'bytes', value: (r) => r.uploaded.bytesAfterComplete },
      { key: 'uploaded.lostBytes', label: 'sent but never arrived (one side left)', format: 'bytes', value: (r) => r.uploaded.lostBytes },
    ],
  },
  {
    title: 'Complete copies',
    figures: [
      { key: 'completedThirdParties', label: 'peers other than it and the initial seeds that completed', format: 'count', value: (r) => r.completedThirdParties },
      { key: 'completeCopyFromSubjectAlone', label: 'a peer’s complete copy came from it alone', format: 'yesno', value: (r) => r.completeCopyFromSubjectAlone },
      { key: 'contributedToCompleteCopy', label: 'a complete copy holds a verified piece with a block it sent', format: 'yesno', value: (r) => r.contributedToCompleteCopy },
      { key: 'largestDirectShare', label: 'largest share of a complete copy sent directly by it', format: 'share', value: (r) => largestCompleteCopyShares(r).direct },
      { key: 'largestDownstreamShare', label: 'largest share of a complete copy from it through other peers', format: 'share', value: (r) => largestCompleteCopyShares(r).downstream },
    ],
  },
  {
    title: 'Received',
    figures: [
      { key: 'downloadedBytes', label: 'block data that arrived at it', format: 'bytes', value: (r) => r.downloadedBytes },
      { key: 'ratio', label: 'ratio: sent ÷ received', format: 'ratio', value: (r) => r.ratio },
    ],
  },
];

/** Recipients table columns: header, the report's field, its format. */
const COLUMNS: [string, keyof RecipientReport, Format | 'name'][] = [
  ['peer', 'name', 'name'],
  ['bytes', 'bytes', 'bytes'],
  ['blocks', 'blocks', 'count'],
  ['whole pieces', 'wholePieces', 'count'],
  ['verified pieces', 'verifiedPieces', 'count'],
  ['first', 'firstAt', 'seconds'],
  ['last', 'lastAt', 'seconds'],
  ['completed', 'completed', 'yesno'],
  ['direct share', 'directShare', 'share'],
  ['downstream share', 'downstreamShare', 'share'],
];

/** While playing, the panel spends at most about a fifth of the time computing: it waits this many times its last cost. */
const COST_FACTOR = 4;

export function mountEvidence(host: HTMLElement, ctx: AppContext): void {
  const none = el('p', 'evidence-none');
  none.id = 'evidence-none';
  const body = el('div', 'evidence-body');
  host.append(none, body);

  const asOf = el('p', 'evidence-as-of');
  asOf.id = 'evidence-as-of';
  asOf.setAttribute('aria-live', 'polite');
  body.append(asOf, el('p', 'evidence-note', 'Facts about the simulated swarm, computed as the command-line report computes them.'));

  const cells: { figure: Figure; cell: HTMLElement }[] = [];
  for (const section of SECTIONS) {
    body.append(el('h3', '', section.title));
    const dl = el('dl', 'evidence-figures');
    for (const figure of section.figures) {
      const cell = el('dd');
      cell.dataset.figure = figure.key;
      dl.append(el('dt', '', figure.label), cell);
      cells.push({ figure, cell });
    }
    body.append(dl);
  }

  body.append(el('h3', '', 'Recipients'));
  const noRecipients = el('p', 'evidence-empty', 'No block sent by the subject has arrived anywhere yet.');
  const table = el('table', 'evidence-recipients');
  table.id = 'evidence-recipients';
  const head = el('tr');
  for (const [text] of COLUMNS) {
    const th = el('th', '', text);
    th.scope = 'col';
    head.append(th);
  }
  table.createTHead().append(head);
  const rows = table.createTBody();
  const scroll = el('div', 'evidence-table');
  scroll.append(table);
  body.append(noRecipients, scroll);

  const actions = el('div', 'evidence-actions');
  const button = el('button', '', 'Printable report');
  button.type = 'button';
  button.id = 'printable-report';
  button.title = 'Open the subject report as of this moment in a new tab, ready to print';
  const instant = el('p', 'evidence-note');
  const fallback = el('p', 'evidence-note');
  actions.append(button, instant, fallback);
  body.append(actions);
  button.addEventListener('click', () => {
    run(ctx, 'printableReport');
    const last = lastOpenedReport();
    fallback.replaceChildren();
    if (last && !last.opened) {
      // The browser blocked the new tab: offer the same document as a link.
      const link = el('a', '', 'open the report');
      link.href = last.url;
      link.target = '_blank';
      link.download = last.fileName;
      fallback.append('The browser did not open a new tab: ', link, '.');
    }
  });

  function showRecipients(list: RecipientReport[]): void {
    noRecipients.hidden = list.length > 0;
    scroll.hidden = list.length === 0;
    while (rows.rows.length > list.length) rows.deleteRow(-1);
    while (rows.rows.length < list.length) {
      const tr = rows.insertRow();
      for (const [, , format] of COLUMNS) {
        const td = tr.insertCell();
        if (format !== 'name' && format !== 'yesno') td.className = 'n';
      }
    }
    list.forEach((r, i) => {
      const tr = rows.rows[i]!;
      COLUMNS.forEach(([, field, format], k) => {
        const td = tr.cells[k]!;
        const v = r[field];
        setText(td, format === 'name' ? String(v) : formatValue(v as Value, format));
        td.dataset.value = JSON.stringify(v);
      });
    });
  }

  let cost = 0;
  let lastRun = -Infinity;

  function refresh(): void {
    const s = ctx.store.getState();
    const sim = ctx.session.sim;
    if (s.activePanel !== 'evidence' || !sim) return;
    const hasSubject = sim.config.peers.some((p) => p.subject);
    none.hidden = hasSubject;
    body.hidden = !hasSubject;
    if (!hasSubject) {
      setText(
        none,
        'This scenario has no subject peer. The evidence panel shows, for one peer marked "subject": true in the scenario file, what it made available, what it actually sent and to whom, and how much of each complete copy came from it.',
      );
      return;
    }
    const started = performance.now();
    if (s.playing && started - lastRun < cost * COST_FACTOR) {
      schedule();
      return;
    }
    const { live, upToDate } = liveAnalysis(sim);
    const report = liveReport(live)!;
    setText(asOf, `“${report.name}”, as of ${secondsText(report.asOf)} of simulated time${upToDate ? '' : ' (still reading the run…)'}.`);
    asOf.dataset.asOf = String(report.asOf);
    asOf.dataset.upToDate = String(upToDate);
    for (const { figure, cell } of cells) {
      const v = figure.value(report);
      setText(cell, formatValue(v, figure.format));
      cell.dataset.value = JSON.stringify(v);
    }
    showRecipients(report.recipients);
    button.disabled = !isEnabled(ctx, 'printableReport');
    setText(
      instant,
      !sim.done && sim.nextEventTime === sim.now
        ? `The clock is inside the instant ${secondsText(sim.now / 1e6)} (stepped event by event): the printable report covers every event at that time, as the command line's --until does.`
        : '',
    );
    lastRun = performance.now();
    cost = lastRun - started;
    if (!upToDate) schedule();
  }

  const schedule = perFrame(refresh, () => ctx.store.getState().playing);
  ctx.store.subscribe((s, before) => {
    if (s.activePanel !== 'evidence') return;
    if (s.runId !== before.runId || s.activePanel !== before.activePanel || s.playing !== before.playing) schedule(true);
    else if (s.eventCount !== before.eventCount || s.time !== before.time) schedule();
  });
  schedule();
}
