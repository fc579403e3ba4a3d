// The scenario files shipped in scenarios/ are valid and say what they claim.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { knownProfiles } from '../../src/engine/profiles';
import { formatScenarioErrors, KNOWN_CLIENTS, parseScenarioText } from '../../src/scenario';

const dir = new URL('../../scenarios/', import.meta.url);
const load = (file: string) => {
  const r = parseScenarioText(readFileSync(new URL(file, dir), 'utf8'));
  if (!r.ok) throw new Error(`${file}:\n${formatScenarioErrors(r.errors)}`);
  return r;
};

describe('scenarios/', () => {
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    it(`${file} is a valid scenario`, () => {
      expect(load(file).config.peers.length).toBeGreaterThan(0);
    });
  }

  it('flash-crowd.json: one 1 MiB/s seed, 30 leechers L (256 KiB/s up, 2 MiB/s down) at 0, a subject, 64 × 256 KiB', () => {
    const { config, scenario } = load('flash-crowd.json');
    expect(config.torrent).toEqual({ pieceLength: 262144, pieces: 64, size: 64 * 262144, files: null });
    expect(config.stopAt).toBeNull();
    const seeds = config.peers.filter((p) => p.seed);
    expect(seeds.map((p) => p.upload)).toEqual([1048576]);
    const leechers = config.peers.filter((p) => p.group === 'L');
    expect(leechers).toHaveLength(30);
    for (const p of leechers) expect(p).toMatchObject({ upload: 262144, download: 2097152, joinAt: 0 });
    expect(config.peers.filter((p) => p.subject).map((p) => p.name)).toEqual(['subject']);
    expect(scenario.description?.length).toBeLessThan(300);
  });

  it('seed-leaves.json: the seed leaves by a scripted event', () => {
    const { config } = load('seed-leaves.json');
    const seed = config.peers.findIndex((p) => p.seed);
    expect(config.events).toEqual([expect.objectContaining({ peer: seed, action: 'leave' })]);
  });
});

describe('client profiles', () => {
  it('the scenario format knows exactly the engine\'s profiles', () => {
    expect([...KNOWN_CLIENTS]).toEqual(knownProfiles());
  });
});
