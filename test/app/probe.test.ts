// The end-time probe (src/app/probe.ts) gives way to playback: while the app plays it rests between
// its slices, and while the app is still it runs them back to back. In Node there is no Worker, so
// this is the session's main-thread probe, which keeps the same pace as the worker.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/app/commands';
import { PROBE_REST_MS } from '../../src/app/probe';
import { Sim } from '../../src/engine/sim';
// Long enough that its probe needs many slices.
import { busySwarm, makeContext, smallSwarm } from './context';

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

  it('starts none while probes are held (the page starting), then one for the run loaded last', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const ctx = makeContext();
    const probed = vi.spyOn(Sim.prototype, 'step');
    ctx.session.holdProbes();
    ctx.session.load(busySwarm);
    ctx.session.load(smallSwarm);
    vi.advanceTimersByTime(1000);
    expect(probed).not.toHaveBeenCalled();
    expect(ctx.store.getState().endTime).toBeNull();
    ctx.session.releaseProbes();
    vi.advanceTimersByTime(10_000);
    // The small swarm's end, as a straight run finds it: the busy swarm was never probed.
    const straight = new Sim(ctx.session.sim!.config, { checkpointEvery: 0 });
    straight.run();
    expect(ctx.store.getState().endTime).toBe(straight.now);
    expect(probed.mock.instances.every((sim) => (sim as Sim).config.name === smallSwarm.name)).toBe(true);
    // Released, the next load is probed at once.
    ctx.session.load(busySwarm);
    vi.advanceTimersByTime(0);
    expect(probed.mock.instances.some((sim) => (sim as Sim).config.name === busySwarm.name)).toBe(true);
  });
});
