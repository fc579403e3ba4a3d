// The scenario library: every JSON file in scenarios/, bundled into the app (so the offline build
// carries it). The default scenario is the flash crowd.
export interface LibraryEntry {
  /** File name without .json: the id in links and in the picker. */
  id: string;
  name: string;
  description: string;
  json: unknown;
}

export const DEFAULT_SCENARIO = 'flash-crowd';

const files = import.meta.glob<unknown>('../../scenarios/*.json', { eager: true, import: 'default' });

function field(json: unknown, key: string): string {
  if (typeof json !== 'object' || json === null) return '';
  const value = (json as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

export const library: readonly LibraryEntry[] = Object.entries(files)
  .map(([path, json]) => {
    const id = path.slice(path.lastIndexOf('/') + 1, -'.json'.length);
    return { id, name: field(json, 'name') || id, description: field(json, 'description'), json };
  })
  .sort((a, b) => (a.id === DEFAULT_SCENARIO ? -1 : b.id === DEFAULT_SCENARIO ? 1 : a.name.localeCompare(b.name)));

export function libraryEntry(id: string): LibraryEntry | undefined {
  return library.find((entry) => entry.id === id);
}
