// The page in a real browser: Debian's Chromium (never a downloaded one) drives the production build,
// served by `vite preview`. It checks that the Pixi canvas really drew the swarm, that Chromium and
// Node compute the same trace hash, and that a bad scenario shows its errors instead of a blank page.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasPixels as pixelsOf, nextFrames, openApp, root, type App } from './browser';
import { smallSwarm } from '../small-swarm';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { formatScenarioErrors, parseScenario } from '../../src/scenario';
import { DARK } from '../../src/render/palette';

const flashCrowd: unknown = JSON.parse(readFileSync(join(root, 'scenarios/flash-crowd.json'), 'utf8'));

/** Page and canvas background (index.html, src/render/scene.ts). */
const BACKGROUND = [0x0d, 0x11, 0x17] as const;
const rgb = (c: number) => [(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff] as const;
/** Role colours of src/render/palette.ts. */
const SEED = rgb(DARK.role.seed);
const LEECHER = rgb(DARK.role.leecher);
const SUBJECT = rgb(DARK.role.subject);

function configOf(scenario: unknown): SimConfig {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors));
  return parsed.config;
}

function nodeHash(scenario: unknown, seed?: number, split = false): string {
  const config = configOf(scenario);
  const sim = new Sim(seed === undefined ? config : { ...config, seed }, { split });
  sim.run();
  return sim.traceHash();
}

let app: App;
let page: Page;
let pageErrors: string[];

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  pageErrors = app.pageErrors;
});

afterAll(async () => {
  await app?.close();
});

async function textOf(selector: string): Promise<string | null> {
  return page.locator(selector).textContent();
}

async function canvasPixels(colours: Record<string, readonly [number, number, number]>) {
  return pixelsOf(page, BACKGROUND, colours);
}

describe('the page', () => {
  it('loads the default scenario and draws its peers on the canvas', async () => {
    const config = configOf(flashCrowd);
    expect(await textOf('#scenario-name')).toBe(config.name);
    expect(await page.locator('#error').isVisible()).toBe(false);
    // Let Pixi draw a few frames before looking.
    await nextFrames(page);
    const colours: Record<string, readonly [number, number, number]> = {};
    if (config.peers.some((peer) => peer.seed && !peer.subject)) colours.seed = SEED;
    if (config.peers.some((peer) => !peer.seed && !peer.subject)) colours.leecher = LEECHER;
    if (config.peers.some((peer) => peer.subject)) colours.subject = SUBJECT;
    const pixels = await canvasPixels(colours);
    expect(pixels.total).toBeGreaterThan(100_000);
    expect(pixels.notBackground / pixels.total).toBeGreaterThan(0.005);
    for (const [role, count] of Object.entries(pixels.counts)) expect(count, `pixels in the ${role} colour`).toBeGreaterThan(20);
    expect(pageErrors).toEqual([]);
  });

  it('plays in simulated time, and shows the trace hash Node computes when the run ends', async () => {
    await page.locator('#play').click();
    expect(await textOf('#play')).toBe('Pause');
    await expect.poll(() => textOf('#clock')).not.toBe('0:00:00.000');
    const ending = await page.evaluate(() => window.__swarmscope.runToEnd());
    expect(ending.traceHash).toBe(nodeHash(flashCrowd));
    expect(await textOf('#hash')).toBe(`traceHash ${ending.traceHash}`);
    expect(await textOf('#play')).toBe('Replay');
  });
});

describe('the trace hash', () => {
  it.each([1, 2, 0xffff_ffff])('of a small swarm with seed %i is the same in Chromium and in Node', async (seed) => {
    const inChromium = await page.evaluate(([scenario, seed]) => window.__swarmscope.hashFor(scenario, seed), [smallSwarm, seed] as const);
    expect(inChromium).toMatch(/^[0-9a-f]{64}$/);
    expect(inChromium).toBe(nodeHash(smallSwarm, seed));
  });

  it('of the small swarm split by peers (SimOptions.split) is the same in Chromium and in Node, and not the unsplit one', async () => {
    const inChromium = await page.evaluate((scenario) => window.__swarmscope.hashFor(scenario, 2, true), smallSwarm);
    expect(inChromium).toBe(nodeHash(smallSwarm, 2, true));
    expect(inChromium).not.toBe(nodeHash(smallSwarm, 2));
  });

  it('differs between two seeds', async () => {
    const [one, two] = await page.evaluate(
      (scenario) => [window.__swarmscope.hashFor(scenario, 1), window.__swarmscope.hashFor(scenario, 2)],
      smallSwarm,
    );
    expect(one).not.toBe(two);
  });
});

describe('a scenario from outside', () => {
  it('that does not parse shows its errors in the page and keeps the previous scenario running', async () => {
    const before = await textOf('#scenario-name');
    const broken = { name: 'Broken', torrent: { pieceLength: 1000, pieces: 4 }, peers: 'none' };
    const loaded = await page.evaluate((scenario) => window.__swarmscope.load(scenario), broken);
    expect(loaded.ok).toBe(false);
    expect(await page.locator('#error').isVisible()).toBe(true);
    const shown = await textOf('#error');
    expect(shown).toContain('This scenario could not be loaded');
    expect(shown).toContain('pieceLength');
    expect(shown).toContain('peers');
    expect(await page.locator('h1').isVisible()).toBe(true);
    expect(await textOf('#scenario-name')).toBe(before);
    expect(await page.locator('#play').isEnabled()).toBe(true);
    await expect(page.evaluate((scenario) => window.__swarmscope.hashFor(scenario, 1), broken)).rejects.toThrow('pieceLength');
  });

  it('is shown as text, never as markup', async () => {
    const name = '<img src=x onerror="window.__injected = true">';
    const hostile = { ...smallSwarm, name, peers: [...smallSwarm.peers, { name: '<b>bold</b>' }] };
    expect(await page.evaluate((scenario) => window.__swarmscope.load(scenario), hostile)).toEqual({ ok: true });
    expect(await textOf('#scenario-name')).toBe(name);
    expect(await page.locator('img').count()).toBe(0);
    expect(await page.locator('#error').isVisible()).toBe(false);
    expect(await page.evaluate(() => '__injected' in window)).toBe(false);
  });
});
