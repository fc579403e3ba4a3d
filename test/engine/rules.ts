// Reading a run the way the protocol rules talk about it: from the trace (src/engine/trace.ts) and the
// config only, so that these helpers survive changes to the engine's internal state. Where a moment is
// not in the trace (a message's arrival), it is derived from the config: a connection's one-way latency
// is the sum of both ends' latencies, and every message on a connection takes exactly that long.
import { rechokeRows as traceRechokeRows, type RechokeRow } from '../../src/engine/inspect';
import { Sim } from '../../src/engine/sim';
import { BROADCAST, records, T, type TraceRecord } from '../../src/engine/trace';
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { KiB, peer, S, swarm } from './helpers';

export const BLOCK = 16384;

/** Two seeds (one joins at 4 s), nine leechers: staggered joins, one leaves at 12 s, one capped download. */
export function mixedSwarm(seed = 1, blocksPerPiece = 2): SimConfig {
  const peers: PeerSpec[] = [
    peer('S1', { seed: true, upload: 96 * KiB, latency: 20_011 }),
    peer('S2', { seed: true, upload: 48 * KiB, latency: 35_017, joinAt: 4 * S + 333 }),
  ];
  for (let i = 0; i < 9; i++) {
    peers.push(
      peer(`L${i}`, {
        upload: [16, 32, 48, 24][i % 4]! * KiB,
        latency: 5_003 + 7_919 * i,
        joinAt: i < 5 ? 0 : 3 * S + 1_000 * i,
        leaveAt: i === 3 ? 12 * S + 17 : null,
        download: i === 7 ? 80 * KiB : null,
      }),
    );
  }
  // 24 pieces (of 32 KiB by default), the last one 16 KiB + 1,000 bytes.
  const pieceLength = blocksPerPiece * 16 * KiB;
  return swarm(peers, { pieces: 24, pieceLength, size: 23 * pieceLength + 16 * KiB + 1000, seed });
}


/**
 * A choke-heavy swarm: every leecher rechokes (and rotates its optimistic unchoke) every 2 s, with long
 * latencies, so that many requests are in flight when a choke goes out or arrive while choked.
 */
export function churnSwarm(seed = 1): SimConfig {
  return swarm(
    [
      peer('seed', { seed: true, upload: 40 * KiB, latency: 60_001 }),
      ...Array.from({ length: 8 }, (_, i) =>
        peer(`L${i}`, { upload: 24 * KiB, latency: 45_007 + 1_009 * i, settings: { unchokeInterval: 2 * S, optimisticUnchokeInterval: 2 * S } }),
      ),
    ],
    { pieces: 24, pieceLength: 32 * KiB, seed },
  );
}

/** Run to the end (no checkpoints: tests never seek back unless they say so). */
/** Run `cfg` to its end (split: in a run split by peers, SimOptions.split). */
export function run(cfg: SimConfig, split = false): Sim {
  const sim = new Sim(cfg, { checkpointEvery: 0, split });
  sim.run();
  return sim;
}

export function all(sim: Sim): TraceRecord[] {
  return [...records(sim.trace)];
}

export const KIND_NAME: Record<number, string> = Object.fromEntries(Object.entries(T).map(([k, v]) => [v, k]));

/** Wire messages with one recipient (`to`): every BEP 3 message but the have broadcast. */
const DIRECTED = new Set<number>([T.CHOKE, T.UNCHOKE, T.INTERESTED, T.NOT_INTERESTED, T.BITFIELD, T.REQUEST, T.PIECE, T.CANCEL]);
export function isDirectedMessage(r: TraceRecord): boolean {
  return DIRECTED.has(r.kind);
}

/** Records that involve peer i as sender or subject (`from`) or as recipient (`to` of a directed record). */
export function involves(r: TraceRecord, i: number): boolean {
  if (r.from === i) return true;
  const directed = DIRECTED.has(r.kind) || r.kind === T.HANDSHAKE || r.kind === T.RECEIVED || r.kind === T.LOST || r.kind === T.REFUSED;
  return directed && r.to === i && r.to !== BROADCAST;
}

export function latency(cfg: SimConfig, a: number, b: number): number {
  return cfg.peers[a]!.latency + cfg.peers[b]!.latency;
}

export function pairKey(a: number, b: number): string {
  return a < b ? `${a}-${b}` : `${b}-${a}`;
}

/** Piece of a block id and the block's payload length, from the geometry rule (16 KiB, shorter tail). */
export function blockInfo(cfg: SimConfig, block: number): { piece: number; index: number; length: number; exists: boolean } {
  const t = cfg.torrent;
  const perPiece = t.pieceLength / BLOCK;
  const piece = Math.floor(block / perPiece);
  const index = block - piece * perPiece;
  const pieceBytes = piece === t.pieces - 1 ? t.size - (t.pieces - 1) * t.pieceLength : t.pieceLength;
  const begin = index * BLOCK;
  return { piece, index, length: Math.max(0, Math.min(BLOCK, pieceBytes - begin)), exists: piece < t.pieces && begin < pieceBytes };
}

export function blocksOfPiece(cfg: SimConfig, piece: number): number[] {
  const perPiece = cfg.torrent.pieceLength / BLOCK;
  const out: number[] = [];
  for (let k = 0; k < perPiece; k++) if (blockInfo(cfg, piece * perPiece + k).exists) out.push(piece * perPiece + k);
  return out;
}

/** A RECHOKE record's ranking table, as the inspector reads it (inspect.ts). */
export function rechokeRows(sim: Sim, r: TraceRecord): RechokeRow[] {
  return traceRechokeRows(sim.trace, r.x, r.y);
}

/** The peers a tracker answer returned. */
export function announced(sim: Sim, r: TraceRecord): number[] {
  return Array.from(sim.trace.aux.subarray(r.x, r.x + r.y));
}

/** Pieces each peer holds at a trace index: the seed's from the start, the others' once VERIFIED. */
export class Holdings {
  private readonly have: Set<number>[];
  constructor(private readonly cfg: SimConfig) {
    this.have = cfg.peers.map((p) => new Set<number>(p.seed ? Array.from({ length: cfg.torrent.pieces }, (_, i) => i) : []));
  }
  /** Feed every record in order. */
  see(r: TraceRecord): void {
    if (r.kind === T.VERIFIED) this.have[r.from]!.add(r.x);
  }
  has(peer: number, piece: number): boolean {
    return this.have[peer]!.has(piece);
  }
  count(peer: number): number {
    return this.have[peer]!.size;
  }
}

export interface Connection {
  initiator: number;
  acceptor: number;
  /** Time of the initiator's handshake. */
  initiatedAt: number;
  /** Trace index and time of the acceptor's handshake (the acceptor's end opens then). */
  acceptedIndex: number;
  acceptedAt: number;
  /** When the initiator's end opens: the acceptor's handshake reaching it. */
  initiatorOpenAt: number;
  /** Trace index of the LEAVE that closed it, or Infinity. */
  closedIndex: number;
  /** The peer that left (closedIndex), its time, or −1 and Infinity. */
  leaver: number;
  closedAt: number;
}

export interface ConnectionLog {
  /** Every handshake that got an answer, in the order of the answers. */
  connections: Connection[];
  /** Initiations (index of the initiator's HANDSHAKE record), refused or not. */
  initiations: { from: number; to: number; index: number; time: number; refused: boolean }[];
  refused: TraceRecord[];
  /** Handshake records that are neither an initiation nor the answer to a pending one. */
  strayHandshakes: TraceRecord[];
}

/**
 * Connections from HANDSHAKE / REFUSED / LEAVE records. The first handshake of a pair is the
 * initiator's; the other side's handshake (or REFUSED) answers it. A LEAVE closes the leaver's
 * connections and silently drops its pending handshakes (the engine records nothing for those).
 */
export function connectionLog(sim: Sim): ConnectionLog {
  const cfg = sim.config;
  const pending = new Map<string, { from: number; to: number; index: number; time: number; slot: number }>();
  const open = new Map<string, Connection>();
  const log: ConnectionLog = { connections: [], initiations: [], refused: [], strayHandshakes: [] };
  for (const r of records(sim.trace)) {
    if (r.kind === T.HANDSHAKE) {
      const key = pairKey(r.from, r.to);
      const p = pending.get(key);
      if (p && p.from === r.to && p.to === r.from) {
        pending.delete(key);
        const c: Connection = {
          initiator: r.to,
          acceptor: r.from,
          initiatedAt: p.time,
          acceptedIndex: r.index,
          acceptedAt: r.time,
          initiatorOpenAt: r.time + latency(cfg, r.from, r.to),
          closedIndex: Infinity,
          leaver: -1,
          closedAt: Infinity,
        };
        open.set(key, c);
        log.connections.push(c);
      } else if (!p && !open.has(key)) {
        const init = { from: r.from, to: r.to, index: r.index, time: r.time, refused: false };
        pending.set(key, { ...init, slot: log.initiations.length });
        log.initiations.push(init);
      } else {
        log.strayHandshakes.push(r);
      }
    } else if (r.kind === T.REFUSED) {
      const key = pairKey(r.from, r.to);
      const p = pending.get(key);
      if (p && p.from === r.to && p.to === r.from) {
        log.initiations[p.slot]!.refused = true;
        pending.delete(key);
      } else log.strayHandshakes.push(r);
      log.refused.push(r);
    } else if (r.kind === T.LEAVE) {
      for (const [key, c] of open) {
        if (c.initiator === r.from || c.acceptor === r.from) {
          c.closedIndex = r.index;
          c.leaver = r.from;
          c.closedAt = r.time;
          open.delete(key);
        }
      }
      for (const [key, p] of pending) if (p.from === r.from || p.to === r.from) pending.delete(key);
    }
  }
  return log;
}

/**
 * The requests peer `from` has outstanding at `to`, replayed from the trace: a REQUEST adds a block, the
 * block arriving from `to`, a CANCEL to `to`, a CHOKE from `to` reaching `from` (BEP 3: a choke drops
 * every pending request) or either side leaving removes it. `ambiguous` is true while a choke reaches
 * `from` at exactly the time of the record being looked at (the order of simultaneous events is not in
 * the trace).
 */
export class Outstanding {
  private readonly req = new Map<string, Set<number>>();
  /** Chokes, and in a split run closes (a leave reaching the remote), on their way: from the uploader to the downloader. */
  private readonly chokesInFlight: { from: number; to: number; arrives: number }[] = [];
  /** `split`: the run is split by peers, where a leave closes the remote's end one latency later. */
  constructor(
    private readonly cfg: SimConfig,
    private readonly split = false,
  ) {}

  private set(from: number, to: number): Set<number> {
    const k = `${from}>${to}`;
    let s = this.req.get(k);
    if (!s) this.req.set(k, (s = new Set()));
    return s;
  }

  get(from: number, to: number): ReadonlySet<number> {
    return this.set(from, to);
  }

  /** Apply the chokes that have reached their downloader strictly before time t. */
  advance(t: number): void {
    for (let i = this.chokesInFlight.length - 1; i >= 0; i--) {
      const c = this.chokesInFlight[i]!;
      if (c.arrives < t) {
        this.set(c.to, c.from).clear();
        this.chokesInFlight.splice(i, 1);
      }
    }
  }

  /** A choke (or in a split run, a close) reaches the downloader at exactly t. */
  chokeArrivingAt(downloader: number, uploader: number, t: number): boolean {
    return this.chokesInFlight.some((c) => c.to === downloader && c.from === uploader && c.arrives === t);
  }

  see(r: TraceRecord): void {
    this.advance(r.time);
    switch (r.kind) {
      case T.REQUEST:
        this.set(r.from, r.to).add(r.x);
        break;
      case T.RECEIVED:
        this.set(r.to, r.from).delete(r.x);
        break;
      case T.CANCEL:
        this.set(r.from, r.to).delete(r.x);
        break;
      case T.CHOKE:
        this.chokesInFlight.push({ from: r.from, to: r.to, arrives: r.time + latency(this.cfg, r.from, r.to) });
        break;
      case T.LEAVE:
        for (const [k, s] of this.req) {
          const [a, b] = k.split('>').map(Number) as [number, number];
          // In a split run the remote forgets its requests to the leaver when the close reaches it.
          if (this.split && b === r.from) this.chokesInFlight.push({ from: b, to: a, arrives: r.time + latency(this.cfg, a, b) });
          else if (a === r.from || b === r.from) s.clear();
        }
        break;
    }
  }
}

/** When each end of a connection opened, from a peer's point of view. */
export function openAtEnd(c: Connection, peer: number): { time: number; index: number | null } {
  // The acceptor's end opens with its handshake record; the initiator's when that handshake arrives.
  return peer === c.acceptor ? { time: c.acceptedAt, index: c.acceptedIndex } : { time: c.initiatorOpenAt, index: null };
}

export type Tri = 'yes' | 'no' | 'maybe';

/**
 * What the peers hold and know, derived from the trace and the latencies only. A peer knows that a
 * remote has piece p once the remote's bitfield (sent when the remote's end opened) or its have (sent
 * when it verified p) has arrived: at max(verified, remote's end opened) + latency. Questions asked at a
 * record in the middle of an instant answer 'maybe' when the answer hangs on the order of simultaneous
 * events, which the trace does not show; questions asked after a whole instant never do.
 */
export class Facts {
  readonly cfg: SimConfig;
  readonly log: ConnectionLog;
  /** verified[peer].get(piece) = time and index of its VERIFIED record (seeds: -Infinity, -1). */
  readonly verified: Map<number, { time: number; index: number }>[];
  private readonly byPair = new Map<string, Connection[]>();
  private readonly byPeer: Connection[][];

  constructor(readonly sim: Sim) {
    const cfg = (this.cfg = sim.config);
    this.log = connectionLog(sim);
    this.verified = cfg.peers.map((p) => {
      const m = new Map<number, { time: number; index: number }>();
      if (p.seed) for (let i = 0; i < cfg.torrent.pieces; i++) m.set(i, { time: -Infinity, index: -1 });
      return m;
    });
    for (const r of records(sim.trace)) if (r.kind === T.VERIFIED) this.verified[r.from]!.set(r.x, { time: r.time, index: r.index });
    this.byPeer = cfg.peers.map(() => []);
    for (const c of this.log.connections) {
      const k = pairKey(c.initiator, c.acceptor);
      if (!this.byPair.has(k)) this.byPair.set(k, []);
      this.byPair.get(k)!.push(c);
      this.byPeer[c.initiator]!.push(c);
      this.byPeer[c.acceptor]!.push(c);
    }
  }

  connectionsOf(peer: number): readonly Connection[] {
    return this.byPeer[peer]!;
  }

  /** Does `peer` hold the verified piece just before record `index`? */
  holdsAt(peer: number, piece: number, index: number): boolean {
    const v = this.verified[peer]!.get(piece);
    return v !== undefined && v.index < index;
  }

  /** Does `peer` hold the piece once every event of instant t has run? */
  holdsAfter(peer: number, piece: number, t: number): boolean {
    const v = this.verified[peer]!.get(piece);
    return v !== undefined && v.time <= t;
  }

  piecesHeldAt(peer: number, index: number): number {
    let n = 0;
    for (const v of this.verified[peer]!.values()) if (v.index < index) n++;
    return n;
  }

  /** Is `peer`'s end of connection c open at record `index` (time t)? */
  endOpen(c: Connection, peer: number, t: number, index: number): Tri {
    if (c.closedIndex < index) {
      // In a split run the remote's end closes when the leave reaches it.
      if (this.sim.state.split === null || peer === c.leaver) return 'no';
      const closes = c.closedAt + latency(this.cfg, c.initiator, c.acceptor);
      if (t > closes) return 'no';
      if (t === closes) return 'maybe';
    }
    const o = openAtEnd(c, peer);
    if (o.index !== null) return o.index < index ? 'yes' : 'no';
    return o.time < t ? 'yes' : o.time === t ? 'maybe' : 'no';
  }

  /** How many of `peer`'s connections are surely open (lo) and possibly open (hi) at record `index` (time t). */
  openCount(peer: number, t: number, index: number): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (const c of this.connectionsOf(peer)) {
      const open = this.endOpen(c, peer, t, index);
      if (open === 'yes') lo++;
      if (open !== 'no') hi++;
    }
    return { lo, hi };
  }

  /** The connection between a and b whose record range covers `index` (the latest accepted before it). */
  connection(a: number, b: number, index: number): Connection | undefined {
    const list = this.byPair.get(pairKey(a, b));
    if (!list) return undefined;
    let found: Connection | undefined;
    for (const c of list) if (c.acceptedIndex < index) found = c;
    return found;
  }

  /** When `peer` learns that `remote` (on connection c) has `piece`, or Infinity. */
  knownAt(c: Connection, peer: number, remote: number, piece: number): number {
    const v = this.verified[remote]!.get(piece);
    if (v === undefined) return Infinity;
    // A piece verified after the connection closed never gets there.
    if (v.index > c.closedIndex) return Infinity;
    return Math.max(v.time, openAtEnd(c, remote).time) + latency(this.cfg, peer, remote);
  }

  /** Does `peer` know, at record `index` (time t), that `remote` has `piece`? */
  knows(c: Connection, peer: number, remote: number, piece: number, t: number, index: number): Tri {
    const open = this.endOpen(c, peer, t, index);
    if (open === 'no') return 'no';
    const k = this.knownAt(c, peer, remote, piece);
    const known: Tri = k < t ? 'yes' : k === t ? 'maybe' : 'no';
    if (known === 'no') return 'no';
    return open === 'yes' && known === 'yes' ? 'yes' : 'maybe';
  }

  /** Copies of `piece` in `peer`'s peer set as it knows them at record `index` (time t): [lo, hi]. */
  avail(peer: number, piece: number, t: number, index: number): { lo: number; hi: number } {
    let lo = 0;
    let hi = 0;
    for (const c of this.byPeer[peer]!) {
      const remote = c.initiator === peer ? c.acceptor : c.initiator;
      const k = this.knows(c, peer, remote, piece, t, index);
      if (k === 'yes') lo++;
      if (k !== 'no') hi++;
    }
    return { lo, hi };
  }
}

/**
 * Each peer's peer set as the limits count it (mainline: 40 initiated, 80 in all), replayed from the
 * trace: a peer's own handshakes count from the moment it sends them until refused or closed; a
 * connection it accepted counts from its answering handshake. Nothing here depends on latencies, so the
 * counts just before any record are exact — except while a connection whose other side left is still
 * settling (`unsettled`): the engine forgets such an attempt when the next message would have reached it.
 */
export class PeerSets {
  /** pairKey → attempt, while pending or open. */
  private readonly attempts = new Map<string, { initiator: number; acceptor: number; open: boolean }>();
  private readonly limbo: { peer: number; until: number }[] = [];
  constructor(private readonly cfg: SimConfig) {}

  /** Handshakes sent by `peer` not refused or closed (pending or open). */
  initiated(peer: number): number {
    let n = 0;
    for (const a of this.attempts.values()) if (a.initiator === peer) n++;
    return n;
  }

  /** Open connections plus own handshakes in progress. */
  size(peer: number): number {
    let n = 0;
    for (const a of this.attempts.values()) if (a.initiator === peer || (a.acceptor === peer && a.open)) n++;
    return n;
  }

  /** Accepted connections open now. */
  accepted(peer: number): number {
    let n = 0;
    for (const a of this.attempts.values()) if (a.acceptor === peer && a.open) n++;
    return n;
  }

  paired(a: number, b: number): boolean {
    return this.attempts.has(pairKey(a, b));
  }

  /** A connection of `peer` whose other side left is still settling at time t. */
  unsettled(peer: number, t: number): boolean {
    return this.limbo.some((l) => l.peer === peer && l.until >= t);
  }

  see(r: TraceRecord): void {
    const key = pairKey(r.from, r.to);
    if (r.kind === T.HANDSHAKE) {
      const a = this.attempts.get(key);
      if (a && !a.open && a.initiator === r.to) a.open = true;
      else this.attempts.set(key, { initiator: r.from, acceptor: r.to, open: false });
    } else if (r.kind === T.REFUSED) {
      this.attempts.delete(key);
    } else if (r.kind === T.LEAVE) {
      for (const [k, a] of this.attempts) {
        if (a.initiator !== r.from && a.acceptor !== r.from) continue;
        this.attempts.delete(k);
        const other = a.initiator === r.from ? a.acceptor : a.initiator;
        // The other side learns of it when its handshake or the answer would have arrived.
        this.limbo.push({ peer: other, until: r.time + 2 * latency(this.cfg, a.initiator, a.acceptor) });
      }
    }
  }
}
