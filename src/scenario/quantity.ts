// Readable quantities: "256 KiB", "1 MB/s", "8 Mbit/s", "90 s", "2 min", "1.5 h", "500 ms".
//
// Parsing is exact: the number is read as a decimal fraction of integers (BigInt), multiplied by the
// unit's factor, and rounded once to the base unit (bytes, bytes per second, µs), half up. No floating
// point touches the result, so the same text gives the same integer in every JavaScript engine.
//
// Units follow IEC 80000-13: decimal prefixes are powers of 1000 (kB, MB, GB, TB; "KB" is read as kB,
// since a capital K is a common spelling of it), binary prefixes powers of 1024 (KiB, MiB, GiB, TiB).
// Bits exist only in rates ("Mbit/s", "Mbps"), as ISPs sell them, and are divided by 8. A lone "b"
// is refused: "Mb" means megabit to some and megabyte to others.

import { closest } from './suggest';

export type QuantityKind = 'size' | 'rate' | 'time';

/** One unit: its spelling and its size in base units as a fraction (bits are 1/8 byte). */
interface Unit {
  factor: bigint;
  divisor: bigint;
}

const K = 1000n;
const Ki = 1024n;

const BYTE_UNITS: Record<string, bigint> = {
  B: 1n,
  byte: 1n,
  bytes: 1n,
  kB: K,
  KB: K,
  MB: K ** 2n,
  GB: K ** 3n,
  TB: K ** 4n,
  KiB: Ki,
  MiB: Ki ** 2n,
  GiB: Ki ** 3n,
  TiB: Ki ** 4n,
};

const BIT_RATE_UNITS: Record<string, bigint> = {
  'bit/s': 1n,
  'kbit/s': K,
  'Mbit/s': K ** 2n,
  'Gbit/s': K ** 3n,
  bps: 1n,
  kbps: K,
  Mbps: K ** 2n,
  Gbps: K ** 3n,
};

/** Time units in µs (the engine's clock). */
const TIME_UNITS: Record<string, bigint> = {
  'µs': 1n,
  us: 1n,
  ms: 1000n,
  s: 1_000_000n,
  sec: 1_000_000n,
  secs: 1_000_000n,
  second: 1_000_000n,
  seconds: 1_000_000n,
  min: 60_000_000n,
  mins: 60_000_000n,
  minute: 60_000_000n,
  minutes: 60_000_000n,
  h: 3_600_000_000n,
  hr: 3_600_000_000n,
  hrs: 3_600_000_000n,
  hour: 3_600_000_000n,
  hours: 3_600_000_000n,
  d: 86_400_000_000n,
  day: 86_400_000_000n,
  days: 86_400_000_000n,
};

function unitsOf(kind: QuantityKind): Map<string, Unit> {
  const units = new Map<string, Unit>();
  if (kind === 'size') for (const [name, f] of Object.entries(BYTE_UNITS)) units.set(name, { factor: f, divisor: 1n });
  if (kind === 'rate') {
    for (const [name, f] of Object.entries(BYTE_UNITS)) {
      units.set(`${name}/s`, { factor: f, divisor: 1n });
    }
    for (const [name, f] of Object.entries(BIT_RATE_UNITS)) units.set(name, { factor: f, divisor: 8n });
  }
  if (kind === 'time') for (const [name, f] of Object.entries(TIME_UNITS)) units.set(name, { factor: f, divisor: 1n });
  return units;
}

const UNITS: Record<QuantityKind, Map<string, Unit>> = { size: unitsOf('size'), rate: unitsOf('rate'), time: unitsOf('time') };

/** A number without a unit is in the file's own unit: bytes, bytes per second, seconds. */
const BARE: Record<QuantityKind, Unit> = {
  size: { factor: 1n, divisor: 1n },
  rate: { factor: 1n, divisor: 1n },
  time: { factor: 1_000_000n, divisor: 1n },
};

/** The base unit each kind rounds to, as said in messages. */
export const BASE_UNIT: Record<QuantityKind, string> = { size: 'bytes', rate: 'bytes/s', time: 'µs' };

/** What a person should write, for messages: `a size such as "256 KiB" or a number of bytes`. */
export const QUANTITY_EXAMPLE: Record<QuantityKind, string> = {
  size: 'a size such as "256 KiB" or "1.5 GB"',
  rate: 'a rate such as "1 MB/s", "512 KiB/s" or "8 Mbit/s"',
  time: 'a time such as "90 s", "2 min", "1.5 h" or "500 ms"',
};

/** Longer texts are refused before any arithmetic, so BigInt never sees a million digits. */
export const MAX_QUANTITY_LENGTH = 40;

const NUMBER_AND_UNIT = /^\s*(-?)(\d*)(?:\.(\d*))?\s*(.*?)\s*$/;

/** A regular expression for editors (JSON Schema `pattern`): a number, optionally a unit of this kind. */
export function quantityPattern(kind: QuantityKind): string {
  const names = [...UNITS[kind].keys()].map((n) => n.replace(/[.]/g, '\\.'));
  return `^\\s*(\\d+(\\.\\d*)?|\\.\\d+)\\s*(${names.join('|')})?\\s*$`;
}

export type QuantityParse = { ok: true; value: bigint } | { ok: false; problem: string };

/**
 * `text` → an integer in the kind's base unit (bytes, bytes/s or µs), rounded half up; a number
 * without a unit is already in the base unit of the file (bytes, bytes/s, or seconds for times).
 */
export function parseQuantity(kind: QuantityKind, text: string): QuantityParse {
  if (text.length > MAX_QUANTITY_LENGTH) return { ok: false, problem: `too long (${text.length} characters)` };
  const m = NUMBER_AND_UNIT.exec(text);
  const intPart = m?.[2] ?? '';
  const fracPart = m?.[3] ?? '';
  if (!m || (intPart === '' && fracPart === '')) {
    return { ok: false, problem: text.trim() === '' ? 'no number' : 'it does not start with a number' };
  }
  if (m[1] === '-') return { ok: false, problem: 'negative' };
  const unitText = m[4] ?? '';
  const unit = unitText === '' ? BARE[kind] : UNITS[kind].get(unitText);
  if (unit === undefined) return { ok: false, problem: unknownUnit(kind, unitText) };
  const numerator = BigInt(`${intPart}${fracPart}` || '0') * unit.factor;
  const denominator = 10n ** BigInt(fracPart.length) * unit.divisor;
  return { ok: true, value: (2n * numerator + denominator) / (2n * denominator) };
}

/** Why a unit is not known here, with the likely intended spelling. */
function unknownUnit(kind: QuantityKind, unit: string): string {
  const quoted = JSON.stringify(unit);
  for (const other of ['size', 'rate', 'time'] as const) {
    if (other !== kind && UNITS[other].has(unit)) return `${quoted} is a unit of ${other}, not of ${kind}${hint(kind, unit)}`;
  }
  const lower = unit.toLowerCase();
  const sameLetters = [...UNITS[kind].keys()].filter((n) => n.toLowerCase() === lower);
  if (sameLetters.length > 0) return `unknown unit ${quoted}; did you mean ${sameLetters.map((n) => JSON.stringify(n)).join(' or ')}?`;
  const guess = closest(unit, [...UNITS[kind].keys()]);
  if (guess !== undefined) return `unknown unit ${quoted}; did you mean ${JSON.stringify(guess)}?`;
  return `unknown unit ${quoted}; known units: ${[...UNITS[kind].keys()].filter(isShortName).join(', ')}`;
}

function hint(kind: QuantityKind, unit: string): string {
  if (kind === 'rate' && UNITS.size.has(unit)) return `; did you mean "${unit}/s"?`;
  if (kind === 'size' && unit.endsWith('/s') && UNITS.size.has(unit.slice(0, -2))) return `; did you mean "${unit.slice(0, -2)}"?`;
  return '';
}

/** The units listed in messages: the short spellings, not every plural. */
function isShortName(name: string): boolean {
  return !/^(byte|bytes|sec|secs|second|seconds|mins|minute|minutes|hr|hrs|hour|hours|day|days|us)(\/s)?$/.test(name);
}
