// The provenance ledger: for every (peer, block) copy, which peer it came from and whether it descends
// from the subject; plus what the subject sent and advertised. Built from the engine's trace alone,
// incrementally: `consume` reads only the records it has not seen, so the browser can call it every frame.
import { blockLength, geometry as geometryOf, type Geometry } from '../engine/torrent';
import { CHUNK_BITS, CHUNK, T, type Trace } from '../engine/trace';
import type { SimConfig } from '../engine/types';
import {
  createSubjectConnections,
  onBitfieldRecord,
  onHandshakeRecord,
  onLeaveRecord,
  onRefusedRecord,
  type SubjectConnections,
} from './connections';

/** `source` value: the peer holds no copy of the block. */
export const NO_COPY = -1;
/** `source` value: an initial seed's own copy. */
export const ORIGINAL = -2;

/** What the subject delivered to one recipient (RECEIVED records from the subject, duplicates included). */
export interface SentTo {
  bytes: number;
  blocks: number;
  /** µs of the first and last such RECEIVED record. */
  firstAt: number;
  lastAt: number;
}

export interface Ledger {
  readonly config: SimConfig;
  readonly g: Geometry;
  /** Index of the subject in config.peers, or -1. */
  readonly subject: number;
  /** Records consumed so far. */
  next: number;
  /** Time (µs) of the last record consumed, 0 before any. */
  lastTime: number;
  /** peers × blockIds: the sender of the copy the peer holds (its first copy), NO_COPY or ORIGINAL. */
  source: Int32Array;
  /** peers × blockIds: 1 when the held copy descends from the subject (sent by it, or by a peer whose copy did). */
  lineage: Uint8Array;
  /** peers × pieces: 1 once the peer VERIFIED the piece (initial seeds: all). */
  verified: Uint8Array;
  joinedAt: (number | null)[];
  leftAt: (number | null)[];
  /** µs; an initial seed is complete when it joins (it has no COMPLETED record). */
  completedAt: (number | null)[];
  /** Record index of the completion (the COMPLETED record, or an initial seed's JOIN). */
  completedIndex: number[];
  /** Payload bytes each peer received, duplicates included. */
  downloadedBytes: Float64Array;
  // --- the subject's side ---
  /** By recipient id, in order of first delivery. */
  sentTo: Map<number, SentTo>;
  /** peers × blockIds: 1 if the peer received that block from the subject at least once. */
  gotFromSubject: Uint8Array;
  /** By block id: RECEIVED records from the subject (duplicates included), for the per-file figures. */
  sentPerBlock: Uint32Array;
  /** By block id: RECEIVED records at the subject (duplicates included). */
  receivedPerBlock: Uint32Array;
  lostBytes: number;
  bytesWhileDownloading: number;
  bytesAfterComplete: number;
  /** Record indices of the subject's PIECE sends not yet matched to a RECEIVED or LOST, by (to, block). */
  inFlight: Map<number, number[]>;
  bitfields: number;
  haves: number;
  firstAdvertisedAt: number | null;
  /**
   * The subject's HAVE records (index, time, piece), resolved to recipients at report time: `to` is
   * BROADCAST, or the one peer of a have sent on one connection (a lazy bitfield's, a super-seed's
   * offer); `verified` is false for a have sent before the piece passed its hash check (predictive).
   */
  haveRecords: { index: number; time: number; piece: number; recipients: number; to: number; verified: boolean }[];
  /**
   * The subject's BITFIELD records: to whom, how many of `verifyOrder` it had verified by then (an
   * initial seed: every piece), and how many pieces it left out (a lazy bitfield: the haves right after it).
   */
  bitfieldRecords: { index: number; time: number; to: number; held: number; hidden: number }[];
  /** The pieces the subject verified, in the order of its VERIFIED records. */
  verifyOrder: number[];
  /**
   * By remote, in order of the first unchoke: the intervals (µs) from each UNCHOKE the subject sent it
   * to its next CHOKE or the close of their connection (a LEAVE of either); `to` null while still open.
   */
  unchoked: Map<number, { from: number; to: number | null }[]>;
  connections: SubjectConnections;
}

export function createLedger(config: SimConfig, g: Geometry = geometryOf(config.torrent)): Ledger {
  const n = config.peers.length;
  const subject = config.peers.findIndex((p) => p.subject);
  const source = new Int32Array(n * g.blockIds).fill(NO_COPY);
  const lineage = new Uint8Array(n * g.blockIds);
  const verified = new Uint8Array(n * g.pieces);
  config.peers.forEach((p, i) => {
    if (!p.seed) return;
    source.fill(ORIGINAL, i * g.blockIds, (i + 1) * g.blockIds);
    verified.fill(1, i * g.pieces, (i + 1) * g.pieces);
    // The subject's own copies are "from the subject" for everyone downstream.
    if (i === subject) lineage.fill(1, i * g.blockIds, (i + 1) * g.blockIds);
  });
  return {
    config,
    g,
    subject,
    next: 0,
    lastTime: 0,
    source,
    lineage,
    verified,
    joinedAt: new Array<number | null>(n).fill(null),
    leftAt: new Array<number | null>(n).fill(null),
    completedAt: new Array<number | null>(n).fill(null),
    completedIndex: new Array<number>(n).fill(-1),
    downloadedBytes: new Float64Array(n),
    sentTo: new Map(),
    gotFromSubject: new Uint8Array(subject < 0 ? 0 : n * g.blockIds),
    sentPerBlock: new Uint32Array(subject < 0 ? 0 : g.blockIds),
    receivedPerBlock: new Uint32Array(subject < 0 ? 0 : g.blockIds),
    lostBytes: 0,
    bytesWhileDownloading: 0,
    bytesAfterComplete: 0,
    inFlight: new Map(),
    bitfields: 0,
    haves: 0,
    firstAdvertisedAt: null,
    haveRecords: [],
    bitfieldRecords: [],
    verifyOrder: [],
    unchoked: new Map(),
    connections: createSubjectConnections(subject),
  };
}

/** Match a RECEIVED or LOST to the subject's earliest unmatched PIECE for (to, block): its record index. */
function takeSend(l: Ledger, to: number, block: number): number {
  const key = to * l.g.blockIds + block;
  const q = l.inFlight.get(key);
  if (q === undefined || q.length === 0) throw new Error(`ledger: no PIECE from the subject for block ${block} to peer ${to}`);
  const at = q.shift()!;
  if (q.length === 0) l.inFlight.delete(key);
  return at;
}

function onReceived(l: Ledger, time: number, from: number, to: number, block: number, bytes: number): void {
  const B = l.g.blockIds;
  const s = l.subject;
  l.downloadedBytes[to] = l.downloadedBytes[to]! + bytes;
  const at = to * B + block;
  if (l.source[at] === NO_COPY) {
    l.source[at] = from;
    // A sender's copy never changes once held, so its flag now is its flag when it sent.
    l.lineage[at] = from === s || l.lineage[from * B + block] === 1 ? 1 : 0;
  }
  if (to === s) l.receivedPerBlock[block] = l.receivedPerBlock[block]! + 1;
  if (from !== s) return;
  l.sentPerBlock[block] = l.sentPerBlock[block]! + 1;
  const sent = takeSend(l, to, block);
  const done = l.completedIndex[s]!;
  if (done >= 0 && done < sent) l.bytesAfterComplete += bytes;
  else l.bytesWhileDownloading += bytes;
  l.gotFromSubject[at] = 1;
  const r = l.sentTo.get(to);
  if (r === undefined) l.sentTo.set(to, { bytes, blocks: 1, firstAt: time, lastAt: time });
  else {
    r.bytes += bytes;
    r.blocks++;
    r.lastAt = time;
  }
}

/**
 * Read records [ledger.next, upToIndex) (default: the whole trace) into the ledger. The ledger only
 * moves forward: after the Sim seeks back (which truncates and rewrites the trace), make a new one.
 */
export function consume(l: Ledger, trace: Trace, upToIndex: number = trace.length): void {
  const end = Math.min(upToIndex, trace.length);
  const s = l.subject;
  const P = l.g.pieces;
  for (let i = l.next; i < end; i++) {
    const c = trace.chunks[i >>> CHUNK_BITS]!;
    const j = i & (CHUNK - 1);
    const kind = c.kind[j]!;
    const time = c.time[j]!;
    const from = c.from[j]!;
    const to = c.to[j]!;
    switch (kind) {
      case T.RECEIVED:
        onReceived(l, time, from, to, c.x[j]!, c.y[j]!);
        break;
      case T.PIECE:
        if (from === s) {
          const key = to * l.g.blockIds + c.x[j]!;
          const q = l.inFlight.get(key);
          if (q === undefined) l.inFlight.set(key, [i]);
          else q.push(i);
        }
        break;
      case T.LOST:
        if (from === s) {
          takeSend(l, to, c.x[j]!);
          l.lostBytes += c.y[j]!;
        }
        break;
      case T.VERIFIED:
        l.verified[from * P + c.x[j]!] = 1;
        if (from === s) l.verifyOrder.push(c.x[j]!);
        break;
      case T.UNCHOKE:
        if (from === s) {
          const list = l.unchoked.get(to);
          const open = list?.[list.length - 1];
          if (open === undefined || open.to !== null) {
            if (list === undefined) l.unchoked.set(to, [{ from: time, to: null }]);
            else list.push({ from: time, to: null });
          }
        }
        break;
      case T.CHOKE:
        if (from === s) closeUnchoked(l, to, time);
        break;
      case T.COMPLETED:
        l.completedAt[from] = time;
        l.completedIndex[from] = i;
        break;
      case T.JOIN:
        l.joinedAt[from] = time;
        if (l.config.peers[from]!.seed) {
          l.completedAt[from] = time;
          l.completedIndex[from] = i;
        }
        break;
      case T.LEAVE:
        l.leftAt[from] = time;
        if (s >= 0) {
          onLeaveRecord(l.connections, i, time, from);
          if (from === s) for (const remote of l.unchoked.keys()) closeUnchoked(l, remote, time);
          else closeUnchoked(l, from, time);
        }
        break;
      case T.HANDSHAKE:
        if (s >= 0) onHandshakeRecord(l.connections, l.config, i, time, from, to);
        break;
      case T.REFUSED:
        if (s >= 0) onRefusedRecord(l.connections, from, to);
        break;
      case T.BITFIELD:
        if (from === s) {
          l.bitfields++;
          l.firstAdvertisedAt ??= time;
          l.bitfieldRecords.push({ index: i, time, to, held: l.config.peers[s]!.seed ? P : l.verifyOrder.length, hidden: c.y[j]! });
          onBitfieldRecord(l.connections, i, time, to);
        }
        break;
      case T.HAVE_ALL:
        // BEP 6: have all stands for a bitfield of every piece; have none for an empty one, which
        // still marks when the subject's end of the connection opened.
        if (from === s) {
          l.bitfields++;
          l.firstAdvertisedAt ??= time;
          l.bitfieldRecords.push({ index: i, time, to, held: l.config.peers[s]!.seed ? P : l.verifyOrder.length, hidden: 0 });
          onBitfieldRecord(l.connections, i, time, to);
        }
        break;
      case T.HAVE_NONE:
        if (from === s) onBitfieldRecord(l.connections, i, time, to);
        break;
      case T.HASH_FAILED: {
        // The receiver discarded the piece (src/engine/hashcheck.ts): its copies of the blocks are gone,
        // and the next copies to arrive are the ones it keeps.
        const base = from * l.g.blockIds + c.x[j]! * l.g.blocksPerPiece;
        l.source.fill(NO_COPY, base, base + l.g.blocksPerPiece);
        l.lineage.fill(0, base, base + l.g.blocksPerPiece);
        break;
      }
      case T.BANNED:
        // A ban closes the pair's connection for good, as a leave closes the leaver's.
        if (s >= 0 && (from === s || to === s)) {
          const remote = from === s ? to : from;
          onLeaveRecord(l.connections, i, time, remote);
          closeUnchoked(l, remote, time);
        }
        break;
      case T.HAVE:
        if (from === s) {
          const piece = c.x[j]!;
          l.haves += c.y[j]!;
          l.firstAdvertisedAt ??= time;
          const verified = l.config.peers[s]!.seed || l.verified[s * P + piece] === 1;
          l.haveRecords.push({ index: i, time, piece, recipients: c.y[j]!, to, verified });
        }
        break;
    }
    l.lastTime = time;
  }
  if (end > l.next) l.next = end;
}

/** End the subject's open unchoke interval to `remote`, if any, at `time` (µs). */
function closeUnchoked(l: Ledger, remote: number, time: number): void {
  const list = l.unchoked.get(remote);
  const open = list?.[list.length - 1];
  if (open !== undefined && open.to === null) open.to = time;
}

/** Bytes of peer p's copy whose blocks satisfy `keep(source, lineage)`. */
export function copyBytes(l: Ledger, p: number, keep: (source: number, lineage: number) => boolean): number {
  const B = l.g.blockIds;
  let bytes = 0;
  for (let b = 0; b < B; b++) {
    const src = l.source[p * B + b]!;
    if (src === NO_COPY) continue;
    if (keep(src, l.lineage[p * B + b]!)) bytes += blockLength(l.g, b);
  }
  return bytes;
}
