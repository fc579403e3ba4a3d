// The subject report per file ("works, not just pieces"): a bulk torrent lays its files end to end,
// so a piece, and even a 16 KiB block, can hold the end of one file and the start of the next. Every
// figure here splits a block's bytes exactly at the file boundary.
//
// The layout is the one `filesOfPiece` (src/engine/torrent.ts) describes; it is computed here by
// arithmetic instead of calling it per piece, because it scans the file list from the start on every
// call (pieces × files for a torrent of many books). test/analysis/files.test.ts checks the two agree.
// Block ids map to bytes without gaps: block b holds the torrent's bytes [b × 16384, b × 16384 + its
// length), since pieceLength is a whole number of blocks and only the last piece is short.
import { BLOCK, blockLength } from '../engine/torrent';
import { NO_COPY, type Ledger } from './ledger';

export interface FileRecipientReport {
  name: string;
  /** Bytes of this file in the peer's copy whose sender was the subject, as a fraction of the file's length (0–1). */
  directShareOfFile: number;
  /** Bytes of this file in the peer's copy that came from the subject through other peers, as a fraction of its length (0–1). */
  downstreamShareOfFile: number;
}

export interface FileReport {
  /** The file's path; for a single-file torrent, the scenario's name (BitTorrent names a single file after the torrent). */
  path: string;
  /** Bytes. */
  length: number;
  /** Payload bytes of this file in blocks the subject sent that arrived (endgame duplicates included); a block across two files counts in each for its part. */
  bytesSent: number;
  /** Indices (0-based) of the pieces that hold bytes of this file and of another file. */
  straddlingPieces: number[];
  /**
   * Peers other than the subject and the initial seeds whose copy at the report's time holds every
   * byte of this file (blocks held, whether or not the rest of their piece was), in scenario order.
   * Empty for a file of 0 bytes.
   */
  recipientsWithWholeFile: FileRecipientReport[];
  /** bytesSent / bytesReceived, or null when no byte of this file arrived at the subject. */
  ratio: number | null;
  /** Added: payload bytes of this file that arrived at the subject (duplicates included). */
  bytesReceived: number;
  /** Added: distinct peers that received at least one byte of this file from the subject. */
  recipients: number;
  /** Added: the first and last piece (0-based) holding bytes of this file; null for a file of 0 bytes. */
  firstPiece: number | null;
  lastPiece: number | null;
  /** Added: the scenario marks this file as one of the works in question (`"inQuestion": true`). */
  inQuestion: boolean;
}

interface Span {
  start: number;
  end: number;
  /** Block ids [firstBlock, lastBlock] holding its bytes (lastBlock < firstBlock for an empty file). */
  firstBlock: number;
  lastBlock: number;
}

/** Bytes of block b that fall in [start, end). */
function overlap(l: Ledger, b: number, start: number, end: number): number {
  const bs = b * BLOCK;
  const be = bs + blockLength(l.g, b);
  return Math.max(0, Math.min(be, end) - Math.max(bs, start));
}

export function fileReports(l: Ledger): FileReport[] {
  const { g, config } = l;
  const s = l.subject;
  const B = g.blockIds;
  const files = config.torrent.files ?? [{ path: config.name, length: g.size }];
  const spans: Span[] = [];
  let at = 0;
  for (const f of files) {
    const end = at + f.length;
    spans.push({ start: at, end, firstBlock: Math.floor(at / BLOCK), lastBlock: f.length === 0 ? -1 : Math.floor((end - 1) / BLOCK) });
    at = end;
  }

  const reports: FileReport[] = files.map((f, i) => {
    const span = spans[i]!;
    let bytesSent = 0;
    let bytesReceived = 0;
    for (let b = span.firstBlock; b <= span.lastBlock; b++) {
      const sent = l.sentPerBlock[b]!;
      const received = l.receivedPerBlock[b]!;
      if (sent === 0 && received === 0) continue;
      const part = overlap(l, b, span.start, span.end);
      bytesSent += sent * part;
      bytesReceived += received * part;
    }
    let firstPiece: number | null = null;
    let lastPiece: number | null = null;
    const straddlingPieces: number[] = [];
    if (f.length > 0) {
      firstPiece = Math.floor(span.start / g.pieceLength);
      lastPiece = Math.floor((span.end - 1) / g.pieceLength);
      for (const p of firstPiece === lastPiece ? [firstPiece] : [firstPiece, lastPiece]) {
        const ps = p * g.pieceLength;
        const pe = Math.min(ps + g.pieceLength, g.size);
        if (ps < span.start || pe > span.end) straddlingPieces.push(p);
      }
    }
    return {
      path: f.path,
      length: f.length,
      bytesSent,
      straddlingPieces,
      recipientsWithWholeFile: [],
      ratio: bytesReceived === 0 ? null : bytesSent / bytesReceived,
      bytesReceived,
      recipients: 0,
      firstPiece,
      lastPiece,
      inQuestion: 'inQuestion' in f && f.inQuestion === true,
    };
  });

  for (let p = 0; p < config.peers.length; p++) {
    if (p === s) continue;
    const gotSome = l.sentTo.has(p);
    const initialSeed = config.peers[p]!.seed;
    if (initialSeed && !gotSome) continue;
    for (let i = 0; i < files.length; i++) {
      const span = spans[i]!;
      let held = 0;
      let direct = 0;
      let downstream = 0;
      let fromSubject = false;
      for (let b = span.firstBlock; b <= span.lastBlock; b++) {
        const k = p * B + b;
        if (gotSome && l.gotFromSubject[k] === 1) fromSubject = true;
        const src = l.source[k]!;
        if (src === NO_COPY) continue;
        const part = overlap(l, b, span.start, span.end);
        held += part;
        if (src === s) direct += part;
        else if (l.lineage[k] === 1) downstream += part;
      }
      const r = reports[i]!;
      if (fromSubject) r.recipients++;
      if (!initialSeed && span.end > span.start && held === span.end - span.start) {
        const len = span.end - span.start;
        r.recipientsWithWholeFile.push({ name: config.peers[p]!.name, directShareOfFile: direct / len, downstreamShareOfFile: downstream / len });
      }
    }
  }
  return reports;
}
