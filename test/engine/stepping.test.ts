// The stepping API the browser needs: one event forward, forward to a time, and back to any earlier
// moment, with the state after going back identical to the state when the run first passed there.
import { describe, expect, it, vi } from 'vitest';
import { snapshotBytes, takeSnapshot } from '../../src/engine/clone';
import { Sim } from '../../src/engine/sim';
import type { SimState } from '../../src/engine/state';
import { flashCrowd, S } from './helpers';

/** Everything the simulation holds, as plain data, plus the trace it has written so far. */
function snapshot(sim: Sim): { state: unknown; traceLength: number; auxLength: number; hash: string } {
  return {
    state: structuredClone(sim.state),
    traceLength: sim.trace.length,
    auxLength: sim.trace.auxLength,
    hash: sim.traceHash(),
  };
}

const config = () => flashCrowd(6, { pieces: 12, seed: 7 });

describe('stepping', () => {
  it('step() processes exactly one event and advances the clock to its time', () => {
    const sim = new Sim(config());
    const next = sim.nextEventTime!;
    expect(sim.step()).toBe(true);
    expect(sim.eventCount).toBe(1);
    expect(sim.now).toBe(next);
  });

  it('runUntil(t) processes every event up to t and no later one', () => {
    const sim = new Sim(config());
    sim.runUntil(3 * S);
    expect(sim.now).toBe(3 * S);
    expect(sim.nextEventTime!).toBeGreaterThan(3 * S);
    for (let i = 0; i < sim.trace.length; i++) expect(sim.trace.chunks[0]!.time[i]!).toBeLessThanOrEqual(3 * S);
  });

  it('seeking back to t gives exactly the state the run had when it first reached t', () => {
    const sim = new Sim(config(), { checkpointEvery: 2 * S });
    sim.runUntil(7.5 * S);
    const first = snapshot(sim);
    sim.runUntil(25 * S);
    expect(sim.trace.length).toBeGreaterThan(first.traceLength);
    sim.seek(7.5 * S);
    expect(snapshot(sim)).toEqual(first);
  });

  it('seeking forward to a moment reached before continues from its checkpoint, not from where it was', () => {
    const straight = new Sim(config(), { checkpointEvery: 0 });
    straight.runUntil(20 * S);
    const at20 = snapshot(straight);
    // Time alone spaces the checkpoints here (this small swarm's are spaced by events otherwise: see below).
    const sim = new Sim(config(), { checkpointEvery: 2 * S, checkpointBytesPerEvent: 0 });
    sim.runUntil(25 * S);
    sim.seek(1 * S);
    const from = sim.eventCount;
    const step = vi.spyOn(sim, 'step');
    sim.seek(20 * S);
    // Only the events after the checkpoint at or before 20 s were processed again …
    expect(step.mock.calls.length).toBeLessThan((sim.eventCount - from) / 4);
    // … and the state is the one a straight run has at 20 s.
    expect(snapshot(sim)).toEqual(at20);
    step.mockRestore();
    sim.run();
    straight.run();
    expect(sim.traceHash()).toBe(straight.traceHash());
  });

  it('seeking back works without checkpoints (replay from the start)', () => {
    const sim = new Sim(config(), { checkpointEvery: 0 });
    sim.runUntil(4 * S);
    const first = snapshot(sim);
    sim.run();
    sim.seek(4 * S);
    expect(snapshot(sim)).toEqual(first);
  });

  it('stepping back one event gives the state before that event', () => {
    const sim = new Sim(config(), { checkpointEvery: 1 * S });
    for (let i = 0; i < 600; i++) sim.step();
    const before = snapshot(sim);
    sim.step();
    expect(sim.eventCount).toBe(601);
    sim.stepBack();
    expect(sim.eventCount).toBe(600);
    expect(snapshot(sim).state).toEqual(before.state);
    expect(snapshot(sim).hash).toBe(before.hash);
  });

  it('checkpoints keep to their memory budget by thinning, and seeks still land on the states of a straight run', () => {
    const one = snapshotBytes(takeSnapshot(new Sim(config()).state as SimState));
    const budget = 5 * one;
    const sim = new Sim(config(), { checkpointEvery: S / 4, checkpointBytes: budget, checkpointBytesPerEvent: 0 });
    const straight = new Sim(config(), { checkpointEvery: 0 });
    const times = [0.8 * S, 3 * S, 6.1 * S, 9.5 * S];
    const states = times.map((t) => {
      straight.runUntil(t);
      return snapshot(straight);
    });
    sim.run();
    const stats = sim.checkpointStats;
    expect(sim.now).toBeGreaterThan(10 * S);
    expect(stats.bytes).toBeLessThanOrEqual(budget);
    expect(stats.count).toBeGreaterThanOrEqual(2);
    // Thinned at least twice: without the budget there would be a checkpoint every quarter second.
    expect(stats.every).toBeGreaterThanOrEqual(1 * S);
    for (let i = times.length - 1; i >= 0; i--) {
      sim.seek(times[i]!);
      expect(snapshot(sim)).toEqual(states[i]);
    }
  });

  it('a checkpoint comes at least its size ÷ checkpointBytesPerEvent events after the previous one, and seeks still land on the states of a straight run', () => {
    // About 64 events a checkpoint, whatever a checkpoint of this swarm weighs.
    const perEvent = Math.ceil(snapshotBytes(takeSnapshot(new Sim(config()).state as SimState)) / 64);
    const sim = new Sim(config(), { checkpointEvery: S / 4, checkpointBytesPerEvent: perEvent });
    const taken: { events: number; bytes: number }[] = [];
    let count = sim.checkpointStats.count;
    let total = sim.checkpointStats.bytes;
    taken.push({ events: 0, bytes: total });
    // A checkpoint is taken as the event that reaches it is about to run.
    while (sim.step()) {
      if (sim.checkpointStats.count === count) continue;
      count = sim.checkpointStats.count;
      taken.push({ events: sim.eventCount - 1, bytes: sim.checkpointStats.bytes - total });
      total = sim.checkpointStats.bytes;
    }
    expect(taken.length).toBeGreaterThan(3);
    for (let i = 1; i < taken.length; i++) {
      expect(taken[i]!.events - taken[i - 1]!.events).toBeGreaterThanOrEqual(Math.ceil(taken[i - 1]!.bytes / perEvent));
    }
    // Time alone would have taken one every quarter second.
    expect(taken.length).toBeLessThan(sim.now / (S / 4) / 2);
    const straight = new Sim(config(), { checkpointEvery: 0 });
    const times = [1.3 * S, 4 * S, 7.7 * S];
    const states = times.map((t) => {
      straight.runUntil(t);
      return snapshot(straight);
    });
    for (let i = times.length - 1; i >= 0; i--) {
      sim.seek(times[i]!);
      expect(snapshot(sim)).toEqual(states[i]);
    }
  });

  it('a deferred checkpoint is taken when asked, of the state then, and seeks use it like any other', () => {
    const sim = new Sim(config(), { checkpointEvery: 2 * S });
    sim.deferCheckpoints = true;
    sim.runUntil(5 * S);
    sim.deferCheckpoints = false;
    expect(sim.checkpointStats.count).toBe(1); // the one at the start
    expect(sim.checkpointDue).toBe(true);
    expect(sim.checkpointIfDue()).toBe(true);
    expect(sim.checkpointStats.count).toBe(2);
    expect(sim.checkpointDue).toBe(false);
    expect(sim.checkpointIfDue()).toBe(false);
    const at5 = snapshot(sim);
    const eventsAt5 = sim.eventCount;
    sim.runUntil(6.5 * S);
    const at65 = snapshot(sim);
    const eventsAt65 = sim.eventCount;
    sim.runUntil(12 * S);
    // Back to 6.5 s: from the checkpoint taken at 5 s, replaying only the events after it.
    const spy = vi.spyOn(sim, 'step');
    sim.seek(6.5 * S);
    expect(snapshot(sim)).toEqual(at65);
    expect(spy.mock.calls.length).toBe(eventsAt65 - eventsAt5);
    sim.seek(5 * S);
    expect(snapshot(sim)).toEqual(at5);
  });

  it('a run that goes back and forth ends with the same trace as a straight run', () => {
    const straight = new Sim(config(), { checkpointEvery: 0 });
    straight.run();
    const wandering = new Sim(config(), { checkpointEvery: 3 * S });
    wandering.runUntil(12 * S);
    wandering.seek(2 * S);
    wandering.seekEvent(wandering.eventCount + 500);
    wandering.seek(20 * S);
    wandering.seek(9 * S);
    wandering.run();
    expect(wandering.traceHash()).toBe(straight.traceHash());
    expect(wandering.result()).toEqual(straight.result());
  });
});

describe('determinism', () => {
  it('the same scenario and seed give the same trace hash, run after run', () => {
    const a = new Sim(config());
    a.run();
    const b = new Sim(config());
    b.run();
    expect(a.trace.length).toBe(b.trace.length);
    expect(a.traceHash()).toBe(b.traceHash());
  });

  it('another seed gives another trace hash', () => {
    const a = new Sim(config());
    a.run();
    const b = new Sim({ ...config(), seed: 8 });
    b.run();
    expect(b.traceHash()).not.toBe(a.traceHash());
  });

  it('adding a peer does not reshuffle the random choices of the others (named sub-streams)', () => {
    const a = new Sim(config());
    const cfg = config();
    const b = new Sim({ ...cfg, peers: [...cfg.peers, { ...cfg.peers[1]!, name: 'late', group: 'late', joinAt: 10_000 * S }] });
    // Each peer's tie-break order comes from its own stream, named after the peer.
    for (let i = 0; i < a.state.peers.length; i++) expect(b.state.peers[i]!.rank).toEqual(a.state.peers[i]!.rank);
  });
});
