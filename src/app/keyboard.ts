// Keyboard shortcuts: each key calls the command that names it in its `keys` (commands.ts), so a
// shortcut and its button can never disagree. Keys typed into a form field stay with the field.
import { commands, isEnabled, run, type AppContext, type CommandId } from './commands';

/** The name a key press has in the commands' `keys` lists: "Shift+" only for non-printing keys. */
export function keyName(event: Pick<KeyboardEvent, 'key' | 'shiftKey'>): string {
  const printable = event.key.length === 1;
  return event.shiftKey && !printable ? `Shift+${event.key}` : event.key;
}

export function commandForKey(name: string): CommandId | null {
  for (const id of Object.keys(commands) as CommandId[]) {
    const keys: readonly string[] | undefined = (commands[id] as { keys?: readonly string[] }).keys;
    if (keys?.includes(name)) return id;
  }
  return null;
}

function typingInto(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'SELECT', 'TEXTAREA'].includes(target.tagName);
}

/** Listen on `root` (the document, or the embed's frame) and return a function that stops. */
export function bindKeyboard(root: HTMLElement | Document, ctx: AppContext): () => void {
  const onKey = (event: Event): void => {
    const key = event as KeyboardEvent;
    if (key.ctrlKey || key.metaKey || key.altKey) return;
    if (typingInto(key.target) && key.key !== 'Escape') return;
    const id = commandForKey(keyName(key));
    if (id === null) return;
    // Space would also press the focused button, arrows would scroll: the command is the whole effect.
    key.preventDefault();
    if (!isEnabled(ctx, id)) return;
    (run as (ctx: AppContext, id: CommandId) => boolean)(ctx, id);
  };
  root.addEventListener('keydown', onKey);
  return () => root.removeEventListener('keydown', onKey);
}
