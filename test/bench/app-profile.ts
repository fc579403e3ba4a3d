// npm run -s bench:app:profile: where the browser app's frame time goes. Plays swarm-300 at 100× (as
// bench:app does) in an unminified production build, takes a CPU profile with Chrome's sampling
// profiler, and prints the slowest frames by part (UI, engine advance, scene, Pixi render), the
// functions with the most self time, and what ran in the longest stretches without an idle moment.
// With PROFILE_ALLOC=1 it samples allocations instead (collected ones included) and prints what
// allocates most: the garbage collector's pauses land in whichever frame is running. With
// PROFILE_GC=1 it records a Chrome trace instead and prints the collector's pauses by length, the
// animation frames' wall time against their thread (CPU) time, then each collection in order with
// why it ran and the heap before and after.
// Env: PROFILE_SECONDS (default 12), PROFILE_WAIT_MS before profiling (default 1500), PROFILE_OUT
// (a path to save the .cpuprofile, for Chrome DevTools' Performance panel).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession } from 'playwright-core';
import { build, preview } from 'vite';
import { launchChromium, root } from '../e2e/browser';
import { allocationsByChain, frameName, type HeapNode, type ProfileFrame } from './heap-profile';
import { quantile } from './quantile';

const SECONDS = Number(process.env.PROFILE_SECONDS ?? 12);
const WAIT_MS = Number(process.env.PROFILE_WAIT_MS ?? 1500);

interface ProfileNode {
  id: number;
  callFrame: ProfileFrame;
  children?: number[];
}

/** Bytes allocated per call chain, from a sampling heap profile. */
function reportAllocations(head: HeapNode, seconds: number): void {
  const { total, chains } = allocationsByChain(head);
  console.log(`\nallocated ${(total / 2 ** 20).toFixed(1)} MiB in ${seconds} s (sampled), by call chain, MiB`);
  for (const [k, v] of chains.slice(0, 25)) console.log((v / 2 ** 20).toFixed(2).padStart(9), k);
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  samples?: number[];
  timeDeltas?: number[];
}

function report(profile: Profile): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const name = (id: number): string => frameName(byId.get(id)!.callFrame);
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  const self = new Map<string, number>();
  // Stretches of samples without an idle one: what a long task was made of (leaf < caller < caller).
  const stretches: { ms: number; parts: Map<string, number> }[] = [];
  let stretch: { ms: number; parts: Map<string, number> } | null = null;
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? 0) / 1000;
    const leaf = name(samples[i]!);
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    if (leaf.startsWith('(idle)')) {
      if (stretch) stretches.push(stretch);
      stretch = null;
      continue;
    }
    stretch ??= { ms: 0, parts: new Map() };
    stretch.ms += ms;
    const chain: string[] = [];
    for (let id: number | undefined = samples[i]; id !== undefined && chain.length < 4; id = parent.get(id)) chain.push(name(id));
    const key = chain.join(' < ');
    stretch.parts.set(key, (stretch.parts.get(key) ?? 0) + ms);
  }
  if (stretch) stretches.push(stretch);
  console.log('\nself time, ms');
  for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, 30)) console.log(v.toFixed(1).padStart(9), k);
  console.log('\nlongest busy stretches');
  for (const s of stretches.sort((a, b) => b.ms - a.ms).slice(0, 8)) {
    console.log(`${s.ms.toFixed(1)} ms`);
    for (const [k, v] of [...s.parts].sort((a, b) => b[1] - a[1]).slice(0, 5)) console.log(v.toFixed(1).padStart(9), k);
  }
}

interface TraceEvent {
  name: string;
  ph: string;
  pid?: number;
  tid?: number;
  ts?: number;
  dur?: number;
  /** Thread time (CPU) of a complete event, µs: less than `dur` when the thread was descheduled. */
  tdur?: number;
  /** name: a thread's name, in its thread_name metadata event. */
  args?: GcArgs & { value?: GcArgs; name?: string };
}

/** What Chrome's trace says of a collection (MinorGC, MajorGC) or of the start of major marking. */
interface GcArgs {
  type?: string;
  usedHeapSizeBefore?: number;
  usedHeapSizeAfter?: number;
  gc_reason?: string;
  global_consumed_bytes?: number;
  global_allocation_limit?: number;
}

/** The collector's pauses on the page's main thread over PROFILE_SECONDS, counted by length. */
async function gcPauses(cdp: CDPSession): Promise<void> {
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => events.push(...(e.value as unknown as TraceEvent[])));
  const complete = new Promise<void>((done) => cdp.once('Tracing.tracingComplete', () => done()));
  await cdp.send('Tracing.start', { categories: 'v8,devtools.timeline', transferMode: 'ReportEvents' });
  await new Promise((done) => setTimeout(done, SECONDS * 1000));
  await cdp.send('Tracing.end');
  await complete;
  const frames = events.filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X').length;
  // Only the page's main thread: the end-time probe's worker collects its own garbage, in its own
  // isolate, and does not pause the frames (it competes for the CPU instead).
  const thread = (e: TraceEvent): string => `${e.pid}:${e.tid}`;
  const main = new Set(events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map(thread));
  const onMain = (e: TraceEvent): boolean => main.has(thread(e));
  const elsewhere = events.filter((e) => e.ph === 'X' && (e.name === 'MinorGC' || e.name === 'MajorGC') && !onMain(e)).length;
  console.log(`\ngarbage collector pauses on the page's main thread in ${SECONDS} s (${frames} animation frames): count by length, and total`);
  const limits = [1, 2, 4, 8, Infinity];
  console.log(`${''.padEnd(8)} ${limits.map((l, i) => (i === 0 ? '<1 ms' : l === Infinity ? `>=${limits[i - 1]} ms` : `<${l} ms`).padStart(8)).join('')}    total`);
  for (const name of ['MinorGC', 'MajorGC']) {
    const ms = events.filter((e) => e.name === name && e.ph === 'X' && onMain(e)).map((e) => (e.dur ?? 0) / 1000);
    const counts = limits.map((l, i) => ms.filter((x) => x < l && (i === 0 || x >= limits[i - 1]!)).length);
    console.log(`${name.padEnd(8)} ${counts.map((c) => String(c).padStart(8)).join('')} ${ms.reduce((a, b) => a + b, 0).toFixed(0).padStart(6)} ms`);
  }
  console.log(`(and ${elsewhere} collections on other threads: the probe's worker)`);
  descheduled(events.filter((e) => e.name === 'FireAnimationFrame' && e.ph === 'X' && onMain(e)));
  // Each collection with why it ran and the heap around it: a major one starts on "global allocation
  // limit" when the V8 heap and the memory outside it (typed arrays' storage, Blink's heap) together
  // pass their limit, on "task" or "idle" when the page was quiet enough to do it early.
  const t0 = events.find((e) => e.name === 'FireAnimationFrame')?.ts ?? 0;
  const mb = (bytes: number | undefined): string => (bytes === undefined ? '?' : (bytes / 1048576).toFixed(1));
  console.log('\ncollections in order (s, kind, pause ms, why, V8 heap MiB before -> after; for a marking start: all memory counted -> its limit)');
  for (const e of events.filter((e) => e.ph === 'X' && onMain(e) && /^(MinorGC|MajorGC|V8\.GCIncrementalMarkingStart)$/.test(e.name)).slice(0, 60)) {
    const args = e.args?.value ?? e.args ?? {};
    const sizes = e.name === 'V8.GCIncrementalMarkingStart' ? `${mb(args.global_consumed_bytes)} -> ${mb(args.global_allocation_limit)}` : `${mb(args.usedHeapSizeBefore)} -> ${mb(args.usedHeapSizeAfter)}`;
    const kind = e.name === 'V8.GCIncrementalMarkingStart' ? 'marking starts' : e.name;
    console.log(`  ${(((e.ts ?? 0) - t0) / 1e6).toFixed(2).padStart(6)}  ${kind.padEnd(14)} ${((e.dur ?? 0) / 1000).toFixed(1).padStart(5)}  ${String(args.type ?? args.gc_reason ?? '').padEnd(45)} ${sizes}`);
  }
}

/**
 * The animation frames' wall time against their thread time (CPU): what a frame lost to the operating
 * giving the page's thread to another process, which no change to the page's own work can win back.
 */
function descheduled(frames: TraceEvent[]): void {
  const wall = frames.map((e) => (e.dur ?? 0) / 1000);
  const cpu = frames.map((e) => (e.tdur ?? e.dur ?? 0) / 1000);
  const slow = frames.flatMap((_, i) => (wall[i]! >= 8 ? [i] : []));
  const lost = slow.filter((i) => wall[i]! - cpu[i]! >= 2).length;
  console.log(`\nanimation frames' callbacks on the main thread: ${frames.length}; wall time p95 ${quantile(wall, 0.95).toFixed(1)} ms, thread (CPU) time p95 ${quantile(cpu, 0.95).toFixed(1)} ms`);
  console.log(`  ${slow.length} took 8 ms or more of wall time; ${lost} of them were off the CPU for 2 ms or more of it`);
}

async function main(): Promise<void> {
  const outDir = mkdtempSync(join(tmpdir(), 'swarmscope-profile-'));
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  await build({ root, logLevel: 'error', build: { outDir, emptyOutDir: true, minify: false } });
  process.env.NODE_ENV = nodeEnv;
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port: 0, open: false } });
  const { port } = server.httpServer.address() as AddressInfo;
  const browser = await launchChromium();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    await page.goto(`http://127.0.0.1:${port}/`);
    await page.evaluate(() => window.__swarmscope.ready);
    const json: unknown = JSON.parse(readFileSync(join(root, 'test/bench/scenarios/swarm-300.json'), 'utf8'));
    const loaded = await page.evaluate((j) => window.__swarmscope.load(j), json);
    if (!loaded.ok) throw new Error(loaded.error);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await page.evaluate(() => {
      window.__swarmscope.command('setTheme', 'dark');
      window.__swarmscope.command('setSpeed', 100);
      window.__swarmscope.command('play');
    });
    await page.waitForTimeout(WAIT_MS);
    const alloc = process.env.PROFILE_ALLOC === '1';
    if (process.env.PROFILE_GC === '1') {
      await gcPauses(cdp);
      return;
    }
    if (alloc) {
      await cdp.send('HeapProfiler.enable');
      await cdp.send('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
    } else await cdp.send('Profiler.start');
    await page.waitForTimeout(SECONDS * 1000);
    const heap = alloc ? (await cdp.send('HeapProfiler.stopSampling')).profile : null;
    const { profile } = alloc ? { profile: null } : await cdp.send('Profiler.stop');
    const s = await page.evaluate(() => {
      window.__swarmscope.command('pause');
      return { ...window.__swarmscope.scene()!.stats(), now: window.__swarmscope.engine()!.now };
    });
    if (process.env.PROFILE_OUT && profile) writeFileSync(process.env.PROFILE_OUT, JSON.stringify(profile));
    console.log(`${s.sceneMs.length} frames drawn since the load, simulated ${(s.now / 1e6).toFixed(1)} s; profile of ${SECONDS} s from ${WAIT_MS} ms after play`);
    const frames = s.sceneMs.map((scene, i) => ({ i, ui: s.uiMs[i]!, advance: s.advanceMs[i]!, scene, render: s.renderMs[i]! }));
    console.log('\nslowest frames (ms): UI + advance + scene, then Pixi render');
    for (const f of frames.sort((a, b) => b.ui + b.advance + b.scene - (a.ui + a.advance + a.scene)).slice(0, 10)) {
      const total = f.ui + f.advance + f.scene;
      console.log(`  #${f.i}: ${total.toFixed(1)} = ui ${f.ui.toFixed(1)} + advance ${f.advance.toFixed(1)} + scene ${f.scene.toFixed(1)}; render ${f.render.toFixed(1)}`);
    }
    if (heap) reportAllocations(heap.head as HeapNode, SECONDS);
    if (profile) report(profile as Profile);
  } finally {
    await browser.close();
    await server.close();
    rmSync(outDir, { recursive: true, force: true });
  }
}

void main();
