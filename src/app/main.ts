// The browser entry until the full app exists: load the default scenario, play it in simulated time,
// draw it, and show the trace hash when the run ends. Everything the user sees as text goes through
// textContent: scenario files are untrusted.
import flashCrowd from '../../scenarios/flash-crowd.json';
import { Sim } from '../engine/sim';
import type { SimConfig } from '../engine/types';
import { createScene, type Scene } from '../render/scene';
import { formatScenarioErrors, parseScenario } from '../scenario';

type LoadResult = { ok: true } | { ok: false; error: string };
type Ending = { traceHash: string; endTime: number };

/** Hooks for the browser tests (test/e2e/), which compare this runtime's trace hashes with Node's. */
interface TestHooks {
  ready: Promise<void>;
  runToEnd(): Ending;
  hashFor(scenarioJson: unknown, seed: number): string;
  load(scenarioJson: unknown): LoadResult;
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

const ui = {
  name: element('scenario-name'),
  play: element<HTMLButtonElement>('play'),
  speed: element<HTMLSelectElement>('speed'),
  clock: element('clock'),
  hash: element('hash'),
  error: element('error'),
  stage: element('stage'),
};

let scene: Scene | null = null;
let sim: Sim | null = null;
/** Simulated µs the user has played up to; the engine has processed every event up to here. */
let playhead = 0;
let playing = false;
let ended: Ending | null = null;

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

function formatTime(us: number): string {
  const ms = Math.floor(us / 1000);
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}.${pad(ms % 1000, 3)}`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function showError(text: string): void {
  ui.error.textContent = text;
  ui.error.hidden = false;
}

function refresh(): void {
  ui.play.disabled = sim === null;
  ui.play.textContent = ended ? 'Replay' : playing ? 'Pause' : 'Play';
  ui.clock.textContent = formatTime(ended ? ended.endTime : playhead);
  ui.hash.textContent = ended ? `traceHash ${ended.traceHash}` : '';
}

function parseConfig(scenarioJson: unknown): { ok: true; config: SimConfig } | { ok: false; error: string } {
  const parsed = parseScenario(scenarioJson);
  if (parsed.ok) return parsed;
  return { ok: false, error: `This scenario could not be loaded:\n${formatScenarioErrors(parsed.errors)}` };
}

function start(config: SimConfig): void {
  sim = new Sim(config);
  playhead = 0;
  playing = false;
  ended = null;
  ui.error.hidden = true;
  ui.name.textContent = config.name;
  scene?.show(sim);
  refresh();
}

function finish(run: Sim): Ending {
  playing = false;
  ended = { traceHash: run.traceHash(), endTime: run.result().endTime };
  refresh();
  return ended;
}

function load(scenarioJson: unknown): LoadResult {
  const parsed = parseConfig(scenarioJson);
  if (!parsed.ok) {
    sim = null;
    playhead = 0;
    playing = false;
    ended = null;
    ui.name.textContent = '';
    scene?.show(null);
    showError(parsed.error);
    refresh();
    return parsed;
  }
  start(parsed.config);
  return { ok: true };
}

function tick(deltaMs: number): void {
  if (!sim || !playing) return;
  playhead += Math.round(deltaMs * 1000 * Number(ui.speed.value));
  try {
    sim.runUntil(playhead);
  } catch (error) {
    playing = false;
    showError(`The simulation stopped with an error: ${messageOf(error)}`);
  }
  if (sim.done) finish(sim);
  else refresh();
}

function runToEnd(): Ending {
  if (!sim) throw new Error('No scenario is loaded.');
  sim.run();
  return finish(sim);
}

function hashFor(scenarioJson: unknown, seed: number): string {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) throw new Error(`seed must be a uint32, got ${seed}`);
  const parsed = parseConfig(scenarioJson);
  if (!parsed.ok) throw new Error(parsed.error);
  const run = new Sim({ ...parsed.config, seed });
  run.run();
  return run.traceHash();
}

ui.play.addEventListener('click', () => {
  if (!sim) return;
  if (ended) {
    start(sim.config);
    playing = true;
  } else {
    playing = !playing;
  }
  refresh();
});

async function boot(): Promise<void> {
  scene = await createScene(ui.stage);
  scene.onFrame(tick);
  load(flashCrowd);
}

const ready = boot();
ready.catch((error: unknown) => showError(`swarmscope could not start: ${messageOf(error)}`));
window.__swarmscope = { ready, runToEnd, hashFor, load };
