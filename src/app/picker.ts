// The scenario picker: the library (scenarios/*.json) in a <select>. A scenario opened from a file
// or a link is not in the library, so while one runs the picker shows an extra entry for it rather
// than naming a library scenario that is not the one on screen.
import { run, type AppContext } from './commands';
import { library, libraryEntry } from './library';
import { setValue } from './panels/dom';
import type { UiState } from './store';

/** The option standing for a scenario that did not come from the library. */
const OUTSIDE = '';

export function mountPicker(select: HTMLSelectElement, ctx: AppContext): void {
  const outside = document.createElement('option');
  outside.value = OUTSIDE;
  outside.disabled = true;
  outside.hidden = true;
  select.appendChild(outside);
  for (const entry of library) {
    const option = document.createElement('option');
    option.value = entry.id;
    option.textContent = entry.name;
    option.title = entry.description;
    select.appendChild(option);
  }
  select.addEventListener('change', () => {
    const entry = libraryEntry(select.value);
    if (entry) run(ctx, 'loadScenario', { json: entry.json, id: entry.id, text: entry.text });
  });
  let shown: UiState['scenario'] = null;
  const refresh = (): void => {
    const { scenario } = ctx.store.getState();
    if (!scenario) return;
    const id = scenario.id !== null && libraryEntry(scenario.id) ? scenario.id : OUTSIDE;
    // The store changes every frame while playing; the scenario only on a load.
    if (scenario !== shown) {
      shown = scenario;
      outside.hidden = id !== OUTSIDE;
      outside.textContent = `(own file) ${scenario.name}`;
    }
    setValue(select, id);
  };
  ctx.store.subscribe(refresh);
  refresh();
}
