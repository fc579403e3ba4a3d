// The library as a list to choose from: each scenario's name, description, who it is written for
// (audience badges) and its tags, with a filter by audience. It complements the compact
// <select id="scenario-picker"> (picker.ts) in the header, and loads through the same command.
// Descriptions and tags come from files: textContent only.
import { run, type AppContext } from './commands';
import { library, type LibraryEntry } from './library';
import { AUDIENCES } from '../scenario';
import './dialogs.css';
import { el, titledDialog } from './dom';

/** A list of strings from a scenario file's top level; [] when absent or malformed. */
export function stringList(json: unknown, key: string): string[] {
  if (typeof json !== 'object' || json === null) return [];
  const value = (json as Record<string, unknown>)[key];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** The entries for an audience (null: all), in library order. */
export function entriesFor(audience: string | null, entries: readonly LibraryEntry[] = library): LibraryEntry[] {
  return audience === null ? [...entries] : entries.filter((e) => stringList(e.json, 'audience').includes(audience));
}


export function mountScenarioList(headerTools: HTMLElement, ctx: AppContext): void {
  const open = el('button', headerTools, 'Library…');
  open.type = 'button';
  open.id = 'library-open';
  open.title = 'Choose a scenario from the library, with descriptions';

  const { dialog, top } = titledDialog('library', 'library-heading', 'Scenario library', { top: true });
  dialog.addEventListener('keydown', (event) => event.stopPropagation());
  const close = el('button', top!, 'Close');
  close.addEventListener('click', () => dialog.close());

  const filters = el('div', dialog);
  filters.className = 'library-filters';
  filters.setAttribute('role', 'group');
  filters.setAttribute('aria-label', 'Written for');
  const list = el('ul', dialog);
  list.id = 'library-list';

  let audience: string | null = null;
  const buttons = [null, ...AUDIENCES].map((value) => {
    const b = el('button', filters, value ?? 'everyone');
    b.type = 'button';
    b.dataset.audience = value ?? '';
    b.addEventListener('click', () => {
      audience = value;
      render();
    });
    return b;
  });

  const render = (): void => {
    for (const b of buttons) b.setAttribute('aria-pressed', String((b.dataset.audience || null) === audience));
    const current = ctx.store.getState().scenario?.id ?? null;
    list.replaceChildren();
    for (const entry of entriesFor(audience)) {
      const item = el('li', list);
      item.dataset.id = entry.id;
      const choose = el('button', item, entry.name);
      choose.type = 'button';
      choose.className = 'library-name';
      if (entry.id === current) choose.setAttribute('aria-current', 'true');
      choose.addEventListener('click', () => {
        run(ctx, 'loadScenario', { json: entry.json, id: entry.id, text: entry.text });
        dialog.close();
      });
      const badges = el('span', item);
      badges.className = 'library-badges';
      for (const who of stringList(entry.json, 'audience')) el('span', badges, who).className = `badge audience-${who}`;
      for (const tag of stringList(entry.json, 'tags')) el('span', badges, tag).className = 'badge tag';
      if (entry.description) el('p', item, entry.description);
    }
    if (list.childElementCount === 0) el('li', list, 'No scenario in the library is written for this audience yet.');
  };

  open.addEventListener('click', () => {
    render();
    dialog.showModal();
  });
}
