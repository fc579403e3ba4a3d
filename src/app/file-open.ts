// "Open a scenario file": a file picker button and drag and drop onto the page. A file that is too
// big, not JSON or not a valid scenario is reported in words, naming the file, and the scenario
// that was running keeps running (the session only replaces it once the new one has parsed).
import { formatScenarioErrors, MAX_SCENARIO_BYTES, parseScenarioText } from '../scenario';
import { MAX_TORRENT_BYTES, parseTorrentFile, scenarioWithTorrent } from '../scenario/torrent-file';
import { run, type AppContext } from './commands';

/** The part of a File this module reads (tests pass plain objects). */
export interface ScenarioFile {
  name: string;
  size: number;
  text(): Promise<string>;
  /** For a .torrent (a File has it). */
  arrayBuffer?(): Promise<ArrayBuffer>;
}

export type FileReadResult = { ok: true; json: unknown; text: string } | { ok: false; error: string };

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/** Read and check a scenario file; the JSON is returned as written (links carry it as given). */
export async function readScenarioFile(file: ScenarioFile): Promise<FileReadResult> {
  const failed = (why: string): FileReadResult => ({ ok: false, error: `"${file.name}" could not be opened: ${why}` });
  // Check the size before reading: a multi-gigabyte file dropped by mistake must not be read at all.
  if (file.size > MAX_SCENARIO_BYTES) {
    return failed(`it is too large (${megabytes(file.size)}); a scenario file is at most ${megabytes(MAX_SCENARIO_BYTES)}.`);
  }
  let text: string;
  try {
    text = await file.text();
  } catch (error) {
    return failed(`it could not be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  const parsed = parseScenarioText(text);
  if (!parsed.ok) {
    const [only] = parsed.errors;
    if (parsed.errors.length === 1 && only && only.path === '') return failed(`${only.message}.`);
    return failed(`it is not a valid scenario:\n${formatScenarioErrors(parsed.errors)}`);
  }
  // parseScenarioText accepted it, so this parses; strip the byte order mark it tolerates. The text
  // goes along because the report's scenario SHA-256 is of the file's bytes, as the CLI's is.
  return { ok: true, json: JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text) as unknown, text };
}

/**
 * A .torrent: the swarm takes its piece length, pieces, files, name and info hash, and keeps the
 * peers (and the rest) of the scenario on screen, which the editor can then change. The narration
 * goes: it was written for another torrent.
 */
export async function readTorrentFile(file: ScenarioFile, current: unknown): Promise<FileReadResult> {
  const failed = (why: string): FileReadResult => ({ ok: false, error: `"${file.name}" could not be opened: ${why}` });
  if (file.size > MAX_TORRENT_BYTES) return failed(`it is too large (${megabytes(file.size)}); a .torrent is at most ${megabytes(MAX_TORRENT_BYTES)}.`);
  if (!file.arrayBuffer) return failed('it could not be read as bytes.');
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await file.arrayBuffer());
  } catch (error) {
    return failed(`it could not be read (${error instanceof Error ? error.message : String(error)}).`);
  }
  const torrent = parseTorrentFile(bytes);
  if (!torrent.ok) return failed(`it is not a usable .torrent: ${torrent.error}`);
  const peers = typeof current === 'object' && current !== null ? { ...(current as Record<string, unknown>) } : {};
  for (const key of ['torrent', 'name', 'description', 'narration', '$schema']) delete peers[key];
  const combined = scenarioWithTorrent(peers, torrent.torrent);
  if (!combined.ok) return failed(combined.error);
  const text = JSON.stringify(combined.value, null, 2);
  const parsed = parseScenarioText(text);
  if (!parsed.ok) return failed(`its layout does not fit the current peers:\n${formatScenarioErrors(parsed.errors)}`);
  return { ok: true, json: combined.value, text };
}

/** Open a file: load it through the command registry, or show why not. */
export async function openScenarioFile(ctx: AppContext, file: ScenarioFile): Promise<boolean> {
  const result = file.name.toLowerCase().endsWith('.torrent') ? await readTorrentFile(file, ctx.session.scenarioJson) : await readScenarioFile(file);
  if (!result.ok) {
    ctx.store.update((s) => {
      s.error = result.error;
    });
    return false;
  }
  run(ctx, 'loadScenario', { json: result.json, id: null, text: result.text });
  return ctx.store.getState().error === null;
}

function hasFiles(event: DragEvent): boolean {
  return event.dataTransfer?.types.includes('Files') ?? false;
}

/**
 * Add the "Open file…" button (with its hidden file input) to `host`, and accept files dropped
 * anywhere on `dropZone`. While a file is dragged over the page, `dropZone` gets the class
 * `dropping` (index.html draws the hint).
 */
export function mountFileOpen(host: HTMLElement, dropZone: HTMLElement, ctx: AppContext): void {
  const input = document.createElement('input');
  input.type = 'file';
  input.id = 'scenario-file';
  input.accept = '.json,application/json,.torrent,application/x-bittorrent';
  input.hidden = true;
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    // Clear it so that choosing the same file again (after fixing it) fires `change` again.
    if (file) void openScenarioFile(ctx, file).finally(() => (input.value = ''));
  });
  const button = document.createElement('button');
  button.type = 'button';
  button.id = 'open-file';
  button.textContent = 'Open file…';
  button.title = 'Open a scenario file (.json) or a .torrent (its layout, with the peers on screen); you can also drop one on the page';
  button.addEventListener('click', () => input.click());
  host.append(input, button);

  // dragenter/dragleave fire for every child crossed; count them to know when the drag left the page.
  let depth = 0;
  const setDropping = (on: boolean): void => void dropZone.classList.toggle('dropping', on);
  dropZone.addEventListener('dragenter', (event) => {
    if (!hasFiles(event)) return;
    depth++;
    setDropping(true);
  });
  dropZone.addEventListener('dragleave', (event) => {
    if (!hasFiles(event)) return;
    depth = Math.max(0, depth - 1);
    if (depth === 0) setDropping(false);
  });
  dropZone.addEventListener('dragover', (event) => {
    if (!hasFiles(event)) return;
    // Without this the browser would open the file in place of the app.
    event.preventDefault();
    if (event.dataTransfer) event.dataTransfer.dropEffect = 'copy';
  });
  dropZone.addEventListener('drop', (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    depth = 0;
    setDropping(false);
    const files = event.dataTransfer?.files;
    const file = files?.[0];
    if (!file) return;
    if (files.length > 1) {
      ctx.store.update((s) => {
        s.error = `${files.length} files were dropped; drop one scenario file at a time.`;
      });
      return;
    }
    void openScenarioFile(ctx, file);
  });
}
