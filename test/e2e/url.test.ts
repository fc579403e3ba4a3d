// Shareable state in a real browser: a URL with a time, a peer and a speed opens on exactly that
// moment; bad parameters are named in the page and the rest still works; the address bar follows
// the state; "Copy link" gives a link that reopens the same moment, and "Embed" an <iframe>.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smallSwarm } from '../small-swarm';
import { nextFrames, openApp, root, type App } from './browser';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await app.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: app.url.replace(/\/$/, '') });
});

afterAll(async () => {
  await app?.close();
});

async function open(query: string): Promise<void> {
  await page.goto(`${app.url}${query}`);
  await page.evaluate(() => window.__swarmscope.ready);
}

const state = () => page.evaluate(() => window.__swarmscope.state());
const engine = () => page.evaluate(() => window.__swarmscope.engine()!);
const seedLeaves: unknown = JSON.parse(readFileSync(join(root, 'scenarios/seed-leaves.json'), 'utf8'));

describe('a URL with a time, a peer and a speed', () => {
  it('opens on that moment, with that peer selected, at that speed', async () => {
    await open('?scenario=seed-leaves&seed=3&t=25.5&peer=L-3&speed=100&colour=source&theme=light');
    const s = await state();
    expect(s).toMatchObject({ scenario: { id: 'seed-leaves' }, time: 25_500_000, speed: 100, colouring: 'source', theme: 'light', playing: false });
    expect((await engine()).now).toBe(25_500_000);
    expect(s.selectedPeer).not.toBeNull();
    expect(await page.locator('#clock').textContent()).toBe('0:00:25.500');
    expect(await page.locator('#speed').inputValue()).toBe('100');
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect(await page.locator('#notice').isVisible()).toBe(false);
    // The seed reached the engine: the run is the scenario's with seed 3, not with its own seed.
    const [ran, withSeed3, withOwnSeed] = await page.evaluate((scenario) => {
      const ending = window.__swarmscope.runToEnd();
      return [ending.traceHash, window.__swarmscope.hashFor(scenario, 3), window.__swarmscope.hashFor(scenario, (scenario as { seed: number }).seed)];
    }, seedLeaves);
    expect(ran).toBe(withSeed3);
    expect(ran).not.toBe(withOwnSeed);
  });

  it('is kept up to date in the address bar as the state changes', async () => {
    await open('?scenario=flash-crowd&t=5');
    await page.evaluate(() => window.__swarmscope.command('seek', 9_250_000));
    await page.evaluate(() => window.__swarmscope.command('selectPeer', 2));
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('t'))).toBe('9.25');
    const params = await page.evaluate(() => Object.fromEntries(new URLSearchParams(location.search)));
    expect(params).toMatchObject({ scenario: 'flash-crowd', seed: '1', t: '9.25', peer: 'L-2' });
  });

  it('gets the time when playback stops, not at every step of the clock while playing; other changes at once', async () => {
    // A scenario without narration: no step changes the selection or the colouring while it plays.
    await open('');
    expect(await page.evaluate((json) => window.__swarmscope.load(json).ok, smallSwarm)).toBe(true);
    const t = () => page.evaluate(() => new URLSearchParams(location.search).get('t'));
    await page.evaluate(() => window.__swarmscope.command('setSpeed', 1));
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('speed'))).toBe('1');
    await page.evaluate(() => window.__swarmscope.command('play'));
    await expect.poll(async () => (await engine()).now).toBeGreaterThan(500_000);
    // Longer than the address bar's update interval (400 ms), with the clock moving all along.
    await page.waitForTimeout(1200);
    expect((await state()).playing).toBe(true);
    expect((await engine()).now).toBeGreaterThan(1_000_000);
    expect(await t()).toBeNull();
    await page.evaluate(() => window.__swarmscope.command('setTheme', 'light'));
    await expect.poll(() => page.evaluate(() => new URLSearchParams(location.search).get('theme'))).toBe('light');
    await page.evaluate(() => window.__swarmscope.command('pause'));
    const time = (await state()).time;
    expect(time).toBeGreaterThan(500_000);
    await expect.poll(t).toBe(String(time / 1e6));
  });
});

describe('bad parameters', () => {
  it('are named in the page, with what was expected, and ignored; the rest applies and the app runs', async () => {
    await open('?t=abc&speed=3&peer=nobody&zoom=2&theme=dark&scenarioData=%25%25');
    const notice = page.locator('#notice');
    expect(await notice.isVisible()).toBe(true);
    const items = await page.locator('#notice li').evaluateAll((lis) => lis.map((li) => [(li as HTMLElement).dataset.param, li.textContent]));
    expect(items.map(([param]) => param).sort()).toEqual(['peer', 'scenarioData', 'speed', 't', 'zoom']);
    const text = Object.fromEntries(items);
    expect(text.t).toBe('The link\'s parameter "t" was ignored: expected a time in seconds from 0 to 1000000000, such as 12.5, got "abc".');
    expect(text.speed).toContain('expected one of the speeds 0.1, 0.25');
    expect(text.peer).toContain('no peer named "nobody"');
    expect(text.zoom).toContain('no such parameter');
    // Not a blank page: the default scenario is loaded, drawn and plays.
    expect(await state()).toMatchObject({ scenario: { id: 'flash-crowd' }, time: 0, speed: 10, theme: 'dark', error: null });
    await nextFrames(page);
    await page.locator('#play').click();
    await expect.poll(async () => (await engine()).now).toBeGreaterThan(0);
    await page.locator('#play').click();
    await page.locator('#notice button').click();
    expect(await notice.isVisible()).toBe(false);
  });

  it('are dropped from the address bar once reported', async () => {
    await open('?t=abc&speed=20');
    await expect.poll(() => page.evaluate(() => location.search)).not.toContain('t=abc');
    expect(await page.evaluate(() => new URLSearchParams(location.search).get('speed'))).toBe('20');
  });
});

describe('sharing', () => {
  it('"Copy link" copies a link that reopens the same moment', async () => {
    await open('?scenario=flash-crowd');
    await page.evaluate(() => window.__swarmscope.command('seek', 31_000_001));
    await page.evaluate(() => window.__swarmscope.command('selectPeer', 5));
    await page.evaluate(() => window.__swarmscope.command('showPanel', 'log'));
    await page.locator('#copy-link').click();
    await expect.poll(() => page.locator('#toast').textContent()).toBe('Link copied.');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(link.startsWith(app.url)).toBe(true);
    const before = await state();
    await page.goto(link);
    await page.evaluate(() => window.__swarmscope.ready);
    const after = await state();
    expect([after.scenario, after.time, after.eventCount, after.selectedPeer, after.activePanel, after.theme]).toEqual([
      before.scenario,
      31_000_001,
      before.eventCount,
      5,
      'log',
      before.theme,
    ]);
  });

  it('"Copy link" carries a scenario opened from a file', async () => {
    const small = { name: 'Linked swarm', torrent: { pieceLength: 262144, pieces: 8 }, peers: [{ name: 'origin', seed: true }, { name: 'x', count: 2 }] };
    await open('');
    await page.locator('#scenario-file').setInputFiles({ name: 'linked.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(small)) });
    await expect.poll(async () => (await state()).scenario?.name).toBe('Linked swarm');
    await page.locator('#copy-link').click();
    await expect.poll(() => page.locator('#toast').textContent()).toBe('Link copied.');
    const link = await page.evaluate(() => navigator.clipboard.readText());
    expect(new URL(link).searchParams.has('scenarioData')).toBe(true);
    await page.goto(link);
    await page.evaluate(() => window.__swarmscope.ready);
    expect((await state()).scenario).toEqual({ id: null, name: 'Linked swarm' });
  });

  it('"Embed" copies an <iframe> of this page in embed mode, with a size and a title', async () => {
    await open('?scenario=flash-crowd&t=3');
    await page.locator('#copy-embed').click();
    await expect.poll(() => page.locator('#toast').textContent()).toBe('Embed code copied.');
    const code = await page.evaluate(() => navigator.clipboard.readText());
    expect(code).toMatch(/^<iframe src="http:\/\/127\.0\.0\.1:\d+\/\?scenario=flash-crowd&amp;seed=1&amp;t=3&amp;[^"]*embed=1" title="swarmscope: Flash crowd" width="960" height="540"/);
    // The snippet works: a page with it shows the app at that moment.
    const frameUrl = code.match(/src="([^"]+)"/)![1]!.replace(/&amp;/g, '&');
    await page.setContent(`<!doctype html><title>host</title>${code.replace(/loading="lazy"/, '')}`);
    const frame = page.frameLocator('iframe');
    await expect.poll(() => frame.locator('#clock').textContent(), { timeout: 20_000 }).toBe('0:00:03.000');
    expect(frameUrl).toContain('t=3');
    expect(await frame.locator('#open-full').isVisible()).toBe(true);
    expect(await frame.locator('#site-header').isVisible()).toBe(false);
  });
});

it('raised no page errors', () => {
  expect(app.pageErrors).toEqual([]);
});
