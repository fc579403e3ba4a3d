// Bookmarks: b saves the moment on the clock in the next free slot, 1–9 jump back to it exactly.
import { describe, expect, it } from 'vitest';
import { run } from '../../src/app/commands';
import { commandForKey } from '../../src/app/keyboard';
import { BOOKMARK_SLOTS } from '../../src/app/store';
import { makeContext, smallSwarm } from './context';

describe('bookmarks', () => {
  it('save the clock in the first free slot and jump back to exactly that moment, paused', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 3_000_000);
    run(ctx, 'saveBookmark');
    run(ctx, 'seek', 7_250_000);
    run(ctx, 'saveBookmark');
    expect(ctx.store.getState().bookmarks.slice(0, 3)).toEqual([3_000_000, 7_250_000, null]);
    const eventsAt3s = (() => {
      run(ctx, 'seek', 3_000_000);
      return ctx.session.sim!.eventCount;
    })();
    run(ctx, 'seek', 9_000_000);
    run(ctx, 'play');
    run(ctx, 'jumpBookmark', 1);
    expect(ctx.session.sim!.now).toBe(3_000_000);
    expect(ctx.session.sim!.eventCount).toBe(eventsAt3s);
    expect(ctx.store.getState().playing).toBe(false);
  });

  it('leave the run alone when the slot is empty, and overwrite the last slot once all are full', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 2_000_000);
    run(ctx, 'jumpBookmark', 4);
    expect(ctx.session.sim!.now).toBe(2_000_000);
    for (let i = 1; i <= BOOKMARK_SLOTS; i++) {
      run(ctx, 'seek', i * 1_000_000);
      run(ctx, 'saveBookmark');
    }
    run(ctx, 'seek', 11_500_000);
    run(ctx, 'saveBookmark');
    expect(ctx.store.getState().bookmarks.at(-1)).toBe(11_500_000);
    expect(ctx.store.getState().bookmarks[0]).toBe(1_000_000);
  });

  it('are on keys b and 1–9, the digit naming the slot', () => {
    expect(commandForKey('b')).toBe('saveBookmark');
    for (const digit of '123456789') expect(commandForKey(digit)).toBe('jumpBookmark');
    expect(commandForKey('0')).toBeNull();
  });
});
