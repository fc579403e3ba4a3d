// The engine's queues against plain reference models: the event queue gives events back in (time,
// scheduling order) whatever the interleaving of pushes and takes, through its lanes and its heap, and a connection end's request
// lists (in the flat store's pool, ends.ts) keep their order through removals from either side,
// moves to a bigger room and compaction, with neighbouring ends' lists untouched; an uploader's serving
// FIFO (a ring) keeps its order as it grows.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createQueue, forEachQueued, nextTime, push, pushKeyed, queueSize, SEQ_MAJOR, take } from '../../src/engine/heap';
import { removeValue, servingAt, servingPush, servingTake, type Peer, type SimState } from '../../src/engine/state';
import {
  addOutstanding,
  allocQueue,
  clearIncoming,
  clearOutstanding,
  compactIncoming,
  H_IN_BASE,
  H_IN_CAP,
  H_IN_END,
  H_IN_HEAD,
  H_OUT_BASE,
  H_OUT_CAP,
  H_OUT_COUNT,
  HI,
  IN_CAP0,
  OUT_CAP0,
  outstandingAt,
  outstandingIndex,
  queueIncoming,
  removeOutstanding,
} from '../../src/engine/ends';

describe('the event queue', () => {
  // A push is [delay, 1] (now + delay: most of the engine's pushes, which the lanes take; eight delays
  // for four lanes, so some go to the heap), [time, 0] (any time, even one already passed), or a take.
  const op = fc.oneof(
    fc.tuple(fc.integer({ min: 0, max: 7 }).map((d) => d * 25), fc.constant(1)),
    fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.constant(0)),
    fc.constant(null),
  );
  it('takes events in time order, and events at the same time in the order they were pushed', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 600, size: 'max' }), (ops) => {
        const q = createQueue(4);
        const model: { time: number; seq: number }[] = [];
        let seq = 0;
        let now = 0;
        const takeOne = (): void => {
          if (model.length === 0) return expect(take(q)).toBe(false);
          expect(nextTime(q)).toBe(Math.min(...model.map((m) => m.time)));
          expect(take(q)).toBe(true);
          model.sort((x, y) => x.time - y.time || x.seq - y.seq);
          const want = model.shift()!;
          expect([q.evTime, q.evA, q.evC]).toEqual([want.time, want.seq, want.seq / 2]);
          now = Math.max(now, want.time);
        };
        for (const o of ops) {
          if (o === null) takeOne();
          else {
            const time = o[1] === 1 ? now + o[0] : o[0];
            push(q, time, 1, seq, 0, seq / 2, 0);
            model.push({ time, seq });
            seq++;
          }
        }
        expect(queueSize(q)).toBe(model.length);
        let queued = 0;
        forEachQueued(q, () => queued++);
        expect(queued).toBe(model.length);
        while (model.length > 0) takeOne();
        expect(queueSize(q)).toBe(0);
        expect(nextTime(q)).toBe(Infinity);
      }),
    );
  });

  it('takes keyed events (a split run’s) in (time, seq) order, whatever order their seqs were pushed in', () => {
    // Few times and delays, so that many keyed events share a time and a lane, seqs out of order among
    // them; a seq's major part (a split run's side) counts before its minor part.
    const keyed = fc.tuple(fc.integer({ min: 0, max: 3 }).map((d) => d * 25), fc.boolean(), fc.nat({ max: 1_000_000 }), fc.nat(1));
    fc.assert(
      fc.property(fc.array(fc.option(keyed, { freq: 3 }), { maxLength: 400, size: 'max' }), (ops) => {
        const q = createQueue(4);
        const model: { time: number; seq: number }[] = [];
        const used = new Set<number>();
        let now = 0;
        for (const o of ops) {
          if (o === null) {
            if (model.length === 0) continue;
            model.sort((x, y) => x.time - y.time || x.seq - y.seq);
            const want = model.shift()!;
            expect(take(q)).toBe(true);
            expect([q.evTime, q.evC]).toEqual([want.time, want.seq]);
            now = want.time;
            continue;
          }
          const [d, lane, minor, major] = o;
          const seq = major * SEQ_MAJOR + minor;
          if (used.has(seq)) continue;
          used.add(seq);
          const time = lane ? now + d : now + (d % 50);
          pushKeyed(q, time, major, minor, 1, 0, 0, seq, 0);
          model.push({ time, seq });
        }
        model.sort((x, y) => x.time - y.time || x.seq - y.seq);
        for (const want of model) {
          expect(take(q)).toBe(true);
          expect([q.evTime, q.evC]).toEqual([want.time, want.seq]);
        }
        expect(take(q)).toBe(false);
      }),
    );
  });
});

/** A state holding just the flat store of `ends` connection ends, with their queues' first rooms. */
function store(ends: number): SimState {
  const st = { hi: new Int32Array(ends * HI), hq: new Float64Array(0), hqTop: 0, hqFree: new Map() } as SimState;
  for (let id = 0; id < ends; id++) {
    st.hi[id * HI + H_OUT_BASE] = allocQueue(st, OUT_CAP0);
    st.hi[id * HI + H_OUT_CAP] = OUT_CAP0;
    st.hi[id * HI + H_IN_BASE] = allocQueue(st, IN_CAP0);
    st.hi[id * HI + H_IN_CAP] = IN_CAP0;
  }
  return st;
}

const outstanding = (st: SimState, id: number): number[] =>
  Array.from({ length: st.hi[id * HI + H_OUT_COUNT]! }, (_, i) => outstandingAt(st, id, i));

const incoming = (st: SimState, id: number): number[] => {
  const base = st.hi[id * HI + H_IN_BASE]!;
  return Array.from(st.hq.subarray(base + st.hi[id * HI + H_IN_HEAD]!, base + st.hi[id * HI + H_IN_END]!));
};

/**
 * The ends' rooms and the free slices (left by queues that moved) cover the used part of the pool
 * exactly once each: no queue writes into another's room, and no room is lost.
 */
function expectTiled(st: SimState, ends: number): void {
  const owner = new Int32Array(st.hqTop).fill(-1);
  const claim = (base: number, room: number, who: number): void => {
    expect(base + room).toBeLessThanOrEqual(st.hqTop);
    for (let i = base; i < base + room; i++) {
      expect(owner[i]).toBe(-1);
      owner[i] = who;
    }
  };
  for (let id = 0; id < ends; id++) {
    claim(st.hi[id * HI + H_OUT_BASE]!, st.hi[id * HI + H_OUT_CAP]!, 2 * id);
    claim(st.hi[id * HI + H_IN_BASE]!, st.hi[id * HI + H_IN_CAP]!, 2 * id + 1);
  }
  st.hqFree.forEach((slices, room) => slices.forEach((base) => claim(base, room, 2 * ends)));
  expect(owner.indexOf(-1)).toBe(-1);
}

/**
 * Random operations on three ends' lists, each applied to the store and to a plain model (`apply`);
 * after each, every end's list as the store has it (`read`) must equal the model's.
 */
function againstModel<O extends { end: number }>(op: fc.Arbitrary<O>, apply: (st: SimState, o: O, list: number[]) => void, read: (st: SimState, end: number) => number[]): void {
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300, size: 'max' }), (ops) => {
      const st = store(3);
      const model: number[][] = [[], [], []];
      for (const o of ops) {
        apply(st, o, model[o.end]!);
        for (let e = 0; e < 3; e++) expect(read(st, e)).toEqual(model[e]);
        expectTiled(st, 3);
      }
    }),
  );
}

describe("a connection end's request lists", () => {
  it('our outstanding requests stay oldest first through adds, removals anywhere and clears, and no other end’s change', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('add' as const), end: fc.nat(2), block: fc.nat(10_000) }),
      fc.record({ kind: fc.constant('remove' as const), end: fc.nat(2), at: fc.double({ min: 0, max: 0.999, noNaN: true }) }),
      fc.record({ kind: fc.constant('clear' as const), end: fc.nat(2) }),
    );
    againstModel(
      op,
      (st, o, list) => {
        if (o.kind === 'add') {
          addOutstanding(st, o.end, o.block);
          list.push(o.block);
        } else if (o.kind === 'clear') {
          clearOutstanding(st, o.end);
          list.length = 0;
        } else if (list.length > 0) {
          const i = Math.floor(o.at * list.length);
          expect(outstandingIndex(st, o.end, list[i]!)).toBe(list.indexOf(list[i]!));
          removeOutstanding(st, o.end, i);
          list.splice(i, 1);
        }
      },
      outstanding,
    );
  });

  it('a list that moves to twice the room leaves its old room to the next list given that much, not to new room', () => {
    const st = store(2);
    const first = st.hi[0 * HI + H_OUT_BASE]!;
    const top = st.hqTop;
    for (let b = 0; b <= OUT_CAP0; b++) addOutstanding(st, 0, b);
    expect(st.hi[0 * HI + H_OUT_CAP]).toBe(2 * OUT_CAP0);
    expect(st.hqTop).toBe(top + 2 * OUT_CAP0);
    expect(outstanding(st, 0)).toEqual(Array.from({ length: OUT_CAP0 + 1 }, (_, b) => b));
    // The next room of that size is the one the list left; the pool does not grow for it.
    expect(allocQueue(st, OUT_CAP0)).toBe(first);
    expect(st.hqTop).toBe(top + 2 * OUT_CAP0);
    expect(allocQueue(st, OUT_CAP0)).toBe(top + 2 * OUT_CAP0);
  });

  it("requests waiting at the uploader's end stay first in, first out through growth, compaction and clears", () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('queue' as const), end: fc.nat(2), block: fc.nat(10_000) }),
      fc.record({ kind: fc.constant('serve' as const), end: fc.nat(2) }),
      fc.record({ kind: fc.constant('compact' as const), end: fc.nat(2) }),
      fc.record({ kind: fc.constant('clear' as const), end: fc.nat(2) }),
    );
    againstModel(
      op,
      (st, o, list) => {
        if (o.kind === 'queue') {
          queueIncoming(st, o.end, o.block, o.block + 1, Infinity);
          list.push(o.block, o.block + 1, Infinity);
        } else if (o.kind === 'serve') {
          // The uploader takes the head entry, as startSend does.
          if (list.length > 0) {
            st.hi[o.end * HI + H_IN_HEAD]! += 3;
            list.splice(0, 3);
          }
        } else if (o.kind === 'compact') compactIncoming(st, o.end);
        else {
          clearIncoming(st, o.end);
          list.length = 0;
        }
      },
      incoming,
    );
  });
});

describe("an uploader's serving FIFO", () => {
  it('gives ends back first in, first out, through takes, pushes and growing its ring', () => {
    const op = fc.oneof(fc.record({ push: fc.nat(100_000) }), fc.constant(null));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const peer = { serving: new Int32Array(2), servingHead: 0, servingLen: 0 } as Peer;
        const model: number[] = [];
        for (const o of ops) {
          if (o === null) {
            if (model.length === 0) continue;
            // A take that goes back at once, as startSend does with an end that has more requests.
            const id = servingTake(peer);
            expect(id).toBe(model.shift());
            if (id % 2 === 0) {
              servingPush(peer, id);
              model.push(id);
            }
          } else {
            servingPush(peer, o.push);
            model.push(o.push);
          }
          expect(peer.servingLen).toBe(model.length);
          expect(Array.from({ length: peer.servingLen }, (_, k) => servingAt(peer, k))).toEqual(model);
        }
      }),
    );
  });
});

describe('removeValue', () => {
  it('takes out the first such value and keeps the rest in order, as splice at its index would', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(5), { maxLength: 12 }), fc.nat(6), (list, value) => {
        const want = list.slice();
        const i = want.indexOf(value);
        if (i >= 0) want.splice(i, 1);
        removeValue(list, value);
        expect(list).toEqual(want);
      }),
    );
  });
});
