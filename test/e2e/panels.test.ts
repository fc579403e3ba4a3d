// The peer inspector, the message log and the panel tabs in Chromium, against the engine: the same
// scenario replayed in Node to the same event gives the numbers and flags the panels must show.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextFrames, openApp, root, type App, runCommand } from './browser';
import { formatTime } from '../../src/app/format';
import { Sim } from '../../src/engine/sim';
import { readHalf } from '../../src/engine/ends';
import { record, T } from '../../src/engine/trace';
import type { SimConfig } from '../../src/engine/types';
import { messageName } from '../../src/engine/wire';
import { formatScenarioErrors, parseScenario } from '../../src/scenario';

const flashCrowd: unknown = JSON.parse(readFileSync(join(root, 'scenarios/flash-crowd.json'), 'utf8'));
const config: SimConfig = (() => {
  const parsed = parseScenario(flashCrowd);
  if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors));
  return parsed.config;
})();

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

async function command(id: string, arg?: unknown): Promise<boolean> {
  const ran = await runCommand(page, id, arg);
  await nextFrames(page);
  return ran;
}

const uiState = () => page.evaluate(() => window.__swarmscope.state());

/** The run in Node, at exactly the event the page's run is at. */
async function nodeRunAtPage(): Promise<Sim> {
  const { eventCount } = await uiState();
  const sim = new Sim(config);
  sim.seekEvent(eventCount);
  return sim;
}

/** What the inspector shows for the selected peer: its pieces and each connection's flags. */
async function inspectorShows() {
  return page.evaluate(() => {
    const panel = document.querySelector<HTMLElement>('#panel-inspector .insp-peer')!;
    const rows = [...panel.querySelectorAll<HTMLTableRowElement>('.insp-conns tbody tr')].map((tr) => ({
      remote: Number(tr.dataset.remote),
      amChoking: tr.dataset.amChoking === 'true',
      amInterested: tr.dataset.amInterested === 'true',
      peerChoking: tr.dataset.peerChoking === 'true',
      peerInterested: tr.dataset.peerInterested === 'true',
    }));
    const ranking = [...panel.querySelectorAll<HTMLTableRowElement>('.insp-rechoke tbody tr')]
      .map((tr) => ({ remote: Number(tr.dataset.remote), slot: Number(tr.dataset.slot) }))
      .sort((a, b) => a.remote - b.remote);
    return {
      peer: Number(panel.dataset.peer),
      name: panel.querySelector('.insp-name')!.textContent,
      pieces: Number(panel.querySelector<HTMLElement>('[data-stat="pieces"]')!.dataset.value),
      rows,
      ranking,
    };
  });
}

/** What the engine says the inspector should show for peer `id`. */
function engineShows(sim: Sim, id: number) {
  const st = sim.state;
  const rows = st.peers[id]!.conns.map((hid) => {
    const h = readHalf(st, hid);
    return { remote: h.remote, amChoking: h.amChoking, amInterested: h.amInterested, peerChoking: h.peerChoking, peerInterested: h.peerInterested };
  });
  let ranking: { remote: number; slot: number }[] = [];
  for (let i = sim.trace.length - 1; i >= 0; i--) {
    const r = record(sim.trace, i);
    if (r.kind !== T.RECHOKE || r.from !== id) continue;
    ranking = Array.from({ length: r.y }, (_, k) => ({ remote: sim.trace.aux[r.x + 4 * k]!, slot: sim.trace.aux[r.x + 4 * k + 2]! }));
    // The panel lists the ranked rows in its own order (by outcome); compare them as a set.
    ranking.sort((a, b) => a.remote - b.remote);
    break;
  }
  return { peer: id, name: config.peers[id]!.name, pieces: st.peers[id]!.haveCount, rows, ranking };
}

describe('the peer inspector', () => {
  it('without a selection, shows a hint and every peer to pick from', async () => {
    await command('showPanel', 'inspector');
    await command('selectPeer', null);
    expect(await page.locator('#panel-inspector .insp-empty').isVisible()).toBe(true);
    expect(await page.locator('#panel-inspector .insp-peer').isVisible()).toBe(false);
    expect(await page.locator('#panel-inspector .peer-list .peer-link').allTextContents()).toEqual(config.peers.map((p) => p.name));
  });

  it('selects a peer picked from the list and shows its pieces, flags and last rechoke as the engine has them', async () => {
    await command('seek', 25_000_000);
    await page.locator('#panel-inspector .peer-list .peer-link').nth(7).click();
    await nextFrames(page);
    expect((await uiState()).selectedPeer).toBe(7);
    const shown = await inspectorShows();
    const expected = engineShows(await nodeRunAtPage(), 7);
    expect(shown).toEqual(expected);
    // A flash crowd at 25 s: the peer has pieces, connections and a ranking, so the comparison bit.
    expect(expected.pieces).toBeGreaterThan(0);
    expect(expected.rows.length).toBeGreaterThan(3);
    expect(expected.ranking.length).toBeGreaterThan(0);
    expect(expected.rows.some((r) => !r.amChoking)).toBe(true);
    const bitfield = await page.locator('#panel-inspector .insp-bitfield').getAttribute('aria-label');
    expect(bitfield).toBe(`Bitfield: ${expected.pieces} of ${config.torrent.pieces} pieces held`);
  });

  it('follows a step forward and a step back', async () => {
    await command('selectPeer', 3);
    const before = await page.evaluate(() => window.__swarmscope.engine()!.peerPieces[3]!);
    // Step until peer 3 verifies another piece.
    const steps = await page.evaluate((before) => {
      let n = 0;
      while (window.__swarmscope.engine()!.peerPieces[3] === before && n < 100_000) {
        window.__swarmscope.command('stepForward');
        n++;
      }
      return n;
    }, before);
    expect(steps).toBeGreaterThan(0);
    await nextFrames(page);
    const after = await inspectorShows();
    expect(after.pieces).toBe(before + 1);
    expect(after).toEqual(engineShows(await nodeRunAtPage(), 3));
    await command('stepBack');
    const back = await inspectorShows();
    expect(back.pieces).toBe(before);
    expect(back).toEqual(engineShows(await nodeRunAtPage(), 3));
  });

  it('selects the remote of a connection when its name is clicked', async () => {
    await command('selectPeer', 3);
    const link = page.locator('#panel-inspector .insp-conns tbody tr .peer-link').first();
    const remote = Number(await link.getAttribute('data-peer'));
    await link.click();
    await nextFrames(page);
    expect((await uiState()).selectedPeer).toBe(remote);
    expect((await inspectorShows()).name).toBe(config.peers[remote]!.name);
  });
});

/** The rows the log has in the DOM, top to bottom. */
async function logRows() {
  return page.evaluate(() =>
    [...document.querySelectorAll<HTMLElement>('#panel-log .log-viewport .log-row[data-index]')]
      .filter((row) => !row.hidden)
      .map((row) => ({
        index: Number(row.dataset.index),
        time: Number(row.dataset.time),
        timeText: row.children[0]!.textContent,
        route: row.children[1]!.textContent,
        message: row.querySelector('.log-kind-name')!.textContent,
        fields: row.querySelector('.log-fields')!.textContent,
      }))
      .sort((a, b) => a.index - b.index),
  );
}

/** Indices of the wire messages in the Node run that pass a test. */
function messagesIn(sim: Sim, keep: (r: ReturnType<typeof record>) => boolean = () => true): number[] {
  const out: number[] = [];
  for (let i = 0; i < sim.trace.length; i++) {
    const r = record(sim.trace, i);
    if (messageName(r.kind) !== null && keep(r)) out.push(i);
  }
  return out;
}

describe('the message log', () => {
  it('keeps only the rows in view in the DOM, with the newest message at the bottom', async () => {
    await page.locator('#tab-log').click();
    await command('clearLogFilter');
    await command('seek', 40_000_000);
    const sim = await nodeRunAtPage();
    const all = messagesIn(sim);
    expect(all.length).toBeGreaterThan(20_000);
    expect(await page.locator('#panel-log .log-count').textContent()).toContain(`${all.length.toLocaleString('en-US')} messages`);
    const rows = await logRows();
    expect(rows.length).toBeGreaterThan(5);
    expect(rows.length).toBeLessThan(100);
    expect(rows.at(-1)!.index).toBe(all.at(-1));
    const r = record(sim.trace, all.at(-1)!);
    expect(rows.at(-1)!.timeText).toBe((r.time / 1e6).toFixed(6));
  });

  it('shows only the messages that pass the filter, set by command or by the controls', async () => {
    await command('setLogFilter', { peer: 2, kinds: [T.PIECE] });
    const name = config.peers[2]!.name;
    const sim = await nodeRunAtPage();
    const wanted = messagesIn(sim, (r) => r.kind === T.PIECE && (r.from === 2 || r.to === 2));
    expect(wanted.length).toBeGreaterThan(0);
    expect(await page.locator('#panel-log .log-count').textContent()).toContain(`${wanted.length.toLocaleString('en-US')} message`);
    const rows = await logRows();
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) {
      expect(wanted).toContain(row.index);
      expect(row.route).toContain(name);
      expect(row.message).toBe('piece');
      expect(row.fields).toMatch(/^piece \d+ block \d+ · /);
    }
    expect(await page.locator('#panel-log .log-peer').inputValue()).toBe('2');
    await page.locator('#panel-log .log-peer').selectOption('');
    await page.locator('#panel-log .log-kind').selectOption(String(T.HAVE));
    await page.locator('#panel-log .log-piece').fill('5');
    await nextFrames(page);
    expect((await uiState()).logFilter).toEqual({ peer: null, kinds: [T.HAVE], piece: 5 });
    const haves = messagesIn(sim, (r) => r.kind === T.HAVE && r.x === 5);
    expect(haves.length).toBeGreaterThan(0);
    const shown = await logRows();
    expect(shown.map((row) => row.index)).toEqual(haves.slice(-shown.length));
    for (const row of shown) expect([row.message, row.fields]).toEqual(['have', 'piece 5']);
    await page.locator('#panel-log .log-clear').click();
    await nextFrames(page);
    expect((await uiState()).logFilter).toEqual({ peer: null, kinds: [], piece: null });
  });

  it('highlights the message under the pointer', async () => {
    const row = page.locator('#panel-log .log-row[data-index]:not([hidden])').nth(3);
    const index = Number(await row.getAttribute('data-index'));
    await row.hover();
    await nextFrames(page);
    expect((await uiState()).highlightedRecord).toBe(index);
    expect(await row.getAttribute('class')).toContain('highlighted');
  });

  it('seeks the clock to a message when it is clicked, pausing playback', async () => {
    // An older message: scroll to the top of the list.
    await page.locator('#panel-log .log-viewport').evaluate((viewport) => (viewport.scrollTop = 0));
    await nextFrames(page);
    await command('play');
    const row = page.locator('#panel-log .log-row[data-index]:not([hidden])').nth(2);
    const index = Number(await row.getAttribute('data-index'));
    const time = Number(await row.getAttribute('data-time'));
    expect(time).toBeLessThan(10_000_000);
    await row.click();
    await nextFrames(page);
    const s = await uiState();
    expect(s).toMatchObject({ time, playing: false, highlightedRecord: index });
    expect(await page.locator('#clock').textContent()).toBe(formatTime(time));
    const sim = await nodeRunAtPage();
    expect(sim.trace.length).toBeGreaterThan(index);
    // The clicked message is still listed, and nothing after its time has happened.
    expect((await logRows()).map((r) => r.index)).toContain(index);
    expect(record(sim.trace, sim.trace.length - 1).time).toBe(time);
  });
});

describe('the panel tabs', () => {
  it('are a tablist whose tabs switch the panel when clicked', async () => {
    const tabs = page.locator('#panel-tabs [role="tab"]');
    expect(await page.locator('#panel-tabs').getAttribute('role')).toBe('tablist');
    expect(await tabs.count()).toBeGreaterThanOrEqual(2);
    await page.locator('#tab-inspector').click();
    await nextFrames(page);
    expect((await uiState()).activePanel).toBe('inspector');
    expect(await page.locator('#tab-inspector').getAttribute('aria-selected')).toBe('true');
    expect(await page.locator('#tab-log').getAttribute('aria-selected')).toBe('false');
    expect(await page.locator('#panel-inspector').isVisible()).toBe(true);
    expect(await page.locator('#panel-log').isVisible()).toBe(false);
    expect(await page.locator('#panel-log').getAttribute('aria-labelledby')).toBe('tab-log');
    await page.locator('#tab-log').click();
    await nextFrames(page);
    expect((await uiState()).activePanel).toBe('log');
    expect(await page.locator('#panel-log').isVisible()).toBe(true);
    expect(await page.locator('#panel-inspector').isVisible()).toBe(false);
  });

  it('move with the arrow keys, Home and End, and those keys do not move the run', async () => {
    const ids = await page.locator('#panel-tabs [role="tab"]').evaluateAll((tabs) => tabs.map((t) => (t as HTMLElement).dataset.panel));
    await page.locator('#tab-inspector').click();
    const { eventCount } = await uiState();
    const focused = () => page.evaluate(() => document.activeElement?.id);
    await page.keyboard.press('ArrowRight');
    expect((await uiState()).activePanel).toBe(ids[1]);
    expect(await focused()).toBe(`tab-${ids[1]}`);
    await page.keyboard.press('ArrowLeft');
    expect((await uiState()).activePanel).toBe('inspector');
    await page.keyboard.press('ArrowLeft');
    expect((await uiState()).activePanel).toBe(ids.at(-1));
    await page.keyboard.press('Home');
    expect((await uiState()).activePanel).toBe(ids[0]);
    await page.keyboard.press('End');
    expect((await uiState()).activePanel).toBe(ids.at(-1));
    expect(await page.locator(`#tab-${ids.at(-1)}`).getAttribute('tabindex')).toBe('0');
    expect(await page.locator('#tab-inspector').getAttribute('tabindex')).toBe('-1');
    expect((await uiState()).eventCount).toBe(eventCount);
    expect(app.pageErrors).toEqual([]);
  });
});
