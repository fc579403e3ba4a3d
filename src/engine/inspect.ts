// Read-only views of one peer for the app's inspector: plain objects copied out of the live state,
// so a panel can hold them across frames without ever touching (or keeping alive) engine structures.
// Nothing here writes to the state or the trace; rates are read the way the choker reads them.
import { rateAt } from './bandwidth';
import { isSnubbed } from './choker';
import { HAVE, PEER_ACTIVE, PEER_LEFT, STARTED, type SimState } from './state';
import { readHalf } from './ends';
import type { Trace } from './trace';
import type { SimConfig } from './types';

export type PeerRole = 'seed' | 'leecher' | 'subject' | 'investigator';
export type PeerStatus = 'waiting' | 'active' | 'left';

export interface ConnectionView {
  /** The owner's half id (stable for the life of the connection). */
  half: number;
  remote: number;
  amChoking: boolean;
  amInterested: boolean;
  peerChoking: boolean;
  peerInterested: boolean;
  /** The owner unchokes the remote in an optimistic slot. */
  optimistic: boolean;
  /** The owner is interested but the remote has sent no block for snubTimeout (anti-snubbing). */
  snubbed: boolean;
  /** Bytes/s, mainline's running average, as the choker ranks by. */
  downloadRate: number;
  uploadRate: number;
}

export interface PeerView {
  id: number;
  name: string;
  role: PeerRole;
  client: string;
  status: PeerStatus;
  /** Verified pieces held, of `pieces`. */
  haveCount: number;
  pieces: number;
  uploadedBytes: number;
  downloadedBytes: number;
  /** Sum over open connections, bytes/s. */
  uploadRate: number;
  downloadRate: number;
  /** uploaded ÷ downloaded, or null before anything arrived. */
  ratio: number | null;
  joinedAt: number | null;
  completedAt: number | null;
  leftAt: number | null;
  connections: ConnectionView[];
}

export interface InspectSource {
  readonly config: SimConfig;
  readonly state: Readonly<SimState>;
}

export function roleOf(config: SimConfig, id: number): PeerRole {
  const spec = config.peers[id]!;
  if (spec.subject) return 'subject';
  if (spec.investigator) return 'investigator';
  return spec.seed ? 'seed' : 'leecher';
}

export function inspectPeer(src: InspectSource, id: number): PeerView {
  const st = src.state;
  const peer = st.peers[id]!;
  const spec = src.config.peers[id]!;
  const connections: ConnectionView[] = [];
  let uploadRate = 0;
  let downloadRate = 0;
  for (const hid of peer.conns) {
    const h = readHalf(st, hid);
    const down = rateAt(h.downRate, h.downLast, h.downSince, st.now);
    const up = rateAt(h.upRate, h.upLast, h.upSince, st.now);
    uploadRate += up;
    downloadRate += down;
    connections.push({
      half: h.id,
      remote: h.remote,
      amChoking: h.amChoking,
      amInterested: h.amInterested,
      peerChoking: h.peerChoking,
      peerInterested: h.peerInterested,
      // Mainline keeps one optimistic half per peer; libtorrent profiles may hold several slots.
      optimistic: !h.amChoking && (h.optimisticSlot || peer.optimistic === h.id),
      snubbed: isSnubbed(h, st.now, peer.profile.snubTimeout),
      downloadRate: down,
      uploadRate: up,
    });
  }
  return {
    id,
    name: spec.name,
    role: roleOf(src.config, id),
    client: spec.client,
    status: peer.status === PEER_ACTIVE ? 'active' : peer.status === PEER_LEFT ? 'left' : 'waiting',
    haveCount: peer.haveCount,
    pieces: src.config.torrent.pieces,
    uploadedBytes: peer.uploadedBytes,
    downloadedBytes: peer.downloadedBytes,
    uploadRate,
    downloadRate,
    ratio: peer.downloadedBytes > 0 ? peer.uploadedBytes / peer.downloadedBytes : null,
    joinedAt: peer.joinedAt,
    completedAt: peer.completedAt,
    leftAt: peer.leftAt,
    connections,
  };
}

export const PIECE_MISSING = 0;
export const PIECE_STARTED = 1;
export const PIECE_HAVE = 2;

/** Each piece's state for one peer (PIECE_MISSING / STARTED / HAVE) into `out` (length ≥ pieces). */
export function pieceStates(src: InspectSource, id: number, out: Uint8Array): Uint8Array {
  const pieces = src.state.peers[id]!.pieces;
  const n = src.config.torrent.pieces;
  for (let i = 0; i < n; i++) {
    const p = pieces[i]!;
    out[i] = (p & HAVE) !== 0 ? PIECE_HAVE : (p & STARTED) !== 0 ? PIECE_STARTED : PIECE_MISSING;
  }
  return out;
}

export interface RechokeRow {
  remote: number;
  /** The rate that ranked it, bytes/s (download rate for a leecher, upload rate for a seed). */
  rate: number;
  /** SLOT value (trace.ts). */
  slot: number;
  /** WHY value (trace.ts). */
  why: number;
}

/**
 * The ranking table of a RECHOKE record, given its x (aux offset) and y (rows): the aux rows (remote
 * id, rate, SLOT, WHY; see slots.ts) in the order the choker ranked them.
 */
export function rechokeRows(tr: Trace, x: number, rows: number): RechokeRow[] {
  const out: RechokeRow[] = [];
  for (let i = 0; i < rows; i++) {
    const at = x + 4 * i;
    out.push({ remote: tr.aux[at]!, rate: tr.aux[at + 1]!, slot: tr.aux[at + 2]!, why: tr.aux[at + 3]! });
  }
  return out;
}
