// Narration follows the playhead: whenever the run moves (playing, stepping, seeking either way, a
// link's time), the caption becomes the latest step at or before the new position, with the pieces
// it highlights. The rest of what a step says (select a peer, colouring, pause) happens when playing
// reaches it, or when the tour goes to it: scrubbing past a step must not take the user's selection
// away. Playing into a `pause` step goes back to the exact moment it fired (a frame at high speed,
// or idle time between frames, may have run past it) and pauses there.
import { run, type AppContext } from './commands';
import type { Sim } from '../engine/sim';
import { positionOf, tourOf, type Position, type Tour } from './tour';

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
    // Idle time may have run the run on past a pause step since the last frame (and to its end, which
    // is how the store can hear of it before the next frame): stop there all the same.
    const stop = pauseSinceLastFrame(sim, tour);
    if (stop !== null) {
      run(ctx, 'goToStep', stop);
      return;
    }
    const step = tour.current(at);
    // Remember first: the command below updates the store, which calls this again.
    tour.shownAt = at;
    if (step === tour.shown) return;
    tour.shown = step;
    run(ctx, 'showNarrationStep', { step, apply: playing });
  };
  /** True while a frame of playback moves the run: the steps it reaches apply in full. */
  let playing = false;
  /** Where the last frame of playback left which run, and the session's move count then. */
  let lastFrame: { sim: Sim; moves: number; at: Position } | null = null;
  /** Where the last frame left the run, unless something else has moved it since (a seek, a step). */
  const lastFrameEnd = (sim: Sim): Position | null =>
    lastFrame !== null && lastFrame.sim === sim && lastFrame.moves === session.moves ? lastFrame.at : null;
  /** The first pause step between where the last frame left the run and where it is now. */
  const pauseSinceLastFrame = (sim: Sim, tour: Tour): number | null => {
    const from = lastFrameEnd(sim);
    return from === null ? null : tour.firstPauseBetween(from, positionOf(sim));
  };

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
      // Where the last frame left the run, unless something else moved it since: idle time may have
      // run it on (Session.catchUpLater), and a pause step it passed must still stop it.
      const from = lastFrameEnd(sim) ?? positionOf(sim);
      tour.busy = true;
      try {
        session.advance(deltaMs, budgetMs);
      } finally {
        tour.busy = false;
      }
      tour.follow(sim);
      const stop = tour.firstPauseBetween(from, positionOf(sim));
      lastFrame = { sim, moves: session.moves, at: positionOf(sim) };
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
