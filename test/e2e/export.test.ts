// Exports, in the browser: PNG of the moment at 1× and 2×, an animated GIF and a WebM video of a
// time range rendered frame by frame from the engine (the same range gives the same GIF), with
// progress and cancel; the run is back where the user was afterwards.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GifReader } from 'omggif';
import { Sim } from '../../src/engine/sim';
import { writePcap } from '../../src/export/pcap';
import { formatScenarioErrors, parseScenario } from '../../src/scenario';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, root, type App } from './browser';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  await page.evaluate(() => window.__swarmscope.command('seek', 5_000_000));
});

afterAll(async () => {
  await app?.close();
});

async function exportFile(fill: Record<string, string>): Promise<{ name: string; bytes: Buffer }> {
  await page.keyboard.press('e');
  const dialog = page.locator('#export-dialog');
  await dialog.waitFor({ state: 'visible', timeout: 15_000 });
  for (const [name, value] of Object.entries(fill)) {
    const field = dialog.locator(`[name="${name}"]`);
    if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  const [download] = await Promise.all([page.waitForEvent('download', { timeout: 120_000 }), dialog.locator('button[type="submit"]').click()]);
  const path = await download.path();
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(path);
  await dialog.locator('button', { hasText: 'Close' }).click();
  await dialog.waitFor({ state: 'hidden', timeout: 15_000 });
  return { name: download.suggestedFilename(), bytes };
}

function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString()).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('exports', { timeout: 180_000 }, () => {
  // First in the file: the page has exported nothing yet.
  it('an animated GIF of a range holds one frame per step of simulated time, and the first export after the page loads equals a later one byte for byte', async () => {
    const fill = { format: 'gif', size: '640x360', from: '2', to: '6', fps: '5', speed: '1' };
    const first = await exportFile(fill);
    const gif = new GifReader(new Uint8Array(first.bytes));
    expect(gif.numFrames()).toBe(21);
    expect([gif.width, gif.height]).toEqual([640, 360]);
    expect(gif.frameInfo(0).delay).toBe(20);
    // Frames differ: the swarm moves between 2 s and 6 s.
    const a = new Uint8Array(640 * 360 * 4);
    const b = new Uint8Array(640 * 360 * 4);
    gif.decodeAndBlitFrameRGBA(0, a);
    gif.decodeAndBlitFrameRGBA(20, b);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(false);
    // Nothing the scene makes on first use (textures, text, particle buffers) shows in the frames.
    const later = await exportFile(fill);
    expect(later.bytes.equals(first.bytes)).toBe(true);
    expect(await page.evaluate(() => window.__swarmscope.engine()!.now)).toBe(5_000_000);
  });

  it('does not depend on the page clock: the same range exported while it reads 1 s after loading is the same GIF', async () => {
    const fill = { format: 'gif', size: '640x360', from: '2', to: '6', fps: '5', speed: '1' };
    const now = await exportFile(fill);
    // The frames run on the export's own clock (0, 200, 400… ms): one soon after loading must not differ.
    await page.evaluate(() => {
      const real = performance.now.bind(performance);
      (window as unknown as { realNow: () => number }).realNow = real;
      performance.now = () => 1000;
    });
    const early = await exportFile(fill).finally(() =>
      page.evaluate(() => {
        performance.now = (window as unknown as { realNow: () => number }).realNow;
      }),
    );
    expect(early.bytes.equals(now.bytes)).toBe(true);
  });

  it('a PNG of this moment at 1× and at 2× the chosen size, named after the scenario and time', async () => {
    const one = await exportFile({ format: 'png1', size: '960x540' });
    expect(pngSize(one.bytes)).toEqual({ width: 960, height: 540 });
    expect(one.name).toBe('swarmscope-flash-crowd-5.000s.png');
    const two = await exportFile({ format: 'png2', size: '640x360' });
    expect(pngSize(two.bytes)).toEqual({ width: 1280, height: 720 });
    expect(await page.evaluate(() => window.__swarmscope.engine()!.now)).toBe(5_000_000);
  });

  it('a WebM video of a range', async () => {
    const video = await exportFile({ format: 'webm', size: '640x360', from: '0', to: '2', fps: '10', speed: '1' });
    // EBML magic, then the WebM doctype.
    expect(video.bytes.readUInt32BE(0)).toBe(0x1a45dfa3);
    expect(video.bytes.subarray(0, 64).toString('latin1')).toContain('webm');
    expect(video.bytes.length).toBeGreaterThan(2000);
  });

  it('shows progress, can be cancelled, and puts the run back where it was', async () => {
    await page.keyboard.press('e');
    const dialog = page.locator('#export-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await dialog.locator('[name="format"]').selectOption('gif');
    await dialog.locator('[name="size"]').selectOption('1280x720');
    await dialog.locator('[name="from"]').fill('0');
    await dialog.locator('[name="to"]').fill('60');
    await dialog.locator('[name="fps"]').fill('15');
    await dialog.locator('[name="speed"]').fill('1');
    await dialog.locator('button[type="submit"]').click();
    await expect.poll(() => dialog.locator('[role="status"]').textContent(), { timeout: 15_000 }).toMatch(/^Frame \d+ of 901$/);
    await dialog.locator('button', { hasText: 'Cancel' }).click();
    await expect.poll(() => dialog.locator('[role="status"]').textContent(), { timeout: 15_000 }).toBe('Cancelled.');
    expect(await page.evaluate(() => window.__swarmscope.engine()!.now)).toBe(5_000_000);
    await dialog.locator('button', { hasText: 'Close' }).click();
  });

  it('a packet capture of the selected peer over a range, byte for byte the capture Node writes', async () => {
    await page.evaluate(() => window.__swarmscope.command('selectPeer', 3));
    const capture = await exportFile({ format: 'pcap', from: '0', to: '10' });
    expect(capture.name).toBe('swarmscope-flash-crowd-peer3-0s-10s.pcap');
    const parsed = parseScenario(JSON.parse(readFileSync(join(root, 'scenarios/flash-crowd.json'), 'utf8')));
    if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors));
    const sim = new Sim(parsed.config);
    sim.runUntil(10_000_000);
    const parts: Buffer[] = [];
    writePcap({ config: sim.config, trace: sim.trace, uploads: sim.state.peers.map((p) => p.upload) }, { peer: 3, from: 0, to: 10_000_000 }, { write: (chunk) => parts.push(Buffer.from(chunk)) });
    expect(capture.bytes.readUInt32LE(0)).toBe(0xa1b2c3d4);
    expect(capture.bytes.length).toBeGreaterThan(10_000);
    expect(capture.bytes.equals(Buffer.concat(parts))).toBe(true);
    expect(await page.evaluate(() => window.__swarmscope.engine()!.now)).toBe(5_000_000);
    await page.evaluate(() => window.__swarmscope.command('selectPeer', null));
  });

  it('refuses a range it cannot make, saying why', async () => {
    await page.keyboard.press('e');
    const dialog = page.locator('#export-dialog');
    await dialog.waitFor({ state: 'visible', timeout: 15_000 });
    await dialog.locator('[name="format"]').selectOption('gif');
    await dialog.locator('[name="from"]').fill('10');
    await dialog.locator('[name="to"]').fill('5');
    await dialog.locator('button[type="submit"]').click();
    await expect.poll(() => dialog.locator('[role="status"]').textContent(), { timeout: 15_000 }).toContain('forward');
    await dialog.locator('button', { hasText: 'Close' }).click();
    expect(app.pageErrors).toEqual([]);
  });
});
