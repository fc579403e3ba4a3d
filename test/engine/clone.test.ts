// Checkpoints are hand-made copies of the state (src/engine/clone.ts). They must equal what
// structuredClone makes and share nothing the engine mutates, or a seek back would replay from a
// state that the run went on changing.
import fc from 'fast-check';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { cloneState } from '../../src/engine/clone';
import { Sim } from '../../src/engine/sim';
import type { SimState } from '../../src/engine/state';
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { randomExtendedSwarm } from './arbitraries';
import { S } from './helpers';

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
  it('equal structuredClone of the state and share nothing mutable with it (random extended swarms)', () => {
    fc.assert(
      fc.property(everything, ([config, at]) => {
        const sim = new Sim(config, { checkpointEvery: 0 });
        sim.seek(at);
        const st = sim.state as SimState;
        const copy = cloneState(st);
        expect(isDeepStrictEqual(copy, structuredClone(st))).toBe(true);
        const original = reachable(st, immutable);
        for (const x of reachable(copy, immutable)) expect(original.has(x)).toBe(false);
        // Each peer's pieces stays a view of the copy's shared piece state, as in the original.
        for (const p of copy.peers) expect(p.pieces.buffer).toBe(copy.pieceState.buffer);
      }),
      { numRuns: 60 },
    );
  });

  it('a copy stays as it was while the run goes on', () => {
    fc.assert(
      fc.property(everything, ([config, at]) => {
        const sim = new Sim(config, { checkpointEvery: 0 });
        sim.seek(at);
        const copy = cloneState(sim.state as SimState);
        const frozen = structuredClone(copy);
        sim.seek(at + 20 * S);
        expect(isDeepStrictEqual(copy, frozen)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
