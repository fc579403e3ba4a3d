// A frame's JS budget: the engine gets what the UI and the scene are expected to leave of it.
import { describe, expect, it } from 'vitest';
import { FRAME_BUDGET_MS, FrameBudget, MIN_UPDATE_MS } from '../../src/render/budget';

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
