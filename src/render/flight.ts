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
 * else worked back from the engine's times.
 */
export function journeyOf(f: Flights, i: number, remembered: number | undefined): Journey {
  const at = f.at[i]!;
  if (f.phase[i] === PHASE_SENDING) {
    const sentAt = at - f.sendTime[i]!;
    return { sentAt, arriveAt: at + f.latency[i]! };
  }
  return { sentAt: remembered ?? at - f.latency[i]! - f.sendTime[i]!, arriveAt: at };
}

/**
 * Remembers when each transfer started, keyed by (sender's half, block), from one frame to the next;
 * a transfer no longer in flight is forgotten at the next frame.
 */
export class FlightClock {
  private seen = new Map<number, number>();
  private next = new Map<number, number>();
  private blockIds = 1;

  reset(blockIds: number): void {
    this.blockIds = Math.max(1, blockIds);
    this.seen.clear();
    this.next.clear();
  }

  /** The fraction of the way of every flight at `now`, written into `out`. */
  place(f: Flights, now: number, out: Float32Array): void {
    const next = this.next;
    next.clear();
    for (let i = 0; i < f.count; i++) {
      const key = f.senderHalf[i]! * this.blockIds + f.block[i]!;
      const known = this.seen.get(key);
      // A remembered start at or after the engine's arrival cannot be this transfer's.
      const usable = known !== undefined && known < f.at[i]! ? known : undefined;
      const j = journeyOf(f, i, usable);
      next.set(key, j.sentAt);
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
