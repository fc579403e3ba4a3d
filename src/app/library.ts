// The scenario library: every JSON file in scenarios/, bundled into the app (so the offline build
// carries it). The default scenario is the flash crowd.
export interface LibraryEntry {
  /** File name without .json: the id in links and in the picker. */
  id: string;
  name: string;
  description: string;
  json: unknown;
  /** The file as written: the report's scenario SHA-256 is of these bytes, as the CLI's is. */
  text: string;
}

export const DEFAULT_SCENARIO = 'flash-crowd';

// As text, parsed here: one copy in the bundle serves both the run and the scenario's SHA-256.
const files = import.meta.glob<string>('../../scenarios/*.json', { eager: true, query: '?raw', import: 'default' });

function field(json: unknown, key: string): string {
  if (typeof json !== 'object' || json === null) return '';
  const value = (json as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : '';
}

export const library: readonly LibraryEntry[] = Object.entries(files)
  .map(([path, text]) => {
    const id = path.slice(path.lastIndexOf('/') + 1, -'.json'.length);
    const json: unknown = JSON.parse(text);
    return { id, name: field(json, 'name') || id, description: field(json, 'description'), json, text };
  })
  .sort((a, b) => (a.id === DEFAULT_SCENARIO ? -1 : b.id === DEFAULT_SCENARIO ? 1 : a.name.localeCompare(b.name)));

export function libraryEntry(id: string): LibraryEntry | undefined {
  return library.find((entry) => entry.id === id);
}
