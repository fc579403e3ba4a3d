import { describe, expect, it, vi } from 'vitest';
import { narrationFirings, type Firing } from '../../src/analysis/narration';
import { run } from '../../src/app/commands';
import { followNarration } from '../../src/app/narration-follow';
import { currentStep, positionOf, tourOf } from '../../src/app/tour';
import { Sim } from '../../src/engine/sim';
import { parseScenario, resolveNarration } from '../../src/scenario';
import { makeContext, smallSwarm } from './context';

/** The small swarm with a tour: time steps and event steps, a pause, a selection, a highlight. */
export const narrated = {
  ...smallSwarm,
  narration: [
    { at: 0, title: 'One seed', text: 'The origin has every piece.' },
    { when: { event: 'first-upload', peer: 'subject' }, text: 'The subject sends its first block.', select: 'subject', pause: true },
    { at: 5, text: 'Five seconds in.', highlight: [0, 1], colouring: 'source' },
    { when: { event: 'complete', peer: 'leecher' }, text: 'A leecher has every piece.', select: 'leecher-2' },
  ],
};

/** When each step fires in the whole run, as the CLI and the analysis tests compute it. */
function firingsInNode(scenario: unknown): (Firing | null)[] {
  const parsed = parseScenario(scenario);
  if (!parsed.ok) throw new Error('bad scenario');
  const sim = new Sim(parsed.config, { checkpointEvery: 0 });
  sim.run();
  return narrationFirings(sim.trace, parsed.config, resolveNarration(parsed.scenario).map((s) => s.trigger), sim.now);
}

const f = (time: number, after: number): Firing => ({ time, record: null, after });

describe('which step is on screen', () => {
  it('is none before the first step fires', () => {
    expect(currentStep([f(10, 3)], { time: 9, traceLength: 100 })).toBeNull();
    expect(currentStep([f(10, 3)], { time: 10, traceLength: 2 })).toBeNull();
    expect(currentStep([null], { time: 99, traceLength: 99 })).toBeNull();
  });

  it('is the last to fire of those fired by the position, whatever their order in the file', () => {
    const firings = [f(30, 40), f(10, 5), null, f(20, 12)];
    expect(currentStep(firings, { time: 10, traceLength: 5 })).toBe(1);
    expect(currentStep(firings, { time: 25, traceLength: 20 })).toBe(3);
    expect(currentStep(firings, { time: 30, traceLength: 40 })).toBe(0);
  });

  it('puts a time step before an event step at the same time that fires after it, and ties in file order', () => {
    expect(currentStep([f(10, 6), f(10, 5)], { time: 10, traceLength: 6 })).toBe(0);
    expect(currentStep([f(10, 5), f(10, 5)], { time: 10, traceLength: 6 })).toBe(1);
  });
});

describe('the tour of a run', () => {
  it('finds, while the run plays in slices, the firings the whole run has', () => {
    const ctx = makeContext(narrated);
    const tour = tourOf(ctx.session)!;
    const sim = ctx.session.sim!;
    while (!sim.done) {
      ctx.session.seek(sim.now + 700_000);
      tour.follow(sim);
    }
    expect(tour.firings).toEqual(firingsInNode(narrated));
    expect(tour.firings.every((x) => x !== null)).toBe(true);
  });

  it('is null for a scenario without narration', () => {
    expect(tourOf(makeContext(smallSwarm).session)).toBeNull();
  });

  it('next and previous go through the steps in firing order, each exactly where it fires', () => {
    const ctx = makeContext(narrated);
    followNarration(ctx);
    const expected = firingsInNode(narrated);
    const order = expected.map((x, step) => ({ step, x: x! })).sort((a, b) => a.x.time - b.x.time || a.x.after - b.x.after);
    expect(ctx.store.getState().narrationStep).toBe(order[0]!.step);
    for (const { step, x } of order.slice(1)) {
      expect(run(ctx, 'nextStep')).toBe(true);
      const sim = ctx.session.sim!;
      expect(ctx.store.getState().narrationStep).toBe(step);
      expect(sim.now).toBe(x.time);
      expect(sim.trace.length).toBeGreaterThanOrEqual(x.after);
    }
    expect(run(ctx, 'nextStep')).toBe(false);
    for (const { step, x } of order.slice(0, -1).reverse()) {
      expect(run(ctx, 'previousStep')).toBe(true);
      expect(ctx.store.getState().narrationStep).toBe(step);
      expect(ctx.session.sim!.now).toBe(x.time);
    }
    expect(run(ctx, 'previousStep')).toBe(false);
  });

  it('applies what a step says through the commands: selection, highlight, colouring, pause', () => {
    const ctx = makeContext(narrated);
    followNarration(ctx);
    run(ctx, 'play');
    run(ctx, 'goToStep', 1);
    let s = ctx.store.getState();
    expect(s.playing).toBe(false);
    expect(s.selectedPeer).toBe(1);
    run(ctx, 'goToStep', 2);
    s = ctx.store.getState();
    expect(s.highlightedPieces).toEqual([0, 1]);
    expect(s.colouring).toBe('source');
    run(ctx, 'goToStep', 3);
    s = ctx.store.getState();
    expect(s.selectedPeer).toBe(3);
    expect(s.highlightedPieces).toEqual([]);
  });

  it('after a seek either way shows the latest step at or before the position, without pausing', () => {
    const ctx = makeContext(narrated);
    followNarration(ctx);
    const firings = firingsInNode(narrated);
    const end = Math.max(...firings.map((x) => x!.time));
    run(ctx, 'play');
    run(ctx, 'seek', end);
    expect(ctx.store.getState().narrationStep).toBe(currentStep(firings, positionOf(ctx.session.sim!)));
    expect(ctx.store.getState().playing).toBe(true);
    run(ctx, 'seek', 5_000_000);
    expect(ctx.store.getState().narrationStep).toBe(currentStep(firings, positionOf(ctx.session.sim!)));
    run(ctx, 'seek', 0);
    expect(ctx.store.getState().narrationStep).toBe(0);
  });

  it('scrubbing past a step shows its caption and highlight but keeps the user’s selection and colouring', () => {
    const ctx = makeContext(narrated);
    followNarration(ctx);
    run(ctx, 'selectPeer', 4);
    run(ctx, 'seek', firingsInNode(narrated)[2]!.time);
    const s = ctx.store.getState();
    expect(s.narrationStep).toBe(2);
    expect(s.highlightedPieces).toEqual([0, 1]);
    expect(s.selectedPeer).toBe(4);
    expect(s.colouring).toBe('piece');
  });

  it('playing forward stops at a pause step, at the moment it fires', () => {
    const ctx = makeContext(narrated);
    const follower = followNarration(ctx);
    const pauseAt = firingsInNode(narrated)[1]!;
    run(ctx, 'setSpeed', 1000);
    run(ctx, 'play');
    for (let frame = 0; frame < 1000 && ctx.store.getState().playing; frame++) follower.advance(16);
    const s = ctx.store.getState();
    expect(s.playing).toBe(false);
    expect(s.narrationStep).toBe(1);
    expect(ctx.session.sim!.now).toBe(pauseAt.time);
    // Playing on from the pause does not stop at the same step again.
    run(ctx, 'setSpeed', 1);
    run(ctx, 'play');
    follower.advance(16);
    expect(ctx.store.getState().playing).toBe(true);
    expect(ctx.session.sim!.now).toBeGreaterThan(pauseAt.time);
  });

  // At 100× one frame's target (1.6 s) is past the pause step and short of the end: the next frame
  // finds the step. At 1000× idle time runs to the end, and the store's news of it finds the step.
  it.each([100, 1000])('stops at a pause step that idle time between frames ran past, at the moment it fires (%i×)', (speed) => {
    const idle: IdleRequestCallback[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: IdleRequestCallback) => idle.push(callback));
    try {
      const ctx = makeContext(narrated);
      const follower = followNarration(ctx);
      const pauseAt = firingsInNode(narrated)[1]!;
      run(ctx, 'setSpeed', speed);
      run(ctx, 'play');
      const seek = vi.spyOn(ctx.session, 'seek');
      let frames = 0;
      for (; frames < 1000 && ctx.store.getState().playing; frames++) {
        // Frames with next to no engine time (an event or two each): idle time does the running.
        follower.advance(16, 0.001);
        while (idle.length > 0) idle.shift()!({ didTimeout: false, timeRemaining: () => 50 });
      }
      const straight = new Sim(ctx.session.sim!.config, { checkpointEvery: 0 });
      straight.runUntil(pauseAt.time);
      expect(frames * 2).toBeLessThan(straight.eventCount);
      // Idle time ran past the step, and the run went back to it.
      expect(seek).toHaveBeenCalledWith(pauseAt.time);
      const s = ctx.store.getState();
      expect(s.playing).toBe(false);
      expect(s.narrationStep).toBe(1);
      expect(ctx.session.sim!.now).toBe(pauseAt.time);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('a new run without narration clears the caption and the highlight', () => {
    const ctx = makeContext(narrated);
    followNarration(ctx);
    run(ctx, 'goToStep', 2);
    run(ctx, 'loadScenario', { json: smallSwarm, id: null });
    expect(ctx.store.getState().narrationStep).toBeNull();
    expect(ctx.store.getState().highlightedPieces).toEqual([]);
  });
});

describe('presenter mode', () => {
  it('toggles with its command', () => {
    const ctx = makeContext();
    run(ctx, 'togglePresenter');
    expect(ctx.store.getState().presenter).toBe(true);
    run(ctx, 'togglePresenter');
    expect(ctx.store.getState().presenter).toBe(false);
  });
});
