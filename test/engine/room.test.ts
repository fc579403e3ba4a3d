// Room made ahead in a split run's stores while a side waits at a boundary (engine/room.ts): the run
// is the same whatever was made ahead and whenever, and what a side has made ahead is room for a
// quarter more than it holds, with that memory brought in.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { preparedRoom } from '../../src/engine/room';
import { runSidesInTurn, type SideRun } from '../../src/engine/side';
import { HF, HI } from '../../src/engine/ends';
import { mergedTraceHash } from '../../src/engine/trace-merge';
import { randomExtendedSwarm, randomSwarm } from './arbitraries';
import { flashCrowd, windowed } from './helpers';

function hashOf(run: ReturnType<typeof runSidesInTurn>): string {
  return mergedTraceHash(run.sides[0]!.trace, run.sides[1]!.trace);
}

describe('room made ahead while a side waits (room.ts prepareRoom)', () => {
  it('changes nothing of the run, with any budget of pages a call and any number of calls', () => {
    fc.assert(
      fc.property(fc.oneof(randomSwarm(true), randomExtendedSwarm), fc.integer({ min: 1, max: 64 }), fc.integer({ min: 0, max: 3 }), (cfg, pages, calls) => {
        const config = windowed(cfg);
        const plain = runSidesInTurn(config);
        const ahead = runSidesInTurn(config, (s: SideRun) => {
          for (let k = 0; k < calls && s.prepareRoom(pages); k++);
        });
        expect(ahead.result).toEqual(plain.result);
        expect(hashOf(ahead)).toBe(hashOf(plain));
        // The stores' live parts are the same numbers, whatever room is around them.
        for (const side of [0, 1]) {
          const a = ahead.sides[side]!.state;
          const b = plain.sides[side]!.state;
          expect(a.hqTop).toBe(b.hqTop);
          expect(a.hq.subarray(0, a.hqTop)).toEqual(b.hq.subarray(0, b.hqTop));
          const ends = b.halves.length;
          expect(a.hi.subarray(0, ends * HI)).toEqual(b.hi.subarray(0, ends * HI));
          expect(a.hf.subarray(0, ends * HF)).toEqual(b.hf.subarray(0, ends * HF));
          expect(a.bits.subarray(0, ends * b.words)).toEqual(b.bits.subarray(0, ends * b.words));
          // The ends' two records always have room for as many ends.
          expect(a.hi.length / HI).toBe(a.hf.length / HF);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('keeps a quarter more room than each store holds, brought in, a few pages a call', () => {
    const cfg = flashCrowd(40);
    const calls: number[] = [];
    const run = runSidesInTurn(cfg, (s) => {
      let n = 1;
      while (s.prepareRoom(8)) n++;
      calls.push(n);
    });
    // Some boundaries had pages to bring in, more than one call's worth.
    expect(Math.max(...calls)).toBeGreaterThan(1);
    for (const side of run.sides) {
      const st = side.state;
      const room = preparedRoom(st);
      const ends = st.halves.length;
      // Made ahead and brought in, up to what the room ahead reaches (a page may reach past it).
      const want = (name: string, used: number, ahead: number): void => {
        const r = room.get(name)!;
        expect(r.length).toBeGreaterThanOrEqual(used + ahead);
        expect(r.ready).toBeGreaterThanOrEqual(used + ahead);
      };
      // The last boundary's calls came after its events (the run ended there): the stores as they are.
      expect(room.get('hq')!.length).toBe(st.hq.length);
      want('hq', st.hqTop, Math.max(st.hqTop >> 2, 32 * 1024));
      const endsAhead = Math.max(ends >> 2, (256 * 1024) / (8 * HF));
      want('hi', ends * HI, endsAhead * HI);
      want('hf', ends * HF, endsAhead * HF);
      want('bits', ends * st.words, endsAhead * st.words);
      expect(st.hf.length / HF).toBe(st.hi.length / HI);
      const aux = preparedRoom(side.trace).get('aux')!;
      expect(aux.length).toBe(side.trace.aux.length);
      expect(aux.length).toBeGreaterThanOrEqual(side.trace.auxLength + Math.max(side.trace.auxLength >> 2, 32 * 1024));
    }
  });
});
