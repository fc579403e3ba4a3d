// Narration follows the playhead: whenever the run moves (playing, stepping, seeking either way, a
// link's time), the caption becomes the latest step at or before the new position, with the pieces
// it highlights. The rest of what a step says (select a peer, colouring, pause) happens when playing
// reaches it, or when the tour goes to it: scrubbing past a step must not take the user's selection
// away. Playing into a `pause` step goes back to the exact moment it fired (a frame at high speed
// may have run past it) and pauses there.
import { run, type AppContext } from './commands';
import { positionOf, tourOf, type Position } from './tour';

const same = (a: Position | null, b: Position): boolean => a !== null && a.time === b.time && a.traceLength === b.traceLength;

export interface NarrationFollower {
  /** Advance the run by a frame (replaces session.advance in the frame loop) and stop at a pause step. */
  advance(deltaMs: number, budgetMs?: number): void;
  stop(): void;
}

export function followNarration(ctx: AppContext): NarrationFollower {
  const { session, store } = ctx;

  const update = (): void => {
    const sim = session.sim;
    const tour = tourOf(session);
    if (tour === null || sim === null) {
      // A run without narration: nothing left on screen from the previous one.
      if (store.getState().narrationStep !== null) run(ctx, 'showNarrationStep', { step: null });
      return;
    }
    if (tour.busy) return;
    const at = positionOf(sim);
    if (same(tour.shownAt, at)) return;
    tour.follow(sim);
    const step = tour.current(at);
    // Remember first: the command below updates the store, which calls this again.
    tour.shownAt = at;
    if (step === tour.shown) return;
    tour.shown = step;
    run(ctx, 'showNarrationStep', { step, apply: playing });
  };
  /** True while a frame of playback moves the run: the steps it reaches apply in full. */
  let playing = false;

  const unsubscribe = store.subscribe(update);
  update();

  return {
    advance(deltaMs, budgetMs) {
      const sim = session.sim;
      const tour = tourOf(session);
      if (tour === null || sim === null) {
        session.advance(deltaMs, budgetMs);
        return;
      }
      const from = positionOf(sim);
      tour.busy = true;
      try {
        // Frames alone move a narrated run (no catching up in idle time between them): a pause step
        // is looked for between where a frame started and where it ended.
        session.advance(deltaMs, budgetMs, false);
      } finally {
        tour.busy = false;
      }
      tour.follow(sim);
      const stop = tour.firstPauseBetween(from, positionOf(sim));
      if (stop !== null) {
        run(ctx, 'goToStep', stop);
        return;
      }
      playing = true;
      try {
        update();
      } finally {
        playing = false;
      }
    },
    stop: unsubscribe,
  };
}
