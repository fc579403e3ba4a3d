// Run by shapes.test.ts as `node --allow-natives-syntax --import tsx shapes.ts`: prints, as JSON, how many
// hidden classes (V8 maps) the peers' profiles, which the handlers read on every block, have in a
// 200-peer swarm, and whether the peer objects keep theirs through a run, split or not. V8's intrinsics (%HaveSameMap) need the flag, which the test runner's workers lack.
import { Sim } from '../../../src/engine/sim';
import type { PeerSpec } from '../../../src/engine/types';
import { KiB, peer, swarm } from '../helpers';

const sameMap = new Function('a', 'b', 'return %HaveSameMap(a, b)') as (a: object, b: object) => boolean;
const classes = (objects: object[]): number => {
  const seen: object[] = [];
  for (const o of objects) if (!seen.some((s) => sameMap(s, o))) seen.push(o);
  return seen.length;
};

const list: PeerSpec[] = [peer('seed', { seed: true, upload: 4096 * KiB, download: null })];
for (let i = 1; i < 200; i++) list.push(peer(`L-${i}`, { group: 'L', upload: 1024 * KiB, download: 4096 * KiB }));
const config = swarm(list, { pieces: 20, pieceLength: 256 * KiB });

/**
 * Whether the peers of a run keep the hidden class they were made with: a field written first with a
 * small integer and later with a double (a time read from a Float64Array) gives every peer object a
 * new class, one by one, and the handlers compiled for the old one are thrown away. A world never run,
 * made first, keeps the class they were made with.
 */
function peersKeepTheirClass(split: boolean): boolean {
  const unrun = new Sim(config, { checkpointEvery: 0, split });
  const sim = new Sim(config, { checkpointEvery: 0, split });
  for (let i = 0; i < 40_000 && sim.step(); i++);
  return classes([...unrun.state.peers, ...sim.state.peers]) === 1;
}

const sim = new Sim(config, { checkpointEvery: 0 });
for (let i = 0; i < 20_000 && sim.step(); i++);
const peers = sim.state.peers;
console.log(JSON.stringify({ profiles: classes(peers.map((p) => p.profile)), peersKeepTheirClass: peersKeepTheirClass(false), splitPeersKeepTheirClass: peersKeepTheirClass(true) }));
