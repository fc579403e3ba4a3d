// The end-time probe off the main thread: run a copy of the scenario to its end and say when that
// is, so the scrubber knows its range without taking frame time from the visible run.
import { Sim } from '../engine/sim';
import type { SimConfig } from '../engine/types';

self.onmessage = (event: MessageEvent<{ id: number; config: SimConfig }>) => {
  const { id, config } = event.data;
  try {
    const sim = new Sim(config, { checkpointEvery: 0 });
    sim.run();
    self.postMessage({ id, endTime: sim.now });
  } catch {
    // The visible run reports engine errors; the probe just gives up.
    self.postMessage({ id, endTime: null });
  }
};
