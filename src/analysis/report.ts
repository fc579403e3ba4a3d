// The subject report: what the designated peer made available (bitfields, haves) next to what it
// actually sent (blocks that arrived), to whom, and how much of each other peer's copy came from it,
// directly or through others. Facts about the simulated swarm only. Key names are a contract read by
// outside tools (the result file's "subject", `--report json`): add fields, never rename them.
import type { Sim } from '../engine/sim';
import { blocksInPiece } from '../engine/torrent';
import { BROADCAST, type Trace } from '../engine/trace';
import type { SimConfig, SimResult } from '../engine/types';
import { delivered, openAtSubject } from './connections';
import { fileReports, type FileReport } from './files';
import { consume, copyBytes, createLedger, type Ledger } from './ledger';
import { investigatorLogs, type InvestigatorLog } from './investigator';

/** One bitfield or have message the subject sent. */
export interface AdvertisedMessage {
  kind: 'bitfield' | 'have';
  /** Seconds: when it was sent. */
  at: number;
  /** Recipients: a bitfield's one peer; for a have, the peers whose connection was open at the subject's end (scenario order). */
  to: string[];
  /** Pieces announced (0-based): for a bitfield every piece the subject held (verified before it; an initial seed all), for a have its one piece. */
  pieces: number[];
  /** The announced pieces were verified when announced (false for a have sent early by predictivePieceAnnounce). */
  verified: boolean;
}

/** The intervals in which the subject had one peer unchoked (an offer to send, not a send). */
export interface UnchokedPeer {
  name: string;
  /** [from, to] in seconds: from an UNCHOKE to the next CHOKE to that peer, the close of their connection (a LEAVE of either), or `asOf`. */
  intervals: [number, number][];
}

export interface RecipientReport {
  name: string;
  /** Payload bytes from the subject that arrived at this peer (endgame duplicates included). */
  bytes: number;
  /** Blocks from the subject that arrived at this peer (duplicates included). */
  blocks: number;
  /** Pieces every block of which this peer received from the subject. */
  wholePieces: number;
  /** Added: pieces of which this peer received at least one block from the subject. */
  piecesTouched: number;
  /** Of the pieces this peer received at least one block of from the subject, how many it verified (by the report's time). */
  verifiedPieces: number;
  /** Seconds of the first and last block from the subject that arrived. */
  firstAt: number;
  lastAt: number;
  /** The peer held every piece by the report's time. */
  completed: boolean;
  /** Bytes of its copy whose sender was the subject, as a fraction of the file size (0–1). */
  directShare: number;
  /** Bytes of its copy that descend from the subject through other peers (sender not the subject), as a fraction of the file size (0–1). */
  downstreamShare: number;
}

export interface SubjectReport {
  name: string;
  advertised: {
    /** BITFIELD messages the subject sent. */
    bitfields: number;
    /** Have messages the subject sent: Σ recipients of its HAVE records. */
    haves: number;
    /** Distinct peers at which a bitfield or a have from the subject arrived. */
    peersInformed: number;
    /** Seconds of the first bitfield or have the subject sent, or null. */
    firstAt: number | null;
    /** Added: Σ over its HAVE records of |recipients the trace states − open connections rebuilt from it|; 0 when the rebuild is exact. */
    haveRecipientsMismatch: number;
    /** Added: every bitfield and have the subject sent, in trace order (complete, however many). */
    messages: AdvertisedMessage[];
    /** Added: per peer the subject unchoked at least once, in scenario order. */
    unchokedIntervals: UnchokedPeer[];
  };
  uploaded: {
    /** Payload bytes the subject sent that arrived (duplicates included; lost blocks not). */
    bytes: number;
    /** Blocks the subject sent that arrived. */
    blocks: number;
    /** Distinct pieces that some one recipient received entirely from the subject. */
    wholePieces: number;
    /** Distinct peers that received at least one block from the subject. */
    recipients: number;
    /** Delivered bytes whose sending started before the subject completed (all of them if it never did). */
    bytesWhileDownloading: number;
    /** Delivered bytes whose sending started once the subject was complete (an initial seed is complete from its join). */
    bytesAfterComplete: number;
    /** Added: payload bytes the subject sent that never arrived because one side left. */
    lostBytes: number;
    /** Added: distinct pieces of which some recipient received at least one block from the subject. */
    piecesTouched: number;
  };
  /** One entry per peer that received at least one block from the subject, in scenario order. */
  recipients: RecipientReport[];
  /** Peers other than the subject and the initial seeds that completed. */
  completedThirdParties: number;
  /** Some peer's copy came entirely, block for block, directly from the subject. */
  completeCopyFromSubjectAlone: boolean;
  /** Some completed third party holds a verified piece with at least one block whose sender was the subject. */
  contributedToCompleteCopy: boolean;
  /** uploaded.bytes / downloadedBytes, or null when the subject downloaded nothing. */
  ratio: number | null;
  /**
   * Added: peers that received nothing from the subject directly yet hold bytes descending from it
   * (through other peers), in scenario order.
   */
  downstreamOnly: { name: string; downstreamShare: number; completed: boolean }[];
  /** Added: payload bytes that arrived at the subject (duplicates included). */
  downloadedBytes: number;
  /** Added: seconds; the report covers the trace up to here (the run's end once the whole trace is read). */
  asOf: number;
  /** Added: per file of the torrent, in order (one entry for a single-file torrent); see src/analysis/files.ts. */
  files: FileReport[];
  /**
   * Added: what each investigator (a monitoring client connected to the subject only) logged: its
   * handshakes, the subject's bitfield and haves as they arrived, the blocks it downloaded; to be read
   * next to the figures above, which are the ground truth of the whole swarm. See src/analysis/investigator.ts.
   */
  investigators: InvestigatorLog[];
}

export interface ReportSource {
  config: SimConfig;
  trace: Trace;
  result: SimResult | (() => SimResult);
}

const sec = (us: number): number => us / 1e6;

/**
 * The report on the scenario's subject, or null if it has none. Without a ledger, one is built from the
 * whole trace; with one, the report covers what that ledger has consumed.
 */
export function subjectReport(src: Sim | ReportSource, ledger?: Ledger): SubjectReport | null {
  const l = ledger ?? createLedger(src.config);
  if (ledger === undefined) consume(l, src.trace);
  const s = l.subject;
  if (s < 0) return null;
  const result = typeof src.result === 'function' ? src.result() : src.result;
  const asOf = l.next >= src.trace.length ? result.endTime : l.lastTime;
  const { g, config } = l;
  const n = config.peers.length;
  const B = g.blockIds;
  const size = g.size;

  const wholeUnion = new Uint8Array(g.pieces);
  const touchedUnion = new Uint8Array(g.pieces);
  const recipients: RecipientReport[] = [];
  for (let p = 0; p < n; p++) {
    const sent = l.sentTo.get(p);
    if (sent === undefined) continue;
    let wholePieces = 0;
    let piecesTouched = 0;
    let verifiedPieces = 0;
    for (let piece = 0; piece < g.pieces; piece++) {
      const k = blocksInPiece(g, piece);
      let got = 0;
      for (let b = piece * g.blocksPerPiece; b < piece * g.blocksPerPiece + k; b++) got += l.gotFromSubject[p * B + b]!;
      if (got === k) {
        wholePieces++;
        wholeUnion[piece] = 1;
      }
      if (got > 0) {
        piecesTouched++;
        touchedUnion[piece] = 1;
        if (l.verified[p * g.pieces + piece] === 1) verifiedPieces++;
      }
    }
    const { direct, downstream } = shares(l, p);
    recipients.push({
      name: config.peers[p]!.name,
      bytes: sent.bytes,
      blocks: sent.blocks,
      wholePieces,
      verifiedPieces,
      firstAt: sec(sent.firstAt),
      lastAt: sec(sent.lastAt),
      completed: l.completedAt[p] !== null,
      directShare: direct,
      downstreamShare: downstream,
      piecesTouched,
    });
  }

  const downstreamOnly: SubjectReport['downstreamOnly'] = [];
  for (let p = 0; p < n; p++) {
    if (p === s || l.sentTo.has(p)) continue;
    const { downstream } = shares(l, p);
    if (downstream > 0) downstreamOnly.push({ name: config.peers[p]!.name, downstreamShare: downstream, completed: l.completedAt[p] !== null });
  }

  let completedThirdParties = 0;
  let completeCopyFromSubjectAlone = false;
  let contributedToCompleteCopy = false;
  for (let p = 0; p < n; p++) {
    if (p === s) continue;
    if (!config.peers[p]!.seed && l.completedAt[p] !== null) {
      completedThirdParties++;
      if (!contributedToCompleteCopy && holdsVerifiedBlockFrom(l, p, s)) contributedToCompleteCopy = true;
    }
    if (!completeCopyFromSubjectAlone && l.sentTo.has(p) && copyBytes(l, p, (source) => source === s) === size) {
      completeCopyFromSubjectAlone = true;
    }
  }

  const uploadedBytes = recipients.reduce((a, r) => a + r.bytes, 0);
  const downloadedBytes = l.downloadedBytes[s]!;
  const reach = informed(l, asOf);
  return {
    name: config.peers[s]!.name,
    advertised: {
      bitfields: l.bitfields,
      haves: l.haves,
      peersInformed: reach.peersInformed,
      firstAt: l.firstAdvertisedAt === null ? null : sec(l.firstAdvertisedAt),
      haveRecipientsMismatch: reach.haveRecipientsMismatch,
      messages: advertisedMessages(l, reach.haveTo),
      unchokedIntervals: unchokedIntervals(l, asOf),
    },
    uploaded: {
      bytes: uploadedBytes,
      blocks: recipients.reduce((a, r) => a + r.blocks, 0),
      wholePieces: wholeUnion.reduce((a, x) => a + x, 0),
      recipients: recipients.length,
      bytesWhileDownloading: l.bytesWhileDownloading,
      bytesAfterComplete: l.bytesAfterComplete,
      lostBytes: l.lostBytes,
      piecesTouched: touchedUnion.reduce((a, x) => a + x, 0),
    },
    recipients,
    completedThirdParties,
    completeCopyFromSubjectAlone,
    contributedToCompleteCopy,
    ratio: downloadedBytes === 0 ? null : uploadedBytes / downloadedBytes,
    downstreamOnly,
    downloadedBytes,
    asOf: sec(asOf),
    files: fileReports(l),
    investigators: investigatorLogs(config, g, src.trace, asOf, l.next),
  };
}

/** Fractions of the file held by peer p whose copy came directly from the subject, or from it through others. */
export function shares(l: Ledger, p: number): { direct: number; downstream: number } {
  const s = l.subject;
  return {
    direct: copyBytes(l, p, (source) => source === s) / l.g.size,
    downstream: copyBytes(l, p, (source, lineage) => lineage === 1 && source !== s) / l.g.size,
  };
}

function holdsVerifiedBlockFrom(l: Ledger, p: number, s: number): boolean {
  const { g } = l;
  for (let piece = 0; piece < g.pieces; piece++) {
    if (l.verified[p * g.pieces + piece] !== 1) continue;
    const first = piece * g.blocksPerPiece;
    for (let b = first; b < first + blocksInPiece(g, piece); b++) if (l.source[p * g.blockIds + b] === s) return true;
  }
  return false;
}

/**
 * Peers informed by a bitfield or a have, how far the rebuilt connections disagree with the HAVE
 * records, and the recipients of each HAVE record (peer ids, ascending).
 */
function informed(l: Ledger, asOf: number): { peersInformed: number; haveRecipientsMismatch: number; haveTo: number[][] } {
  const c = l.connections;
  /** By remote: time (µs) of the first bitfield or have the subject sent on that connection. */
  const firstSent = new Map<number, number>();
  for (const link of c.links.values()) if (link.bitfieldIndex >= 0) firstSent.set(link.remote, link.bitfieldTime);
  let mismatch = 0;
  const haveTo: number[][] = [];
  for (const h of l.haveRecords) {
    let reached = 0;
    const to: number[] = [];
    for (const link of c.links.values()) {
      if (!openAtSubject(link, h.index, h.time)) continue;
      // A have sent on one connection only (a lazy bitfield's, a super-seed's offer) reached that peer alone.
      if (h.to !== BROADCAST && link.remote !== h.to) continue;
      reached++;
      to.push(link.remote);
      const t = firstSent.get(link.remote);
      if (t === undefined || h.time < t) firstSent.set(link.remote, h.time);
    }
    mismatch += Math.abs(h.recipients - reached);
    haveTo.push(to.sort((a, b) => a - b));
  }
  let peersInformed = 0;
  // A pair gets one connection at most, so if the first message on it did not arrive, no later one did.
  for (const [remote, t] of firstSent) if (delivered(c, c.links.get(remote)!, t, asOf)) peersInformed++;
  return { peersInformed, haveRecipientsMismatch: mismatch, haveTo };
}

/** The subject's BITFIELD and HAVE records merged in trace order; `haveTo` holds each HAVE record's recipients. */
function advertisedMessages(l: Ledger, haveTo: number[][]): AdvertisedMessage[] {
  const names = l.config.peers.map((p) => p.name);
  const all = l.g.pieces;
  const out: AdvertisedMessage[] = [];
  const bf = l.bitfieldRecords;
  const hv = l.haveRecords;
  // Pieces verified so far, kept sorted as the bitfields walk forward through verifyOrder.
  const held = new Uint8Array(all);
  let heldUpTo = 0;
  let i = 0;
  let j = 0;
  while (i < bf.length || j < hv.length) {
    if (j >= hv.length || (i < bf.length && bf[i]!.index < hv[j]!.index)) {
      const b = bf[i++]!;
      let pieces: number[];
      if (b.held === all && l.verifyOrder.length === 0) pieces = Array.from({ length: all }, (_, k) => k);
      else {
        for (; heldUpTo < b.held; heldUpTo++) held[l.verifyOrder[heldUpTo]!] = 1;
        pieces = [];
        for (let k = 0; k < all; k++) if (held[k] === 1) pieces.push(k);
      }
      // A lazy bitfield left out the pieces of the haves that follow it.
      if (b.hidden > 0) {
        const hidden = new Set(hv.slice(j, j + b.hidden).map((h) => h.piece));
        pieces = pieces.filter((p) => !hidden.has(p));
      }
      out.push({ kind: 'bitfield', at: sec(b.time), to: [names[b.to]!], pieces, verified: true });
    } else {
      const h = hv[j]!;
      out.push({ kind: 'have', at: sec(h.time), to: haveTo[j]!.map((p) => names[p]!), pieces: [h.piece], verified: h.verified });
      j++;
    }
  }
  return out;
}

/** Per peer the subject unchoked, in scenario order: its unchoke intervals in seconds, open ones ending at `asOf` (µs). */
function unchokedIntervals(l: Ledger, asOf: number): UnchokedPeer[] {
  return [...l.unchoked.keys()]
    .sort((a, b) => a - b)
    .map((p) => ({
      name: l.config.peers[p]!.name,
      intervals: l.unchoked.get(p)!.map((x): [number, number] => [sec(x.from), sec(x.to ?? Math.max(asOf, x.from))]),
    }));
}
