// npm run bench: block deliveries per second, wall time and peak memory for three flash crowds.
// Each size runs in a fresh child process so that one run's heap does not inflate the next one's peak.
// Usage: npm run bench [-- --only 1000x1000] [--ledger] [--runs N]
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Sim } from '../../src/engine/sim';
import { T } from '../../src/engine/trace';
import { consume, createLedger } from '../../src/analysis/ledger';
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
  // L-1 is the subject, so the ledger (--ledger) has a lineage to follow; the flag does not change the run.
  for (let i = 1; i < peers; i++) list.push(peer(`L-${i}`, { group: 'L', upload: 1 * MiB, download: 4 * MiB, subject: i === 1 }));
  return swarm(list, { pieces, pieceLength: 256 * KiB });
}

function runOne(key: string, withLedger: boolean): void {
  const [peers, pieces] = key.split('x').map(Number) as [number, number];
  const cfg = benchConfig(peers, pieces);
  let peakRss = process.memoryUsage().rss;
  const t0 = process.hrtime.bigint();
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  // With --ledger, the provenance ledger follows the run as the browser would, every million events;
  // its time is measured apart so that it can be set against the engine's.
  const ledger = withLedger ? createLedger(cfg) : null;
  let ledgerNs = 0n;
  const follow = (): void => {
    if (!ledger) return;
    const l0 = process.hrtime.bigint();
    consume(ledger, sim.trace);
    ledgerNs += process.hrtime.bigint() - l0;
  };
  let nextSample = 0;
  while (sim.step()) {
    if (sim.eventCount >= nextSample) {
      nextSample += 1_000_000;
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      follow();
    }
  }
  follow();
  const t1 = process.hrtime.bigint();
  const hash = sim.traceHash(createHash('sha256'));
  const t2 = process.hrtime.bigint();
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  let blocks = 0;
  for (const c of sim.trace.chunks) for (let i = 0; i < c.kind.length; i++) if (c.kind[i] === T.RECEIVED) blocks++;
  const r = sim.result();
  const ledgerS = Number(ledgerNs) / 1e9;
  const simS = Number(t1 - t0) / 1e9 - ledgerS;
  const hashS = Number(t2 - t1) / 1e9;
  const completed = r.peers.filter((p) => p.completedAt !== null).length;
  console.log(
    JSON.stringify({
      size: key,
      peers,
      pieces,
      blocks,
      wallSeconds: +(simS + ledgerS + hashS).toFixed(2),
      simSeconds: +simS.toFixed(2),
      hashSeconds: +hashS.toFixed(2),
      ...(ledger ? { ledgerSeconds: +ledgerS.toFixed(2), ledgerOverheadPercent: +((100 * ledgerS) / simS).toFixed(1) } : {}),
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
  runOne(args[1]!, args.includes('--ledger'));
} else {
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1] : undefined;
  const withLedger = args.includes('--ledger');
  // --runs N: each size N times, each in a fresh process, then the median wall time. On a shared
  // machine runs of the same code differ by a quarter or more.
  const runs = args.includes('--runs') ? Math.max(1, Number(args[args.indexOf('--runs') + 1]) || 1) : 1;
  console.log('size        blocks      wall s   blocks/s    peak MiB  sim s   completed');
  for (const key of Object.keys(SIZES)) {
    if (only && key !== only) continue;
    const walls: number[] = [];
    for (let run = 0; run < runs; run++) {
      const out = spawnSync(process.execPath, ['--import', 'tsx', '--max-old-space-size=4096', self, '--child', key, ...(withLedger ? ['--ledger'] : [])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      const line = out.stdout.trim().split('\n').pop() ?? '';
      try {
        const r = JSON.parse(line);
        walls.push(r.wallSeconds);
        console.log(
          `${key.padEnd(11)} ${String(r.blocks).padStart(10)} ${String(r.wallSeconds).padStart(8)} ${String(r.blocksPerSecond).padStart(10)} ${String(r.peakRssMiB).padStart(11)} ${String(r.simulatedSeconds).padStart(7)} ${r.completed}/${r.peers} (${r.endReason})`,
        );
        console.log(`            ${line}`);
      } catch {
        console.log(`${key}: failed (exit ${out.status})\n${out.stdout}`);
      }
    }
    if (walls.length > 1) {
      const sorted = [...walls].sort((a, b) => a - b);
      const mid = sorted.length >> 1;
      const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
      console.log(`${key.padEnd(11)} median wall ${median.toFixed(2)} s of ${walls.length} runs (${sorted[0]} to ${sorted[sorted.length - 1]})`);
    }
  }
}
