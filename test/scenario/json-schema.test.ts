// The committed JSON Schema is what the zod schema generates today, editors can use it on every
// library file, and it agrees with the parser on what a scenario may say.
import { readdirSync, readFileSync } from 'node:fs';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { JSON_SCHEMA_COMMAND, JSON_SCHEMA_PATH, parseScenario, scenarioJsonSchema, scenarioJsonSchemaText } from '../../src/scenario';
import { base } from './helpers';

const root = new URL('../../', import.meta.url);
const library = new URL('scenarios/', root);
const committed = readFileSync(new URL(JSON_SCHEMA_PATH, root), 'utf8');

describe('public/scenario.schema.json', () => {
  it('is what the zod schema generates (else run the command in the message)', () => {
    expect(committed, `${JSON_SCHEMA_PATH} is stale: run "${JSON_SCHEMA_COMMAND}" and commit the result`).toBe(scenarioJsonSchemaText());
  });

  it('is pointed to by "$schema" at the top of every library file', () => {
    for (const file of readdirSync(library).filter((f) => f.endsWith('.json'))) {
      const text = readFileSync(new URL(file, library), 'utf8');
      expect(text.startsWith('{\n  "$schema": "../public/scenario.schema.json",\n'), `${file} starts with its "$schema"`).toBe(true);
      expect(new URL(JSON.parse(text).$schema, new URL(file, library)).href).toBe(new URL(JSON_SCHEMA_PATH, root).href);
    }
  });

  const validate = new Ajv({ allErrors: true }).compile(scenarioJsonSchema());
  const valid = (value: unknown) => {
    const ok = validate(value);
    return ok ? true : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join('; ');
  };

  it('accepts every library scenario, as an editor would', () => {
    for (const file of readdirSync(library).filter((f) => f.endsWith('.json'))) {
      expect(valid(JSON.parse(readFileSync(new URL(file, library), 'utf8'))), file).toBe(true);
    }
  });

  it('agrees with the parser on readable quantities, narration and mistakes', () => {
    const good = {
      ...base(),
      $schema: '../public/scenario.schema.json',
      torrent: { pieceLength: '256 KiB', size: '1.5 GB' },
      stopAt: '2 h',
      peers: [{ name: 'seed', seed: true, upload: '8 Mbit/s', latency: '20 ms' }, { name: 'L', count: 2, joinAt: '90 s' }],
      narration: [{ at: '1 min', text: 'Now.' }, { when: { event: 'complete', peer: 'L' }, text: 'Done.', pause: true }],
    };
    expect(parseScenario(good).ok).toBe(true);
    expect(valid(good)).toBe(true);
    const bad: Record<string, unknown>[] = [
      { ...base(), uplaod: 5 },
      { ...base(), torrent: { pieceLength: '256 kib', pieces: 4 } },
      { ...base(), peers: [{ name: 'seed', upload: -5 }] },
      { ...base(), narration: [{ at: 1, text: '' }] },
    ];
    for (const value of bad) {
      expect(parseScenario(value).ok).toBe(false);
      expect(valid(value)).not.toBe(true);
    }
  });
});
