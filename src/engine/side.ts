// One side of a split run, on its own (README, "Inside the engine"): the world of a split run in
// which only the even (side 0) or the odd (side 1) peers' events are run. Two of them, each given what
// the other held for it at every window boundary, run the split run: the same events, the same trace
// once the two are merged (trace-merge.ts mergeTraces), the same result. Whoever drives them (two threads:
// src/cli/threads.ts; or one after the other, as the tests do) moves the outbox of each to the other
// and decides the end from both at each boundary (boundaryStep).
import { nextTime, take } from './heap';
import { partsProgress, progressParts, type ProgressParts, type Rows, type SimState, type Split } from './state';
import { endAtBoundary, inFlightBytes, peerResult } from './sim';
import { prepareAux, prepareRoom } from './room';
import { handOver, dispatch } from './swarm';
import { createTrace, type Trace } from './trace';
import { MAX_SIM_TIME, MESSAGE_NAMES, type MessageName, type SimConfig, type SimResult } from './types';
import { messageKind } from './wire';
import { carriedRows, createWorld, E, freeRow, OUT_RECORD, pendingUploads, sideOf, takeRow, type World } from './world';

/**
 * What one side hands the other at a boundary, as numbers: HEADER numbers (the records held, this
 * side's three counts, its last block arrival, its next event, its clock, the records that carry a
 * payload), then the held records (OUT_RECORD each), then where those that carry a payload are among
 * them, then the payloads. A payload is 32-bit numbers, as its rows hold them, two to a slot of the
 * box (payloadViews): copied in and out whole, not converted one number at a time to and from float64
 * (the conversion, in V8's runtime, counted 208 instructions an event of the two sides at 1,000 x 1,000).
 */
const H_RECORDS = 0;
const H_COUNTS = 1;
const H_ARRIVAL = 4;
const H_NEXT = 5;
const H_NOW = 6;
const H_CARRIED = 7;
export const HEADER = 8;

/**
 * The numbers a payload in `rows` takes, from its first: a bitfield's row whole; a PEX list, its
 * count and the peers; an other-side have's recipients, its count and an end and a peer each
 * (download.ts broadcastHave).
 */
function payloadSize(sp: Split, rows: Rows<Uint32Array> | Rows<Int32Array>, kind: number, first: number): number {
  return rows === sp.fields ? rows.size : kind === E.HAVE ? 2 * first + 1 : first + 1;
}

/** Slots of the box a payload of `size` 32-bit numbers takes. */
function payloadSlots(size: number): number {
  return (size + 1) >> 1;
}

/**
 * The box's memory as 32-bit numbers of the kind `rows` hold, for each kind of payload rows of `sp` (a
 * payload at slot `at` starts at 2 × at).
 */
function payloadViews(box: Float64Array, sp: Split): (rows: Rows<Uint32Array> | Rows<Int32Array>) => Uint32Array | Int32Array {
  const fields = new Uint32Array(box.buffer, box.byteOffset, 2 * box.length);
  const lists = new Int32Array(box.buffer, box.byteOffset, 2 * box.length);
  return (rows) => (rows === sp.fields ? fields : lists);
}

/** A side's contribution to the result (SideRun.partial), merged by mergeResults. */
export interface SidePartial {
  side: number;
  /** `upload`: its upload capacity (bytes/s) as the run left it (a `set` event can change it). */
  peers: { joinedAt: number | null; leftAt: number | null; completedAt: number | null; uploadedBytes: number; downloadedBytes: number; piecesHave: number; upload: number }[];
  /** Bytes the other side's peers delivered that this side has not handed over (OP.UPLOADED), by peer. */
  pendingUploads: number[];
  lostBytes: number;
  inFlightBytes: number;
  messages: number[];
  traceEvents: number;
  events: number;
}

export class SideRun {
  readonly side: number;
  readonly trace: Trace;
  readonly config: SimConfig;
  private readonly w: World;

  /** `trace`: an empty trace to append to (one shared with another thread: trace.ts shareTrace). */
  constructor(config: SimConfig, side: number, trace: Trace = createTrace()) {
    this.config = config;
    this.side = side;
    this.trace = trace;
    this.w = createWorld(config, this.trace, true);
    this.w.st.split!.oneSide = true;
    if (this.w.st.split!.window === 0) throw new Error('a split run on two sides needs windows: some peer of each side with a latency above 0');
  }

  get state(): Readonly<SimState> {
    return this.w.st;
  }

  /** The next window boundary at which the end is tested. */
  get checkAt(): number {
    return this.w.st.split!.checkAt;
  }

  /**
   * Run this side's events before `until` (none past stopAt or the 24 h cap). Its queue also holds the
   * other side's scripted joins, leaves and settings (each side builds the whole world): those are the
   * other side's to run.
   */
  runBefore(until: number): void {
    const st = this.w.st;
    const q = st.queue;
    const side = this.side;
    const limit = this.config.stopAt ?? MAX_SIM_TIME;
    for (let t = nextTime(q); t < until && t <= limit; t = nextTime(q)) {
      take(q);
      if (sideOf(q.evKind, q.evA, q.evB, q.evD) !== side) continue;
      st.now = t;
      st.eventCount++;
      dispatch(this.w, q.evKind, q.evA, q.evB, q.evC, q.evD);
    }
  }

  /**
   * While waiting at a boundary: make room ahead in this side's stores and trace aux values, and bring
   * their memory in, `pages` pages at most (room.ts). Whether more is left to do.
   */
  prepareRoom(pages: number): boolean {
    return prepareRoom(this.w.st, pages) || prepareAux(this.trace, pages);
  }

  /** Numbers the outbox takes now. */
  outboxSize(): number {
    const sp = this.w.st.split!;
    let n = HEADER + sp.outLen + sp.carried.length;
    this.payloads((_rows, _row, size) => (n += payloadSlots(size)));
    return n;
  }

  /**
   * Every payload a held record carries (a bitfield's row, a PEX message's or an other-side have's
   * list): its rows, its row, the numbers it takes, and the record's place in split.out.
   */
  private payloads(f: (rows: Rows<Uint32Array> | Rows<Int32Array>, row: number, size: number, record: number) => void): void {
    const sp = this.w.st.split!;
    const o = sp.out;
    // Indexed loops here and below: the for-of loops made an iterator result for every record (some
    // 16 KB a window at 1,000 x 300).
    const carried = sp.carried;
    for (let k = 0; k < carried.length; k++) {
      const i = carried[k]!;
      const kind = o[i + 1]!;
      const rows = carriedRows(sp, kind, o[i + 3]!)!;
      const row = o[i + 4]!;
      f(rows, row, payloadSize(sp, rows, kind, rows.data[row * rows.size]!), i);
    }
  }

  /**
   * Write what this side holds for the other into `box` (outboxSize() numbers at least), with its
   * counts and clocks. It stays held (and counted by partial) until readInbox.
   */
  writeOutbox(box: Float64Array): void {
    const st = this.w.st;
    const sp = st.split!;
    const side = this.side;
    box[H_RECORDS] = sp.outLen / OUT_RECORD;
    box[H_COUNTS] = sp.counts[side]!;
    box[H_COUNTS + 1] = sp.counts[2 + side]!;
    box[H_COUNTS + 2] = sp.counts[4 + side]!;
    box[H_ARRIVAL] = st.lastArrivalAt;
    box[H_NEXT] = nextTime(st.queue);
    box[H_NOW] = st.now;
    box[H_CARRIED] = sp.carried.length;
    box.set(sp.out.subarray(0, sp.outLen), HEADER);
    let at = HEADER + sp.outLen;
    for (let k = 0; k < sp.carried.length; k++) box[at++] = sp.carried[k]!;
    const viewFor = payloadViews(box, sp);
    this.payloads((rows, row, size, i) => {
      // One copy a payload, through a view of it: an element loop over rows of either kind ran three
      // times slower, and one loop for each kind of row made the outboxes and inboxes of a
      // 1,000 x 1,000 run take 0.3-0.5 s longer a side (and was no faster with 32-bit payloads:
      // test/bench/PERFORMANCE.md).
      viewFor(rows).set(rows.data.subarray(row * rows.size, row * rows.size + size), 2 * at);
      // The record now names where its payload is in the box.
      box[HEADER + i + 4] = at;
      at += payloadSlots(size);
    });
  }

  /**
   * At boundary `at`, the outboxes swapped: forget what this side held (its payload rows free again),
   * take what the other side held for this one (`box`), each payload into a row of this side's, and
   * hand it over as a split run's boundary does.
   */
  readInbox(box: Float64Array, at: number): void {
    const st = this.w.st;
    const sp = st.split!;
    this.payloads((rows, row) => freeRow(rows, row));
    sp.outLen = 0;
    sp.carried.length = 0;
    const n = box[H_RECORDS]! * OUT_RECORD;
    if (n === 0) return;
    if (n > sp.out.length) sp.out = new Float64Array(n);
    sp.out.set(box.subarray(HEADER, HEADER + n));
    sp.outLen = n;
    const o = sp.out;
    const viewFor = payloadViews(box, sp);
    for (let k = 0, carried = box[H_CARRIED]!; k < carried; k++) {
      const i = box[HEADER + n + k]!;
      const kind = o[i + 1]!;
      const rows = carriedRows(sp, kind, o[i + 3]!)!;
      const from = 2 * o[i + 4]!;
      const view = viewFor(rows);
      const size = payloadSize(sp, rows, kind, view[from]!);
      const row = rows === sp.fields ? takeRow(sp.fields) : takeRow(sp.lists);
      rows.data.set(view.subarray(from, from + size), row * rows.size);
      o[i + 4] = row;
    }
    st.now = at;
    handOver(this.w);
  }

  /** What a side's outbox says of it: its three counts, last block arrival, next event, clock, and whether it held anything. */
  static summary(box: Float64Array): { counts: number[]; lastArrivalAt: number; next: number; now: number; held: boolean } {
    return {
      counts: [box[H_COUNTS]!, box[H_COUNTS + 1]!, box[H_COUNTS + 2]!],
      lastArrivalAt: box[H_ARRIVAL]!,
      next: box[H_NEXT]!,
      now: box[H_NOW]!,
      held: box[H_RECORDS]! > 0,
    };
  }

  /** The pieces this side's present uploading peers hold and its present incomplete peers lack (state.ts progressParts). */
  progressParts(): ProgressParts {
    return progressParts(this.w.st, this.w.g.pieces, this.side);
  }

  /** The run ended, at `at`. */
  finish(reason: NonNullable<SimState['endReason']>, at: number): void {
    const st = this.w.st;
    st.done = true;
    st.endReason = reason;
    st.now = at;
  }

  /** This side's part of the result: its own peers, and its counters. */
  partial(): SidePartial {
    const st = this.w.st;
    const pending = pendingUploads(st)!;
    return {
      side: this.side,
      peers: st.peers.map((p) => ({ joinedAt: p.joinedAt, leftAt: p.leftAt, completedAt: p.completedAt, uploadedBytes: p.uploadedBytes, downloadedBytes: p.downloadedBytes, piecesHave: p.haveCount, upload: p.upload })),
      pendingUploads: Array.from(pending),
      lostBytes: st.lostBytes,
      // Its queue, and what it holds for the other side: the two sides' together are the run's.
      inFlightBytes: inFlightBytes(st, this.w.g),
      messages: MESSAGE_NAMES.map((name) => st.msgCount[messageKind(name)]!),
      traceEvents: this.trace.length,
      events: st.eventCount,
    };
  }
}

/**
 * The end of a window, decided alike by both sides from their outboxes (their counts, clocks and next
 * events), as Sim.step decides it for a split run in one world: null to go on (then `checkAt` is the
 * next boundary: run each side's events before it), or the reason and time to end. `progress` is asked
 * only when a stall check is due; it must combine both sides' progressParts.
 */
export function boundaryStep(
  config: SimConfig,
  st: SimState,
  mine: Float64Array,
  theirs: Float64Array,
  side: number,
  progress: () => boolean,
): { reason: NonNullable<SimState['endReason']>; at: number } | null {
  const sp = st.split!;
  const a = SideRun.summary(mine);
  const b = SideRun.summary(theirs);
  // The first event either side has next; a boundary with anything held has its handover event.
  const next = Math.min(a.next, b.next, a.held || b.held ? sp.checkAt : Infinity);
  if (next === Infinity) return { reason: 'idle', at: Math.max(a.now, b.now) };
  const limit = config.stopAt ?? MAX_SIM_TIME;
  if (next > limit) return { reason: config.stopAt !== null ? 'stopAt' : 'cap', at: limit };
  const counts = new Float64Array(6);
  const [even, odd] = side === 0 ? [a, b] : [b, a];
  for (let k = 0; k < 3; k++) {
    counts[2 * k] = even.counts[k]!;
    counts[2 * k + 1] = odd.counts[k]!;
  }
  const lastArrivalAt = Math.max(a.lastArrivalAt, b.lastArrivalAt);
  for (; sp.checkAt <= next; sp.checkAt += sp.window) {
    if (config.stopAt !== null) continue;
    const why = endAtBoundary(st, sp.checkAt, counts, lastArrivalAt, progress);
    if (why !== null) return { reason: why, at: sp.checkAt };
  }
  return null;
}

/** The result of a split run from its two sides' parts, as Sim.result gives it for the run in one world. */
export function mergeResults(config: SimConfig, parts: readonly SidePartial[], reason: NonNullable<SimState['endReason']>, endTime: number): SimResult {
  const [even, odd] = parts[0]!.side === 0 ? [parts[0]!, parts[1]!] : [parts[1]!, parts[0]!];
  const messages = {} as Record<MessageName, number>;
  MESSAGE_NAMES.forEach((name, i) => (messages[name] = even.messages[i]! + odd.messages[i]!));
  return {
    endTime,
    endReason: reason,
    peers: config.peers.map((spec, i) => {
      const p = ((i & 1) === 0 ? even : odd).peers[i]!;
      return peerResult(spec, p, p.uploadedBytes + even.pendingUploads[i]! + odd.pendingUploads[i]!, p.piecesHave);
    }),
    lostBytes: even.lostBytes + odd.lostBytes,
    inFlightBytes: even.inFlightBytes + odd.inFlightBytes,
    messages,
    traceEvents: even.traceEvents + odd.traceEvents,
  };
}

/**
 * Run a split run as its two sides, one after the other in each window (what two threads do at once,
 * src/cli/threads.ts): the sides, each finished, and the run's result. `waiting` is called with each
 * side at each boundary, where a thread waits for the other (what a thread does then must change
 * nothing of the run).
 */
export function runSidesInTurn(config: SimConfig, waiting?: (side: SideRun) => void): { sides: SideRun[]; result: SimResult } {
  const sides = [new SideRun(config, 0), new SideRun(config, 1)];
  const end = runInTurn(config, sides, waiting)!;
  for (const s of sides) s.finish(end.reason, end.at);
  return { sides, result: mergeResults(config, sides.map((s) => s.partial()), end.reason, end.at) };
}

/**
 * Run `sides` (side 0, then side 1) window by window, in turn, to the run's end, which it returns; or,
 * when `stop` is given, to the first boundary at which it says so (null then; the sides can go on).
 */
export function runInTurn(config: SimConfig, sides: SideRun[], waiting?: (side: SideRun) => void, stop?: () => boolean): { reason: NonNullable<SimState['endReason']>; at: number } | null {
  const boxes = [new Float64Array(HEADER), new Float64Array(HEADER)];
  for (;;) {
    const until = sides[0]!.checkAt;
    for (const s of sides) {
      s.runBefore(until);
      const size = s.outboxSize();
      if (boxes[s.side]!.length < size) boxes[s.side] = new Float64Array(2 * size);
      s.writeOutbox(boxes[s.side]!);
      waiting?.(s);
    }
    const progress = (): boolean => partsProgress(sides.map((s) => s.progressParts()));
    const ends = sides.map((s) => boundaryStep(config, s.state, boxes[s.side]!, boxes[1 - s.side]!, s.side, progress));
    if (ends[0] !== null) return ends[0]!;
    for (const s of sides) s.readInbox(boxes[1 - s.side]!, until);
    if (stop?.() === true) return null;
  }
}
