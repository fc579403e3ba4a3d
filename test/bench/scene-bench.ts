// npx tsx test/bench/scene-bench.ts: the scene's share of a frame (src/render/), apart from the engine's
// and apart from the frame rate. The app bench (app-bench.ts) plays at 100×, so how much simulated time
// a frame covers, and so how much the scene redraws, depends on the engine's budget and on how fast
// SwiftShader and a shared machine let frames come. Here the run is paused and, for each frame, moved
// forward by a fixed step of simulated time (a seek) and then drawn with scene.frameNow(), which times
// the scene's update and Pixi's render apart. 300 peers (test/bench/scenarios/swarm-300.json) from
// 80 s, when ~2,000 blocks are in flight; the first frame after the load is reported on its own.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, root } from '../e2e/browser';
import { quantile } from './quantile';

const FRAMES = Number(process.env.SCENE_FRAMES ?? 300);
/** Simulated ms per frame: ~50 is what a 4–5 ms engine budget covers at this size; 500 is a stress case. */
const STEPS_MS = (process.env.SCENE_STEPS_MS ?? '50,500').split(',').map(Number);

const app = await openApp();
try {
  const { page } = app;
  const json: unknown = JSON.parse(readFileSync(join(root, 'test/bench/scenarios/swarm-300.json'), 'utf8'));
  for (const stepMs of STEPS_MS) {
    const loaded = await page.evaluate((j) => window.__swarmscope.load(j), json);
    if (!loaded.ok) throw new Error(loaded.error);
    const s = await page.evaluate(
      ({ frames, stepUs }) => {
        const hooks = window.__swarmscope;
        hooks.command('pause');
        hooks.command('setTheme', 'dark');
        hooks.command('seek', 80e6);
        const scene = hooks.scene()!;
        const first = scene.frameNow();
        const before = scene.stats().sceneMs.length;
        for (let i = 0; i < frames; i++) {
          hooks.command('seek', hooks.engine()!.now + stepUs);
          scene.frameNow();
        }
        const st = scene.stats();
        const n = Math.min(frames, st.sceneMs.length - before);
        return { ...st, first, sceneMs: st.sceneMs.slice(-n), renderMs: st.renderMs.slice(-n) };
      },
      { frames: FRAMES, stepUs: stepMs * 1000 },
    );
    const f = (x: number) => x.toFixed(2);
    const { sceneMs, renderMs } = s;
    console.log(
      `${stepMs} ms sim/frame, ${sceneMs.length} frames: scene p50 / p95 / max ${f(quantile(sceneMs, 0.5))} / ${f(quantile(sceneMs, 0.95))} / ${f(Math.max(...sceneMs))} ms; ` +
        `render p50 / p95 ${f(quantile(renderMs, 0.5))} / ${f(quantile(renderMs, 0.95))} ms; first frame (scene + render) ${f(s.first)} ms; ` +
        `blocks ${s.blocksInFlight}, links ${s.links}, ring segments ${s.ringSegments}, pulses ${s.pulses}, labels ${s.labels}`,
    );
  }
} finally {
  await app.close();
}
