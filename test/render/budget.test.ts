// A frame's JS budget: the engine gets what the UI and the scene are expected to leave of it.
import { describe, expect, it } from 'vitest';
import { FRAME_BUDGET_MS, FRAME_TARGET_MS, FrameBudget, MIN_UPDATE_MS, SURPRISES, TARGET_MARGIN_MS } from '../../src/render/budget';

describe('the engine share of a frame', () => {
  it('is the whole budget before anything else has been measured', () => {
    expect(new FrameBudget().forEngine(false, 0)).toBe(FRAME_BUDGET_MS);
  });

  it('leaves room for the UI work already done this frame, the subscribers and the scene', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < 2; i++) budget.record(false, 0.5, 1);
    expect(budget.forEngine(false, 2)).toBeCloseTo(FRAME_BUDGET_MS - 2 - 0.5 - 1);
  });

  it('expects a frame that redraws the links to cost what the last such frames did', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < 2; i++) {
      budget.record(true, 0, 4);
      budget.record(false, 0, 1);
    }
    expect(budget.forEngine(true, 0)).toBeCloseTo(FRAME_BUDGET_MS - 4);
    expect(budget.forEngine(false, 0)).toBeCloseTo(FRAME_BUDGET_MS - 1);
  });

  it('takes no notice of one slow frame, and forgets slow frames once a few more of their kind have come', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < 4; i++) budget.record(false, 0, 1);
    budget.record(false, 0, 30);
    expect(budget.forEngine(false, 0)).toBeCloseTo(FRAME_BUDGET_MS - 1);
    budget.record(false, 0, 4);
    expect(budget.forEngine(false, 0)).toBeCloseTo(FRAME_BUDGET_MS - 4);
    for (let i = 0; i < 5; i++) budget.record(false, 0, 1);
    expect(budget.forEngine(false, 0)).toBeCloseTo(FRAME_BUDGET_MS - 1);
  });

  it('never starves the engine, however busy the rest of the frame', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < 2; i++) budget.record(false, 3, 20);
    expect(budget.forEngine(false, 10)).toBe(MIN_UPDATE_MS);
  });
});

describe('the JS a frame plans for', () => {
  /** A frame in which the engine ran: the scene took `sceneMs` and the engine `over` ms past its share. */
  function frame(budget: FrameBudget, sceneMs: number, over: number): void {
    const given = budget.forEngine(false, 0);
    budget.record(false, 0, sceneMs, given + over);
  }

  it('is FRAME_BUDGET_MS on a machine where frames take what they planned', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < SURPRISES; i++) frame(budget, 1, 0);
    expect(budget.planMs).toBe(FRAME_BUDGET_MS);
  });

  it('shrinks so that the plan plus the 95th percentile of recent overruns stays under the target', () => {
    const budget = new FrameBudget();
    // One frame in ten is 4 ms late (the thread was descheduled), more than one in twenty.
    for (let i = 0; i < SURPRISES; i++) frame(budget, 1, i % 10 === 0 ? 4 : 0);
    expect(budget.planMs).toBeCloseTo(FRAME_TARGET_MS - TARGET_MARGIN_MS - 4);
    expect(budget.forEngine(false, 0)).toBeCloseTo(FRAME_TARGET_MS - TARGET_MARGIN_MS - 4 - 1);
  });

  it('does not shrink for overruns rarer than one frame in twenty', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < SURPRISES; i++) frame(budget, 1, i % 40 === 0 ? 6 : 0);
    expect(budget.planMs).toBe(FRAME_BUDGET_MS);
  });

  it('counts a scene slower than expected as an overrun too', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < 4; i++) frame(budget, 1, 0);
    for (let i = 0; i < SURPRISES; i++) frame(budget, i % 2 === 0 ? 1 : 5, 0);
    // Expected: the second slowest of the last five scenes, 5 ms; half the frames then take 4 ms less,
    // the others what was expected: no overrun to plan for.
    expect(budget.planMs).toBe(FRAME_BUDGET_MS);
    const late = new FrameBudget();
    for (let i = 0; i < SURPRISES; i++) frame(late, i % 5 === 0 ? 5 : 1, 0);
    // One scene in five takes 4 ms more than the 1 ms expected of it.
    expect(late.planMs).toBeCloseTo(FRAME_TARGET_MS - TARGET_MARGIN_MS - 4);
  });

  it('learns nothing from frames in which the engine did not run, and forgets overruns once they are SURPRISES frames old', () => {
    const budget = new FrameBudget();
    for (let i = 0; i < SURPRISES; i++) frame(budget, 1, 3);
    const shrunk = budget.planMs;
    expect(shrunk).toBeCloseTo(FRAME_TARGET_MS - TARGET_MARGIN_MS - 3);
    for (let i = 0; i < 2 * SURPRISES; i++) budget.record(false, 0, 1);
    expect(budget.planMs).toBe(shrunk);
    for (let i = 0; i < SURPRISES; i++) frame(budget, 1, 0);
    expect(budget.planMs).toBe(FRAME_BUDGET_MS);
  });
});
