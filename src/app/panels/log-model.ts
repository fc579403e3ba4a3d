// The message log without the DOM: which trace records it lists (the wire messages), the filter by
// peer, type and piece as a test on the trace's columns, the text of a row, and which rows a scroll
// position shows. Pure, so the Node tests cover it; log.ts only puts the result on screen.
import { BLOCK, blockLength, type Geometry } from '../../engine/torrent';
import { BROADCAST, record, T, type Trace } from '../../engine/trace';
import { messageName } from '../../engine/wire';
import { grouped } from '../../export/report-format';
import type { LogFilter } from '../store';
import type { RecordScan } from './record-index';

/** Lookup by trace kind (a u8): is it a wire message? Decisions (rechoke, verified, join…) are not. */
const WIRE = new Uint8Array(256);
for (let kind = 0; kind < 256; kind++) if (messageName(kind) !== null) WIRE[kind] = 1;

/** The wire message kinds the type filter offers, in BEP id order. */
export const LOG_KINDS: readonly number[] = [...WIRE.keys()].filter((kind) => WIRE[kind] === 1);

/** "not interested", "have all": the BEP name as people read it. */
export function kindLabel(kind: number): string {
  return (messageName(kind) ?? `record ${kind}`).replaceAll('_', ' ');
}

/** Messages whose x is a block id (piece × blocksPerPiece + block). */
function carriesBlock(kind: number): boolean {
  return kind === T.REQUEST || kind === T.PIECE || kind === T.CANCEL || kind === T.REJECT;
}

/** Messages whose x is a piece index. */
function carriesPiece(kind: number): boolean {
  return kind === T.HAVE || kind === T.SUGGEST || kind === T.ALLOWED_FAST;
}

/** The piece a message is about, or null (choke, bitfield, handshake…). */
export function pieceOfMessage(kind: number, x: number, blocksPerPiece: number): number | null {
  if (carriesBlock(kind)) return Math.floor(x / blocksPerPiece);
  if (carriesPiece(kind)) return x;
  return null;
}

/**
 * The filter as a record scan. A peer matches messages it sent or that were addressed to it; a have
 * is one broadcast record (to = BROADCAST), so it matches its sender only.
 */
export function logScan(filter: LogFilter, blocksPerPiece: number): RecordScan {
  const kinds = new Uint8Array(256);
  for (const kind of filter.kinds) if (kind >= 0 && kind < 256) kinds[kind] = 1;
  const anyKind = filter.kinds.length === 0;
  const { peer, piece } = filter;
  return (c, start, end, emit) => {
    const { kind: kindOf, from, to, x } = c;
    for (let i = start; i < end; i++) {
      const kind = kindOf[i]!;
      if (WIRE[kind] === 0 || (!anyKind && kinds[kind] === 0)) continue;
      if (peer !== null && from[i] !== peer && to[i] !== peer) continue;
      if (piece === null || pieceOfMessage(kind, x[i]!, blocksPerPiece) === piece) emit(i);
    }
  };
}

export interface LogRow {
  index: number;
  /** Simulated µs, for seeking. */
  time: number;
  /** Seconds with µs: messages a few µs apart must read differently. */
  timeText: string;
  from: string;
  to: string;
  message: string;
  /** Piece, block, bytes: what the message carries. */
  fields: string;
}

export interface LogNames {
  names: readonly string[];
  geometry: Geometry;
}

function nameOf(names: readonly string[], id: number): string {
  return names[id] ?? `#${id}`;
}

function plural(n: number, one: string): string {
  return `${grouped(n)} ${n === 1 ? one : `${one}s`}`;
}

function fieldsOf(tr: Trace, kind: number, x: number, y: number, g: Geometry): string {
  if (carriesBlock(kind)) {
    const piece = Math.floor(x / g.blocksPerPiece);
    const bytes = kind === T.PIECE ? y : blockLength(g, x);
    // A whole block is the common case; any other length is spelled out to the byte.
    return `piece ${piece} block ${x - piece * g.blocksPerPiece} · ${bytes === BLOCK ? '16 KiB' : `${grouped(bytes)} B`}`;
  }
  if (carriesPiece(kind)) return `piece ${x}`;
  if (kind === T.BITFIELD) return plural(x, 'piece');
  // BEP 11: aux holds the added count, the dropped count, then the peer ids.
  if (kind === T.PEX) return `+${tr.aux[x] ?? 0} −${tr.aux[x + 1] ?? 0} peers`;
  return '';
}

export function formatLogRow(tr: Trace, index: number, ctx: LogNames): LogRow {
  const r = record(tr, index);
  return {
    index,
    time: r.time,
    timeText: (r.time / 1e6).toFixed(6),
    from: nameOf(ctx.names, r.from),
    // A have goes to every open connection at once: the record counts them in y.
    to: r.to === BROADCAST ? plural(r.y, 'peer') : nameOf(ctx.names, r.to),
    message: kindLabel(r.kind),
    fields: fieldsOf(tr, r.kind, r.x, r.y, ctx.geometry),
  };
}

export interface RowWindow {
  /** First row (position among the matches) to draw. */
  first: number;
  /** Rows to draw from there. */
  count: number;
  /** Offset of the first drawn row from the top of the scrolled content, px. */
  top: number;
  /** Height of the scrolled content, px. */
  height: number;
}

/**
 * Browsers cap an element's height (Chromium near 33.5 million px); past this the scroll range is
 * scaled, so a million rows still map onto the scrollbar from first to last.
 */
export const MAX_SCROLL_PX = 8_000_000;

/** Which rows a scroll position shows: rows are `rowHeight` px, the viewport `viewport` px high. */
export function rowWindow(scrollTop: number, viewport: number, total: number, rowHeight: number, maxPx = MAX_SCROLL_PX): RowWindow {
  const visible = Math.ceil(viewport / rowHeight) + 1;
  const natural = total * rowHeight;
  if (natural <= maxPx) {
    const first = Math.max(0, Math.min(Math.floor(scrollTop / rowHeight), total - 1));
    return { first, count: Math.max(0, Math.min(visible, total - first)), top: first * rowHeight, height: natural };
  }
  // Scaled: the scroll fraction picks a fractional first row; rows are placed relative to scrollTop
  // so that the bottom of the range shows the last row at the bottom of the viewport.
  const range = Math.max(1, maxPx - viewport);
  const fraction = Math.max(0, Math.min(1, scrollTop / range));
  const exact = fraction * Math.max(0, total - viewport / rowHeight);
  const first = Math.floor(exact);
  return { first, count: Math.min(visible, total - first), top: scrollTop - (exact - first) * rowHeight, height: maxPx };
}

/** The scrollTop that shows row `position` (at the top of the viewport, or as near as the range allows). */
export function scrollTopFor(position: number, viewport: number, total: number, rowHeight: number, maxPx = MAX_SCROLL_PX): number {
  const natural = total * rowHeight;
  if (natural <= maxPx) return Math.max(0, Math.min(position * rowHeight, natural - viewport));
  const rows = Math.max(1, total - viewport / rowHeight);
  return Math.max(0, Math.min(1, position / rows)) * Math.max(1, maxPx - viewport);
}
