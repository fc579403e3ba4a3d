// `--pcap FILE [--pcap-peer NAME] [--pcap-from S] [--pcap-to S]`: the flags as parsed, and the CLI
// writing a capture, refusing bad values with exit 2 and a message that names the flag.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseArgs } from '../../src/cli/args';
import { readPcap } from '../export/pcap-reader';
import { scratch, sim } from './run-cli';

const files = scratch('swarmscope-cli-pcap-');
const tmp = files.dir;

const scenario = files.write(
  'small.json',
  JSON.stringify({
    name: 'Small swarm',
    torrent: { pieceLength: 65536, pieces: 8 },
    peers: [
      { name: 'seed', seed: true, upload: 262144 },
      { name: 'L', count: 3, upload: 65536, download: 524288 },
      { name: 'me', subject: true },
    ],
  }),
);

const pcapOf = (argv: string[]) => {
  const r = parseArgs(['s.json', ...argv]);
  return r.kind === 'run' ? r.options.pcap : r;
};

describe('the --pcap flags', () => {
  it('parse into a request: file, peer name, and the range in seconds', () => {
    expect(pcapOf(['--pcap', 'o.pcap'])).toEqual({ file: 'o.pcap', peer: undefined, from: undefined, to: undefined });
    expect(pcapOf(['--pcap=o.pcap', '--pcap-peer', 'me', '--pcap-from', '1.5', '--pcap-to=20'])).toEqual({ file: 'o.pcap', peer: 'me', from: 1.5, to: 20 });
    expect(pcapOf([])).toBeUndefined();
  });

  it('refuse bad values with a message naming the flag', () => {
    expect(pcapOf(['--pcap', 'o.pcap', '--pcap-from', 'soon'])).toEqual({ kind: 'error', message: expect.stringContaining('--pcap-from') });
    expect(pcapOf(['--pcap', 'o.pcap', '--pcap-to', '-3'])).toEqual({ kind: 'error', message: expect.stringContaining('--pcap-to') });
    expect(pcapOf(['--pcap', 'o.pcap', '--pcap-from', '9', '--pcap-to', '3'])).toEqual({ kind: 'error', message: expect.stringContaining('--pcap-to') });
    expect(pcapOf(['--pcap-peer', 'me'])).toEqual({ kind: 'error', message: '--pcap-peer needs --pcap FILE' });
    expect(pcapOf(['--pcap'])).toEqual({ kind: 'error', message: '--pcap needs a value' });
  });
});

describe('sim --pcap', () => {
  it("writes the subject's capture for a time range and exits 0, the summary unchanged", () => {
    const out = join(tmp, 'me.pcap');
    const r = sim(scenario, '--pcap', out, '--pcap-peer', 'me', '--pcap-from', '1', '--pcap-to', '10');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('traceHash');
    const { packets } = readPcap(new Uint8Array(readFileSync(out)));
    expect(packets.length).toBeGreaterThan(0);
    // The subject is the scenario's fifth peer: 10.0.5.1.
    expect(packets.every((p) => p.src === '10.0.5.1' || p.dst === '10.0.5.1')).toBe(true);
  });

  it('exits 2 naming the flag for a peer the scenario does not have, or a file it cannot write', () => {
    const nobody = sim(scenario, '--pcap', join(tmp, 'x.pcap'), '--pcap-peer', 'nobody');
    expect(nobody.code).toBe(2);
    expect(nobody.stderr).toMatch(/^swarmscope: --pcap-peer: the scenario has no peer named "nobody"/);
    const nowhere = sim(scenario, '--pcap', join(tmp, 'missing', 'x.pcap'));
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('--pcap');
    const same = sim(scenario, '--pcap', join(tmp, 'r.json'), '--out', join(tmp, 'r.json'));
    expect(same.code).toBe(2);
    expect(same.stderr).toContain('--pcap');
  });
});
