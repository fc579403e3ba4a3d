// Reading valgrind's callgrind output (written with --dump-instr=yes) by JavaScript function: V8's
// compiled code has no symbols valgrind can see, but with --perf-basic-prof V8 writes a map of it
// (/tmp/perf-PID.map: start and size in hex, then the name), and each of callgrind's cost lines names
// an instruction's address. bench:instructions (instructions.ts) uses these.

/** One code object of a perf map. */
export interface CodeRange {
  start: number;
  size: number;
  name: string;
}

/**
 * The code objects of a perf map, by start address, as the map leaves them: V8 reuses the memory of
 * code it has dropped, so a later line can cover addresses an earlier one named, and then the later
 * one holds them (the earlier is cut, split or dropped). Taking the greatest start below an address
 * instead gave some of a function's addresses to an older, dropped code object that started after it.
 */
export function readPerfMap(text: string): CodeRange[] {
  // Disjoint, sorted by start.
  const ranges: CodeRange[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/i.exec(line);
    if (!m) continue;
    const start = parseInt(m[1]!, 16);
    const size = parseInt(m[2]!, 16);
    if (size === 0) continue;
    const end = start + size;
    // The ranges from the first that ends after this one starts, up to its end, overlap it: what of
    // them lies before it or after it stays.
    const first = firstEndingAfter(ranges, start);
    const before: CodeRange[] = [];
    const after: CodeRange[] = [];
    let last = first;
    for (; last < ranges.length && ranges[last]!.start < end; last++) {
      const r = ranges[last]!;
      if (r.start < start) before.push({ start: r.start, size: start - r.start, name: r.name });
      if (r.start + r.size > end) after.push({ start: end, size: r.start + r.size - end, name: r.name });
    }
    ranges.splice(first, last - first, ...before, { start, size, name: m[3]! }, ...after);
  }
  return ranges;
}

/** In disjoint ranges sorted by start, the index of the first that ends after `a` (ranges.length if none). */
function firstEndingAfter(ranges: CodeRange[], a: number): number {
  let lo = 0;
  let hi = ranges.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (ranges[mid]!.start + ranges[mid]!.size <= a) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * A function's name as the tables show it, the script's location dropped: V8's mark of the tier its
 * code is from stays in front (* optimized, ^ baseline, ~ interpreted), so that a function running
 * unoptimized shows as a row of its own.
 */
export function shortName(name: string): string {
  const m = /^JS:([*^~+]?)(.*?)(?: (?:file|node):.*)?$/.exec(name);
  return m ? `${m[1]}${m[2] || '(anonymous)'}` : name;
}

/** Costs by function: the event names callgrind counted (Ir, DLmr…), and each function's sums of them. */
export interface Costs {
  events: string[];
  byFunction: Map<string, number[]>;
  totals: number[];
}

/** Where no code object of the map holds an address: V8 itself, the collector, libc (all of it). */
export const NATIVE = '(outside the map: V8, its collector, libc)';

/**
 * The row of one native function outside the map, by the name callgrind gives it (from the binary's
 * symbols): its parameter list and clone suffix dropped. Code callgrind has no symbol for (an address
 * for a name) is one row.
 */
export function nativeName(fn: string): string {
  if (/^0x[0-9a-f]+$/i.test(fn) || fn === '') return 'native: (no symbol)';
  let name = fn.replace(/ \[clone [^\]]*\]$/, '').replace(/ const$/, '');
  if (name.endsWith(')')) {
    // Drop the last balanced group: the parameters.
    let depth = 0;
    for (let i = name.length - 1; i > 0; i--) {
      if (name[i] === ')') depth++;
      else if (name[i] === '(' && --depth === 0) {
        name = name.slice(0, i);
        break;
      }
    }
  }
  return `native: ${name}`;
}

/**
 * Sum a callgrind file's self costs by the code object of `ranges` (disjoint, sorted by start, as
 * readPerfMap gives them) that holds each address. A cost
 * line after a `calls=` line is the call's inclusive cost, not the caller's own, and is skipped.
 * Positions are absolute (0x…), relative (+n, -n) or the same (*) as the line before.
 */
export function costsByFunction(callgrind: string, ranges: CodeRange[]): Costs {
  let events: string[] = [];
  const byFunction = new Map<string, number[]>();
  let totals: number[] = [];
  let addr = 0;
  let afterCalls = false;
  // The positions each cost line begins with (`positions: instr line`: an address, then a source line).
  let positions: string[] = [];
  // The function callgrind says the lines that follow are in (fn=(id) name, or fn=(id) once named).
  const fnNames = new Map<string, string>();
  let fn = '';
  const owner = (a: number): string => {
    const r = ranges[firstEndingAfter(ranges, a)];
    return r !== undefined && r.start <= a ? shortName(r.name) : NATIVE;
  };
  const add = (name: string, values: number[]): void => {
    let sums = byFunction.get(name);
    if (sums === undefined) byFunction.set(name, (sums = events.map(() => 0)));
    for (let i = 0; i < values.length; i++) sums[i]! += values[i]!;
  };
  for (const line of callgrind.split('\n')) {
    const c = line[0];
    if (c === undefined) {
      afterCalls = false;
      continue;
    }
    if (line.startsWith('positions:')) {
      positions = line.split(/\s+/).slice(1).filter((p) => p !== '');
      continue;
    }
    if (line.startsWith('events:')) {
      events = line.split(/\s+/).slice(1).filter((e) => e !== '');
      totals = events.map(() => 0);
      continue;
    }
    if (line.startsWith('fn=')) {
      const m = /^fn=(?:\((\d+)\))?\s*(.*)$/.exec(line)!;
      if (m[1] !== undefined && m[2] !== '') fnNames.set(m[1], m[2]!);
      fn = m[2] !== '' ? m[2]! : (fnNames.get(m[1]!) ?? '');
      afterCalls = false;
      continue;
    }
    if (line.startsWith('calls=')) {
      afterCalls = true;
      continue;
    }
    if (!/[0-9+\-*]/.test(c)) {
      afterCalls = false;
      continue;
    }
    const parts = line.trim().split(/\s+/);
    const pos = parts[0]!;
    if (pos.startsWith('0x')) addr = parseInt(pos, 16);
    else if (c === '+' || c === '-') {
      const rest = pos.slice(1);
      addr += (c === '-' ? -1 : 1) * (rest.startsWith('0x') ? parseInt(rest, 16) : Number(rest));
    } else if (c !== '*') addr = Number(pos);
    if (afterCalls) {
      afterCalls = false;
      continue;
    }
    if (positions[0] !== 'instr') throw new Error('callgrind output without instruction positions: run callgrind with --dump-instr=yes');
    const values = parts.slice(positions.length).map(Number);
    const name = owner(addr);
    add(name, values);
    // Outside the map, also a row for the native function by callgrind's name for it.
    if (name === NATIVE) add(nativeName(fn), values);
    for (let i = 0; i < values.length; i++) totals[i]! += values[i]!;
  }
  return { events, byFunction, totals };
}

/**
 * What the events between two runs cost by function: `later`'s costs less `earlier`'s, by name (the
 * code's addresses differ from run to run; its names do not).
 */
export function difference(later: Costs, earlier: Costs): Costs {
  const byFunction = new Map<string, number[]>();
  for (const name of new Set([...later.byFunction.keys(), ...earlier.byFunction.keys()])) {
    const a = later.byFunction.get(name);
    const b = earlier.byFunction.get(name);
    byFunction.set(
      name,
      later.events.map((_, i) => (a?.[i] ?? 0) - (b?.[i] ?? 0)),
    );
  }
  return { events: later.events, byFunction, totals: later.totals.map((t, i) => t - (earlier.totals[i] ?? 0)) };
}
