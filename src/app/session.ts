// The session owns the running simulation (a Sim: engine state stays out of the UI store) and moves
// it: load a scenario, advance with the wall clock while playing, step, step back, seek. After every
// move it mirrors the few numbers the chrome shows into the store, which is how panels and the scene
// learn that the engine moved. Loading a bad scenario reports it and keeps the current one running.
import { Sim } from '../engine/sim';
import { record } from '../engine/trace';
import type { SimConfig } from '../engine/types';
import { formatScenarioErrors, parseScenario } from '../scenario';
import ProbeWorker from './probe.worker?worker&inline';
import { runProbe, type ProbeAnswer, type ProbeRequest } from './probe';
import type { Draft } from 'immer';
import type { UiState, UiStore } from './store';

export type LoadResult = { ok: true } | { ok: false; error: string };

/** Wall-clock budget of the engine in one animation frame, ms: with the scene it must fit in 8 ms. */
export const ENGINE_BUDGET_MS = 4;
/** The longest engine slice in idle time while playing (Session.catchUpLater), ms. */
export const IDLE_SLICE_MS = 8;
/** What an idle slice leaves unused of the idle period it runs in, ms. */
export const IDLE_MARGIN_MS = 1;

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function parseConfig(scenarioJson: unknown): { ok: true; config: SimConfig } | { ok: false; error: string } {
  const parsed = parseScenario(scenarioJson);
  if (parsed.ok) return parsed;
  return { ok: false, error: `This scenario could not be loaded:\n${formatScenarioErrors(parsed.errors)}` };
}

export class Session {
  readonly store: UiStore;
  private current: Sim | null = null;
  /** The scenario file of the current run, as given (for links and exports). */
  private source: unknown = null;
  /** The scenario file's text when the caller had it (an opened file): the report hashes these bytes. */
  private sourceText: string | null = null;
  /** The end-time probe's worker while one runs. */
  private worker: Worker | null = null;
  private workersRefused = false;
  private probeId = 0;
  /** Stops the main-thread probe while one runs (see probeInSlices). */
  private stopProbe: (() => void) | null = null;
  /**
   * The longest single engine event of the last advance, wall-clock ms. An event takes microseconds:
   * a long one means the page's thread was collecting garbage or was descheduled meanwhile (the
   * frame stats keep it, so that bench:app can tell a slow engine from a busy machine).
   */
  longestEventMs = 0;

  constructor(store: UiStore) {
    this.store = store;
    // The probe rests between its slices while the app plays (probe.ts).
    store.subscribe((s, prev) => {
      if (s.playing !== prev.playing) this.worker?.postMessage({ resting: s.playing } satisfies ProbeRequest);
    });
  }

  get sim(): Sim | null {
    return this.current;
  }

  get scenarioJson(): unknown {
    return this.source;
  }

  get scenarioText(): string | null {
    return this.sourceText;
  }

  /** Parse and start a scenario. On failure the previous run stays loaded and the error is shown. */
  load(scenarioJson: unknown, id: string | null = null, text: string | null = null): LoadResult {
    const parsed = parseConfig(scenarioJson);
    if (!parsed.ok) {
      this.store.update((s) => {
        s.error = parsed.error;
      });
      return parsed;
    }
    this.sourceText = text;
    this.start(parsed.config, scenarioJson);
    this.store.update((s) => {
      s.scenario = { id, name: parsed.config.name };
      s.error = null;
      s.selectedPeer = null;
      s.hoveredPeer = null;
      s.highlightedRecord = null;
      s.logFilter = { peer: null, kinds: [], piece: null };
    });
    return { ok: true };
  }

  /** Start the current scenario again from time 0. */
  restart(): void {
    if (this.current) this.start(this.current.config, this.source);
  }

  private start(config: SimConfig, scenarioJson: unknown): void {
    this.current = new Sim(config);
    this.source = scenarioJson;
    this.store.update((s) => {
      s.runId++;
      s.playing = false;
      s.endTime = null;
    });
    this.sync();
    this.probeEndTime(config);
  }

  /**
   * The scrubber needs the run's end before playback reaches it: run a second copy of the
   * simulation (no checkpoints, no UI) in short slices between frames. Deterministic, so its end
   * is the end the visible run will reach.
   */
  private probeEndTime(config: SimConfig): void {
    this.stopProbe?.();
    this.stopProbe = null;
    const id = ++this.probeId;
    if (this.probesHeld) {
      this.probeHeld = true;
      return;
    }
    const worker = this.startProbeWorker(id);
    if (worker) {
      worker.postMessage({ id, config, resting: this.store.getState().playing } satisfies ProbeRequest);
      return;
    }
    this.probeInSlices(config);
  }

  private probesHeld = false;
  /** The current run's probe waits for releaseProbes (every run's probe is asked for as it starts). */
  private probeHeld = false;

  /**
   * Start no end-time probe until releaseProbes(): the page holds them while it starts, because a
   * probe runs a whole simulation flat out in a worker, and on a two-core machine that takes the CPU
   * the GPU process needs to start its rasterizer before the first frame can be drawn.
   */
  holdProbes(): void {
    this.probesHeld = true;
  }

  /** Start the probe held back for the current run, if any, and every later one at once. */
  releaseProbes(): void {
    if (!this.probesHeld) return;
    this.probesHeld = false;
    if (this.probeHeld && this.current !== null) this.probeEndTime(this.current.config);
    this.probeHeld = false;
  }

  /**
   * A fresh worker for each probe (a long probe of the last scenario must not delay this one);
   * null where workers are missing or refused.
   */
  private startProbeWorker(id: number): Worker | null {
    this.worker?.terminate();
    this.worker = null;
    if (typeof Worker === 'undefined' || this.workersRefused) return null;
    try {
      const worker = new ProbeWorker();
      worker.onmessage = (event: MessageEvent<ProbeAnswer>) => {
        worker.terminate();
        if (event.data.id !== this.probeId || event.data.endTime === null) return;
        const end = event.data.endTime;
        this.store.update((s) => {
          s.endTime ??= end;
        });
      };
      worker.onerror = () => {
        // A page that forbids workers (a strict CSP): probe on the main thread instead.
        worker.terminate();
        this.workersRefused = true;
        if (id === this.probeId && this.current) this.probeInSlices(this.current.config);
      };
      this.worker = worker;
      return worker;
    } catch {
      this.workersRefused = true;
      return null;
    }
  }

  /** The probe on the main thread, in short slices between frames. */
  private probeInSlices(config: SimConfig): void {
    this.stopProbe = runProbe(new Sim(config, { checkpointEvery: 0 }), () => this.store.getState().playing, (end) => {
      this.stopProbe = null;
      if (end !== null) this.store.update((s) => void (s.endTime ??= end));
    });
  }

  /** Mirror the engine's clock into the store (with `also`, further changes in the same update). */
  sync(also?: (s: Draft<UiState>) => void): void {
    const sim = this.current;
    this.store.update((s) => {
      s.time = sim ? sim.now : 0;
      s.eventCount = sim ? sim.eventCount : 0;
      s.traceLength = sim ? sim.trace.length : 0;
      s.done = sim ? sim.done : false;
      if (sim?.done) {
        s.playing = false;
        s.endTime = sim.now;
      }
      also?.(s);
    });
  }

  /**
   * Moves of the run so far (advances, steps, seeks, loads...), not counting what idle time adds to
   * an advance: if it is unchanged since a frame, the run has only gone on from where that frame left it.
   */
  get moves(): number {
    return this.moveCount;
  }
  private moveCount = 0;

  /**
   * Run the engine, reporting an engine error in the page instead of throwing; the store hears of
   * it in one update (its subscribers run once per move, not once per change). Any move but a
   * frame's advance ends the idle catch-up: after a seek or a step, the last frame's target means
   * nothing.
   */
  private move(action: (sim: Sim) => void, also?: (s: Draft<UiState>) => void): void {
    if (!this.current) return;
    this.moveCount++;
    this.behind = null;
    this.report(this.attempt(action), also);
  }

  /** Run `action` on the current run; the error it threw, or null. */
  private attempt(action: (sim: Sim) => void): { error: unknown } | null {
    const sim = this.current;
    if (!sim) return null;
    try {
      action(sim);
      return null;
    } catch (error) {
      return { error };
    }
  }

  /** Mirror the engine into the store, with `also`, and stop playing with a message if it failed. */
  private report(failed: { error: unknown } | null, also?: (s: Draft<UiState>) => void): void {
    this.sync((s) => {
      also?.(s);
      if (failed === null) return;
      s.playing = false;
      s.error = `The simulation stopped with an error: ${messageOf(failed.error)}`;
    });
  }

  /**
   * Advance by wall-clock milliseconds at the current speed (called every frame while playing),
   * spending at most `budgetMs` on the engine, and never more than ENGINE_BUDGET_MS: the scene
   * passes what the frame has left once the panels' and its own work are set aside. What the frame
   * could not reach is run in idle time before the next one (see catchUpLater).
   */
  advance(deltaMs: number, budgetMs: number = ENGINE_BUDGET_MS): void {
    this.longestEventMs = 0;
    const { playing, speed, time: shown } = this.store.getState();
    if (!playing || !this.current || this.current.done) return;
    // Whole µs: the engine's clock is an integer.
    const target = this.current.now + Math.max(1, Math.round(deltaMs * 1000 * speed));
    let caughtUp = false;
    this.move(
      (sim) => {
        // At most the budget of engine work a frame: when the swarm is too busy for the asked speed,
        // the clock runs slower instead of the page freezing.
        const ran = this.runToward(sim, target, performance.now() + Math.min(budgetMs, ENGINE_BUDGET_MS));
        caughtUp = ran.reached;
        this.longestEventMs = ran.longestMs;
      },
      (s) => {
        // Since the frame before: this frame's events and those run in idle time after it.
        s.effectiveSpeed = caughtUp ? null : Math.max(0, (s.time - shown) / (deltaMs * 1000));
      },
    );
    if (!caughtUp && this.current && !this.current.done && this.store.getState().playing) {
      this.behind = { sim: this.current, target };
      this.catchUpLater();
    }
  }

  /**
   * Run events with time ≤ target until `deadline` (performance.now() ms), checked after every event
   * (a busy swarm's event can take a tenth of a millisecond; reading the clock, a few tens of
   * nanoseconds). `reached` when it got there (the clock then reads target), and its longest single
   * event, wall-clock ms. A checkpoint falling due meanwhile is taken when the page is idle
   * (checkpointLater).
   */
  private runToward(sim: Sim, target: number, deadline: number): { reached: boolean; longestMs: number } {
    let at = performance.now();
    let longest = 0;
    let reached = false;
    sim.deferCheckpoints = true;
    try {
      while (at < deadline) {
        const next = sim.nextEventTime;
        if (next === null || next > target || !sim.step()) {
          reached = true;
          break;
        }
        const now = performance.now();
        if (now - at > longest) longest = now - at;
        at = now;
      }
      if (reached) sim.runUntil(target);
    } finally {
      sim.deferCheckpoints = false;
    }
    if (sim.checkpointDue) this.checkpointLater(sim);
    return { reached, longestMs: longest };
  }

  /** What the last frame asked for and did not reach, while idle time is catching up with it. */
  private behind: { sim: Sim; target: number } | null = null;
  private catchUpPending = false;

  /**
   * Continue toward the last frame's target when the page is idle (requestIdleCallback), in slices
   * of at most IDLE_SLICE_MS that end IDLE_MARGIN_MS before the idle period does, so the next frame
   * and input are not kept waiting. Between the frames of a busy swarm the page's thread mostly waits
   * for the GPU: on the 2-core test machine 300-peer play at 100× ran its clock about twice as far in
   * 20 s with this (bench:app). The store hears of it with the next frame, so the panels redraw in
   * frames only; where there is no requestIdleCallback, frames alone move the run.
   */
  private catchUpLater(): void {
    if (this.catchUpPending || typeof requestIdleCallback !== 'function') return;
    this.catchUpPending = true;
    requestIdleCallback((idle) => {
      this.catchUpPending = false;
      this.catchUp(performance.now() + Math.min(IDLE_SLICE_MS, idle.timeRemaining() - IDLE_MARGIN_MS));
    });
  }

  /** One idle slice toward the last frame's target, until `deadline` (performance.now() ms). */
  private catchUp(deadline: number): void {
    const behind = this.behind;
    this.behind = null;
    if (behind === null || behind.sim !== this.current || !this.store.getState().playing || behind.sim.done) return;
    let reached = false;
    const failed = this.attempt((sim) => {
      reached = this.runToward(sim, behind.target, deadline).reached;
    });
    // Ending the run (or failing) is news the store must have now: playing stops.
    if (failed !== null || behind.sim.done) this.report(failed);
    else if (!reached) {
      this.behind = behind;
      this.catchUpLater();
    }
  }

  private checkpointPending = false;

  /**
   * Take the due checkpoint once the page is idle (requestIdleCallback, at most a second later;
   * a plain task where there is none), not inside the animation frame that played past it. The state
   * then is as good a checkpoint as any (Sim.deferCheckpoints).
   */
  private checkpointLater(sim: Sim): void {
    if (this.checkpointPending) return;
    this.checkpointPending = true;
    const take = (): void => {
      this.checkpointPending = false;
      if (this.current === sim) sim.checkpointIfDue();
    };
    if (typeof requestIdleCallback === 'function') requestIdleCallback(take, { timeout: 1000 });
    else setTimeout(take, 0);
  }

  /**
   * Run the rest of the current microsecond's events. A frame's engine budget can run out between two
   * events of the same microsecond; paused there, the run would show a clock of t without all that
   * happened at t, and the evidence panel figures that differ from Node's (the CLI's `--until`, a
   * seek) at the same t. The pause command calls this; stepping one event at a time still stops
   * between them. It also tells the store where the run is: idle time (catchUp) may have run it on
   * since the last frame, and a paused run has no next frame to say so.
   */
  finishInstant(): void {
    this.move((sim) => {
      if (!sim.done && sim.nextEventTime === sim.now) sim.runUntil(sim.now);
    });
  }

  /** Go to simulated time t (µs), forward or back. */
  seek(t: number): void {
    this.move((sim) => sim.seek(Math.max(0, Math.round(t))));
  }

  /** Process the next engine event. */
  step(): void {
    this.move((sim) => sim.step());
  }

  /** Undo the last engine event (exactly the state the run had before it). */
  stepBack(): void {
    this.move((sim) => sim.stepBack());
  }

  /** Run until the engine appends a trace record of this kind (e.g. the next rechoke), or the end. */
  stepTo(kind: number): void {
    this.move((sim) => {
      while (true) {
        const from = sim.trace.length;
        if (!sim.step()) return;
        if (hasKindSince(sim, from, kind)) return;
      }
    });
  }

  /** Run to the end of the scenario. */
  runToEnd(): void {
    this.move((sim) => sim.run());
  }

  dispose(): void {
    this.stopProbe?.();
    this.stopProbe = null;
    this.worker?.terminate();
    this.worker = null;
  }
}

function hasKindSince(sim: Sim, from: number, kind: number): boolean {
  for (let i = from; i < sim.trace.length; i++) if (record(sim.trace, i).kind === kind) return true;
  return false;
}
