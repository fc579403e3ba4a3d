// BEP 11 peer exchange, as rules read from the trace: at most one message a minute per connection, at
// most 50 added and 50 dropped peers per message, only peers the sender is connected to (and that
// accept connections), and the receivers connect to the peers they learn, within their limits.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/engine/profiles';
import { Sim } from '../../src/engine/sim';
import { T } from '../../src/engine/trace';
import { pexBytes, wireSize } from '../../src/engine/wire';
import type { SimConfig } from '../../src/engine/types';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { all, announced, run } from './rules';

// A tracker that answers with 3 peers (a test profile: mainline asking for num_want 3), so that most
// peers never hear of each other from it before its next answer, 300 s later.
PROFILES['mainline-numwant-3'] = { ...PROFILES.mainline!, name: 'mainline-numwant-3', trackerPeers: 3 };

/** 60 slow leechers behind a stingy tracker, all with PEX on or all off. */
function big(pex: boolean): SimConfig {
  const over = { client: 'mainline-numwant-3', settings: pex ? { pex: true } : {} };
  return swarm([peer('seed', { seed: true, upload: 64 * KiB, ...over }), ...leechers('L', 60, { upload: 8 * KiB, ...over })], {
    pieces: 20,
    pieceLength: 32 * KiB,
    stopAt: 200 * S,
  });
}

describe('BEP 11 peer exchange', () => {
  const sim = run(big(true));
  const recs = all(sim);
  const pex = recs.filter((r) => r.kind === T.PEX);
  const lists = (r: (typeof recs)[number]) => {
    const aux = sim.trace.aux;
    const a = aux[r.x]!;
    const d = aux[r.x + 1]!;
    return { added: Array.from(aux.subarray(r.x + 2, r.x + 2 + a)), dropped: Array.from(aux.subarray(r.x + 2 + a, r.x + 2 + a + d)) };
  };

  it('sends at most one message a minute per connection, with at most 50 added and 50 dropped', () => {
    expect(pex.length).toBeGreaterThan(60);
    const last = new Map<string, number>();
    for (const r of pex) {
      const key = `${r.from}>${r.to}`;
      if (last.has(key)) expect(r.time - last.get(key)!).toBeGreaterThanOrEqual(60 * S);
      last.set(key, r.time);
      const { added, dropped } = lists(r);
      expect(added.length).toBeLessThanOrEqual(50);
      expect(dropped.length).toBeLessThanOrEqual(50);
      expect(r.y).toBe(2 + added.length + dropped.length);
      expect(added).not.toContain(r.to);
    }
    expect(pex.some((r) => lists(r).added.length === 50)).toBe(true);
    expect(sim.result().messages.pex).toBe(pex.length);
    expect(wireSize(T.PEX, 40, pexBytes(2, 1))).toBe(4 + 1 + 1 + 'd5:added12:'.length + 12 + '7:added.f2:'.length + 2 + '7:dropped6:'.length + 6 + 1);
  });

  it('lists only peers the sender is connected to when it sends', () => {
    const open = new Set<string>();
    const strangers: string[] = [];
    for (const r of recs) {
      if (r.kind === T.HANDSHAKE) open.add(`${r.from}>${r.to}`);
      if (r.kind === T.PEX) for (const q of lists(r).added) if (!open.has(`${r.from}>${q}`) && !open.has(`${q}>${r.from}`)) strangers.push(`${r.from} listed ${q} (#${r.index})`);
    }
    expect(strangers).toEqual([]);
  });

  it('a peer remembers each peer it learns of once, in the order it first heard of it, never itself', () => {
    const expected = new Map<number, number[]>();
    for (const r of pex) {
      // Latencies are all 25 ms a peer: a message takes 50 ms; those still on their way at the end taught nothing.
      if (r.time + 50_000 > sim.now) continue;
      const known = expected.get(r.to) ?? [];
      for (const q of lists(r).added) if (q !== r.to && !known.includes(q)) known.push(q);
      expected.set(r.to, known);
    }
    let learnt = 0;
    for (const p of sim.state.peers) {
      expect(p.pexKnown, `peer ${p.id}`).toEqual(expected.get(p.id) ?? []);
      learnt += p.pexKnown.length;
      // Its bits are the same peers.
      const bits = p.pexKnownBits;
      for (let q = 0; q < sim.state.peers.length; q++) expect(bits !== null && (bits[q >>> 5]! & (1 << (q & 31))) !== 0, `peer ${p.id} knows ${q}`).toBe(p.pexKnown.includes(q));
    }
    expect(learnt).toBeGreaterThan(500);
  });

  it('peers connect to peers they learnt only through PEX, and to no one they did not hear of', () => {
    const tracker = new Map<number, Set<number>>();
    const viaPex = new Map<number, Set<number>>();
    const learn = (m: Map<number, Set<number>>, p: number, qs: number[]) => {
      const s = m.get(p) ?? new Set<number>();
      qs.forEach((q) => s.add(q));
      m.set(p, s);
    };
    const heard = (m: Map<number, Set<number>>, p: number, q: number) => m.get(p)?.has(q) ?? false;
    const initiations = new Set<string>();
    let dialledFromPex = 0;
    let unheard = 0;
    const arrivals: { at: number; to: number; added: number[] }[] = [];
    for (const r of recs) {
      while (arrivals.length > 0 && arrivals[0]!.at <= r.time) {
        const a = arrivals.shift()!;
        learn(viaPex, a.to, a.added);
      }
      if (r.kind === T.ANNOUNCE) learn(tracker, r.from, announced(sim, r));
      // Latencies are all 25 ms a peer: a message takes 50 ms.
      if (r.kind === T.PEX) arrivals.push({ at: r.time + 50_000, to: r.to, added: lists(r).added });
      if (r.kind !== T.HANDSHAKE) continue;
      if (initiations.has(`${r.to}>${r.from}`)) continue; // the answer to a handshake
      initiations.add(`${r.from}>${r.to}`);
      if (!heard(tracker, r.from, r.to) && !heard(viaPex, r.from, r.to)) unheard++;
      if (!heard(tracker, r.from, r.to)) dialledFromPex++;
    }
    expect(unheard).toBe(0);
    expect(dialledFromPex).toBeGreaterThan(100);
    // Without PEX nobody sends it, and the peer sets stay the tracker's doing: far fewer connections.
    const without = all(run(big(false)));
    expect(without.filter((r) => r.kind === T.PEX)).toEqual([]);
    const handshakes = (rs: typeof recs) => rs.filter((r) => r.kind === T.HANDSHAKE).length;
    expect(handshakes(recs)).toBeGreaterThan(3 * handshakes(without));
  });
});

describe('the protocol extensions and stepping', () => {
  it('seeking back through a run with BEP 6, PEX, bans and NAT replays it exactly', () => {
    const settings = { fastExtension: true, pex: true, suggestPieces: 1, banAfterHashFailures: 2 };
    const cfg = swarm(
      [
        peer('seed', { seed: true, upload: 96 * KiB, settings }),
        peer('bad', { seed: true, upload: 96 * KiB, corrupt: 0.5, settings }),
        peer('nat', { connectable: false, settings }),
        ...leechers('L', 5, { upload: 24 * KiB, settings: { ...settings, maxUploads: 2 } }),
      ],
      { pieces: 24, pieceLength: 32 * KiB, stopAt: 150 * S },
    );
    const straight = run(cfg);
    const sim = new Sim(cfg, { checkpointEvery: 5 * S });
    sim.runUntil(100 * S);
    const at = { hash: sim.traceHash(), state: structuredClone(sim.state) };
    sim.seek(33 * S);
    sim.seek(100 * S);
    expect(sim.traceHash()).toBe(at.hash);
    expect(structuredClone(sim.state)).toEqual(at.state);
    sim.run();
    expect(sim.traceHash()).toBe(straight.traceHash());
    const kinds = new Set(all(straight).map((r) => r.kind));
    for (const k of [T.REJECT, T.PEX, T.HASH_FAILED, T.UNREACHABLE, T.SUGGEST]) expect(kinds.has(k), `kind ${k}`).toBe(true);
  });
});
