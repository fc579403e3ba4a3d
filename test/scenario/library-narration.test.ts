// Every library scenario runs to its end headless, every narration step fires, and each scenario shows
// the thing it was written to teach (one assertion each, able to fail if the swarm stopped doing it).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { narrationFirings } from '../../src/analysis/narration';
import { subjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import { HAVE } from '../../src/engine/state';
import { LEAVE_REASON, records, SLOT, T } from '../../src/engine/trace';
import type { SimConfig } from '../../src/engine/types';
import { formatScenarioErrors, parseScenarioText, resolveNarration, type Scenario } from '../../src/scenario';

const dir = new URL('../../scenarios/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
const S = 1e6;

interface Run {
  scenario: Scenario;
  config: SimConfig;
  sim: Sim;
}

const runs = new Map<string, Run>();
/** Run a library file once (to its end, or to `until` µs) and keep it for the assertions below. */
function run(file: string): Run {
  const cached = runs.get(file);
  if (cached) return cached;
  const r = parseScenarioText(readFileSync(new URL(file, dir), 'utf8'));
  if (!r.ok) throw new Error(`${file}:\n${formatScenarioErrors(r.errors)}`);
  const sim = new Sim(r.config, { checkpointEvery: 0 });
  sim.run();
  const out = { scenario: r.scenario, config: r.config, sim };
  runs.set(file, out);
  return out;
}

const index = (c: SimConfig, name: string) => c.peers.findIndex((p) => p.name === name);
const members = (c: SimConfig, group: string) => c.peers.flatMap((p, i) => (p.group === group ? [i] : []));
const completedAt = (r: Run, i: number) => r.sim.result().peers[i]!.completedAt;
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const meanCompletion = (r: Run, group: string) => mean(members(r.config, group).map((i) => completedAt(r, i)! - r.sim.result().peers[i]!.joinedAt!));

/** Payload bytes that arrived, from a peer of `from` to a peer of `to`. */
function bytesBetween(r: Run, from: readonly number[], to: readonly number[]): number {
  let bytes = 0;
  for (const x of records(r.sim.trace)) if (x.kind === T.RECEIVED && from.includes(x.from) && to.includes(x.to)) bytes += x.y;
  return bytes;
}

/** Pieces held by at least one peer that did not start as a seed, at time `at` (µs). */
function distinctPiecesAmongLeechers(file: string, at: number): number {
  const r = parseScenarioText(readFileSync(new URL(file, dir), 'utf8'));
  if (!r.ok) throw new Error(file);
  const sim = new Sim(r.config, { checkpointEvery: 0 });
  sim.runUntil(at);
  let held = 0;
  for (let piece = 0; piece < r.config.torrent.pieces; piece++) {
    if (sim.state.peers.some((p, i) => !r.config.peers[i]!.seed && (p.pieces[piece]! & HAVE) !== 0)) held++;
  }
  return held;
}

describe('the scenario library: runs, narration, audience', () => {
  it('has the scenarios the issue asks for', () => {
    expect(files.length).toBeGreaterThanOrEqual(15);
  });

  for (const file of files) {
    it(`${file}: runs to its end, says who it is for, and every narration step fires`, () => {
      const { scenario, config, sim } = run(file);
      const result = sim.result();
      expect(result.endReason).not.toBe('running');
      expect(result.endReason).not.toBe('cap');
      expect(scenario.description?.length ?? 0).toBeGreaterThan(50);
      expect(scenario.audience?.length ?? 0).toBeGreaterThan(0);
      const steps = resolveNarration(scenario);
      expect(steps.length).toBeGreaterThanOrEqual(3);
      const firings = narrationFirings(sim.trace, config, steps.map((s) => s.trigger), result.endTime);
      const silent = steps.flatMap((s, i) => (firings[i] === null ? [`step ${i}: ${s.text.slice(0, 60)}`] : []));
      expect(silent, 'narration steps that never fired').toEqual([]);
      // Plain text, short: no markup for the app to misread.
      for (const s of steps) {
        expect(s.text).not.toMatch(/<[a-z/!]/i);
        expect(s.text.length).toBeLessThan(500);
      }
    });
  }
});

describe('each library scenario shows what it teaches', () => {
  it('flash-crowd: the leechers, not the seed, make most of the copies', () => {
    const r = run('flash-crowd.json');
    const seed = r.sim.result().peers[index(r.config, 'seed')]!;
    const all = r.sim.result().peers.reduce((sum, p) => sum + p.downloadedBytes, 0);
    expect(seed.uploadedBytes / all).toBeLessThan(0.25);
  });

  it('seed-leaves: pieces leave with the seed, and no leecher completes', () => {
    const r = run('seed-leaves.json');
    expect(distinctPiecesAmongLeechers('seed-leaves.json', 90 * S)).toBe(43);
    expect(members(r.config, 'L').every((i) => completedAt(r, i) === null)).toBe(true);
  });

  it('tit-for-tat: fast peers get their bytes from each other, not from slow peers, and finish first', () => {
    const r = run('tit-for-tat.json');
    const fast = members(r.config, 'fast');
    const slow = members(r.config, 'slow');
    expect(bytesBetween(r, fast, fast)).toBeGreaterThan(10 * bytesBetween(r, slow, fast));
    expect(meanCompletion(r, 'fast')).toBeLessThan(0.8 * meanCompletion(r, 'slow'));
    // The narration's claim at 20.5 s: fast-1's regular slots went to the other fast peers.
    const f1 = index(r.config, 'fast-1');
    const at20 = [...records(r.sim.trace)].find((x) => x.kind === T.RECHOKE && x.from === f1 && x.time === 20 * S)!;
    const regular: number[] = [];
    for (let k = 0; k < at20.y; k++) if (r.sim.trace.aux[at20.x + 4 * k + 2] === SLOT.REGULAR) regular.push(r.sim.trace.aux[at20.x + 4 * k]!);
    expect(regular.sort()).toEqual(fast.filter((i) => i !== f1));
  });

  it('optimistic-unchoke: A tries B optimistically, then keeps it in a regular slot for what it sends', () => {
    const r = run('optimistic-unchoke.json');
    const A = index(r.config, 'A');
    const B = index(r.config, 'B');
    const slow = members(r.config, 'slow');
    let optimisticAt: number | null = null;
    let earned = false;
    for (const x of records(r.sim.trace)) {
      if (x.kind !== T.RECHOKE || x.from !== A) continue;
      const rows = Array.from({ length: x.y }, (_, k) => ({
        peer: r.sim.trace.aux[x.x + 4 * k]!,
        rate: r.sim.trace.aux[x.x + 4 * k + 1]!,
        slot: r.sim.trace.aux[x.x + 4 * k + 2]!,
      }));
      const b = rows.find((row) => row.peer === B);
      if (optimisticAt === null && b?.slot === SLOT.OPTIMISTIC) optimisticAt = x.time;
      else if (optimisticAt !== null && x.time >= optimisticAt + 10 * S && rows.length > 2 && b?.slot === SLOT.REGULAR) {
        // A timer rechoke: B ranked above every slow peer by the rate it sent at.
        earned = rows.filter((row) => slow.includes(row.peer)).every((row) => row.rate < b.rate);
        break;
      }
    }
    expect(optimisticAt).not.toBeNull();
    expect(earned).toBe(true);
  });

  it('free-rider: the free riders upload nothing and finish later than the reciprocating peers', () => {
    const r = run('free-rider.json');
    for (const i of members(r.config, 'freerider')) expect(r.sim.result().peers[i]!.uploadedBytes).toBe(0);
    expect(meanCompletion(r, 'freerider')).toBeGreaterThan(1.1 * meanCompletion(r, 'L'));
  });

  it('rarest-first vs random-pieces: same swarm; rarest first keeps every piece when the seed leaves, random does not', () => {
    const a = run('rarest-first.json');
    const b = run('random-pieces.json');
    // The two files differ only in the leechers' piece selection.
    const strip = (c: SimConfig) => JSON.stringify({ ...c, name: '', peers: c.peers.map((p) => ({ ...p, settings: {} })) });
    expect(strip(a.config)).toBe(strip(b.config));
    expect(a.sim.result().peers[0]!.uploadedBytes).toBe(b.sim.result().peers[0]!.uploadedBytes);
    expect(distinctPiecesAmongLeechers('rarest-first.json', 58 * S)).toBe(64);
    expect(distinctPiecesAmongLeechers('random-pieces.json', 58 * S)).toBeLessThan(64);
    expect(members(a.config, 'L').every((i) => completedAt(a, i) !== null)).toBe(true);
    expect(members(b.config, 'L').every((i) => completedAt(b, i) === null)).toBe(true);
  });

  it('endgame: every leecher cancels duplicate requests, and only for its last pieces', () => {
    const r = run('endgame.json');
    const verified = new Map<number, number>();
    const atFirstCancel = new Map<number, number>();
    for (const x of records(r.sim.trace)) {
      if (x.kind === T.VERIFIED) verified.set(x.from, (verified.get(x.from) ?? 0) + 1);
      if (x.kind === T.CANCEL && !atFirstCancel.has(x.from)) atFirstCancel.set(x.from, verified.get(x.from) ?? 0);
    }
    const leechers = members(r.config, 'L');
    expect([...atFirstCancel.keys()].sort((a, b) => a - b)).toEqual(leechers);
    for (const held of atFirstCancel.values()) expect(held).toBeGreaterThanOrEqual(r.config.torrent.pieces / 2);
    // Duplicates: some block arrived twice at L-1 (the narration says so).
    expect(r.sim.result().peers[index(r.config, 'L-1')]!.downloadedBytes).toBeGreaterThan(r.config.torrent.size);
  });

  it('super-seeding: the seed sends less than 1.2 copies before the first completion', () => {
    const r = run('super-seeding.json');
    const first = [...records(r.sim.trace)].find((x) => x.kind === T.COMPLETED)!.time;
    let bytes = 0;
    for (const x of records(r.sim.trace)) if (x.kind === T.RECEIVED && x.from === 0 && x.time <= first) bytes += x.y;
    expect(bytes / r.config.torrent.size).toBeLessThan(1.2);
    expect(bytes / r.config.torrent.size).toBeGreaterThanOrEqual(1);
  });

  it('churn: members arrive one by one, leave after seeding, and all that arrived complete', () => {
    const r = run('churn.json');
    const res = r.sim.result();
    const arrived = members(r.config, 'A').filter((i) => res.peers[i]!.joinedAt !== null);
    expect(new Set(arrived.map((i) => res.peers[i]!.joinedAt)).size).toBe(arrived.length);
    expect(arrived.length).toBeGreaterThanOrEqual(20);
    const left = [...records(r.sim.trace)].filter((x) => x.kind === T.LEAVE && x.x === LEAVE_REASON.AFTER_COMPLETE);
    expect(left.length).toBeGreaterThan(arrived.length / 2);
    expect(arrived.every((i) => res.peers[i]!.completedAt !== null)).toBe(true);
  });

  it('corrupt-peer: mallory is banned, and every honest leecher completes', () => {
    const r = run('corrupt-peer.json');
    const mallory = index(r.config, 'mallory');
    expect([...records(r.sim.trace)].some((x) => x.kind === T.BANNED && x.to === mallory)).toBe(true);
    for (const i of members(r.config, 'L')) expect(completedAt(r, i)).not.toBeNull();
  });

  it('upload-while-downloading: the subject sent bytes while downloading, none after, and left at completion', () => {
    const r = run('upload-while-downloading.json');
    const report = subjectReport(r.sim)!;
    expect(report.uploaded.bytesWhileDownloading).toBeGreaterThan(0);
    expect(report.uploaded.bytesAfterComplete).toBe(0);
    const subject = r.sim.result().peers[index(r.config, 'subject')]!;
    expect(subject.leftAt).toBe(subject.completedAt);
  });

  it('upload-zero: the subject sends 0 bytes and announces every piece', () => {
    const r = run('upload-zero.json');
    const report = subjectReport(r.sim)!;
    expect(report.uploaded.bytes).toBe(0);
    expect(report.advertised.haves).toBeGreaterThan(0);
    expect(new Set(report.advertised.messages.flatMap((m) => m.pieces)).size).toBe(r.config.torrent.pieces);
    expect(report.advertised.unchokedIntervals.length).toBeGreaterThan(0);
  });

  it('investigator: the investigator receives from the subject only, a whole copy', () => {
    const r = run('investigator.json');
    const inv = index(r.config, 'investigator');
    const subject = index(r.config, 'subject');
    const senders = new Set<number>();
    for (const x of records(r.sim.trace)) if (x.kind === T.RECEIVED && x.to === inv) senders.add(x.from);
    expect([...senders]).toEqual([subject]);
    expect(completedAt(r, inv)).not.toBeNull();
  });

  it('bulk-dataset: seeding minimised still sends bytes while downloading, within the limit, split by file', () => {
    const r = run('bulk-dataset.json');
    const files = r.scenario.torrent.files!;
    expect(files.length).toBeGreaterThanOrEqual(200);
    expect(new Set(files.map((f) => f.length)).size).toBeGreaterThan(100);
    const inQuestion = files.filter((f) => f.inQuestion === true).map((f) => f.path);
    expect(inQuestion.length).toBeGreaterThan(0);
    const s = index(r.config, 'subject');
    expect(r.config.peers[s]!.client).toBe('libtorrent');
    const report = subjectReport(r.sim)!;
    expect(report.uploaded.bytesWhileDownloading).toBeGreaterThan(0);
    const p = r.sim.result().peers[s]!;
    // The 16 KiB/s limit holds over the subject's whole stay (a block may start just before it).
    expect(report.uploaded.bytes).toBeLessThanOrEqual(16384 * ((p.leftAt! - p.joinedAt!) / S) + 16384);
    const leave = [...records(r.sim.trace)].find((x) => x.kind === T.LEAVE && x.from === s)!;
    expect(leave.x).toBe(LEAVE_REASON.SEED_TIME);
    expect(report.files.reduce((sum, f) => sum + f.bytesSent, 0)).toBe(report.uploaded.bytes);
    expect(report.files.filter((f) => inQuestion.includes(f.path))).toHaveLength(inQuestion.length);
    // The marks reach the report: its files in question are exactly the scenario's.
    expect(report.files.filter((f) => f.inQuestion).map((f) => f.path)).toEqual(inQuestion);
  });
});
