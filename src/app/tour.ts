// The guided tour's model: when each narration step of the current run fires, which step is on
// screen at a position of the playhead, and which step comes next or before. No DOM and no effects:
// the commands (commands.ts) seek and apply, narration-follow.ts watches the playhead.
//
// Firings are found incrementally from the visible run's trace (src/analysis/narration.ts). A seek
// back truncates that trace, but replay is deterministic, so firings once found stay true for the
// run; they are kept, and the watcher simply waits until the trace grows past where it had read.
// "Next" may need a step the playhead has not reached yet: a second, checkpoint-free copy of the
// simulation then runs ahead (synchronously, only as far as the next firing) and fills in the same
// firings the visible run will reach.
import { NarrationWatcher, type Firing } from '../analysis/narration';
import { Sim } from '../engine/sim';
import type { SimConfig } from '../engine/types';
import { parseScenario, resolveNarration, type ResolvedStep } from '../scenario';
import type { Session } from './session';

/** Where the playhead is: simulated µs and trace records played. */
export interface Position {
  time: number;
  traceLength: number;
}

interface Placed {
  step: number;
  time: number;
  after: number;
}

/** Firing order: by time, then by records played (a time step shows before a record at its time), then file order. */
function compare(a: Placed, b: Placed): number {
  return a.time - b.time || a.after - b.after || a.step - b.step;
}

/** A step shows once the playhead has reached its time and played the record that fired it. */
export function isShown(firing: Firing, at: Position): boolean {
  return firing.time <= at.time && firing.after <= at.traceLength;
}

/** The step to show at `at`: the last to fire of those that have fired by then; null before the first. */
export function currentStep(firings: readonly (Firing | null)[], at: Position): number | null {
  let best: Placed | null = null;
  firings.forEach((f, step) => {
    if (f === null || !isShown(f, at)) return;
    const placed = { step, time: f.time, after: f.after };
    if (best === null || compare(placed, best) > 0) best = placed;
  });
  return best === null ? null : (best as Placed).step;
}

export function positionOf(sim: Sim): Position {
  return { time: sim.now, traceLength: sim.trace.length };
}

export class Tour {
  readonly steps: readonly ResolvedStep[];
  /** When each step fires, once known; null while not (yet) found. */
  readonly firings: (Firing | null)[];
  /** Set while a command moves the run on purpose, so the playhead watcher leaves the caption to it. */
  busy = false;
  /** The step narration-follow.ts last showed (undefined: nothing shown yet for this run) and where. */
  shown: number | null | undefined = undefined;
  shownAt: Position | null = null;

  private readonly config: SimConfig;
  private readonly watcher: NarrationWatcher;
  private fed = 0;
  private ahead: { sim: Sim; watcher: NarrationWatcher } | null = null;
  /** The whole run has been read: a step still without a firing never fires. */
  private exhausted = false;

  constructor(config: SimConfig, steps: readonly ResolvedStep[]) {
    this.config = config;
    this.steps = steps;
    this.firings = steps.map(() => null);
    this.watcher = new NarrationWatcher(config, this.triggers());
  }

  private triggers() {
    return this.steps.map((s) => s.trigger);
  }

  private get complete(): boolean {
    return this.exhausted || this.firings.every((f) => f !== null);
  }

  private merge(found: readonly (Firing | null)[]): void {
    found.forEach((f, k) => {
      if (f !== null && this.firings[k] === null) this.firings[k] = f;
    });
  }

  /** Read what the visible run appended since the last call (nothing while it replays after a seek back). */
  follow(sim: Sim): void {
    if (this.complete || sim.trace.length < this.fed) return;
    this.watcher.feed(sim.trace);
    this.fed = sim.trace.length;
    // Every record up to the clock has been read, so time steps up to it may fire (narrationFirings does the same at the end).
    this.watcher.advanceTo(sim.now);
    this.merge(this.watcher.firings);
    if (sim.done) this.exhausted = true;
  }

  /** Run the copy ahead until one more firing is known or the run ends. */
  private lookAhead(): void {
    const ahead = (this.ahead ??= { sim: new Sim(this.config, { checkpointEvery: 0 }), watcher: new NarrationWatcher(this.config, this.triggers()) });
    const known = this.firings.filter((f) => f !== null).length;
    try {
      while (!ahead.sim.done && this.firings.filter((f) => f !== null).length === known) {
        for (let i = 0; i < 1024 && ahead.sim.step(); i++);
        ahead.watcher.feed(ahead.sim.trace);
        ahead.watcher.advanceTo(ahead.sim.now);
        this.merge(ahead.watcher.firings);
      }
    } catch {
      // The visible run reports an engine error when it gets there; the tour just stops here.
      this.exhausted = true;
    }
    if (ahead.sim.done) this.exhausted = true;
    if (this.complete) this.ahead = null;
  }

  private placed(): Placed[] {
    const out: Placed[] = [];
    this.firings.forEach((f, step) => {
      if (f !== null) out.push({ step, time: f.time, after: f.after });
    });
    return out.sort(compare);
  }

  private placedOf(step: number): Placed | null {
    const f = this.firings[step];
    return f ? { step, time: f.time, after: f.after } : null;
  }

  current(at: Position): number | null {
    return currentStep(this.firings, at);
  }

  /**
   * The step after `from` in firing order (from null: the first). The known firings are always all
   * those up to some point of the run, so an unknown one can only come after every known one.
   */
  next(from: number | null): number | null {
    for (;;) {
      const origin = from === null ? null : this.placedOf(from);
      const found = this.placed().find((p) => origin === null || compare(p, origin) > 0);
      if (found !== undefined) return found.step;
      if (this.complete) return null;
      this.lookAhead();
    }
  }

  /** Whether `next(from)` could find a step, without running ahead to make sure. */
  mayHaveNext(from: number | null): boolean {
    if (!this.complete) return true;
    const origin = from === null ? null : this.placedOf(from);
    return this.placed().some((p) => origin === null || compare(p, origin) > 0);
  }

  previous(from: number | null): number | null {
    const origin = from === null ? null : this.placedOf(from);
    if (origin === null) return null;
    const before = this.placed().filter((p) => compare(p, origin) < 0);
    return before.length === 0 ? null : before[before.length - 1]!.step;
  }

  /** When `step` fires, running ahead if needed; null if it never does. */
  locate(step: number): Firing | null {
    if (step < 0 || step >= this.steps.length) return null;
    while (this.firings[step] === null && !this.complete) this.lookAhead();
    return this.firings[step] ?? null;
  }

  /** The step's place in firing order, from 1 ("3" of "3 / 8"). */
  rank(step: number): number {
    return this.placed().findIndex((p) => p.step === step) + 1;
  }

  /** The first step with `pause` that fired after `from` and by `to`: playing forward stops there. */
  firstPauseBetween(from: Position, to: Position): number | null {
    const passed = this.placed().filter((p) => {
      const f = this.firings[p.step]!;
      return this.steps[p.step]!.pause && isShown(f, to) && !isShown(f, from);
    });
    return passed[0]?.step ?? null;
  }
}

const tours = new WeakMap<Sim, Tour | null>();

/** The tour of the session's current run; null when nothing is loaded or the scenario has no narration. */
export function tourOf(session: Session): Tour | null {
  const sim = session.sim;
  if (sim === null) return null;
  let tour = tours.get(sim);
  if (tour === undefined) {
    // The session only runs scenarios that parsed, so this parse succeeds; the steps need the names it resolves.
    const parsed = parseScenario(session.scenarioJson);
    const steps = parsed.ok ? resolveNarration(parsed.scenario) : [];
    tour = steps.length === 0 ? null : new Tour(sim.config, steps);
    tours.set(sim, tour);
  }
  return tour;
}
