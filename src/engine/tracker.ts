// The tracker: it knows the peers that announced and have not left, and answers an announce with up
// to `want` of them chosen at random (BEP 3; mainline trackers return 50 by default).
import { randInt, type Rng } from './prng';

/** Up to `want` distinct peers from `known`, never `self`, in random order. */
export function samplePeers(rng: Rng, known: readonly number[], self: number, want: number): number[] {
  const pool = known.filter((p) => p !== self);
  const n = Math.min(want, pool.length);
  for (let i = 0; i < n; i++) {
    const j = i + randInt(rng, pool.length - i);
    const t = pool[i]!;
    pool[i] = pool[j]!;
    pool[j] = t;
  }
  pool.length = n;
  return pool;
}
