// The guided tour in a real browser: captions appear as the playhead passes each step (checked
// against narrationFirings run in Node), a pause step stops playback where it fires, next/previous
// seek to each step's firing time, presenter mode, the editor (apply, a bad value, download) and
// the library list.
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { narrationFirings, type Firing } from '../../src/analysis/narration';
import { currentStep } from '../../src/app/tour';
import { Sim } from '../../src/engine/sim';
import { parseScenario, parseScenarioText, resolveNarration } from '../../src/scenario';
import { openApp, type App, runCommand } from './browser';
import { smallSwarm } from '../small-swarm';

const narrated = {
  ...smallSwarm,
  name: 'Narrated swarm',
  narration: [
    { at: 0, title: 'One seed', text: 'The origin has every piece. <b>not bold</b>' },
    { when: { event: 'first-upload', peer: 'subject' }, text: 'The subject sends its first block.', select: 'subject', pause: true },
    { at: 5, text: 'Five seconds in.', highlight: [0, 1], colouring: 'source' },
    { when: { event: 'complete', peer: 'leecher' }, text: 'A leecher has every piece.', select: 'leecher-2' },
  ],
};

function firingsInNode(): (Firing | null)[] {
  const parsed = parseScenario(narrated);
  if (!parsed.ok) throw new Error('bad scenario');
  const sim = new Sim(parsed.config, { checkpointEvery: 0 });
  sim.run();
  return narrationFirings(sim.trace, parsed.config, resolveNarration(parsed.scenario).map((s) => s.trigger), sim.now);
}

let app: App;
let page: Page;
const firings = firingsInNode();
/** Step indices in the order they fire. */
const order = firings.map((f, step) => ({ step, f: f! })).sort((a, b) => a.f.time - b.f.time || a.f.after - b.f.after);

const state = () => page.evaluate(() => window.__swarmscope.state());
const engine = () => page.evaluate(() => window.__swarmscope.engine()!);
const command = (id: string, arg?: unknown): Promise<boolean> => runCommand(page, id, arg);
const caption = () => page.locator('#caption-text').textContent();

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

describe('the guided tour', () => {
  it('shows no tour bar for a scenario without narration', async () => {
    const { narration: _none, ...plain } = narrated;
    expect(await page.evaluate((json) => window.__swarmscope.load(json).ok, plain)).toBe(true);
    expect(await page.locator('#narration').isHidden()).toBe(true);
    expect(await page.locator('#caption').isHidden()).toBe(true);
  });

  it('shows captions as the playhead passes each step and stops at a pause step where it fires', async () => {
    expect(await page.evaluate((json) => window.__swarmscope.load(json).ok, narrated)).toBe(true);
    expect(await page.locator('#narration').isVisible()).toBe(true);
    // The step at 0 s shows at once, as text (the markup in it is not markup).
    expect(await caption()).toBe(narrated.narration[0]!.text);
    expect(await page.locator('#caption-title').textContent()).toBe('One seed');
    expect(await page.locator('#caption b').count()).toBe(0);
    expect(await page.locator('#tour-counter').textContent()).toBe(`1 / ${narrated.narration.length}`);

    await command('setSpeed', 5);
    await command('play');
    await page.waitForFunction(() => window.__swarmscope.state().narrationStep === 1 && !window.__swarmscope.state().playing, null, { timeout: 20_000 });
    expect((await engine()).now).toBe(firings[1]!.time);
    expect(await caption()).toBe(narrated.narration[1]!.text);
    expect((await state()).selectedPeer).toBe(1);

    // Playing on: each caption that shows is the step Node says is current at that position.
    await command('setSpeed', 2);
    await command('play');
    const seen = new Set<number>();
    while ((await state()).playing) {
      const { narrationStep, time, traceLength } = await page.evaluate(() => {
        const s = window.__swarmscope.state();
        return { narrationStep: s.narrationStep, time: s.time, traceLength: s.traceLength };
      });
      expect(narrationStep).toBe(currentStep(firings, { time, traceLength }));
      if (narrationStep !== null) seen.add(narrationStep);
      await page.waitForTimeout(50);
    }
    expect([...seen].sort()).toEqual([1, 2, 3]);
    expect(app.pageErrors).toEqual([]);
  });

  it('next and previous (] and [) seek to each step’s firing time and apply it', async () => {
    await command('seekStart');
    expect((await state()).narrationStep).toBe(order[0]!.step);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
    for (const { step, f } of order.slice(1)) {
      await page.keyboard.press(']');
      expect((await state()).narrationStep).toBe(step);
      expect((await engine()).now).toBe(f.time);
      expect(await caption()).toBe(narrated.narration[step]!.text);
    }
    const s = await state();
    expect(s.selectedPeer).toBe(3);
    await page.keyboard.press('[');
    expect((await state()).narrationStep).toBe(order[order.length - 2]!.step);
    expect((await state()).highlightedPieces).toEqual(narrated.narration[order[order.length - 2]!.step]!.highlight ?? []);
    await page.locator('#tour-previous').click();
    expect((await state()).narrationStep).toBe(order[order.length - 3]!.step);
    expect((await engine()).now).toBe(order[order.length - 3]!.f.time);
  });

  it('presenter mode toggles with "p" and makes the caption bigger', async () => {
    const size = () => page.locator('#caption-text').evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
    const before = await size();
    await page.keyboard.press('p');
    expect((await state()).presenter).toBe(true);
    expect(await page.evaluate(() => document.documentElement.hasAttribute('data-presenter'))).toBe(true);
    expect(await size()).toBeGreaterThan(before * 1.5);
    await page.keyboard.press('p');
    expect(await page.evaluate(() => document.documentElement.hasAttribute('data-presenter'))).toBe(false);
  });
});

describe('the editor', () => {
  it('applies a new count: the new run has that many peers', async () => {
    await page.locator('#editor-open').click();
    await page.locator('input[name="peers.2.count"]').fill('6');
    await page.locator('#editor-apply').click();
    expect(await page.locator('#editor').isVisible()).toBe(false);
    expect((await engine()).peerPieces).toHaveLength(1 + 1 + 6);
  });

  it('shows the parser’s message for a bad value and keeps the run', async () => {
    await command('seek', 3_000_000);
    const { runId } = await state();
    await page.locator('#editor-open').click();
    await page.locator('input[name="peers.2.count"]').fill('lots');
    await page.locator('#editor-apply').click();
    const message = await page.locator('#editor-error').textContent();
    expect(message).toContain('peers[2].count');
    expect(await page.locator('#editor').isVisible()).toBe(true);
    const s = await state();
    expect(s.runId).toBe(runId);
    expect(s.time).toBe(3_000_000);
    expect((await engine()).peerPieces).toHaveLength(8);
    await page.locator('#editor-close').click();
  });

  it('downloads a scenario file that the parser accepts', async () => {
    await page.locator('#editor-open').click();
    await page.locator('input[name="peers.0.upload"]').fill('2 MB/s');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#editor-download').click()]);
    const text = readFileSync((await download.path())!, 'utf8');
    const parsed = parseScenarioText(text);
    expect(parsed.ok).toBe(true);
    expect((JSON.parse(text) as { $schema: string; peers: { upload: unknown }[] }).peers[0]!.upload).toBe('2 MB/s');
    expect(Object.keys(JSON.parse(text) as object)[0]).toBe('$schema');
    await page.locator('#editor-close').click();
  });
});

describe('the library list', () => {
  it('lists every scenario with its description and loads one', async () => {
    await page.locator('#library-open').click();
    const items = page.locator('#library-list li[data-id]');
    expect(await items.count()).toBeGreaterThan(0);
    const first = items.first();
    const id = await first.getAttribute('data-id');
    await first.locator('.library-name').click();
    expect((await state()).scenario?.id).toBe(id);
    expect(await page.locator('#scenario-picker').inputValue()).toBe(id);
    expect(app.pageErrors).toEqual([]);
  });
});
