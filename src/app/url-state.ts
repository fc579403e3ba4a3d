// The URL as a record of what is on screen: which scenario (a library id, or a small scenario of
// one's own carried in the URL itself, deflated), its seed, the time, the speed, the selected peer,
// the colouring, the panel and the theme. Parsing checks every parameter on its own: a bad one is
// reported (named, with what was expected) and left out, the others still apply. Applying goes
// through the command registry like any other caller.
import { deflateSync, inflateSync, strFromU8, strToU8 } from 'fflate';
import { z } from 'zod';
import { formatScenarioErrors, parseScenarioText } from '../scenario';
import { run, type AppContext } from './commands';
import { libraryEntry } from './library';
import { SPEEDS, type Colouring, type PanelId, type Theme, type UiState } from './store';

/** A scenario travels in the URL only up to this many characters once deflated and encoded. */
export const MAX_URL_SCENARIO_CHARS = 8000;
/** …and up to this many bytes of JSON once inflated (a small scenario; files are for big ones). */
export const MAX_URL_SCENARIO_BYTES = 256 * 1024;
/** The longest time a URL may ask for, in seconds (the scenario format's own limit). */
const MAX_SECONDS = 1e9;

/** Parameters that other parts of the app read (embed mode, the postMessage allow-list): not ours to report. */
const READ_ELSEWHERE = ['embed', 'origins'] as const;

export interface UrlState {
  /** A library id, or the scenario's JSON as written. */
  scenario?: { id: string } | { json: unknown; text: string };
  seed?: number;
  /** Simulated µs. */
  time?: number;
  speed?: number;
  /** A peer's name as the scenario expands it ("L-3"). */
  peer?: string;
  colouring?: Colouring;
  panel?: PanelId;
  theme?: Theme;
}

export interface UrlProblem {
  /** The parameter's name as written in the URL. */
  param: string;
  message: string;
}

export function describeProblem(problem: UrlProblem): string {
  return `The link's parameter "${problem.param}" was ignored: ${problem.message}.`;
}

/** Quote a value from the URL for a message, shortened: it is whatever someone typed or pasted. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
}

const PANELS = ['inspector', 'log', 'charts', 'evidence'] as const satisfies readonly PanelId[];

type Checked = Exclude<keyof UrlState, 'scenario'>;

/** One checker per parameter: the state field it sets, the zod schema of its text, what a person should write. */
const PARAMS: Record<string, { key: Checked; schema: z.ZodType; expected: string }> = {
  seed: { key: 'seed', schema: z.string().regex(/^\d{1,10}$/).transform(Number).pipe(z.number().int().max(0xffff_ffff)), expected: 'a whole number from 0 to 4294967295' },
  t: {
    key: 'time',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number)
      .pipe(z.number().max(MAX_SECONDS))
      .transform((seconds) => Math.round(seconds * 1e6)),
    expected: `a time in seconds from 0 to ${MAX_SECONDS}, such as 12.5`,
  },
  speed: {
    key: 'speed',
    schema: z
      .string()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number)
      .refine((speed) => (SPEEDS as readonly number[]).includes(speed)),
    expected: `one of the speeds ${SPEEDS.join(', ')}`,
  },
  peer: { key: 'peer', schema: z.string().min(1).max(200), expected: "a peer's name, such as L-3" },
  colour: { key: 'colouring', schema: z.enum(['piece', 'source']), expected: '"piece" or "source"' },
  panel: { key: 'panel', schema: z.enum(PANELS), expected: `one of ${PANELS.map((panel) => `"${panel}"`).join(', ')}` },
  theme: { key: 'theme', schema: z.enum(['dark', 'light']), expected: '"dark" or "light"' },
};

/** URL-safe base64 of bytes, without padding. */
function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return null;
  try {
    const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}

/**
 * Encodings already made. A run's scenario object is never changed in place (another seed or an
 * edit makes a new one), and the address bar asks for its encoding a few times a second.
 */
const compressed = new WeakMap<object, string | null>();

/** The scenario's JSON, deflated for a URL; null when it is too big to travel that way. */
export function compressScenario(json: unknown): string | null {
  if (typeof json !== 'object' || json === null) return encodeScenario(json);
  let encoded = compressed.get(json);
  if (encoded === undefined) {
    encoded = encodeScenario(json);
    compressed.set(json, encoded);
  }
  return encoded;
}

function encodeScenario(json: unknown): string | null {
  const text = JSON.stringify(json);
  if (text === undefined || text.length > MAX_URL_SCENARIO_BYTES) return null;
  const encoded = toBase64Url(deflateSync(strToU8(text), { level: 9 }));
  return encoded.length <= MAX_URL_SCENARIO_CHARS ? encoded : null;
}

/** The scenario carried in a URL, checked like a file: readable, small, JSON, valid. */
export function decompressScenario(encoded: string): { ok: true; json: unknown; text: string } | { ok: false; message: string } {
  if (encoded.length > MAX_URL_SCENARIO_CHARS) return { ok: false, message: `it is ${encoded.length} characters long; at most ${MAX_URL_SCENARIO_CHARS}` };
  const bytes = fromBase64Url(encoded);
  if (bytes === null) return { ok: false, message: 'expected a scenario as made by "Copy link" (URL-safe base64)' };
  let inflated: Uint8Array;
  try {
    // One byte more than allowed: a result that fills the buffer was cut, so it was too big.
    inflated = inflateSync(bytes, { out: new Uint8Array(MAX_URL_SCENARIO_BYTES + 1) });
  } catch {
    return { ok: false, message: 'expected a scenario as made by "Copy link"; this one is damaged (perhaps cut short)' };
  }
  if (inflated.length > MAX_URL_SCENARIO_BYTES) return { ok: false, message: `the scenario is larger than ${MAX_URL_SCENARIO_BYTES / 1024} KiB` };
  let text: string;
  try {
    text = strFromU8(inflated);
  } catch {
    return { ok: false, message: 'the scenario is not UTF-8 text' };
  }
  const parsed = parseScenarioText(text);
  if (!parsed.ok) return { ok: false, message: `it is not a valid scenario:\n${formatScenarioErrors(parsed.errors)}` };
  return { ok: true, json: JSON.parse(text) as unknown, text };
}

/** Read every parameter of a URL's query; each bad or unknown one becomes a problem and is left out. */
export function parseUrlState(search: string | URLSearchParams): { state: UrlState; problems: UrlProblem[] } {
  const params = typeof search === 'string' ? new URLSearchParams(search) : search;
  const state: UrlState = {};
  const problems: UrlProblem[] = [];
  const seen = new Set<string>();
  for (const [param, value] of params) {
    if (seen.has(param)) {
      problems.push({ param, message: 'it appears more than once; the first one counts' });
      continue;
    }
    seen.add(param);
    if ((READ_ELSEWHERE as readonly string[]).includes(param)) continue;
    if (param === 'scenario') {
      if (libraryEntry(value)) state.scenario = { id: value };
      else problems.push({ param, message: `expected the id of a library scenario, got ${quoted(value)}` });
      continue;
    }
    if (param === 'scenarioData') {
      const decoded = decompressScenario(value);
      if (!decoded.ok) problems.push({ param, message: decoded.message });
      else if (params.has('scenario')) problems.push({ param, message: 'a link names one scenario, and this one also has "scenario"' });
      else state.scenario = { json: decoded.json, text: decoded.text };
      continue;
    }
    const checker = Object.hasOwn(PARAMS, param) ? PARAMS[param] : undefined;
    if (!checker) {
      problems.push({ param, message: `swarmscope has no such parameter (it knows ${[...Object.keys(PARAMS), 'scenario', 'scenarioData'].sort().join(', ')})` });
      continue;
    }
    const parsed = checker.schema.safeParse(value);
    if (parsed.success) (state as Record<Checked, unknown>)[checker.key] = parsed.data;
    else problems.push({ param, message: `expected ${checker.expected}, got ${quoted(value)}` });
  }
  return { state, problems };
}

/** What the URL records, read from the store and the session. */
export interface ScreenState {
  ui: Pick<UiState, 'scenario' | 'time' | 'speed' | 'selectedPeer' | 'colouring' | 'activePanel' | 'theme'>;
  /** The running scenario's JSON, its seed and its peers' names; null when nothing is loaded. */
  run: { json: unknown; seed: number; peerNames: readonly string[] } | null;
  /** Parameters of the current URL that other parts of the app read, kept as they are. */
  keep?: URLSearchParams;
}

/**
 * The query that reproduces a screen, and a warning when it cannot carry the scenario (a file too
 * big for a URL): then it leaves out the scenario and everything tied to it (seed, time, peer).
 */
export function serialiseUrlState(screen: ScreenState): { params: URLSearchParams; warning: string | null } {
  const params = new URLSearchParams();
  let warning: string | null = null;
  const { ui, run } = screen;
  let scenarioInUrl = false;
  if (run && ui.scenario) {
    if (ui.scenario.id !== null && libraryEntry(ui.scenario.id)) {
      params.set('scenario', ui.scenario.id);
      scenarioInUrl = true;
    } else {
      const encoded = compressScenario(run.json);
      if (encoded !== null) {
        params.set('scenarioData', encoded);
        scenarioInUrl = true;
      } else {
        warning = 'This scenario is too large to travel inside a link: the link opens the default scenario, so share the file too.';
      }
    }
  }
  if (run && scenarioInUrl) {
    params.set('seed', String(run.seed));
    // µs → seconds: the shortest decimal that reads back as the same double, so the round trip is exact.
    if (ui.time > 0) params.set('t', String(ui.time / 1e6));
    const peer = ui.selectedPeer === null ? undefined : run.peerNames[ui.selectedPeer];
    if (peer !== undefined) params.set('peer', peer);
  }
  if (ui.speed !== 10) params.set('speed', String(ui.speed));
  if (ui.colouring !== 'piece') params.set('colour', ui.colouring);
  if (ui.activePanel !== 'inspector') params.set('panel', ui.activePanel);
  params.set('theme', ui.theme);
  for (const name of READ_ELSEWHERE) {
    const value = screen.keep?.get(name);
    if (value !== null && value !== undefined) params.set(name, value);
  }
  return { params, warning };
}

/** The store and session as serialiseUrlState reads them. */
export function screenOf(ctx: AppContext, keep?: URLSearchParams): ScreenState {
  const sim = ctx.session.sim;
  return {
    ui: ctx.store.getState(),
    run: sim ? { json: ctx.session.scenarioJson, seed: sim.config.seed, peerNames: sim.config.peers.map((peer) => peer.name) } : null,
    keep,
  };
}

/**
 * Apply a parsed URL through the commands, in the order that makes each one meaningful: the
 * scenario, then its seed (a new run), then the time, the peer, and the view. Returns the problems
 * only the running scenario can reveal (a peer it does not have).
 */
export function applyUrlState(ctx: AppContext, state: UrlState): UrlProblem[] {
  const problems: UrlProblem[] = [];
  if (state.theme) run(ctx, 'setTheme', state.theme);
  if (state.scenario && 'id' in state.scenario) {
    const entry = libraryEntry(state.scenario.id);
    if (entry) run(ctx, 'loadScenario', { json: entry.json, id: entry.id, text: entry.text });
  } else if (state.scenario) {
    run(ctx, 'loadScenario', { json: state.scenario.json, id: null, text: state.scenario.text });
  }
  if (state.seed !== undefined) run(ctx, 'setSeed', state.seed);
  if (state.time !== undefined) run(ctx, 'seek', state.time);
  if (state.peer !== undefined) {
    const index = ctx.session.sim?.config.peers.findIndex((peer) => peer.name === state.peer) ?? -1;
    if (index >= 0) run(ctx, 'selectPeer', index);
    else problems.push({ param: 'peer', message: `this scenario has no peer named ${quoted(state.peer)}` });
  }
  if (state.speed !== undefined) run(ctx, 'setSpeed', state.speed);
  if (state.colouring) run(ctx, 'setColouring', state.colouring);
  if (state.panel) run(ctx, 'showPanel', state.panel);
  return problems;
}
