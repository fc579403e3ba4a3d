// A first pass over untrusted bencode, before the `bencode` library decodes it. The library trusts its
// input: it recurses once per level (deep nesting overflows the stack), reads a string past the end of
// the data as a shorter one, accepts "i1.5e", and stores a "__proto__" key through the prototype
// setter. This pass reads every token once, iteratively, with a depth cap, and refuses anything that
// is not canonical enough to decode exactly; it also finds the byte range of the top-level "info"
// value, whose SHA-1 is the info hash (re-encoding the decoded dict could change the bytes).

export interface BencodeScan {
  /** Byte range [start, end) of the top-level dictionary's "info" value, or null if it has none. */
  info: { start: number; end: number } | null;
}

export class BencodeError extends Error {}

/** Real .torrent files nest 5 deep (dict → info → files → file → path). */
export const MAX_BENCODE_DEPTH = 32;

const D = 0x64; // d
const L = 0x6c; // l
const I = 0x69; // i
const E = 0x65; // e
const COLON = 0x3a;
const MINUS = 0x2d;
const isDigit = (b: number | undefined): boolean => b !== undefined && b >= 0x30 && b <= 0x39;

interface Frame {
  dict: boolean;
  /** In a dict: the next token is a key. */
  expectKey: boolean;
  keys: Set<string>;
}

const latin1 = new TextDecoder('latin1');

/** Checks `bytes` is one bencoded dictionary and nothing else; throws a BencodeError saying where it is not. */
export function scanBencode(bytes: Uint8Array): BencodeScan {
  const n = bytes.length;
  const stack: Frame[] = [];
  let pos = 0;
  let info: { start: number; end: number } | null = null;
  let infoStart = -1;
  let infoDepth = -1;
  let lastKey: string | null = null;
  const fail = (what: string, at = pos): never => {
    throw new BencodeError(`${what} (at byte ${at} of ${n})`);
  };

  /** The digits from pos up to `stop`: a non-negative integer without leading zeros. */
  const readDigits = (stop: number, what: string): number => {
    const start = pos;
    while (pos < n && isDigit(bytes[pos])) pos++;
    if (pos === start) fail(`expected the digits of ${what}`);
    if (pos - start > 1 && bytes[start] === 0x30) fail(`${what} has a leading zero`, start);
    if (pos - start > 15) fail(`${what} is too large`, start);
    if (pos >= n) fail(`the file ends inside ${what}`);
    if (bytes[pos] !== stop) fail(`expected "${String.fromCharCode(stop)}" after ${what}`);
    return Number(latin1.decode(bytes.subarray(start, pos)));
  };

  do {
    if (pos >= n) fail(stack.length === 0 ? 'the file is empty' : 'the file ends before the structure is closed (truncated?)');
    const top = stack[stack.length - 1];
    const b = bytes[pos]!;
    if (b === E) {
      if (top === undefined) fail('unexpected "e"');
      if (top!.dict && !top!.expectKey) fail('a dictionary key without a value');
      stack.pop();
      pos++;
      if (info === null && infoStart >= 0 && stack.length === infoDepth) info = { start: infoStart, end: pos };
      afterValue();
      continue;
    }
    if (top?.dict && top.expectKey) {
      // Keys are byte strings.
      if (!isDigit(b)) fail('expected a string key in a dictionary');
      const length = readDigits(COLON, 'a key length');
      pos++;
      if (length > n - pos) fail(`a key of ${length} bytes runs past the end of the file (truncated?)`);
      const key = latin1.decode(bytes.subarray(pos, pos + length));
      if (top.keys.has(key)) fail(`the key ${JSON.stringify(key)} appears twice in one dictionary`);
      top.keys.add(key);
      pos += length;
      top.expectKey = false;
      lastKey = key;
      continue;
    }
    if (stack.length === 0 && pos === 0 && b !== D) fail('expected a dictionary ("d…e") at the start: this is not a .torrent file');
    const valueStart = pos;
    if (stack.length === 1 && lastKey === 'info') {
      infoStart = valueStart;
      infoDepth = 1;
    }
    if (b === D || b === L) {
      if (stack.length >= MAX_BENCODE_DEPTH) fail(`nested more than ${MAX_BENCODE_DEPTH} levels deep`);
      stack.push({ dict: b === D, expectKey: b === D, keys: new Set() });
      pos++;
      continue;
    }
    if (b === I) {
      pos++;
      const negative = bytes[pos] === MINUS;
      if (negative) pos++;
      const value = readDigits(E, 'an integer');
      if (negative && value === 0) fail('"-0" is not an integer', valueStart);
      pos++;
    } else if (isDigit(b)) {
      const length = readDigits(COLON, 'a string length');
      pos++;
      if (length > n - pos) fail(`a string of ${length} bytes runs past the end of the file (truncated?)`, valueStart);
      pos += length;
    } else {
      fail(`unexpected byte 0x${b.toString(16).padStart(2, '0')}`);
    }
    if (stack.length === 1 && lastKey === 'info' && info === null) info = { start: valueStart, end: pos };
    afterValue();
  } while (stack.length > 0);
  if (pos !== n) fail(`${n - pos} extra bytes after the end of the dictionary`);
  return { info };

  function afterValue(): void {
    const top = stack[stack.length - 1];
    if (top?.dict) top.expectKey = true;
    if (stack.length === 1) lastKey = null;
  }
}
