// The browser entry: build the store, the session and the command registry, mount the scene, the
// playback bar and the panels, bind the keyboard, and load the default scenario. Everything the user
// sees as text goes through textContent: scenario files are untrusted.
import { Sim } from '../engine/sim';
import { createScene } from '../render/scene';
import { run, type AppContext, type CommandId } from './commands';
import { mountControls } from './controls';
import { bindKeyboard } from './keyboard';
import { DEFAULT_SCENARIO, library, libraryEntry } from './library';
import { messageOf, parseConfig, Session, type LoadResult } from './session';
import { createUiStore, type UiState } from './store';

type Ending = { traceHash: string; endTime: number };

/** Hooks for the browser tests (test/e2e/): they drive the app through the same commands as the user. */
interface TestHooks {
  ready: Promise<void>;
  runToEnd(): Ending;
  hashFor(scenarioJson: unknown, seed: number): string;
  load(scenarioJson: unknown): LoadResult;
  command(id: CommandId, arg?: unknown): boolean;
  state(): UiState;
  engine(): { now: number; eventCount: number; traceLength: number; peerPieces: number[] } | null;
}

declare global {
  interface Window {
    __swarmscope: TestHooks;
  }
}

function element<T extends HTMLElement = HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`index.html has no #${id}`);
  return found as T;
}

const store = createUiStore();
const session = new Session(store);
const ctx: AppContext = { store, session };

const ui = {
  name: element('scenario-name'),
  picker: element<HTMLSelectElement>('scenario-picker'),
  error: element('error'),
  stage: element('stage'),
  controls: element('controls'),
};

function mountPicker(): void {
  for (const entry of library) {
    const option = document.createElement('option');
    option.value = entry.id;
    option.textContent = entry.name;
    option.title = entry.description;
    ui.picker.appendChild(option);
  }
  ui.picker.addEventListener('change', () => {
    const entry = libraryEntry(ui.picker.value);
    if (entry) run(ctx, 'loadScenario', { json: entry.json, id: entry.id });
  });
}

function refresh(s: UiState): void {
  ui.name.textContent = s.scenario?.name ?? '';
  if (s.scenario?.id) ui.picker.value = s.scenario.id;
  ui.error.textContent = s.error ?? '';
  ui.error.hidden = s.error === null;
  document.documentElement.dataset.theme = s.theme;
}

function runToEnd(): Ending {
  const sim = session.sim;
  if (!sim) throw new Error('No scenario is loaded.');
  session.runToEnd();
  return { traceHash: sim.traceHash(), endTime: sim.now };
}

function hashFor(scenarioJson: unknown, seed: number): string {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new Error(`seed must be a uint32, got ${seed}`);
  const parsed = parseConfig(scenarioJson);
  if (!parsed.ok) throw new Error(parsed.error);
  const sim = new Sim({ ...parsed.config, seed }, { checkpointEvery: 0 });
  sim.run();
  return sim.traceHash();
}

async function boot(): Promise<void> {
  mountPicker();
  mountControls(ui.controls, ctx);
  store.subscribe(refresh);
  bindKeyboard(document, ctx);
  const scene = await createScene(ui.stage);
  scene.onFrame((deltaMs) => session.advance(deltaMs));
  store.subscribe((s, before) => {
    if (s.runId !== before.runId) scene.show(session.sim);
  });
  const entry = libraryEntry(DEFAULT_SCENARIO) ?? library[0];
  if (entry) run(ctx, 'loadScenario', { json: entry.json, id: entry.id });
  refresh(store.getState());
}

const ready = boot();
ready.catch((error: unknown) => {
  ui.error.textContent = `swarmscope could not start: ${messageOf(error)}`;
  ui.error.hidden = false;
});
window.__swarmscope = {
  ready,
  runToEnd,
  hashFor,
  load: (json) => session.load(json, null),
  command: (id, arg) => (run as (c: AppContext, id: CommandId, arg?: unknown) => boolean)(ctx, id, arg),
  state: () => store.getState(),
  engine: () => {
    const sim = session.sim;
    if (!sim) return null;
    return {
      now: sim.now,
      eventCount: sim.eventCount,
      traceLength: sim.trace.length,
      peerPieces: sim.config.peers.map((_, i) => sim.peerPieces(i)),
    };
  },
};
