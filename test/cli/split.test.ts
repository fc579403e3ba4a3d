// `sim -- <scenario> --split`: the run split by peers, on two threads, is the split run to the byte
// (the trace hash, the result, the report and the capture a split Sim in one world gives), the result
// file and the report say it was split, and their rerun command has --split.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli, type CliIO } from '../../src/cli/cli';
import { subjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { writePcap } from '../../src/export/pcap';
import { parseScenarioText } from '../../src/scenario';

const tmp = mkdtempSync(join(tmpdir(), 'swarmscope-cli-split-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** The CLI in this process, its stderr a terminal (so that it draws its progress line). */
async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const out = { stdout: '', stderr: '' };
  const io: CliIO = { stdout: (t) => void (out.stdout += t), stderr: (t) => void (out.stderr += t), stderrIsTTY: true };
  const code = await runCli(argv, io);
  return { code, ...out };
}

function scenarioFile(name: string, value: unknown): { file: string; config: SimConfig } {
  const file = join(tmp, name);
  const text = JSON.stringify(value);
  writeFileSync(file, text);
  const parsed = parseScenarioText(text);
  if (!parsed.ok) throw new Error('bad test scenario');
  return { file, config: parsed.config };
}

/** The split run in one world (Sim split: true), to the end. */
function splitSim(config: SimConfig): Sim {
  const sim = new Sim(config, { checkpointEvery: 0, split: true });
  sim.run();
  return sim;
}

// Peers of several latencies (the window is the least between an even and an odd one), a subject
// that joins late, a leecher that leaves once complete.
const swarm = {
  name: 'Split swarm',
  seed: 3,
  torrent: { pieceLength: 65536, pieces: 24 },
  peers: [
    { name: 'seed', seed: true, upload: 524288, latency: 0.03 },
    { name: 'L', count: 6, upload: 131072, download: 1048576, latency: 0.02 },
    { name: 'far', count: 2, upload: 65536, download: 524288, latency: 0.08, leaveAfterComplete: 5 },
    { name: 'subject', subject: true, upload: 98304, joinAt: 2 },
  ],
};

describe('sim --split', () => {
  it('is the split run: the result file has its trace hash and result, says split, and the summary says so', async () => {
    const { file, config } = scenarioFile('swarm.json', swarm);
    const out = join(tmp, 'split.json');
    const r = await cli(file, '--split', '--out', out);
    expect(r.code).toBe(0);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    const sim = splitSim(config);
    expect(json.split).toBe(true);
    expect(json.traceHash).toBe(sim.traceHash());
    expect(json.endTime).toBe(sim.now / 1e6);
    const result = sim.result();
    expect(json.traceEvents).toBe(result.traceEvents);
    expect(json.messages).toEqual(result.messages);
    expect(json.peers.map((p: { uploadedBytes: number }) => p.uploadedBytes)).toEqual(result.peers.map((p) => p.uploadedBytes));
    expect(json.peers.map((p: { completedAt: number | null }) => p.completedAt)).toEqual(result.peers.map((p) => (p.completedAt === null ? null : p.completedAt / 1e6)));
    expect(r.stdout).toMatch(/^run\s+split by peers/m);
    expect(r.stderr).toContain('split by peers, on two threads');
    // With nothing but the summary asked for, the worker hashes the trace as the run goes: the same hash.
    const bare = await cli(file, '--split');
    expect(bare.code).toBe(0);
    expect(bare.stdout).toMatch(new RegExp(`^traceHash\\s+${sim.traceHash()}$`, 'm'));
    expect(r.stdout).toContain(json.traceHash);

    const plain = join(tmp, 'plain.json');
    expect((await cli(file, '--out', plain)).code).toBe(0);
    const unsplit = JSON.parse(readFileSync(plain, 'utf8'));
    expect(unsplit.split).toBe(false);
    expect(unsplit.traceHash).not.toBe(json.traceHash);
  });

  it('reports on the split run, and the report’s rerun command has --split', async () => {
    const { file, config } = scenarioFile('swarm.json', swarm);
    const json = await cli(file, '--split', '--until', '20', '--report', 'json');
    expect(json.code).toBe(0);
    const sim = new Sim({ ...config, stopAt: 20_000_000 }, { checkpointEvery: 0, split: true });
    sim.run();
    expect(JSON.parse(json.stdout)).toEqual(JSON.parse(JSON.stringify(subjectReport(sim))));
    const md = await cli(file, '--split', '--until', '20', '--report', 'md');
    expect(md.stdout).toContain(`--seed 3 --until 20 --split --report json`);
    expect(md.stdout).toMatch(/split by peers \(--split\) \| yes/);
    const csv = (await cli(file, '--split', '--until', '20', '--report', 'csv')).stdout.trim().split('\r\n');
    expect(csv[0]!.split(',').at(-1)).toBe('split');
    expect(csv.slice(1).every((row) => row.endsWith(',true'))).toBe(true);
    const plainMd = await cli(file, '--until', '20', '--report', 'md');
    expect(plainMd.stdout).toContain(`--seed 3 --until 20 --report json`);
    expect(plainMd.stdout).not.toContain('--split');
  });

  it('writes the split run’s capture', async () => {
    const { file, config } = scenarioFile('swarm.json', swarm);
    const pcap = join(tmp, 'split.pcap');
    expect((await cli(file, '--split', '--pcap', pcap, '--pcap-peer', 'subject')).code).toBe(0);
    const sim = splitSim(config);
    const chunks: Uint8Array[] = [];
    writePcap({ config, trace: sim.trace, uploads: sim.state.peers.map((p) => p.upload) }, { peer: config.peers.length - 1 }, { write: (c) => void chunks.push(c.slice()) });
    expect(Buffer.compare(readFileSync(pcap), Buffer.concat(chunks))).toBe(0);
  });

  it('compares a counterfactual run that is split too', async () => {
    const { file, config } = scenarioFile('swarm.json', swarm);
    const r = await cli(file, '--split', '--counterfactual', '{"upload": 0}', '--report', 'json');
    expect(r.code).toBe(0);
    const other = splitSim({ ...config, peers: config.peers.map((p) => (p.subject ? { ...p, upload: 0 } : p)) });
    expect(JSON.parse(r.stdout).traceHash).toEqual({ baseline: splitSim(config).traceHash(), counterfactual: other.traceHash() });
  });

  it('runs a swarm with nothing to wait for between its sides (latency 0) in one world, as the split run', async () => {
    const { file, config } = scenarioFile('zero.json', { ...swarm, peers: swarm.peers.map((p) => ({ ...p, latency: 0 })) });
    const out = join(tmp, 'zero.json.out');
    const r = await cli(file, '--split', '--out', out);
    expect(r.code).toBe(0);
    expect(r.stderr).not.toContain('two threads');
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.split).toBe(true);
    expect(json.traceHash).toBe(splitSim(config).traceHash());
  });
});
