// The CLI as a user meets it: a child process run from the project's root, its exit code, stdout and stderr.
import { spawnSync } from 'node:child_process';

/** The project's root directory. */
export const root = new URL('../..', import.meta.url).pathname;

/** `npm run -s sim -- ...args`, as a child process (tsx's loader, no npm in between). */
export function sim(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
