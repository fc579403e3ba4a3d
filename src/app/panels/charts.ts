// The charts panel: piece availability now (copies of each piece among the peers present: the
// numbers rarest first works from), peers completed over time, and the subject's bytes made available
// vs sent over time. The data is the live analysis' series (src/analysis/series.ts), read
// incrementally; the drawing is canvas 2D (chart-draw.ts). Each chart has a sentence under it saying
// what it shows, which is also the canvas' accessible description; the sentence carries its figures
// as data attributes for the browser tests.
import { availabilityStats, lastValue, type Series } from '../../analysis/series';
import { pieceRanges } from '../../export/report-doc';
import { bytesText, count, grouped, secondsText } from '../../export/report-format';
import type { AppContext } from '../commands';
import { analysedUpTo, liveAnalysis } from '../live-analysis';
import { bytesLabel, drawAxes, drawBars, drawLevel, drawSteps, niceBytesCeil, niceCeil, preparePlot, secondsLabel, themeColours } from './chart-draw';
import { el, perFrame, setText } from './dom';
import './charts.css';

interface Chart {
  canvas: HTMLCanvasElement;
  summary: HTMLElement;
}

function chart(host: HTMLElement, id: string, title: string, legend: [string, string][] = []): Chart {
  const figure = el('figure', 'chart');
  figure.id = `chart-${id}`;
  figure.append(el('figcaption', '', title));
  const canvas = el('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', title);
  const summary = el('p', 'chart-summary');
  summary.id = `chart-${id}-summary`;
  canvas.setAttribute('aria-describedby', summary.id);
  figure.append(canvas);
  if (legend.length > 0) {
    const list = el('ul', 'chart-legend');
    for (const [style, text] of legend) {
      const item = el('li');
      item.append(el('span', `swatch ${style}`), document.createTextNode(text));
      list.append(item);
    }
    figure.append(list);
  }
  figure.append(summary);
  host.append(figure);
  return { canvas, summary };
}

/** At most this many rarest pieces are named in the availability sentence; more are counted. */
const NAMED_PIECES = 12;

function availabilitySentence(s: Series, at: number): string {
  const { min, max, mean, rarest } = availabilityStats(s);
  const which = rarest.length <= NAMED_PIECES ? `piece${rarest.length === 1 ? '' : 's'} ${pieceRanges(rarest)}` : count(rarest.length, 'piece');
  return (
    `At ${secondsText(at / 1e6)}, ${count(s.present, 'peer')} present. The rarest piece has ${count(min, 'copy', 'copies')} (${which}), ` +
    `the most common ${grouped(max)}; ${mean.toFixed(1)} on average over ${count(s.g.pieces, 'piece')}.`
  );
}

function completedSentence(s: Series, at: number): string {
  const done = lastValue(s.completed);
  const t = s.completed.times;
  const when = done === 0 ? '' : `; the first at ${secondsText(t[0]! / 1e6)}, the latest at ${secondsText(t[t.length - 1]! / 1e6)}`;
  return `By ${secondsText(at / 1e6)}, ${grouped(done)} of the ${count(s.leechers, 'peer')} that did not start as seeds had completed${when}.`;
}

function subjectSentence(s: Series, at: number): string {
  const name = s.config.peers[s.subject]!.name;
  const made = lastValue(s.advertised);
  const sent = lastValue(s.sent);
  return (
    `By ${secondsText(at / 1e6)}, “${name}” had announced pieces totalling ${bytesText(made)} of the file’s ${bytesText(s.g.size)} ` +
    `(made available) and sent ${bytesText(sent)} that arrived.` +
    (sent > s.g.size ? ' It sent more than the file’s size because several peers received data from it.' : '')
  );
}

export function mountCharts(host: HTMLElement, ctx: AppContext): void {
  const status = el('p', 'chart-status');
  status.setAttribute('aria-live', 'polite');
  host.append(status);
  const availability = chart(host, 'availability', 'Piece availability now: copies of each piece among the peers present');
  const completed = chart(host, 'completed', 'Peers completed over time');
  const subject = chart(host, 'subject', 'The subject: bytes made available vs sent, over time', [
    ['dashed', 'made available (pieces announced by bitfield or have)'],
    ['solid', 'sent (block data that arrived)'],
  ]);
  const subjectFigure = subject.canvas.parentElement!;

  function refresh(): void {
    const sim = ctx.session.sim;
    if (ctx.store.getState().activePanel !== 'charts' || !sim) return;
    const { live, upToDate } = liveAnalysis(sim);
    const s = live.series;
    const at = analysedUpTo(live, upToDate);
    setText(status, upToDate ? '' : `Reading the run… figures as of ${secondsText(at / 1e6)}.`);
    const tEnd = Math.max(at, 1);
    const colours = themeColours(host);
    const timeAxis: [string, string] = ['0 s', secondsLabel(tEnd)];

    const stats = availabilityStats(s);
    setText(availability.summary, availabilitySentence(s, at));
    Object.assign(availability.summary.dataset, { min: String(stats.min), max: String(stats.max), present: String(s.present) });
    const a = preparePlot(availability.canvas);
    if (a) {
      const top = niceCeil(Math.max(stats.max, 1));
      drawAxes(a, colours, top, (v) => grouped(Math.round(v)), ['piece 0', `piece ${grouped(s.g.pieces - 1)}`]);
      drawBars(a, s.availability, top, colours.accent);
      drawLevel(a, stats.min, top, colours, `rarest: ${grouped(stats.min)}`);
    }

    setText(completed.summary, completedSentence(s, at));
    completed.summary.dataset.completed = String(lastValue(s.completed));
    const c = preparePlot(completed.canvas);
    if (c) {
      const top = Math.max(1, s.leechers);
      drawAxes(c, colours, top, (v) => grouped(Math.round(v)), timeAxis);
      drawSteps(c, s.completed, tEnd, top, colours.accent);
    }

    subjectFigure.classList.toggle('no-subject', s.subject < 0);
    if (s.subject < 0) {
      setText(subject.summary, 'This scenario has no subject peer, so there is nothing to show here. Mark one peer "subject": true in the scenario file.');
      delete subject.summary.dataset.sent;
      delete subject.summary.dataset.advertised;
    } else {
      setText(subject.summary, subjectSentence(s, at));
      Object.assign(subject.summary.dataset, { sent: String(lastValue(s.sent)), advertised: String(lastValue(s.advertised)) });
      const p = preparePlot(subject.canvas);
      if (p) {
        const top = niceBytesCeil(Math.max(lastValue(s.sent), lastValue(s.advertised), 1));
        drawAxes(p, colours, top, bytesLabel, timeAxis);
        drawSteps(p, s.advertised, tEnd, top, colours.muted, [6, 4]);
        drawSteps(p, s.sent, tEnd, top, colours.accent);
      }
    }
    host.dataset.asOf = String(at);
    // Still reading after a long jump: carry on next frame.
    if (!upToDate) schedule();
  }

  const schedule = perFrame(refresh, () => ctx.store.getState().playing);
  ctx.store.subscribe((s, before) => {
    if (s.activePanel !== 'charts') return;
    if (s.runId !== before.runId || s.activePanel !== before.activePanel || s.theme !== before.theme || s.playing !== before.playing) schedule(true);
    else if (s.eventCount !== before.eventCount || s.time !== before.time) schedule();
  });
  // Canvases follow the panel's width (and have none while the panel is hidden).
  new ResizeObserver(() => schedule(true)).observe(host);
  schedule();
}
