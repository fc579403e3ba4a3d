// `npm run figures`: the figures of issue 3, computed from the reference swarms of
// test/engine/reference.ts (the same swarms the reference tests check), printed as plain text:
// 1. the super-seed ratio (bytes the seed uploaded before the first leecher completed ÷ file size),
//    normal seeding against BEP 16 super-seeding;
// 2. completion times of free riders against reciprocating peers of the same capacity;
// 3. the number of leechers over time below and above the missing-piece threshold;
// 4. the mean completion time of a flash crowd with and without the BEP 6 fast extension.
import { Sim } from '../../src/engine/sim';
import { records, T } from '../../src/engine/trace';
import type { PeerSettings, SimConfig } from '../../src/engine/types';
import { bep16Swarm, census, freeRiderSwarm, meanCompletion, missingPieceSwarm, seedRatioAtFirstCompletion } from '../engine/reference';

const SEEDS = [1, 2, 3];
const fmt = (x: number, d = 2) => x.toFixed(d);
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

console.log('1. Super-seed ratio: seed bytes uploaded before the first completion ÷ file size');
console.log('   (1 seed and 20 leechers, all at 64 KiB/s up; 64 pieces of 64 KiB; BEP 16 reports ~1.05 vs 1.5–2)');
for (const superSeeding of [false, true]) {
  const ratios = SEEDS.map((s) => seedRatioAtFirstCompletion(bep16Swarm(superSeeding, s)));
  console.log(`   ${superSeeding ? 'super-seeding' : 'normal seed  '}  ${ratios.map((r) => fmt(r)).join('  ')}  (seeds ${SEEDS.join(', ')}; mean ${fmt(mean(ratios))})`);
}

console.log('\n2. Completion time (s from joining), free riders vs reciprocating peers of the same capacity');
console.log('   (1 seed at 96 KiB/s, 12 mainline and 6 freerider leechers at 48 KiB/s up, 256 KiB/s down; 1 MiB)');
for (const s of SEEDS) {
  const sim = new Sim(freeRiderSwarm(s), { checkpointEvery: 0 });
  sim.run();
  const r = meanCompletion(sim, 'R');
  const f = meanCompletion(sim, 'F');
  console.log(`   seed ${s}: reciprocating ${fmt(r, 1)}  free riders ${fmt(f, 1)}  (free riders ${fmt(f / r)}×)`);
}

console.log('\n3. Leechers present over time, one seed sending 0.5 pieces/s, peers leaving on completion');
console.log('   (8 pieces of 16 KiB; Poisson arrivals; sampled every 20 s)');
console.log(`   t (s)          ${Array.from({ length: 10 }, (_, i) => String((i + 1) * 20).padStart(4)).join('')}`);
for (const rate of [0.25, 1]) {
  const c = census(missingPieceSwarm(rate, 200), 20);
  const label = `${rate < 0.5 ? 'below' : 'above'} (${rate}/s)`.padEnd(15);
  console.log(`   ${label}${c.counts.map((n) => String(n).padStart(4)).join('')}   pieces held at the end: ${c.holders.join(',')} of ${c.present}`);
}

console.log('\n4. Mean completion time (s) of the BEP 16 flash crowd (1 seed, 20 leechers, all at 64 KiB/s up), BEP 6 on and off');
const profiled = (cfg: SimConfig, client: string, settings: PeerSettings): SimConfig => ({
  ...cfg,
  peers: cfg.peers.map((p) => ({ ...p, client, settings: { ...p.settings, ...settings } })),
});
const meanDone = (cfg: SimConfig): number => {
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  sim.run();
  const t = [...records(sim.trace)].filter((r) => r.kind === T.COMPLETED && r.from !== 0).map((r) => r.time / 1e6);
  return mean(t);
};
for (const [label, client, settings] of [
  ['mainline                 ', 'mainline', {}],
  ['mainline, fastExtension  ', 'mainline', { fastExtension: true }],
  ['libtorrent               ', 'libtorrent', {}],
  ['libtorrent, no fast ext. ', 'libtorrent', { fastExtension: false }],
] as [string, string, PeerSettings][]) {
  const ts = SEEDS.map((s) => meanDone(profiled(bep16Swarm(false, s), client, settings)));
  console.log(`   ${label}${ts.map((t) => fmt(t, 1).padStart(7)).join('')}   (seeds ${SEEDS.join(', ')}; mean ${fmt(mean(ts), 1)})`);
}
