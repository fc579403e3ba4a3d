// The JS budget of one frame (issue 5: under 8 ms at the 95th percentile, 300 peers at 100×) and
// the engine's share of it. The frame's other JS comes first or is foreseeable: the panels redraw before
// the scene's tick (their animation-frame callbacks), the store's subscribers run after the engine
// moves, and the scene draws last. So the engine gets what is left once the UI work already done this
// frame and what the subscribers and the scene are expected to take are set aside. The expectation
// is the second slowest of the last few frames of the same kind (one garbage collection or one moment
// the machine was busy elsewhere does not count): a frame that redraws the links (tens of thousands
// of connection ends in a big swarm) costs the scene several times a frame that does not. Leaving the
// engine less time only slows the clock, never changes the run (session.ts).

/**
 * JS a frame plans for, ms: 2 ms under the 8 ms that frames must keep to at the 95th percentile,
 * for what cannot be foreseen (the engine's last few events past its deadline, a busy machine).
 */
export const FRAME_BUDGET_MS = 6;
/** However busy the rest of the frame, the engine gets this much, so that a busy page still plays. */
export const MIN_UPDATE_MS = 1;
/** Frames of each kind the expectation looks back over. */
const WINDOW = 5;

/** The second largest of the last WINDOW values: near the top, but not one outlier. */
class RecentPeak {
  private readonly values = new Float64Array(WINDOW);
  private next = 0;

  add(value: number): void {
    this.values[this.next] = value;
    this.next = (this.next + 1) % WINDOW;
  }

  get peak(): number {
    let first = 0;
    let second = 0;
    for (const v of this.values) {
      if (v > first) {
        second = first;
        first = v;
      } else if (v > second) second = v;
    }
    return second;
  }
}

export class FrameBudget {
  private readonly plain = new RecentPeak();
  private readonly links = new RecentPeak();
  private readonly subscribers = new RecentPeak();

  /** ms the engine may take in a frame that redraws the links or not, after `doneMs` of UI work already. */
  forEngine(redrawsLinks: boolean, doneMs: number): number {
    const expected = (redrawsLinks ? this.links : this.plain).peak + this.subscribers.peak;
    return Math.max(MIN_UPDATE_MS, FRAME_BUDGET_MS - doneMs - expected);
  }

  /** What a frame took besides the engine: the store's subscribers during its update, and the scene. */
  record(redrawsLinks: boolean, subscribersMs: number, sceneMs: number): void {
    (redrawsLinks ? this.links : this.plain).add(sceneMs);
    this.subscribers.add(subscribersMs);
  }
}
