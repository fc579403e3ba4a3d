// What an investigator (a monitoring client connected to the subject) could log, read from the trace:
// its handshakes with the subject, the subject's bitfield and haves as they arrived at it, and the
// blocks it downloaded from the subject, with times. The report sets this next to the ground truth of
// the whole swarm. Arrival times follow the engine: a message takes the connection's latency (the sum of
// both peers' `latency`), a block arrives at its RECEIVED record.
import { blockBegin, pieceOf, type Geometry } from '../engine/torrent';
import { BROADCAST, record, T, type Trace } from '../engine/trace';
import type { SimConfig } from '../engine/types';

export interface InvestigatorLog {
  name: string;
  /** Seconds: handshakes it sent to the subject, and when the subject's answer arrived (null: refused or never). */
  handshakes: { sentAt: number; answeredAt: number | null }[];
  /** The subject's bitfield as it arrived (pieces it announced), or null if none came. */
  bitfield: { at: number; pieces: number } | null;
  /** The subject's have messages as they arrived. */
  haves: { at: number; piece: number }[];
  /** Blocks it received from the subject. */
  blocks: { at: number; piece: number; begin: number; bytes: number }[];
  bytes: number;
  /** Distinct pieces of which it got at least one block from the subject. */
  piecesTouched: number;
  /** Pieces it verified (all its blocks come from the subject: it connects to no one else). */
  verifiedPieces: number;
  completedAt: number | null;
}

const sec = (us: number): number => us / 1e6;

/** The log of every investigator in the scenario, in scenario order (empty without a subject). */
/**
 * `asOf`: µs, the moment the logs describe (the run's end); messages that would arrive later are not in
 * them. Only the first `upTo` trace records are read (all by default), as far as a ledger has got.
 */
export function investigatorLogs(config: SimConfig, g: Geometry, trace: Trace, asOf: number, upTo = trace.length): InvestigatorLog[] {
  const s = config.peers.findIndex((p) => p.subject);
  if (s < 0) return [];
  return config.peers.flatMap((p, i) => (p.investigator ? [investigatorLog(config, g, trace, s, i, asOf, upTo)] : []));
}

function investigatorLog(config: SimConfig, g: Geometry, trace: Trace, s: number, inv: number, asOf: number, upTo: number): InvestigatorLog {
  const lat = config.peers[s]!.latency + config.peers[inv]!.latency;
  const log: InvestigatorLog = {
    name: config.peers[inv]!.name,
    handshakes: [],
    bitfield: null,
    haves: [],
    blocks: [],
    bytes: 0,
    piecesTouched: 0,
    verifiedPieces: 0,
    completedAt: null,
  };
  const touched = new Set<number>();
  // The subject's end of the connection is open from its handshake answer until either peer leaves.
  let subjectEndOpen = false;
  let invLeftAt = Infinity;
  const sent: { time: number; piece: number }[] = [];
  for (let i = 0; i < upTo; i++) {
    const r = record(trace, i);
    if (r.kind === T.HANDSHAKE && r.from === inv && r.to === s) log.handshakes.push({ sentAt: sec(r.time), answeredAt: null });
    else if (r.kind === T.HANDSHAKE && r.from === s && r.to === inv) {
      subjectEndOpen = true;
      const last = log.handshakes[log.handshakes.length - 1];
      if (last) last.answeredAt = sec(r.time + lat);
    } else if (r.kind === T.LEAVE && (r.from === s || r.from === inv)) {
      subjectEndOpen = false;
      if (r.from === inv) invLeftAt = r.time;
    } else if (r.kind === T.BITFIELD && r.from === s && r.to === inv && log.bitfield === null) {
      log.bitfield = { at: sec(r.time + lat), pieces: r.x };
    } else if (r.kind === T.HAVE && r.from === s && (r.to === BROADCAST || r.to === inv) && subjectEndOpen) {
      sent.push({ time: r.time, piece: r.x });
    } else if (r.kind === T.RECEIVED && r.from === s && r.to === inv) {
      const piece = pieceOf(g, r.x);
      log.blocks.push({ at: sec(r.time), piece, begin: blockBegin(g, r.x), bytes: r.y });
      log.bytes += r.y;
      touched.add(piece);
    } else if (r.kind === T.VERIFIED && r.from === inv) log.verifiedPieces++;
    else if (r.kind === T.COMPLETED && r.from === inv) log.completedAt = sec(r.time);
  }
  // A have reaches the investigator one latency after it was sent, if the investigator is still there.
  for (const h of sent) if (h.time + lat <= Math.min(invLeftAt, asOf)) log.haves.push({ at: sec(h.time + lat), piece: h.piece });
  log.piecesTouched = touched.size;
  return log;
}
