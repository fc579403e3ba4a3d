// Frame timings kept for the benchmark (test/bench/app-bench.ts) and the browser tests: how long the
// engine's advance, the scene's update and Pixi's render took in the last frames, how much of the
// frame's JS was the app's UI (store subscribers during the advance; panel redraws and other UI work
// since the frame before), and what was drawn.
import type { GpuProbe } from './gpu';

const KEEP = 1200;

export interface SceneStats {
  /** ms per frame, oldest first, for the frames drawn with a run loaded: the engine's advance, with the store subscribers it sets off; */
  advanceMs: number[];
  /** in that, the longest single engine event (microseconds unless the thread was descheduled or collecting); */
  longestEventMs: number[];
  /** of that, the store's subscribers; */
  subscribersMs: number[];
  /** the UI work since the frame before (panel redraws, which run in this frame before the scene's tick); */
  uiMs: number[];
  /** the scene's update, and Pixi's render. */
  sceneMs: number[];
  renderMs: number[];
  /** the JS the frame planned for (budget.ts: less than FRAME_BUDGET_MS where frames overran lately). */
  planMs: number[];
  /** How long the scene took to start: the GPU probe's answer (gpu.ts), then PixiJS (WebGL context, renderer), ms; the app builds the rest of the page meanwhile. */
  initMs: number;
  /** How the scene learnt whether WebGL is a software rasterizer (gpu.ts): the early worker or its own thread. */
  gpuProbe: GpuProbe | null;
  /** performance.now() of the first frame drawn with a run, or null. */
  firstFrameAt: number | null;
  peers: number;
  blocksInFlight: number;
  links: number;
  pulses: number;
  ringSegments: number;
  labels: number;
  /** Screen pixels per world unit. */
  scale: number;
}

/** One frame's timings, ms. */
export interface FrameTimes {
  advanceMs: number;
  longestEventMs: number;
  subscribersMs: number;
  uiMs: number;
  sceneMs: number;
  renderMs: number;
  planMs: number;
}

export class FrameStats {
  private readonly advance = new Float64Array(KEEP);
  private readonly longestEvent = new Float64Array(KEEP);
  private readonly subscribers = new Float64Array(KEEP);
  private readonly ui = new Float64Array(KEEP);
  private readonly scene = new Float64Array(KEEP);
  private readonly render = new Float64Array(KEEP);
  private readonly plan = new Float64Array(KEEP);
  private count = 0;
  private firstFrameAt: number | null = null;
  initMs = 0;
  gpuProbe: GpuProbe | null = null;
  private readonly last = { peers: 0, blocksInFlight: 0, links: 0, pulses: 0, ringSegments: 0 };

  drew(peers: number, blocksInFlight: number, links: number, pulses: number, ringSegments: number, wall: number): void {
    // Written in place: this runs every frame.
    const last = this.last;
    last.peers = peers;
    last.blocksInFlight = blocksInFlight;
    last.links = links;
    last.pulses = pulses;
    last.ringSegments = ringSegments;
    this.firstFrameAt ??= wall;
  }

  frame(t: Readonly<FrameTimes>, loaded: boolean): void {
    if (!loaded) return;
    const at = this.count++ % KEEP;
    this.advance[at] = t.advanceMs;
    this.longestEvent[at] = t.longestEventMs;
    this.subscribers[at] = t.subscribersMs;
    this.ui[at] = t.uiMs;
    this.scene[at] = t.sceneMs;
    this.render[at] = t.renderMs;
    this.plan[at] = t.planMs;
  }

  private series(a: Float64Array): number[] {
    const n = Math.min(this.count, KEEP);
    const out: number[] = [];
    for (let k = this.count - n; k < this.count; k++) out.push(a[k % KEEP]!);
    return out;
  }

  snapshot(scale: number, labels: number): SceneStats {
    return {
      advanceMs: this.series(this.advance),
      longestEventMs: this.series(this.longestEvent),
      subscribersMs: this.series(this.subscribers),
      uiMs: this.series(this.ui),
      sceneMs: this.series(this.scene),
      renderMs: this.series(this.render),
      planMs: this.series(this.plan),
      initMs: this.initMs,
      gpuProbe: this.gpuProbe,
      firstFrameAt: this.firstFrameAt,
      ...this.last,
      labels,
      scale,
    };
  }
}
