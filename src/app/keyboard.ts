// Keyboard shortcuts: each key calls the command that names it in its `keys` (commands.ts), so a
// shortcut, its button and the help overlay can never disagree. Keys typed into a form field stay
// with the field.
import { commands, isEnabled, run, type AppContext, type CommandId } from './commands';

/** The name a key press has in the commands' `keys` lists: "Shift+" only for non-printing keys. */
export function keyName(event: Pick<KeyboardEvent, 'key' | 'shiftKey'>): string {
  const printable = event.key.length === 1;
  return event.shiftKey && !printable ? `Shift+${event.key}` : event.key;
}

export function keysOf(id: CommandId): readonly string[] {
  return (commands[id] as { keys?: readonly string[] }).keys ?? [];
}

export function commandForKey(name: string): CommandId | null {
  for (const id of Object.keys(commands) as CommandId[]) {
    if (keysOf(id).includes(name)) return id;
  }
  return null;
}

const KEY_LABELS: Record<string, string> = {
  ' ': 'Space',
  ArrowLeft: '←',
  ArrowRight: '→',
  ArrowUp: '↑',
  ArrowDown: '↓',
  Escape: 'Esc',
  '-': '−',
};

/** A key name as people read it on a keycap: "Shift+ArrowLeft" → "Shift+←", " " → "Space". */
export function keyLabel(name: string): string {
  const shifted = name.startsWith('Shift+') && name.length > 'Shift+'.length;
  const key = shifted ? name.slice('Shift+'.length) : name;
  const label = KEY_LABELS[key] ?? (key.length === 1 ? key.toUpperCase() : key);
  return shifted ? `Shift+${label}` : label;
}

/** A command's label with its first shortcut, for a button's tooltip: "Step one event (→)". */
export function shortcutHint(id: CommandId): string {
  const first = keysOf(id)[0];
  return first === undefined ? commands[id].label : `${commands[id].label} (${keyLabel(first)})`;
}

/**
 * Whether a key press belongs to the element it was typed into. Duck-typed rather than
 * `instanceof HTMLElement` so that it also holds for elements of another frame (the embed).
 */
export function typingInto(target: EventTarget | null): boolean {
  if (target === null || typeof target !== 'object') return false;
  const element = target as Partial<HTMLElement>;
  if (element.isContentEditable === true) return true;
  if (element.tagName === 'SELECT' || element.tagName === 'TEXTAREA') return true;
  // A range slider or a checkbox takes arrows or Space itself only when they mean something to it;
  // our scrubber is a range, and ←/→ on it should step the run like everywhere else.
  if (element.tagName === 'INPUT') return !['range', 'checkbox', 'radio', 'button'].includes((target as HTMLInputElement).type);
  return false;
}

/**
 * While the help overlay is open only `?` acts; other keys go to the dialog, and Escape is left to
 * the dialog's own cancel so that closing the help does not also clear the selection.
 */
const DIALOG_KEYS: readonly CommandId[] = ['toggleHelp'];

/** Listen on `root` (the document, or the embed's frame) and return a function that stops. */
export function bindKeyboard(root: HTMLElement | Document, ctx: AppContext): () => void {
  const onKey = (event: Event): void => {
    const key = event as KeyboardEvent;
    if (key.ctrlKey || key.metaKey || key.altKey || key.defaultPrevented) return;
    if (typingInto(key.target) && key.key !== 'Escape') return;
    const id = commandForKey(keyName(key));
    if (id === null) return;
    const { helpOpen, exportOpen } = ctx.store.getState();
    // A dialog is open: its own controls take the keys.
    if (exportOpen || (helpOpen && !DIALOG_KEYS.includes(id))) return;
    // Space would also press the focused button, arrows would scroll: the command is the whole effect.
    key.preventDefault();
    if (!isEnabled(ctx, id)) return;
    const fromKey = (commands[id] as { fromKey?: (key: string) => unknown }).fromKey;
    (run as (ctx: AppContext, id: CommandId, arg?: unknown) => boolean)(ctx, id, fromKey?.(key.key));
  };
  root.addEventListener('keydown', onKey);
  return () => root.removeEventListener('keydown', onKey);
}
