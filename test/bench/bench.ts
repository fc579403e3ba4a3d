// npm run bench: block deliveries per second, wall time and peak memory for three flash crowds.
// Each size runs in a fresh child process so that one run's heap does not inflate the next one's peak.
// Usage: npm run bench [-- --only 1000x1000]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Sim } from '../../src/engine/sim';
import { T } from '../../src/engine/trace';
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { KiB, peer, swarm } from '../engine/helpers';

const MiB = 1024 * KiB;

export const SIZES: Record<string, { peers: number; pieces: number }> = {
  '30x64': { peers: 30, pieces: 64 },
  '200x500': { peers: 200, pieces: 500 },
  '1000x1000': { peers: 1000, pieces: 1000 },
};

function benchConfig(peers: number, pieces: number): SimConfig {
  const list: PeerSpec[] = [peer('seed', { seed: true, upload: 4 * MiB, download: null })];
  for (let i = 1; i < peers; i++) list.push(peer(`L-${i}`, { group: 'L', upload: 1 * MiB, download: 4 * MiB }));
  return swarm(list, { pieces, pieceLength: 256 * KiB });
}

function runOne(key: string): void {
  const [peers, pieces] = key.split('x').map(Number) as [number, number];
  const cfg = benchConfig(peers, pieces);
  let peakRss = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  let nextSample = 0;
  while (sim.step()) {
    if (sim.eventCount >= nextSample) {
      nextSample += 1_000_000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
    }
  }
  const t1 = process.hrtime.bigint();
  const hash = sim.traceHash(createHash('sha256'));
  const t2 = process.hrtime.bigint();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  let blocks = 0;
  for (const c of sim.trace.chunks) for (let i = 0; i < c.kind.length; i++) if (c.kind[i] === T.RECEIVED) blocks++;
  const r = sim.result();
  const simS = Number(t1 - t0) / 1e9;
  const hashS = Number(t2 - t1) / 1e9;
  const completed = r.peers.filter((p) => p.completedAt !== null).length;
  console.log(
    JSON.stringify({
      size: key,
      peers,
      pieces,
      blocks,
      wallSeconds: +(simS + hashS).toFixed(2),
      simSeconds: +simS.toFixed(2),
      hashSeconds: +hashS.toFixed(2),
      blocksPerSecond: Math.round(blocks / simS),
      events: sim.eventCount,
      traceRecords: r.traceEvents,
      peakRssMiB: Math.round(peakRss / MiB),
      simulatedSeconds: r.endTime / 1e6,
      completed,
      endReason: r.endReason,
      traceHash: hash.slice(0, 16),
    }),
  );
}

const self = fileURLToPath(import.meta.url);
const args = process.argv.slice(2);
if (args[0] === '--child') {
  runOne(args[1]!);
} else {
  const only = args[0] === '--only' ? args[1] : undefined;
  console.log('size        blocks      wall s   blocks/s    peak MiB  sim s   completed');
  for (const key of Object.keys(SIZES)) {
    if (only && key !== only) continue;
    const out = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', self, '--child', key], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = out.stdout.trim().split('\n').pop() ?? '';
    try {
      const r = JSON.parse(line);
      console.log(
        `${key.padEnd(11)} ${String(r.blocks).padStart(10)} ${String(r.wallSeconds).padStart(8)} ${String(r.blocksPerSecond).padStart(10)} ${String(r.peakRssMiB).padStart(11)} ${String(r.simulatedSeconds).padStart(7)} ${r.completed}/${r.peers} (${r.endReason})`,
      );
      console.log(`            ${line}`);
    } catch {
      console.log(`${key}: failed (exit ${out.status})\n${out.stdout}`);
    }
  }
}
