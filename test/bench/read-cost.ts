// What a read of a random cache line costs on this machine, in Node: the figure that says whether a
// benchmark run met a fast or a slow machine (README, "Inside the engine"). Used by npm run -s
// bench:memory (the whole table) and npm run bench (one figure before and after its runs).
//
// A buffer of `mib` MiB holds one random cycle through up to 2^20 of its 64-byte lines. Following the
// cycle makes each read depend on the one before (chains = 1); following it from K points at once
// gives K independent reads in flight. Each figure is the best of three passes of 2^19 reads.

const INTS = 16; // a 64-byte line of Int32

/** ns a read with each of `chainCounts` reads in flight, over a fresh `mib` MiB buffer. */
export function readCost(mib: number, chainCounts: readonly number[]): number[] {
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
