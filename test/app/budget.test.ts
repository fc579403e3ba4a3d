// Playing never freezes the page: one frame's engine work is capped, and when the swarm is too busy
// for the chosen speed the clock runs slower and the store says how fast it really went.
import { describe, expect, it } from 'vitest';
import { run } from '../../src/app/commands';
import { Sim } from '../../src/engine/sim';
import { busySwarm, makeContext, smallSwarm } from './context';

describe('advancing by a frame', () => {
  it('reaches the asked time exactly when the engine keeps up', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'setSpeed', 1);
    run(ctx, 'play');
    ctx.session.advance(16);
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
    expect(ctx.session.sim!.eventCount).toBeGreaterThan(10);
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
