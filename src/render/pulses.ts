// Announcements drawn as rings (flights.ts): a ring buffer of the haves and bitfields seen in the
// trace, oldest first, each alive for PULSE_MS of wall-clock time. Plain data, so that what is shown
// can be tested without a renderer.

/** How long an announcement's ring is seen, wall-clock ms (whatever the speed). */
export const PULSE_MS = 700;
/** Rings alive at once; beyond this the oldest go first (a 300-peer swarm at 1,000× announces a lot). */
export const MAX_PULSES = 1500;

export class Pulses {
  readonly kind = new Uint8Array(MAX_PULSES);
  readonly from = new Int32Array(MAX_PULSES);
  readonly to = new Int32Array(MAX_PULSES);
  readonly piece = new Int32Array(MAX_PULSES);
  readonly born = new Float64Array(MAX_PULSES);
  /** Slot of the oldest ring; ring k (0 = oldest) is in slot (head + k) % MAX_PULSES. */
  head = 0;
  count = 0;

  clear(): void {
    this.head = 0;
    this.count = 0;
  }

  /** An announcement seen in the trace: HAVE (to = BROADCAST) or BITFIELD; `piece` for a have. */
  add(kind: number, from: number, to: number, piece: number, wall: number): void {
    let at: number;
    if (this.count < MAX_PULSES) at = (this.head + this.count++) % MAX_PULSES;
    else {
      at = this.head;
      this.head = (this.head + 1) % MAX_PULSES;
    }
    this.kind[at] = kind;
    this.from[at] = from;
    this.to[at] = to;
    this.piece[at] = piece;
    this.born[at] = wall;
  }

  /** Drop the rings that have faded by `wall`. */
  expire(wall: number): void {
    while (this.count > 0 && wall - this.born[this.head]! > PULSE_MS) {
      this.head = (this.head + 1) % MAX_PULSES;
      this.count--;
    }
  }

  /** The slot of ring k, 0 being the oldest. */
  slot(k: number): number {
    return (this.head + k) % MAX_PULSES;
  }
}
