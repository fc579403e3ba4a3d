// The peer inspector without the DOM: the last rechoke's ranking table of a peer, read from the
// trace, and the words and numbers the panel shows. Pure, so the Node tests cover it.
import { rechokeRows, type RechokeRow } from '../../engine/inspect';
import { CHUNK_BITS, CHUNK, SLOT, T, WHY, type Trace } from '../../engine/trace';
import { grouped } from '../../export/report-format';
import type { RecordScan } from './record-index';

/** The RECHOKE records of one peer. */
export function rechokesOf(peer: number): RecordScan {
  return (c, start, end, emit) => {
    const { kind, from } = c;
    for (let i = start; i < end; i++) if (kind[i] === T.RECHOKE && from[i] === peer) emit(i);
  };
}

export interface RechokeTable {
  /** Trace index and time (µs) of the RECHOKE record. */
  index: number;
  time: number;
  rows: RechokeRow[];
}

/** The ranking table of the RECHOKE record at `index` (see engine/inspect.ts for the aux layout). */
export function rechokeTable(tr: Trace, index: number): RechokeTable {
  const c = tr.chunks[index >>> CHUNK_BITS]!;
  const i = index & (CHUNK - 1);
  if (c.kind[i] !== T.RECHOKE) throw new Error(`trace record ${index} is not a rechoke`);
  return { index, time: c.time[i]!, rows: rechokeRows(tr, c.x[i]!, c.y[i]!) };
}

/**
 * The rows as the panel lists them: the engine writes them in connection order, so put the peers
 * that got a slot first (regular, optimistic, then a seed's kept and random ones), then the choked,
 * each by the rate that ranked them, fastest first; ties keep connection order.
 */
export function byOutcome(rows: readonly RechokeRow[]): RechokeRow[] {
  const order = (slot: number) => (slot === SLOT.CHOKED ? Number.MAX_SAFE_INTEGER : slot);
  return rows
    .map((row, i) => ({ row, i }))
    .sort((a, b) => order(a.row.slot) - order(b.row.slot) || b.row.rate - a.row.rate || a.i - b.i)
    .map(({ row }) => row);
}

const SLOT_LABELS: Partial<Record<keyof typeof SLOT, string>> = {
  CHOKED: 'choked',
  REGULAR: 'regular',
  OPTIMISTIC: 'optimistic',
  SEED_KEPT: 'seed: kept',
  SEED_RANDOM: 'seed: random',
};

const WHY_LABELS: Partial<Record<keyof typeof WHY, string>> = {
  TOP_RATE: 'among the fastest',
  OPTIMISTIC: 'optimistic unchoke',
  NOT_INTERESTED: 'not interested',
  SNUBBED: 'snubbed us',
  OUTRANKED: 'outranked',
  RECENTLY_UNCHOKED: 'unchoked recently',
  ROUND_ROBIN: 'round robin',
  RANDOM: 'random pick',
  FREE_RIDER: 'never unchokes (free rider)',
};

/** A label for a value of one of the trace's enums; a value added to the engine later shows its key. */
function enumLabel<K extends string>(values: Record<K, number>, labels: Partial<Record<K, string>>, value: number): string {
  for (const key of Object.keys(values) as K[]) if (values[key] === value) return labels[key] ?? key.toLowerCase().replaceAll('_', ' ');
  return String(value);
}

export function slotLabel(slot: number): string {
  return enumLabel(SLOT, SLOT_LABELS, slot);
}

export function whyLabel(why: number): string {
  return enumLabel(WHY, WHY_LABELS, why);
}

/** Bytes/s, compact: "0 B/s", "812 B/s", "12.3 KiB/s", "1.0 MiB/s". */
export function rateText(bytesPerSecond: number): string {
  if (bytesPerSecond < 1024) return `${Math.round(bytesPerSecond)} B/s`;
  const units = ['KiB/s', 'MiB/s', 'GiB/s'];
  let value = bytesPerSecond / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}

/** "1,234,567 B". */
export function bytesShort(bytes: number): string {
  return `${grouped(bytes)} B`;
}
