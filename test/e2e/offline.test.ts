// The offline build: `npm run build:single` (vite build --mode single) gives one HTML file that
// runs from file:// with the network off, as on a courtroom laptop. The test builds it the way the
// script does, opens it in Chromium offline with every non-file request aborted, and checks that
// nothing was asked of the network, the canvas draws, and the library's scenarios run.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { library } from '../../src/app/library';
import { Sim } from '../../src/engine/sim';
import { parseScenario } from '../../src/scenario';
import { launchChromium, nextFrames, root } from './browser';

let outDir: string;
let browser: { context: BrowserContext; close(): Promise<void> };
let page: Page;
const blocked: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  outDir = mkdtempSync(join(tmpdir(), 'swarmscope-single-'));
  // The same build as `npm run build:single`, into a folder of its own. NODE_ENV as a shell has it
  // (Vitest sets it to "test", which would make Vite build for development).
  execFileSync(process.execPath, [join(root, 'node_modules/vite/bin/vite.js'), 'build', '--mode', 'single', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'error'], {
    cwd: root,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  browser = await launchChromium();
  await browser.context.setOffline(true);
  await browser.context.route(
    (url) => url.protocol !== 'file:',
    (route) => {
      blocked.push(route.request().url());
      return route.abort('internetdisconnected');
    },
  );
  page = browser.context.pages()[0] ?? (await browser.context.newPage());
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
  page.on('requestfailed', (request) => pageErrors.push(`failed: ${request.url()}`));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  if (outDir) rmSync(outDir, { recursive: true, force: true });
});

function nodeHash(json: unknown): string {
  const parsed = parseScenario(json);
  if (!parsed.ok) throw new Error('library scenario does not parse');
  const sim = new Sim(parsed.config, { checkpointEvery: 0 });
  sim.run();
  return sim.traceHash();
}

describe('the single-file build', () => {
  it('is one HTML file that fetches nothing: scripts, styles and the icon are inline', () => {
    expect(readdirSync(outDir)).toEqual(['swarmscope.html']);
    const html = readFileSync(join(outDir, 'swarmscope.html'), 'utf8');
    expect(html).not.toMatch(/<script[^>]+src=/);
    expect(html).not.toMatch(/<link[^>]+rel="stylesheet"/);
    expect(html).toMatch(/<link rel="icon" href="data:image\/svg\+xml;base64,/);
  });

  it('opens from file:// with the network off and draws the default scenario', async () => {
    await page.goto(pathToFileURL(join(outDir, 'swarmscope.html')).href);
    await page.evaluate(() => window.__swarmscope.ready);
    expect(await page.locator('#scenario-name').textContent()).toBe(library[0]!.name);
    expect(await page.locator('#error').isVisible()).toBe(false);
    await nextFrames(page);
    // Drawn, not blank: many pixels differ from the canvas's top-left corner (its background).
    const png = await page.locator('#stage canvas').screenshot();
    const drawn = await page.evaluate(async (base64) => {
      const data = await window.__pngPixels(base64);
      let differing = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i]! - data[0]!) + Math.abs(data[i + 1]! - data[1]!) + Math.abs(data[i + 2]! - data[2]!) > 24) differing++;
      }
      return differing / (data.length / 4);
    }, png.toString('base64'));
    expect(drawn).toBeGreaterThan(0.005);
  });

  it('plays the default scenario', async () => {
    await page.locator('#play').click();
    await expect.poll(() => page.evaluate(() => window.__swarmscope.engine()!.now)).toBeGreaterThan(0);
    await page.locator('#play').click();
  });

  it('carries the whole scenario library, and runs each to the trace hash Node computes', async () => {
    const options = await page.locator('#scenario-picker option:not([hidden])').evaluateAll((all) => all.map((o) => (o as HTMLOptionElement).value));
    expect(options).toEqual(library.map((entry) => entry.id));
    for (const entry of library) {
      await page.locator('#scenario-picker').selectOption(entry.id);
      const ending = await page.evaluate(() => window.__swarmscope.runToEnd());
      expect(ending.traceHash, entry.id).toBe(nodeHash(entry.json));
    }
  });

  it('asked nothing of the network, and raised no errors', () => {
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
