// The browser entry: build the store, the session and the command registry, mount the scene, the
// playback bar and the panels, bind the keyboard, and load the default scenario. Everything the user
// sees as text goes through textContent: scenario files are untrusted.
import { Sim } from '../engine/sim';
import { createScene, type Scene } from '../render/scene';
import { run, type AppContext, type CommandId } from './commands';
import { mountControls } from './controls';
import { mountPanels } from './panels';
import { mountHeaderTools } from './header';
import { mountPicker } from './picker';
import { startUrlState } from './share';
import { mountEmbedChrome, parseEmbedParams, startEmbed } from './embed';
import { mountLiveRegion } from './live-region';
import { mountExportDialog } from './export-dialog';
import { mountEditor } from './editor';
import { followNarration } from './narration-follow';
import { mountNarrationView } from './narration-view';
import { mountScenarioList } from './scenario-picker';
import { bindKeyboard } from './keyboard';
import { setHidden, setText } from './panels/dom';
import { DEFAULT_SCENARIO, library, libraryEntry } from './library';
import { messageOf, parseConfig, Session, type LoadResult } from './session';
import { createUiStore, type UiState } from './store';
import { uiMs } from './ui-time';

type Ending = { traceHash: string; endTime: number };

/** Hooks for the browser tests (test/e2e/): they drive the app through the same commands as the user. */
interface TestHooks {
  ready: Promise<void>;
  runToEnd(): Ending;
  hashFor(scenarioJson: unknown, seed: number, split?: boolean): string;
  load(scenarioJson: unknown): LoadResult;
  command(id: CommandId, arg?: unknown): boolean;
  state(): UiState;
  engine(): { now: number; eventCount: number; traceLength: number; peerPieces: number[] } | null;
  /** The scene once mounted: peer positions, zoom, frame timings (test/e2e/scene.test.ts, test/bench/app-bench.ts). */
  scene(): Scene | null;
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

/** The header's name, the error box and the theme; on every store update, so only what changed is written. */
function refresh(s: UiState): void {
  setText(ui.name, s.scenario?.name ?? '');
  setText(ui.error, s.error ?? '');
  setHidden(ui.error, s.error === null);
  // Setting it even to the same value would restyle the whole page.
  if (document.documentElement.dataset.theme !== s.theme) document.documentElement.dataset.theme = s.theme;
}

function runToEnd(): Ending {
  const sim = session.sim;
  if (!sim) throw new Error('No scenario is loaded.');
  session.runToEnd();
  return { traceHash: sim.traceHash(), endTime: sim.now };
}

function hashFor(scenarioJson: unknown, seed: number, split = false): string {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new Error(`seed must be a uint32, got ${seed}`);
  const parsed = parseConfig(scenarioJson);
  if (!parsed.ok) throw new Error(parsed.error);
  const sim = new Sim({ ...parsed.config, seed }, { checkpointEvery: 0, split });
  sim.run();
  return sim.traceHash();
}

async function boot(): Promise<void> {
  // PixiJS first: while it fetches its renderer's modules and the GPU sets up, the page is built.
  const starting = createScene(ui.stage, {
    ui: () => store.getState(),
    onHover: (peer) => {
      if (store.getState().hoveredPeer !== peer) store.update((s) => void (s.hoveredPeer = peer));
    },
    onSelect: (peer) => run(ctx, 'selectPeer', peer),
    uiMs,
    longestEventMs: () => session.longestEventMs,
  });
  mountPicker(ui.picker, ctx);
  mountControls(ui.controls, ctx);
  mountPanels(ctx);
  mountHeaderTools(element('header-tools'), document.body, ctx);
  mountScenarioList(element('header-tools'), ctx);
  mountEditor(element('header-tools'), ctx);
  mountNarrationView(ui.controls, element('header-tools'), ctx);
  const narration = followNarration(ctx);
  store.subscribe(refresh);
  bindKeyboard(document, ctx);
  // The scrubber's range can wait for the first frame; the GPU process's start cannot (holdProbes).
  session.holdProbes();
  // The run, the link's state and embed mode's chrome before the scene measures the stage: the
  // narration strip, the link's notices and the embedded layout change its size, and resizing the
  // canvas afterwards would cost a frame.
  const entry = libraryEntry(DEFAULT_SCENARIO) ?? library[0];
  if (entry) run(ctx, 'loadScenario', { json: entry.json, id: entry.id, text: entry.text });
  const embedParams = parseEmbedParams(location.search);
  mountEmbedChrome(ctx, embedParams, ui.stage, element('site-header'));
  startUrlState(ctx, element('notice'), embedParams.problems);
  refresh(store.getState());
  const scene = await starting;
  mountedScene = scene;
  // Through the narration, so that playing into a step with `pause` stops there.
  scene.onFrame((deltaMs, budgetMs) => narration.advance(deltaMs, budgetMs));
  scene.show(session.sim);
  // Pixi's ticker asked for this animation frame first, so the scene has drawn when this runs.
  requestAnimationFrame(() => session.releaseProbes());
  store.subscribe((s, before) => {
    if (s.runId !== before.runId) scene.show(session.sim);
  });
  startEmbed(ctx, embedParams);
  mountLiveRegion(ctx);
  mountExportDialog(ctx, () => scene);
}

let mountedScene: Scene | null = null;
const ready = boot();
ready.catch((error: unknown) => {
  session.releaseProbes();
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
  scene: () => mountedScene,
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
