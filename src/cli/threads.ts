// A split run (README, "Inside the engine") on two threads: this thread runs the even peers' side
// (engine/side.ts), a worker the odd peers'. At each window boundary each writes what it holds for the
// other into its shared outbox, they meet at a barrier (Atomics), decide the end alike from both
// outboxes, and each takes the other's. The same events as the split run in one thread, so the same
// trace (the two merged: trace-merge.ts mergeTraces) and the same result. Asked for the trace hash, the
// worker merges and hashes what both sides have finished while it waits for this thread at the
// barriers, this thread's trace growing in shared memory (trace.ts shareTrace, trace-merge.ts TraceMerge): the
// even side, with the seed, tends to be the slower, and the odd side to wait.
import { createHash } from 'node:crypto';
// Node only (worker_threads): the modules are loaded again in the worker, through tsx as the CLI is.
import { isMainThread, MessageChannel, parentPort, receiveMessageOnPort, Worker, workerData, type MessagePort } from 'node:worker_threads';
import { prepareAux } from '../engine/room';
import { boundaryStep, mergeResults, SideRun, type SidePartial } from '../engine/side';
import { partsProgress } from '../engine/state';
import type { SimState } from '../engine/state';
import type { SimConfig, SimResult } from '../engine/types';
import { auxReserve, CHUNK, chunksMade, createTrace, prepareChunk, releaseBefore, releasedChunks, shareTrace, type Trace, type TraceChunk } from '../engine/trace';
import { mergeHashing } from '../engine/trace-merge';

/**
 * What the two threads share: the barrier's counters, each side's two outboxes (used in alternate
 * windows) and its progress parts; and, when the even side's records are in shared memory (the
 * worker hashing), how long its trace was and how many messages (new chunks, new aux values) it had
 * posted at its last boundary (`trace`).
 */
interface Shared {
  sync: SharedArrayBuffer;
  boxes: Growable[];
  parts: SharedArrayBuffer[];
  trace: SharedArrayBuffer;
}

/** Shared.trace: the even side's trace length, and the messages it has posted (chunks, aux values). */
const TRACE_LENGTH = 0;
const TRACE_POSTED = 1;
/**
 * Shared.trace, after those two (an Int32Array, for Atomics): how many of the even side's chunks, from
 * the first, the odd side has merged and let go of, for the even side to write in again.
 */
const TRACE_MERGED_AT = 16;

/** Views of Shared.trace: its counts (TRACE_LENGTH, TRACE_POSTED) and the even side's merged chunks (TRACE_MERGED_AT). */
interface TraceCounters {
  counts: Float64Array;
  evenMerged: Int32Array;
}

const traceCounters = (trace: SharedArrayBuffer): TraceCounters => ({ counts: new Float64Array(trace, 0, 2), evenMerged: new Int32Array(trace, TRACE_MERGED_AT, 1) });

/**
 * While waiting at a barrier, the hashing side merges so many records at a time, or hashes so many
 * bytes of a merged chunk (each some tens of µs), so that it goes on soon after the other arrives.
 */
const MERGE_SLICE = 2048;
const HASH_SLICE = 64 * 1024;
/** Pages brought in at a time while waiting (some 10 µs each: trace.ts prepareChunk, engine/room.ts). */
const PREPARE_PAGES = 4;

/** An outbox starts at 1 MiB and grows to this at most. */
const BOX_MAX = 2 ** 31;

/** A growable SharedArrayBuffer (ES2024; Node 20 has it, this project's TypeScript lib does not yet). */
type Growable = SharedArrayBuffer & { grow(bytes: number): void };
const GrowableSAB = SharedArrayBuffer as unknown as new (bytes: number, options: { maxByteLength: number }) => Growable;

interface SideDone {
  partial: SidePartial;
  /** Null when the run hashed: the records were let go of as they were merged. */
  trace: Trace | null;
  /** The trace's chunks: how many it filled, and how many of them it made in new memory (the rest were let go of and filled again). */
  chunks: { used: number; made: number };
  reason: NonNullable<SimState['endReason']>;
  at: number;
  /** Wall ms this side spent waiting for the other at the barriers (merging meanwhile, if it hashes). */
  waitMs: number;
  windows: number;
  /** When this side hashed (TwoThreadRun.hash). */
  hash?: TwoThreadRun['hash'];
}

/** sync: the barrier's generation, arrivals, and a flag set when a side failed. */
const FAILED = 2;
/** How long one side waits at a barrier before it gives the other up. */
const STALLED_MS = 300_000;

/**
 * A two-party barrier: the second to arrive lets both go. Spins a little before sleeping, or while
 * `idle` has work (it does a slice and says whether there is more). Throws when the other side failed
 * (so that a failure ends both, not leaves one waiting for ever).
 */
function barrier(sync: Int32Array, idle?: () => boolean): number {
  const t0 = performance.now();
  const generation = Atomics.load(sync, 0);
  if (Atomics.add(sync, 1, 1) === 1) {
    Atomics.store(sync, 1, 0);
    Atomics.add(sync, 0, 1);
    Atomics.notify(sync, 0);
  } else {
    let spins = 0;
    while (Atomics.load(sync, 0) === generation) {
      if (Atomics.load(sync, FAILED) !== 0) throw new OtherSideFailed();
      if (idle?.() === true) continue;
      if (++spins > 2000) Atomics.wait(sync, 0, generation, 100);
      // A window takes milliseconds: minutes without the other side mean it is gone (never a hang).
      if (spins % 1024 === 0 && performance.now() - t0 > STALLED_MS) throw new Error(`the other side of the split run did not reach a window boundary in ${STALLED_MS / 1000} s`);
    }
  }
  return performance.now() - t0;
}

/** Thrown at a barrier when the other side has failed: its own error is the one to report. */
class OtherSideFailed extends Error {
  constructor() {
    super('the other side of the split run failed');
  }
}

/** Tell the other side this one failed (it stops at its next barrier). */
function fail(shared: Shared): void {
  const sync = new Int32Array(shared.sync);
  Atomics.store(sync, FAILED, 1);
  Atomics.notify(sync, 0);
}

/**
 * The other side's trace as this thread sees it: the chunks it told of, the aux values it sent, and
 * the length it had at its last boundary.
 */
class TraceMirror {
  readonly trace: Trace = createTrace();
  private received = 0;
  constructor(
    private readonly port: MessagePort,
    private readonly counts: Float64Array,
  ) {}

  /** Take in what the other side told of by its last boundary, and its length then. */
  update(): void {
    const posted = this.counts[TRACE_POSTED]!;
    const t0 = performance.now();
    while (this.received < posted) {
      const m = receiveMessageOnPort(this.port);
      if (m === undefined) {
        // Posted before the other side reached the barrier this thread has passed: it is on its way.
        if (performance.now() - t0 > STALLED_MS) throw new Error('the other side of the split run told of a part of its trace that never came');
        continue;
      }
      this.received++;
      const told = m.message as TraceChunk | Float64Array;
      if (told instanceof Float64Array) {
        // Reserved first: the reserve may replace the aux column.
        const at = auxReserve(this.trace, told.length);
        this.trace.aux.set(told, at);
      } else this.trace.chunks.push(told);
    }
    this.trace.length = this.counts[TRACE_LENGTH]!;
  }
}

/**
 * The even side's trace, appended in shared memory for the odd side to merge: each new chunk told on
 * `port` at once, and at each boundary (the returned function) the aux values added since and the
 * trace's length.
 */
function tellTrace(trace: Trace, port: MessagePort, counts: Float64Array): () => void {
  shareTrace(trace, {
    chunk: (c) => {
      port.postMessage(c);
      counts[TRACE_POSTED]!++;
    },
  });
  let auxTold = 0;
  return () => {
    if (trace.auxLength > auxTold) {
      port.postMessage(trace.aux.slice(auxTold, trace.auxLength));
      counts[TRACE_POSTED]!++;
      auxTold = trace.auxLength;
    }
    counts[TRACE_LENGTH] = trace.length;
  };
}

/**
 * The odd side merging the two traces and hashing them (SHA-256) while it waits at the barriers: the
 * even side's as told on `port` (tellTrace), its own as it grows.
 */
class MergeInWaits {
  private readonly mirror: TraceMirror;
  private readonly hashing: ReturnType<typeof mergeHashing>;
  /** Both sides' records before this time are final (the last boundary), and merged once `merged`. */
  private before = 0;
  private merged = true;
  private inWaitsMs = 0;
  /** The even side's chunks merged and let go of (TRACE_MERGED_AT). */
  private readonly evenMerged: Int32Array;

  constructor(
    private readonly own: Trace,
    port: MessagePort,
    { counts, evenMerged }: TraceCounters,
  ) {
    this.mirror = new TraceMirror(port, counts);
    this.evenMerged = evenMerged;
    this.hashing = mergeHashing(this.mirror.trace, own, createHash('sha256'));
  }

  /** A slice of work while waiting (hashing a piece of a full merged chunk, else merging): whether more is left. */
  readonly idle = (): boolean => {
    const t0 = performance.now();
    let more = true;
    if (this.hashing.hashSome(HASH_SLICE)) {
      if (!this.merged) {
        const merge = this.hashing.merge;
        this.merged = merge.run(this.before, this.mirror.trace.length, this.own.length, MERGE_SLICE);
        // Merged records are read no more: this side writes its next chunks in its own merged ones,
        // and the even side in its (told through shared memory, read at its next boundary).
        releaseBefore(this.own, merge.mergedOdd);
        releaseBefore(this.mirror.trace, merge.mergedEven, false);
        Atomics.store(this.evenMerged, 0, releasedChunks(this.mirror.trace));
      }
      // Then room ahead for the even side's aux values, which each boundary copies in (engine/room.ts).
      else more = prepareAux(this.mirror.trace, PREPARE_PAGES);
    }
    this.inWaitsMs += performance.now() - t0;
    return more;
  };

  /** Both sides have run every event before boundary `at`: their records before it are final. */
  boundary(at: number): void {
    this.mirror.update();
    this.before = at;
    this.merged = false;
  }

  /** At the end of the run (the even side appends nothing past the last boundary): the rest, and the hash. */
  digest(): NonNullable<TwoThreadRun['hash']> {
    this.mirror.update();
    const t0 = performance.now();
    const traceHash = this.hashing.digest();
    return { traceHash, afterMs: performance.now() - t0, inWaitsMs: this.inWaitsMs };
  }
}

/**
 * How a side runs: `onWindow` after each window, with the boundary reached; `tell` (the even side) and
 * `hashing` (the odd side): the two ends of the channel on which the even side tells of its trace for
 * the odd side to merge and hash in its waits.
 */
interface SideOptions {
  onWindow?: (at: number) => void;
  tell?: MessagePort;
  hashing?: MessagePort;
}

/** Run one side to the end, meeting the other at every boundary. */
function runSide(config: SimConfig, side: number, shared: Shared, { onWindow, tell, hashing }: SideOptions): SideDone {
  const trace = createTrace();
  const counters = traceCounters(shared.trace);
  const told = tell === undefined ? null : tellTrace(trace, tell, counters.counts);
  const merging = hashing === undefined ? null : new MergeInWaits(trace, hashing, counters);
  const run = new SideRun(config, side, trace);
  const sync = new Int32Array(shared.sync);
  // Length-tracking views: they follow an outbox as it grows.
  const mine = [new Float64Array(shared.boxes[2 * side]!), new Float64Array(shared.boxes[2 * side + 1]!)];
  const theirs = [new Float64Array(shared.boxes[2 * (1 - side)]!), new Float64Array(shared.boxes[2 * (1 - side) + 1]!)];
  const myParts = new Uint8Array(shared.parts[side]!);
  const theirParts = new Uint8Array(shared.parts[1 - side]!);
  const pieces = myParts.length / 2;
  let waitMs = 0;
  // While waiting: this side's next trace chunk first, then room ahead in its stores (engine/room.ts),
  // then (the odd side) merging and hashing.
  const idle = (): boolean => prepareChunk(trace, PREPARE_PAGES) || run.prepareRoom(PREPARE_PAGES) || (merging !== null && merging.idle());
  const progress = (): boolean => {
    const p = run.progressParts();
    myParts.set(p.held, 0);
    myParts.set(p.lacking, pieces);
    waitMs += barrier(sync);
    return partsProgress([p, { held: theirParts.subarray(0, pieces), lacking: theirParts.subarray(pieces) }]);
  };
  for (let window = 0; ; window++) {
    const until = run.checkAt;
    run.runBefore(until);
    const box = mine[window & 1]!;
    const size = run.outboxSize() * 8;
    const sab = shared.boxes[2 * side + (window & 1)]!;
    if (size > sab.byteLength) {
      if (size > BOX_MAX) throw new Error(`a window's outbox needs ${size} bytes, more than ${BOX_MAX}`);
      sab.grow(Math.min(BOX_MAX, Math.max(size, 2 * sab.byteLength)));
    }
    run.writeOutbox(box);
    told?.();
    waitMs += barrier(sync, idle);
    const inbox = theirs[window & 1]!;
    const end = boundaryStep(config, run.state, box, inbox, side, progress);
    if (end !== null) {
      run.finish(end.reason, end.at);
      const kept = told === null && merging === null;
      const chunks = { used: Math.ceil(run.trace.length / CHUNK), made: chunksMade(run.trace) };
      return { partial: run.partial(), trace: kept ? run.trace : null, chunks, reason: end.reason, at: end.at, waitMs, windows: window + 1, hash: merging?.digest() };
    }
    merging?.boundary(until);
    // The even side: write again in the chunks the odd side has merged.
    if (told !== null) releaseBefore(trace, Atomics.load(counters.evenMerged, 0) * CHUNK);
    run.readInbox(inbox, until);
    onWindow?.(until);
  }
}

function newShared(config: SimConfig): Shared {
  const box = (): Growable => new GrowableSAB(1 << 20, { maxByteLength: BOX_MAX });
  const pieces = config.torrent.pieces;
  return {
    sync: new SharedArrayBuffer(12),
    boxes: [box(), box(), box(), box()],
    parts: [new SharedArrayBuffer(2 * pieces), new SharedArrayBuffer(2 * pieces)],
    trace: new SharedArrayBuffer(TRACE_MERGED_AT + 4),
  };
}

export interface TwoThreadRun {
  result: SimResult;
  /**
   * The two sides' traces, even first: trace-merge.ts mergedTrace or mergedTraceHash make the run's. Null
   * with `hash`: their records were let go of once merged and hashed, their memory written again.
   */
  traces: [Trace, Trace] | null;
  /** Events each side ran. */
  events: [number, number];
  /** Each side's trace chunks (of trace.ts CHUNK records): how many it filled, and how many it made in new memory (fewer with `hash`). */
  traceChunks: { used: [number, number]; made: [number, number] };
  /** Wall ms each side waited for the other at the barriers. */
  waitMs: [number, number];
  windows: number;
  /** Each peer's upload capacity (bytes/s) as the run left it, as Sim.state's peers have it. */
  uploads: number[];
  /**
   * With `hash`: the run's trace hash (mergedTraceHash of the two traces, SHA-256), the ms it took once
   * the run had ended, and the ms of merging and hashing done before, while the worker waited.
   */
  hash?: { traceHash: string; afterMs: number; inWaitsMs: number };
}

export interface TwoThreadOptions {
  /** Called on this thread after each window with the boundary reached (for a progress line). */
  onWindow?: (at: number) => void;
  /** Hash the trace (TwoThreadRun.hash), merging during the worker's waits at the barriers. */
  hash?: boolean;
}

/** Run `config` split by peers on two threads. Rejects if the worker fails. */
export function runOnTwoThreads(config: SimConfig, options: TwoThreadOptions = {}): Promise<TwoThreadRun> {
  const shared = newShared(config);
  // Run from TypeScript (tsx, as the CLI and the benchmark are), the worker registers tsx's loader
  // first: a worker does not inherit it.
  const self = import.meta.url;
  const load = self.endsWith('.ts') ? `import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(self)}); })` : `import(${JSON.stringify(self)})`;
  // To hash, this thread tells the worker of its trace's new parts on this channel.
  const channel = options.hash === true ? new MessageChannel() : null;
  const worker = new Worker(load, {
    eval: true,
    workerData: { swarmscopeSide: 1, config, shared, port: channel?.port2 },
    transferList: channel === null ? [] : [channel.port2],
  });
  return new Promise((resolve, reject) => {
    let failed = false;
    worker.once('error', (e) => {
      failed = true;
      reject(e);
    });
    worker.on('message', (message: SideDone | 'ready') => {
      if (message === 'ready') return start();
      const odd = message;
      try {
        // This thread's side ended at the same boundary (both decide alike), before the worker posted.
        const even = evenDone!;
        resolve({
          result: mergeResults(config, [even.partial, odd.partial], even.reason, even.at),
          traces: even.trace !== null && odd.trace !== null ? [even.trace, odd.trace] : null,
          events: [even.partial.events, odd.partial.events],
          traceChunks: { used: [even.chunks.used, odd.chunks.used], made: [even.chunks.made, odd.chunks.made] },
          waitMs: [even.waitMs, odd.waitMs],
          windows: even.windows,
          uploads: config.peers.map((_, i) => ((i & 1) === 0 ? even : odd).partial.peers[i]!.upload),
          hash: odd.hash,
        });
      } catch (e) {
        reject(e);
      } finally {
        channel?.port1.close();
        void worker.terminate();
      }
    });
    let evenDone: SideDone | null = null;
    // Once the worker has loaded its modules (which takes this thread's event loop), this side runs,
    // holding this thread until the end (Atomics.wait at the barriers).
    const start = (): void => {
      if (failed) return;
      try {
        evenDone = runSide(config, 0, shared, { onWindow: options.onWindow, tell: channel?.port1 });
      } catch (e) {
        fail(shared);
        channel?.port1.close();
        // The worker failed first: its error, which ends it, rejects (the 'error' handler above).
        if (e instanceof OtherSideFailed) return;
        reject(e);
        void worker.terminate();
      }
    };
  });
}

if (!isMainThread && (workerData as { swarmscopeSide?: number } | null)?.swarmscopeSide === 1) {
  const { config, shared, port } = workerData as { config: SimConfig; shared: Shared; port?: MessagePort };
  parentPort!.postMessage('ready');
  let done: SideDone;
  try {
    done = runSide(config, 1, shared, { hashing: port });
  } catch (e) {
    fail(shared);
    throw e;
  }
  const trace = done.trace;
  const transfer = trace === null ? [] : [...trace.chunks.flatMap((c) => [c.time.buffer, c.kind.buffer, c.from.buffer, c.to.buffer, c.x.buffer, c.y.buffer]), trace.aux.buffer];
  parentPort!.postMessage(done, transfer as ArrayBuffer[]);
}
