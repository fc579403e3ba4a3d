// The analysis behind the charts and evidence panels (src/app/live-analysis.ts) and the printable
// report (src/app/printable.ts), driven through a real session as the app drives it.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/app/commands';
import { libraryEntry } from '../../src/app/library';
import { liveAnalysis, liveReport } from '../../src/app/live-analysis';
import { printableReport, UNKNOWN_SHA256 } from '../../src/app/printable';
import { subjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import { makeContext, smallSwarm } from './context';

const S = 1_000_000;

describe('the live analysis', () => {
  it('reads a long way in several calls when given a budget, and says when it has caught up', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seek', 10 * S);
    const sim = ctx.session.sim!;
    const calls: boolean[] = [];
    for (let upToDate = false; !upToDate; ) {
      ({ upToDate } = liveAnalysis(sim, 500));
      calls.push(upToDate);
    }
    expect(calls.length).toBe(Math.ceil(sim.trace.length / 500));
    expect(liveReport(liveAnalysis(sim).live)).toEqual(subjectReport(sim));
  });

  it('after a seek back, starts again and gives the report of that moment', () => {
    const ctx = makeContext(smallSwarm);
    const sim = ctx.session.sim!;
    run(ctx, 'seek', 9 * S);
    const ahead = liveAnalysis(sim).live;
    expect(liveReport(ahead)!.asOf).toBe(9);
    run(ctx, 'seek', 4 * S);
    const back = liveAnalysis(sim).live;
    expect(back).not.toBe(ahead);
    const fresh = new Sim(sim.config, { checkpointEvery: 0 });
    fresh.runUntil(4 * S);
    expect(liveReport(back)).toEqual(subjectReport(fresh));
  });
});

describe('the printable report', () => {
  it('of a library scenario: the file’s SHA-256, the traceHash so far and a rerun command with --until', () => {
    const entry = libraryEntry('flash-crowd')!;
    const ctx = makeContext();
    run(ctx, 'loadScenario', { json: entry.json, id: entry.id });
    run(ctx, 'seek', 20 * S);
    const made = printableReport(ctx);
    if (!made.ok) throw new Error(made.error);
    const until = new Sim({ ...ctx.session.sim!.config, stopAt: 20 * S }, { checkpointEvery: 0 });
    until.run();
    expect(made.traceHash).toBe(until.traceHash());
    expect(made.html).toContain(until.traceHash());
    expect(made.html).toContain(createHash('sha256').update(entry.text).digest('hex'));
    expect(made.html).toContain('npm run -s sim -- scenarios/flash-crowd.json --seed 1 --until 20 --report json');
    expect(made.fileName).toBe('flash-crowd-seed1-20000ms-report.html');
  });

  it('of an opened file hashes the file’s text; without the text it says the hash is unknown', () => {
    const text = `${JSON.stringify(smallSwarm, null, 2)}\n`;
    const ctx = makeContext();
    run(ctx, 'loadScenario', { json: smallSwarm, id: null, text });
    const made = printableReport(ctx);
    expect(made.ok && made.html.includes(createHash('sha256').update(text).digest('hex'))).toBe(true);
    const bare = printableReport(makeContext(smallSwarm));
    expect(bare.ok && bare.html.includes(UNKNOWN_SHA256)).toBe(true);
  });

  it('of a finished run has no --until, and the command is off without a subject', () => {
    const ctx = makeContext(smallSwarm);
    run(ctx, 'seekEnd');
    const made = printableReport(ctx);
    expect(made.ok && !made.html.includes('--until') && made.html.includes('the end of the run')).toBe(true);
    const none = makeContext({ ...smallSwarm, peers: smallSwarm.peers.map((p) => ({ ...p, subject: undefined })) });
    expect(printableReport(none)).toEqual({ ok: false, error: 'This scenario has no subject peer, so there is no subject report.' });
    expect(run(none, 'printableReport')).toBe(false);
  });
});
