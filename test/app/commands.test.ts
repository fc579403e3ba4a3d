import { describe, expect, it } from 'vitest';
import { commands, isEnabled, run, type CommandId } from '../../src/app/commands';
import { SPEEDS } from '../../src/app/store';
import { record, T } from '../../src/engine/trace';
import { makeContext, smallSwarm } from './context';

describe('the speed commands', () => {
  const after = (speed: number, id: 'faster' | 'slower'): number => {
    const ctx = makeContext();
    ctx.store.update((s) => void (s.speed = speed));
    run(ctx, id);
    return ctx.store.getState().speed;
  };

  it('step through the list of speeds one at a time', () => {
    for (let i = 0; i + 1 < SPEEDS.length; i++) {
      expect(after(SPEEDS[i]!, 'faster')).toBe(SPEEDS[i + 1]);
      expect(after(SPEEDS[i + 1]!, 'slower')).toBe(SPEEDS[i]);
    }
  });

  it('stop at 0.1× and 1,000×', () => {
    expect(after(1000, 'faster')).toBe(1000);
    expect(after(0.1, 'slower')).toBe(0.1);
  });

  it('go from a speed between two steps to the next step either way', () => {
    expect(after(3, 'faster')).toBe(5);
    expect(after(3, 'slower')).toBe(2);
  });

  it('setSpeed keeps the speed within 0.1× to 1,000× and ignores a non-number', () => {
    const ctx = makeContext();
    run(ctx, 'setSpeed', 5000);
    expect(ctx.store.getState().speed).toBe(1000);
    run(ctx, 'setSpeed', 0);
    expect(ctx.store.getState().speed).toBe(0.1);
    run(ctx, 'setSpeed', Number.NaN);
    expect(ctx.store.getState().speed).toBe(0.1);
    run(ctx, 'setSpeed', 50);
    expect(ctx.store.getState().speed).toBe(50);
  });
});

describe('which commands are enabled', () => {
  it('with nothing loaded, playback and stepping are off and the rest is on', () => {
    const ctx = makeContext();
    for (const id of ['play', 'pause', 'togglePlay', 'stepForward', 'stepBack', 'seek', 'seekEnd', 'nextRechoke'] as const) {
      expect(isEnabled(ctx, id), id).toBe(false);
    }
    expect(run(ctx, 'play')).toBe(false);
    expect(ctx.store.getState().playing).toBe(false);
    for (const id of ['faster', 'slower', 'toggleTheme', 'toggleHelp', 'toggleColouring'] as const) expect(isEnabled(ctx, id), id).toBe(true);
  });

  it('at the start nothing goes back; after a step it can', () => {
    const ctx = makeContext(smallSwarm);
    expect(isEnabled(ctx, 'stepBack')).toBe(false);
    expect(isEnabled(ctx, 'seekStart')).toBe(false);
    expect(isEnabled(ctx, 'jumpBack')).toBe(false);
    expect(run(ctx, 'stepForward')).toBe(true);
    expect(isEnabled(ctx, 'stepBack')).toBe(true);
    expect(isEnabled(ctx, 'seekStart')).toBe(true);
  });

  it('at the end nothing goes forward, and play is still on', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seekEnd');
    expect(ctx.store.getState().done).toBe(true);
    for (const id of ['stepForward', 'nextRechoke', 'jumpForward', 'seekEnd'] as const) expect(isEnabled(ctx, id), id).toBe(false);
    expect(isEnabled(ctx, 'play')).toBe(true);
  });
});

describe('playback commands', () => {
  it('step forward and back move one engine event and pause', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'play');
    run(ctx, 'stepForward');
    run(ctx, 'stepForward');
    expect(ctx.store.getState()).toMatchObject({ playing: false, eventCount: 2 });
    run(ctx, 'stepBack');
    expect(ctx.session.sim!.eventCount).toBe(1);
    expect(ctx.store.getState().eventCount).toBe(1);
    expect(ctx.store.getState().time).toBe(ctx.session.sim!.now);
  });

  it('seek goes to a time forward and back, and the clock follows the engine', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 5_000_000);
    expect(ctx.session.sim!.now).toBe(5_000_000);
    expect(ctx.store.getState().time).toBe(5_000_000);
    const events = ctx.session.sim!.eventCount;
    run(ctx, 'seek', 2_000_000);
    expect(ctx.store.getState().time).toBe(2_000_000);
    expect(ctx.store.getState().eventCount).toBeLessThan(events);
    run(ctx, 'jumpForward');
    expect(ctx.store.getState().time).toBe(12_000_000);
    run(ctx, 'jumpBack');
    expect(ctx.store.getState().time).toBe(2_000_000);
    run(ctx, 'seekStart');
    // Time 0 with the events of time 0 processed (the joins), as seek(0) gives.
    const fresh = makeContext(smallSwarm);
    run(fresh, 'seek', 0);
    expect(ctx.store.getState()).toMatchObject({ time: 0, eventCount: fresh.session.sim!.eventCount });
  });

  it('next rechoke stops right after the engine records a rechoke', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'nextRechoke');
    const sim = ctx.session.sim!;
    const kinds = Array.from({ length: sim.trace.length }, (_, i) => record(sim.trace, i).kind);
    expect(kinds.filter((kind) => kind === T.RECHOKE)).toHaveLength(1);
    run(ctx, 'stepBack');
    const before = Array.from({ length: sim.trace.length }, (_, i) => record(sim.trace, i).kind);
    expect(before).not.toContain(T.RECHOKE);
  });

  it('play after the end starts the run again from time 0', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seekEnd');
    const { runId } = ctx.store.getState();
    expect(run(ctx, 'play')).toBe(true);
    expect(ctx.store.getState()).toMatchObject({ playing: true, done: false, time: 0, eventCount: 0, runId: runId + 1 });
  });

  it('togglePlay alternates play and pause', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'togglePlay');
    expect(ctx.store.getState().playing).toBe(true);
    run(ctx, 'togglePlay');
    expect(ctx.store.getState().playing).toBe(false);
  });
});

describe('selectPeer', () => {
  it('selects a peer of the scenario by index and shows the inspector', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'showPanel', 'log');
    run(ctx, 'selectPeer', 4);
    expect(ctx.store.getState()).toMatchObject({ selectedPeer: 4, activePanel: 'inspector' });
    run(ctx, 'selectPeer', null);
    expect(ctx.store.getState().selectedPeer).toBeNull();
  });

  it.each([5, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY])('clears the selection for %s, which names no peer of five', (peer) => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'selectPeer', 0);
    run(ctx, 'selectPeer', peer);
    expect(ctx.store.getState().selectedPeer).toBeNull();
  });

  it('selects nothing while no scenario is loaded', () => {
    const ctx = makeContext();
    run(ctx, 'selectPeer', 0);
    expect(ctx.store.getState().selectedPeer).toBeNull();
  });
});

describe('the other commands', () => {
  it('toggle the theme, the colouring and the help', () => {
    const ctx = makeContext();
    run(ctx, 'toggleTheme');
    run(ctx, 'toggleColouring');
    run(ctx, 'toggleHelp');
    expect(ctx.store.getState()).toMatchObject({ theme: 'light', colouring: 'source', helpOpen: true });
    run(ctx, 'setTheme', 'dark');
    run(ctx, 'setColouring', 'piece');
    expect(ctx.store.getState()).toMatchObject({ theme: 'dark', colouring: 'piece' });
  });

  it('Escape clears the selection and closes the help', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'selectPeer', 1);
    run(ctx, 'toggleHelp');
    run(ctx, 'clearSelection');
    expect(ctx.store.getState()).toMatchObject({ selectedPeer: null, helpOpen: false });
  });

  it('loading a bad scenario reports it and keeps the current run', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 3_000_000);
    run(ctx, 'loadScenario', { json: { name: 'Broken' }, id: null });
    expect(ctx.store.getState().error).toContain('This scenario could not be loaded');
    expect(ctx.store.getState()).toMatchObject({ scenario: { name: 'Small swarm' }, time: 3_000_000 });
  });

  it('every command has an id equal to its key and a label', () => {
    for (const [key, command] of Object.entries(commands)) {
      expect(command.id).toBe(key as CommandId);
      expect(command.label.length).toBeGreaterThan(0);
    }
  });
});

describe('reduced motion', () => {
  it('is off unless asked for, and M toggles it', () => {
    const ctx = makeContext(smallSwarm);
    expect(ctx.store.getState().reducedMotion).toBe(false);
    expect(commands.toggleReducedMotion.keys).toContain('m');
    run(ctx, 'toggleReducedMotion');
    expect(ctx.store.getState().reducedMotion).toBe(true);
  });
});
