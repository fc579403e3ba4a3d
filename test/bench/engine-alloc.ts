// npm run -s bench:alloc [-- scenario.json FROM_S TO_S]: what the engine allocates per event, and
// where, in Node. Runs the scenario (default test/bench/scenarios/swarm-300.json, bench:app's) to
// FROM_S simulated seconds (default 40: past the start-up), then samples every allocation V8 makes
// until TO_S (default 120), collected objects included, and prints the bytes per event and the call
// chains that allocate most. Garbage is what the app's frames pay for in collector pauses, so an
// engine change on the hot path should not raise it. Without checkpoints, as the CLI runs.
import { readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { Sim } from '../../src/engine/sim';
import { parseScenario } from '../../src/scenario/parse';
import { allocationsByChain } from './heap-profile';

const [file = 'test/bench/scenarios/swarm-300.json', from = '40', to = '120'] = process.argv.slice(2);
const parsed = parseScenario(JSON.parse(readFileSync(file, 'utf8')));
if (!parsed.ok) {
  console.error(`${file}: ${parsed.errors.map((e) => `${e.path} ${e.message}`).join('; ')}`);
  process.exit(2);
}
const sim = new Sim(parsed.config, { checkpointEvery: 0 });
sim.runUntil(Number(from) * 1e6);
const session = new Session();
session.connect();
await session.post('HeapProfiler.startSampling', { samplingInterval: 4096, includeObjectsCollectedByMinorGC: true, includeObjectsCollectedByMajorGC: true });
const first = sim.eventCount;
sim.runUntil(Number(to) * 1e6);
const events = sim.eventCount - first;
const { profile } = await session.post('HeapProfiler.stopSampling');
session.disconnect();

const { total, chains } = allocationsByChain(profile.head);
console.log(`${parsed.config.name}, ${from}-${to} s simulated: ${events} events, ${(total / 1048576).toFixed(1)} MiB allocated (sampled), ${(total / events).toFixed(1)} bytes an event`);
for (const [chain, bytes] of chains.slice(0, 20)) console.log(`${(bytes / 1024).toFixed(0).padStart(8)} KiB  ${chain}`);
