// The tracker and the peer set (BEP 3, mainline defaults from PROTOCOL.md): announces on join and every
// 300 s, answers of at most 50 present peers, at most 40 connections initiated and 80 accepted, a
// handshake refused only by a full peer, and nothing but handshakes before a connection is open.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/engine/profiles';
import { stream } from '../../src/engine/prng';
import type { Sim } from '../../src/engine/sim';
import { records, T } from '../../src/engine/trace';
import { samplePeers } from '../../src/engine/tracker';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { announced, connectionLog, isDirectedMessage, KIND_NAME, pairKey, PeerSets, run } from './rules';

const mainline = PROFILES.mainline!;

describe('tracker answers (samplePeers)', () => {
  const known = Array.from({ length: 120 }, (_, i) => (i * 7) % 120);

  it('an answer holds min(want, known − 1) distinct known peers, never the announcing peer', () => {
    for (let s = 0; s < 50; s++) {
      const rng = stream(s, 'test/tracker');
      for (const [self, want] of [
        [5, 50],
        [5, 200],
        [999, 50],
        [0, 0],
        [3, 119],
      ] as const) {
        const list = samplePeers(rng, known, self, want);
        const others = new Set(known.filter((p) => p !== self));
        expect(list.length).toBe(Math.min(want, others.size));
        expect(new Set(list).size).toBe(list.length);
        expect(list.filter((p) => !others.has(p))).toEqual([]);
      }
    }
    expect(samplePeers(stream(1, 'x'), [4], 4, 50)).toEqual([]);
  });

  it('answers are random: different streams give different samples, every known peer can be returned', () => {
    const samples = new Set<string>();
    const returned = new Set<number>();
    for (let s = 0; s < 200; s++) {
      const list = samplePeers(stream(s, 'tracker/x'), known, 0, 10);
      samples.add(list.join(','));
      list.forEach((p) => returned.add(p));
    }
    expect(samples.size).toBeGreaterThan(190);
    expect(returned.size).toBe(known.length - 1);
  });

  it('the same stream state gives the same answer (determinism)', () => {
    expect(samplePeers(stream(7, 'tracker/a'), known, 1, 50)).toEqual(samplePeers(stream(7, 'tracker/a'), known, 1, 50));
  });
});

describe('announces in a run', () => {
  // Peers join at different times; one leaves at 400 s, one at 950 s; the run stops at 1,000 s.
  const cfg = swarm(
    [
      peer('seed', { seed: true }),
      peer('early', { joinAt: 0 }),
      peer('late', { joinAt: 50 * S + 123 }),
      peer('later', { joinAt: 120 * S }),
      peer('leaver', { joinAt: 10 * S, leaveAt: 400 * S }),
      peer('leaver2', { joinAt: 30 * S, leaveAt: 950 * S }),
      ...leechers('L', 6, { joinAt: 200 * S }),
    ],
    { pieces: 8, pieceLength: 16 * KiB, stopAt: 1000 * S },
  );
  let cached: Sim | null = null;
  const sim = () => (cached ??= run(cfg));

  it('every peer announces when it joins and again every announceInterval (300 s) while present', () => {
    expect(mainline.announceInterval).toBe(300 * S);
    const times = cfg.peers.map(() => [] as number[]);
    for (const r of records(sim().trace)) if (r.kind === T.ANNOUNCE) times[r.from]!.push(r.time);
    cfg.peers.forEach((p, i) => {
      const end = Math.min(p.leaveAt ?? Infinity, cfg.stopAt!);
      const expected: number[] = [];
      for (let t = p.joinAt; t <= end; t += mainline.announceInterval) if (t < (p.leaveAt ?? Infinity)) expected.push(t);
      expect(times[i], p.name).toEqual(expected);
    });
  });

  it('a tracker answer holds only peers present at that moment, never the announcing peer', () => {
    const present = new Set<number>();
    let answers = 0;
    for (const r of records(sim().trace)) {
      if (r.kind === T.JOIN) present.add(r.from);
      else if (r.kind === T.LEAVE) present.delete(r.from);
      else if (r.kind === T.ANNOUNCE) {
        answers++;
        const list = announced(sim(), r);
        expect(list).not.toContain(r.from);
        for (const q of list) expect(present.has(q), `peer ${q} returned to ${r.from} at ${r.time} µs`).toBe(true);
        // The default answer is 50 peers: all the others while fewer are present.
        expect(list.length).toBe(Math.min(mainline.trackerPeers, present.size - 1));
        expect(new Set(list).size).toBe(list.length);
      }
    }
    expect(answers).toBeGreaterThan(cfg.peers.length);
  });
});

describe('one connection per pair', () => {
  it('a pair of peers never gets a second connection, whoever initiated, across re-announces', () => {
    const cfg = swarm([peer('seed', { seed: true }), ...leechers('A', 12), ...leechers('B', 12, { joinAt: 150 * S })], { pieces: 4, pieceLength: 16 * KiB, stopAt: 700 * S });
    const s = run(cfg);
    const log = connectionLog(s);
    const pairs = log.connections.map((c) => pairKey(c.initiator, c.acceptor));
    expect(new Set(pairs).size).toBe(pairs.length);
    expect(log.initiations.length).toBe(log.connections.length + log.refused.length);
    // Everyone re-announced at least once: the rule was put to the test.
    expect([...records(s.trace)].filter((r) => r.kind === T.ANNOUNCE).length).toBeGreaterThan(2 * cfg.peers.length);
  });
});

describe('peer set limits (a crowd of 150 peers on a tiny torrent)', () => {
  const N = 150;
  const cfg = swarm([peer('seed', { seed: true }), ...leechers('L', N - 1)], { pieces: 4, pieceLength: 16 * KiB, seed: 3 });
  let cached: Sim | null = null;
  const sim = () => (cached ??= run(cfg));

  it('an answer never holds more than 50 peers (and holds 50 once more than 50 others are present)', () => {
    let full = 0;
    let joined = 0;
    for (const r of records(sim().trace)) {
      if (r.kind === T.JOIN) joined++;
      if (r.kind !== T.ANNOUNCE) continue;
      expect(r.y).toBeLessThanOrEqual(mainline.trackerPeers);
      expect(r.y).toBe(Math.min(mainline.trackerPeers, joined - 1));
      if (r.y === mainline.trackerPeers) full++;
    }
    expect(full).toBeGreaterThan(N / 2);
  });

  it('a peer initiates at most 40 connections (handshakes in progress included)', () => {
    const log = connectionLog(sim());
    const outgoing = new Array<number>(N).fill(0);
    const max = new Array<number>(N).fill(0);
    // Replay initiations and refusals in trace order (no peer leaves in this run).
    const events: { index: number; peer: number; d: number }[] = [];
    for (const i of log.initiations) events.push({ index: i.index, peer: i.from, d: 1 });
    for (const r of log.refused) events.push({ index: r.index, peer: r.to, d: -1 });
    events.sort((a, b) => a.index - b.index);
    for (const e of events) {
      outgoing[e.peer]! += e.d;
      max[e.peer] = Math.max(max[e.peer]!, outgoing[e.peer]!);
    }
    expect(Math.max(...max)).toBeLessThanOrEqual(mainline.maxInitiate);
    // The limit is reached: later joiners get 50 names and stop at 40.
    expect(max.filter((m) => m === mainline.maxInitiate).length).toBeGreaterThan(N / 2);
  });

  it('a peer accepts at most 80 connections', () => {
    const log = connectionLog(sim());
    const accepted = new Array<number>(N).fill(0);
    for (const c of log.connections) accepted[c.acceptor]!++;
    expect(Math.max(...accepted)).toBeLessThanOrEqual(mainline.maxAccept);
  });

  it('a peer set never holds more than 80 open connections (the acceptor counts its own handshakes in progress)', () => {
    // A peer's end of a connection opens when it accepts, or, for one it initiated, when the acceptor's
    // handshake reaches it. mainline caps the whole peer set (max_allow_in counts every connection), and
    // the engine refuses a handshake when "its peer set was full" (trace.ts, REFUSED).
    const log = connectionLog(sim());
    const opens: { time: number; peer: number }[] = [];
    for (const c of log.connections) {
      opens.push({ time: c.acceptedAt, peer: c.acceptor });
      opens.push({ time: c.initiatorOpenAt, peer: c.initiator });
    }
    opens.sort((a, b) => a.time - b.time);
    const size = new Array<number>(N).fill(0);
    const worst = { peer: -1, size: 0, time: 0 };
    for (const o of opens) {
      size[o.peer]!++;
      if (size[o.peer]! > worst.size) Object.assign(worst, { peer: o.peer, size: size[o.peer]!, time: o.time });
    }
    expect(worst.size, `peer ${worst.peer} (${cfg.peers[worst.peer]?.name}) had ${worst.size} open connections at ${worst.time} µs`).toBeLessThanOrEqual(
      mainline.maxAccept,
    );
  });

  it('a handshake is refused (REFUSED) exactly when the acceptor is full: 80 connections, its own handshakes in progress included', () => {
    const log = connectionLog(sim());
    expect(log.strayHandshakes).toEqual([]);
    expect(log.refused.length).toBeGreaterThan(0);
    const sets = new PeerSets(cfg);
    const bad: string[] = [];
    for (const r of records(sim().trace)) {
      if (r.kind === T.REFUSED && sets.size(r.from) < mainline.maxAccept) bad.push(`peer ${r.from} refused ${r.to} at ${r.time} µs with ${sets.size(r.from)} in its peer set`);
      // An answering handshake: the other side's handshake to this peer is pending.
      if (r.kind === T.HANDSHAKE && sets.paired(r.from, r.to) && sets.size(r.from) >= mainline.maxAccept) bad.push(`peer ${r.from} accepted ${r.to} at ${r.time} µs with ${sets.size(r.from)} in its peer set`);
      sets.see(r);
    }
    expect(bad.slice(0, 5)).toEqual([]);
  });

  it('no message but the handshakes flows on a connection before both handshakes', () => {
    const log = connectionLog(sim());
    const byPair = new Map<string, (typeof log.connections)[number]>();
    for (const c of log.connections) byPair.set(pairKey(c.initiator, c.acceptor), c);
    let checked = 0;
    const early: string[] = [];
    for (const r of records(sim().trace)) {
      if (!isDirectedMessage(r)) continue;
      checked++;
      const c = byPair.get(pairKey(r.from, r.to));
      // Both handshakes are in the trace before it, and an initiator sends only once the acceptor's
      // handshake has reached it.
      if (!c || c.acceptedIndex > r.index || (r.from === c.initiator && r.time < c.initiatorOpenAt)) {
        early.push(`${KIND_NAME[r.kind]} ${r.from}→${r.to} at ${r.time} µs (record ${r.index})`);
      }
    }
    expect(checked).toBeGreaterThan(1000);
    expect(early.slice(0, 5)).toEqual([]);
  });
});

/**
 * Replays every announce: the peer goes down the answer in order, skips peers it is connected or
 * connecting to, and sends a handshake to each other one until it has maxInitiate (40) handshakes of its
 * own out or maxAccept (80) in its peer set. Returns the mismatches, and how many announces had room.
 */
function initiationMismatches(sim: Sim): { bad: string[]; withRoom: number; at: Map<number, number[]> } {
  const recs = [...records(sim.trace)];
  const sets = new PeerSets(sim.config);
  const bad: string[] = [];
  const at = new Map<number, number[]>();
  let withRoom = 0;
  for (let i = 0; i < recs.length; i++) {
    const r = recs[i]!;
    if (r.kind === T.ANNOUNCE && !sets.unsettled(r.from, r.time)) {
      const x = r.from;
      let own = sets.initiated(x);
      let size = sets.size(x);
      const expected: number[] = [];
      for (const q of announced(sim, r)) {
        if (own >= mainline.maxInitiate || size >= mainline.maxAccept) break;
        if (sets.paired(x, q)) continue;
        expected.push(q);
        own++;
        size++;
      }
      const actual: number[] = [];
      for (let j = i + 1; j < recs.length && recs[j]!.kind === T.HANDSHAKE && recs[j]!.from === x && recs[j]!.time === r.time; j++) actual.push(recs[j]!.to);
      if (expected.join() !== actual.join()) {
        bad.push(`peer ${x} at ${r.time} µs (${sets.initiated(x)} own, ${sets.size(x)} in all): handshakes to [${actual}], expected [${expected}]`);
      }
      if (expected.length > 0) withRoom++;
      at.set(r.index, expected);
    }
    sets.see(r);
  }
  return { bad, withRoom, at };
}

describe('initiating connections', () => {
  it('an announcing peer sends handshakes to the returned peers in order, skipping those it is already paired with, until 40 of its own or 80 in all', () => {
    const crowd = run(swarm([peer('seed', { seed: true }), ...leechers('L', 149)], { pieces: 4, pieceLength: 16 * KiB, seed: 3 }));
    const staggered = run(
      swarm([peer('seed', { seed: true }), ...leechers('A', 30, { leaveAt: 200 * S }), ...leechers('B', 30, { joinAt: 100 * S })], {
        pieces: 4,
        pieceLength: 16 * KiB,
        stopAt: 410 * S,
      }),
    );
    for (const s of [crowd, staggered]) {
      const { bad, withRoom } = initiationMismatches(s);
      expect(bad.slice(0, 5)).toEqual([]);
      expect(withRoom).toBeGreaterThan(50);
    }
  });

  it('a handshake left unanswered because the acceptor left frees the initiator\u2019s slot: its next announce fills up to 40 again', () => {
    // X (joining at 1 s) sends 40 handshakes; the 8 Q peers accept and leave (at 1.5 s) before their
    // answers reach X (at 1.8 s). At 301 s X re-announces among 40 newcomers (joined at 250 s).
    const L = 200_000;
    const cfg = swarm(
      [
        peer('seed', { seed: true, latency: L }),
        peer('X', { joinAt: 1 * S, latency: L }),
        ...leechers('A', 35, { latency: L }),
        ...leechers('Q', 8, { latency: L, leaveAt: 1_500_000 }),
        ...leechers('B', 40, { latency: L, joinAt: 250 * S }),
      ],
      { pieces: 4, pieceLength: 16 * KiB, stopAt: 302 * S },
    );
    const s = run(cfg);
    const second = [...records(s.trace)].filter((r) => r.kind === T.ANNOUNCE && r.from === 1)[1]!;
    expect(second.time).toBe(301 * S);
    const { bad, at } = initiationMismatches(s);
    // By the rule, X has room and unconnected newcomers to fill it with.
    expect(at.get(second.index)?.length ?? 0).toBeGreaterThan(0);
    expect(bad).toEqual([]);
  });
});
