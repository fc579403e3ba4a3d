// The message log: every wire message of the trace, filtered by peer, type and piece
// (store.logFilter), newest at the bottom. A run has hundreds of thousands of messages, so the list is
// virtual: the matches are an incremental index of trace positions (record-index.ts), and only the
// rows in view exist in the DOM, recycled as it scrolls. It follows the tail while scrolled to the
// bottom; hovering a row (or moving to it with ↑/↓) highlights that message in the scene, and
// clicking it (or Enter) seeks the clock to the message.
import type { Sim } from '../../engine/sim';
import { grouped } from '../../export/report-format';
import { run, type AppContext } from '../commands';
import type { LogFilter } from '../store';
import { el, perFrame, setAttr, setText } from './dom';
import { formatLogRow, kindLabel, LOG_KINDS, logScan, rowWindow, scrollTopFor, type LogNames } from './log-model';
import { RecordIndex } from './record-index';

/** px; matches .log-row in panels.css. */
const ROW_HEIGHT = 22;
/** Records a frame may scan: a new filter over a long run is applied over a few frames, not one long one. */
const SCAN_BUDGET = 2_000_000;

function option(select: HTMLSelectElement, value: string, text: string): void {
  const o = el('option', '', text);
  o.value = value;
  select.append(o);
}

function labelled(text: string, control: HTMLElement): HTMLLabelElement {
  const label = el('label', '', `${text} `);
  label.append(control);
  return label;
}

export function mountLog(host: HTMLElement, ctx: AppContext): void {
  const peerSelect = el('select', 'log-peer');
  const kindSelect = el('select', 'log-kind');
  option(kindSelect, '', 'all types');
  for (const kind of LOG_KINDS) option(kindSelect, String(kind), kindLabel(kind));
  const pieceInput = el('input', 'log-piece');
  pieceInput.type = 'number';
  pieceInput.min = '0';
  pieceInput.placeholder = 'any';
  const clear = el('button', 'log-clear', 'clear');
  clear.type = 'button';
  clear.title = 'Show every message';
  const filters = el('div', 'log-filter');
  filters.setAttribute('role', 'group');
  filters.setAttribute('aria-label', 'Filter the messages');
  filters.append(labelled('peer', peerSelect), labelled('type', kindSelect), labelled('piece', pieceInput), clear);

  const count = el('p', 'log-count');
  const header = el('div', 'log-row log-header');
  for (const text of ['time (s)', 'from → to', 'message']) header.append(el('span', '', text));
  header.setAttribute('aria-hidden', 'true');
  const viewport = el('div', 'log-viewport');
  viewport.tabIndex = 0;
  viewport.setAttribute('role', 'list');
  viewport.setAttribute('aria-label', 'Wire messages; ↑ ↓ to move, Enter to go to that moment');
  const spacer = el('div', 'log-spacer');
  viewport.append(spacer);
  host.append(filters, count, header, viewport);

  peerSelect.addEventListener('change', () => run(ctx, 'setLogFilter', { peer: peerSelect.value === '' ? null : Number(peerSelect.value) }));
  kindSelect.addEventListener('change', () => run(ctx, 'setLogFilter', { kinds: kindSelect.value === '' ? [] : [Number(kindSelect.value)] }));
  pieceInput.addEventListener('input', () => {
    const value = pieceInput.value.trim();
    // A half-typed number waits; the field keeps what the user typed.
    if (value === '') run(ctx, 'setLogFilter', { piece: null });
    else if (Number.isInteger(Number(value))) run(ctx, 'setLogFilter', { piece: Number(value) });
  });
  clear.addEventListener('click', () => run(ctx, 'clearLogFilter'));

  let sim: Sim | null = null;
  let names: LogNames | null = null;
  let filter: LogFilter | null = null;
  let index: RecordIndex | null = null;
  /** Keep the newest message in view (the user is at the bottom). */
  let follow = true;
  /** A trace index to scroll into view on the next draw (after a click or ↑/↓). */
  let reveal: number | null = null;
  const rows: HTMLDivElement[] = [];

  function newRow(): HTMLDivElement {
    const row = el('div', 'log-row');
    row.setAttribute('role', 'listitem');
    // The message's name and its fields share a cell: most messages (choke, interested…) have no fields.
    const message = el('span');
    message.append(el('span', 'log-kind-name'), el('span', 'log-fields'));
    row.append(el('span'), el('span'), message);
    spacer.append(row);
    rows.push(row);
    return row;
  }

  function syncFilterControls(f: LogFilter): void {
    peerSelect.value = f.peer === null ? '' : String(f.peer);
    kindSelect.value = f.kinds.length === 1 ? String(f.kinds[0]) : '';
    const piece = f.piece === null ? '' : String(f.piece);
    // Leave a field the user is typing in alone unless its number differs.
    if (document.activeElement !== pieceInput || Number(pieceInput.value) !== f.piece) pieceInput.value = piece;
  }

  function onNewRun(next: Sim | null): void {
    sim = next;
    filter = null;
    follow = true;
    // A row shows the same record index of another run: make every row redraw.
    for (const row of rows) delete row.dataset.index;
    peerSelect.replaceChildren();
    option(peerSelect, '', 'all peers');
    if (!next) return;
    next.config.peers.forEach((p, i) => option(peerSelect, String(i), p.name));
    pieceInput.max = String(next.config.torrent.pieces - 1);
    names = { names: next.config.peers.map((p) => p.name), geometry: next.geometry };
  }

  function draw(): void {
    const s = ctx.store.getState();
    if (s.activePanel !== 'log') return;
    if (ctx.session.sim !== sim) onNewRun(ctx.session.sim);
    if (!sim || !names) return;
    if (s.logFilter !== filter) {
      filter = s.logFilter;
      index = new RecordIndex(logScan(filter, names.geometry.blocksPerPiece));
      syncFilterControls(filter);
    }
    index!.sync(sim.trace, SCAN_BUDGET);
    const scanning = index!.behind(sim.trace) > 0;
    if (scanning) schedule();
    const total = index!.length;
    setText(count, `${grouped(total)} ${total === 1 ? 'message' : 'messages'} of ${grouped(sim.trace.length)} trace records${scanning ? ' (searching…)' : ''}`);

    const viewportHeight = viewport.clientHeight;
    const { height } = rowWindow(0, viewportHeight, total, ROW_HEIGHT);
    if (spacer.style.height !== `${height}px`) spacer.style.height = `${height}px`;
    if (reveal !== null) {
      const position = Math.min(index!.lowerBound(reveal), total - 1);
      const shown = rowWindow(viewport.scrollTop, viewportHeight, total, ROW_HEIGHT);
      // Scroll only when the row is out of view, so a click does not make the list jump.
      if (position < shown.first + 1 || position > shown.first + shown.count - 3) {
        viewport.scrollTop = scrollTopFor(Math.max(0, position - Math.floor(viewportHeight / ROW_HEIGHT / 2)), viewportHeight, total, ROW_HEIGHT);
      }
      reveal = null;
    } else if (follow) {
      viewport.scrollTop = height;
    }
    const win = rowWindow(viewport.scrollTop, viewportHeight, total, ROW_HEIGHT);
    while (rows.length < win.count) newRow();
    for (let k = 0; k < rows.length; k++) {
      const row = rows[k]!;
      if (k >= win.count) {
        row.hidden = true;
        continue;
      }
      row.hidden = false;
      const traceIndex = index!.at(win.first + k);
      const transform = `translateY(${win.top + k * ROW_HEIGHT}px)`;
      if (row.style.transform !== transform) row.style.transform = transform;
      if (row.dataset.index !== String(traceIndex)) {
        const r = formatLogRow(sim.trace, traceIndex, names);
        row.dataset.index = String(traceIndex);
        row.dataset.time = String(r.time);
        const [time, route, message] = row.children as unknown as HTMLSpanElement[];
        const [kind, fields] = message!.children as unknown as HTMLSpanElement[];
        time!.textContent = r.timeText;
        route!.textContent = `${r.from} → ${r.to}`;
        kind!.textContent = r.message;
        fields!.textContent = r.fields;
        row.title = `${r.timeText} s: ${r.from} → ${r.to}, ${r.message} ${r.fields}`;
      }
      const highlighted = traceIndex === s.highlightedRecord;
      row.classList.toggle('highlighted', highlighted);
      setAttr(row, 'aria-current', String(highlighted));
    }
  }

  const schedule = perFrame(draw, () => ctx.store.getState().playing);

  function rowAt(target: EventTarget | null): number | null {
    const row = target instanceof Element ? target.closest<HTMLElement>('.log-row[data-index]') : null;
    return row && !row.hidden ? Number(row.dataset.index) : null;
  }

  viewport.addEventListener('scroll', () => {
    follow = viewport.scrollTop + viewport.clientHeight >= viewport.scrollHeight - ROW_HEIGHT;
    schedule(true);
  });
  viewport.addEventListener('mouseover', (event) => {
    const at = rowAt(event.target);
    if (at !== null && at !== ctx.store.getState().highlightedRecord) run(ctx, 'highlightRecord', at);
  });
  viewport.addEventListener('mouseleave', () => run(ctx, 'highlightRecord', null));
  viewport.addEventListener('click', (event) => {
    const at = rowAt(event.target);
    if (at === null) return;
    follow = false;
    reveal = at;
    run(ctx, 'seekRecord', at);
  });
  viewport.addEventListener('keydown', (event) => {
    if (!index || index.length === 0) return;
    const current = ctx.store.getState().highlightedRecord;
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      // The highlighted message is the keyboard cursor; without one, start from the newest.
      const position = current === null ? index.length : index.lowerBound(current);
      const next = Math.max(0, Math.min(index.length - 1, position + (event.key === 'ArrowDown' ? 1 : -1)));
      follow = false;
      reveal = index.at(next);
      run(ctx, 'highlightRecord', reveal);
    } else if (event.key === 'Enter' && current !== null) {
      follow = false;
      reveal = current;
      run(ctx, 'seekRecord', current);
    } else return;
    event.preventDefault();
    event.stopPropagation();
  });

  ctx.store.subscribe((s, before) => {
    if (s.activePanel !== 'log') return;
    if (
      s.runId !== before.runId ||
      s.logFilter !== before.logFilter ||
      s.highlightedRecord !== before.highlightedRecord ||
      s.activePanel !== before.activePanel ||
      s.playing !== before.playing
    )
      schedule(true);
    else if (s.traceLength !== before.traceLength) schedule();
  });
  new ResizeObserver(() => schedule(true)).observe(viewport);
  schedule();
}
