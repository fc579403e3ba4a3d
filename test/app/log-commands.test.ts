import { describe, expect, it } from 'vitest';
import { run } from '../../src/app/commands';
import { record, T } from '../../src/engine/trace';
import { messageName } from '../../src/engine/wire';
import { makeContext, smallSwarm } from './context';

describe('the message log commands', () => {
  it('set the filter field by field, ignore values out of range, and clear it', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'setLogFilter', { peer: 2 });
    run(ctx, 'setLogFilter', { kinds: [T.PIECE], piece: 4 });
    expect(ctx.store.getState().logFilter).toEqual({ peer: 2, kinds: [T.PIECE], piece: 4 });
    // smallSwarm has 5 peers and 16 pieces.
    run(ctx, 'setLogFilter', { peer: 5, piece: 16 });
    run(ctx, 'setLogFilter', { peer: 1.5, piece: -1 });
    expect(ctx.store.getState().logFilter).toEqual({ peer: 2, kinds: [T.PIECE], piece: 4 });
    run(ctx, 'setLogFilter', { peer: null });
    expect(ctx.store.getState().logFilter.peer).toBeNull();
    run(ctx, 'clearLogFilter');
    expect(ctx.store.getState().logFilter).toEqual({ peer: null, kinds: [], piece: null });
  });

  it('seek to a message: the clock shows its time, the message is done and highlighted, playback pauses', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 10_000_000);
    run(ctx, 'play');
    expect(ctx.store.getState().playing).toBe(true);
    const sim = ctx.session.sim!;
    let target = -1;
    for (let i = sim.trace.length - 1; i >= 0; i--) {
      const r = record(sim.trace, i);
      if (r.kind === T.PIECE && r.time < 8_000_000 && r.time > 1_000_000) {
        target = i;
        break;
      }
    }
    expect(target).toBeGreaterThan(0);
    const wanted = record(sim.trace, target);
    expect(run(ctx, 'seekRecord', target)).toBe(true);
    const s = ctx.store.getState();
    expect(s).toMatchObject({ time: wanted.time, playing: false, highlightedRecord: target });
    expect(sim.trace.length).toBeGreaterThan(target);
    expect(record(sim.trace, target)).toEqual(wanted);
    // Nothing later than the message has happened yet.
    expect(record(sim.trace, sim.trace.length - 1).time).toBe(wanted.time);
    expect(messageName(wanted.kind)).toBe('piece');
  });

  it('ignore a record that does not exist, and highlight only whole indices', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 5_000_000);
    const before = ctx.store.getState().time;
    run(ctx, 'seekRecord', ctx.session.sim!.trace.length);
    run(ctx, 'seekRecord', -1);
    expect(ctx.store.getState().time).toBe(before);
    run(ctx, 'highlightRecord', 12);
    expect(ctx.store.getState().highlightedRecord).toBe(12);
    run(ctx, 'highlightRecord', 1.5);
    expect(ctx.store.getState().highlightedRecord).toBeNull();
  });
});
