// zod fields for sizes, rates and times: a number in the file's unit (bytes, bytes per second,
// seconds) or a readable string ("256 KiB", "1 MB/s", "2 min", parsed by quantity.ts). Every size,
// rate and time key of the format is built here, so they all accept the same spellings and word their
// errors the same way. New keys: use size(), rate() or time(), not z.number().
//
// zod only checks the type (number or string); the range is checked by hand in one transform, so a
// string's error can show what it was read as ("got "2 GiB" (2147483648 bytes)"). The JSON Schema
// editors see is written into the field's metadata, since zod cannot see inside a transform.
import { z } from 'zod';
import { describeValue, expected } from './messages';
import { BASE_UNIT, parseQuantity, QUANTITY_EXAMPLE, quantityPattern, type QuantityKind } from './quantity';

export interface QuantityRange {
  /** Smallest value, in the file's unit (bytes, bytes/s, seconds). */
  min: number;
  max?: number;
  /** The value must be greater than `min`, not equal (times: at least 1 µs then). */
  exclusiveMin?: boolean;
  multipleOf?: number;
  /** Said instead of `what` when the value is above `max`. */
  maxWhat?: string;
}

/** How a number of the file's unit is described when the text had a unit. */
const NUMBER_OF: Record<QuantityKind, string> = {
  size: 'a whole number of bytes',
  rate: 'a whole number of bytes per second',
  time: 'a number of seconds',
};

const MICROS = 1_000_000n;

/** A quantity field. `what` says the range in the file's unit: "a whole number of bytes ≥ 1". */
export function quantity(kind: QuantityKind, what: string, range: QuantityRange) {
  const max = range.max ?? Number.MAX_SAFE_INTEGER;
  const either = `${what}, or ${QUANTITY_EXAMPLE[kind]}`;
  const tooBig = range.maxWhat ?? what;
  // Times compare in µs, the engine's clock, so a string and the same number of seconds agree.
  const scale = kind === 'time' ? MICROS : 1n;
  const minBase = BigInt(Math.round(range.min * Number(scale)));
  const maxBase = BigInt(Math.round(max * Number(scale)));

  const checkNumber = (v: number): string | undefined => {
    if (kind !== 'time' && !Number.isSafeInteger(v)) return expected(what)({ input: v });
    if (!(v >= range.min) || (range.exclusiveMin && !(v > range.min))) return expected(what)({ input: v });
    if (v > max) return expected(tooBig)({ input: v });
    if (kind === 'time' && range.exclusiveMin && v < 1e-6) return expected('at least 0.000001 seconds (1 µs)')({ input: v });
    if (range.multipleOf !== undefined && v % range.multipleOf !== 0) return expected(what)({ input: v });
    return undefined;
  };

  const checkText = (text: string): { value: number } | { error: string } => {
    const parsed = parseQuantity(kind, text);
    if (!parsed.ok) return { error: `expected ${QUANTITY_EXAMPLE[kind]}, or ${NUMBER_OF[kind]}, got ${describeValue(text)}: ${parsed.problem}` };
    const base = parsed.value;
    const got = `got ${describeValue(text)} (${readAs(kind, base)})`;
    if (base < minBase || (range.exclusiveMin && base <= minBase)) {
      const rounded = base === 0n && /[1-9]/.test(text) ? `, which rounds to 0 ${BASE_UNIT[kind]}` : '';
      return { error: `expected ${what}, ${got}${rounded}` };
    }
    if (base > maxBase) return { error: `expected ${tooBig}, ${got}` };
    if (range.multipleOf !== undefined && base % BigInt(range.multipleOf) !== 0n) return { error: `expected ${what}, ${got}` };
    return { value: kind === 'time' ? Number(base) / 1e6 : Number(base) };
  };

  return z
    .union([z.number(), z.string()], { error: expected(either) })
    .transform((input, ctx) => {
      if (typeof input === 'number') {
        const error = checkNumber(input);
        if (error === undefined) return input;
        ctx.addIssue({ code: 'custom', message: error, input });
        return z.NEVER;
      }
      const result = checkText(input);
      if ('value' in result) return result.value;
      ctx.addIssue({ code: 'custom', message: result.error, input });
      return z.NEVER;
    })
    .meta({ description: either, anyOf: [numberJsonSchema(kind, range, max), { type: 'string', pattern: quantityPattern(kind) }] });
}

/** "2147483648 bytes", "1200 s". */
function readAs(kind: QuantityKind, base: bigint): string {
  if (kind === 'time') return `${Number(base) / 1e6} s`;
  return `${base} ${BASE_UNIT[kind]}`;
}

function numberJsonSchema(kind: QuantityKind, range: QuantityRange, max: number): Record<string, unknown> {
  const json: Record<string, unknown> = { type: kind === 'time' ? 'number' : 'integer' };
  if (range.exclusiveMin) json.exclusiveMinimum = range.min;
  else json.minimum = range.min;
  json.maximum = max;
  if (range.multipleOf !== undefined) json.multipleOf = range.multipleOf;
  return json;
}

/** Bytes: a whole number, or "256 KiB". */
export const size = (what: string, range: QuantityRange) => quantity('size', what, range);
/** Bytes per second: a whole number, or "1 MB/s", "8 Mbit/s". */
export const rate = (what: string, range: QuantityRange) => quantity('rate', what, range);
/** Seconds (fractions allowed; the engine gets Math.round(seconds × 1e6) µs), or "2 min", "500 ms". */
export const time = (what: string, range: QuantityRange) => quantity('time', what, range);
