// Narration triggers fire at the record that satisfies them: on hand-made traces where the answer is
// known by construction, and on real runs against a plain scan of the trace.
import { describe, expect, it } from 'vitest';
import { narrationFirings, NarrationWatcher, type EventTrigger, type NarrationTrigger } from '../../src/analysis/narration';
import { Sim } from '../../src/engine/sim';
import { append, auxReserve, createTrace, records, SLOT, T, type Trace } from '../../src/engine/trace';
import type { SimConfig } from '../../src/engine/types';
import { parseScenario, resolveNarration } from '../../src/scenario';
import { KiB, leechers, peer, S, swarm } from '../engine/helpers';

const on = (event: EventTrigger['event'], over: Partial<EventTrigger> = {}): EventTrigger => ({
  event,
  peers: null,
  to: null,
  piece: null,
  copies: null,
  count: 1,
  ...over,
});

function run(config: SimConfig): Sim {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.run();
  return sim;
}

/** The index of the n-th record (1-based) matching `test`, or null. */
function nth(trace: Trace, test: (r: ReturnType<typeof records> extends Generator<infer R> ? R : never) => boolean, n = 1): number | null {
  let seen = 0;
  for (const r of records(trace)) if (test(r) && ++seen === n) return r.index;
  return null;
}

const recordOf = (f: { record: number | null } | null): number | null => (f === null ? null : f.record);

describe('narration triggers on a hand-made trace', () => {
  // peers: 0 seed (initial seed), 1 A, 2 B, 3 C; a torrent of 2 pieces.
  const config = swarm([peer('seed', { seed: true }), peer('A'), peer('B'), peer('C')], { pieces: 2, pieceLength: 16 * KiB });
  const tr = createTrace();
  const rechoke = (time: number, from: number, rows: [number, number][]) => {
    const off = auxReserve(tr, rows.length * 4);
    rows.forEach(([remote, slot], i) => tr.aux.set([remote, 0, slot, 0], off + 4 * i));
    append(tr, time, T.RECHOKE, from, 0, off, rows.length);
  };
  append(tr, 0, T.JOIN, 0, 0, 0, 0); // 0
  append(tr, 0, T.JOIN, 1, 0, 0, 0); // 1
  append(tr, 1 * S, T.JOIN, 2, 0, 0, 0); // 2
  append(tr, 2 * S, T.UNCHOKE, 0, 1, 0, 0); // 3
  append(tr, 2 * S, T.PIECE, 0, 1, 0, 16384); // 4
  append(tr, 3 * S, T.VERIFIED, 1, 0, 0, 0); // 5: piece 0 now has 2 copies (seed, A)
  rechoke(10 * S, 1, [[2, SLOT.REGULAR], [3, SLOT.OPTIMISTIC]]); // 6: A's optimistic slot to C
  append(tr, 11 * S, T.PIECE, 1, 3, 0, 16384); // 7: A's first upload, to C
  rechoke(20 * S, 1, [[3, SLOT.OPTIMISTIC]]); // 8: same holder, not new
  append(tr, 21 * S, T.VERIFIED, 3, 0, 0, 0); // 9: piece 0 has 3 copies
  append(tr, 22 * S, T.LEAVE, 0, 0, 2, 0); // 10: the seed leaves: piece 0 back to 2 copies
  append(tr, 23 * S, T.VERIFIED, 2, 0, 0, 0); // 11: piece 0 at 3 again (B)
  rechoke(30 * S, 1, [[3, SLOT.REGULAR], [2, SLOT.OPTIMISTIC]]); // 12: A's optimistic slot moves to B
  append(tr, 31 * S, T.CANCEL, 2, 1, 1, 0); // 13
  append(tr, 32 * S, T.CHOKE, 1, 2, 0, 0); // 14
  append(tr, 33 * S, T.COMPLETED, 1, 0, 0, 0); // 15
  append(tr, 34 * S, T.BANNED, 3, 2, 3, 0); // 16
  append(tr, 35 * S, T.COMPLETED, 3, 0, 0, 0); // 17
  const fire = (t: NarrationTrigger) => narrationFirings(tr, config, [t], 40 * S)[0]!;

  it('a time fires before the first record at or after it, and never after the end', () => {
    expect(fire({ at: 2 * S })).toEqual({ time: 2 * S, record: null, after: 3 });
    expect(fire({ at: 2.5 * S })).toEqual({ time: 2.5 * S, record: null, after: 5 });
    expect(fire({ at: 0 })).toEqual({ time: 0, record: null, after: 0 });
    expect(fire({ at: 38 * S })).toEqual({ time: 38 * S, record: null, after: 18 });
    expect(fire({ at: 41 * S })).toBeNull();
  });

  it('join, leave and complete fire at the peer\'s record; count waits for the n-th', () => {
    expect(fire(on('join', { peers: [2] }))).toEqual({ time: 1 * S, record: 2, after: 3 });
    expect(fire(on('join', { count: 3 }))?.record).toBe(2);
    expect(recordOf(fire(on('leave', { peers: [0] })))).toBe(10);
    expect(recordOf(fire(on('complete')))).toBe(15);
    expect(recordOf(fire(on('complete', { count: 2 })))).toBe(17);
    expect(recordOf(fire(on('complete', { peers: [3] })))).toBe(17);
    expect(fire(on('complete', { peers: [2] }))).toBeNull();
  });

  it('first-upload: the peer\'s first block, or its first block to one peer', () => {
    expect(recordOf(fire(on('first-upload', { peers: [1] })))).toBe(7);
    expect(recordOf(fire(on('first-upload', { peers: [0], to: [1] })))).toBe(4);
    expect(fire(on('first-upload', { peers: [0], to: [2] }))).toBeNull();
    expect(recordOf(fire(on('first-upload')))).toBe(4);
  });

  it('unchoke, choke, cancel and banned match the sender and the other end', () => {
    expect(recordOf(fire(on('unchoke', { peers: [0], to: [1] })))).toBe(3);
    expect(fire(on('unchoke', { peers: [1] }))).toBeNull();
    expect(recordOf(fire(on('choke', { to: [2] })))).toBe(14);
    expect(recordOf(fire(on('cancel', { peers: [2] })))).toBe(13);
    expect(recordOf(fire(on('banned', { peers: [3], to: [2] })))).toBe(16);
  });

  it('rechoke counts the peer\'s rechokes; optimistic-unchoke fires when the slot goes to a new peer', () => {
    expect(recordOf(fire(on('rechoke', { peers: [1], count: 2 })))).toBe(8);
    expect(recordOf(fire(on('optimistic-unchoke', { peers: [1] })))).toBe(6);
    expect(recordOf(fire(on('optimistic-unchoke', { peers: [1], count: 2 })))).toBe(12);
    expect(recordOf(fire(on('optimistic-unchoke', { to: [2] })))).toBe(12);
  });

  it('verified matches the peer and the piece', () => {
    expect(recordOf(fire(on('verified', { piece: 0, count: 2 })))).toBe(9);
    expect(fire(on('verified', { piece: 1 }))).toBeNull();
  });

  it('replication counts copies among present peers, an initial seed holding every piece', () => {
    expect(recordOf(fire(on('replication', { piece: 1, copies: 1 })))).toBe(0);
    expect(recordOf(fire(on('replication', { piece: 0, copies: 2 })))).toBe(5);
    expect(recordOf(fire(on('replication', { copies: 3 })))).toBe(9);
    expect(fire(on('replication', { piece: 0, copies: 4 }))).toBeNull();
    // The seed left at record 10, so piece 1 never has 2 copies.
    expect(fire(on('replication', { piece: 1, copies: 2 }))).toBeNull();
  });

  it('fed record by record, fires at the same records', () => {
    const triggers: NarrationTrigger[] = [{ at: 20 * S }, on('optimistic-unchoke', { count: 2 }), on('replication', { copies: 3 }), on('complete')];
    const partial = createTrace();
    const w = new NarrationWatcher(config, triggers);
    for (const r of records(tr)) {
      append(partial, r.time, r.kind, r.from, r.to, r.x, r.y);
      partial.aux = tr.aux;
      partial.auxLength = tr.auxLength;
      w.feed(partial);
    }
    w.advanceTo(40 * S);
    expect(w.firings).toEqual(narrationFirings(tr, config, triggers, 40 * S));
    expect(w.done).toBe(true);
  });
});

describe('narration triggers on real runs', () => {
  const config = swarm(
    [peer('seed', { seed: true, upload: 128 * KiB }), ...leechers('L', 5, { leaveAfterComplete: 2 * S }), peer('subject', { subject: true })],
    { pieces: 48, pieceLength: 32 * KiB },
  );
  const sim = run(config);
  const tr = sim.trace;
  const subject = config.peers.length - 1;
  const end = sim.result().endTime;

  it('each event fires at the record a plain scan of the trace finds', () => {
    const cases: [EventTrigger, number | null][] = [
      [on('first-upload', { peers: [subject] }), nth(tr, (r) => r.kind === T.PIECE && r.from === subject)],
      [on('complete'), nth(tr, (r) => r.kind === T.COMPLETED)],
      [on('complete', { peers: [subject] }), nth(tr, (r) => r.kind === T.COMPLETED && r.from === subject)],
      [on('complete', { count: 3 }), nth(tr, (r) => r.kind === T.COMPLETED, 3)],
      [on('leave', { peers: [3] }), nth(tr, (r) => r.kind === T.LEAVE && r.from === 3)],
      [on('rechoke', { peers: [subject], count: 2 }), nth(tr, (r) => r.kind === T.RECHOKE && r.from === subject, 2)],
      [on('unchoke', { peers: [0], to: [subject] }), nth(tr, (r) => r.kind === T.UNCHOKE && r.from === 0 && r.to === subject)],
      [on('verified', { peers: [subject], piece: 5 }), nth(tr, (r) => r.kind === T.VERIFIED && r.from === subject && r.x === 5)],
      [on('cancel'), nth(tr, (r) => r.kind === T.CANCEL)],
    ];
    const firings = narrationFirings(tr, config, cases.map(([t]) => t), end);
    expect(firings.map(recordOf)).toEqual(cases.map(([, index]) => index));
    // The run is rich enough that they all happen.
    expect(firings.filter((f) => f === null)).toEqual([]);
  });

  it('a piece reaches 3 copies at the verification that makes the third', () => {
    const holders = new Set<number>([0]);
    const expected = nth(tr, (r) => {
      if (r.kind !== T.VERIFIED || r.x !== 2) return false;
      holders.add(r.from);
      return holders.size === 3;
    });
    expect(recordOf(narrationFirings(tr, config, [on('replication', { piece: 2, copies: 3 })], end)[0]!)).toBe(expected);
  });

  it('following the run slice by slice gives the same firings as reading it at the end', () => {
    const triggers: NarrationTrigger[] = [{ at: 5 * S }, on('first-upload', { peers: [subject] }), on('replication', { copies: 4 }), on('leave')];
    const live = new Sim(config, { checkpointEvery: 0 });
    const w = new NarrationWatcher(config, triggers);
    for (let t = S; !live.done; t += S) {
      live.runUntil(t);
      w.feed(live.trace);
    }
    w.advanceTo(live.result().endTime);
    expect(w.firings).toEqual(narrationFirings(tr, config, triggers, end));
    expect(w.done).toBe(true);
  });
});

describe('narration from a scenario file', () => {
  it('resolves names and times, and every step fires in the run', () => {
    const parsed = parseScenario({
      name: 'tour',
      torrent: { pieceLength: '32 KiB', pieces: 8 },
      peers: [
        { name: 'seed', seed: true, upload: '256 KiB/s' },
        { name: 'L', count: 3 },
        { name: 'subject', subject: true },
      ],
      narration: [
        { at: '2 s', text: 'Peers connect.', pause: true },
        { when: { event: 'first-upload', peer: 'subject' }, text: 'The subject sends its first block.', select: 'subject' },
        { when: { event: 'complete', peer: 'L' }, text: 'A leecher has the whole file.', colouring: 'source' },
        { when: { event: 'replication', piece: 0, copies: 3 }, text: 'Piece 0 is held three times.', highlight: [0] },
      ],
    });
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
    const steps = resolveNarration(parsed.scenario);
    expect(steps[0]).toEqual({ trigger: { at: 2 * S }, title: null, text: 'Peers connect.', pause: true, select: null, highlight: [], colouring: null });
    expect(steps[1]!.trigger).toEqual(on('first-upload', { peers: [4] }));
    expect(steps[1]!.select).toBe(4);
    expect(steps[2]!.trigger).toMatchObject({ event: 'complete', peers: [1, 2, 3] });
    const sim = run(parsed.config);
    const firings = narrationFirings(sim.trace, parsed.config, steps.map((s) => s.trigger), sim.result().endTime);
    expect(firings.every((f) => f !== null)).toBe(true);
  });
});
