import { describe, expect, it, vi } from 'vitest';
import { commands, type AppContext, type CommandId } from '../../src/app/commands';
import { bindKeyboard, commandForKey, keyLabel, keyName, keysOf, shortcutHint, typingInto } from '../../src/app/keyboard';
import { makeContext, smallSwarm } from './context';

describe('keyName', () => {
  it('is the key itself, with Shift+ only for keys that print nothing', () => {
    expect(keyName({ key: 'ArrowLeft', shiftKey: false })).toBe('ArrowLeft');
    expect(keyName({ key: 'ArrowLeft', shiftKey: true })).toBe('Shift+ArrowLeft');
    // Shift is how "?" and "+" are typed on most layouts: the character already says it.
    expect(keyName({ key: '?', shiftKey: true })).toBe('?');
    expect(keyName({ key: '+', shiftKey: true })).toBe('+');
    expect(keyName({ key: ' ', shiftKey: false })).toBe(' ');
  });
});

describe('commandForKey', () => {
  it.each([
    [' ', 'togglePlay'],
    ['ArrowRight', 'stepForward'],
    ['ArrowLeft', 'stepBack'],
    ['Shift+ArrowRight', 'jumpForward'],
    ['Shift+ArrowLeft', 'jumpBack'],
    ['+', 'faster'],
    ['=', 'faster'],
    ['-', 'slower'],
    ['Home', 'seekStart'],
    ['End', 'seekEnd'],
    ['?', 'toggleHelp'],
    ['Escape', 'clearSelection'],
  ])('maps %j to %s', (key, id) => {
    expect(commandForKey(key)).toBe(id);
  });

  it('maps keys no command names to nothing', () => {
    expect(commandForKey('x')).toBeNull();
    expect(commandForKey('Shift+Home')).toBeNull();
  });

  it('never gives one key to two commands', () => {
    const keys = (Object.keys(commands) as CommandId[]).flatMap(keysOf);
    expect(new Set(keys).size).toBe(keys.length);
  });
});

describe('key labels', () => {
  it('read like keycaps', () => {
    expect(keyLabel(' ')).toBe('Space');
    expect(keyLabel('Shift+ArrowLeft')).toBe('Shift+←');
    expect(keyLabel('End')).toBe('End');
    expect(keyLabel('r')).toBe('R');
    expect(keyLabel('-')).toBe('−');
    expect(shortcutHint('stepForward')).toBe('Step one event (→)');
    expect(shortcutHint('seek')).toBe('Go to a time');
  });
});

describe('typingInto', () => {
  it('is true for text fields, selects, text areas and editable elements', () => {
    expect(typingInto({ tagName: 'INPUT', type: 'text' } as unknown as EventTarget)).toBe(true);
    expect(typingInto({ tagName: 'INPUT', type: 'number' } as unknown as EventTarget)).toBe(true);
    expect(typingInto({ tagName: 'TEXTAREA' } as unknown as EventTarget)).toBe(true);
    expect(typingInto({ tagName: 'SELECT' } as unknown as EventTarget)).toBe(true);
    expect(typingInto({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
  });

  it('is false for buttons, the scrubber and the page', () => {
    expect(typingInto({ tagName: 'BUTTON' } as unknown as EventTarget)).toBe(false);
    expect(typingInto({ tagName: 'INPUT', type: 'range' } as unknown as EventTarget)).toBe(false);
    expect(typingInto({ tagName: 'BODY', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(typingInto(null)).toBe(false);
  });
});

describe('bindKeyboard', () => {
  /** Bind to a stand-in root and return a function that presses a key on it. */
  function bound(ctx: AppContext) {
    let listener: ((event: Event) => void) | null = null;
    const root = {
      addEventListener: (_type: string, fn: (event: Event) => void) => void (listener = fn),
      removeEventListener: () => void (listener = null),
    } as unknown as Document;
    const unbind = bindKeyboard(root, ctx);
    const press = (key: string, init: { shiftKey?: boolean; ctrlKey?: boolean; target?: object } = {}) => {
      const event = { key, shiftKey: false, ctrlKey: false, metaKey: false, altKey: false, defaultPrevented: false, target: { tagName: 'BODY' }, preventDefault: vi.fn(), ...init };
      listener?.(event as unknown as Event);
      return event.preventDefault;
    };
    return { press, unbind };
  }

  it('runs the command of the key and keeps the browser from acting on it too', () => {
    const ctx = makeContext(smallSwarm);
    const { press } = bound(ctx);
    expect(press(' ')).toHaveBeenCalled();
    expect(ctx.store.getState().playing).toBe(true);
    press('ArrowRight');
    press('ArrowRight');
    expect(ctx.store.getState()).toMatchObject({ playing: false, eventCount: 2 });
    press('ArrowLeft');
    expect(ctx.store.getState().eventCount).toBe(1);
    press('+');
    expect(ctx.store.getState().speed).toBe(20);
    press('ArrowRight', { shiftKey: true });
    expect(ctx.store.getState().time).toBeGreaterThanOrEqual(10_000_000);
    press('End');
    expect(ctx.store.getState().done).toBe(true);
    press('Home');
    expect(ctx.store.getState().time).toBe(0);
  });

  it('leaves keys typed into a field to the field, except Escape', () => {
    const ctx = makeContext(smallSwarm);
    const { press } = bound(ctx);
    const field = { tagName: 'INPUT', type: 'text' };
    expect(press(' ', { target: field })).not.toHaveBeenCalled();
    press('ArrowRight', { target: field });
    press('+', { target: field });
    expect(ctx.store.getState()).toMatchObject({ playing: false, eventCount: 0, speed: 10 });
    ctx.store.update((s) => void (s.selectedPeer = 1));
    press('Escape', { target: field });
    expect(ctx.store.getState().selectedPeer).toBeNull();
  });

  it('ignores keys with Ctrl, and keys no command names', () => {
    const ctx = makeContext(smallSwarm);
    const { press } = bound(ctx);
    expect(press('ArrowRight', { ctrlKey: true })).not.toHaveBeenCalled();
    expect(press('x')).not.toHaveBeenCalled();
    expect(ctx.store.getState().eventCount).toBe(0);
  });

  it('while the help is open, acts only on ? and leaves Escape to the dialog', () => {
    const ctx = makeContext(smallSwarm);
    const { press } = bound(ctx);
    ctx.store.update((s) => void (s.selectedPeer = 1));
    press('?');
    expect(ctx.store.getState().helpOpen).toBe(true);
    expect(press(' ')).not.toHaveBeenCalled();
    expect(press('Escape')).not.toHaveBeenCalled();
    expect(ctx.store.getState()).toMatchObject({ playing: false, selectedPeer: 1, helpOpen: true });
    press('?');
    expect(ctx.store.getState().helpOpen).toBe(false);
  });

  it('stops listening when unbound', () => {
    const ctx = makeContext(smallSwarm);
    const { press, unbind } = bound(ctx);
    unbind();
    press(' ');
    expect(ctx.store.getState().playing).toBe(false);
  });
});
