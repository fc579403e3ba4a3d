// The header's tools besides the scenario picker: open a file, copy a link or embed code, the theme
// toggle and the help button. Each one calls a command; the theme starts from the system's preference.
import { run, type AppContext } from './commands';
import { mountFileOpen } from './file-open';
import { mountHelp } from './help';
import { shortcutHint } from './keyboard';
import { mountShareButtons } from './share';
import type { Theme } from './store';

export function preferredTheme(): Theme {
  return window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark';
}

function mountThemeToggle(host: HTMLElement, ctx: AppContext): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'theme-toggle';
  button.title = shortcutHint('toggleTheme');
  button.addEventListener('click', () => void run(ctx, 'toggleTheme'));
  host.appendChild(button);
  let shown: Theme | null = null;
  const refresh = (): void => {
    const { theme } = ctx.store.getState();
    if (theme === shown) return;
    shown = theme;
    button.textContent = theme === 'dark' ? '◐ dark' : '◑ light';
    button.setAttribute('aria-label', `Theme: ${theme}. Switch to ${theme === 'dark' ? 'light' : 'dark'}`);
  };
  ctx.store.subscribe(refresh);
  refresh();
}

function mountExportButton(host: HTMLElement, ctx: AppContext): void {
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'export';
  button.textContent = 'Export…';
  button.title = shortcutHint('openExport');
  button.addEventListener('click', () => void run(ctx, 'openExport'));
  host.appendChild(button);
}

/** Mount the tools into `host` (a container in the header); files dropped on `dropZone` open too. */
export function mountHeaderTools(host: HTMLElement, dropZone: HTMLElement, ctx: AppContext): void {
  run(ctx, 'setTheme', preferredTheme());
  // Follow the system's reduced-motion preference from the start; M toggles it.
  if (window.matchMedia?.('(prefers-reduced-motion: reduce)').matches) run(ctx, 'toggleReducedMotion');
  mountFileOpen(host, dropZone, ctx);
  mountShareButtons(host, ctx);
  mountExportButton(host, ctx);
  mountThemeToggle(host, ctx);
  mountHelp(host, ctx);
}
