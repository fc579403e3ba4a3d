// The page in a real browser: Debian's Chromium (never a downloaded one) drives the production build,
// served by `vite preview`. It checks that the Pixi canvas really drew the swarm, that Chromium and
// Node compute the same trace hash, and that a bad scenario shows its errors instead of a blank page.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { formatScenarioErrors, parseScenario } from '../../src/scenario';

const CHROMIUM = '/usr/bin/chromium';
const root = fileURLToPath(new URL('../..', import.meta.url));
const flashCrowd: unknown = JSON.parse(readFileSync(join(root, 'scenarios/flash-crowd.json'), 'utf8'));
/** A swarm small enough to run many times: one seed, the subject, three leechers. */
const smallSwarm = {
  name: 'Small swarm',
  seed: 1,
  torrent: { pieceLength: 262144, pieces: 16 },
  peers: [
    { name: 'origin', seed: true, upload: 1_000_000 },
    { name: 'subject', subject: true, upload: 200_000 },
    { name: 'leecher', count: 3, upload: 300_000 },
  ],
};
/** Page and canvas background (index.html, src/render/scene.ts). */
const BACKGROUND = [0x0d, 0x11, 0x17] as const;
/** Role colours of src/render/scene.ts. */
const SEED = [0x3f, 0xb9, 0x50] as const;
const LEECHER = [0x58, 0xa6, 0xff] as const;
const SUBJECT = [0xf0, 0x88, 0x3e] as const;

function configOf(scenario: unknown): SimConfig {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors));
  return parsed.config;
}

function nodeHash(scenario: unknown, seed?: number): string {
  const config = configOf(scenario);
  const sim = new Sim(seed === undefined ? config : { ...config, seed });
  sim.run();
  return sim.traceHash();
}

let outDir: string;
let userDataDir: string;
let server: PreviewServer;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (see .ci/run)`);
  outDir = mkdtempSync(join(tmpdir(), 'swarmscope-e2e-dist-'));
  userDataDir = mkdtempSync(join(tmpdir(), 'swarmscope-e2e-profile-'));
  // Vitest sets NODE_ENV=test, which would make Vite build for development; test what ships instead.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
  server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
  const { port } = server.httpServer.address() as AddressInfo;
  // A persistent context is how Playwright takes a --user-data-dir of our choosing: a fresh one.
  context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 960, height: 720 },
    args: [
      '--no-sandbox',
      '--use-angle=swiftshader',
      '--enable-unsafe-swiftshader',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (response.status() >= 400) pageErrors.push(`${response.status()} ${response.url()}`);
  });
  await page.goto(`http://127.0.0.1:${port}/`);
  await page.evaluate(() => window.__swarmscope.ready);
});

afterAll(async () => {
  await context?.close();
  await server?.close();
  for (const dir of [outDir, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
});

async function textOf(selector: string): Promise<string | null> {
  return page.locator(selector).textContent();
}

/** Screenshot the canvas as the user sees it, decode the PNG in the page, and count pixels. */
async function canvasPixels(colours: Record<string, readonly [number, number, number]>) {
  const png = await page.locator('#stage canvas').screenshot();
  return page.evaluate(
    async ({ base64, background, colours }) => {
      const image = new Image();
      image.src = `data:image/png;base64,${base64}`;
      await image.decode();
      const canvas = document.createElement('canvas');
      canvas.width = image.width;
      canvas.height = image.height;
      const context2d = canvas.getContext('2d')!;
      context2d.drawImage(image, 0, 0);
      const data = context2d.getImageData(0, 0, canvas.width, canvas.height).data;
      const near = (i: number, [r, g, b]: readonly number[], tolerance: number) =>
        Math.abs(data[i]! - r!) <= tolerance && Math.abs(data[i + 1]! - g!) <= tolerance && Math.abs(data[i + 2]! - b!) <= tolerance;
      const counts: Record<string, number> = Object.fromEntries(Object.keys(colours).map((name) => [name, 0]));
      let notBackground = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (!near(i, background, 8)) notBackground++;
        for (const [name, colour] of Object.entries(colours)) if (near(i, colour, 6)) counts[name]!++;
      }
      return { total: data.length / 4, notBackground, counts };
    },
    { base64: png.toString('base64'), background: BACKGROUND, colours },
  );
}

describe('the page', () => {
  it('loads the default scenario and draws its peers on the canvas', async () => {
    const config = configOf(flashCrowd);
    expect(await textOf('#scenario-name')).toBe(config.name);
    expect(await page.locator('#error').isVisible()).toBe(false);
    // Let Pixi draw a few frames before looking.
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
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
