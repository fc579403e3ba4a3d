// When each narration step fires, read from the trace: a step waits for a time or for an engine event
// (a peer's first upload, a completion, a leave, a rechoke, a piece reaching some number of copies…).
// The app shows a step once its playhead has played `after` records; tests and the CLI check that every
// step of a library scenario fires. Incremental: feed() reads only the records appended since the last
// call, so the browser can follow a run as it grows, at a few comparisons per record.
//
// The triggers arrive resolved (peer names → indices, seconds → µs) by src/scenario/narration.ts; the
// types are repeated here, not imported, because analysis/ may not import scenario/.
import { CHUNK, CHUNK_BITS, SLOT, T, type Trace } from '../engine/trace';
import { NARRATION_EVENTS, type SimConfig } from '../engine/types';

export { NARRATION_EVENTS };
export type NarrationEvent = (typeof NARRATION_EVENTS)[number];

export interface EventTrigger {
  event: NarrationEvent;
  /** The acting peers (indices into config.peers); null = any peer (for `complete`: any that did not start as a seed). */
  peers: readonly number[] | null;
  /** The other end (unchoke, choke, optimistic-unchoke, first-upload, cancel, banned); null = any. */
  to: readonly number[] | null;
  /** verified, replication: this piece only; null = any piece. */
  piece: number | null;
  /** replication: copies held by present peers (an initial seed holds every piece from its join). */
  copies: number | null;
  /** Fire at the count-th matching record (1 = the first). */
  count: number;
}

/** A time in µs, or an event. */
export type NarrationTrigger = { at: number } | EventTrigger;

export interface Firing {
  /** µs */
  time: number;
  /** The record that fired the step; null for a time trigger. */
  record: number | null;
  /** Records played when the step shows: record + 1 for an event, records before `time` for a time. */
  after: number;
}

/** Copies per piece among present peers, kept only when some trigger asks for replication. */
class Replication {
  readonly copies: Int32Array;
  private readonly held: (Uint8Array | undefined)[] = [];
  constructor(private readonly pieces: number) {
    this.copies = new Int32Array(pieces);
  }
  joinSeed(peer: number): void {
    const held = new Uint8Array(this.pieces).fill(1);
    this.held[peer] = held;
    for (let i = 0; i < this.pieces; i++) this.copies[i]!++;
  }
  verify(peer: number, piece: number): void {
    const held = (this.held[peer] ??= new Uint8Array(this.pieces));
    if (held[piece]) return;
    held[piece] = 1;
    this.copies[piece]!++;
  }
  leave(peer: number): void {
    const held = this.held[peer];
    if (held === undefined) return;
    for (let i = 0; i < this.pieces; i++) if (held[i]) this.copies[i]!--;
    this.held[peer] = undefined;
  }
}

const inSet = (set: readonly number[] | null, id: number): boolean => set === null || set.includes(id);

export class NarrationWatcher {
  /** One entry per trigger: when it fired, or null while it has not. */
  readonly firings: (Firing | null)[];
  private readonly triggers: readonly NarrationTrigger[];
  private readonly config: SimConfig;
  private readonly seen: number[];
  private readonly replication: Replication | null;
  /** The peer holding each peer's optimistic slot (-1: none), for optimistic-unchoke. */
  private readonly optimistic: Int32Array;
  private readonly uploaded: Uint8Array;
  private next = 0;
  private pendingTimes: number;

  constructor(config: SimConfig, triggers: readonly NarrationTrigger[]) {
    this.config = config;
    this.triggers = triggers;
    this.firings = triggers.map(() => null);
    this.seen = triggers.map(() => 0);
    const wantsReplication = triggers.some((t) => 'event' in t && t.event === 'replication');
    this.replication = wantsReplication ? new Replication(config.torrent.pieces) : null;
    this.optimistic = new Int32Array(config.peers.length).fill(-1);
    this.uploaded = new Uint8Array(config.peers.length);
    this.pendingTimes = triggers.filter((t) => 'at' in t).length;
  }

  get done(): boolean {
    return this.firings.every((f) => f !== null);
  }

  /**
   * Read the records appended since the last call. Records are never rewritten, only truncated when
   * the run seeks back; a watcher then starts afresh (replay is deterministic: it fires the same).
   */
  feed(trace: Trace): void {
    if (trace.length < this.next) throw new Error('the trace was truncated (a seek back): start a new NarrationWatcher');
    const chunks = trace.chunks;
    for (let i = this.next; i < trace.length; i++) {
      const c = chunks[i >>> CHUNK_BITS]!;
      const j = i & (CHUNK - 1);
      const time = c.time[j]!;
      if (this.pendingTimes > 0) this.fireTimes(time, i);
      this.onRecord(trace, i, time, c.kind[j]!, c.from[j]!, c.to[j]!, c.x[j]!, c.y[j]!);
    }
    this.next = trace.length;
  }

  /**
   * The clock reached `time` with every record so far read (the end of a run, or the playhead between
   * records): time triggers up to it fire, after every record read.
   */
  advanceTo(time: number): void {
    if (this.pendingTimes > 0) this.fireTimes(time, this.next);
  }

  /** Time triggers at or before `time` fire before record `index`: a step at 30 s shows before what happens at 30 s. */
  private fireTimes(time: number, index: number): void {
    this.triggers.forEach((t, k) => {
      if (!('at' in t) || this.firings[k] !== null || t.at > time) return;
      this.firings[k] = { time: t.at, record: null, after: index };
      this.pendingTimes--;
    });
  }

  private fire(k: number, index: number, time: number): void {
    if (++this.seen[k]! < (this.triggers[k] as EventTrigger).count) return;
    this.firings[k] = { time, record: index, after: index + 1 };
  }

  private onRecord(trace: Trace, index: number, time: number, kind: number, from: number, to: number, x: number, y: number): void {
    const rep = this.replication;
    if (rep !== null) {
      if (kind === T.JOIN && this.config.peers[from]?.seed) rep.joinSeed(from);
      else if (kind === T.VERIFIED) rep.verify(from, x);
      else if (kind === T.LEAVE) rep.leave(from);
    }
    const optimisticTo = kind === T.RECHOKE ? this.rotateOptimistic(trace, from, x, y) : -1;
    const firstUpload = kind === T.PIECE && this.uploaded[from] === 0;
    this.triggers.forEach((t, k) => {
      if (this.firings[k] !== null || !('event' in t)) return;
      if (this.matches(t, kind, from, to, x, optimisticTo, firstUpload)) this.fire(k, index, time);
    });
    if (kind === T.PIECE) this.uploaded[from] = 1;
  }

  private matches(t: EventTrigger, kind: number, from: number, to: number, x: number, optimisticTo: number, firstUpload: boolean): boolean {
    switch (t.event) {
      case 'join':
        return kind === T.JOIN && inSet(t.peers, from);
      case 'leave':
        return kind === T.LEAVE && inSet(t.peers, from);
      case 'complete':
        // An initial seed never writes COMPLETED, so "any peer" already means any that downloaded.
        return kind === T.COMPLETED && inSet(t.peers, from);
      case 'first-upload':
        // The peer's first block to anyone, or its first block to one of `to`.
        return kind === T.PIECE && inSet(t.peers, from) && (t.to === null ? firstUpload : t.to.includes(to));
      case 'unchoke':
        return kind === T.UNCHOKE && inSet(t.peers, from) && inSet(t.to, to);
      case 'choke':
        return kind === T.CHOKE && inSet(t.peers, from) && inSet(t.to, to);
      case 'optimistic-unchoke':
        return optimisticTo >= 0 && inSet(t.peers, from) && inSet(t.to, optimisticTo);
      case 'rechoke':
        return kind === T.RECHOKE && inSet(t.peers, from);
      case 'verified':
        return kind === T.VERIFIED && inSet(t.peers, from) && (t.piece === null || t.piece === x);
      case 'cancel':
        return kind === T.CANCEL && inSet(t.peers, from) && inSet(t.to, to);
      case 'banned':
        return kind === T.BANNED && inSet(t.peers, from) && inSet(t.to, to);
      case 'replication': {
        // Copies only go up on a verification or a seed's join; a leave can only lower them.
        const copies = this.replication!.copies;
        const need = t.copies ?? 1;
        if (kind === T.VERIFIED) return (t.piece === null || t.piece === x) && copies[x] === need;
        if (kind === T.JOIN && this.config.peers[from]?.seed) return t.piece === null ? copies.some((c) => c >= need) : copies[t.piece]! >= need;
        return false;
      }
    }
  }

  /**
   * The peer that this rechoke newly gives `peer`'s optimistic slot to, or -1. Rows are 4 aux values
   * (remote, rate, slot, why); a rechoke between timer rounds lists only the slots it changes, so the
   * holder is remembered until a row gives the slot to another peer or moves the holder elsewhere.
   */
  private rotateOptimistic(trace: Trace, peer: number, offset: number, rows: number): number {
    let newly = -1;
    for (let r = 0; r < rows; r++) {
      const remote = trace.aux[offset + 4 * r]!;
      if (trace.aux[offset + 4 * r + 2] === SLOT.OPTIMISTIC) {
        if (remote !== this.optimistic[peer]) newly = remote;
        this.optimistic[peer] = remote;
      } else if (remote === this.optimistic[peer]) {
        this.optimistic[peer] = -1;
      }
    }
    return newly;
  }
}

/**
 * When each trigger fires in a finished run: `endTime` (µs) is when the run ended, so a time trigger
 * after it never fires (null), and one at or before it does even if no record follows.
 */
export function narrationFirings(trace: Trace, config: SimConfig, triggers: readonly NarrationTrigger[], endTime: number): (Firing | null)[] {
  const watcher = new NarrationWatcher(config, triggers);
  watcher.feed(trace);
  watcher.advanceTo(endTime);
  return watcher.firings;
}
