// npm run bench: block deliveries per second, wall time and peak memory for three flash crowds.
// Each size runs in a fresh child process so that one run's heap does not inflate the next one's peak.
// Usage: npm run bench [-- --only 1000x1000] [--ledger | --split] [--runs N] [--against GIT-REF [--together]]
// --split: the run split by peers, on two threads (src/cli/threads.ts): another schedule of the same
// swarm, with its own trace hash.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Sim } from '../../src/engine/sim';
import { T, type Trace } from '../../src/engine/trace';
import { BLOCK } from '../../src/engine/torrent';
import { runOnTwoThreads } from '../../src/cli/threads';
import { consume, createLedger } from '../../src/analysis/ledger';
import { KiB } from '../engine/helpers';
import { benchConfig, SIZES } from './flash-crowd';
import { median } from './quantile';
import { readCost, slowerOverFaster, twoThreadReads } from './read-cost';

const MiB = 1024 * KiB;

function runOne(key: string, withLedger: boolean): void {
  const [peers, pieces] = key.split('x').map(Number) as [number, number];
  const cfg = benchConfig(peers, pieces);
  let peakRss = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  // With --ledger, the provenance ledger follows the run as the browser would, every million events;
  // its time is measured apart so that it can be set against the engine's.
  const ledger = withLedger ? createLedger(cfg) : null;
  let ledgerNs = 0n;
  const follow = (): void => {
    if (!ledger) return;
    const l0 = process.hrtime.bigint();
    consume(ledger, sim.trace);
    ledgerNs += process.hrtime.bigint() - l0;
  };
  let nextSample = 0;
  while (sim.step()) {
    if (sim.eventCount >= nextSample) {
      nextSample += 1_000_000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      follow();
    }
  }
  follow();
  const t1 = process.hrtime.bigint();
  const hash = sim.traceHash(createHash('sha256'));
  const t2 = process.hrtime.bigint();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const blocks = receivedIn(sim.trace);
  const r = sim.result();
  const ledgerS = Number(ledgerNs) / 1e9;
  const simS = Number(t1 - t0) / 1e9 - ledgerS;
  const hashS = Number(t2 - t1) / 1e9;
  const completed = r.peers.filter((p) => p.completedAt !== null).length;
  console.log(
    JSON.stringify({
      size: key,
      peers,
      pieces,
      blocks,
      wallSeconds: +(simS + ledgerS + hashS).toFixed(2),
      simSeconds: +simS.toFixed(2),
      hashSeconds: +hashS.toFixed(2),
      ...(ledger ? { ledgerSeconds: +ledgerS.toFixed(2), ledgerOverheadPercent: +((100 * ledgerS) / simS).toFixed(1) } : {}),
      blocksPerSecond: Math.round(blocks / simS),
      events: sim.eventCount,
      traceRecords: r.traceEvents,
      peakRssMiB: Math.round(peakRss / MiB),
      simulatedSeconds: r.endTime / 1e6,
      completed,
      endReason: r.endReason,
      traceHash: hash.slice(0, 16),
    }),
  );
}

/** Blocks delivered: RECEIVED records. */
function receivedIn(trace: Trace): number {
  let blocks = 0;
  for (const c of trace.chunks) for (let i = 0; i < c.kind.length; i++) if (c.kind[i] === T.RECEIVED) blocks++;
  return blocks;
}

/** As runOne, the run split by peers on two threads: also each side's events and wait at the window barriers. */
async function runSplitOne(key: string): Promise<void> {
  const [peers, pieces] = key.split('x').map(Number) as [number, number];
  const cfg = benchConfig(peers, pieces);
  let peakRss = process.memoryUsage().rss;
  let nextSample = 0;
  const t0 = process.hrtime.bigint();
  // The trace is merged and hashed as the run goes, while the worker waits for this thread at the
  // barriers; what is left once the run has ended is the hash time.
  const run = await runOnTwoThreads(cfg, {
    onWindow: (at) => {
      if (at < nextSample) return;
      nextSample = at + 1_000_000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    },
    hash: true,
  });
  const t2 = process.hrtime.bigint();
  const hash = run.hash!.traceHash;
  const t1 = t2 - BigInt(Math.round(run.hash!.afterMs * 1e6));
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  const r = run.result;
  // The records were let go of once hashed (threads.ts): the blocks received, from the bytes. Every
  // block of the benchmark's torrents is a whole 16 KiB (pieces of 256 KiB, the last one too).
  if (cfg.torrent.size % BLOCK !== 0) throw new Error('the benchmark counts blocks of 16 KiB');
  const blocks = r.peers.reduce((sum, p) => sum + p.downloadedBytes, 0) / BLOCK;
  const simS = Number(t1 - t0) / 1e9;
  const hashS = Number(t2 - t1) / 1e9;
  console.log(
    JSON.stringify({
      size: key,
      split: true,
      peers,
      pieces,
      blocks,
      wallSeconds: +(simS + hashS).toFixed(2),
      simSeconds: +simS.toFixed(2),
      hashSeconds: +hashS.toFixed(2),
      blocksPerSecond: Math.round(blocks / simS),
      events: run.events[0] + run.events[1],
      eventsBySide: run.events,
      waitSecondsBySide: run.waitMs.map((ms) => +(ms / 1000).toFixed(2)),
      // Each side's time not spent waiting for the other, an event: its own work, which the two
      // cores' uneven speeds (the waits) do not blur as they blur the wall time.
      busyNsPerEventBySide: run.waitMs.map((ms, side) => Math.round(((simS * 1000 - ms) * 1e6) / run.events[side]!)),
      mergeInWaitsSeconds: +(run.hash!.inWaitsMs / 1000).toFixed(2),
      windows: run.windows,
      traceRecords: r.traceEvents,
      traceChunksBySide: run.traceChunks.used,
      traceChunksMadeBySide: run.traceChunks.made,
      peakRssMiB: Math.round(peakRss / MiB),
      simulatedSeconds: r.endTime / 1e6,
      completed: r.peers.filter((p) => p.completedAt !== null).length,
      endReason: r.endReason,
      traceHash: hash.slice(0, 16),
    }),
  );
}

/**
 * What a dependent read of a random cache line costs now (256 MiB buffer, read-cost.ts), because this
 * shared machine's memory slows by a third at times, and the engine's big runs slow with it; for split
 * runs, also how evenly two threads run the same work now (twoThreadReads, 2 s over 256 MiB each): a
 * split run waits at every boundary for its slower side, and on this machine one core is at times a
 * tenth or a fifth slower than the other for seconds on end.
 */
const readNs = (): string => `${readCost(256, [1])[0]!.toFixed(0)} ns`;
const pairNow = async (): Promise<string> => `${median(slowerOverFaster(await twoThreadReads(256, 2000, 250))).toFixed(2)}x`;

/** Measure the machine now (above); the function returned prints it again after the runs, beside these. */
async function machineBefore(split: boolean): Promise<() => Promise<void>> {
  const read = readNs();
  const pair = split ? await pairNow() : null;
  return async () => {
    console.log(`a dependent read of a random line (npm run -s bench:memory): ${read} before the runs, ${readNs()} after`);
    if (pair !== null) console.log(`two threads at once (npm run -s bench:memory), the slower's time a read over the faster's, median of 250 ms slices: ${pair} before the runs, ${await pairNow()} after`);
  };
}

const self = fileURLToPath(import.meta.url);
const root = resolve(dirname(self), '../..');

/** What a child prints (the JSON line after each table row), in the fields read here. */
interface Run {
  wallSeconds: number;
  traceHash: string;
  blocks: number;
  blocksPerSecond: number;
  peakRssMiB: number;
  simulatedSeconds: number;
  completed: number;
  peers: number;
  endReason: string;
  /** The line as printed. */
  line: string;
}

const childArgs = (script: string, key: string, flag: string | null): string[] => ['--import', 'tsx', '--max-old-space-size=4096', script, '--child', key, ...(flag !== null ? [flag] : [])];

/** The run a child printed on its last line; null (with a message) when it failed. */
function parsed(key: string, stdout: string, status: number | null): Run | null {
  const line = stdout.trim().split('\n').pop() ?? '';
  try {
    return { ...(JSON.parse(line) as Omit<Run, 'line'>), line };
  } catch {
    console.log(`${key}: failed (exit ${status})\n${stdout}`);
    return null;
  }
}

/** One size in a fresh process of the bench at `script`; null (with a message) when it failed. */
function child(script: string, key: string, flag: string | null): Run | null {
  const out = spawnSync(process.execPath, childArgs(script, key, flag), {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    cwd: resolve(dirname(script), '../..'),
  });
  return parsed(key, out.stdout, out.status);
}

/** As child, without waiting: for two runs at once. */
function childAsync(script: string, key: string, flag: string | null): Promise<Run | null> {
  return new Promise((done) => {
    const proc = spawn(process.execPath, childArgs(script, key, flag), { stdio: ['ignore', 'pipe', 'inherit'], cwd: resolve(dirname(script), '../..') });
    let stdout = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    proc.on('error', (err) => {
      console.log(`${key}: could not start: ${err.message}`);
      done(null);
    });
    proc.on('close', (status) => done(parsed(key, stdout, status)));
  });
}

/**
 * --against REF: the same sizes with the engine of git revision REF (checked out in a temporary
 * worktree sharing this node_modules), run in turns with this one (which goes first alternates), so
 * that both meet the same drift of the machine's speed. Prints each round's two wall times and their
 * ratio, then the medians; the ratio is the figure to read, as a shared machine's speed moves by a
 * quarter or more between runs minutes apart.
 *
 * --together: each round runs the two at the same moment, one on each core, so that they meet the
 * same machine second by second rather than minutes apart. Each then has half the memory bandwidth
 * and shares the last-level cache, and the one that ends first leaves the other alone for its last
 * part, which narrows a difference rather than widening it.
 */
async function against(ref: string, only: string | undefined, runs: number, childFlag: string | null, together: boolean): Promise<number> {
  const git = (...a: string[]) => spawnSync('git', a, { cwd: root, encoding: 'utf8' });
  const sha = git('rev-parse', '--verify', '--quiet', `${ref}^{commit}`).stdout.trim();
  if (sha === '') {
    console.error(`bench: --against: "${ref}" is not a commit of this repository`);
    return 2;
  }
  const dir = join(mkdtempSync(join(tmpdir(), 'swarmscope-against-')), sha.slice(0, 12));
  const added = git('worktree', 'add', '--detach', dir, sha);
  if (added.status !== 0) {
    console.error(`bench: --against: git worktree add failed: ${added.stderr.trim()}`);
    return 2;
  }
  try {
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const theirs = join(dir, 'test/bench/bench.ts');
    if (!existsSync(theirs)) {
      console.error(`bench: --against: ${ref} has no test/bench/bench.ts`);
      return 2;
    }
    const machineAfter = await machineBefore(childFlag === '--split');
    const how = `${childFlag === '--split' ? 'split by peers on two threads, ' : ''}${together ? 'both at once' : 'taking turns'}`;
    console.log(`this tree against ${ref} (${sha.slice(0, 12)}), ${runs} round${runs === 1 ? '' : 's'} a size, ${how}`);
    console.log('size        round   this s   that s   this/that');
    for (const key of Object.keys(SIZES)) {
      if (only && key !== only) continue;
      const ours: number[] = [];
      const them: number[] = [];
      const ratios: number[] = [];
      const hashes = new Set<string>();
      for (let round = 0; round < runs; round++) {
        let a: Run | null;
        let b: Run | null;
        if (together) [a, b] = await Promise.all([childAsync(self, key, childFlag), childAsync(theirs, key, childFlag)]);
        else if (round % 2 === 0) {
          a = child(self, key, childFlag);
          b = child(theirs, key, childFlag);
        } else {
          b = child(theirs, key, childFlag);
          a = child(self, key, childFlag);
        }
        if (!a || !b) continue;
        ours.push(a.wallSeconds);
        them.push(b.wallSeconds);
        ratios.push(a.wallSeconds / b.wallSeconds);
        hashes.add(a.traceHash).add(b.traceHash);
        console.log(`${key.padEnd(11)} ${String(round + 1).padStart(5)} ${a.wallSeconds.toFixed(2).padStart(8)} ${b.wallSeconds.toFixed(2).padStart(8)} ${(a.wallSeconds / b.wallSeconds).toFixed(3).padStart(11)}`);
      }
      if (ratios.length === 0) continue;
      // The geometric mean of the ratios: with as many rounds of each order, an effect of going first
      // or second (seen here in one run of four rounds: the second run of each pair 4-11% faster,
      // whichever tree it was) cancels out.
      const geomean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
      console.log(
        `${key.padEnd(11)} median this ${median(ours).toFixed(2)} s, that ${median(them).toFixed(2)} s; this/that geometric mean ${geomean.toFixed(3)}, median ${median(ratios).toFixed(3)}; ` +
          (hashes.size === 1 ? 'same traceHash' : 'the traceHashes differ'),
      );
    }
    await machineAfter();
    return 0;
  } finally {
    git('worktree', 'remove', '--force', dir);
    rmSync(dirname(dir), { recursive: true, force: true });
  }
}

const args = process.argv.slice(2);
if (args[0] === '--child') {
  if (args.includes('--split')) await runSplitOne(args[1]!);
  else runOne(args[1]!, args.includes('--ledger'));
} else {
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  // The one flag a child takes: --ledger or --split.
  const childFlag = args.includes('--ledger') ? '--ledger' : args.includes('--split') ? '--split' : null;
  if (args.includes('--ledger') && args.includes('--split')) {
    console.error('bench: --ledger follows one trace as it grows; a split run has two until the end, so it takes one of --ledger and --split');
    process.exit(2);
  }
  // --runs N: each size N times, each in a fresh process, then the median wall time. On a shared
  // machine runs of the same code differ by a quarter or more.
  const runs = args.includes('--runs') ? Math.max(1, Number(args[args.indexOf('--runs') + 1]) || 1) : 1;
  if (args.includes('--together') && !args.includes('--against')) {
    console.error('bench: --together runs this tree and another at once, so it needs --against GIT-REF');
    process.exit(2);
  }
  if (args.includes('--together') && args.includes('--split')) {
    console.error('bench: --together with --split would run four threads on two cores; split runs are compared taking turns (--split --against GIT-REF)');
    process.exit(2);
  }
  if (args.includes('--against')) {
    const ref = args[args.indexOf('--against') + 1];
    if (ref === undefined || ref.startsWith('--')) {
      console.error('bench: --against needs a git revision (a commit, branch or tag)');
      process.exit(2);
    }
    process.exit(await against(ref, only, runs, childFlag, args.includes('--together')));
  }
  const machineAfter = await machineBefore(childFlag === '--split');
  console.log('size        blocks      wall s   blocks/s    peak MiB  sim s   completed');
  for (const key of Object.keys(SIZES)) {
    if (only && key !== only) continue;
    const walls: number[] = [];
    for (let run = 0; run < runs; run++) {
      const r = child(self, key, childFlag);
      if (!r) continue;
      walls.push(r.wallSeconds);
      console.log(
        `${key.padEnd(11)} ${String(r.blocks).padStart(10)} ${String(r.wallSeconds).padStart(8)} ${String(r.blocksPerSecond).padStart(10)} ${String(r.peakRssMiB).padStart(11)} ${String(r.simulatedSeconds).padStart(7)} ${r.completed}/${r.peers} (${r.endReason})`,
      );
      console.log(`            ${r.line}`);
    }
    if (walls.length > 1) {
      const sorted = [...walls].sort((a, b) => a - b);
      console.log(`${key.padEnd(11)} median wall ${median(walls).toFixed(2)} s of ${walls.length} runs (${sorted[0]} to ${sorted[sorted.length - 1]})`);
    }
  }
  await machineAfter();
}
