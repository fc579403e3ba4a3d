// The peer inspector: for the selected peer, who it is, its bitfield, rates and totals, its
// connections with the four BEP 3 flags, and the ranking table of its last rechoke (who got which
// upload slot and why). With nothing selected it lists the peers to pick from. It reads the engine
// through engine/inspect.ts (copies, never the live objects) and redraws at most once a frame, and
// only while it is the visible panel.
import type { Sim } from '../../engine/sim';
import { inspectPeer, pieceStates, PIECE_HAVE, PIECE_STARTED, roleOf, type ConnectionView, type PeerView } from '../../engine/inspect';
import { SLOT } from '../../engine/trace';
import { ratioText } from '../../export/report-format';
import { run, type AppContext } from '../commands';
import { formatTime } from '../format';
import { el, perFrame, setAttr, setText } from './dom';
import { byOutcome, bytesShort, rateText, rechokesOf, rechokeTable, slotLabel, whyLabel, type RechokeTable } from './inspector-model';
import { RecordIndex } from './record-index';

const FLAGS = ['amChoking', 'amInterested', 'peerChoking', 'peerInterested'] as const;
const FLAG_TITLES = {
  amChoking: 'am choking: this peer refuses to send to the remote',
  amInterested: 'am interested: this peer wants pieces the remote has',
  peerChoking: 'peer choking: the remote refuses to send to this peer',
  peerInterested: 'peer interested: the remote wants pieces this peer has',
} as const;

/** Tallest the bitfield grid grows, CSS px; cells shrink to fit many pieces. */
const GRID_MAX_HEIGHT = 120;

function selectButton(ctx: AppContext, id: number, name: string): HTMLButtonElement {
  const b = el('button', 'peer-link', name);
  b.type = 'button';
  b.dataset.peer = String(id);
  b.addEventListener('click', () => run(ctx, 'selectPeer', id));
  return b;
}

/** A two-column list of labelled values; returns the value cells by key. */
function statList<K extends string>(host: HTMLElement, labels: Record<K, string>): Record<K, HTMLElement> {
  const dl = el('dl', 'insp-stats');
  const cells = {} as Record<K, HTMLElement>;
  for (const key of Object.keys(labels) as K[]) {
    dl.append(el('dt', '', labels[key]));
    const dd = el('dd');
    dd.dataset.stat = key;
    dl.append(dd);
    cells[key] = dd;
  }
  host.append(dl);
  return cells;
}

function table(host: HTMLElement, className: string, headers: readonly (readonly [string, string])[]): HTMLTableSectionElement {
  const t = el('table', className);
  const head = el('tr');
  for (const [text, title] of headers) {
    const th = el('th', '', text);
    th.scope = 'col';
    if (title) th.title = title;
    head.append(th);
  }
  t.createTHead().append(head);
  const body = t.createTBody();
  host.append(t);
  return body;
}

/** Grow or shrink a tbody to `n` rows of `cells` cells, reusing rows; returns the rows. */
function rowsOf(body: HTMLTableSectionElement, n: number, cells: number): HTMLTableRowElement[] {
  while (body.rows.length > n) body.lastElementChild!.remove();
  while (body.rows.length < n) {
    const tr = el('tr');
    for (let i = 0; i < cells; i++) tr.append(el('td'));
    body.append(tr);
  }
  return [...body.rows];
}

/** The remote's name as a button that selects it (replaced only when the remote changes). */
function remoteCell(ctx: AppContext, cell: HTMLTableCellElement, id: number, name: string): void {
  const current = cell.firstElementChild as HTMLButtonElement | null;
  if (current?.dataset.peer === String(id)) return;
  cell.replaceChildren(selectButton(ctx, id, name));
}

export function mountInspector(host: HTMLElement, ctx: AppContext): void {
  const empty = el('div', 'insp-empty');
  const hint = el('p', 'hint', 'Click a peer in the swarm, or pick one here, to inspect it.');
  const list = el('ul', 'peer-list');
  empty.append(hint, list);

  const detail = el('div', 'insp-peer');
  const head = el('div', 'insp-head');
  const name = el('h2', 'insp-name');
  const role = el('span', 'insp-role');
  const close = el('button', 'insp-close', '×');
  close.type = 'button';
  close.title = 'Clear the selection';
  close.setAttribute('aria-label', 'Clear the selection');
  close.addEventListener('click', () => run(ctx, 'selectPeer', null));
  const messages = el('button', 'insp-messages', 'messages');
  messages.type = 'button';
  messages.title = 'Show this peer’s messages in the log';
  messages.addEventListener('click', () => {
    const selected = ctx.store.getState().selectedPeer;
    run(ctx, 'setLogFilter', { peer: selected });
    run(ctx, 'showPanel', 'log');
  });
  const actions = el('span', 'insp-actions');
  actions.append(messages, close);
  head.append(name, role, actions);
  detail.append(head);
  const stats = statList(detail, {
    status: 'status',
    client: 'client',
    pieces: 'pieces',
    downloadRate: 'download rate',
    uploadRate: 'upload rate',
    downloaded: 'downloaded',
    uploaded: 'uploaded',
    ratio: 'share ratio',
  });
  const grid = el('canvas', 'insp-bitfield');
  grid.setAttribute('role', 'img');
  detail.append(el('h3', '', 'Bitfield'), grid);
  const connTitle = el('h3');
  detail.append(connTitle);
  const conns = table(detail, 'insp-conns', [
    ['peer', ''],
    ['we choke', FLAG_TITLES.amChoking],
    ['we want', FLAG_TITLES.amInterested],
    ['they choke', FLAG_TITLES.peerChoking],
    ['they want', FLAG_TITLES.peerInterested],
    ['↓', 'download rate from the remote'],
    ['↑', 'upload rate to the remote'],
  ]);
  detail.append(el('h3', '', 'Last rechoke'));
  const rechokeAt = el('p', 'insp-rechoke-at');
  detail.append(rechokeAt);
  const ranking = table(detail, 'insp-rechoke', [
    ['peer', ''],
    ['rate', 'the rate that ranked it: download rate from it (leecher) or upload rate to it (seed)'],
    ['slot', 'the upload slot it got'],
    ['why', ''],
  ]);
  host.append(empty, detail);

  let sim: Sim | null = null;
  let peer: number | null = null;
  let rechokes: RecordIndex | null = null;
  let shownRechoke = -1;
  let states = new Uint8Array(0);
  let drawnStates = new Uint8Array(0);
  let drawnKey = '';
  let peerNames: readonly string[] = [];

  function buildList(): void {
    list.replaceChildren();
    if (!sim) return;
    sim.config.peers.forEach((spec, id) => {
      const li = el('li');
      li.append(selectButton(ctx, id, spec.name), el('span', 'peer-meta'));
      list.append(li);
    });
  }

  function refreshList(): void {
    if (!sim) return;
    const pieces = sim.config.torrent.pieces;
    const items = list.children;
    for (let id = 0; id < items.length; id++) {
      setText(items[id]!.lastElementChild!, `${roleOf(sim.config, id)} · ${sim.peerPieces(id)}/${pieces}`);
    }
  }

  function refreshStats(view: PeerView): void {
    setText(name, view.name);
    setText(role, view.role);
    setAttr(detail, 'data-peer', String(view.id));
    const times = [view.joinedAt !== null ? `joined ${formatTime(view.joinedAt)}` : 'not joined yet'];
    if (view.completedAt !== null) times.push(`complete ${formatTime(view.completedAt)}`);
    if (view.leftAt !== null) times.push(`left ${formatTime(view.leftAt)}`);
    setText(stats.status, `${view.status} (${times.join(', ')})`);
    setText(stats.client, view.client);
    setText(stats.pieces, `${view.haveCount} / ${view.pieces}`);
    setAttr(stats.pieces, 'data-value', String(view.haveCount));
    setText(stats.downloadRate, rateText(view.downloadRate));
    setText(stats.uploadRate, rateText(view.uploadRate));
    setText(stats.downloaded, bytesShort(view.downloadedBytes));
    setText(stats.uploaded, bytesShort(view.uploadedBytes));
    setText(stats.ratio, ratioText(view.ratio));
  }

  function refreshConnections(view: PeerView): void {
    setText(connTitle, `Connections (${view.connections.length})`);
    const rows = rowsOf(conns, view.connections.length, 7);
    view.connections.forEach((c: ConnectionView, i) => {
      const tr = rows[i]!;
      const cells = tr.cells;
      setAttr(tr, 'data-remote', String(c.remote));
      remoteCell(ctx, cells[0]!, c.remote, peerNames[c.remote] ?? `#${c.remote}`);
      const marks = cells[0]!.querySelector('.marks') ?? cells[0]!.appendChild(el('span', 'marks'));
      setText(marks, [c.optimistic ? 'optimistic' : '', c.snubbed ? 'snubbed' : ''].filter(Boolean).join(' '));
      tr.classList.toggle('optimistic', c.optimistic);
      FLAGS.forEach((flag, f) => {
        setAttr(tr, `data-${flag.replace(/[A-Z]/g, (m) => `-${m.toLowerCase()}`)}`, String(c[flag]));
        const cell = cells[f + 1]!;
        setText(cell, c[flag] ? '✓' : '·');
        setAttr(cell, 'aria-label', c[flag] ? 'yes' : 'no');
        cell.className = c[flag] ? 'flag on' : 'flag';
      });
      setText(cells[5]!, rateText(c.downloadRate));
      setText(cells[6]!, rateText(c.uploadRate));
    });
  }

  function refreshRechoke(): void {
    if (!sim || !rechokes) return;
    rechokes.sync(sim.trace);
    const last = rechokes.length > 0 ? rechokes.at(rechokes.length - 1) : -1;
    if (last === shownRechoke) return;
    shownRechoke = last;
    if (last < 0) {
      setText(rechokeAt, 'No rechoke yet.');
      rowsOf(ranking, 0, 4);
      return;
    }
    const t: RechokeTable = rechokeTable(sim.trace, last);
    setText(rechokeAt, `At ${formatTime(t.time)} (trace record ${last}), ${t.rows.length} connections ranked:`);
    const rows = rowsOf(ranking, t.rows.length, 4);
    byOutcome(t.rows).forEach((r, i) => {
      const cells = rows[i]!.cells;
      setAttr(rows[i]!, 'data-remote', String(r.remote));
      setAttr(rows[i]!, 'data-slot', String(r.slot));
      rows[i]!.classList.toggle('unchoked', r.slot !== SLOT.CHOKED);
      remoteCell(ctx, cells[0]!, r.remote, peerNames[r.remote] ?? `#${r.remote}`);
      setText(cells[1]!, rateText(r.rate));
      setText(cells[2]!, slotLabel(r.slot));
      setText(cells[3]!, whyLabel(r.why));
    });
  }

  /** Draw the bitfield grid, only when a piece changed state, the width changed, or the theme did. */
  function refreshGrid(view: PeerView, theme: string): void {
    if (!sim) return;
    if (states.length !== view.pieces) states = new Uint8Array(view.pieces);
    pieceStates(sim, view.id, states);
    const width = Math.max(60, detail.clientWidth);
    const key = `${view.id}:${width}:${theme}:${window.devicePixelRatio}`;
    setAttr(grid, 'aria-label', `Bitfield: ${view.haveCount} of ${view.pieces} pieces held`);
    if (key === drawnKey && drawnStates.length === states.length && drawnStates.every((v, i) => v === states[i])) return;
    drawnKey = key;
    drawnStates = states.slice();
    // Square cells as large as fit: n cells in rows of `cols` within width × GRID_MAX_HEIGHT.
    const n = view.pieces;
    const cell = Math.max(2, Math.min(14, Math.floor(Math.sqrt((width * GRID_MAX_HEIGHT) / n))));
    const cols = Math.max(1, Math.floor(width / cell));
    const height = Math.ceil(n / cols) * cell;
    const dpr = window.devicePixelRatio || 1;
    grid.style.width = `${cols * cell}px`;
    grid.style.height = `${height}px`;
    grid.width = Math.round(cols * cell * dpr);
    grid.height = Math.round(height * dpr);
    const g = grid.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    const css = getComputedStyle(grid);
    const colour = [css.getPropertyValue('--border'), css.getPropertyValue('--muted'), css.getPropertyValue('--accent')];
    const gap = cell >= 5 ? 1 : 0;
    for (let i = 0; i < n; i++) {
      g.fillStyle = colour[states[i] === PIECE_HAVE ? 2 : states[i] === PIECE_STARTED ? 1 : 0]!.trim() || '#888';
      g.fillRect((i % cols) * cell, Math.floor(i / cols) * cell, cell - gap, cell - gap);
    }
  }

  function refresh(): void {
    const s = ctx.store.getState();
    if (s.activePanel !== 'inspector') return;
    if (session() !== sim) {
      sim = session();
      peer = null;
      peerNames = sim?.config.peers.map((p) => p.name) ?? [];
      buildList();
    }
    if (s.selectedPeer !== peer) {
      peer = s.selectedPeer;
      rechokes = peer === null ? null : new RecordIndex(rechokesOf(peer));
      shownRechoke = -2;
      drawnKey = '';
    }
    const selected = sim !== null && peer !== null;
    empty.hidden = selected;
    detail.hidden = !selected;
    if (!sim || peer === null) {
      refreshList();
      return;
    }
    const view = inspectPeer(sim, peer);
    refreshStats(view);
    refreshGrid(view, s.theme);
    refreshConnections(view);
    refreshRechoke();
  }

  const session = (): Sim | null => ctx.session.sim;
  const schedule = perFrame(refresh, () => ctx.store.getState().playing);
  ctx.store.subscribe((s, before) => {
    if (s.activePanel !== 'inspector') return;
    if (
      s.runId !== before.runId ||
      s.selectedPeer !== before.selectedPeer ||
      s.activePanel !== before.activePanel ||
      s.theme !== before.theme ||
      s.playing !== before.playing
    )
      schedule(true);
    else if (s.eventCount !== before.eventCount || s.time !== before.time) schedule();
  });
  // The grid fills the panel's width: redraw when the panel is resized.
  new ResizeObserver(() => schedule(true)).observe(host);
  schedule();
}
