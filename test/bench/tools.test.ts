// The benchmark scripts refuse what they cannot do, with exit 2 and one line saying why, before any run:
// the team reads their figures, so a mistyped option must not pass as a measurement.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const root = new URL('../..', import.meta.url).pathname;

function run(script: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', `test/bench/${script}`, ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the benchmark scripts', () => {
  it('npm run bench: --together needs --against, and --against needs a commit of this repository', () => {
    const together = run('bench.ts', '--together');
    expect(together.code).toBe(2);
    expect(together.stderr).toMatch(/--together .*needs --against/);
    expect(together.stdout).toBe('');
    const noRef = run('bench.ts', '--against');
    expect(noRef.code).toBe(2);
    expect(noRef.stderr).toMatch(/--against needs a git revision/);
    const badRef = run('bench.ts', '--against', 'no-such-revision-anywhere');
    expect(badRef.code).toBe(2);
    expect(badRef.stderr).toMatch(/"no-such-revision-anywhere" is not a commit/);
    expect(badRef.stdout).toBe('');
  });

  it('npm run bench: --split (two threads) takes no --ledger, and --against only taking turns (not --together)', () => {
    const ledger = run('bench.ts', '--split', '--ledger');
    expect(ledger.code).toBe(2);
    expect(ledger.stderr).toMatch(/one of --ledger and --split/);
    expect(ledger.stdout).toBe('');
    const together = run('bench.ts', '--split', '--against', 'HEAD', '--together');
    expect(together.code).toBe(2);
    expect(together.stderr).toMatch(/four threads on two cores/);
    expect(together.stdout).toBe('');
  });

  it('npm run bench -- --split --against REF: split runs of this tree and REF in turns, with their ratio and whether the hashes agree', () => {
    const r = run('bench.ts', '--only', '30x64', '--split', '--against', 'HEAD');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/split by peers on two threads, taking turns/);
    expect(r.stdout).toMatch(/^30x64 +1 +[0-9.]+ +[0-9.]+ +[0-9.]+$/m);
    // HEAD's engine may differ from this tree's; the line says whether the two split runs' hashes agree.
    expect(r.stdout).toMatch(/30x64 +median this [0-9.]+ s, that [0-9.]+ s; .*(same traceHash|the traceHashes differ)/);
    // How evenly two threads run now, before and after: a split run waits for its slower side.
    const pair = /^two threads at once .*: ([0-9.]+)x before the runs, ([0-9.]+)x after$/m.exec(r.stdout);
    expect(pair).not.toBeNull();
    expect(Number(pair![1])).toBeGreaterThanOrEqual(1);
    expect(Number(pair![2])).toBeGreaterThanOrEqual(1);
  });

  it('npm run bench -- --split: the events, waits and time an event not waiting of each side, as its JSON line gives them', () => {
    const r = run('bench.ts', '--only', '30x64', '--split');
    expect(r.code).toBe(0);
    const line = r.stdout.split('\n').find((l) => l.trim().startsWith('{"size":"30x64"'));
    expect(line).toBeDefined();
    const j = JSON.parse(line!) as { events: number; eventsBySide: number[]; simSeconds: number; waitSecondsBySide: number[]; busyNsPerEventBySide: number[] };
    expect(j.eventsBySide[0]! + j.eventsBySide[1]!).toBe(j.events);
    for (const side of [0, 1]) {
      const busyS = j.simSeconds - j.waitSecondsBySide[side]!;
      expect(busyS).toBeGreaterThan(0);
      // The JSON's seconds are rounded to 10 ms; the ns an event come from the unrounded times.
      const ns = j.busyNsPerEventBySide[side]!;
      expect(Math.abs(ns * j.eventsBySide[side]! - busyS * 1e9)).toBeLessThanOrEqual(0.011e9 + j.eventsBySide[side]!);
    }
  });

  it('npm run -s bench:memory: the read costs, then two threads at once slice by slice, the slower against the faster', () => {
    const r = run('memory.ts', '64');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ {2}1 in flight +[0-9.]+$/m);
    const threads = [...r.stdout.matchAll(/^ {2}thread [12] +median ([0-9.]+) \(([0-9.]+)-([0-9.]+)\)$/gm)];
    expect(threads).toHaveLength(2);
    for (const [, mid, lo, hi] of threads) {
      expect(Number(lo)).toBeGreaterThan(0);
      expect(Number(lo)).toBeLessThanOrEqual(Number(mid));
      expect(Number(mid)).toBeLessThanOrEqual(Number(hi));
    }
    const ratio = /slower thread took ([0-9.]+)-([0-9.]+)x the faster's time a read \(median ([0-9.]+)\)/.exec(r.stdout);
    expect(ratio).not.toBeNull();
    expect(Number(ratio![1])).toBeGreaterThanOrEqual(1);
    expect(Number(ratio![1])).toBeLessThanOrEqual(Number(ratio![3]));
    expect(Number(ratio![3])).toBeLessThanOrEqual(Number(ratio![2]));
  });

  it('npm run -s bench:instructions: a bad size, count or option is refused before anything runs', () => {
    for (const [args, message] of [
      [['--size', '1000'], /--size takes peers x pieces, as 1000x300, not "1000"/],
      [['--from', 'many'], /--from takes a whole number, not "many"/],
      [['--from', '500', '--to', '400'], /--from \(500\) must be below --to \(400\)/],
      [['--to'], /--to needs a value/],
      [['--seed', '2'], /unknown option "--seed"/],
      [['--split', '--sides'], /--split and --sides are two ways of running the split run: give one/],
    ] as const) {
      const r = run('instructions.ts', ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    }
  });

  it('npm run -s hashes: an option other than --split is refused before anything runs', () => {
    const r = run('hashes.ts', '--seed');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown option "--seed" \(it takes --split\)/);
    expect(r.stdout).toBe('');
  });

  it('npm run -s bench:memory: a buffer size outside 64-4096 MiB is refused', () => {
    for (const size of ['5', '8192', 'lots']) {
      const r = run('memory.ts', size);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`from 64 to 4096, got "${size}"`));
      expect(r.stdout).toBe('');
    }
  });
});
