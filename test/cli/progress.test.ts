// The progress line: drawn on stderr only when stderr is a terminal, and cleared at the end.
import { describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '../../src/cli/cli';

function capture(stderrIsTTY: boolean) {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = {
    stdout: (t) => void (out.stdout += t),
    stderr: (t) => void (out.stderr += t),
    stderrIsTTY,
  };
  return { io, out };
}

const file = new URL('../../scenarios/seed-leaves.json', import.meta.url).pathname;

describe('progress on stderr', () => {
  it('on a terminal: a line with simulated time and peers complete, cleared at the end', async () => {
    const { io, out } = capture(true);
    expect(await runCli([file, '--until', '120'], io)).toBe(0);
    expect(out.stderr).toMatch(/^\r\x1b\[K\d+ s simulated · \d+ \/ 8 peers complete/);
    expect(out.stderr.endsWith('\r\x1b[K')).toBe(true);
    expect(out.stdout).toMatch(/^scenario\s+Seed leaves$/m);
  });

  it('not on a terminal: nothing on stderr', async () => {
    const { io, out } = capture(false);
    expect(await runCli([file, '--until', '120'], io)).toBe(0);
    expect(out.stderr).toBe('');
  });

  it('the summary is the same either way', async () => {
    const a = capture(true);
    const b = capture(false);
    await runCli([file, '--until', '60'], a.io);
    await runCli([file, '--until', '60'], b.io);
    expect(a.out.stdout).toBe(b.out.stdout);
  });
});
