// Object shapes the engine's speed depends on, read from V8 in a child process (shapes.ts).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('object shapes (V8 hidden classes)', () => {
  const shapes = (): Record<string, unknown> => {
    const out = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', join(here, 'shapes.ts')], { encoding: 'utf8', cwd: join(here, '../../..') });
    expect(out.stderr).toBe('');
    return JSON.parse(out.stdout.trim()) as Record<string, unknown>;
  };
  let seen: Record<string, unknown> = {};
  beforeAll(() => {
    seen = shapes();
  });

  it('every peer\'s profile has one hidden class, so that the handlers reading it see only one', () => {
    expect(seen.profiles).toBe(1);
  });

  it('a peer object keeps the hidden class it was made with through a run, split or not (no field goes from small integer to double)', () => {
    expect(seen.peersKeepTheirClass).toBe(true);
    expect(seen.splitPeersKeepTheirClass).toBe(true);
  });
});
