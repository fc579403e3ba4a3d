// What moves: blocks in flight as filled dots travelling from sender to receiver at the engine's own
// times (flight.ts), and announcements as hollow rings: a have as a ring spreading out from the peer
// that verified the piece, a bitfield as a ring travelling to the peer it was sent to. Filled = sent,
// hollow = made available. Dots are coloured by piece or, colouring by source, in the subject's
// colour when the sender's copy came from the subject (and larger), so its bytes stand out wherever
// they travel next.
import { blockFromSubject, pieceFromSubject } from '../analysis/provenance';
import type { Sim } from '../engine/sim';
import { T } from '../engine/trace';
import { blocksInFlight, createFlights, type Flights } from '../engine/view';
import { FRAME, type Atlas } from './atlas';
import { FlightClock, shownProgress } from './flight';
import { focusOf, type SceneFrame } from './frame';
import { packed, pieceColourCached } from './palette';
import { ParticlePool } from './pool';
import { PULSE_MS, Pulses } from './pulses';

export class FlightLayer {
  private readonly dots: ParticlePool;
  private readonly rings: ParticlePool;
  private readonly flights: Flights = createFlights();
  private readonly clock = new FlightClock();
  private where = new Float32Array(1024);
  private readonly pulses = new Pulses();
  /** What the blocks were last drawn from (see drawBlocks). */
  private sim: Sim | null = null;
  private eventCount = -1;
  private drawnWith = '';

  constructor(atlas: Atlas) {
    this.dots = new ParticlePool(atlas.dot, { position: true, vertex: true, color: true });
    this.rings = new ParticlePool(atlas.ring, { position: true, vertex: true, color: true });
  }

  get containers() {
    return [this.rings.container, this.dots.container];
  }

  /** Blocks drawn in the last frame. */
  get inFlight(): number {
    return this.flights.count;
  }

  get pulseCount(): number {
    return this.pulses.count;
  }

  reset(): void {
    this.sim = null;
    this.drawnWith = '';
    this.clock.reset();
    this.clearPulses();
    this.dots.show(0);
    this.rings.show(0);
    this.dots.trim(4096);
  }

  clearPulses(): void {
    this.pulses.clear();
  }

  /** An announcement seen in the trace: HAVE (to = BROADCAST) or BITFIELD; `piece` for a have (pulses.ts). */
  pulse(kind: number, from: number, to: number, piece: number, wall: number): void {
    this.pulses.add(kind, from, to, piece, wall);
  }

  draw(f: SceneFrame): void {
    this.drawBlocks(f);
    this.drawPulses(f);
  }

  private drawBlocks(f: SceneFrame): void {
    const bySource = f.ui.colouring === 'source' && f.lineage !== null;
    const focus = focusOf(f.ui);
    // The blocks in flight change only with an event; between events (and while paused) they only
    // move, and while paused with nothing else changed they stay where they are.
    const moved = f.sim !== this.sim || f.sim.eventCount !== this.eventCount;
    const key = `${f.sim.now}|${bySource}|${focus}|${f.scale}|${f.palette.background}|${f.ui.reducedMotion}`;
    if (!moved && key === this.drawnWith) return;
    this.drawnWith = key;
    if (moved) {
      blocksInFlight(f.sim, this.flights);
      this.sim = f.sim;
      this.eventCount = f.sim.eventCount;
    }
    const fl = this.flights;
    if (this.where.length < fl.count) this.where = new Float32Array(fl.count * 2);
    this.clock.place(fl, f.sim.now, this.where);
    const { x, y, r } = f.layout;
    const bpp = f.sim.geometry.blocksPerPiece;
    const subject = f.lineage?.subject ?? -1;
    const base = Math.max(r * 0.6, 4 / f.scale);
    const dots = this.dots.slots(fl.count);
    for (let i = 0; i < fl.count; i++) {
      const a = fl.sender[i]!;
      const b = fl.receiver[i]!;
      const dx = x[b]! - x[a]!;
      const dy = y[b]! - y[a]!;
      // Not Math.hypot: V8 calls it rather than inlining it, boxing its arguments and result, which
      // was a quarter of what the app allocated in play (thousands of blocks a frame).
      const d = Math.sqrt(dx * dx + dy * dy) || 1;
      const ux = dx / d;
      const uy = dy / d;
      // Along the connection between the two rings, a little to the right of the direction of travel,
      // so the blocks going each way on one connection do not cover each other.
      const edge = Math.min(r * 1.9, d / 3);
      const along = edge + (d - 2 * edge) * shownProgress(this.where[i]!, f.ui.reducedMotion);
      const side = r * 0.45;
      const dot = dots[i]!;
      dot.x = x[a]! + ux * along - uy * side;
      dot.y = y[a]! + uy * along + ux * side;
      const block = fl.block[i]!;
      let size = base;
      let alpha = 1;
      let colour: number;
      if (bySource) {
        const fromSubject = a === subject || blockFromSubject(f.lineage!, a, block);
        colour = fromSubject ? f.palette.role.subject : f.palette.otherSource;
        if (fromSubject) size *= 1.5;
        else alpha = 0.6;
      } else {
        colour = pieceColourCached(Math.floor(block / bpp), f.palette);
      }
      if (focus !== null && a !== focus && b !== focus) alpha *= 0.3;
      dot.color = packed(colour, alpha);
      dot.scaleX = dot.scaleY = size / FRAME;
    }
    this.dots.show(fl.count);
  }

  private drawPulses(f: SceneFrame): void {
    const pulses = this.pulses;
    pulses.expire(f.wall);
    const { x, y, r } = f.layout;
    const bySource = f.ui.colouring === 'source' && f.lineage !== null;
    const subject = f.lineage?.subject ?? -1;
    const rings = this.rings.slots(pulses.count);
    for (let k = 0; k < pulses.count; k++) {
      const at = pulses.slot(k);
      const age = Math.min(1, Math.max(0, (f.wall - pulses.born[at]!) / PULSE_MS));
      const from = pulses.from[at]!;
      const ring = rings[k]!;
      let size: number;
      let colour: number;
      if (pulses.kind[at] === T.HAVE) {
        ring.x = x[from]!;
        ring.y = y[from]!;
        // Reduced motion: the ring fades where it is instead of spreading.
        size = r * (2.6 + (f.ui.reducedMotion ? 1 : 2 * age));
        const piece = pulses.piece[at]!;
        colour = bySource
          ? from === subject || pieceFromSubject(f.lineage!, from, piece)
            ? f.palette.role.subject
            : f.palette.otherSource
          : pieceColourCached(piece, f.palette);
      } else {
        const to = pulses.to[at]!;
        const travelled = f.ui.reducedMotion ? 1 : age;
        ring.x = x[from]! + (x[to]! - x[from]!) * travelled;
        ring.y = y[from]! + (y[to]! - y[from]!) * travelled;
        size = r * 1.6;
        colour = bySource && from !== subject ? f.palette.otherSource : f.palette.role[f.roles[from]!];
      }
      ring.scaleX = ring.scaleY = size / FRAME;
      ring.color = packed(colour, 0.9 * (1 - age));
    }
    this.rings.show(pulses.count);
  }
}
