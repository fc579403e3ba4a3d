// npm run -s bench:memory [-- MiB]: what a read of a random cache line costs on this machine, in Node,
// alone and with several in flight (read-cost.ts). The 1,000-peer engine waits on such reads
// (test/bench/PERFORMANCE.md), so these numbers say what any single-thread change to it can hope
// for, and whether a slow benchmark run met a slow machine. The buffer is MiB big (default 1024).
// Then two threads at once, each over its own buffer, slice by slice: whether the two cores run the
// same work at the same speed now, which a run split on two threads needs (twoThreadReads).
import { median } from './quantile';
import { readCost, slowerOverFaster, twoThreadReads } from './read-cost';

const mib = Number(process.argv[2] ?? 1024);
if (!Number.isInteger(mib) || mib < 64 || mib > 4096) {
  console.error(`bench:memory: the buffer size must be a whole number of MiB from 64 to 4096, got "${process.argv[2]}"`);
  process.exit(2);
}
const chains = [1, 2, 4, 8, 16, 32];
const ns = readCost(mib, chains);
console.log(`random 64-byte lines in a ${mib} MiB buffer, ns a read:`);
chains.forEach((k, i) => console.log(`${String(k).padStart(3)} in flight  ${ns[i]!.toFixed(1).padStart(7)}`));

const SECONDS = 4;
const SLICE_MS = 250;
const pair = await twoThreadReads(mib, SECONDS * 1000, SLICE_MS);
const [a, b] = pair;
const range = (v: number[]): string => `median ${median(v).toFixed(1)} (${Math.min(...v).toFixed(1)}-${Math.max(...v).toFixed(1)})`;
console.log(`two threads at once, each over its own ${mib} MiB, ${SECONDS} s in slices of ${SLICE_MS} ms, ns a dependent read:`);
console.log(`  thread 1  ${range(a)}`);
console.log(`  thread 2  ${range(b)}`);
const slower = slowerOverFaster(pair);
console.log(`  slice by slice the slower thread took ${Math.min(...slower).toFixed(2)}-${Math.max(...slower).toFixed(2)}x the faster's time a read (median ${median(slower).toFixed(2)})`);
