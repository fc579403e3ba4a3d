// Small swarms for engine tests, built directly as engine configs (the scenario format has its own tests).
import type { PeerSpec, SimConfig } from '../../src/engine/types';

export const S = 1_000_000;
export const KiB = 1024;

export function peer(name: string, over: Partial<PeerSpec> = {}): PeerSpec {
  return {
    name,
    group: name,
    seed: false,
    subject: false,
    investigator: false,
    upload: 64 * KiB,
    download: null,
    latency: 25_000,
    joinAt: 0,
    leaveAt: null,
    leaveAfterComplete: null,
    client: 'mainline',
    settings: {},
    ...over,
  };
}

export function leechers(prefix: string, n: number, over: Partial<PeerSpec> = {}): PeerSpec[] {
  return Array.from({ length: n }, (_, i) => peer(`${prefix}-${i + 1}`, { group: prefix, ...over }));
}

export function swarm(peers: PeerSpec[], over: Partial<SimConfig> & { pieces?: number; pieceLength?: number; size?: number } = {}): SimConfig {
  const pieceLength = over.pieceLength ?? 64 * KiB;
  const pieces = over.pieces ?? 16;
  const size = over.size ?? pieces * pieceLength;
  return {
    name: 'test swarm',
    seed: over.seed ?? 1,
    torrent: { pieceLength, pieces: Math.ceil(size / pieceLength), size, files: null },
    stopAt: over.stopAt ?? null,
    peers,
    events: over.events ?? [],
  };
}

/** One seed and n leechers. */
export function flashCrowd(n: number, over: Parameters<typeof swarm>[1] = {}): SimConfig {
  return swarm([peer('seed', { seed: true, upload: 256 * KiB }), ...leechers('L', n)], over);
}

/** A split run needs windows to be run as two sides: some peer of each side with a latency above 0. */
export function windowed(cfg: SimConfig): SimConfig {
  return { ...cfg, peers: cfg.peers.map((p, i) => (i % 2 === 1 && p.latency === 0 ? { ...p, latency: 1_000 } : p)) };
}
