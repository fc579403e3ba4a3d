// A run split by peers (SimOptions.split): the even and the odd peers are two sides, each with its own
// order of events at the same microsecond, and what one side schedules for the other is handed over
// at window boundaries, never later than it is due. What it is for: README, "Inside the engine".
import { describe, expect, it } from 'vitest';
import { nextTime, queueSize, SEQ_MAJOR, take } from '../../src/engine/heap';
import { Sim } from '../../src/engine/sim';
import { HAVE } from '../../src/engine/state';
import { records, T } from '../../src/engine/trace';
import { createTrace } from '../../src/engine/trace';
import type { SimConfig } from '../../src/engine/types';
import { bitfieldRow, createWorld, E, freeRow, OUT_RECORD, rowShows, schedule, type World } from '../../src/engine/world';
import { dispatch } from '../../src/engine/swarm';
import { flashCrowd, KiB, leechers, peer, S, swarm } from './helpers';

/** A world of four idle peers (none joins), split: even peers 25 ms away, odd ones 40 ms: windows of 65 ms. */
function splitWorld(): World {
  const cfg = swarm([0, 1, 2, 3].map((i) => peer(`P-${i}`, { latency: i % 2 === 0 ? 25_000 : 40_000, joinAt: 10_000 * S })));
  return createWorld(cfg, createTrace(), true);
}

/** Take every queued event up to `until`, dispatching window boundaries; the others' (time, peer). */
function drain(w: World, until: number): [number, number][] {
  const q = w.st.queue;
  const got: [number, number][] = [];
  while (nextTime(q) <= until) {
    take(q);
    w.st.now = q.evTime;
    if (q.evKind === E.BARRIER) dispatch(w, q.evKind, q.evA, q.evB, q.evC, q.evD);
    else got.push([q.evTime, q.evA]);
  }
  return got;
}

describe('a run split by peers', () => {
  it('has windows as long as the shortest connection between an even and an odd peer', () => {
    expect(splitWorld().st.split!.window).toBe(65_000);
    expect(new Sim(flashCrowd(3), { split: false }).state.split).toBe(null);
  });

  it('runs the events of one microsecond even side first, and each side’s in the order it scheduled them', () => {
    const w = splitWorld();
    const sp = w.st.split!;
    drain(w, 10_000 * S - 1);
    // Scheduled by side 1 for itself, then by side 0 for itself, all for the same microsecond.
    sp.side = 1;
    for (const p of [3, 1, 3]) schedule(w, 500, E.WAKE, p, 0, 0, 0);
    sp.side = 0;
    for (const p of [2, 0]) schedule(w, 500, E.WAKE, p, 0, 0, 0);
    expect(drain(w, 500)).toEqual([
      [500, 2],
      [500, 0],
      [500, 3],
      [500, 1],
      [500, 3],
    ]);
    expect(sp.seq[0]).toBeLessThan(SEQ_MAJOR);
  });

  it('hands an event for the other side over at the next window boundary, before it is due, in the order scheduled', () => {
    const w = splitWorld();
    const sp = w.st.split!;
    const q = w.st.queue;
    const queuedBefore = queueSize(q);
    w.st.now = 70_000; // in the window [65 ms, 130 ms)
    sp.side = 0;
    schedule(w, 200_000, E.WAKE, 1, 0, 0, 0);
    schedule(w, 130_000, E.WAKE, 3, 0, 0, 0);
    // Waiting: only the boundary itself is queued.
    expect(sp.outLen).toBe(2 * OUT_RECORD);
    expect(queueSize(q)).toBe(queuedBefore + 1);
    expect(nextTime(q)).toBe(130_000);
    take(q);
    expect(q.evKind).toBe(E.BARRIER);
    w.st.now = q.evTime;
    dispatch(w, q.evKind, q.evA, q.evB, q.evC, q.evD);
    expect(sp.outLen).toBe(0);
    // Due exactly at the boundary, it still runs at its time; side 1 keyed them in the order they came.
    expect(drain(w, 200_000)).toEqual([
      [130_000, 3],
      [200_000, 1],
    ]);
  });

  it('keys at once an event for the other side due before the next boundary', () => {
    const w = splitWorld();
    const sp = w.st.split!;
    w.st.now = 70_000;
    sp.side = 0;
    schedule(w, 100_000, E.WAKE, 1, 0, 0, 0);
    expect(sp.outLen).toBe(0);
    expect(drain(w, 100_000)).toEqual([[100_000, 1]]);
  });

  it('delivers every block exactly one send time and one latency after it starts, as an unsplit run does', () => {
    // Unlimited downloads: nothing but the handover could delay an arrival.
    const cfg: SimConfig = swarm(
      [peer('seed', { seed: true, upload: 256 * KiB, latency: 30_000 }), ...leechers('L', 7, { upload: 64 * KiB, latency: 10_000 })],
      { pieces: 16, pieceLength: 32 * KiB, seed: 3 },
    );
    const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
    sim.run();
    const started = new Map<string, number>();
    let crossing = 0;
    for (const r of records(sim.trace)) {
      const key = `${r.from}>${r.to}:${r.x}`;
      if (r.kind === T.PIECE) started.set(key, r.time);
      if (r.kind !== T.RECEIVED) continue;
      const at = started.get(key)!;
      const lat = cfg.peers[r.from]!.latency + cfg.peers[r.to]!.latency;
      expect(r.time).toBe(at + Math.ceil((r.y * 1e6) / cfg.peers[r.from]!.upload) + lat);
      if ((r.from & 1) !== (r.to & 1)) crossing++;
    }
    expect(crossing).toBeGreaterThan(100);
  });

  it('answers an announce one window later, from its side’s copy of the tracker list: its own side’s joins and leaves at once, the other side’s from the next boundary', () => {
    const cfg = swarm(
      [
        peer('seed', { seed: true, upload: 16 * KiB }),
        peer('early', { joinAt: 0 }),
        peer('late', { joinAt: 50 * S + 123, latency: 40_000 }),
        peer('later', { joinAt: 120 * S + 7 }),
        peer('leaver', { joinAt: 10 * S, leaveAt: 400 * S + 11 }),
        peer('leaver2', { joinAt: 30 * S, leaveAt: 350 * S }),
        ...leechers('L', 6, { joinAt: 200 * S + 5 }),
      ],
      { pieces: 8, pieceLength: 16 * KiB, stopAt: 1000 * S },
    );
    const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
    sim.run();
    const window = sim.state.split!.window;
    const boundaryAfter = (t: number): number => (Math.floor(t / window) + 1) * window;
    const joined = new Map<number, number>();
    const left = new Map<number, number>();
    let answers = 0;
    for (const r of records(sim.trace)) {
      if (r.kind === T.JOIN) joined.set(r.from, r.time);
      if (r.kind === T.LEAVE) left.set(r.from, r.time);
      if (r.kind !== T.ANNOUNCE) continue;
      // Traced when the answer comes: one window after the announce (the first at joining).
      expect((r.time - window - joined.get(r.from)!) % (300 * S)).toBe(0);
      answers++;
      // Whom the announcing peer's side knows now.
      const known = [...joined.keys()].filter((q) => {
        const sameSide = (q & 1) === (r.from & 1);
        const from = sameSide ? joined.get(q)! : boundaryAfter(joined.get(q)!);
        const until = left.has(q) ? (sameSide ? left.get(q)! : boundaryAfter(left.get(q)!)) : Infinity;
        return from <= r.time && r.time < until && q !== r.from;
      });
      const list = [...sim.trace.aux.subarray(r.x, r.x + r.y)];
      expect(list.length).toBe(Math.min(50, known.length));
      for (const q of list) expect(known, `peer ${q} returned to ${r.from} at ${r.time} µs`).toContain(q);
    }
    expect(answers).toBeGreaterThan(cfg.peers.length);
  });

  it('peers joining at the same moment all learn of each other, on both sides, and connect across', () => {
    const cfg = flashCrowd(12, { pieces: 8 });
    const sim = new Sim(cfg, { checkpointEvery: 0, split: true });
    sim.run();
    let across = 0;
    for (const r of records(sim.trace)) {
      if (r.kind === T.ANNOUNCE && r.time === sim.state.split!.window) {
        const list = [...sim.trace.aux.subarray(r.x, r.x + r.y)].sort((a, b) => a - b);
        expect(list).toEqual(cfg.peers.map((_, i) => i).filter((i) => i !== r.from));
      }
      if (r.kind === T.HANDSHAKE && (r.from & 1) !== (r.to & 1)) across++;
    }
    expect(across).toBeGreaterThan(12);
    expect(sim.result().peers.every((p) => p.completedAt !== null)).toBe(true);
  });

  it('a bitfield carries the pieces its sender held when it was sent, less those a lazy one hides; its row is reused once read', () => {
    const w = splitWorld();
    const sender = w.st.peers[1]!;
    for (const piece of [0, 3, 5, 15]) sender.pieces[piece]! |= HAVE;
    const row = bitfieldRow(w.st, sender, [5]);
    const shown = (r: number): number[] => [...Array(w.g.pieces).keys()].filter((p) => rowShows(w.st, r, p));
    expect(shown(row)).toEqual([0, 3, 15]);
    // Verified after it left: not in it.
    sender.pieces[7]! |= HAVE;
    expect(shown(row)).toEqual([0, 3, 15]);
    freeRow(w.st.split!.fields, row);
    const next = bitfieldRow(w.st, w.st.peers[2]!, []);
    expect(next).toBe(row);
    expect(shown(next)).toEqual([]);
  });

  it('is deterministic, and another schedule of the swarm than the unsplit run', () => {
    const hash = (split: boolean): string => {
      const sim = new Sim(flashCrowd(12, { pieces: 24, seed: 5 }), { checkpointEvery: 0, split });
      sim.run();
      return sim.traceHash();
    };
    expect(hash(true)).toBe(hash(true));
    expect(hash(true)).not.toBe(hash(false));
  });

  it('counts each peer in each side’s copy of the tracker list as the copy lists it, through joins, leaves and a seek back', () => {
    const cfg = swarm(
      [
        peer('seed', { seed: true, upload: 64 * KiB }),
        ...leechers('early', 5, { upload: 32 * KiB, leaveAt: 12 * S }),
        ...leechers('late', 5, { upload: 32 * KiB, joinAt: 6 * S, leaveAt: 30 * S }),
      ],
      { pieces: 16, seed: 3 },
    );
    const sim = new Sim(cfg, { checkpointEvery: 2 * S, split: true });
    const agrees = (): void => {
      const sp = sim.state.split!;
      for (const side of [0, 1])
        for (let q = 0; q < cfg.peers.length; q++) expect(sp.listed[side * cfg.peers.length + q], `side ${side}, peer ${q} at ${sim.now}`).toBe(sp.tracker[side]!.filter((x) => x === q).length);
    };
    const seen = new Set<string>();
    for (let t = 1; t <= 40; t++) {
      sim.runUntil(t * S);
      agrees();
      seen.add(sim.state.split!.tracker.map((l) => l.length).join('/'));
    }
    // The copies grew and shrank on both sides.
    expect(seen.size).toBeGreaterThan(3);
    sim.seek(9 * S);
    agrees();
    expect(sim.state.split!.tracker[0]!.length + sim.state.split!.tracker[1]!.length).toBeGreaterThan(20);
  });

  it('seeking back restores the events waiting for a boundary with the rest of the state', () => {
    const cfg = flashCrowd(6, { pieces: 12, seed: 7 });
    const sim = new Sim(cfg, { checkpointEvery: 2 * S, split: true });
    // The first moment after 7.5 s (all its events done) with something held for a boundary.
    sim.runUntil(7.5 * S);
    while (sim.state.split!.outLen === 0) {
      sim.step();
      sim.runUntil(sim.now);
    }
    const at = sim.now;
    const first = { state: structuredClone(sim.state), hash: sim.traceHash() };
    sim.runUntil(25 * S);
    sim.seek(at);
    expect({ state: structuredClone(sim.state), hash: sim.traceHash() }).toEqual(first);
  });
});
