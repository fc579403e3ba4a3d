import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args';

const run = (...argv: string[]) => {
  const r = parseArgs(argv);
  if (r.kind !== 'run') throw new Error(`expected a run, got ${JSON.stringify(r)}`);
  return r.options;
};
const error = (...argv: string[]) => {
  const r = parseArgs(argv);
  expect(r.kind).toBe('error');
  return r.kind === 'error' ? r.message : '';
};

describe('parseArgs', () => {
  it('takes one scenario file and the three options, before or after it, as "--x v" or "--x=v"', () => {
    expect(run('a.json')).toEqual({ file: 'a.json', seed: undefined, until: undefined, out: undefined, split: false });
    expect(run('--seed', '7', 'a.json', '--until=60.5', '--out', 'r.json')).toEqual({
      file: 'a.json',
      seed: 7,
      until: 60.5,
      out: 'r.json',
      split: false,
    });
    // --split is a flag: it takes no value.
    expect(run('--split', 'a.json')).toMatchObject({ file: 'a.json', split: true });
    expect(error('a.json', '--splt')).toBe('unknown option "--splt"; did you mean "--split"?');
    expect(run('--', '--odd-name.json').file).toBe('--odd-name.json');
  });

  it('--help and --version win over everything else', () => {
    expect(parseArgs(['--help'])).toEqual({ kind: 'help' });
    expect(parseArgs(['a.json', '-h'])).toEqual({ kind: 'help' });
    expect(parseArgs(['--version'])).toEqual({ kind: 'version' });
  });

  it('--seed is a uint32', () => {
    expect(run('a.json', '--seed', '0').seed).toBe(0);
    expect(run('a.json', '--seed', '4294967295').seed).toBe(4294967295);
    for (const bad of ['4294967296', '-1', '1.5', 'x', '0x10', ' 1']) {
      expect(error('a.json', '--seed', bad)).toMatch(/^--seed: expected a whole number from 0 to 4294967295/);
    }
  });

  it('--until is seconds > 0', () => {
    expect(run('a.json', '--until', '1e3').until).toBe(1000);
    for (const bad of ['0', '-5', 'soon', 'Infinity', '1e10']) {
      expect(error('a.json', '--until', bad)).toMatch(/^--until: expected a number of seconds > 0/);
    }
  });

  it('rejects unknown options with a suggestion, missing values, repeats, and a wrong number of files', () => {
    expect(error('a.json', '--sed', '3')).toBe('unknown option "--sed"; did you mean "--seed"?');
    expect(error('a.json', '-x')).toBe('unknown option "-x"');
    expect(error('a.json', '--seed')).toBe('--seed needs a value');
    expect(error('a.json', '--out=')).toBe('--out needs a value');
    expect(error('a.json', '--seed', '1', '--seed', '2')).toBe('--seed is given more than once');
    expect(error()).toBe('no scenario file given');
    expect(error('a.json', 'b.json')).toBe('expected one scenario file, got 2: a.json, b.json');
  });

  it('--report takes json, md, html or csv; --report-out needs --report', () => {
    for (const format of ['json', 'md', 'html', 'csv']) expect(run('a.json', `--report=${format}`).report).toBe(format);
    expect(run('a.json').report).toBeUndefined();
    expect(error('a.json', '--report', 'xml')).toBe('--report: expected json, md, html or csv, got "xml"');
    expect(error('a.json', '--report')).toBe('--report needs a value');
    expect(run('a.json', '--report', 'md', '--report-out', 'r.md')).toMatchObject({ report: 'md', reportOut: 'r.md' });
    expect(error('a.json', '--report-out', 'r.md')).toBe('--report-out needs --report (json, md, html or csv)');
    expect(error('a.json', '--report', 'md', '--report-out=')).toBe('--report-out needs a value');
    expect(error('a.json', '--report-ou', 'r.md')).toBe('unknown option "--report-ou"; did you mean "--report-out"?');
  });
});
