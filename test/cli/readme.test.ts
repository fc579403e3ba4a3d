// The README's examples are what the tools print and read: the default scenario as shown, the
// narration example, the example run, the error lines, and the subject's capture of the flash crowd
// as tshark reads it (its first frames, its size and its counts). An engine change that moves a
// figure fails here until the README says the new one.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/parse';
import { requireTshark, tshark } from '../export/tshark';
import { root, scratch, sim } from './run-cli';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
const files = scratch('swarmscope-readme-');

/** The text of the first fenced block after the first place the README says `after`. */
function blockAfter(after: string): string {
  const at = readme.indexOf(after);
  if (at < 0) throw new Error(`the README no longer says ${JSON.stringify(after)}`);
  const start = readme.indexOf('\n', readme.indexOf('```', at)) + 1;
  return readme.slice(start, readme.indexOf('```', start));
}

/** The README's paragraph text from `after` on, with its line breaks as spaces. */
const proseAfter = (after: string): string => readme.slice(readme.indexOf(after)).replace(/\s+/g, ' ');

/** A number as the README writes it (1,984). */
const figure = (text: string | undefined): number => Number(text!.replace(/,/g, ''));

/** Lines with their column padding squeezed to one space (tshark pads to its columns). */
const squeezed = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .filter((l) => l !== '');

const scenarioFile = (name: string): Record<string, unknown> => JSON.parse(readFileSync(join(root, 'scenarios', name), 'utf8')) as Record<string, unknown>;

it('the default scenario shown is scenarios/flash-crowd.json, less the keys it leaves out, and seed-leaves.json adds what it says', () => {
  const shown = JSON.parse(blockAfter('The default, `scenarios/flash-crowd.json`:')) as Record<string, unknown>;
  const file = scenarioFile('flash-crowd.json');
  const { description, ...rest } = shown;
  expect(description).toMatch(/…$/);
  expect(String(file.description).startsWith(String(description).slice(0, -1).trim())).toBe(true);
  for (const [key, value] of Object.entries(rest)) expect([key, file[key]]).toEqual([key, value]);
  const seedLeaves = scenarioFile('seed-leaves.json');
  const adds = /`scenarios\/seed-leaves\.json` adds `"stopAt": (\d+)` and a scripted event:\s*`"events": (\[[^`]*\])`/.exec(readme);
  expect(adds).not.toBeNull();
  expect([seedLeaves.stopAt, seedLeaves.events]).toEqual([Number(adds![1]), JSON.parse(adds![2]!)]);
});

it('the narration example is valid narration for the default scenario', () => {
  const narration = JSON.parse(`{${blockAfter('indices) and `"colouring"`')}}`) as { narration: unknown[] };
  expect(narration.narration.length).toBeGreaterThan(0);
  const r = parseScenario({ ...scenarioFile('flash-crowd.json'), ...narration });
  expect(r.ok ? [] : r.errors).toEqual([]);
});

it('the example run is what `npm run -s sim -- scenarios/flash-crowd.json` prints', () => {
  const r = sim('scenarios/flash-crowd.json');
  expect(r.code).toBe(0);
  expect(r.stdout).toBe(blockAfter('A real run, `npm run -s sim -- scenarios/flash-crowd.json`:'));
});

it('the error lines are what the CLI prints, exit code 2, for a file with those mistakes', () => {
  const file = files.write(
    'bad.json',
    JSON.stringify({
      name: 'bad',
      torrent: { pieceLength: 1000, pieces: 4 },
      peers: [
        { name: 'seed', seed: true, uplaod: 1 },
        { name: 'L', count: 3, upload: -5 },
        { name: 'x', download: '2 mb/s' },
      ],
      events: [{ at: 1, peer: 'L-4', action: 'leave' }],
    }),
  );
  const r = sim(file);
  expect(r.code).toBe(2);
  expect(r.stderr.split(file).join('bad.json')).toBe(blockAfter('The CLI prefixes each line with the file:'));
});

describe("the subject's capture of the flash crowd, read by tshark", () => {
  const pcap = files.path('subject.pcap');
  beforeAll(() => {
    requireTshark(); // fails with ENOENT: apt-get install tshark
    expect(sim('scenarios/flash-crowd.json', '--pcap', pcap, '--pcap-peer', 'subject').code).toBe(0);
  });

  it('begins with the frames the README shows, for the command it shows', () => {
    const [command, ...shown] = squeezed(blockAfter("The subject's capture of `scenarios/flash-crowd.json`"));
    expect(command).toBe('$ tshark -2 -r subject.pcap -d tcp.port==6881,bittorrent -Y "tcp.stream == 0"');
    expect(squeezed(tshark(pcap, '-Y', 'tcp.stream == 0')).slice(0, shown.length)).toEqual(shown);
  });

  it('has the size, packets, connections and counts of piece messages and haves the README gives', () => {
    const prose = proseAfter("The subject's capture of `scenarios/flash-crowd.json`");
    const size = /\(([\d.]+) MB, ([\d,]+) packets, (\d+) TCP connections/.exec(prose);
    const pieces = /Its ([\d,]+) piece messages are ([\d,]+) blocks it downloaded \(endgame duplicates included\) and the ([\d,]+) it sent/.exec(prose);
    const haves = /ip\.src == 10\.0\.32\.1` finds its ([\d,]+) haves/.exec(prose);
    const firstHave = /\(frame (\d+), at ([\d.]+) s\) the subject's haves/.exec(prose);
    expect([size, pieces, haves, firstHave]).not.toContain(null);

    // One line a frame: its number, time, source, TCP stream and the BitTorrent message types in it.
    const frames = squeezed(tshark(pcap, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'frame.number', '-e', 'frame.time_relative', '-e', 'ip.src', '-e', 'tcp.stream', '-e', 'bittorrent.msg.type')).map((l) => l.split(' '));
    const subject = '10.0.32.1';
    let sent = 0;
    let received = 0;
    let haveCount = 0;
    for (const [, , src, , types = ''] of frames) {
      for (const t of types.split(',')) {
        if (t === '7' && src === subject) sent++;
        else if (t === '7') received++;
        if (t === '4' && src === subject) haveCount++;
      }
    }
    const first = frames.find(([, , src, stream, types = '']) => stream === '0' && src === subject && types.split(',').includes('4'));

    expect(Number((statSync(pcap).size / 1e6).toFixed(1))).toBe(Number(size![1]));
    expect(frames.length).toBe(figure(size![2]));
    expect(new Set(frames.map((f) => f[3])).size).toBe(Number(size![3]));
    expect([sent + received, received, sent]).toEqual([figure(pieces![1]), figure(pieces![2]), figure(pieces![3])]);
    expect(haveCount).toBe(figure(haves![1]));
    expect([first![0], Number(first![1]).toFixed(1)]).toEqual([firstHave![1], firstHave![2]]);
  });
});
