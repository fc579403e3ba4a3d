// npm run -s bench:memory [-- MiB]: what a read of a random cache line costs on this machine, in Node,
// alone and with several in flight (read-cost.ts). The 1,000-peer engine waits on such reads (README,
// "Inside the engine"), so these numbers say what any single-thread change to it can hope for, and
// whether a slow benchmark run met a slow machine. The buffer is MiB big (default 1024).
import { readCost } from './read-cost';

const mib = Number(process.argv[2] ?? 1024);
if (!Number.isInteger(mib) || mib < 64 || mib > 4096) {
  console.error(`bench:memory: the buffer size must be a whole number of MiB from 64 to 4096, got "${process.argv[2]}"`);
  process.exit(2);
}
const chains = [1, 2, 4, 8, 16, 32];
const ns = readCost(mib, chains);
console.log(`random 64-byte lines in a ${mib} MiB buffer, ns a read:`);
chains.forEach((k, i) => console.log(`${String(k).padStart(3)} in flight  ${ns[i]!.toFixed(1).padStart(7)}`));
