// The CLI as a user meets it: a child process run from the project's root, its exit code, stdout and
// stderr; and a folder of files for it to read and write.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

/** The project's root directory. */
export const root = new URL('../..', import.meta.url).pathname;

/** `npm run -s sim -- ...args`, as a child process (tsx's loader, no npm in between). */
export function sim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

export interface Scratch {
  /** The folder's path. */
  dir: string;
  /** Its file `name`'s path. */
  path(name: string): string;
  /** Write file `name` (a string or bytes as they are, any other value as indented JSON); its path. */
  write(name: string, data: unknown): string;
}

/** A fresh folder under the system's temporary one, removed after the calling test file's tests. */
export function scratch(prefix: string): Scratch {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const path = (name: string): string => join(dir, name);
  return {
    dir,
    path,
    write(name, data) {
      const file = path(name);
      writeFileSync(file, typeof data === 'string' || data instanceof Uint8Array ? data : JSON.stringify(data, null, 2));
      return file;
    },
  };
}
