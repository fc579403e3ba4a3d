// Property tests run from a fixed seed so that CI is reproducible; FC_SEED=<n> picks another seed and
// FC_SEED=random draws a new one each run (fast-check prints the seed of any failure).
import fc from 'fast-check';

const seed = process.env.FC_SEED;
if (seed !== 'random') fc.configureGlobal({ seed: seed === undefined ? 20261129 : Number(seed) });
