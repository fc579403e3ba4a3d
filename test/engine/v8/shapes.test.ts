// Object shapes the engine's speed depends on, read from V8 in a child process (shapes.ts).
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

describe('object shapes (V8 hidden classes)', () => {
  it('every peer\'s profile has one hidden class, so that the handlers reading it see only one', () => {
    const out = spawnSync(process.execPath, ['--allow-natives-syntax', '--import', 'tsx', join(here, 'shapes.ts')], { encoding: 'utf8', cwd: join(here, '../../..') });
    expect(out.stderr).toBe('');
    expect(JSON.parse(out.stdout.trim())).toEqual({ profiles: 1 });
  });
});
