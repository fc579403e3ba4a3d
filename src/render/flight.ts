// Where a block in flight is drawn: the fraction of the way from sender to receiver, from the engine's
// own times. A block's journey runs from the moment its sender starts sending it to the moment it
// arrives. While it is being sent the engine knows when its last byte leaves but not yet when it will
// arrive (the receiver's download link may delay it), so the arrival is estimated one latency after
// the send; once it is on the wire the arrival is the engine's. The start seen while sending is
// remembered (FlightClock) so the block does not jump when the engine fixes its arrival.
import { PHASE_SENDING, type Flights } from '../engine/view';

/** The fraction of the way (0–1) at `now` for a journey from `sentAt` to `arriveAt` (µs). */
export function progress(now: number, sentAt: number, arriveAt: number): number {
  if (arriveAt <= sentAt) return 1;
  return Math.min(1, Math.max(0, (now - sentAt) / (arriveAt - sentAt)));
}

export interface Journey {
  sentAt: number;
  arriveAt: number;
}

/**
 * The journey of flight `i`: the start from `remembered` when known (seen while it was being sent),
 * else worked back from the engine's times. Written into `out` (a frame reuses one).
 */
export function journeyOf(f: Flights, i: number, remembered: number | undefined, out: Journey = { sentAt: 0, arriveAt: 0 }): Journey {
  const at = f.at[i]!;
  if (f.phase[i] === PHASE_SENDING) {
    out.sentAt = at - f.sendTime[i]!;
    out.arriveAt = at + f.latency[i]!;
  } else {
    out.sentAt = remembered ?? at - f.latency[i]! - f.sendTime[i]!;
    out.arriveAt = at;
  }
  return out;
}

/**
 * Transfer starts by (sender's half, block), in an open-addressing table of typed arrays: a frame with
 * thousands of blocks in flight fills one without allocating (a Map rebuilt every frame was a good
 * part of what the scene gave the garbage collector).
 */
class Starts {
  private half = new Int32Array(0);
  private block = new Int32Array(0);
  private start = new Float64Array(0);
  private mask = 0;

  constructor() {
    this.clear(0);
  }

  /** Empty, with room for `n` entries at most half full. */
  clear(n: number): void {
    let cap = 64;
    while (cap < 2 * n) cap *= 2;
    if (cap > this.half.length) {
      this.half = new Int32Array(cap);
      this.block = new Int32Array(cap);
      this.start = new Float64Array(cap);
    }
    this.mask = this.half.length - 1;
    this.half.fill(-1);
  }

  private slot(half: number, block: number): number {
    let i = (Math.imul(half, 0x9e3779b1) ^ Math.imul(block, 0x85ebca77)) >>> 0;
    i = (i ^ (i >>> 15)) & this.mask;
    while (this.half[i] !== -1 && (this.half[i] !== half || this.block[i] !== block)) i = (i + 1) & this.mask;
    return i;
  }

  get(half: number, block: number): number | undefined {
    const i = this.slot(half, block);
    return this.half[i] === -1 ? undefined : this.start[i];
  }

  set(half: number, block: number, start: number): void {
    const i = this.slot(half, block);
    this.half[i] = half;
    this.block[i] = block;
    this.start[i] = start;
  }
}

/**
 * Remembers when each transfer started, keyed by (sender's half, block), from one frame to the next;
 * a transfer no longer in flight is forgotten at the next frame.
 */
export class FlightClock {
  private seen = new Starts();
  private next = new Starts();
  private readonly journey: Journey = { sentAt: 0, arriveAt: 0 };

  reset(): void {
    this.seen.clear(0);
    this.next.clear(0);
  }

  /** The fraction of the way of every flight at `now`, written into `out`. */
  place(f: Flights, now: number, out: Float32Array): void {
    const next = this.next;
    next.clear(f.count);
    for (let i = 0; i < f.count; i++) {
      const half = f.senderHalf[i]!;
      const block = f.block[i]!;
      const known = this.seen.get(half, block);
      // A remembered start at or after the engine's arrival cannot be this transfer's.
      const usable = known !== undefined && known < f.at[i]! ? known : undefined;
      const j = journeyOf(f, i, usable, this.journey);
      next.set(half, block, j.sentAt);
      out[i] = progress(now, j.sentAt, j.arriveAt);
    }
    this.next = this.seen;
    this.seen = next;
  }
}

/**
 * Where along its connection a block is drawn: its progress, or the middle of the connection for
 * viewers who asked for reduced motion (the block is still shown, for as long as it is in flight).
 */
export function shownProgress(progress: number, reducedMotion: boolean): number {
  return reducedMotion ? 0.5 : progress;
}
