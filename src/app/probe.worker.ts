// The end-time probe off the main thread: run a copy of the scenario to its end and say when that
// is, so the scrubber knows its range without taking frame time from the visible run. It runs in
// slices so that it can hear, between them, that the app started or stopped playing (probe.ts).
import { Sim } from '../engine/sim';
import { PROBE_SLICE_MS, probeRest, probeSlice, type ProbeAnswer, type ProbeRequest } from './probe';

let resting = false;
let timer: ReturnType<typeof setTimeout> | null = null;

function answer(a: ProbeAnswer): void {
  self.postMessage(a);
}

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  const request = event.data;
  resting = request.resting;
  if (!('id' in request)) return;
  if (timer !== null) clearTimeout(timer);
  const { id } = request;
  let sim: Sim;
  try {
    sim = new Sim(request.config, { checkpointEvery: 0 });
  } catch {
    // The visible run reports engine errors; the probe just gives up.
    return answer({ id, endTime: null });
  }
  const slice = (): void => {
    timer = null;
    try {
      if (probeSlice(sim, PROBE_SLICE_MS)) return answer({ id, endTime: sim.now });
    } catch {
      return answer({ id, endTime: null });
    }
    timer = setTimeout(slice, probeRest(resting));
  };
  slice();
};
