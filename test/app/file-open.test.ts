import { describe, expect, it, vi } from 'vitest';
import { openScenarioFile, readScenarioFile, type ScenarioFile } from '../../src/app/file-open';
import { MAX_SCENARIO_BYTES } from '../../src/scenario';
import { makeContext, smallSwarm } from './context';

function file(name: string, text: string, size = text.length): ScenarioFile & { text: ReturnType<typeof vi.fn> } {
  return { name, size, text: vi.fn(async () => text) };
}

describe('reading a scenario file', () => {
  it('gives the JSON as written', async () => {
    const text = JSON.stringify(smallSwarm);
    expect(await readScenarioFile(file('small.json', text))).toEqual({ ok: true, json: smallSwarm, text });
    expect(await readScenarioFile(file('bom.json', `\ufeff${text}`))).toEqual({ ok: true, json: smallSwarm, text: `\ufeff${text}` });
  });

  it('refuses a file over the size limit without reading it', async () => {
    const big = file('huge.json', '', MAX_SCENARIO_BYTES + 1);
    const result = await readScenarioFile(big);
    expect(result).toEqual({ ok: false, error: '"huge.json" could not be opened: it is too large (5.0 MB); a scenario file is at most 5.0 MB.' });
    expect(big.text).not.toHaveBeenCalled();
  });

  it('says that a file is not JSON, and where', async () => {
    const result = await readScenarioFile(file('notes.txt', 'peers: 3'));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toMatch(/^"notes\.txt" could not be opened: not valid JSON/);
    const empty = await readScenarioFile(file('empty.json', ''));
    if (!empty.ok) expect(empty.error).toContain('the file is empty');
  });

  it('lists what is wrong with an invalid scenario, one problem a line', async () => {
    const result = await readScenarioFile(file('bad.json', JSON.stringify({ ...smallSwarm, torrent: { pieceLength: 1000, pieces: 4 }, peers: 'none' })));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.split('\n')[0]).toBe('"bad.json" could not be opened: it is not a valid scenario:');
    expect(result.error).toContain('pieceLength');
    expect(result.error).toContain('peers');
  });

  it('reports a file the browser cannot read', async () => {
    const unreadable = { name: 'gone.json', size: 10, text: () => Promise.reject(new Error('NotFoundError')) };
    expect(await readScenarioFile(unreadable)).toEqual({ ok: false, error: '"gone.json" could not be opened: it could not be read (NotFoundError).' });
  });
});

describe('opening a scenario file', () => {
  it('loads a good one as a scenario from outside the library', async () => {
    const ctx = makeContext();
    expect(await openScenarioFile(ctx, file('small.json', JSON.stringify(smallSwarm)))).toBe(true);
    expect(ctx.store.getState()).toMatchObject({ scenario: { id: null, name: 'Small swarm' }, error: null });
    expect(ctx.session.scenarioJson).toEqual(smallSwarm);
    expect(ctx.session.scenarioText).toBe(JSON.stringify(smallSwarm));
  });

  it('shows why a bad one could not be opened and keeps the run going', async () => {
    const ctx = makeContext(smallSwarm);
    ctx.session.seek(2_000_000);
    expect(await openScenarioFile(ctx, file('bad.json', '{'))).toBe(false);
    expect(ctx.store.getState().error).toMatch(/^"bad\.json" could not be opened: not valid JSON/);
    expect(ctx.store.getState()).toMatchObject({ scenario: { name: 'Small swarm' }, time: 2_000_000 });
    // A good file afterwards clears the message.
    await openScenarioFile(ctx, file('small.json', JSON.stringify({ ...smallSwarm, name: 'Again' })));
    expect(ctx.store.getState()).toMatchObject({ scenario: { name: 'Again' }, error: null });
  });
});

describe('opening a .torrent', () => {
  async function torrentFile(name: string, files: { path: string; length: number }[], pieceLength: number): Promise<ScenarioFile> {
    const { default: createTorrent } = await import('create-torrent');
    const input = files.map((f) => Object.assign(Buffer.alloc(f.length, 7), { name: f.path.split('/').pop()!, fullPath: f.path }));
    const bytes: Uint8Array = await new Promise((resolve, reject) =>
      createTorrent(input, { name, pieceLength, announceList: [], creationDate: 1_700_000_000 }, (err, t) => (err ? reject(err) : resolve(new Uint8Array(t)))),
    );
    return { name: `${name}.torrent`, size: bytes.length, text: async () => '', arrayBuffer: async () => bytes.slice().buffer };
  }

  it('takes the layout, name and info hash from the torrent and keeps the peers on screen', async () => {
    const ctx = makeContext(smallSwarm);
    const file = await torrentFile('lecture-notes', [{ path: 'lecture-notes/a.pdf', length: 300_000 }, { path: 'lecture-notes/b.pdf', length: 200_000 }], 65_536);
    expect(await openScenarioFile(ctx, file)).toBe(true);
    const config = ctx.session.sim!.config;
    expect(config.torrent.pieceLength).toBe(65_536);
    expect(config.torrent.pieces).toBe(Math.ceil(500_000 / 65_536));
    expect(config.torrent.files!.map((f) => f.length)).toEqual([300_000, 200_000]);
    expect(config.name).toBe('lecture-notes');
    expect(config.peers.map((p) => p.name)).toEqual(['origin', 'subject', 'leecher-1', 'leecher-2', 'leecher-3']);
    expect(ctx.store.getState().error).toBeNull();
  });

  it('reports a truncated .torrent by name and keeps the run going', async () => {
    const ctx = makeContext(smallSwarm);
    const good = await torrentFile('x', [{ path: 'x/a', length: 100_000 }], 16_384);
    const bytes = new Uint8Array(await good.arrayBuffer!()).slice(0, 40);
    const bad: ScenarioFile = { name: 'cut.torrent', size: bytes.length, text: async () => '', arrayBuffer: async () => bytes.buffer };
    expect(await openScenarioFile(ctx, bad)).toBe(false);
    expect(ctx.store.getState().error).toMatch(/^"cut\.torrent" could not be opened: it is not a usable \.torrent/);
    expect(ctx.session.sim!.config.name).toBe('Small swarm');
  });
});
