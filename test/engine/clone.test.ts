// Checkpoints are hand-made copies of the state with the connection ends packed (src/engine/clone.ts).
// A state restored from one must equal what structuredClone makes, and neither the checkpoint nor the
// restored state may share anything the engine mutates with the live state, or a seek back would
// replay from a state that the run went on changing.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { restoreSnapshot, takeSnapshot } from '../../src/engine/clone';
import { Sim } from '../../src/engine/sim';
import type { SimState } from '../../src/engine/state';
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { randomExtendedSwarm } from './arbitraries';
import { flashCrowd, S } from './helpers';

/** Every object, array, map and typed-array buffer reachable from `root`, except what `skip` names. */
function reachable(root: unknown, skip: (key: string) => boolean): Set<unknown> {
  const seen = new Set<unknown>();
  const walk = (v: unknown): void => {
    if (v === null || typeof v !== 'object') return;
    if (ArrayBuffer.isView(v)) {
      seen.add(v.buffer);
      return;
    }
    if (seen.has(v)) return;
    seen.add(v);
    if (v instanceof Map) {
      for (const [k, x] of v) {
        walk(k);
        walk(x);
      }
    }
    else for (const [k, x] of Object.entries(v)) if (!skip(k)) walk(x);
  };
  walk(root);
  return seen;
}

/** What the engine replaces whole and never mutates: shared between a state and its copy. */
const immutable = (key: string): boolean => key === 'profile' || key === 'settings';

/** The extended swarm with BEP 16, lazy bitfields, predictive haves and the libtorrent profile mixed in. */
const everything = fc.tuple(randomExtendedSwarm, fc.array(fc.nat(7), { minLength: 8, maxLength: 8 }), fc.integer({ min: 1, max: 40 })).map(
  ([config, picks, at]): [SimConfig, number] => {
    const peers = config.peers.map((p, i): PeerSpec => {
      const k = picks[i]!;
      return {
        ...p,
        client: k % 2 === 0 ? 'libtorrent' : 'mainline',
        settings: { ...p.settings, superSeeding: p.seed && k === 1, lazyBitfield: k === 2, ...(k === 3 ? { predictivePieceAnnounce: 500_000 } : {}) },
      };
    });
    return [{ ...config, peers }, at * S];
  },
);

describe('checkpoint copies', () => {
  it('restore to a state equal to structuredClone of the original, sharing nothing mutable with it (random extended swarms, split by peers or not)', () => {
    fc.assert(
      fc.property(everything, fc.boolean(), ([config, at], split) => {
        const sim = new Sim(config, { checkpointEvery: 0, split });
        sim.seek(at);
        const st = sim.state as SimState;
        const snapshot = takeSnapshot(st);
        const copy = restoreSnapshot(snapshot);
        expect(isDeepStrictEqual(copy, structuredClone(st))).toBe(true);
        const original = reachable(st, immutable);
        for (const x of reachable(snapshot, immutable)) expect(original.has(x)).toBe(false);
        const kept = reachable(snapshot, immutable);
        for (const x of reachable(copy, immutable)) {
          expect(original.has(x)).toBe(false);
          expect(kept.has(x)).toBe(false);
        }
        // Each peer's pieces stays a view of the copy's shared piece state, as in the original.
        for (const p of copy.peers) expect(p.pieces.buffer).toBe(copy.pieceState.buffer);
      }),
      { numRuns: 60 },
    );
  });

  it('carry every field of a connection end, whatever its value', () => {
    const sim = new Sim(flashCrowd(2, { pieces: 2 }), { checkpointEvery: 0 });
    sim.seek(1 * S);
    expect(sim.state.halves.length).toBeGreaterThan(0);
    // Every number and list gets a value of its own, and over six rounds every flag a pattern of its
    // own (bit `round` of its index): a field the packing left out or mixed up comes back different.
    for (let round = 0; round < 6; round++) {
      const st = structuredClone(sim.state) as SimState;
      const half = st.halves[0] as unknown as Record<string, unknown>;
      Object.keys(half).forEach((key, j) => {
        const v = half[key];
        half[key] = typeof v === 'boolean' ? ((j >> round) & 1) === 1 : Array.isArray(v) ? [j, j + 0.5, Infinity] : 1000.25 + j;
      });
      expect(isDeepStrictEqual(restoreSnapshot(takeSnapshot(st)), st)).toBe(true);
    }
  });

  it('unpack connection ends with their fields in the order a new end has them (one hidden class for both)', () => {
    const sim = new Sim(flashCrowd(3, { pieces: 2 }), { checkpointEvery: 0 });
    sim.seek(1 * S);
    const live = sim.state.halves;
    expect(live.length).toBeGreaterThan(0);
    const restored = restoreSnapshot(takeSnapshot(sim.state as SimState)).halves;
    for (let i = 0; i < live.length; i++) expect(Object.keys(restored[i]!)).toEqual(Object.keys(live[i]!));
  });

  it('a checkpoint stays as it was while the run goes on, and restores to the state it was taken from', () => {
    fc.assert(
      fc.property(everything, fc.boolean(), ([config, at], split) => {
        const sim = new Sim(config, { checkpointEvery: 0, split });
        sim.seek(at);
        const then = structuredClone(sim.state);
        const snapshot = takeSnapshot(sim.state as SimState);
        const frozen = structuredClone(snapshot);
        sim.seek(at + 20 * S);
        expect(isDeepStrictEqual(snapshot, frozen)).toBe(true);
        expect(isDeepStrictEqual(restoreSnapshot(snapshot), then)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
