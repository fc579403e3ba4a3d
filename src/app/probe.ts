// The end-time probe's pace, shared by its worker (probe.worker.ts) and its fallback on the main thread
// (session.ts). The probe runs a second copy of the scenario to its end so that the scrubber knows its
// range. It runs in slices: back to back while the app is still, and with a rest after each while the
// app plays, because on a small machine a probe at full speed takes the core that the page's frames
// and the GPU process need. bench:app (15 s of 300-peer play, 2 cores): with the probe at full speed,
// 156 frames and a JS time per frame of 15.8 ms at p95; resting, 209 frames and 13.1 ms; with no
// probe at all, 239 frames and 12.7 ms.
import type { Sim } from '../engine/sim';
import type { SimConfig } from '../engine/types';

/** Wall-clock ms of one slice of the probe's run. */
export const PROBE_SLICE_MS = 12;
/** While the app plays, the probe rests this long after each slice: a quarter of one core. */
export const PROBE_REST_MS = 36;

/** Messages to the probe's worker: start a probe, or set whether it rests between slices. */
export type ProbeRequest = { id: number; config: SimConfig; resting: boolean } | { resting: boolean };
/** The worker's answer: the end of run `id` (null if the engine failed). */
export interface ProbeAnswer {
  id: number;
  endTime: number | null;
}

/** Run `sim` for about `ms` of wall-clock time, or to its end; true once it has ended. */
function probeSlice(sim: Sim, ms: number): boolean {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    for (let i = 0; i < 256; i++) if (!sim.step()) return true;
  }
  return sim.done;
}

/**
 * Run `sim` to its end in slices, the first after a 0 ms timer, resting PROBE_REST_MS after each
 * while `resting()` says so; then `finish` with its end time, or null if the engine threw (the
 * visible run reports engine errors; the probe just gives up). Returns what stops it.
 */
export function runProbe(sim: Sim, resting: () => boolean, finish: (endTime: number | null) => void): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const slice = (): void => {
    timer = null;
    let done: boolean;
    try {
      done = probeSlice(sim, PROBE_SLICE_MS);
    } catch {
      return finish(null);
    }
    if (done) return finish(sim.now);
    timer = setTimeout(slice, resting() ? PROBE_REST_MS : 0);
  };
  timer = setTimeout(slice, 0);
  return () => {
    if (timer !== null) clearTimeout(timer);
    timer = null;
  };
}
