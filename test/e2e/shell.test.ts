// The app shell in a real browser: every library scenario drawn from the picker, the playback bar
// and the scrubber against the engine's own clock, the keyboard shortcuts, the help overlay, the
// theme, opening a scenario file (picker and drop, good and bad), and the layout at projector and
// small-embed sizes, with screenshots kept in test/artifacts/.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatTime } from '../../src/app/format';
import { library } from '../../src/app/library';
import { artifactsDir, canvasPixels, nextFrames, openApp, type App, runCommand } from './browser';
import { smallSwarm } from '../small-swarm';

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

/**
 * How much of the canvas differs from its most common colour (the background, whatever the theme):
 * a blank frame is 0, a drawn swarm has markers, links and labels.
 */
async function drawnFraction(): Promise<{ total: number; drawn: number }> {
  const { total, notBackground } = await canvasPixels(page, 'most common');
  return { total, drawn: notBackground / total };
}

const engine = () => page.evaluate(() => window.__swarmscope.engine()!);
const state = () => page.evaluate(() => window.__swarmscope.state());
const command = (id: string, arg?: unknown): Promise<boolean> => runCommand(page, id, arg);
const text = (selector: string) => page.locator(selector).textContent();

/** The clock shows the engine's time, and the store agrees with the engine. */
async function expectClockMatchesEngine(): Promise<number> {
  const [{ now, eventCount }, s] = await Promise.all([engine(), state()]);
  expect(s.time).toBe(now);
  expect(s.eventCount).toBe(eventCount);
  expect(await text('#clock')).toBe(formatTime(now));
  return now;
}

async function loadDefault(): Promise<void> {
  await page.locator('#scenario-picker').selectOption(library[0]!.id);
  await page.waitForFunction((id) => window.__swarmscope.state().scenario?.id === id, library[0]!.id);
}

describe('the scenario library', () => {
  it.each(library.map((entry) => [entry.id, entry] as const))('%s loads from the picker and is drawn on the canvas', async (_, entry) => {
    await page.locator('#scenario-picker').selectOption(entry.id);
    await expect.poll(() => text('#scenario-name')).toBe(entry.name);
    expect((await state()).scenario).toEqual({ id: entry.id, name: entry.name });
    expect(await page.locator('#error').isVisible()).toBe(false);
    await nextFrames(page);
    const pixels = await drawnFraction();
    expect(pixels.total).toBeGreaterThan(100_000);
    expect(pixels.drawn).toBeGreaterThan(0.005);
  });

  it('saves a screenshot of the default scenario as a test artifact', async () => {
    await loadDefault();
    await command('seek', 20_000_000);
    await nextFrames(page);
    mkdirSync(artifactsDir, { recursive: true });
    await page.screenshot({ path: join(artifactsDir, 'default-scenario-1280x720.png') });
    expect(readFileSync(join(artifactsDir, 'default-scenario-1280x720.png')).length).toBeGreaterThan(10_000);
  });
});

describe('playback', () => {
  beforeAll(loadDefault);

  it('plays and pauses with the button, the clock following the engine', async () => {
    await command('seekStart');
    await page.locator('#play').click();
    expect((await state()).playing).toBe(true);
    await expect.poll(async () => (await engine()).now).toBeGreaterThan(0);
    await page.locator('#play').click();
    expect(await text('#play')).toBe('Play');
    const paused = await expectClockMatchesEngine();
    await nextFrames(page);
    expect((await engine()).now).toBe(paused);
  });

  it('steps one event forward and back with the buttons', async () => {
    const before = await engine();
    await page.locator('#step').click();
    await page.locator('#step').click();
    expect((await engine()).eventCount).toBe(before.eventCount + 2);
    await expectClockMatchesEngine();
    await page.locator('#step-back').click();
    expect((await engine()).eventCount).toBe(before.eventCount + 1);
    await expectClockMatchesEngine();
  });

  it('seeks with the scrubber, forward and back', async () => {
    const seekTo = (us: number) =>
      page.locator('#scrubber').evaluate((input: HTMLInputElement, us) => {
        input.value = String(us);
        input.dispatchEvent(new Event('input', { bubbles: true }));
      }, us);
    await seekTo(30_000_000);
    expect(await expectClockMatchesEngine()).toBe(30_000_000);
    await seekTo(4_000_000);
    expect(await expectClockMatchesEngine()).toBe(4_000_000);
  });

  it('seeks with the commands, and the end shows the trace hash', async () => {
    await command('seek', 12_345_678);
    expect(await expectClockMatchesEngine()).toBe(12_345_678);
    await command('seekEnd');
    await expectClockMatchesEngine();
    expect((await state()).done).toBe(true);
    expect(await text('#hash')).toMatch(/^traceHash [0-9a-f]{64}$/);
    expect(await text('#play')).toBe('Replay');
  });
});

describe('keyboard shortcuts', () => {
  beforeAll(async () => {
    await loadDefault();
    await page.locator('body').click({ position: { x: 5, y: 5 } });
  });

  it('Space plays and pauses', async () => {
    await page.keyboard.press('Space');
    expect((await state()).playing).toBe(true);
    await page.keyboard.press('Space');
    expect((await state()).playing).toBe(false);
  });

  it('→ and ← step one event, Shift+→ and Shift+← jump 10 s', async () => {
    await command('seek', 20_000_000);
    const { eventCount } = await engine();
    await page.keyboard.press('ArrowRight');
    expect((await engine()).eventCount).toBe(eventCount + 1);
    await page.keyboard.press('ArrowLeft');
    expect((await engine()).eventCount).toBe(eventCount);
    await command('seek', 20_000_000);
    await page.keyboard.press('Shift+ArrowRight');
    expect(await expectClockMatchesEngine()).toBe(30_000_000);
    await page.keyboard.press('Shift+ArrowLeft');
    expect(await expectClockMatchesEngine()).toBe(20_000_000);
  });

  it('+ and − change the speed, and the speed control shows it', async () => {
    await command('setSpeed', 10);
    await page.keyboard.press('+');
    expect((await state()).speed).toBe(20);
    expect(await page.locator('#speed').inputValue()).toBe('20');
    await page.keyboard.press('-');
    await page.keyboard.press('-');
    expect((await state()).speed).toBe(5);
  });

  it('Home goes to the start and End to the end', async () => {
    await page.keyboard.press('End');
    expect((await state()).done).toBe(true);
    await expectClockMatchesEngine();
    await page.keyboard.press('Home');
    expect(await expectClockMatchesEngine()).toBe(0);
  });

  it('are left alone while typing in a field', async () => {
    await page.locator('#speed').focus();
    const before = await engine();
    await page.keyboard.press('Space');
    expect((await state()).playing).toBe(false);
    expect((await engine()).eventCount).toBe(before.eventCount);
    await page.locator('body').click({ position: { x: 5, y: 5 } });
  });

  it('? opens the help, which lists every shortcut, traps focus and closes with Escape', async () => {
    const opener = page.locator('#play');
    await opener.focus();
    await page.keyboard.press('?');
    const dialog = page.locator('#help');
    expect(await dialog.isVisible()).toBe(true);
    const rows = await page.locator('#help tbody tr').evaluateAll((trs) => trs.map((tr) => (tr as HTMLElement).dataset.command));
    expect(rows).toEqual(expect.arrayContaining(['togglePlay', 'stepForward', 'stepBack', 'jumpForward', 'jumpBack', 'faster', 'slower', 'seekStart', 'seekEnd', 'toggleHelp']));
    expect(await page.locator('#help tr[data-command="togglePlay"] kbd').textContent()).toBe('Space');
    // Focus starts inside and stays inside: Tab never reaches the page behind the modal.
    for (let i = 0; i < 4; i++) {
      expect(await page.evaluate(() => document.getElementById('help')!.contains(document.activeElement))).toBe(true);
      await page.keyboard.press('Tab');
    }
    // Space belongs to the dialog's button, not to playback, while it is open.
    expect((await state()).playing).toBe(false);
    await page.keyboard.press('Escape');
    expect(await dialog.isVisible()).toBe(false);
    // The dialog's close event, which tells the store, comes a task later.
    await expect.poll(async () => (await state()).helpOpen).toBe(false);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('play');
  });

  it('the ? button opens the help too, and its Close button closes it', async () => {
    await page.locator('#help-button').click();
    expect(await page.locator('#help').isVisible()).toBe(true);
    await page.locator('#help-close').click();
    expect(await page.locator('#help').isVisible()).toBe(false);
  });
});

describe('the theme', () => {
  it('starts from the system preference and toggles with the button', async () => {
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      // The bare address: the current one records the theme (url-state.ts), which would win.
      await page.goto(app.url);
      await page.evaluate(() => window.__swarmscope.ready);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe(scheme);
    }
    const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await page.locator('#theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
    expect((await state()).theme).toBe('light');
    expect(await page.evaluate(() => getComputedStyle(document.body).backgroundColor)).not.toBe(background);
    await page.locator('#theme-toggle').click();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
  });
});

describe('reduced motion', () => {
  it('follows the system preference, and M toggles it', async () => {
    await page.emulateMedia({ reducedMotion: 'reduce' });
    await page.goto(app.url);
    await page.evaluate(() => window.__swarmscope.ready);
    expect((await state()).reducedMotion).toBe(true);
    await page.keyboard.press('m');
    expect((await state()).reducedMotion).toBe(false);
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    await page.goto(app.url);
    await page.evaluate(() => window.__swarmscope.ready);
    expect((await state()).reducedMotion).toBe(false);
  });
});

describe('opening a scenario file', () => {
  beforeAll(loadDefault);

  it('loads a good file from the file picker', async () => {
    await page.locator('#scenario-file').setInputFiles({ name: 'small.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(smallSwarm)) });
    await expect.poll(() => text('#scenario-name')).toBe('Small swarm');
    expect((await state()).scenario).toEqual({ id: null, name: 'Small swarm' });
    expect(await page.locator('#scenario-picker option:checked').textContent()).toBe('(own file) Small swarm');
  });

  it('opens a .torrent: its layout and name, with the peers that were on screen', async () => {
    const { default: createTorrent } = await import('create-torrent');
    const input = [Object.assign(Buffer.alloc(700_000, 3), { name: 'talk.webm', fullPath: 'talk/talk.webm' })];
    const bytes: Buffer = await new Promise((resolve, reject) =>
      createTorrent(input, { name: 'talk', pieceLength: 131_072, announceList: [], creationDate: 1_700_000_000 }, (err, t) => (err ? reject(err) : resolve(Buffer.from(t)))),
    );
    const peersBefore = await page.evaluate(() => window.__swarmscope.engine()!.peerPieces.length);
    await page.locator('#scenario-file').setInputFiles({ name: 'talk.torrent', mimeType: 'application/x-bittorrent', buffer: bytes });
    await expect.poll(() => text('#scenario-name')).toBe('talk');
    expect(await page.evaluate(() => window.__swarmscope.engine()!.peerPieces.length)).toBe(peersBefore);
    expect(await page.locator('#error').isVisible()).toBe(false);
  });

  it.each([
    ['not JSON', 'broken.json', '{"name": ', /"broken\.json" could not be opened: not valid JSON/],
    ['an invalid scenario', 'invalid.json', JSON.stringify({ ...smallSwarm, peers: 'none' }), /"invalid\.json" could not be opened: it is not a valid scenario:\n.*peers/],
    ['too big', 'huge.json', ' '.repeat(5 * 1024 * 1024 + 1), /"huge\.json" could not be opened: it is too large/],
  ])('shows a readable error for a file that is %s and keeps the previous scenario running', async (_, name, contents, message) => {
    await loadDefault();
    await command('seek', 5_000_000);
    await page.locator('#scenario-file').setInputFiles({ name, mimeType: 'application/json', buffer: Buffer.from(contents) });
    await expect.poll(() => page.locator('#error').isVisible()).toBe(true);
    expect(await text('#error')).toMatch(message);
    expect(await text('#scenario-name')).toBe(library[0]!.name);
    expect((await engine()).now).toBe(5_000_000);
    // Still running: it plays on from where it was.
    await page.locator('#play').click();
    await expect.poll(async () => (await engine()).now).toBeGreaterThan(5_000_000);
    await page.locator('#play').click();
  });

  it('loads a file dropped on the page, and a good file clears the error', async () => {
    const drop = (name: string, contents: string) =>
      page.evaluate(
        ([name, contents]) => {
          const data = new DataTransfer();
          data.items.add(new File([contents], name, { type: 'application/json' }));
          document.body.dispatchEvent(new DragEvent('dragenter', { dataTransfer: data, bubbles: true }));
          const over = new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true });
          document.body.dispatchEvent(over);
          const dropping = document.body.classList.contains('dropping');
          document.body.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
          return { dropping, accepted: over.defaultPrevented, after: document.body.classList.contains('dropping') };
        },
        [name, contents] as const,
      );
    expect(await drop('dropped.json', JSON.stringify({ ...smallSwarm, name: 'Dropped swarm' }))).toEqual({ dropping: true, accepted: true, after: false });
    await expect.poll(() => text('#scenario-name')).toBe('Dropped swarm');
    expect(await page.locator('#error').isVisible()).toBe(false);
  });
});

describe('the layout', () => {
  afterAll(() => page.setViewportSize({ width: 1280, height: 720 }));

  /** Every control is inside the viewport, nothing scrolls sideways, and the stage has room. */
  async function expectFits(width: number, height: number) {
    await page.setViewportSize({ width, height });
    await nextFrames(page);
    const layout = await page.evaluate(() => {
      const controls = [...document.querySelectorAll<HTMLElement>('header button, header select, #controls button, #controls select, #controls input')];
      const outside = controls.filter((el) => {
        const r = el.getBoundingClientRect();
        return r.left < 0 || r.top < 0 || r.right > innerWidth + 0.5 || r.bottom > innerHeight + 0.5 || r.width === 0;
      });
      const stage = document.getElementById('stage')!.getBoundingClientRect();
      return {
        outside: outside.map((el) => el.id || el.textContent),
        scrollWidth: document.documentElement.scrollWidth,
        stage: { width: stage.width, height: stage.height },
        panelsShown: getComputedStyle(document.getElementById('panels')!).display !== 'none',
      };
    });
    expect(layout.outside).toEqual([]);
    expect(layout.scrollWidth).toBeLessThanOrEqual(width);
    return layout;
  }

  it('at 1280×720 (a projector) shows the scene and the panels side by side', async () => {
    const layout = await expectFits(1280, 720);
    expect(layout.panelsShown).toBe(true);
    expect(layout.stage.height).toBeGreaterThan(500);
    await page.screenshot({ path: join(artifactsDir, 'layout-1280x720.png') });
  });

  it('at 640×360 (a small embed) collapses the panels and wraps the controls', async () => {
    const layout = await expectFits(640, 360);
    expect(layout.panelsShown).toBe(false);
    expect(layout.stage.width).toBe(640);
    expect(layout.stage.height).toBeGreaterThan(200);
    await nextFrames(page);
    expect((await drawnFraction()).drawn).toBeGreaterThan(0.005);
    await page.screenshot({ path: join(artifactsDir, 'layout-640x360.png') });
  });

  it('shows where the keyboard focus is on every control', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    const ids = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('header button, header select, #controls button, #controls select, #controls input')]
        .filter((el) => !(el as HTMLButtonElement).disabled && !el.hidden)
        .map((el) => el.id),
    );
    expect(ids.length).toBeGreaterThan(8);
    await page.locator('h1').click();
    const seen = new Map<string, { visible: boolean; outline: string; width: number }>();
    // Tab through the page (the panels' own controls too) until every control was focused once.
    for (let i = 0; i < 150 && seen.size < ids.length; i++) {
      await page.keyboard.press('Tab');
      const focused = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement;
        const style = getComputedStyle(el);
        return { id: el.id, visible: el.matches(':focus-visible'), outline: style.outlineStyle, width: parseFloat(style.outlineWidth) };
      });
      if (ids.includes(focused.id)) seen.set(focused.id, focused);
    }
    expect([...seen.keys()].sort()).toEqual([...ids].sort());
    for (const [id, focused] of seen) {
      expect(focused.visible, id).toBe(true);
      expect(focused.outline, id).not.toBe('none');
      expect(focused.width, id).toBeGreaterThanOrEqual(2);
    }
  });
});

it('raised no page errors', () => {
  expect(app.pageErrors).toEqual([]);
});
