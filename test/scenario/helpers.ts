import { expect } from 'vitest';
import { parseScenario, type ParseResult, type ScenarioError } from '../../src/scenario';
import type { SimConfig } from '../../src/engine/types';

/** A small valid scenario; tests change one thing and look at what that does. */
export function base(): Record<string, unknown> & { peers: Record<string, unknown>[]; torrent: Record<string, unknown> } {
  return {
    name: 'test',
    torrent: { pieceLength: 262144, pieces: 4 },
    peers: [
      { name: 'seed', seed: true, upload: 262144 },
      { name: 'L', count: 3 },
    ],
  };
}

export function config(value: unknown): SimConfig {
  const r = parseScenario(value);
  if (!r.ok) throw new Error(`expected a valid scenario, got errors:\n${JSON.stringify(r.errors, null, 2)}`);
  return r.config;
}

export function errors(value: unknown): ScenarioError[] {
  const r: ParseResult = parseScenario(value);
  expect(r.ok, 'expected the scenario to be rejected').toBe(false);
  return r.ok ? [] : r.errors;
}

/** The one error at `path` (fails if there is none). */
export function errorAt(value: unknown, path: string): string {
  const all = errors(value);
  const hit = all.find((e) => e.path === path);
  expect(hit, `no error at "${path}"; got ${JSON.stringify(all)}`).toBeDefined();
  return hit!.message;
}
