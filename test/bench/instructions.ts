// npm run -s bench:instructions [-- --size 1000x300] [--from 1500000] [--to 1800000] [--split | --sides] [--cache] [--top 30]
//
// What the engine's events cost by JavaScript function, counted rather than timed: instructions, and
// with --cache the data misses of a simulated cache (a 32 KiB first level and an 8 MiB, 16-way last
// level, about what this machine gives a run: PERFORMANCE.md). This shared machine's speed drifts by
// more than most engine changes are worth, while these counts do not: a change that should only make
// the engine faster can be judged by them, then timed.
//
// It runs the benchmark's flash crowd of --size (peers x pieces; with --split, the run split by peers
// in one world, Sim.step; with --sides, split and run as its two sides in turn, window by window, the
// loop each of the benchmark's two threads runs: side.ts runInTurn) under valgrind's callgrind twice
// at once, stopped after --from and after --to events (with --sides, at the first window boundary
// past them), and prints the difference by function, an event's worth: the events between the two
// stops, past the start-up. Code outside V8's map (V8's own, its collector, libc) is one row, and a
// row for each native function by the name callgrind gives it. Node runs with --single-threaded
// --no-concurrent-recompilation --no-concurrent-sparkplug (under valgrind V8's compiler threads
// barely run, and the counts would be of code not yet optimized; and its collector then marks and
// sweeps on the one thread, at the same points in both runs, so that the rows of the two runs agree)
// and --perf-basic-prof, whose map of V8's code (/tmp/perf-PID.map) names the functions (callgrind.ts).
// Functions V8 inlined count in their caller; a name is marked with the tier of its code (* optimized,
// ^ baseline, ~ interpreted). The total an event is steady from run to run (within about 1%); the
// rows are less so, since V8 may inline differently in the two runs, and then a callee's cost moves
// to its caller's row: compare totals, and read the rows as where to look. Needs valgrind (apt-get install -y valgrind); some
// minutes at 1000x300.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sim } from '../../src/engine/sim';
import { runInTurn, SideRun } from '../../src/engine/side';
import { costsByFunction, difference, NATIVE, readPerfMap, type Costs } from './callgrind';
import { benchConfig } from './flash-crowd';

const args = process.argv.slice(2);

function fail(message: string): never {
  console.error(`bench:instructions: ${message}`);
  process.exit(2);
}

if (args[0] === '--child') {
  // Under valgrind: run `events` events of the swarm, and say how many there were.
  const [, size, count, mode] = args as [string, string, string, string | undefined];
  const [peers, pieces] = size.split('x').map(Number) as [number, number];
  const config = benchConfig(peers, pieces);
  let events = 0;
  if (mode === '--sides') {
    const sides = [new SideRun(config, 0), new SideRun(config, 1)];
    const ran = (): number => sides[0]!.state.eventCount + sides[1]!.state.eventCount;
    runInTurn(config, sides, undefined, () => ran() >= Number(count));
    events = ran();
  } else {
    const sim = new Sim(config, { checkpointEvery: 0, split: mode === '--split' });
    while (events < Number(count) && sim.step()) events++;
  }
  console.log(JSON.stringify({ events }));
  process.exit(0);
}

const options = { size: '1000x300', from: 1_500_000, to: 1_800_000, split: false, sides: false, cache: false, top: 30 };
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  const value = (): string => {
    const v = args[++i];
    if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
    return v;
  };
  const count = (v: string): number => {
    if (!/^\d+$/.test(v)) fail(`${a} takes a whole number, not "${v}"`);
    return Number(v);
  };
  if (a === '--size') {
    options.size = value();
    if (!/^[1-9]\d*x[1-9]\d*$/.test(options.size)) fail(`--size takes peers x pieces, as 1000x300, not "${options.size}"`);
  } else if (a === '--from') options.from = count(value());
  else if (a === '--to') options.to = count(value());
  else if (a === '--top') options.top = count(value());
  else if (a === '--split') options.split = true;
  else if (a === '--sides') options.sides = true;
  else if (a === '--cache') options.cache = true;
  else fail(`unknown option "${a}" (it takes --size, --from, --to, --split, --sides, --cache and --top)`);
}
if (options.split && options.sides) fail('--split and --sides are two ways of running the split run: give one');
if (options.from >= options.to) fail(`--from (${options.from}) must be below --to (${options.to}): the counts are of the events between them`);
if (spawnSync('valgrind', ['--version']).error) fail('needs valgrind (apt-get install -y valgrind)');

const self = fileURLToPath(import.meta.url);
const dir = mkdtempSync(join(tmpdir(), 'swarmscope-callgrind-'));

/** Run the child under callgrind to `events` events: its costs by function, and the events it ran. */
function measure(events: number): Promise<{ costs: Costs; events: number }> {
  const out = join(dir, `callgrind.${events}`);
  const tool = ['--tool=callgrind', '--dump-instr=yes', `--callgrind-out-file=${out}`];
  if (options.cache) tool.push('--cache-sim=yes', '--D1=32768,8,64', '--LL=8388608,16,64');
  // --perf-basic-prof also makes V8 write a log of its code: into the temporary folder, not the working one.
  const log = ['--no-logfile-per-isolate', `--logfile=${join(dir, `v8.${events}.log`)}`];
  const node = ['--single-threaded', '--no-concurrent-recompilation', '--no-concurrent-sparkplug', '--perf-basic-prof', ...log, '--import', 'tsx', self, '--child', options.size, String(events)];
  if (options.split) node.push('--split');
  if (options.sides) node.push('--sides');
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', [...tool, process.execPath, ...node], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`valgrind exited with ${code}: ${stderr.split('\n').slice(-5).join('\n')}`));
      const text = readFileSync(out, 'utf8');
      const pid = /^pid: (\d+)$/m.exec(text)?.[1];
      const map = `/tmp/perf-${pid}.map`;
      try {
        resolve({ costs: costsByFunction(text, readPerfMap(readFileSync(map, 'utf8'))), events: (JSON.parse(stdout.trim().split('\n').pop()!) as { events: number }).events });
      } finally {
        rmSync(map, { force: true });
      }
    });
  });
}

const how = options.split ? ' split' : options.sides ? ' as two sides in turn' : '';
console.error(`bench:instructions: ${options.size}${how}, events ${options.from} to ${options.to}, under callgrind${options.cache ? ' with a simulated cache' : ''} (some minutes)`);
type Measured = Awaited<ReturnType<typeof measure>>;
let early: Measured;
let late: Measured;
try {
  [early, late] = await Promise.all([measure(options.from), measure(options.to)]);
} finally {
  // Also when a run fails: the callgrind files and V8's logs are not kept.
  rmSync(dir, { recursive: true, force: true });
}
const events = late.events - early.events;
if (events <= 0) fail(`the run ended after ${late.events} events, before --from`);
const d = difference(late.costs, early.costs);
const col = (name: string): number => d.events.indexOf(name);
const per = (v: number[] | undefined, name: string): number => (v !== undefined && col(name) >= 0 ? v[col(name)]! / events : 0);
const misses = (v: number[] | undefined, level: 'D1' | 'DL'): number => per(v, `${level}mr`) + per(v, `${level}mw`);
const line = (name: string, v: number[]): string =>
  `${per(v, 'Ir').toFixed(0).padStart(8)}` + (options.cache ? `${misses(v, 'D1').toFixed(2).padStart(9)}${misses(v, 'DL').toFixed(2).padStart(9)}` : '') + `  ${name}`;
console.log(`${options.size}${how}: the ${events} events after the first ${early.events}, an event's worth by function`);
console.log('instrs'.padStart(8) + (options.cache ? 'D1 miss'.padStart(9) + 'LL miss'.padStart(9) : '') + '  function');
console.log(line('all', d.totals));
const native = d.byFunction.get(NATIVE) ?? d.events.map(() => 0);
console.log(line('JavaScript (all less outside the map)', d.totals.map((t, i) => t - native[i]!)));
const rows = [...d.byFunction].sort((a, b) => (options.cache ? misses(b[1], 'DL') - misses(a[1], 'DL') : 0) || per(b[1], 'Ir') - per(a[1], 'Ir'));
for (const [name, v] of rows.slice(0, options.top)) console.log(line(name, v));
if (!rows.slice(0, options.top).some(([name]) => name === NATIVE)) console.log(line(NATIVE, d.byFunction.get(NATIVE) ?? []));
