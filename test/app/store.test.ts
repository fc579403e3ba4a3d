import { describe, expect, it, vi } from 'vitest';
import { createUiStore, initialUiState, SPEEDS } from '../../src/app/store';

describe('the UI store', () => {
  it('starts paused at 10× with nothing loaded, nothing selected and the inspector showing', () => {
    const state = createUiStore().getState();
    expect(state).toEqual(initialUiState());
    expect(state).toMatchObject({ scenario: null, playing: false, speed: 10, time: 0, selectedPeer: null, activePanel: 'inspector', helpOpen: false, error: null });
  });

  it('takes initial values', () => {
    expect(createUiStore({ speed: 100, theme: 'light' }).getState()).toMatchObject({ speed: 100, theme: 'light', colouring: 'piece' });
  });

  it('changes through immer drafts: a new state object, the old one untouched', () => {
    const store = createUiStore();
    const before = store.getState();
    store.update((s) => {
      s.logFilter.kinds.push(7);
      s.playing = true;
    });
    const after = store.getState();
    expect(after).not.toBe(before);
    expect(after.logFilter.kinds).toEqual([7]);
    expect(before.logFilter.kinds).toEqual([]);
    expect(before.playing).toBe(false);
    // Untouched branches are shared, which is what lets panels compare by reference.
    expect(after.scenario).toBe(before.scenario);
  });

  it('tells subscribers the new and the previous state', () => {
    const store = createUiStore();
    const listener = vi.fn();
    store.subscribe(listener);
    store.update((s) => void (s.speed = 20));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(listener.mock.calls[0]![0].speed).toBe(20);
    expect(listener.mock.calls[0]![1].speed).toBe(10);
  });

  it('has speeds from 0.1× to 1,000× in increasing order, 10× among them', () => {
    expect(SPEEDS[0]).toBe(0.1);
    expect(SPEEDS[SPEEDS.length - 1]).toBe(1000);
    expect([...SPEEDS].sort((a, b) => a - b)).toEqual([...SPEEDS]);
    expect(SPEEDS).toContain(10);
  });
});
