// The end-time probe off the main thread: run a copy of the scenario to its end and say when that
// is, so the scrubber knows its range without taking frame time from the visible run. It runs in
// slices so that it can hear, between them, that the app started or stopped playing (probe.ts).
import { Sim } from '../engine/sim';
import { runProbe, type ProbeAnswer, type ProbeRequest } from './probe';

let resting = false;
let stop: (() => void) | null = null;

function answer(a: ProbeAnswer): void {
  self.postMessage(a);
}

self.onmessage = (event: MessageEvent<ProbeRequest>) => {
  const request = event.data;
  resting = request.resting;
  if (!('id' in request)) return;
  stop?.();
  const { id } = request;
  try {
    const sim = new Sim(request.config, { checkpointEvery: 0 });
    stop = runProbe(sim, () => resting, (endTime) => answer({ id, endTime }));
  } catch {
    answer({ id, endTime: null });
  }
};
