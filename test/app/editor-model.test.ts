import { describe, expect, it } from 'vitest';
import { applyKnobs, checkScenario, readKnobs, scenarioFile, valueOf } from '../../src/app/editor-model';
import { entriesFor, stringList } from '../../src/app/scenario-picker';
import { library } from '../../src/app/library';
import { parseScenario, parseScenarioText } from '../../src/scenario';
import { smallSwarm } from './context';

const withSubjectSettings = {
  ...smallSwarm,
  peers: [smallSwarm.peers[0], { ...smallSwarm.peers[1], client: 'libtorrent', settings: { maxUploads: 4, pex: false } }, smallSwarm.peers[2]],
};

describe('the editor', () => {
  it('reads the seed, each group, and the subject’s client and settings', () => {
    const knobs = readKnobs(withSubjectSettings);
    expect(knobs.seed).toBe('1');
    expect(knobs.groups.map((g) => [g.name, g.count, g.upload, g.download])).toEqual([
      ['origin', null, '1000000', ''],
      ['subject', null, '200000', ''],
      ['leecher', '3', '300000', ''],
    ]);
    expect(knobs.subject).toEqual({
      index: 1,
      name: 'subject',
      client: 'libtorrent',
      settings: { uploadRateLimit: '', maxUploads: '4', superSeeding: '', shareRatioLimit: '' },
    });
  });

  it('writes a changed count, capacity and setting into a valid scenario and leaves the rest alone', () => {
    const knobs = readKnobs(withSubjectSettings);
    knobs.groups[2]!.count = '7';
    knobs.groups[2]!.download = '2 MB/s';
    knobs.subject!.settings.uploadRateLimit = '50 KiB/s';
    knobs.subject!.settings.maxUploads = '';
    const edited = applyKnobs(withSubjectSettings, knobs);
    const parsed = parseScenario(edited);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.config.peers).toHaveLength(1 + 1 + 7);
    const peers = (edited as typeof withSubjectSettings).peers as Record<string, unknown>[];
    expect(peers[2]).toMatchObject({ count: 7, download: '2 MB/s', upload: 300000 });
    // A setting left empty goes back to the client's default; the settings the editor does not show stay.
    expect(peers[1]!.settings).toEqual({ pex: false, uploadRateLimit: '50 KiB/s' });
    // The original is untouched (immer).
    expect(withSubjectSettings.peers[2]).toEqual(smallSwarm.peers[2]);
  });

  it('rejects a bad value with the parser’s readable message', () => {
    const knobs = readKnobs(smallSwarm);
    knobs.groups[2]!.count = 'many';
    const checked = checkScenario(applyKnobs(smallSwarm, knobs));
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.error).toMatch(/peers\[2\]\.count|peers\.2\.count/);
    knobs.groups[2]!.count = '3';
    knobs.seed = '-1';
    expect(checkScenario(applyKnobs(smallSwarm, knobs)).ok).toBe(false);
  });

  it('reads typed text as numbers, booleans or quantities', () => {
    expect(valueOf(' 12 ')).toBe(12);
    expect(valueOf('0.5')).toBe(0.5);
    expect(valueOf('true')).toBe(true);
    expect(valueOf('1 MB/s')).toBe('1 MB/s');
    expect(valueOf('')).toBeUndefined();
  });

  it('downloads a file with "$schema" first that the parser accepts, and refuses an invalid one', () => {
    const file = scenarioFile(smallSwarm, 'https://example.org/scenario.schema.json');
    expect(file.ok).toBe(true);
    if (!file.ok) return;
    expect(file.name).toBe('small-swarm.json');
    expect(Object.keys(JSON.parse(file.text) as object)[0]).toBe('$schema');
    expect(parseScenarioText(file.text).ok).toBe(true);
    expect(scenarioFile({ ...smallSwarm, seed: 'x' }, 'x').ok).toBe(false);
  });
});

describe('the library list', () => {
  it('reads audience and tags defensively and filters by audience', () => {
    expect(stringList({ audience: ['students', 3, 'lawyers'] }, 'audience')).toEqual(['students', 'lawyers']);
    expect(stringList({ tags: 'choking' }, 'tags')).toEqual([]);
    expect(entriesFor(null)).toHaveLength(library.length);
    for (const entry of entriesFor('lawyers')) expect(stringList(entry.json, 'audience')).toContain('lawyers');
  });
});
