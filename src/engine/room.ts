// Room made ahead in a run's growing stores, and their memory brought in, while a split run's side
// waits at a window boundary (src/cli/threads.ts), as trace.ts prepareChunk does for the trace's
// chunks: the requests' queues (st.hq), the ends' records (st.hi, st.hf, st.bits) and the trace's aux
// values. Each store doubles when full, copying what it holds, and the first write to each fresh page
// costs some 10 µs on this VM (README, "Inside the engine"); in a 1,000-peer split run those copies and
// first writes came to some 100,000 page faults, about half a second of each side's windows. While a side
// waits its state stands still, so a store may be replaced by a bigger copy then, and its pages to come
// written (each with the value it holds). Changes no number the run reads: only how much room there is.
import { grown } from './heap';
import type { SimState } from './state';
import { HF, HI } from './ends';
import { PAGE, type Trace } from './trace';

/** The room kept ahead of `used` numbers of `bytes` each: a quarter of them, and at least 256 KiB. */
const roomAhead = (used: number, bytes: number): number => Math.max(used >> 2, (256 * 1024) / bytes);

type Store = Float64Array | Int32Array | Uint32Array;

/** How far each store of a state has been brought in: the store, and the index below which its pages are. */
interface Ahead {
  store: Store;
  ready: number;
}

const made = new WeakMap<object, Map<string, Ahead>>();

/**
 * Keep room ahead of `used` numbers in the store `get()` returns: `need` more numbers than are used
 * (`set` replaces the store with a copy twice its size when they do not fit), brought in up to there,
 * at most `pages` pages. Returns the pages left of the budget.
 */
function keepAhead<A extends Store>(owner: object, name: string, get: () => A, set: (a: A) => void, used: number, need: number, pages: number): number {
  let all = made.get(owner);
  if (all === undefined) made.set(owner, (all = new Map()));
  let a = get();
  let ahead = all.get(name);
  // A store replaced by the run itself (it grew when full) holds a copy of the old one: that much is in.
  if (ahead === undefined || ahead.store !== a) {
    ahead = { store: a, ready: ahead === undefined ? Math.min(used, a.length) : Math.min(ahead.store.length, a.length) };
    all.set(name, ahead);
  }
  const want = used + need;
  if (want > a.length) {
    if (pages <= 0) return 0;
    let cap = Math.max(a.length * 2, 1024);
    while (cap < want) cap *= 2;
    const old = a.length;
    a = grown(a, cap);
    set(a);
    ahead.store = a;
    ahead.ready = Math.max(ahead.ready, old);
    // The copy brought in the old store's pages: the budget is spent for this call.
    return pages - Math.ceil((old * a.BYTES_PER_ELEMENT) / PAGE);
  }
  const step = PAGE / a.BYTES_PER_ELEMENT;
  const end = Math.min(a.length, want);
  // What the run has written since is in already.
  let i = Math.max(ahead.ready, used);
  for (; pages > 0 && i < end; pages--, i += step) a[i] = a[i]!;
  ahead.ready = Math.min(i, a.length);
  return pages;
}

/**
 * Make room ahead in the state's stores and bring its memory in, at most `pages` pages a call (a copy
 * counts its pages). Returns whether there is more to do. The room kept ahead is a quarter of what a
 * store holds, and at least 256 KiB.
 */
export function prepareRoom(st: SimState, pages: number): boolean {
  const ends = st.halves.length;
  pages = keepAhead(st, 'hq', () => st.hq, (a) => (st.hq = a), st.hqTop, roomAhead(st.hqTop, 8), pages);
  if (pages <= 0) return true;
  const endsAhead = roomAhead(ends, HF * 8);
  pages = keepAhead(st, 'hi', () => st.hi, (a) => (st.hi = a), ends * HI, endsAhead * HI, pages);
  // The ends' two records have room for as many ends (connections.ts newHalf reads it from st.hi).
  if (st.hf.length / HF < st.hi.length / HI) st.hf = grown(st.hf, (st.hi.length / HI) * HF);
  if (pages <= 0) return true;
  pages = keepAhead(st, 'hf', () => st.hf, (a) => (st.hf = a), ends * HF, endsAhead * HF, pages);
  if (pages <= 0) return true;
  pages = keepAhead(st, 'bits', () => st.bits, (a) => (st.bits = a), ends * st.words, endsAhead * st.words, pages);
  return pages <= 0;
}

/** How far each store of `owner` (a state, or a trace for 'aux') is made ahead and brought in (for tests). */
export function preparedRoom(owner: object): Map<string, { length: number; ready: number }> {
  const out = new Map<string, { length: number; ready: number }>();
  for (const [name, a] of made.get(owner) ?? []) out.set(name, { length: a.store.length, ready: a.ready });
  return out;
}

/** As prepareRoom, for the trace's aux values. */
export function prepareAux(tr: Trace, pages: number): boolean {
  return keepAhead(tr, 'aux', () => tr.aux, (a) => (tr.aux = a), tr.auxLength, roomAhead(tr.auxLength, 8), pages) <= 0;
}
