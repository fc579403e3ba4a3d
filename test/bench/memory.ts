// npm run -s bench:memory [-- MiB]: what a read of a random cache line costs on this machine, in Node,
// alone and with several in flight. The 1,000-peer engine waits on such reads (README, "Inside the
// engine"), so these two numbers say what any single-thread change to it can hope for, and whether a
// slow benchmark run met a slow machine.
//
// A buffer of MiB (default 1024) holds one random cycle through 2^20 of its 64-byte lines. Following
// the cycle makes each read depend on the one before (chains = 1); following it from K points at once
// gives K independent reads in flight. Each figure is the best of three passes of 2^19 reads.

const mib = Number(process.argv[2] ?? 1024);
if (!Number.isInteger(mib) || mib < 64 || mib > 4096) {
  console.error(`bench:memory: the buffer size must be a whole number of MiB from 64 to 4096, got "${process.argv[2]}"`);
  process.exit(2);
}
const INTS = 16; // a 64-byte line of Int32
const lines = (mib * 1024 * 1024) / 64;
const buffer = new Int32Array(lines * INTS);
const n = Math.min(1 << 20, lines);

// Distinct lines spread over the buffer (a multiplicative hash of 0..n-1), in a shuffled order.
const order = new Int32Array(n);
for (let i = 0; i < n; i++) order[i] = Number((BigInt(i) * 2654435761n) % BigInt(lines));
let s = 12345;
for (let i = n - 1; i > 0; i--) {
  s = (Math.imul(s, 1103515245) + 12345) >>> 0;
  const j = Math.floor((s / 4294967296) * (i + 1));
  const t = order[i]!;
  order[i] = order[j]!;
  order[j] = t;
}
for (let i = 0; i < n; i++) buffer[order[i]! * INTS] = order[(i + 1) % n]! * INTS;

function pass(chains: number): number {
  const at = new Int32Array(chains);
  for (let k = 0; k < chains; k++) at[k] = order[Math.floor((k * n) / chains)]! * INTS;
  const steps = Math.floor((1 << 19) / chains);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < steps; i++) for (let k = 0; k < chains; k++) at[k] = buffer[at[k]!]!;
  const ns = Number(process.hrtime.bigint() - t0) / (steps * chains);
  // Use the result, so that the reads cannot be dropped.
  if (at[0] === -1) console.log('');
  return ns;
}

console.log(`random 64-byte lines in a ${mib} MiB buffer, ns a read:`);
for (const chains of [1, 2, 4, 8, 16, 32]) {
  pass(chains);
  const best = Math.min(pass(chains), pass(chains), pass(chains));
  console.log(`${String(chains).padStart(3)} in flight  ${best.toFixed(1).padStart(7)}`);
}
