// Run by shapes.test.ts as `node --allow-natives-syntax --import tsx shapes.ts`: prints, as JSON, how many
// hidden classes (V8 maps) the peers' profiles, which the handlers read on every block, have in a
// 200-peer swarm. V8's intrinsics (%HaveSameMap) need the flag, which the test runner's workers lack.
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
const sim = new Sim(swarm(list, { pieces: 20, pieceLength: 256 * KiB }), { checkpointEvery: 0 });
for (let i = 0; i < 20_000 && sim.step(); i++);
const peers = sim.state.peers;
console.log(JSON.stringify({ profiles: classes(peers.map((p) => p.profile)) }));
