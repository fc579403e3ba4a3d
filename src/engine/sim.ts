// The stepping API over the swarm: one event forward, forward to a time, and back to any earlier
// moment. Going back restores the latest checkpoint (a copy of the plain-data state, clone.ts) at or
// before the target, truncates the trace to its length then, and replays forward deterministically,
// so the state after a seek back is exactly the state the run had when it first passed that moment.
import { nextTime, take } from './heap';
import { canProgress, type Peer, type SimState } from './state';
import { restoreSnapshot, snapshotBytes, takeSnapshot, type Snapshot } from './clone';
import { dispatch } from './swarm';
import { messageKind } from './wire';
import { createWorld, E, forEachScheduled, pendingUploads, type World } from './world';
import { blockLength, type Geometry } from './torrent';
import { createTrace, truncate, type Trace } from './trace';
import { traceHash, type Hasher } from './trace-hash';
import { MAX_SIM_TIME, MESSAGE_NAMES, type MessageName, type PeerResult, type PeerSpec, type SimConfig, type SimResult } from './types';

export const ENGINE_VERSION = '1';

/** Simulated time without any block arriving after which a run without stopAt checks for a stall. */
export const STALL_AFTER = 60_000_000;

export interface SimOptions {
  /** Simulated µs between checkpoints for seeking back; 0 = none (seeking back replays from the start). Default 10 s. */
  checkpointEvery?: number;
  /**
   * Bytes the checkpoints may take together, as estimated by snapshotBytes (clone.ts). Past it, every
   * other checkpoint is dropped and the interval doubles, so a long run of a big swarm keeps a
   * bounded memory and seeks replay further. Default 512 MiB.
   */
  checkpointBytes?: number;
  /**
   * A checkpoint is also at least its size ÷ this many events after the previous one, so that copying
   * the state stays a small part of the run's time however big the swarm: a 300-peer swarm's state is
   * some 13 MB (12 ms to copy in Node when this was chosen, 7 ms since connection ends are flat;
   * then the time of about 6,000 of its events), and one every 10
   * simulated seconds (some 16,000 events) spent about a third of the run copying. Default 256: about
   * a tenth, and a seek replays at most some 50,000 events of such a swarm. 0 = time alone decides.
   */
  checkpointBytesPerEvent?: number;
  /**
   * Split the run by peers (README, "Inside the engine"): even and odd peers are two sides, each with
   * its own order of events at the same µs, and what one side schedules for the other is handed over
   * at window boundaries. Another run of the same swarm, with its own trace hash. Default false.
   */
  split?: boolean;
}

type EndReason = NonNullable<SimState['endReason']>;

/**
 * The end test of a split run without stopAt, at window boundary `at` once every event before it has
 * run: from each side's counts (Split.counts), the last block arrival on either side, and, when a
 * stall check is due, whether any present peer can still get a piece (asked only then). The reason
 * to end there, or null.
 */
export function endAtBoundary(st: SimState, at: number, counts: ArrayLike<number>, lastArrivalAt: number, progress: () => boolean): EndReason | null {
  if (counts[0]! + counts[1]! !== 0) return null;
  const present = counts[2]! + counts[3]!;
  if (present === 0) return 'idle';
  if (counts[4]! + counts[5]! === present) return 'complete';
  if (at - lastArrivalAt >= STALL_AFTER && at >= st.nextStallCheck) {
    st.nextStallCheck = at + STALL_AFTER;
    if (!progress()) return 'stalled';
  }
  return null;
}

/** A peer's entry in the result: its spec's fields, what it did, and the bytes its blocks delivered. */
export function peerResult(spec: PeerSpec, p: Pick<Peer, 'joinedAt' | 'leftAt' | 'completedAt' | 'downloadedBytes'>, uploadedBytes: number, piecesHave: number): PeerResult {
  return {
    name: spec.name,
    seed: spec.seed,
    subject: spec.subject,
    upload: spec.upload,
    download: spec.download,
    joinedAt: p.joinedAt,
    leftAt: p.leftAt,
    completedAt: p.completedAt,
    uploadedBytes,
    downloadedBytes: p.downloadedBytes,
    piecesHave,
  };
}

/** Payload bytes of the blocks being sent or travelling: every SEND_DONE and ARRIVE scheduled (world.ts forEachScheduled). */
export function inFlightBytes(st: SimState, g: Geometry): number {
  let bytes = 0;
  forEachScheduled(st, (_time, kind, _a, _b, block) => {
    if (kind === E.SEND_DONE || kind === E.ARRIVE) bytes += blockLength(g, block);
  });
  return bytes;
}

interface Checkpoint {
  eventCount: number;
  state: Snapshot;
  traceLength: number;
  auxLength: number;
  bytes: number;
}


export class Sim {
  readonly config: SimConfig;
  readonly trace: Trace;
  private w: World;
  private checkpointEvery: number;
  private readonly checkpointBudget: number;
  private readonly checkpoints: Checkpoint[] = [];
  private checkpointTotal = 0;
  private nextCheckpointAt = 0;
  private readonly bytesPerEvent: number;
  /** The event count before which no checkpoint is taken (see checkpointBytesPerEvent). */
  private nextCheckpointEvents = 0;

  constructor(config: SimConfig, options: SimOptions = {}) {
    this.config = config;
    this.trace = createTrace();
    this.w = createWorld(config, this.trace, options.split ?? false);
    this.checkpointEvery = options.checkpointEvery ?? 10_000_000;
    this.checkpointBudget = options.checkpointBytes ?? 512 * 1024 * 1024;
    this.bytesPerEvent = options.checkpointBytesPerEvent ?? 256;
    if (this.checkpointEvery > 0) this.takeCheckpoint();
  }

  /** Current simulated time, µs. */
  get now(): number {
    return this.w.st.now;
  }
  /** Events processed so far. */
  get eventCount(): number {
    return this.w.st.eventCount;
  }
  get done(): boolean {
    return this.w.st.done;
  }
  get geometry(): Geometry {
    return this.w.g;
  }
  /** The live state, for read-only views (render, analysis, tests). Never mutate it. */
  get state(): Readonly<SimState> {
    return this.w.st;
  }
  /** Time of the next event, or null at the end. */
  get nextEventTime(): number | null {
    const t = nextTime(this.w.st.queue);
    return t === Infinity || this.w.st.done ? null : t;
  }

  private limit(): number {
    return this.config.stopAt ?? MAX_SIM_TIME;
  }

  private takeCheckpoint(): void {
    const st = this.w.st;
    const last = this.checkpoints[this.checkpoints.length - 1];
    // Replaying after a seek back: the checkpoints further on are still valid (the run is
    // deterministic), so keep them rather than clone the state again.
    if (last === undefined || st.eventCount > last.eventCount) {
      const state = takeSnapshot(st);
      const bytes = snapshotBytes(state);
      this.checkpoints.push({
        eventCount: st.eventCount,
        state,
        traceLength: this.trace.length,
        auxLength: this.trace.auxLength,
        bytes,
      });
      this.checkpointTotal += bytes;
      if (this.checkpointTotal > this.checkpointBudget && this.checkpoints.length > 2) this.thinCheckpoints();
    }
    this.scheduleCheckpoint(this.checkpoints[this.checkpoints.length - 1]!.bytes);
  }

  /** The next checkpoint: one interval of simulated time on, and enough events on for one of `bytes`. */
  private scheduleCheckpoint(bytes: number): void {
    const st = this.w.st;
    this.nextCheckpointAt = st.now + this.checkpointEvery;
    this.nextCheckpointEvents = st.eventCount + (this.bytesPerEvent > 0 ? Math.ceil(bytes / this.bytesPerEvent) : 0);
  }

  private checkpointReached(t: number): boolean {
    return this.checkpointEvery > 0 && t >= this.nextCheckpointAt && this.w.st.eventCount >= this.nextCheckpointEvents;
  }

  /**
   * While true, step() leaves a due checkpoint for checkpointIfDue() to take. The app sets it while
   * it plays, so that the copy (milliseconds for a big swarm) is made when the page is idle rather
   * than inside an animation frame; seeks and runs leave it false and take checkpoints as they pass.
   * A checkpoint can be any state: a seek to t restores the latest one whose clock is ≤ t and runs
   * every event up to t from there.
   */
  deferCheckpoints = false;

  /** A checkpoint is due (deferred by deferCheckpoints, or not yet taken). */
  get checkpointDue(): boolean {
    return !this.w.st.done && this.checkpointReached(this.w.st.now);
  }

  /** Take the due checkpoint now, of the state as it is; false when none is due. */
  checkpointIfDue(): boolean {
    if (!this.checkpointDue) return false;
    this.takeCheckpoint();
    return true;
  }

  /** Over budget: keep the first checkpoint and every other one after it, and space new ones twice as far. */
  private thinCheckpoints(): void {
    let w = 1;
    for (let i = 2; i < this.checkpoints.length; i += 2) this.checkpoints[w++] = this.checkpoints[i]!;
    this.checkpoints.length = w;
    this.checkpointTotal = this.checkpoints.reduce((sum, cp) => sum + cp.bytes, 0);
    this.checkpointEvery *= 2;
  }

  /** Checkpoints held, and the simulated µs between new ones (for tests and the app's figures). */
  get checkpointStats(): { count: number; bytes: number; every: number } {
    return { count: this.checkpoints.length, bytes: this.checkpointTotal, every: this.checkpointEvery };
  }

  /** Process one event. Returns false when the run has ended. */
  step(): boolean {
    const st = this.w.st;
    if (st.done) return false;
    const q = st.queue;
    const t = nextTime(q);
    if (t === Infinity) return this.finish('idle', st.now);
    if (t > this.limit()) return this.finish(this.config.stopAt !== null ? 'stopAt' : 'cap', this.limit());
    const sp = st.split;
    // A split run with windows ends at a window boundary (so that two threads, each with one side,
    // can tell): the first one at which the end test holds.
    const windowed = sp !== null && sp.window > 0;
    if (windowed && this.config.stopAt === null) {
      for (; sp.checkAt <= t; sp.checkAt += sp.window) {
        const why = endAtBoundary(st, sp.checkAt, sp.counts, st.lastArrivalAt, () => canProgress(st, this.w.g.pieces));
        if (why !== null) return this.finish(why, sp.checkAt);
      }
    }
    if (!this.deferCheckpoints && this.checkpointReached(t)) this.takeCheckpoint();
    take(q);
    st.now = t;
    st.eventCount++;
    dispatch(this.w, q.evKind, q.evA, q.evB, q.evC, q.evD);
    if (this.config.stopAt === null && !windowed && st.pendingJoins === 0) {
      if (st.present === 0) return this.finish('idle', st.now);
      if (st.presentComplete === st.present) return this.finish('complete', st.now);
      // A swarm that can never complete (the last copy of a piece left) would otherwise rechoke
      // until the 24 h cap: once no block has arrived for STALL_AFTER, check whether any present
      // peer can still get anything, and end the run if none can.
      if (st.now - st.lastArrivalAt >= STALL_AFTER && st.now >= st.nextStallCheck) {
        st.nextStallCheck = st.now + STALL_AFTER;
        if (!canProgress(st, this.w.g.pieces)) return this.finish('stalled', st.now);
      }
    }
    return true;
  }

  private finish(reason: EndReason, at: number): false {
    const st = this.w.st;
    st.done = true;
    st.endReason = reason;
    st.now = at;
    return false;
  }

  /** Process every event with time ≤ t (µs); the clock then reads t unless the run ended first. */
  runUntil(t: number): void {
    const st = this.w.st;
    const q = st.queue;
    while (!st.done) {
      const next = nextTime(q);
      if (next !== Infinity && next > t && t <= this.limit()) break;
      if (!this.step()) return;
    }
    if (!st.done && t > st.now) st.now = t;
  }

  /** Run to the end. */
  run(): void {
    while (this.step());
  }

  /** The latest checkpoint that `ok` accepts, or undefined. */
  private latest(ok: (cp: Checkpoint) => boolean): Checkpoint | undefined {
    for (let i = this.checkpoints.length - 1; i >= 0; i--) if (ok(this.checkpoints[i]!)) return this.checkpoints[i];
    return undefined;
  }

  /**
   * Continue from a checkpoint. The trace keeps its chunks past this point: a replay rewrites those
   * records with the same values, and a later checkpoint can be restored without replaying to it.
   */
  private restore(cp: Checkpoint): void {
    this.trace.length = cp.traceLength;
    this.trace.auxLength = cp.auxLength;
    this.w = { ...this.w, st: restoreSnapshot(cp.state) };
    this.scheduleCheckpoint(cp.bytes);
  }

  private restoreBefore(ok: (cp: Checkpoint) => boolean): void {
    const cp = this.latest(ok);
    if (cp !== undefined) return this.restore(cp);
    // No checkpoints: start again from the beginning.
    truncate(this.trace, 0, 0);
    this.w = createWorld(this.config, this.trace, this.w.st.split !== null);
  }

  /**
   * Go to time t (µs), forward or back: afterwards every event with time ≤ t has been processed.
   * Either way the run continues from the latest checkpoint at or before t when that is closer than
   * where it is now, so a jump to a moment reached before costs at most one checkpoint interval.
   */
  seek(t: number): void {
    // At a checkpoint every event up to its clock has run and the next one is later, so any
    // checkpoint whose clock is ≤ t is a valid place to replay from.
    if (t < this.now) this.restoreBefore((cp) => cp.state.now <= t);
    else this.restoreAhead((cp) => cp.state.now <= t);
    this.runUntil(t);
  }

  /** Go to the state right after event number n (0 = before any event), forward or back. */
  seekEvent(n: number): void {
    if (n < this.eventCount) this.restoreBefore((cp) => cp.eventCount <= n);
    else this.restoreAhead((cp) => cp.eventCount <= n);
    while (this.eventCount < n && this.step());
  }

  /** Forward: skip to the latest acceptable checkpoint if the run has been past it before. */
  private restoreAhead(ok: (cp: Checkpoint) => boolean): void {
    if (this.w.st.done) return;
    const cp = this.latest(ok);
    if (cp !== undefined && cp.eventCount > this.eventCount) this.restore(cp);
  }

  /** One event back. */
  stepBack(): void {
    if (this.eventCount > 0) this.seekEvent(this.eventCount - 1);
  }

  /** Pieces peer i holds now. */
  peerPieces(i: number): number {
    return this.w.st.peers[i]!.haveCount;
  }

  /** SHA-256 of the trace's canonical form (hex). */
  traceHash(hasher?: Hasher): string {
    return traceHash(this.trace, hasher);
  }

  result(): SimResult {
    const st = this.w.st;
    const messages = {} as Record<MessageName, number>;
    for (const name of MESSAGE_NAMES) messages[name] = st.msgCount[messageKind(name)]!;
    const uploaded = pendingUploads(st);
    return {
      endTime: st.now,
      endReason: st.endReason ?? 'running',
      peers: st.peers.map((p, i) => peerResult(this.config.peers[i]!, p, p.uploadedBytes + (uploaded?.[i] ?? 0), p.haveCount)),
      lostBytes: st.lostBytes,
      inFlightBytes: inFlightBytes(st, this.w.g),
      messages,
      traceEvents: this.trace.length,
    };
  }
}
