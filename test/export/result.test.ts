import { describe, expect, it } from 'vitest';
import { MESSAGE_NAMES, type SimConfig, type SimResult } from '../../src/engine/types';
import { buildResultFile, stringifyResultFile, summarizeResult } from '../../src/export/result';
import { parseScenario } from '../../src/scenario';

function config(): SimConfig {
  const r = parseScenario({
    name: 'R',
    seed: 9,
    torrent: { pieceLength: 16384, size: 40000 },
    stopAt: 100,
    peers: [
      { name: 'seed', seed: true },
      { name: 'L', count: 2, download: 65536 },
    ],
  });
  if (!r.ok) throw new Error('bad test scenario');
  return r.config;
}

const peer = (name: string, over: Partial<SimResult['peers'][number]> = {}): SimResult['peers'][number] => ({
  name,
  seed: false,
  subject: false,
  upload: 131072,
  download: 65536,
  joinedAt: 0,
  leftAt: null,
  completedAt: null,
  uploadedBytes: 0,
  downloadedBytes: 0,
  piecesHave: 0,
  ...over,
});

const result: SimResult = {
  endTime: 12_345_678,
  endReason: 'stopAt',
  peers: [
    peer('seed', { seed: true, download: null, completedAt: 0, uploadedBytes: 40000, piecesHave: 3 }),
    peer('L-1', { completedAt: 2_500_000, downloadedBytes: 40000, piecesHave: 3 }),
    peer('L-2', { joinedAt: 1_000_000, completedAt: 5_500_000, leftAt: 6_000_001, uploadedBytes: 16384 }),
  ],
  lostBytes: 16384,
  inFlightBytes: 0,
  messages: Object.fromEntries(MESSAGE_NAMES.map((m, i) => [m, i])) as SimResult['messages'],
  traceEvents: 77,
};

const file = () =>
  buildResultFile({
    version: '0.1.0',
    engineVersion: 'e1',
    scenarioSha256: 'ab'.repeat(32),
    config: config(),
    result,
    traceHash: 'cd'.repeat(32),
  });

describe('result file', () => {
  it('has the contract keys, in order, with any additions after them', () => {
    const f = file();
    const keys = Object.keys(f);
    const contract = ['swarmscope', 'scenario', 'seed', 'traceHash', 'endTime', 'torrent', 'peers', 'lostBytes', 'messages'];
    expect(keys.filter((k) => contract.includes(k))).toEqual(contract);
    expect(Object.keys(f.scenario)).toEqual(['name', 'sha256']);
    expect(Object.keys(f.torrent)).toEqual(['pieceLength', 'pieces', 'size']);
    const peerContract = ['name', 'seed', 'upload', 'download', 'joinedAt', 'leftAt', 'completedAt', 'uploadedBytes', 'downloadedBytes'];
    expect(Object.keys(f.peers[0]!).filter((k) => peerContract.includes(k))).toEqual(peerContract);
    expect(Object.keys(f.messages)).toEqual([...MESSAGE_NAMES]);
  });

  it('times are seconds or null; download null when unlimited', () => {
    const f = file();
    expect(f.endTime).toBe(12.345678);
    expect(f.stopAt).toBe(100);
    expect(f.peers[2]).toMatchObject({ joinedAt: 1, completedAt: 5.5, leftAt: 6.000001, group: 'L' });
    expect(f.peers[1]!.leftAt).toBeNull();
    expect(f.peers[0]!.download).toBeNull();
    expect(f.torrent).toEqual({ pieceLength: 16384, pieces: 3, size: 40000 });
    expect(f.scenario).toEqual({ name: 'R', sha256: 'ab'.repeat(32) });
    expect(f.seed).toBe(9);
  });

  it('stringifies as pretty JSON with a final newline that parses back', () => {
    const text = stringifyResultFile(file());
    expect(text.endsWith('}\n')).toBe(true);
    expect(JSON.parse(text)).toEqual(file());
  });

  it('summary: leechers completed, completion time from joining, bytes uploaded', () => {
    expect(summarizeResult(file())).toEqual({
      leechers: 2,
      completed: 2,
      meanCompletion: 3.5,
      maxCompletion: 4.5,
      uploadedBytes: 56384,
    });
  });
});
