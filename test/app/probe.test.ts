// The end-time probe (src/app/probe.ts) gives way to playback: while the app plays it rests between
// its slices, and while the app is still it runs them back to back. In Node there is no Worker, so
// this is the session's main-thread probe, which keeps the same pace as the worker.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/app/commands';
import { PROBE_REST_MS } from '../../src/app/probe';
import { Sim } from '../../src/engine/sim';
// Long enough that its probe needs many slices.
import { busySwarm, makeContext } from './context';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('the end-time probe', () => {
  it('rests PROBE_REST_MS after each slice while the app plays, and runs its slices back to back while it is still', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const steps = vi.spyOn(Sim.prototype, 'step');
    const ctx = makeContext(busySwarm);
    // Nothing advances the visible run here (no animation frames): every step is the probe's.
    run(ctx, 'play');
    vi.advanceTimersByTime(0);
    const first = steps.mock.calls.length;
    expect(first).toBeGreaterThan(0);
    vi.advanceTimersByTime(PROBE_REST_MS - 1);
    expect(steps.mock.calls.length).toBe(first);
    vi.advanceTimersByTime(1);
    const second = steps.mock.calls.length;
    expect(second).toBeGreaterThan(first);
    // Paused: the slice already due comes after its rest, and the next ones follow at once (a timer
    // of 0 ms, which Node's timers, and so the fake ones, make 1 ms).
    run(ctx, 'pause');
    vi.advanceTimersByTime(PROBE_REST_MS);
    const third = steps.mock.calls.length;
    expect(third).toBeGreaterThan(second);
    vi.advanceTimersByTime(1);
    expect(steps.mock.calls.length).toBeGreaterThan(third);
    expect(ctx.store.getState().endTime).toBeNull();
  });
});
