import { describe, expect, it } from 'vitest';
import { run } from '../../src/app/commands';
import { DEFAULT_SCENARIO, library } from '../../src/app/library';
import { embedCode } from '../../src/app/share';
import { SPEEDS, type UiState } from '../../src/app/store';
import {
  applyUrlState,
  compressScenario,
  decompressScenario,
  describeProblem,
  MAX_URL_SCENARIO_CHARS,
  parseUrlState,
  screenOf,
  serialiseUrlState,
  type ScreenState,
} from '../../src/app/url-state';
import { deflateSync, strToU8 } from 'fflate';
import { makeContext, smallSwarm } from './context';

const ui = (over: Partial<ScreenState['ui']> = {}): ScreenState['ui'] => ({
  scenario: { id: DEFAULT_SCENARIO, name: 'Flash crowd' },
  time: 0,
  speed: 10,
  selectedPeer: null,
  colouring: 'piece',
  activePanel: 'inspector',
  theme: 'dark',
  ...over,
});
const runOf = (json: unknown = library[0]!.json) => ({ json, seed: 1, peerNames: ['seed', 'L-1', 'L-2', 'subject'] });

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

describe('serialising the screen into a URL', () => {
  it('names a library scenario by id, with its seed and the theme, and leaves defaults out', () => {
    const { params, warning } = serialiseUrlState({ ui: ui(), run: runOf() });
    expect(params.toString()).toBe(`scenario=${DEFAULT_SCENARIO}&seed=1&theme=dark`);
    expect(warning).toBeNull();
  });

  it('records time, speed, peer (by name), colouring, panel and theme', () => {
    const { params } = serialiseUrlState({
      ui: ui({ time: 12_345_678, speed: 100, selectedPeer: 2, colouring: 'source', activePanel: 'log', theme: 'light' }),
      run: { ...runOf(), seed: 7 },
    });
    expect(Object.fromEntries(params)).toEqual({ scenario: DEFAULT_SCENARIO, seed: '7', t: '12.345678', peer: 'L-2', speed: '100', colour: 'source', panel: 'log', theme: 'light' });
  });

  it('carries a small scenario of ones own inside the URL', () => {
    const { params, warning } = serialiseUrlState({ ui: ui({ scenario: { id: null, name: 'Small swarm' } }), run: runOf(smallSwarm) });
    expect(warning).toBeNull();
    expect(params.has('scenario')).toBe(false);
    const decoded = decompressScenario(params.get('scenarioData')!);
    expect(decoded).toMatchObject({ ok: true, json: smallSwarm });
  });

  it('warns, and leaves out what belongs to the scenario, when the scenario is too big for a URL', () => {
    // Peer names that do not compress: random-looking text.
    let x = 1;
    const noise = () => (x = (x * 1103515245 + 12345) % 2 ** 31).toString(36);
    const big = { ...smallSwarm, peers: [...smallSwarm.peers, ...Array.from({ length: 900 }, () => ({ name: `${noise()}${noise()}` }))] };
    expect(compressScenario(big)).toBeNull();
    const { params, warning } = serialiseUrlState({ ui: ui({ scenario: { id: null, name: 'Big' }, time: 5_000_000, selectedPeer: 1 }), run: runOf(big) });
    expect(warning).toMatch(/too large to travel inside a link/);
    expect([...params.keys()]).toEqual(['theme']);
  });

  it('keeps the parameters other parts of the app read', () => {
    const { params } = serialiseUrlState({ ui: ui(), run: runOf(), keep: new URLSearchParams('embed=1&origins=https://a.example&t=3') });
    expect(params.get('embed')).toBe('1');
    expect(params.get('origins')).toBe('https://a.example');
    expect(params.has('t')).toBe(false);
  });
});

describe('a URL read back', () => {
  it.each([0, 1, 999_999, 12_345_678, 3_600_000_001, 1e15])('gives back the time %i µs exactly', (time) => {
    const { params } = serialiseUrlState({ ui: ui({ time }), run: runOf() });
    expect(parseUrlState(params).state.time ?? 0).toBe(time);
  });

  it('gives back everything it recorded', () => {
    const screen: ScreenState = {
      ui: ui({ time: 42_000_000, speed: 0.25, selectedPeer: 3, colouring: 'source', activePanel: 'evidence', theme: 'light' }),
      run: { ...runOf(), seed: 4294967295 },
    };
    const { state, problems } = parseUrlState(serialiseUrlState(screen).params.toString());
    expect(problems).toEqual([]);
    expect(state).toEqual({ scenario: { id: DEFAULT_SCENARIO }, seed: 4294967295, time: 42_000_000, speed: 0.25, peer: 'subject', colouring: 'source', panel: 'evidence', theme: 'light' });
  });

  it('reads every speed of the speed control', () => {
    for (const speed of SPEEDS) expect(parseUrlState(`speed=${speed}`).state.speed).toBe(speed);
  });

  it('accepts an empty query', () => {
    expect(parseUrlState('')).toEqual({ state: {}, problems: [] });
  });
});

describe('a bad URL parameter', () => {
  it.each([
    ['scenario=nope', 'scenario', 'expected the id of a library scenario, got "nope"'],
    ['seed=-1', 'seed', 'expected a whole number from 0 to 4294967295, got "-1"'],
    ['seed=4294967296', 'seed', 'expected a whole number from 0 to 4294967295'],
    ['seed=1.5', 'seed', 'expected a whole number'],
    ['seed=', 'seed', 'expected a whole number'],
    ['t=abc', 't', 'expected a time in seconds from 0 to 1000000000, such as 12.5, got "abc"'],
    ['t=-5', 't', 'expected a time in seconds'],
    ['t=1e3', 't', 'expected a time in seconds'],
    ['t=1000000001', 't', 'expected a time in seconds'],
    ['t=Infinity', 't', 'expected a time in seconds'],
    ['speed=3', 'speed', 'expected one of the speeds 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, got "3"'],
    ['speed=fast', 'speed', 'expected one of the speeds'],
    ['peer=', 'peer', "expected a peer's name"],
    [`peer=${'x'.repeat(201)}`, 'peer', `expected a peer's name, such as L-3, got "${'x'.repeat(60)}…"`],
    ['colour=red', 'colour', 'expected "piece" or "source", got "red"'],
    ['panel=settings', 'panel', 'expected one of "inspector", "log", "charts", "evidence", got "settings"'],
    ['theme=blue', 'theme', 'expected "dark" or "light", got "blue"'],
    ['zoom=2', 'zoom', 'swarmscope has no such parameter'],
    ['theme=dark&theme=light', 'theme', 'it appears more than once; the first one counts'],
    ['scenarioData=%%%', 'scenarioData', 'expected a scenario as made by "Copy link"'],
    ['scenarioData=AAAA', 'scenarioData', 'damaged'],
    [`scenarioData=${'A'.repeat(MAX_URL_SCENARIO_CHARS + 1)}`, 'scenarioData', `at most ${MAX_URL_SCENARIO_CHARS}`],
    [`scenarioData=${base64url(deflateSync(strToU8('{"name": ')))}`, 'scenarioData', 'not a valid scenario:\nnot valid JSON'],
    [`scenarioData=${base64url(deflateSync(strToU8(JSON.stringify({ name: 'x' }))))}`, 'scenarioData', 'not a valid scenario:\n'],
    [`scenarioData=${base64url(deflateSync(new Uint8Array(300 * 1024).fill(32)))}`, 'scenarioData', 'larger than 256 KiB'],
    [`scenario=seed-leaves&scenarioData=${compressScenario(smallSwarm)}`, 'scenarioData', 'also has "scenario"'],
  ])('%s is reported and ignored', (query, param, message) => {
    const { state, problems } = parseUrlState(query);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.param).toBe(param);
    expect(problems[0]!.message).toContain(message);
    expect(describeProblem(problems[0]!)).toMatch(new RegExp(`^The link's parameter "${param}" was ignored: `));
    if (param !== 'theme' && param !== 'scenarioData') expect(state).toEqual({});
  });

  it('leaves the good ones in force', () => {
    const { state, problems } = parseUrlState('t=abc&speed=100&colour=red&theme=light&seed=3');
    expect(problems.map((problem) => problem.param)).toEqual(['t', 'colour']);
    expect(state).toEqual({ speed: 100, theme: 'light', seed: 3 });
  });

  it('does not count the parameters other parts of the app read', () => {
    expect(parseUrlState('embed=1&origins=https://a.example').problems).toEqual([]);
  });
});

describe('applying a URL', () => {
  it('loads the scenario, reruns it with the seed, and sets the time, peer, speed and view through the commands', () => {
    const ctx = makeContext();
    const other = library.find((entry) => entry.id !== DEFAULT_SCENARIO)!;
    const { state } = parseUrlState(`scenario=${other.id}&seed=9&t=20.5&peer=seed&speed=100&colour=source&panel=log&theme=light`);
    expect(applyUrlState(ctx, state)).toEqual([]);
    const s: UiState = ctx.store.getState();
    expect(s).toMatchObject({ scenario: { id: other.id }, time: 20_500_000, selectedPeer: 0, speed: 100, colouring: 'source', activePanel: 'log', theme: 'light' });
    expect(ctx.session.sim!.config.seed).toBe(9);
    expect(ctx.session.sim!.now).toBe(20_500_000);
    expect(ctx.session.scenarioText).toBe(other.text);
  });

  it('loads a scenario carried in the URL', () => {
    const ctx = makeContext();
    const { state } = parseUrlState(`scenarioData=${compressScenario(smallSwarm)}&peer=leecher-2`);
    expect(applyUrlState(ctx, state)).toEqual([]);
    expect(ctx.store.getState()).toMatchObject({ scenario: { id: null, name: 'Small swarm' }, selectedPeer: 3 });
  });

  it('reports a peer the scenario does not have, and applies the rest', () => {
    const ctx = makeContext(smallSwarm);
    expect(applyUrlState(ctx, parseUrlState('peer=nobody&speed=1').state)).toEqual([{ param: 'peer', message: 'this scenario has no peer named "nobody"' }]);
    expect(ctx.store.getState()).toMatchObject({ selectedPeer: null, speed: 1 });
  });

  it('round-trips the state of a live session', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'setSeed', 5);
    run(ctx, 'seek', 7_654_321);
    run(ctx, 'selectPeer', 2);
    run(ctx, 'setTheme', 'light');
    const query = serialiseUrlState(screenOf(ctx)).params.toString();
    const copy = makeContext();
    applyUrlState(copy, parseUrlState(query).state);
    expect(copy.session.sim!.traceHash()).toBe(ctx.session.sim!.traceHash());
    const pick = (s: UiState) => [s.scenario, s.time, s.eventCount, s.selectedPeer, s.theme, s.speed];
    expect(pick(copy.store.getState())).toEqual(pick(ctx.store.getState()));
  });
});

describe('the embed code', () => {
  it('is an iframe with a size and a title, its attributes escaped', () => {
    const code = embedCode('https://example.org/app/?scenario=a&theme=dark', 'Tom & "Jerry" <b>');
    expect(code).toBe(
      '<iframe src="https://example.org/app/?scenario=a&amp;theme=dark" title="swarmscope: Tom &amp; &quot;Jerry&quot; &lt;b&gt;" width="960" height="540" style="border: 0; max-width: 100%;" allow="fullscreen" loading="lazy"></iframe>',
    );
  });
});
