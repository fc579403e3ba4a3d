// The session owns the running simulation (a Sim: engine state stays out of the UI store) and moves
// it: load a scenario, advance with the wall clock while playing, step, step back, seek. After every
// move it mirrors the few numbers the chrome shows into the store, which is how panels and the scene
// learn that the engine moved. Loading a bad scenario reports it and keeps the current one running.
import { Sim } from '../engine/sim';
import { record } from '../engine/trace';
import type { SimConfig } from '../engine/types';
import { formatScenarioErrors, parseScenario } from '../scenario';
import type { UiStore } from './store';

export type LoadResult = { ok: true } | { ok: false; error: string };

/** Wall-clock budget of one slice of the background run that finds the end time, ms. */
const PROBE_SLICE_MS = 12;

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
  private probe: { sim: Sim; timer: ReturnType<typeof setTimeout> | null } | null = null;

  constructor(store: UiStore) {
    this.store = store;
  }

  get sim(): Sim | null {
    return this.current;
  }

  get scenarioJson(): unknown {
    return this.source;
  }

  /** Parse and start a scenario. On failure the previous run stays loaded and the error is shown. */
  load(scenarioJson: unknown, id: string | null = null): LoadResult {
    const parsed = parseConfig(scenarioJson);
    if (!parsed.ok) {
      this.store.update((s) => {
        s.error = parsed.error;
      });
      return parsed;
    }
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
    if (this.probe?.timer) clearTimeout(this.probe.timer);
    const probe = { sim: new Sim(config, { checkpointEvery: 0 }), timer: null as ReturnType<typeof setTimeout> | null };
    this.probe = probe;
    const slice = (): void => {
      if (this.probe !== probe) return;
      const until = performance.now() + PROBE_SLICE_MS;
      try {
        while (performance.now() < until) {
          for (let i = 0; i < 256; i++) if (!probe.sim.step()) break;
          if (probe.sim.done) break;
        }
      } catch {
        // The visible run reports engine errors; the probe just gives up.
        this.probe = null;
        return;
      }
      if (probe.sim.done) {
        const end = probe.sim.now;
        this.probe = null;
        this.store.update((s) => {
          s.endTime = end;
        });
      } else {
        probe.timer = setTimeout(slice, 0);
      }
    };
    probe.timer = setTimeout(slice, 0);
  }

  /** Mirror the engine's clock into the store. */
  sync(): void {
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
    });
  }

  /** Run the engine, reporting an engine error in the page instead of throwing. */
  private move(action: (sim: Sim) => void): void {
    const sim = this.current;
    if (!sim) return;
    try {
      action(sim);
    } catch (error) {
      this.store.update((s) => {
        s.playing = false;
        s.error = `The simulation stopped with an error: ${messageOf(error)}`;
      });
    }
    this.sync();
  }

  /** Advance by wall-clock milliseconds at the current speed (called every frame while playing). */
  advance(deltaMs: number): void {
    const { playing, speed } = this.store.getState();
    if (!playing || !this.current || this.current.done) return;
    // Whole µs: the engine's clock is an integer.
    const by = Math.max(1, Math.round(deltaMs * 1000 * speed));
    this.move((sim) => sim.runUntil(sim.now + by));
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
    if (this.probe?.timer) clearTimeout(this.probe.timer);
    this.probe = null;
  }
}

function hasKindSince(sim: Sim, from: number, kind: number): boolean {
  for (let i = from; i < sim.trace.length; i++) if (record(sim.trace, i).kind === kind) return true;
  return false;
}
