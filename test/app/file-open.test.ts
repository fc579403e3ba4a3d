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
