// bench:instructions reads callgrind's costs by JavaScript function through V8's perf map: a cost
// counts where its address falls, a call's inclusive cost is not its caller's own, and the
// difference of two runs is taken by name.
import { describe, expect, it } from 'vitest';
import { costsByFunction, difference, NATIVE, nativeName, readPerfMap, shortName } from './callgrind';

const map = readPerfMap(['1000 100 JS:*onArrive file:///x/src/engine/download.ts:31:17', '1100 80 JS:^step file:///x/src/engine/sim.ts:221:3', 'junk line', '2000 10 Builtin:LoadIC'].join('\n'));

// Two functions' costs, as callgrind writes them with --dump-instr=yes and a simulated cache:
// absolute, relative and repeated positions, and a call whose inclusive cost follows calls=.
const file = `# callgrind format
version: 1
positions: instr line
events: Ir DLmr DLmw
summary: 999

ob=(1) ???
fn=(1) 0x1000
0x1000 0 10 1 0
+4 0 5 0 1
* 0 2
cfn=(2) 0x1100
calls=3 0x1100 0
+8 0 500 40 4
+2 0 7
fn=(2) 0x1100
0x10f0 0 3
0x1120 0 20 2 0
-16 0 4
0x2004 0 9
0x9000 0 100 7 7
fn=(3) v8::internal::Heap::Scavenge(v8::internal::(anonymous namespace)::Mode, bool) const [clone .part.0]
0x9100 0 50 3 1
fn=(2)
0x1101 0 1
fn=(3)
0x9104 0 6
`;

describe('reading callgrind by JavaScript function (bench:instructions)', () => {
  it('a perf map gives each code object its range and name, by start; other lines are skipped', () => {
    expect(map.map((r) => [r.start, r.size])).toEqual([
      [0x1000, 0x100],
      [0x1100, 0x80],
      [0x2000, 0x10],
    ]);
    expect(map.map((r) => shortName(r.name))).toEqual(['*onArrive', '^step', 'Builtin:LoadIC']);
    expect(shortName('JS:* file:///x/a.ts:1:1')).toBe('*(anonymous)');
  });

  it('a later line of the map holds the addresses it covers: an earlier code object there is cut, split or dropped', () => {
    const painted = readPerfMap(['1000 100 JS:*old', '1080 100 JS:*shifted', '1040 20 JS:*newer', '1200 10 JS:*gone', '1200 10 JS:*reused', '1300 100 JS:*stale', '1280 100 JS:*fresh'].join('\n'));
    expect(painted.map((r) => [r.start.toString(16), r.size.toString(16), shortName(r.name)])).toEqual([
      ['1000', '40', '*old'],
      ['1040', '20', '*newer'],
      ['1060', '20', '*old'],
      ['1080', '100', '*shifted'],
      ['1200', '10', '*reused'],
      ['1280', '100', '*fresh'],
      ['1380', '80', '*stale'],
    ]);
    // An address the dropped code object starting later had held counts for the code that covers it now.
    const c = costsByFunction('positions: instr line\nevents: Ir\nfn=(1) 0x1350\n0x1350 0 7\n0x1050 0 2\n', painted);
    expect(c.byFunction.get('*fresh')).toEqual([7]);
    expect(c.byFunction.get('*newer')).toEqual([2]);
    expect(c.byFunction.has('*stale')).toBe(false);
  });

  it("each self cost counts in the code object holding its address; a call's inclusive cost is not counted", () => {
    const c = costsByFunction(file, map);
    expect(c.events).toEqual(['Ir', 'DLmr', 'DLmw']);
    // 0x1000: 10, 0x1004: 5, 0x1004 again: 2, (the call's 500 skipped), 0x100e: 7, and 0x10f0 (written
    // under fn=(2): the address decides): 3.
    expect(c.byFunction.get('*onArrive')).toEqual([27, 1, 1]);
    // 0x1120 and 0x1110 (-16) are step's.
    // 0x1120, 0x1110 (-16) and 0x1101 are step's.
    expect(c.byFunction.get('^step')).toEqual([25, 2, 0]);
    expect(c.byFunction.get('Builtin:LoadIC')).toEqual([9, 0, 0]);
    // Outside the map: all of it in one row, and a row for each native function by callgrind's name
    // (once named, fn=(3) alone names it again); one without a symbol (fn=(2) 0x1100) in a row of its own.
    expect(c.byFunction.get(NATIVE)).toEqual([156, 10, 8]);
    expect(c.byFunction.get('native: v8::internal::Heap::Scavenge')).toEqual([56, 3, 1]);
    expect(c.byFunction.get('native: (no symbol)')).toEqual([100, 7, 7]);
    expect(c.totals).toEqual([24 + 3 + 25 + 9 + 156, 13, 9]);
  });

  it("a native function's row drops its parameters and clone suffix, not a namespace's parentheses", () => {
    expect(nativeName('(anonymous namespace)::Foo::bar(int, char const*)')).toBe('native: (anonymous namespace)::Foo::bar');
    expect(nativeName('memcpy')).toBe('native: memcpy');
    expect(nativeName('0x0000000004a1b2c0')).toBe('native: (no symbol)');
  });

  it("the counts of a run's later events: the longer run's costs less the shorter's, by name", () => {
    const later = costsByFunction(file, map);
    const earlier = costsByFunction(file.replace('0x1120 0 20 2 0', '0x1120 0 5 1 0').replace('0x2004 0 9\n', ''), map);
    const d = difference(later, earlier);
    expect(d.byFunction.get('^step')).toEqual([15, 1, 0]);
    expect(d.byFunction.get('Builtin:LoadIC')).toEqual([9, 0, 0]);
    expect(d.byFunction.get('*onArrive')).toEqual([0, 0, 0]);
    expect(d.totals).toEqual([24, 1, 0]);
    expect(d.byFunction.get(NATIVE)).toEqual([0, 0, 0]);
  });

  it('a file without instruction positions is refused: it cannot be matched to the map', () => {
    expect(() => costsByFunction(file.replace('positions: instr line', 'positions: line'), map)).toThrow(/--dump-instr=yes/);
  });
});
