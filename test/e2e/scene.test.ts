// The scene in a real browser (production build, Debian Chromium with SwiftShader): it draws every
// role in its colour, blocks move while the run plays, a click on a peer selects it and pointing at it
// hovers it, colouring by source repaints what came from the subject, the message log's record is
// highlighted, a have shows as a ring that fades, zooming changes the drawn size, and a software
// rasterizer is spared multisampling.
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canvasPixels, nextFrames, openApp, type App, type Rgb } from './browser';
import { Sim } from '../../src/engine/sim';
import { BROADCAST, records, T, type TraceRecord } from '../../src/engine/trace';
import { parseScenario } from '../../src/scenario';
import { DARK } from '../../src/render/palette';

const rgb = (c: number): Rgb => [(c >> 16) & 0xff, (c >> 8) & 0xff, c & 0xff];
const BACKGROUND = rgb(DARK.background);

/** Every role, a swarm small enough that every node is large on screen. */
const swarm = {
  name: 'Scene swarm',
  seed: 3,
  torrent: { pieceLength: 262144, pieces: 24 },
  peers: [
    { name: 'origin', seed: true, upload: 1_000_000 },
    { name: 'subject', subject: true, upload: 400_000 },
    { name: 'investigator', investigator: true, upload: 0 },
    { name: 'leecher', count: 5, upload: 200_000, download: 400_000, latency: 0.2 },
  ],
};

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

async function load(scenario: unknown): Promise<void> {
  const result = await page.evaluate((json) => window.__swarmscope.load(json), scenario);
  expect(result).toEqual({ ok: true });
  await page.evaluate(() => {
    window.__swarmscope.command('setTheme', 'dark');
    window.__swarmscope.command('setColouring', 'piece');
  });
  await nextFrames(page);
}

/** Seek while paused and let the scene draw the frame. */
async function seek(seconds: number): Promise<void> {
  await page.evaluate((t) => {
    window.__swarmscope.command('pause');
    window.__swarmscope.command('seek', t);
  }, seconds * 1e6);
  await nextFrames(page);
}

const stats = () => page.evaluate(() => window.__swarmscope.scene()!.stats());

/** Pixels that differ between two screenshots of the canvas. */
async function changedPixels(a: Buffer, b: Buffer): Promise<number> {
  return page.evaluate(
    async ([one, two]) => {
      const [x, y] = [await window.__pngPixels(one), await window.__pngPixels(two)];
      let changed = 0;
      for (let i = 0; i < x.length; i += 4) if (Math.abs(x[i]! - y[i]!) + Math.abs(x[i + 1]! - y[i + 1]!) + Math.abs(x[i + 2]! - y[i + 2]!) > 30) changed++;
      return changed;
    },
    [a.toString('base64'), b.toString('base64')] as const,
  );
}

const screenshot = () => page.locator('#stage canvas').screenshot();

async function pointAtPeer(i: number): Promise<{ x: number; y: number }> {
  const at = await page.evaluate((peer) => window.__swarmscope.scene()!.peerPosition(peer), i);
  const box = await page.locator('#stage canvas').boundingBox();
  expect(at).not.toBeNull();
  return { x: box!.x + at!.x, y: box!.y + at!.y };
}

describe('the scene', () => {
  it('draws every role in its colour, each with its own shape', async () => {
    await load(swarm);
    await seek(1);
    const pixels = await canvasPixels(page, BACKGROUND, {
      seed: rgb(DARK.role.seed),
      leecher: rgb(DARK.role.leecher),
      subject: rgb(DARK.role.subject),
      investigator: rgb(DARK.role.investigator),
    });
    for (const [role, count] of Object.entries(pixels.counts)) expect(count, `pixels in the ${role} colour`).toBeGreaterThan(50);
    expect(app.pageErrors).toEqual([]);
  });

  it('moves blocks from sender to receiver while the run plays', async () => {
    await load(swarm);
    await page.evaluate(() => {
      window.__swarmscope.command('setSpeed', 1);
      window.__swarmscope.command('play');
    });
    await expect.poll(async () => (await stats()).blocksInFlight, { timeout: 20_000 }).toBeGreaterThan(0);
    const before = await screenshot();
    await page.waitForTimeout(400);
    const after = await screenshot();
    expect(await changedPixels(before, after)).toBeGreaterThan(30);
    await page.evaluate(() => window.__swarmscope.command('pause'));
  });

  it('selects the peer clicked on, and hovers the peer pointed at', async () => {
    await load(swarm);
    await seek(1);
    const at = await pointAtPeer(4);
    await page.mouse.move(at.x, at.y);
    await expect.poll(() => page.evaluate(() => window.__swarmscope.state().hoveredPeer)).toBe(4);
    await page.mouse.click(at.x, at.y);
    expect(await page.evaluate(() => window.__swarmscope.state().selectedPeer)).toBe(4);
    const selected = await canvasPixels(page, BACKGROUND, { outline: rgb(DARK.selection) });
    expect(selected.counts.outline).toBeGreaterThan(20);
    // A click on empty space (the middle of the ring) clears the selection.
    const box = (await page.locator('#stage canvas').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    expect(await page.evaluate(() => window.__swarmscope.state().selectedPeer)).toBeNull();
  });

  it('colours what came from the subject in its colour when colouring by source', async () => {
    await load(swarm);
    await seek(12);
    const subject = { subject: rgb(DARK.role.subject) };
    const byPiece = await canvasPixels(page, BACKGROUND, subject);
    await page.evaluate(() => window.__swarmscope.command('setColouring', 'source'));
    await nextFrames(page);
    const bySource = await canvasPixels(page, BACKGROUND, subject);
    expect(bySource.counts.subject).toBeGreaterThan(byPiece.counts.subject! + 50);
  });

  it('highlights the message the log points at', async () => {
    await load(swarm);
    await seek(12);
    const parsed = parseScenario(swarm);
    if (!parsed.ok) throw new Error('the test swarm does not parse');
    const sim = new Sim(parsed.config);
    sim.seek(12e6);
    const unchoke = [...records(sim.trace)].find((r) => r.kind === T.UNCHOKE)!;
    const highlight = { highlight: rgb(DARK.highlight) };
    expect((await canvasPixels(page, BACKGROUND, highlight)).counts.highlight).toBeLessThan(20);
    await page.evaluate((index) => window.__swarmscope.command('highlightRecord', index), unchoke.index);
    await nextFrames(page);
    expect((await canvasPixels(page, BACKGROUND, highlight)).counts.highlight).toBeGreaterThan(100);
  });

  it('shows a have as one ring, which fades once the run stands still', async () => {
    const parsed = parseScenario(swarm);
    if (!parsed.ok) throw new Error('the test swarm does not parse');
    const sim = new Sim(parsed.config);
    sim.runUntil(30e6);
    const all = [...records(sim.trace)];
    const announces = (r: TraceRecord) => r.kind === T.BITFIELD || r.kind === T.HAVE;
    // A have at least 2 s in with no other announcement in the half second before it.
    const have = all.find((r) => r.kind === T.HAVE && r.to === BROADCAST && r.time >= 2e6 && !all.some((o) => announces(o) && o.index < r.index && o.time > r.time - 5e5));
    expect(have, 'a have on its own in the test swarm').toBeDefined();
    await load(swarm);
    await seek((have!.time - 5e5) / 1e6);
    // The seek's jump shows the announcements it passed over; let them fade.
    await expect.poll(async () => (await stats()).pulses, { timeout: 5000 }).toBe(0);
    await page.evaluate((index) => {
      for (let i = 0; i < 100_000 && window.__swarmscope.engine()!.traceLength <= index; i++) window.__swarmscope.command('stepForward');
    }, have!.index);
    await nextFrames(page);
    expect((await stats()).pulses).toBe(1);
    await expect.poll(async () => (await stats()).pulses, { timeout: 5000 }).toBe(0);
  });

  it('zooms with the wheel about the pointer, changing the drawn size', async () => {
    await load(swarm);
    await seek(1);
    const colours = { leecher: rgb(DARK.role.leecher) };
    const before = await canvasPixels(page, BACKGROUND, colours);
    const scale = (await stats()).scale;
    const at = await pointAtPeer(0);
    await page.mouse.move(at.x, at.y);
    await page.mouse.wheel(0, 400);
    await nextFrames(page);
    expect((await stats()).scale).toBeLessThan(scale);
    const after = await canvasPixels(page, BACKGROUND, colours);
    expect(after.counts.leecher).toBeLessThan(before.counts.leecher! * 0.8);
    // The peer under the pointer stays under it.
    const still = await pointAtPeer(0);
    expect(Math.hypot(still.x - at.x, still.y - at.y)).toBeLessThan(2);
  });

  it('draws without multisampling on a software rasterizer (this Chromium renders with SwiftShader), learnt from the early worker', async () => {
    const seen = await page.evaluate(() => {
      const probe = document.createElement('canvas').getContext('webgl');
      const info = probe?.getExtension('WEBGL_debug_renderer_info');
      const renderer = probe && info ? String(probe.getParameter(info.UNMASKED_RENDERER_WEBGL)) : '';
      // The scene's own context: asking its canvas again returns it, with the attributes it was made with.
      const canvas = document.querySelector<HTMLCanvasElement>('#stage canvas')!;
      const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
      return { renderer, antialias: gl?.getContextAttributes()?.antialias ?? null };
    });
    expect(seen.renderer).toMatch(/SwiftShader/);
    expect(seen.antialias).toBe(false);
    // The page's first script asked a worker, so the scene made no throwaway context of its own.
    expect((await stats()).gpuProbe).toBe('worker');
    expect(await page.evaluate(() => window.__swarmscopeGpu)).toMatch(/SwiftShader/);
  });

  it('draws a 300-peer swarm with its names thinned out', async () => {
    const big = { ...swarm, name: 'Big swarm', peers: [...swarm.peers.slice(0, 3), { name: 'L', count: 297 }] };
    await load(big);
    const s = await stats();
    expect(s.peers).toBe(300);
    expect(s.labels).toBeGreaterThan(2);
    expect(s.labels).toBeLessThan(150);
    expect(app.pageErrors).toEqual([]);
  });
});
