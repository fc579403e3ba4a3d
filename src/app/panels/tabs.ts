// The panel tabs, as a WAI-ARIA tablist: one tab per mounted panel, the active one from
// store.activePanel (changed only through the showPanel command, so the embed API and the tests can
// switch panels the same way). Arrow keys, Home and End move between tabs and show the panel (the
// "automatic activation" pattern); only the active tab is in the Tab order.
import { run, type AppContext } from '../commands';
import type { PanelId } from '../store';
import { el } from './dom';

export interface TabSpec {
  id: PanelId;
  label: string;
}

/** The tabpanel element of a panel id in index.html. */
export function panelElement(id: PanelId): HTMLElement {
  const found = document.getElementById(`panel-${id}`);
  if (!found) throw new Error(`index.html has no #panel-${id}`);
  return found;
}

export function mountTabs(tablist: HTMLElement, tabs: readonly TabSpec[], ctx: AppContext): void {
  tablist.setAttribute('role', 'tablist');
  tablist.setAttribute('aria-label', 'Panels');
  const buttons = tabs.map(({ id, label }) => {
    const tab = el('button', 'panel-tab', label);
    tab.type = 'button';
    tab.id = `tab-${id}`;
    tab.setAttribute('role', 'tab');
    tab.setAttribute('aria-controls', `panel-${id}`);
    tab.dataset.panel = id;
    tab.addEventListener('click', () => run(ctx, 'showPanel', id));
    const panel = panelElement(id);
    panel.setAttribute('aria-labelledby', tab.id);
    panel.removeAttribute('aria-label');
    tablist.append(tab);
    return tab;
  });

  tablist.addEventListener('keydown', (event) => {
    const at = buttons.indexOf(event.target as HTMLButtonElement);
    if (at < 0) return;
    const n = buttons.length;
    const to =
      event.key === 'ArrowRight' ? (at + 1) % n
      : event.key === 'ArrowLeft' ? (at - 1 + n) % n
      : event.key === 'Home' ? 0
      : event.key === 'End' ? n - 1
      : -1;
    if (to < 0) return;
    // These keys are also playback shortcuts (keyboard.ts, on the document): on a tab they move focus.
    event.preventDefault();
    event.stopPropagation();
    buttons[to]!.focus();
    run(ctx, 'showPanel', tabs[to]!.id);
  });

  const refresh = (active: PanelId): void => {
    tabs.forEach(({ id }, i) => {
      const selected = id === active;
      const tab = buttons[i]!;
      tab.setAttribute('aria-selected', String(selected));
      tab.tabIndex = selected ? 0 : -1;
      panelElement(id).hidden = !selected;
    });
  };
  ctx.store.subscribe((s, before) => {
    if (s.activePanel !== before.activePanel) refresh(s.activePanel);
  });
  refresh(ctx.store.getState().activePanel);
}
