// Embedding: a page from another origin puts swarmscope in an iframe and drives it through the
// postMessage API (test/e2e/embed-host.html). Only origins on the URL's allow-list are obeyed; the
// embed shows minimal chrome, fits a small frame, and takes neither the page's scroll nor its focus
// until clicked.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatScenarioErrors, parseScenario } from '../../src/scenario';
import { openApp, root, type App } from './browser';

const flashCrowd: unknown = JSON.parse(readFileSync(join(root, 'scenarios/flash-crowd.json'), 'utf8'));

function configOf(scenario: unknown) {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors));
  return parsed.config;
}

let app: App;
let host: Server;
let hostOrigin: string;
let page: Page;

type Message = { context: string; version: number; event: string; value: unknown; listener?: string };

beforeAll(async () => {
  app = await openApp();
  const html = readFileSync(join(root, 'test/e2e/embed-host.html'));
  host = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(html);
  });
  await new Promise<void>((done) => host.listen(0, '127.0.0.1', done));
  // Another port is another origin.
  hostOrigin = `http://127.0.0.1:${(host.address() as AddressInfo).port}`;
  page = await app.context.newPage();
});

afterAll(async () => {
  await page?.close();
  host?.close();
  await app?.close();
});

async function openHost(appQuery: string): Promise<Frame> {
  const appUrl = `${app.url}?${appQuery}`;
  await page.goto(`${hostOrigin}/embed-host.html?app=${encodeURIComponent(appUrl)}`);
  const frame = page.frames().find((f) => f.url().startsWith(app.url));
  if (!frame) throw new Error('the iframe did not load');
  await frame.waitForFunction(() => window.__swarmscope !== undefined);
  await frame.evaluate(() => window.__swarmscope.ready);
  return frame;
}

const received = () => page.evaluate(() => (window as unknown as { received: Message[] }).received);
const send = (message: object) => page.evaluate((m) => (window as unknown as { send(m: object): void }).send(m), message);

async function reply(listener: string): Promise<Message> {
  await expect.poll(async () => (await received()).some((m) => m.listener === listener)).toBe(true);
  return (await received()).find((m) => m.listener === listener)!;
}

describe('an embedding page on the allow-list', () => {
  it('gets ready, and plays, seeks, selects and reads the state through the API', async () => {
    const frame = await openHost(`embed=1&origins=${encodeURIComponent(hostOrigin)}`);
    await expect.poll(async () => (await received()).some((m) => m.event === 'ready')).toBe(true);
    await send({ method: 'seek', value: 12.5 });
    await send({ method: 'selectPeer', value: 'L-3' });
    await send({ method: 'getState', listener: 'state-1' });
    const state = (await reply('state-1')).value as { time: number; selectedPeer: string; playing: boolean };
    expect(state).toMatchObject({ time: 12.5, selectedPeer: 'L-3', playing: false });
    expect(await frame.evaluate(() => window.__swarmscope.engine()!.now)).toBe(12_500_000);
    await page.click('#play');
    await expect.poll(() => frame.evaluate(() => window.__swarmscope.state().playing)).toBe(true);
    await page.click('#pause');
    await expect.poll(() => frame.evaluate(() => window.__swarmscope.state().playing)).toBe(false);
  });

  it('tells listeners of time changes and completed peers', async () => {
    const frame = await openHost(`embed=1&origins=${encodeURIComponent(hostOrigin)}`);
    await send({ method: 'addEventListener', value: 'peercompleted', listener: 'done' });
    await send({ method: 'addEventListener', value: 'timeupdate', listener: 'tick' });
    await send({ method: 'seek', value: 100_000 });
    await expect.poll(async () => (await received()).filter((m) => m.event === 'peercompleted').length).toBeGreaterThan(0);
    // One event per leecher that completed, named as the scenario names it.
    const full = await frame.evaluate(() => {
      const pieces = window.__swarmscope.engine()!.peerPieces;
      const most = Math.max(...pieces);
      return pieces.filter((held) => held === most).length;
    });
    const seeds = configOf(flashCrowd).peers.filter((peer) => peer.seed).length;
    await expect.poll(async () => (await received()).filter((m) => m.event === 'peercompleted').length).toBe(full - seeds);
    const names = (await received()).filter((m) => m.event === 'peercompleted').map((m) => (m.value as { peer: string }).peer);
    expect(new Set(names).size).toBe(names.length);
    expect(names.every((name) => configOf(flashCrowd).peers.some((peer) => peer.name === name && !peer.seed))).toBe(true);
    const ticks = (await received()).filter((m) => m.event === 'timeupdate');
    expect(ticks.every((m) => m.listener === 'tick')).toBe(true);
    expect(ticks.length).toBeGreaterThan(0);
  });

  it('answers a bad call with an error that says what was expected', async () => {
    await openHost(`embed=1&origins=${encodeURIComponent(hostOrigin)}`);
    await send({ method: 'seek', value: 'later', listener: 'bad' });
    const error = await reply('bad');
    expect(error.event).toBe('error');
    expect(String(error.value)).toContain('seconds');
  });
});

describe('an embedding page that is not on the allow-list', () => {
  it('is ignored: no ready, no replies, and nothing moves', async () => {
    const frame = await openHost('embed=1');
    await send({ method: 'play' });
    await send({ method: 'getState', listener: 'nope' });
    await page.waitForTimeout(300);
    expect(await received()).toEqual([]);
    expect(await frame.evaluate(() => window.__swarmscope.state().playing)).toBe(false);
  });
});

describe('the embed', () => {
  it('shows the scene with play, step and the scrubber and a link to the full app, within 480×270', async () => {
    const frame = await openHost(`embed=1&origins=${encodeURIComponent(hostOrigin)}`);
    for (const id of ['#play', '#step', '#scrubber', '#stage canvas', '#open-full']) expect(await frame.locator(id).isVisible(), id).toBe(true);
    for (const id of ['#site-header', '#panels', '#next-rechoke']) expect(await frame.locator(id).isVisible(), id).toBe(false);
    const href = await frame.locator('#open-full').getAttribute('href');
    expect(href).not.toContain('embed=');
    expect(href).not.toContain('origins=');
    const fits = await frame.evaluate(() => ({
      overflow: document.documentElement.scrollHeight - window.innerHeight,
      width: window.innerWidth,
      stage: document.getElementById('stage')!.getBoundingClientRect().height,
    }));
    expect(fits.width).toBe(480);
    expect(fits.overflow).toBeLessThanOrEqual(0);
    expect(fits.stage).toBeGreaterThan(120);
  });

  it('is laid out as embedded before the scene makes its canvas, so its first frames are already embedded', async () => {
    const fresh = await app.context.newPage();
    try {
      // Note, when the scene's canvas appears, whether the page was already in embed mode.
      await fresh.addInitScript(() => {
        new MutationObserver((_, observer) => {
          if (!document.querySelector('#stage canvas')) return;
          observer.disconnect();
          const seen = { embed: document.documentElement.dataset.embed ?? null, link: document.getElementById('open-full') !== null };
          (window as unknown as { atCanvas: typeof seen }).atCanvas = seen;
        }).observe(document, { childList: true, subtree: true });
      });
      await fresh.goto(`${app.url}?embed=1`);
      await fresh.evaluate(() => window.__swarmscope.ready);
      expect(await fresh.evaluate(() => (window as unknown as { atCanvas: unknown }).atCanvas)).toEqual({ embed: '1', link: true });
    } finally {
      await fresh.close();
    }
  });

  it('takes neither focus nor the page scroll until clicked', async () => {
    await openHost(`embed=1&origins=${encodeURIComponent(hostOrigin)}`);
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('BODY');
    const box = (await page.locator('#swarm').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, 400);
    await expect.poll(() => page.evaluate(() => window.scrollY)).toBeGreaterThan(0);
  });
});
