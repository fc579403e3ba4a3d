// What a read of a random cache line costs on this machine, in Node: the figure that says whether a
// benchmark run met a fast or a slow machine (test/bench/PERFORMANCE.md). Used by npm run -s
// bench:memory (the whole table) and npm run bench (one figure before and after its runs).
//
// A buffer of `mib` MiB holds one random cycle through up to 2^20 of its 64-byte lines. Following the
// cycle makes each read depend on the one before (chains = 1); following it from K points at once
// gives K independent reads in flight. Each figure is the best of three passes of 2^19 reads.
// twoThreadReads runs two such chases at once, one a thread (bench:memory, and npm run bench --split).

import { Worker } from 'node:worker_threads';

const INTS = 16; // a 64-byte line of Int32

/**
 * A `mib` MiB buffer holding one random cycle (shuffled from `seed`) through up to 2^20 of its lines,
 * in shared memory if `shared`, and the lines in the cycle's order.
 */
function cycle(mib: number, seed: number, shared: boolean): { buffer: Int32Array; order: Int32Array } {
  const lines = (mib * 1024 * 1024) / 64;
  const bytes = lines * INTS * 4;
  const buffer = new Int32Array(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes));
  const n = Math.min(1 << 20, lines);
  // Distinct lines spread over the buffer (a multiplicative hash of 0..n-1), in a shuffled order.
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = Number((BigInt(i) * 2654435761n) % BigInt(lines));
  let s = seed;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    const j = Math.floor((s / 4294967296) * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  for (let i = 0; i < n; i++) buffer[order[i]! * INTS] = order[(i + 1) % n]! * INTS;
  return { buffer, order };
}

/** ns a read with each of `chainCounts` reads in flight, over a fresh `mib` MiB buffer. */
export function readCost(mib: number, chainCounts: readonly number[]): number[] {
  const { buffer, order } = cycle(mib, 12345, false);
  const n = order.length;

  const pass = (chains: number): number => {
    const at = new Int32Array(chains);
    for (let k = 0; k < chains; k++) at[k] = order[Math.floor((k * n) / chains)]! * INTS;
    const steps = Math.floor((1 << 19) / chains);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < steps; i++) for (let k = 0; k < chains; k++) at[k] = buffer[at[k]!]!;
    const ns = Number(process.hrtime.bigint() - t0) / (steps * chains);
    // Use the result, so that the reads cannot be dropped.
    if (at[0] === -1) console.log('');
    return ns;
  };
  return chainCounts.map((chains) => {
    pass(chains);
    return Math.min(pass(chains), pass(chains), pass(chains));
  });
}

/**
 * Two threads at once, each following a random cycle through its own `mib` MiB buffer, as a run split
 * on two threads does with its two sides: ns a dependent read for each thread in each `sliceMs` slice
 * of `ms`. A split run waits at every window boundary for its slower side, so a machine whose two
 * cores run the same work at different speeds (its host's other tenants) makes it wait however even
 * the sides' work is. The buffers are made here, in shared memory; the workers only follow them, in
 * plain JavaScript (eval), so they need no TypeScript loader.
 */
export async function twoThreadReads(mib: number, ms: number, sliceMs: number): Promise<[number[], number[]]> {
  const slices = Math.max(1, Math.floor(ms / sliceMs));
  const sync = new Int32Array(new SharedArrayBuffer(8));
  const counts = new Float64Array(new SharedArrayBuffer(16 * slices));
  const workers = [0, 1].map((k) => {
    const { buffer, order } = cycle(mib, 12345 + k, true);
    return new Worker(CHASER, { eval: true, workerData: { k, slices, sliceMs, sync: sync.buffer, counts: counts.buffer, buffer: buffer.buffer, start: order[0]! * INTS } });
  });
  let failure: unknown = null;
  const done = workers.map((w) => new Promise<void>((resolve) => w.once('error', (e) => (failure = e)).once('exit', () => resolve())));
  // Both ready, then both start at once; a worker that failed instead ends the wait.
  while (Atomics.load(sync, 0) < 2 && failure === null) await new Promise((r) => setTimeout(r, 5));
  Atomics.store(sync, 1, 1);
  Atomics.notify(sync, 1);
  await Promise.all(done);
  if (failure !== null) throw failure;
  const ns = (k: number): number[] => Array.from({ length: slices }, (_, i) => (sliceMs * 1e6) / counts[k * slices + i]!);
  return [ns(0), ns(1)];
}

/** Slice by slice, the slower thread's time a read over the faster's (twoThreadReads). */
export function slowerOverFaster([a, b]: [number[], number[]]): number[] {
  return a.map((x, i) => Math.max(x, b[i]!) / Math.min(x, b[i]!));
}

const CHASER = `
const { workerData } = require('node:worker_threads');
const { k, slices, sliceMs } = workerData;
const sync = new Int32Array(workerData.sync);
const counts = new Float64Array(workerData.counts);
const buffer = new Int32Array(workerData.buffer);
Atomics.add(sync, 0, 1);
Atomics.wait(sync, 1, 0);
let at = workerData.start;
let end = process.hrtime.bigint();
const step = BigInt(Math.round(sliceMs * 1e6));
for (let slice = 0; slice < slices; slice++) {
  end += step;
  let reads = 0;
  do {
    for (let i = 0; i < 1024; i++) at = buffer[at];
    reads += 1024;
  } while (process.hrtime.bigint() < end);
  counts[k * slices + slice] = reads;
}
if (at === -1) console.log('');
`;
