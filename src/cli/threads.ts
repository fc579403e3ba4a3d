// A split run (README, "Inside the engine") on two threads: this thread runs the even peers' side
// (engine/side.ts), a worker the odd peers'. At each window boundary each writes what it holds for the
// other into its shared outbox, they meet at a barrier (Atomics), decide the end alike from both
// outboxes, and each takes the other's. The same events as the split run in one thread, so the same
// trace (merged from the two at the end: trace.ts mergeTraces) and the same result.
// Node only (worker_threads): the modules are loaded again in the worker, through tsx as the CLI is.
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { boundaryStep, mergeResults, SideRun, type SidePartial } from '../engine/side';
import { partsProgress } from '../engine/state';
import type { SimState } from '../engine/state';
import type { SimConfig, SimResult } from '../engine/types';
import type { Trace } from '../engine/trace';

/** What the two threads share: the barrier's counters, each side's two outboxes (used in alternate windows) and its progress parts. */
interface Shared {
  sync: SharedArrayBuffer;
  boxes: Growable[];
  parts: SharedArrayBuffer[];
}

/** An outbox starts at 1 MiB and grows to this at most. */
const BOX_MAX = 2 ** 31;

/** A growable SharedArrayBuffer (ES2024; Node 20 has it, this project's TypeScript lib does not yet). */
type Growable = SharedArrayBuffer & { grow(bytes: number): void };
const GrowableSAB = SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => Growable;

interface SideDone {
  partial: SidePartial;
  trace: Trace;
  reason: NonNullable<SimState['endReason']>;
  at: number;
  /** Wall ms this side spent waiting for the other at the barriers. */
  waitMs: number;
  windows: number;
}

/** sync: the barrier's generation, arrivals, and a flag set when a side failed. */
const FAILED = 2;
/** How long one side waits at a barrier before it gives the other up. */
const STALLED_MS = 300_000;

/**
 * A two-party barrier: the second to arrive lets both go. Spins a little before sleeping. Throws when
 * the other side failed (so that a failure ends both, not leaves one waiting for ever).
 */
function barrier(sync: Int32Array): number {
  const t0 = performance.now();
  const generation = Atomics.load(sync, 0);
  if (Atomics.add(sync, 1, 1) === 1) {
    Atomics.store(sync, 1, 0);
    Atomics.add(sync, 0, 1);
    Atomics.notify(sync, 0);
  } else {
    let spins = 0;
    while (Atomics.load(sync, 0) === generation) {
      if (Atomics.load(sync, FAILED) !== 0) throw new Error('the other side of the split run failed');
      if (++spins > 2000) Atomics.wait(sync, 0, generation, 100);
      // A window takes milliseconds: minutes without the other side mean it is gone (never a hang).
      if (spins % 1024 === 0 && performance.now() - t0 > STALLED_MS) throw new Error(`the other side of the split run did not reach a window boundary in ${STALLED_MS / 1000} s`);
    }
  }
  return performance.now() - t0;
}

/** Tell the other side this one failed (it stops at its next barrier). */
function fail(shared: Shared): void {
  const sync = new Int32Array(shared.sync);
  Atomics.store(sync, FAILED, 1);
  Atomics.notify(sync, 0);
}

/** Run one side to the end, meeting the other at every boundary. */
function runSide(config: SimConfig, side: number, shared: Shared, onWindow?: (at: number) => void): SideDone {
  const run = new SideRun(config, side);
  const sync = new Int32Array(shared.sync);
  // Length-tracking views: they follow an outbox as it grows.
  const mine = [new Float64Array(shared.boxes[2 * side]!), new Float64Array(shared.boxes[2 * side + 1]!)];
  const theirs = [new Float64Array(shared.boxes[2 * (1 - side)]!), new Float64Array(shared.boxes[2 * (1 - side) + 1]!)];
  const myParts = new Uint8Array(shared.parts[side]!);
  const theirParts = new Uint8Array(shared.parts[1 - side]!);
  const pieces = myParts.length / 2;
  let waitMs = 0;
  const progress = (): boolean => {
    const p = run.progressParts();
    myParts.set(p.held, 0);
    myParts.set(p.lacking, pieces);
    waitMs += barrier(sync);
    return partsProgress([p, { held: theirParts.subarray(0, pieces), lacking: theirParts.subarray(pieces) }]);
  };
  for (let window = 0; ; window++) {
    const until = run.checkAt;
    run.runBefore(until);
    const box = mine[window & 1]!;
    const size = run.outboxSize() * 8;
    const sab = shared.boxes[2 * side + (window & 1)]!;
    if (size > sab.byteLength) {
      if (size > BOX_MAX) throw new Error(`a window's outbox needs ${size} bytes, more than ${BOX_MAX}`);
      sab.grow(Math.min(BOX_MAX, Math.max(size, 2 * sab.byteLength)));
    }
    run.writeOutbox(box);
    waitMs += barrier(sync);
    const inbox = theirs[window & 1]!;
    const end = boundaryStep(config, run.state, box, inbox, side, progress);
    if (end !== null) {
      run.finish(end.reason, end.at);
      return { partial: run.partial(), trace: run.trace, reason: end.reason, at: end.at, waitMs, windows: window + 1 };
    }
    run.readInbox(inbox, until);
    onWindow?.(until);
  }
}

function newShared(config: SimConfig): Shared {
  const box = (): Growable => new GrowableSAB(1 << 20, { maxByteLength: BOX_MAX });
  const pieces = config.torrent.pieces;
  return {
    sync: new SharedArrayBuffer(12),
    boxes: [box(), box(), box(), box()],
    parts: [new SharedArrayBuffer(2 * pieces), new SharedArrayBuffer(2 * pieces)],
  };
}

export interface TwoThreadRun {
  result: SimResult;
  /** The two sides' traces, even first: trace.ts mergedTrace or mergedTraceHash make the run's. */
  traces: [Trace, Trace];
  /** Events each side ran. */
  events: [number, number];
  /** Wall ms each side waited for the other at the barriers. */
  waitMs: [number, number];
  windows: number;
  /** Each peer's upload capacity (bytes/s) as the run left it, as Sim.state's peers have it. */
  uploads: number[];
}

/**
 * Run `config` split by peers on two threads. `onWindow` is called on this thread after each window
 * with the boundary reached (for a progress line). Rejects if the worker fails.
 */
export function runOnTwoThreads(config: SimConfig, onWindow?: (at: number) => void): Promise<TwoThreadRun> {
  const shared = newShared(config);
  // Run from TypeScript (tsx, as the CLI and the benchmark are), the worker registers tsx's loader
  // first: a worker does not inherit it.
  const self = import.meta.url;
  const load = self.endsWith('.ts') ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); })` : `import(${JSON.stringify(self)})`;
  const worker = new Worker(load, { eval: true, workerData: { swarmscopeSide: 1, config, shared } });
  return new Promise((resolve, reject) => {
    let failed = false;
    worker.once('error', (e) => {
      failed = true;
      reject(e);
    });
    worker.on('message', (message: SideDone | 'ready') => {
      if (message === 'ready') return start();
      const odd = message;
      try {
        // This thread's side ended at the same boundary (both decide alike), before the worker posted.
        const even = evenDone!;
        resolve({
          result: mergeResults(config, [even.partial, odd.partial], even.reason, even.at),
          traces: [even.trace, odd.trace],
          events: [even.partial.events, odd.partial.events],
          waitMs: [even.waitMs, odd.waitMs],
          windows: even.windows,
          uploads: config.peers.map((_, i) => ((i & 1) === 0 ? even : odd).partial.peers[i]!.upload),
        });
      } catch (e) {
        reject(e);
      } finally {
        void worker.terminate();
      }
    });
    let evenDone: SideDone | null = null;
    // Once the worker has loaded its modules (which takes this thread's event loop), this side runs,
    // holding this thread until the end (Atomics.wait at the barriers).
    const start = (): void => {
      if (failed) return;
      try {
        evenDone = runSide(config, 0, shared, onWindow);
      } catch (e) {
        fail(shared);
        reject(e);
        void worker.terminate();
      }
    };
  });
}

if (!isMainThread && (workerData as { swarmscopeSide?: number } | null)?.swarmscopeSide === 1) {
  const { config, shared } = workerData as { config: SimConfig; shared: Shared };
  parentPort!.postMessage('ready');
  let done: SideDone;
  try {
    done = runSide(config, 1, shared);
  } catch (e) {
    fail(shared);
    throw e;
  }
  const transfer = done.trace.chunks.flatMap((c) => [c.time.buffer, c.kind.buffer, c.from.buffer, c.to.buffer, c.x.buffer, c.y.buffer]);
  parentPort!.postMessage(done, [...transfer, done.trace.aux.buffer] as ArrayBuffer[]);
}
