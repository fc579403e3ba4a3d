// Frame timings kept for the benchmark (test/bench/app-bench.ts) and the browser tests: how long the
// engine's advance, the scene's update and Pixi's render took in the last frames, and what was drawn.
const KEEP = 1200;

export interface SceneStats {
  /** ms per frame, oldest first, for the frames drawn with a run loaded. */
  advanceMs: number[];
  sceneMs: number[];
  renderMs: number[];
  /** How long PixiJS took to start (WebGL context, renderer), ms. */
  initMs: number;
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

export class FrameStats {
  private readonly advance = new Float64Array(KEEP);
  private readonly scene = new Float64Array(KEEP);
  private readonly render = new Float64Array(KEEP);
  private count = 0;
  private firstFrameAt: number | null = null;
  initMs = 0;
  private last = { peers: 0, blocksInFlight: 0, links: 0, pulses: 0, ringSegments: 0 };

  drew(peers: number, blocksInFlight: number, links: number, pulses: number, ringSegments: number, wall: number): void {
    this.last = { peers, blocksInFlight, links, pulses, ringSegments };
    this.firstFrameAt ??= wall;
  }

  frame(advanceMs: number, sceneMs: number, renderMs: number, loaded: boolean): void {
    if (!loaded) return;
    const at = this.count++ % KEEP;
    this.advance[at] = advanceMs;
    this.scene[at] = sceneMs;
    this.render[at] = renderMs;
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
      sceneMs: this.series(this.scene),
      renderMs: this.series(this.render),
      initMs: this.initMs,
      firstFrameAt: this.firstFrameAt,
      ...this.last,
      labels,
      scale,
    };
  }
}
