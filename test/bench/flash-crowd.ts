// The benchmark's swarms (npm run bench, bench:instructions): a flash crowd of peers × pieces of 256
// KiB, one seed uploading 4 MiB/s and every other peer joining at once, uploading 1 MiB/s and
// downloading 4 MiB/s.
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { KiB, peer, swarm } from '../engine/helpers';

const MiB = 1024 * KiB;

export const SIZES: Record<string, { peers: number; pieces: number }> = {
  '30x64': { peers: 30, pieces: 64 },
  '200x500': { peers: 200, pieces: 500 },
  '1000x1000': { peers: 1000, pieces: 1000 },
};

export function benchConfig(peers: number, pieces: number): SimConfig {
  const list: PeerSpec[] = [peer('seed', { seed: true, upload: 4 * MiB, download: null })];
  // L-1 is the subject, so the ledger (--ledger) has a lineage to follow; the flag does not change the run.
  for (let i = 1; i < peers; i++) list.push(peer(`L-${i}`, { group: 'L', upload: 1 * MiB, download: 4 * MiB, subject: i === 1 }));
  return swarm(list, { pieces, pieceLength: 256 * KiB });
}
