// The `?` overlay: every command that has a shortcut, read from the registry, so the list cannot
// drift from what the keys do. It is a modal <dialog>: the browser keeps focus inside it and makes
// the page behind it inert, Escape closes it, and focus goes back to where it was.
import { commands, run, type AppContext, type CommandId } from './commands';
import { keyLabel, keysOf } from './keyboard';
import { titledDialog } from './dom';

export interface ShortcutRow {
  id: CommandId;
  label: string;
  /** As printed on keycaps: "Space", "Shift+→". */
  keys: string[];
}

/** One row per command with a shortcut, in registry order. */
export function shortcutRows(): ShortcutRow[] {
  return (Object.keys(commands) as CommandId[])
    .filter((id) => keysOf(id).length > 0)
    .map((id) => ({ id, label: commands[id].label, keys: keysOf(id).map(keyLabel) }));
}

function table(): HTMLTableElement {
  const result = document.createElement('table');
  const head = result.createTHead().insertRow();
  for (const title of ['Keys', 'Command']) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.textContent = title;
    head.appendChild(th);
  }
  const body = result.createTBody();
  for (const row of shortcutRows()) {
    const tr = body.insertRow();
    tr.dataset.command = row.id;
    const keys = tr.insertCell();
    row.keys.forEach((key, i) => {
      if (i > 0) keys.append(' or ');
      const kbd = document.createElement('kbd');
      kbd.textContent = key;
      keys.appendChild(kbd);
    });
    tr.insertCell().textContent = row.label;
  }
  return result;
}

/** Create the overlay and the header's `?` button; the dialog follows the store's `helpOpen`. */
export function mountHelp(buttonHost: HTMLElement, ctx: AppContext): void {
  // Close sits beside the title, so that it is in view however small the window.
  const { dialog, top } = titledDialog('help', 'help-title', 'Keyboard shortcuts', { top: true });
  const close = document.createElement('button');
  close.type = 'button';
  close.id = 'help-close';
  close.textContent = 'Close';
  close.addEventListener('click', () => void run(ctx, 'toggleHelp'));
  const note = document.createElement('p');
  note.textContent = 'Shortcuts do nothing while you type in a field. The buttons run the same commands.';
  top!.append(close);
  dialog.append(table(), note);

  const open = document.createElement('button');
  open.type = 'button';
  open.id = 'help-button';
  open.textContent = '?';
  open.title = 'Keyboard shortcuts (?)';
  open.setAttribute('aria-label', 'Keyboard shortcuts');
  open.setAttribute('aria-haspopup', 'dialog');
  open.addEventListener('click', () => void run(ctx, 'toggleHelp'));
  buttonHost.appendChild(open);

  // A modal dialog keeps focus off the page behind it, but Tab from its last control would leave for
  // the browser's own toolbar: wrap around instead, as an overlay that owns the keyboard should.
  dialog.addEventListener('keydown', (event) => {
    if (event.key !== 'Tab') return;
    const focusable = [...dialog.querySelectorAll<HTMLElement>('button, [href], input, select, textarea, [tabindex]:not([tabindex="-1"])')];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (!first || !last) return;
    const atEdge = event.shiftKey ? document.activeElement === first : document.activeElement === last;
    if (!atEdge) return;
    event.preventDefault();
    (event.shiftKey ? last : first).focus();
  });

  let returnFocus: HTMLElement | null = null;
  // Escape fires the dialog's cancel: close it through the store at once (the close event comes a
  // task later, too late for a key pressed right after). Any other way the browser closes it: the same.
  dialog.addEventListener('cancel', (event) => {
    event.preventDefault();
    if (ctx.store.getState().helpOpen) run(ctx, 'toggleHelp');
  });
  dialog.addEventListener('close', () => {
    if (ctx.store.getState().helpOpen) run(ctx, 'toggleHelp');
  });
  const follow = (): void => {
    const wanted = ctx.store.getState().helpOpen;
    if (wanted && !dialog.open) {
      returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : null;
      dialog.showModal();
      close.focus();
    } else if (!wanted && dialog.open) {
      dialog.close();
      // Back to the control that had the focus; with none, off the closed dialog's button at least.
      if (returnFocus && returnFocus !== document.body) returnFocus.focus();
      else if (dialog.contains(document.activeElement)) (document.activeElement as HTMLElement).blur();
      returnFocus = null;
    }
  };
  ctx.store.subscribe(follow);
  follow();
}
