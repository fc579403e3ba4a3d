// The charts and evidence panels in Debian's Chromium, on the production build: after playing and
// seeking (forward and back), every figure the evidence panel shows equals the subject report that
// Node computes for the same scenario at the same simulated time; the charts' canvases are drawn and
// their summaries carry the same numbers as the series computed in Node; the printable report opens
// with the traceHash of the run so far (the one `--until` reproduces); a scenario without a subject
// says so; hostile names stay text.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { subjectReport, type SubjectReport } from '../../src/analysis/report';
import { advanceSeries, availabilityStats, createSeries, lastValue } from '../../src/analysis/series';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { largestCompleteCopyShares } from '../../src/export/report-doc';
import { formatScenarioErrors, parseScenario } from '../../src/scenario';
import { openApp, root, type App, runCommand } from './browser';

const flashCrowdText = readFileSync(join(root, 'scenarios/flash-crowd.json'), 'utf8');
const flashCrowd: unknown = JSON.parse(flashCrowdText);
const version = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string }).version;

/** One seed, three leechers, no subject. */
const noSubject = {
  name: 'No subject here',
  seed: 3,
  torrent: { pieceLength: 262144, pieces: 16 },
  peers: [
    { name: 'origin', seed: true, upload: 1_000_000 },
    { name: 'leecher', count: 3, upload: 300_000 },
  ],
};

function configOf(scenario: unknown): SimConfig {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error(formatScenarioErrors(parsed.errors));
  return parsed.config;
}

/** A fresh run of the scenario in Node, stopped at t µs. */
function nodeRunAt(scenario: unknown, t: number): Sim {
  const sim = new Sim(configOf(scenario), { checkpointEvery: 0 });
  sim.runUntil(t);
  return sim;
}

/** What the panel should show for each data-figure key, from a report computed in Node. */
function expectedFigures(r: SubjectReport): Record<string, unknown> {
  const shares = largestCompleteCopyShares(r);
  return {
    'advertised.bitfields': r.advertised.bitfields,
    'advertised.haves': r.advertised.haves,
    'advertised.peersInformed': r.advertised.peersInformed,
    'advertised.firstAt': r.advertised.firstAt,
    'advertised.unchokedPeers': r.advertised.unchokedIntervals.length,
    'uploaded.bytes': r.uploaded.bytes,
    'uploaded.blocks': r.uploaded.blocks,
    'uploaded.recipients': r.uploaded.recipients,
    'uploaded.wholePieces': r.uploaded.wholePieces,
    'uploaded.bytesWhileDownloading': r.uploaded.bytesWhileDownloading,
    'uploaded.bytesAfterComplete': r.uploaded.bytesAfterComplete,
    'uploaded.lostBytes': r.uploaded.lostBytes,
    completedThirdParties: r.completedThirdParties,
    completeCopyFromSubjectAlone: r.completeCopyFromSubjectAlone,
    contributedToCompleteCopy: r.contributedToCompleteCopy,
    largestDirectShare: shares.direct,
    largestDownstreamShare: shares.downstream,
    downloadedBytes: r.downloadedBytes,
    ratio: r.ratio,
  };
}

let app: App;
let page: Page;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
});

afterAll(async () => {
  await app?.close();
});

const command = (id: string, arg?: unknown): Promise<boolean> => runCommand(page, id, arg);

async function clock(): Promise<number> {
  return page.evaluate(() => window.__swarmscope.state().time);
}

/** Wait until the evidence panel has read the whole run up to the clock, then read its figures. */
async function evidenceFigures(): Promise<{ asOf: number; figures: Record<string, unknown>; recipients: unknown[][] }> {
  const time = await clock();
  await page.waitForFunction(
    (seconds) => {
      const p = document.querySelector<HTMLElement>('#evidence-as-of');
      return p?.dataset.upToDate === 'true' && Number(p.dataset.asOf) === seconds;
    },
    time / 1e6,
  );
  return page.evaluate(() => {
    const figures: Record<string, unknown> = {};
    for (const dd of document.querySelectorAll<HTMLElement>('#panel-evidence [data-figure]')) figures[dd.dataset.figure!] = JSON.parse(dd.dataset.value!);
    const recipients = [...document.querySelectorAll('#evidence-recipients tbody tr')].map((tr) =>
      [...tr.querySelectorAll<HTMLElement>('td')].map((td) => JSON.parse(td.dataset.value!) as unknown),
    );
    return { asOf: Number(document.querySelector<HTMLElement>('#evidence-as-of')!.dataset.asOf), figures, recipients };
  });
}

async function expectEvidenceMatchesNode(): Promise<SubjectReport> {
  const t = await clock();
  const shown = await evidenceFigures();
  const report = subjectReport(nodeRunAt(flashCrowd, t))!;
  expect(shown.asOf).toBe(report.asOf);
  expect(shown.figures).toEqual(expectedFigures(report));
  const columns = ['name', 'bytes', 'blocks', 'wholePieces', 'verifiedPieces', 'firstAt', 'lastAt', 'completed', 'directShare', 'downstreamShare'] as const;
  expect(shown.recipients).toEqual(report.recipients.map((r) => columns.map((c) => r[c])));
  return report;
}

describe('the evidence panel', () => {
  it('after playing, shows the figures Node computes for the same scenario at the same time', async () => {
    await command('showPanel', 'evidence');
    await command('setSpeed', 50);
    await command('play');
    await page.waitForFunction(() => window.__swarmscope.state().time > 15e6);
    await command('pause');
    const report = await expectEvidenceMatchesNode();
    // Fifteen seconds into the flash crowd the subject has verified pieces and announced them: the check is not vacuous.
    expect(report.advertised.haves).toBeGreaterThan(0);
  });

  it('after a seek forward and a seek back, still agrees with Node', async () => {
    await command('seek', 45_000_000);
    const ahead = await expectEvidenceMatchesNode();
    expect(ahead.uploaded.bytes).toBeGreaterThan(0);
    expect(ahead.recipients.length).toBeGreaterThan(1);
    await command('seek', 20_500_000);
    const back = await expectEvidenceMatchesNode();
    expect(back.uploaded.bytes).toBeLessThan(ahead.uploaded.bytes);
  });

  it('at the end of the run, agrees with Node and reports complete copies', async () => {
    await command('seekEnd');
    const report = await expectEvidenceMatchesNode();
    expect(report.completedThirdParties).toBeGreaterThan(0);
  });
});

describe('the charts panel', () => {
  it('draws each chart, and its summaries carry the series Node computes at the same time', async () => {
    await command('seek', 30_000_000);
    await command('showPanel', 'charts');
    const t = await clock();
    await page.waitForFunction((at) => document.querySelector<HTMLElement>('#panel-charts')?.dataset.asOf === String(at), t);
    const drawn = await page.evaluate(() =>
      [...document.querySelectorAll<HTMLCanvasElement>('#panel-charts canvas')].map((canvas) => {
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let painted = 0;
        for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++;
        return { id: canvas.parentElement!.id, painted, total: data.length / 4 };
      }),
    );
    expect(drawn.map((d) => d.id)).toEqual(['chart-availability', 'chart-completed', 'chart-subject']);
    for (const d of drawn) {
      expect(d.total, d.id).toBeGreaterThan(10_000);
      // Axes and labels alone paint a little; bars and lines paint more.
      expect(d.painted / d.total, d.id).toBeGreaterThan(0.03);
    }

    const sim = nodeRunAt(flashCrowd, t);
    const series = createSeries(sim.config, sim.geometry);
    advanceSeries(series, sim.trace);
    const stats = availabilityStats(series);
    const data = await page.evaluate(() =>
      Object.fromEntries([...document.querySelectorAll<HTMLElement>('#panel-charts .chart-summary')].map((p) => [p.id, { ...p.dataset, text: p.textContent }])),
    );
    expect(data['chart-availability-summary']).toMatchObject({ min: String(stats.min), max: String(stats.max), present: String(series.present) });
    expect(data['chart-completed-summary']).toMatchObject({ completed: String(lastValue(series.completed)) });
    expect(data['chart-subject-summary']).toMatchObject({ sent: String(lastValue(series.sent)), advertised: String(lastValue(series.advertised)) });
    expect(lastValue(series.sent)).toBeGreaterThan(0);
    expect(data['chart-subject-summary']!.text).toContain('“subject”');
  });

  it('redraws in the light theme with the light theme colours', async () => {
    const accentPixels = async (): Promise<{ dark: number; light: number }> =>
      page.evaluate(() => {
        const canvas = document.querySelector<HTMLCanvasElement>('#chart-availability canvas')!;
        const data = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        const near = (i: number, rgb: number[]) => rgb.every((v, k) => Math.abs(data[i + k]! - v) <= 6) && data[i + 3]! > 200;
        let dark = 0;
        let light = 0;
        for (let i = 0; i < data.length; i += 4) {
          if (near(i, [0x58, 0xa6, 0xff])) dark++;
          if (near(i, [0x09, 0x69, 0xda])) light++;
        }
        return { dark, light };
      });
    // The page may start in either theme (it can follow the system's): set dark first.
    await command('setTheme', 'dark');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'dark');
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const before = await accentPixels();
    expect(before.dark).toBeGreaterThan(100);
    await command('setTheme', 'light');
    await page.waitForFunction(() => document.documentElement.dataset.theme === 'light');
    await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
    const after = await accentPixels();
    expect(after.light).toBeGreaterThan(100);
    expect(after.dark).toBe(0);
  });
});

describe('the printable report', () => {
  it('opens in a new tab with the traceHash of the run so far, which a run stopped there (--until) reproduces', async () => {
    await command('seek', 25_000_000);
    await command('showPanel', 'evidence');
    await evidenceFigures();
    const [popup] = await Promise.all([app.context.waitForEvent('page'), page.click('#printable-report')]);
    await popup.waitForLoadState();
    expect(popup.url()).toMatch(/^blob:/);
    const text = (await popup.locator('body').textContent()) ?? '';
    const config = configOf(flashCrowd);
    const untilRun = new Sim({ ...config, stopAt: 25_000_000 }, { checkpointEvery: 0 });
    untilRun.run();
    expect(text).toContain(untilRun.traceHash());
    expect(text).toContain(createHash('sha256').update(flashCrowdText).digest('hex'));
    expect(text).toContain(`--seed ${config.seed} --until 25`);
    expect(text).toContain(version);
    expect(text).toContain('as of 25 s of simulated time, where the run was stopped');
    // The same figures as the CLI's report of that run.
    expect(text).toContain(`${subjectReport(untilRun)!.uploaded.bytes.toLocaleString('en-US')} bytes`);
    await popup.close();
  });

  it('stepped into the middle of an instant, reports the whole instant, as --until does', async () => {
    // Find in Node how many steps after 12 s leave events pending at the clock's time.
    const stepped = nodeRunAt(flashCrowd, 12_000_000);
    let steps = 0;
    do {
      stepped.step();
      steps++;
    } while (stepped.nextEventTime !== stepped.now);
    await command('showPanel', 'evidence');
    await command('seek', 12_000_000);
    for (let i = 0; i < steps; i++) await command('stepForward');
    expect(await clock()).toBe(stepped.now);
    await expect.poll(() => page.locator('#panel-evidence .evidence-note').allTextContents()).toContainEqual(expect.stringContaining('inside the instant'));
    const [popup] = await Promise.all([app.context.waitForEvent('page'), page.click('#printable-report')]);
    await popup.waitForLoadState();
    const untilRun = new Sim({ ...configOf(flashCrowd), stopAt: stepped.now }, { checkpointEvery: 0 });
    untilRun.run();
    expect(untilRun.traceHash()).not.toBe(stepped.traceHash());
    const text = (await popup.locator('body').textContent()) ?? '';
    expect(text).toContain(untilRun.traceHash());
    expect(text).not.toContain(stepped.traceHash());
    await popup.close();
  });
});

describe('a scenario without a subject', () => {
  it('says so in the evidence and charts panels, and offers no report', async () => {
    await page.evaluate((json) => window.__swarmscope.load(json), noSubject);
    await command('seek', 5_000_000);
    await command('showPanel', 'evidence');
    await page.waitForSelector('#evidence-none:not([hidden])');
    expect(await page.locator('#evidence-none').textContent()).toContain('no subject peer');
    expect(await page.locator('#panel-evidence .evidence-body').isHidden()).toBe(true);
    expect(await command('printableReport')).toBe(false);
    await command('showPanel', 'charts');
    await page.waitForFunction(() => document.querySelector('#chart-subject-summary')?.textContent?.includes('no subject peer'));
    expect(await page.locator('#chart-subject canvas').isHidden()).toBe(true);
  });
});

describe('hostile names', () => {
  it('stay text in the evidence panel and in the printable report', async () => {
    const name = '<img src=x onerror="window.__injected = true">';
    const hostile = {
      name: '<script>alert(1)</script>',
      seed: 1,
      torrent: { pieceLength: 262144, pieces: 8 },
      peers: [{ name: 'origin', seed: true, upload: 1_000_000 }, { name, subject: true, upload: 500_000 }, { name: 'leecher', count: 2 }],
    };
    await page.evaluate((json) => window.__swarmscope.load(json), hostile);
    await command('seek', 20_000_000);
    await command('showPanel', 'evidence');
    await page.waitForFunction((n) => document.querySelector('#evidence-as-of')?.textContent?.includes(n), name);
    expect(await page.locator('#panel-evidence img').count()).toBe(0);
    const [popup] = await Promise.all([app.context.waitForEvent('page'), page.click('#printable-report')]);
    await popup.waitForLoadState();
    expect(await popup.locator('img, script').count()).toBe(0);
    expect(await popup.locator('h1').textContent()).toContain(name);
    // Without the scenario's bytes, the report says the hash is unknown rather than inventing one.
    expect(await popup.locator('body').textContent()).toContain('unknown (the scenario was given as parsed JSON');
    expect(await page.evaluate(() => (window as { __injected?: boolean }).__injected)).toBeUndefined();
    await popup.close();
  });
});
