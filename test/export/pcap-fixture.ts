// Swarms for the pcap tests, the captures made from them, and the message counts a capture must hold,
// computed from the trace (and, for haves reaching a peer, from the subject report's recipients).
import { Sim } from '../../src/engine/sim';
import { BROADCAST, records, T } from '../../src/engine/trace';
import { messageName } from '../../src/engine/wire';
import type { SimConfig } from '../../src/engine/types';
import { subjectReport } from '../../src/analysis/report';
import { writePcap, type PcapOptions, type PcapStats } from '../../src/export/pcap';
import { parseScenarioText } from '../../src/scenario';

/**
 * BEP 3 peers (lazy bitfields, predictive haves), BEP 6 + BEP 11 peers (fast extension, peer exchange),
 * a BEP 16 super-seed, seeds that leave (FINs), a subject and an investigator that joins late: every
 * message kind the engine sends appears.
 */
export const MIXED_SWARM = {
  name: 'Pcap test swarm',
  seed: 3,
  torrent: { pieceLength: 65536, pieces: 24 },
  stopAt: 90,
  peers: [
    { name: 'seed', seed: true, upload: 262144, leaveAt: 40, settings: { fastExtension: true, suggestPieces: 2, pex: true } },
    { name: 'L', count: 5, upload: 65536, download: 262144, settings: { fastExtension: true, pex: true } },
    { name: 'super', seed: true, upload: 131072, leaveAt: 60, settings: { superSeeding: true } },
    { name: 'late', seed: true, upload: 65536, joinAt: 20, settings: { lazyBitfield: true } },
    { name: 'P', count: 2, upload: 65536, download: 262144, settings: { lazyBitfield: true, predictivePieceAnnounce: 1 } },
    { name: 'subject', subject: true, upload: 65536, settings: { fastExtension: true } },
    { name: 'inv', investigator: true, upload: 0, joinAt: 5, settings: { fastExtension: true } },
  ],
};

export function configOf(scenario: object, seed?: number): SimConfig {
  const parsed = parseScenarioText(JSON.stringify(scenario));
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return seed === undefined ? parsed.config : { ...parsed.config, seed };
}

export function runOf(config: SimConfig): Sim {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.run();
  return sim;
}

export interface Capture {
  bytes: Uint8Array;
  chunks: number[];
  stats: PcapStats;
}

export function capture(sim: Sim, options: PcapOptions = {}): Capture {
  const parts: Uint8Array[] = [];
  const stats = writePcap({ config: sim.config, trace: sim.trace, uploads: sim.state.peers.map((p) => p.upload) }, options, {
    write: (c) => void parts.push(c),
  });
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    at += p.length;
  }
  return { bytes, chunks: parts.map((p) => p.length), stats };
}

/**
 * Messages on the connections of `peer` sent in [from, to) µs, by result-file name, from the trace: every
 * message record from or to it, the haves it broadcast once per recipient, and the subject's haves that
 * reached it as the subject report lists their recipients (so `peer` should talk only to the subject
 * besides, as an investigator does).
 */
export function expectedCounts(sim: Sim, peer: number, from: number, to: number): Record<string, number> {
  const counts: Record<string, number> = {};
  const add = (name: string, n: number) => (counts[name] = (counts[name] ?? 0) + n);
  const inRange = (t: number) => t >= from && t < to;
  for (const r of records(sim.trace)) {
    if (!inRange(r.time)) continue;
    const name = messageName(r.kind);
    if (name === null) continue;
    if (r.kind === T.HAVE && r.to === BROADCAST) {
      if (r.from === peer) add(name, r.y);
    } else if (r.from === peer || r.to === peer) add(name, 1);
  }
  const subject = sim.config.peers.findIndex((p) => p.subject);
  if (subject !== peer) {
    const me = sim.config.peers[peer]!.name;
    for (const m of subjectReport(sim)!.advertised.messages) {
      if (m.kind === 'have' && m.to.includes(me) && inRange(Math.round(m.at * 1e6))) add('have', 1);
    }
  }
  return counts;
}

/** Non-zero counts only, for comparing. */
export function nonZero(counts: Partial<Record<string, number>>): Record<string, number> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => (n ?? 0) > 0)) as Record<string, number>;
}

/** Wire message id → result-file name (the handshake is -1). */
export const NAME_OF_ID: Record<number, string> = {
  [-1]: 'handshake',
  0: 'choke',
  1: 'unchoke',
  2: 'interested',
  3: 'not_interested',
  4: 'have',
  5: 'bitfield',
  6: 'request',
  7: 'piece',
  8: 'cancel',
  13: 'suggest',
  14: 'have_all',
  15: 'have_none',
  16: 'reject',
  17: 'allowed_fast',
  20: 'extended',
};
