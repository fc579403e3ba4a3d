// The CLI as a user meets it: a child process, its exit code, stdout, stderr and files.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { MESSAGE_NAMES } from '../../src/engine/types';
import { root, scratch, sim } from './run-cli';

const files = scratch('swarmscope-cli-');
const tmp = files.dir;
const scenarioFile = files.write;

/** Small and quick: one seed, four leechers, 8 pieces. */
const small = {
  name: 'Small swarm',
  torrent: { pieceLength: 16384 * 4, pieces: 8 },
  peers: [
    { name: 'seed', seed: true, upload: 262144 },
    { name: 'L', count: 4, upload: 65536, download: 524288 },
    { name: 'me', subject: true },
  ],
};

/** No stack-trace lines ("    at fn (file:1:2)") anywhere. */
const noStack = (text: string) => expect(text).not.toMatch(/^\s+at /m);

describe('bad input', () => {
  it('a scenario with an error: exit 2, stderr names the file and the JSON path, no stack trace', () => {
    const file = scenarioFile('bad.json', { ...small, peers: [{ name: 'seed', seed: true, upload: -5 }] });
    const r = sim(file);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`swarmscope: ${file}: peers[0].upload: expected a whole number of bytes per second ≥ 0, got -5\n`);
    noStack(r.stderr);
  });

  it('an unknown key: exit 2 with a suggestion', () => {
    const file = scenarioFile('typo.json', { ...small, peers: [{ name: 'seed', seed: true, uplaod: 5 }] });
    const r = sim(file);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('peers[0].uplaod: unknown key "uplaod"; did you mean "upload"?');
  });

  it('invalid JSON: exit 2, one clear line', () => {
    const r = sim(scenarioFile('broken.json', '{"name": "x",'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^swarmscope: .*broken\.json: not valid JSON: .+\n$/);
    noStack(r.stderr);
  });

  it('a file that is not UTF-8: exit 2', () => {
    const r = sim(files.write('latin1.json', Buffer.from([0x7b, 0x22, 0xe9, 0x22, 0x7d])));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not valid UTF-8/);
  });

  it('a missing file: exit 2, a message, no stack trace', () => {
    const r = sim(join(tmp, 'nope.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`swarmscope: cannot read "${join(tmp, 'nope.json')}": no such file\n`);
  });

  it('bad or unknown flags: exit 2, the problem and the usage', () => {
    for (const args of [['--sed', '1', 'a.json'], ['a.json', '--until', '0'], []]) {
      const r = sim(...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/^swarmscope: .+\n\nusage: /);
      noStack(r.stderr);
    }
  });

  it('--out into a folder that does not exist fails before the run', () => {
    const r = sim(scenarioFile('ok.json', small), '--out', join(tmp, 'no', 'such', 'r.json'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/does not exist/);
    expect(r.stdout).toBe('');
  });

  it('--out will not overwrite the scenario', () => {
    const file = scenarioFile('self.json', small);
    const r = sim(file, '--out', file);
    expect(r.code).toBe(2);
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(small, null, 2));
  });
});

describe('--help', () => {
  it('prints the usage and exits 0', () => {
    const r = sim('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: npm run -s sim -- <scenario.json \| file.torrent --peers peers.json> \[--seed N\] \[--until SECONDS\] \[--out result.json\]/);
  });
});

describe('a run', () => {
  const file = scenarioFile('small.json', small);
  const out = join(tmp, 'result.json');
  let r: ReturnType<typeof sim>;
  beforeAll(() => {
    r = sim(file, '--out', out);
  });

  it('exits 0, prints nothing on stderr when it is not a terminal', () => {
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('prints a short summary: name, seed, end time, completed, completion times, bytes, traceHash', () => {
    expect(r.stdout).toMatch(/^scenario\s+Small swarm$/m);
    expect(r.stdout).toMatch(/^seed\s+1$/m);
    expect(r.stdout).toMatch(/^ended at\s+[\d.]+ s \(/m);
    expect(r.stdout).toMatch(/^completed\s+\d+ \/ 5 peers/m);
    expect(r.stdout).toMatch(/^completion\s+(mean [\d.]+ s, max [\d.]+ s|no peer completed)/m);
    expect(r.stdout).toMatch(/^uploaded\s+[\d,]+ bytes/m);
    expect(r.stdout).toMatch(/^lost\s+[\d,]+ bytes/m);
    expect(r.stdout).toMatch(/^traceHash\s+[0-9a-f]{64}$/m);
  });

  it('--out writes the result file with the contract keys', () => {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(Object.keys(json)).toEqual(
      expect.arrayContaining([
        'swarmscope',
        'scenario',
        'seed',
        'traceHash',
        'endTime',
        'torrent',
        'peers',
        'lostBytes',
        'messages',
      ]),
    );
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
    expect(json.swarmscope).toBe(pkg.version);
    expect(json.scenario).toEqual({
      name: 'Small swarm',
      sha256: createHash('sha256').update(readFileSync(file)).digest('hex'),
    });
    expect(json.seed).toBe(1);
    expect(json.traceHash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.stdout).toContain(json.traceHash);
    expect(typeof json.endTime).toBe('number');
    expect(json.torrent).toEqual({ pieceLength: 65536, pieces: 8, size: 524288 });
    expect(json.peers).toHaveLength(6);
    for (const p of json.peers) {
      expect(Object.keys(p)).toEqual(
        expect.arrayContaining([
          'name',
          'seed',
          'upload',
          'download',
          'joinedAt',
          'leftAt',
          'completedAt',
          'uploadedBytes',
          'downloadedBytes',
        ]),
      );
    }
    expect(json.peers.map((p: { name: string }) => p.name)).toEqual(['seed', 'L-1', 'L-2', 'L-3', 'L-4', 'me']);
    expect(json.peers[0].download).toBeNull();
    expect(json.peers[1].download).toBe(524288);
    expect(json.peers[0].joinedAt).toBe(0);
    expect(Object.keys(json.messages).sort()).toEqual([...MESSAGE_NAMES].sort());
    expect(typeof json.lostBytes).toBe('number');
  });

  it('times in the result file are seconds (µs / 1e6), not µs', () => {
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.endTime).toBeLessThan(24 * 3600);
    expect(r.stdout).toMatch(new RegExp(`^ended at\\s+${Number(json.endTime.toFixed(3))} s`, 'm'));
  });

  it('the same scenario and seed give the same traceHash; --seed changes it', () => {
    const again = sim(file);
    const other = sim(file, '--seed', '2');
    const hash = (s: string) => /^traceHash\s+([0-9a-f]{64})$/m.exec(s)?.[1];
    expect(hash(again.stdout)).toBe(hash(r.stdout));
    expect(other.code).toBe(0);
    expect(other.stdout).toMatch(/^seed\s+2$/m);
    expect(hash(other.stdout)).toBeDefined();
    expect(hash(other.stdout)).not.toBe(hash(r.stdout));
  });

  it('--until stops the run at that simulated time', () => {
    const u = sim(file, '--until', '0.5', '--out', join(tmp, 'until.json'));
    expect(u.code).toBe(0);
    const json = JSON.parse(readFileSync(join(tmp, 'until.json'), 'utf8'));
    expect(json.endTime).toBeLessThanOrEqual(0.5);
    expect(json.stopAt).toBe(0.5);
  });
});

describe('--report and the subject in the result file', () => {
  it('--report json prints the subject report instead of the summary', () => {
    const r = sim(scenarioFile('report.json', small), '--report', 'json');
    expect(r.code).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(Object.keys(report).slice(0, 9)).toEqual([
      'name', 'advertised', 'uploaded', 'recipients', 'completedThirdParties',
      'completeCopyFromSubjectAlone', 'contributedToCompleteCopy', 'ratio', 'downstreamOnly',
    ]);
    expect(report.name).toBe('me');
    expect(Object.keys(report.advertised).slice(0, 4)).toEqual(['bitfields', 'haves', 'peersInformed', 'firstAt']);
    expect(Object.keys(report.uploaded).slice(0, 6)).toEqual([
      'bytes', 'blocks', 'wholePieces', 'recipients', 'bytesWhileDownloading', 'bytesAfterComplete',
    ]);
    expect(r.stdout).not.toMatch(/^traceHash/m);
  });

  it('--report md, html and csv print the report on stdout, with the run\'s reproducibility values', () => {
    const file = scenarioFile('report-formats.json', small);
    const out = join(tmp, 'formats-result.json');
    expect(sim(file, '--out', out).code).toBe(0);
    const md = sim(file, '--report', 'md');
    expect(md.code).toBe(0);
    expect(md.stderr).toBe('');
    expect(md.stdout).toMatch(/^# Subject report: me\n/);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    for (const value of [json.scenario.sha256, json.traceHash, `--seed ${json.seed}`, `${file} --seed 1 --report json`]) expect(md.stdout).toContain(value);
    const html = sim(file, '--report', 'html', '--seed', '1');
    expect(html.code).toBe(0);
    expect(html.stdout).toMatch(/^<!DOCTYPE html>\n/);
    expect(html.stdout).toContain(json.traceHash);
    const csv = sim(file, '--report=csv');
    expect(csv.code).toBe(0);
    expect(csv.stdout.split('\r\n')[0]).toBe(
      'name,bytes,blocks,wholePieces,verifiedPieces,firstAt,lastAt,completed,directShare,downstreamShare,subject,scenario,scenarioSha256,seed,swarmscope,engine,traceHash,endTime,split',
    );
    expect(csv.stdout).toContain(json.traceHash);
  });

  it('--report FORMAT --out FILE writes the report to FILE and the summary to stdout', () => {
    const target = join(tmp, 'report-via-out.md');
    const r = sim(scenarioFile('report-via-out.json', small), '--report', 'md', '--out', target);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenario\s+Small swarm$/m);
    expect(readFileSync(target, 'utf8')).toMatch(/^# Subject report: me\n/);
  });

  it('--report-out writes the report to the file and the summary to stdout', () => {
    const target = join(tmp, 'report.md');
    const r = sim(scenarioFile('report-out.json', small), '--report', 'md', '--report-out', target);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^scenario\s+Small swarm$/m);
    expect(r.stdout).not.toContain('# Subject report');
    expect(readFileSync(target, 'utf8')).toMatch(/^# Subject report: me\n/);
    const jsonTarget = join(tmp, 'report.json');
    expect(sim(scenarioFile('report-out-json.json', small), '--report', 'json', '--report-out', jsonTarget).code).toBe(0);
    expect(JSON.parse(readFileSync(jsonTarget, 'utf8')).name).toBe('me');
  });

  it('--report-out problems: exit 2 before the run, nothing on stdout', () => {
    const file = scenarioFile('report-out-bad.json', small);
    const cases: [string[], RegExp][] = [
      [['--report', 'md', '--report-out', join(tmp, 'no', 'such', 'r.md')], /^swarmscope: --report-out ".*": the folder .* does not exist\n$/],
      [['--report', 'md', '--report-out', tmp], /^swarmscope: --report-out ".*" is a directory\n$/],
      [['--report', 'md', '--report-out', file], /^swarmscope: --report-out ".*" would overwrite the scenario file\n$/],
      [['--report', 'md', '--report-out', join(tmp, 'same.out'), '--out', join(tmp, 'same.out')], /^swarmscope: --report-out ".*" is the same file as --out\n$/],
      [['--report-out', join(tmp, 'r.md')], /^swarmscope: --report-out needs --report/],
    ];
    for (const [args, message] of cases) {
      const r = sim(file, ...args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    }
    expect(readFileSync(file, 'utf8')).toBe(JSON.stringify(small, null, 2));
  });

  it('--report for a scenario without a subject: exit 2 before the run', () => {
    const file = scenarioFile('nosubject.json', { ...small, peers: small.peers.slice(0, 2) });
    const r = sim(file, '--report', 'json');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/has no subject/);
    expect(r.stdout).toBe('');
  });

  it('--out holds the report under "subject" when there is a subject, and no "subject" key otherwise', () => {
    const withOut = join(tmp, 'with-subject.json');
    const withoutOut = join(tmp, 'without-subject.json');
    expect(sim(scenarioFile('ws.json', small), '--out', withOut).code).toBe(0);
    expect(sim(scenarioFile('wos.json', { ...small, peers: small.peers.slice(0, 2) }), '--out', withoutOut).code).toBe(0);
    const a = JSON.parse(readFileSync(withOut, 'utf8'));
    expect(a.subject.name).toBe('me');
    const me = a.peers.find((p: { name: string }) => p.name === 'me');
    expect(a.subject.uploaded.bytes + a.subject.uploaded.lostBytes).toBe(me.uploadedBytes);
    expect('subject' in JSON.parse(readFileSync(withoutOut, 'utf8'))).toBe(false);
  });
});

describe('--counterfactual', () => {
  const file = () => scenarioFile('counterfactual.json', small);

  it('{}: both runs identical, every difference zero, the baseline is the plain report', () => {
    const plain = JSON.parse(sim(file(), '--report', 'json').stdout);
    const r = sim(file(), '--report', 'json', '--counterfactual', '{}');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(Object.keys(out).slice(0, 4)).toEqual(['baseline', 'counterfactual', 'settings', 'completion']);
    expect(out.baseline).toEqual(plain);
    expect(out.counterfactual).toEqual(plain);
    expect(out.settings).toEqual({});
    expect(out.traceHash.baseline).toBe(out.traceHash.counterfactual);
    expect(out.completion.map((c: { name: string }) => c.name)).toEqual(['seed', 'L-1', 'L-2', 'L-3', 'L-4', 'me']);
    for (const c of out.completion) expect([c.baseline, c.difference]).toEqual([c.counterfactual, 0]);
  });

  it('{"upload": 0}: the subject sends 0 bytes in the counterfactual; the baseline equals a plain run', () => {
    const plainOut = join(tmp, 'cf-plain.json');
    expect(sim(file(), '--out', plainOut).code).toBe(0);
    const plain = JSON.parse(readFileSync(plainOut, 'utf8'));
    const r = sim(file(), '--report=json', '--counterfactual={"upload": 0}');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.baseline).toEqual(plain.subject);
    expect(out.baseline.uploaded.bytes).toBeGreaterThan(0);
    expect(out.counterfactual.uploaded.bytes).toBe(0);
    expect(out.traceHash.baseline).toBe(plain.traceHash);
    expect(out.traceHash.counterfactual).not.toBe(plain.traceHash);
    expect(out.seed).toBe(plain.seed);
  });

  it('prints both runs side by side after the summary; Markdown gets a "Counterfactual run" section', () => {
    const text = sim(file(), '--counterfactual', '{"upload": 0}', '--seed', '1');
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^scenario\s+Small swarm$/m);
    expect(text.stdout).toMatch(/^counterfactual {2}\{"upload":0\} for me, seed 1$/m);
    expect(text.stdout).toMatch(/^me \(subject\): bytes sent\s+[\d,]+\s+0\s+-[\d,]+$/m);
    expect(text.stdout).toMatch(/^L-1: complete at /m);
    expect(text.stdout.match(/[0-9a-f]{64}/g)!.length).toBe(3);
    const md = sim(file(), '--report', 'md', '--counterfactual', '{"upload": 0}');
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('## Counterfactual run');
    expect(md.stdout).toContain('In the counterfactual run the subject sent 0 bytes that arrived');
    expect(md.stdout).toContain(`--report json --counterfactual '{"upload": 0}'`);
  });

  it('bad JSON, a value that is not an object, an unknown or a fixed key, a bad value: exit 2 naming the key, before any run', () => {
    const cases: [string, RegExp][] = [
      ['{"upload": 0', /^swarmscope: --counterfactual: not valid JSON: /],
      ['[1]', /^swarmscope: --counterfactual: expected a JSON object of the subject's fields/],
      ['{"uplaod": 0}', /^swarmscope: --counterfactual: counterfactual\.uplaod: unknown key "uplaod"; did you mean "upload"\?\n$/],
      ['{"settings": {"maxUploads": 0}}', /^swarmscope: --counterfactual: counterfactual\.settings\.maxUploads: expected a whole number from 1 to 100, got 0\n$/],
      ['{"upload": -1}', /^swarmscope: --counterfactual: counterfactual\.upload: expected a whole number of bytes per second ≥ 0, got -1\n$/],
      ['{"name": "other"}', /^swarmscope: --counterfactual: counterfactual\.name: "name" cannot change/],
    ];
    for (const [json, message] of cases) {
      const r = sim(file(), '--counterfactual', json);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
      noStack(r.stderr);
    }
    const csv = sim(file(), '--report', 'csv', '--counterfactual', '{}');
    expect(csv.code).toBe(2);
    expect(csv.stderr).toMatch(/--counterfactual works with --report json, md or html/);
    const noSubject = sim(scenarioFile('cf-nosubject.json', { ...small, peers: small.peers.slice(0, 2) }), '--counterfactual', '{}');
    expect(noSubject.code).toBe(2);
    expect(noSubject.stderr).toMatch(/has no subject/);
  });
});
