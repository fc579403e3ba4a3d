// The piece picker (mainline, Cohen 2003), judged from the trace: every REQUEST that starts a piece is
// compared with what the requesting peer knew at that moment (which pieces it held and had started,
// which requests were outstanding, and who it knew to have what — from the bitfields and haves that had
// reached it, see Facts in rules.ts). A decision that hangs on the order of simultaneous events is
// not judged.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/engine/profiles';
import { T, type TraceRecord } from '../../src/engine/trace';
import { Sim } from '../../src/engine/sim';
import { AVAIL, HAVE, knows, STARTED, SUPER } from '../../src/engine/state';
import { LIMITS } from '../../src/scenario/limits';
import { flashCrowd, KiB, S } from './helpers';
import { all, blockInfo, blocksOfPiece, Facts, KIND_NAME, mixedSwarm, Outstanding, run } from './rules';

const mainline = PROFILES.mainline!;

interface Decision {
  r: TraceRecord;
  /** The requesting peer and the remote asked. */
  a: number;
  z: number;
  piece: number;
  /** This request starts the piece (the first request of any of its blocks by a). */
  starts: boolean;
  /** Pieces a held just before. */
  held: number;
  /** Pieces a had started and not finished, with a block neither received nor outstanding, that a knew z to have. */
  startedWithRoom: number[];
  /** Pieces a neither held nor had started, that a knew for sure z had (excluding this one). */
  candidates: number[];
  /** The outstanding-request picture is unclear at this instant (a choke reaching a now). */
  unclear: boolean;
}

/** Every request, with the requesting peer's situation just before it. */
function decisions(sim: Sim, facts: Facts): Decision[] {
  const cfg = sim.config;
  const out = new Outstanding(cfg);
  const started = cfg.peers.map(() => new Set<number>());
  const received = cfg.peers.map(() => new Set<number>());
  const list: Decision[] = [];
  for (const r of all(sim)) {
    out.advance(r.time);
    if (r.kind === T.REQUEST) {
      const a = r.from;
      const z = r.to;
      const piece = blockInfo(cfg, r.x).piece;
      const c = facts.connection(a, z, r.index)!;
      const knowsZHas = (q: number) => facts.knows(c, a, z, q, r.time, r.index) === 'yes';
      const unrequested = (q: number) =>
        blocksOfPiece(cfg, q).some((b) => !received[a]!.has(b) && !cfg.peers.some((_, y) => out.get(a, y).has(b)));
      const startedWithRoom: number[] = [];
      for (const q of started[a]!) if (!facts.holdsAt(a, q, r.index) && q !== piece && knowsZHas(q) && unrequested(q)) startedWithRoom.push(q);
      const candidates: number[] = [];
      for (let q = 0; q < cfg.torrent.pieces; q++) {
        if (q !== piece && !started[a]!.has(q) && !facts.holdsAt(a, q, r.index) && knowsZHas(q)) candidates.push(q);
      }
      list.push({
        r,
        a,
        z,
        piece,
        starts: !started[a]!.has(piece),
        held: facts.piecesHeldAt(a, r.index),
        startedWithRoom,
        candidates,
        unclear: cfg.peers.some((_, y) => out.chokeArrivingAt(a, y, r.time)),
      });
      started[a]!.add(piece);
    }
    if (r.kind === T.RECEIVED) received[r.to]!.add(r.x);
    out.see(r);
  }
  return list;
}

const show = (d: Decision) => `${KIND_NAME[d.r.kind]} ${d.a}→${d.z} block ${d.r.x} (piece ${d.piece}) at ${d.r.time} µs (#${d.r.index})`;

const runs = new Map<string, { sim: Sim; facts: Facts; decisions: Decision[] }>();
function picked(seed: number, blocksPerPiece: number) {
  const key = `${seed}/${blocksPerPiece}`;
  let r = runs.get(key);
  if (!r) {
    const sim = run(mixedSwarm(seed, blocksPerPiece));
    const facts = new Facts(sim);
    r = { sim, facts, decisions: decisions(sim, facts) };
    runs.set(key, r);
  }
  return r;
}
const CASES = [
  [1, 2],
  [2, 2],
  [1, 4],
  [2, 4],
  [3, 4],
] as const;

describe('piece selection', () => {
  it('strict priority: a peer asks a remote for the rest of a started piece before it starts another piece from that remote', () => {
    let judged = 0;
    for (const [seed, bpp] of CASES) {
      const bad: string[] = [];
      for (const d of picked(seed, bpp).decisions) {
        if (!d.starts || d.unclear) continue;
        judged++;
        if (d.startedWithRoom.length > 0) bad.push(`${show(d)} starts a piece while started pieces ${d.startedWithRoom.join(',')} had blocks left to ask`);
      }
      expect(bad.slice(0, 5), `seed ${seed}, ${bpp} blocks a piece`).toEqual([]);
    }
    expect(judged, 'piece starts judged').toBeGreaterThan(300);
  });

  it('strict priority: among started pieces, the rarest is finished first', () => {
    let contested = 0;
    for (const [seed, bpp] of CASES) {
      const { facts, decisions: ds } = picked(seed, bpp);
      const bad: string[] = [];
      for (const d of ds) {
        if (d.starts || d.unclear || d.startedWithRoom.length === 0) continue;
        const mine = facts.avail(d.a, d.piece, d.r.time, d.r.index);
        for (const q of d.startedWithRoom) {
          const other = facts.avail(d.a, q, d.r.time, d.r.index);
          if (other.hi < mine.lo) bad.push(`${show(d)}: piece ${d.piece} has ${mine.lo}+ copies, started piece ${q} only ${other.hi}`);
        }
        contested++;
      }
      expect(bad.slice(0, 5), `seed ${seed}, ${bpp} blocks a piece`).toEqual([]);
    }
    expect(contested, 'requests with several started pieces to choose from').toBeGreaterThan(100);
  });

  it('rarest first: once a peer holds 4 pieces, it starts the piece with the fewest copies in its peer set among those the remote has', () => {
    expect(mainline.randomFirst).toBe(4);
    let judged = 0;
    let mattered = 0;
    for (const [seed, bpp] of CASES) {
      const { facts, decisions: ds } = picked(seed, bpp);
      const bad: string[] = [];
      for (const d of ds) {
        if (!d.starts || d.held < mainline.randomFirst) continue;
        judged++;
        const mine = facts.avail(d.a, d.piece, d.r.time, d.r.index);
        const others = d.candidates.map((q) => ({ q, ...facts.avail(d.a, q, d.r.time, d.r.index) }));
        const rarer = others.filter((o) => o.hi < mine.lo);
        if (rarer.length > 0) bad.push(`${show(d)}: piece ${d.piece} has ${mine.lo}+ copies, piece ${rarer[0]!.q} only ${rarer[0]!.hi}`);
        if (others.some((o) => o.lo > mine.hi)) mattered++;
      }
      expect(bad.slice(0, 5), `seed ${seed}, ${bpp} blocks a piece`).toEqual([]);
    }
    expect(judged, 'piece starts judged').toBeGreaterThan(150);
    // The rule was put to the test: commoner pieces were there to be picked instead.
    expect(mattered, 'decisions where a commoner piece was there to be picked').toBeGreaterThan(50);
  });

  it('random first: while a peer holds fewer than 4 pieces, it starts pieces the remote has regardless of rarity', () => {
    let judged = 0;
    let notRarest = 0;
    for (const [seed, bpp] of CASES) {
      const { facts, decisions: ds } = picked(seed, bpp);
      const bad: string[] = [];
      for (const d of ds) {
        if (!d.starts || d.held >= mainline.randomFirst) continue;
        judged++;
        const c = facts.connection(d.a, d.z, d.r.index)!;
        if (facts.knows(c, d.a, d.z, d.piece, d.r.time, d.r.index) === 'no') bad.push(`${show(d)}: the remote was not known to have it`);
        const mine = facts.avail(d.a, d.piece, d.r.time, d.r.index);
        if (d.candidates.some((q) => facts.avail(d.a, q, d.r.time, d.r.index).hi < mine.lo)) notRarest++;
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
    expect(judged, 'piece starts judged').toBeGreaterThan(100);
    // Late joiners start among pieces of uneven availability: some of their first picks are not the rarest.
    expect(notRarest, 'first picks that were not the rarest').toBeGreaterThan(5);
  });

  it('each peer breaks ties its own way: different run seeds, and different peers, start different first pieces', () => {
    const firstPieces = (seed: number) => {
      const sim = run(flashCrowd(6, { pieces: 32, pieceLength: 16 * KiB, seed }));
      const first = new Map<number, number>();
      for (const r of all(sim)) if (r.kind === T.REQUEST && !first.has(r.from)) first.set(r.from, blockInfo(sim.config, r.x).piece);
      return [...first.entries()].sort((x, y) => x[0] - y[0]).map((e) => e[1]);
    };
    const bySeed = [1, 2, 3, 4, 5, 6, 7, 8].map(firstPieces);
    // Within a run, all leechers see the same availability (only the seed has pieces): ties everywhere.
    for (const firsts of bySeed) expect(new Set(firsts).size).toBeGreaterThan(2);
    // Across seeds, the same peer starts elsewhere.
    expect(new Set(bySeed.map((f) => f[0])).size).toBeGreaterThan(3);
    // And a seed's choice is reproducible.
    expect(firstPieces(3)).toEqual(bySeed[2]);
  });
});

describe("a peer's piece state", () => {
  it('counts up to the most peers a scenario may have without reaching its flags, in two bytes a piece', () => {
    // A peer set holds at most every other peer: each copy counted must fit below the flags.
    expect(LIMITS.maxPeers - 1).toBeLessThanOrEqual(AVAIL);
    const flags = [HAVE, STARTED, SUPER];
    for (const f of flags) expect(f & AVAIL).toBe(0);
    expect(new Set(flags).size).toBe(3);
    expect(AVAIL | HAVE | STARTED | SUPER).toBeLessThanOrEqual(0xffff);
    // And a running swarm keeps them apart: a leecher's count of a piece is the remotes known to hold it.
    const sim = new Sim(flashCrowd(12, { pieces: 32, seed: 3 }), { checkpointEvery: 0 });
    let compared = 0;
    for (const t of [1, 2, 4, 8]) {
      sim.runUntil(t * S);
      const st = sim.state;
      for (const peer of st.peers.slice(1)) {
        for (let p = 0; p < 32; p++) {
          if ((peer.pieces[p]! & HAVE) !== 0) continue;
          const holders = peer.conns.filter((h) => knows(st, h, p)).length;
          expect(peer.pieces[p]! & AVAIL).toBe(holders);
          if (holders > 0) compared++;
        }
      }
    }
    expect(compared).toBeGreaterThan(0);
  });
});
