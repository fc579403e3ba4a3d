// Reference result (Kumar & Ross 2006): the minimum time to distribute F bytes from one seed to N
// leechers is T_min = max(F/u_s, F/d_min, N·F/(u_s + Σu_i)). A good protocol gets close to it in a
// homogeneous flash crowd.
import { expect, it } from 'vitest';
import { Sim } from '../../src/engine/sim';
import { KiB, leechers, peer, swarm } from './helpers';

const MiB = 1024 * KiB;

it('a homogeneous flash crowd (1 seed, 100 leechers) finishes within 1.3× the Kumar–Ross minimum', () => {
  const seedUpload = 1 * MiB;
  const leecherUpload = 256 * KiB;
  const download = 4 * MiB;
  const cfg = swarm([peer('seed', { seed: true, upload: seedUpload }), ...leechers('L', 100, { upload: leecherUpload, download })], {
    pieces: 256,
    pieceLength: 64 * KiB,
  });
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  sim.run();
  const r = sim.result();
  const F = cfg.torrent.size;
  const tMin = Math.max(F / seedUpload, F / download, (100 * F) / (seedUpload + 100 * leecherUpload));
  const last = Math.max(...r.peers.map((p) => p.completedAt ?? Infinity)) / 1e6;
  const ratio = last / tMin;
  console.log(`flash crowd: last completion ${last.toFixed(2)} s, Kumar–Ross minimum ${tMin.toFixed(2)} s, ratio ${ratio.toFixed(3)}`);
  expect(r.endReason).toBe('complete');
  expect(last).toBeGreaterThanOrEqual(tMin);
  expect(ratio).toBeLessThanOrEqual(1.3);
});
