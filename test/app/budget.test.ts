// Playing never freezes the page: one frame's engine work is capped, and when the swarm is too busy
// for the chosen speed the clock runs slower and the store says how fast it really went.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { run } from '../../src/app/commands';
import { Sim } from '../../src/engine/sim';
import { ENGINE_BUDGET_MS, IDLE_SLICE_MS } from '../../src/app/session';
import { busySwarm, makeContext, smallSwarm } from './context';

describe('advancing by a frame', () => {
  it('reaches the asked time exactly when the engine keeps up', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'setSpeed', 1);
    run(ctx, 'play');
    // Read off a clock that moves 1 µs at each reading (once an event), so that "keeps up" does not
    // depend on this machine's pace: a cold engine under the full suite's load once took the whole
    // wall-clock budget on the events at 0 s.
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 0.001));
    ctx.session.advance(16);
    now.mockRestore();
    expect(clock).toBeLessThan(ENGINE_BUDGET_MS);
    expect(ctx.session.sim!.now).toBe(16_000);
    expect(ctx.store.getState().effectiveSpeed).toBeNull();
  });

  it('stops at the frame budget when it cannot, and reports the speed it managed', () => {
    const ctx = makeContext(busySwarm);
    run(ctx, 'setSpeed', 1000);
    run(ctx, 'play');
    ctx.session.advance(100); // asks for 100 simulated seconds
    const now = ctx.session.sim!.now;
    expect(now).toBeLessThan(100_000_000);
    const effective = ctx.store.getState().effectiveSpeed;
    expect(effective).not.toBeNull();
    expect(effective!).toBeCloseTo(now / 100_000, 5);
    // Stopping mid-frame changes nothing but the pace: a straight run of as many events has the same trace.
    const sim = ctx.session.sim!;
    const straight = new Sim(sim.config, { checkpointEvery: 0 });
    straight.seekEvent(sim.eventCount);
    expect(sim.traceHash()).toBe(straight.traceHash());
  });

  it('an advance reports its longest single engine event, within the time it took, and 0 when nothing ran', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'setSpeed', 1000);
    run(ctx, 'play');
    const t0 = performance.now();
    ctx.session.advance(16);
    const took = performance.now() - t0;
    // As many events as fit the frame's 4 ms: on a busy machine (the whole suite, a cold JIT) a
    // handful, so only that some ran is asserted.
    expect(ctx.session.sim!.eventCount).toBeGreaterThan(0);
    expect(ctx.session.longestEventMs).toBeGreaterThan(0);
    expect(ctx.session.longestEventMs).toBeLessThanOrEqual(took);
    run(ctx, 'pause');
    ctx.session.advance(16);
    expect(ctx.session.longestEventMs).toBe(0);
  });

  it('paused, the run holds every event of the microsecond its clock reads, as Node’s runUntil does, even when a frame’s budget ran out within it', () => {
    const ctx = makeContext(busySwarm);
    run(ctx, 'setSpeed', 50);
    run(ctx, 'play');
    const sim = ctx.session.sim!;
    // Tiny budgets until one runs out between two events of the same microsecond.
    for (let frame = 0; frame < 2000 && sim.nextEventTime !== sim.now; frame++) ctx.session.advance(16, 0.05);
    expect(sim.nextEventTime).toBe(sim.now);
    run(ctx, 'pause');
    expect(sim.nextEventTime!).toBeGreaterThan(sim.now);
    const straight = new Sim(sim.config, { checkpointEvery: 0 });
    straight.runUntil(sim.now);
    expect(sim.eventCount).toBe(straight.eventCount);
    expect(sim.traceHash()).toBe(straight.traceHash());
    expect(ctx.store.getState().eventCount).toBe(sim.eventCount);
  });

  it('a checkpoint that falls due while playing is taken after the frame, when the page is idle', async () => {
    // 64 pieces of 256 KiB from a 1 MB/s seed: nobody completes before 16 s, so the run is still going.
    const ctx = makeContext({ ...smallSwarm, torrent: { pieceLength: 262144, pieces: 64 } });
    run(ctx, 'setSpeed', 1000);
    run(ctx, 'play');
    const sim = ctx.session.sim!;
    const before = sim.checkpointStats.count;
    // Frames of 16 simulated seconds each (at most the engine's budget each) until past the 10 s checkpoint.
    for (let frame = 0; frame < 5000 && sim.now <= 10_000_000; frame++) ctx.session.advance(16);
    expect(sim.now).toBeGreaterThan(10_000_000);
    expect(sim.done).toBe(false);
    expect(sim.checkpointStats.count).toBe(before);
    expect(sim.checkpointDue).toBe(true);
    // Node has no requestIdleCallback: the session falls back to a task.
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(sim.checkpointStats.count).toBe(before + 1);
    expect(sim.checkpointDue).toBe(false);
    // Seeking back lands on the state a straight run had there.
    const at = sim.now - 3_000_000;
    run(ctx, 'pause');
    ctx.session.seek(at);
    const straight = new Sim(sim.config, { checkpointEvery: 0 });
    straight.seek(at);
    expect(ctx.session.sim!.traceHash()).toBe(straight.traceHash());
    expect(ctx.session.sim!.eventCount).toBe(straight.eventCount);
  });
});

describe('catching up in idle time', () => {
  /** requestIdleCallback as a browser has it, but fired when the test says, with idle periods of `ms`. */
  function idleTime() {
    const waiting: IdleRequestCallback[] = [];
    vi.stubGlobal('requestIdleCallback', (callback: IdleRequestCallback) => waiting.push(callback));
    return {
      get pending() {
        return waiting.length;
      },
      /** Fire what is waiting (and what that schedules) until nothing is, or `rounds` times. */
      run(ms = 50, rounds = Infinity) {
        for (let i = 0; i < rounds && waiting.length > 0; i++) waiting.shift()!({ didTimeout: false, timeRemaining: () => ms });
      },
    };
  }
  afterEach(() => {
    vi.unstubAllGlobals();
  });
  /** A run of `scenario` playing at `speed`. */
  function playing(scenario: unknown, speed: number) {
    const ctx = makeContext(scenario);
    run(ctx, 'setSpeed', speed);
    run(ctx, 'play');
    return { ctx, sim: ctx.session.sim! };
  }

  it("continues a frame that ran out of budget when the page is idle, up to that frame's target and no further", () => {
    const idle = idleTime();
    const { ctx, sim } = playing(busySwarm, 100);
    ctx.session.advance(50, 0.05); // 5 simulated seconds asked, a sliver of engine time given
    expect(sim.now).toBeLessThan(5_000_000);
    const shown = ctx.store.getState().time;
    expect(idle.pending).toBeGreaterThan(0);
    idle.run();
    expect(sim.now).toBe(5_000_000);
    // Exactly the run a straight runUntil gives: idle time changes the pace, never the run.
    const straight = new Sim(sim.config, { checkpointEvery: 0 });
    straight.runUntil(5_000_000);
    expect(sim.eventCount).toBe(straight.eventCount);
    expect(sim.traceHash()).toBe(straight.traceHash());
    // The store hears of it with the next frame (the panels redraw in frames only)...
    expect(ctx.store.getState().time).toBe(shown);
    ctx.session.advance(16, 0.05);
    expect(ctx.store.getState().time).toBe(sim.now);
    // ...whose measured speed counts the idle time's progress as well as its own.
    expect(ctx.store.getState().effectiveSpeed).toBeCloseTo((sim.now - shown) / 16_000, 5);
  });

  it(`runs in slices of at most ${IDLE_SLICE_MS} ms, none in an idle period too short for one`, () => {
    const idle = idleTime();
    const { ctx, sim } = playing(busySwarm, 1000);
    ctx.session.advance(100, 0.05);
    const events = sim.eventCount;
    idle.run(0.5, 1);
    expect(sim.eventCount).toBe(events);
    expect(idle.pending).toBe(1);
    // The slice checks the clock after every event. Read off a clock that moves 0.25 ms at each
    // reading, its length does not depend on this machine's pace (a preemption here once made a
    // wall-clock slice 26 ms).
    let clock = 0;
    const now = vi.spyOn(performance, 'now').mockImplementation(() => (clock += 0.25));
    idle.run(1000, 1);
    const took = clock;
    now.mockRestore();
    expect(sim.eventCount).toBeGreaterThan(events);
    expect(took).toBeGreaterThanOrEqual(IDLE_SLICE_MS);
    expect(took).toBeLessThan(IDLE_SLICE_MS + 1);
    expect(sim.now).toBeLessThan(100_000_000);
    expect(idle.pending).toBe(1);
  });

  it('stops when the run is paused, stepped or seeked, and does not run on toward the old target', () => {
    const idle = idleTime();
    const { ctx, sim } = playing(busySwarm, 100);
    ctx.session.advance(50, 0.05);
    run(ctx, 'pause');
    const paused = sim.eventCount;
    idle.run();
    expect(sim.eventCount).toBe(paused);

    run(ctx, 'play');
    ctx.session.advance(50, 0.05);
    const at = Math.floor(sim.now / 2);
    ctx.session.seek(at);
    idle.run();
    expect(sim.now).toBe(at);
    expect(ctx.store.getState().playing).toBe(true);
  });

  it('paused between an idle slice and the next frame, the store shows the clock the engine reached', () => {
    const idle = idleTime();
    const { ctx, sim } = playing(busySwarm, 100);
    ctx.session.advance(50, 0.05);
    const shown = ctx.store.getState().time;
    // Idle slices until one ends past the shown time at an instant the run has finished.
    for (let i = 0; i < 1000 && (sim.now === shown || sim.nextEventTime === sim.now); i++) idle.run(50, 1);
    expect(sim.now).toBeGreaterThan(shown);
    expect(sim.nextEventTime).not.toBe(sim.now);
    run(ctx, 'pause');
    const s = ctx.store.getState();
    expect(s.playing).toBe(false);
    expect(s.time).toBe(sim.now);
    expect(s.eventCount).toBe(sim.eventCount);
  });

  it('tells the store at once when idle time reaches the end of the run: playing stops', () => {
    const idle = idleTime();
    const { ctx, sim } = playing(smallSwarm, 1000);
    ctx.session.advance(3_600_000, 0.01); // an hour of wall clock at 1000×: far past the end
    expect(sim.done).toBe(false);
    idle.run();
    expect(sim.done).toBe(true);
    const s = ctx.store.getState();
    expect(s.done).toBe(true);
    expect(s.playing).toBe(false);
    expect(s.endTime).toBe(sim.now);
  });
});
