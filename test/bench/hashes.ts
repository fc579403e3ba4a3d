// npm run -s hashes [-- --split]: the trace hash and event count of every library scenario (its own
// seed and seed 7) and of 80 random swarms (the property tests' generators, fixed seeds), each under
// both profiles and under mainline with each of the other seed chokers; with --split, of each run
// split by peers (in one world: the two sides run apart give the same trace, as sides.test.ts checks).
// For engine changes meant to change nothing but speed: run it before and after, and diff the output.
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { parseScenario } from '../../src/scenario/parse';
import { root } from '../e2e/browser';
import { randomExtendedSwarm, randomSwarm } from '../engine/arbitraries';

const args = process.argv.slice(2);
if (args.some((a) => a !== '--split')) {
  console.error(`hashes: unknown option "${args.find((a) => a !== '--split')}" (it takes --split)`);
  process.exit(2);
}
const split = args.includes('--split');

function line(label: string, config: SimConfig): string {
  const sim = new Sim(config, { checkpointEvery: 0, split });
  sim.run();
  return `${label} ${sim.traceHash(createHash('sha256')).slice(0, 16)} ${sim.eventCount}`;
}

for (const dir of ['scenarios', 'test/bench/scenarios']) {
  for (const file of readdirSync(join(root, dir)).filter((f) => f.endsWith('.json')).sort()) {
    const parsed = parseScenario(JSON.parse(readFileSync(join(root, dir, file), 'utf8')));
    if (!parsed.ok) throw new Error(`${dir}/${file}: ${parsed.errors[0]!.message}`);
    // A run without stopAt is capped at 10 simulated minutes, to keep this quick.
    for (const seed of [parsed.config.seed, 7]) console.log(line(`${file} seed ${seed}`, { ...parsed.config, seed, stopAt: parsed.config.stopAt ?? 600_000_000 }));
  }
}
const swarms = [...fc.sample(randomExtendedSwarm, { seed: 42, numRuns: 40 }), ...fc.sample(randomSwarm(true), { seed: 43, numRuns: 40 })];
for (const [i, config] of swarms.entries()) {
  for (const client of ['mainline', 'libtorrent'] as const) console.log(line(`random ${i} ${client}`, { ...config, peers: config.peers.map((p) => ({ ...p, client })) }));
  // The seed-side chokers a profile does not use by default, set on every peer (a leecher uses its
  // own choker until it completes).
  for (const seedChoker of ['fastest-upload', 'round-robin'] as const) {
    const peers = config.peers.map((p) => ({ ...p, client: 'mainline', settings: { ...p.settings, seedChoker } }));
    console.log(line(`random ${i} mainline ${seedChoker}`, { ...config, peers }));
  }
}
