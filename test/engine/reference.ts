// Swarms and measures for the reference results of PROTOCOL.md, shared by reference.test.ts and the
// figures script (test/bench/figures.ts). Measures read the trace or the live state of a run.
import { Sim } from '../../src/engine/sim';
import { HAVE, PEER_ACTIVE } from '../../src/engine/state';
import { records, T } from '../../src/engine/trace';
import type { PeerSettings, PeerSpec, SimConfig } from '../../src/engine/types';
import { KiB, leechers, peer, S, swarm } from './helpers';

/** n members of a group that arrive as a Poisson process at `rate` per second. */
export function arrivals(prefix: string, n: number, rate: number, over: Partial<PeerSpec> = {}): PeerSpec[] {
  return leechers(prefix, n, { arrival: { process: 'poisson', rate, until: null }, ...over });
}

/** Bytes the seed (peer 0) uploaded before the first leecher completed, ÷ the file size (BEP 16's measure). */
export function seedRatioAtFirstCompletion(cfg: SimConfig): number {
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  sim.run();
  let first = Infinity;
  for (const r of records(sim.trace)) {
    if (r.kind === T.COMPLETED && r.from !== 0) {
      first = r.time;
      break;
    }
  }
  let bytes = 0;
  for (const r of records(sim.trace)) if (r.kind === T.RECEIVED && r.from === 0 && r.time <= first) bytes += r.y;
  return bytes / cfg.torrent.size;
}

/** BEP 16's setting: a seed on a home link, no faster than each of the 20 leechers. */
export function bep16Swarm(superSeeding: boolean, seed = 1): SimConfig {
  return swarm(
    [peer('seed', { seed: true, upload: 64 * KiB, settings: superSeeding ? { superSeeding } : {} }), ...leechers('L', 20, { upload: 64 * KiB, download: 256 * KiB })],
    { pieces: 64, pieceLength: 64 * KiB, seed },
  );
}

/**
 * Hajek & Zhu's setting: one seed that stays, sending 0.5 pieces/s (8 KiB/s of 16 KiB pieces), and
 * leechers arriving at `rate` per second that leave the moment they complete.
 */
export function missingPieceSwarm(rate: number, seconds: number): SimConfig {
  const n = Math.ceil(rate * seconds * 1.3);
  return swarm([peer('seed', { seed: true, upload: 8 * KiB }), ...arrivals('A', n, rate, { upload: 32 * KiB, leaveAfterComplete: 0 })], {
    pieces: 8,
    pieceLength: 16 * KiB,
    stopAt: seconds * S,
  });
}

export interface LeecherCensus {
  /** Leechers present at each sample time. */
  counts: number[];
  /** At the end: how many present leechers hold each piece, and how many are present. */
  holders: number[];
  present: number;
}

/** Count the present leechers every `every` seconds of a run. */
export function census(cfg: SimConfig, every: number): LeecherCensus {
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  const counts: number[] = [];
  const pieces = cfg.torrent.pieces;
  const holders = new Array<number>(pieces).fill(0);
  let present = 0;
  for (let t = every; t * S <= cfg.stopAt!; t += every) {
    sim.runUntil(t * S);
    present = 0;
    holders.fill(0);
    for (const p of sim.state.peers) {
      if (p.status !== PEER_ACTIVE || p.seed) continue;
      present++;
      for (let i = 0; i < pieces; i++) if ((p.pieces[i]! & HAVE) !== 0) holders[i]!++;
    }
    counts.push(present);
  }
  return { counts, holders, present };
}

/** Poisson arrivals at `rate`, each peer seeding for an exponential time (mean 60 s) after completing. */
export function steadyStateSwarm(rate: number, n = 120): SimConfig {
  return swarm(
    [
      peer('seed', { seed: true, upload: 16 * KiB }),
      ...arrivals('A', n, rate, { upload: 32 * KiB, download: 128 * KiB, seedingTime: { distribution: 'exponential', mean: 60 * S } }),
    ],
    { pieces: 16, pieceLength: 32 * KiB },
  );
}

/** Mean download time (join to completion, seconds) of the peers that arrived after the first quarter of the arrivals. */
export function meanDownloadTime(cfg: SimConfig): number {
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  sim.run();
  const peers = sim.result().peers.filter((p) => !p.seed && p.joinedAt !== null);
  const after = peers[Math.floor(peers.length / 4)]!.joinedAt!;
  const times = peers.filter((p) => p.joinedAt! >= after && p.completedAt !== null).map((p) => (p.completedAt! - p.joinedAt!) / S);
  return times.reduce((a, b) => a + b, 0) / times.length;
}

/** A flash crowd of reciprocating (mainline) leechers and free riders of the same capacities. */
export function freeRiderSwarm(seed = 1): SimConfig {
  const same = { upload: 48 * KiB, download: 256 * KiB };
  return swarm([peer('seed', { seed: true, upload: 96 * KiB }), ...leechers('R', 12, same), ...leechers('F', 6, { ...same, client: 'freerider' })], {
    pieces: 32,
    pieceLength: 32 * KiB,
    seed,
  });
}

/** Mean completion time (seconds) of the members of a group. */
export function meanCompletion(sim: Sim, group: string): number {
  const times = sim.config.peers.flatMap((p, i) => (p.group === group ? [sim.result().peers[i]!.completedAt! / S] : []));
  return times.reduce((a, b) => a + b, 0) / times.length;
}

/** A flash crowd behind one slow seed, every leecher choosing pieces the same way. */
export function selectionSwarm(pieceSelection: PeerSettings['pieceSelection'], seed = 1): SimConfig {
  return swarm([peer('seed', { seed: true, upload: 64 * KiB }), ...leechers('L', 20, { upload: 32 * KiB, settings: { pieceSelection } })], {
    pieces: 32,
    pieceLength: 32 * KiB,
    seed,
  });
}

/**
 * The minimum replication of the file among the leechers (copies of its least-held piece), averaged
 * over one-second samples until the first leecher completes: how close the swarm came to losing a piece
 * to the seed alone.
 */
export function meanMinReplication(cfg: SimConfig): number {
  const sim = new Sim(cfg, { checkpointEvery: 0 });
  const pieces = cfg.torrent.pieces;
  const samples: number[] = [];
  for (let t = 1; ; t++) {
    sim.runUntil(t * S);
    const leechers = sim.state.peers.filter((p) => !p.seed);
    if (leechers.some((p) => p.haveCount === pieces) || sim.done) break;
    let min = Infinity;
    for (let i = 0; i < pieces; i++) min = Math.min(min, leechers.filter((p) => (p.pieces[i]! & HAVE) !== 0).length);
    samples.push(min);
  }
  return samples.reduce((a, b) => a + b, 0) / samples.length;
}
