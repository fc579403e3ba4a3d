// One seeded PRNG, split into named sub-streams. A stream's seed is derived from (run seed, stream name)
// only, so adding a peer or a subsystem never reshuffles the choices of the others (the TigerBeetle
// VOPR habit: everything reproducible from a seed). The generator is sfc32: small, fast, 32-bit
// integer arithmetic that gives the same numbers in every JavaScript engine.

/** Plain data so that engine state can be cloned for checkpoints. */
export interface Rng {
  a: number;
  b: number;
  c: number;
  d: number;
}

/** cyrb128-style mixing of a string and a seed into four 32-bit words. */
function mix(seed: number, name: string): [number, number, number, number] {
  let h1 = 1779033703 ^ seed;
  let h2 = 3144134277 ^ seed;
  let h3 = 1013904242 ^ seed;
  let h4 = 2773480762 ^ seed;
  for (let i = 0; i < name.length; i++) {
    const k = name.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  return [(h1 ^ h2 ^ h3 ^ h4) >>> 0, (h2 ^ h1) >>> 0, (h3 ^ h1) >>> 0, (h4 ^ h1) >>> 0];
}

/** The sub-stream called `name` of the run seeded with `seed`. */
export function stream(seed: number, name: string): Rng {
  const [a, b, c, d] = mix(seed >>> 0, name);
  const rng: Rng = { a, b, c, d };
  // Warm up so that similar names do not start with similar outputs.
  for (let i = 0; i < 15; i++) nextU32(rng);
  return rng;
}

export function nextU32(r: Rng): number {
  const t = (((r.a + r.b) | 0) + r.d) | 0;
  r.d = (r.d + 1) | 0;
  r.a = r.b ^ (r.b >>> 9);
  r.b = (r.c + (r.c << 3)) | 0;
  r.c = (r.c << 21) | (r.c >>> 11);
  r.c = (r.c + t) | 0;
  return t >>> 0;
}

/**
 * A whole number in [0, n). The product of a 32-bit value and n < 2^21 is exact in a double, so the
 * result is the same everywhere.
 */
export function randInt(r: Rng, n: number): number {
  return Math.floor((nextU32(r) * n) / 4294967296);
}

/** Fisher–Yates shuffle of `a` in place. */
export function shuffle<T extends { length: number; [i: number]: unknown }>(r: Rng, a: T): T {
  for (let i = a.length - 1; i > 0; i--) {
    const j = randInt(r, i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}
