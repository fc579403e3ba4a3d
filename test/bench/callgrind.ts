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

/** The code objects of a perf map, by start address. */
export function readPerfMap(text: string): CodeRange[] {
  const ranges: CodeRange[] = [];
  for (const line of text.split('\n')) {
    const m = /^([0-9a-f]+) ([0-9a-f]+) (.*)$/i.exec(line);
    if (m) ranges.push({ start: parseInt(m[1]!, 16), size: parseInt(m[2]!, 16), name: m[3]! });
  }
  return ranges.sort((a, b) => a.start - b.start);
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

/** Where no code object of the map holds an address: V8 itself, the collector, libc. */
export const NATIVE = '(outside the map: V8, its collector, libc)';

/**
 * Sum a callgrind file's self costs by the code object of `ranges` that holds each address. A cost
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
  const starts = ranges.map((r) => r.start);
  const owner = (a: number): string => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid]! <= a) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found >= 0 && a < ranges[found]!.start + ranges[found]!.size ? shortName(ranges[found]!.name) : NATIVE;
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
    let sums = byFunction.get(name);
    if (sums === undefined) byFunction.set(name, (sums = events.map(() => 0)));
    for (let i = 0; i < values.length; i++) {
      sums[i]! += values[i]!;
      totals[i]! += values[i]!;
    }
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
