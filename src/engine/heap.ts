// The event queue: a binary min-heap keyed by (time, seq). seq is the order in which events were
// scheduled, so events at the same microsecond run in the order they were scheduled and the run never
// depends on how the heap happens to break ties. Events live in slot arrays (structure of arrays,
// recycled through a free list) so that millions of them cost no garbage; the whole queue is plain
// data and clones with structuredClone for checkpoints.

export interface EventQueue {
  size: number;
  nextSeq: number;
  /** Heap order: slot ids. */
  order: Int32Array;
  time: Float64Array;
  seq: Float64Array;
  kind: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Float64Array;
  d: Int32Array;
  free: Int32Array;
  freeTop: number;
}

export function createQueue(capacity = 1024): EventQueue {
  const q: EventQueue = {
    size: 0,
    nextSeq: 0,
    order: new Int32Array(capacity),
    time: new Float64Array(capacity),
    seq: new Float64Array(capacity),
    kind: new Uint8Array(capacity),
    a: new Int32Array(capacity),
    b: new Int32Array(capacity),
    c: new Float64Array(capacity),
    d: new Int32Array(capacity),
    free: new Int32Array(capacity),
    freeTop: capacity,
  };
  for (let i = 0; i < capacity; i++) q.free[i] = capacity - 1 - i;
  return q;
}

/** A copy of typed array `a` with room for `cap` elements. */
export function grown<A extends Float64Array | Int32Array | Uint8Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}

function grow(q: EventQueue): void {
  const old = q.order.length;
  const cap = old * 2;
  q.order = grown(q.order, cap);
  q.time = grown(q.time, cap);
  q.seq = grown(q.seq, cap);
  q.kind = grown(q.kind, cap);
  q.a = grown(q.a, cap);
  q.b = grown(q.b, cap);
  q.c = grown(q.c, cap);
  q.d = grown(q.d, cap);
  // Every old slot is in use (that is why we grow); the new ones are free.
  const free = new Int32Array(cap);
  for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
  q.free = free;
  q.freeTop = cap - old;
}

function less(q: EventQueue, x: number, y: number): boolean {
  const tx = q.time[x]!;
  const ty = q.time[y]!;
  return tx < ty || (tx === ty && q.seq[x]! < q.seq[y]!);
}

/** Schedule an event; returns its seq (unique, increasing). */
export function push(q: EventQueue, time: number, kind: number, a: number, b: number, c: number, d: number): number {
  if (q.freeTop === 0) grow(q);
  const slot = q.free[--q.freeTop]!;
  const s = q.nextSeq++;
  q.time[slot] = time;
  q.seq[slot] = s;
  q.kind[slot] = kind;
  q.a[slot] = a;
  q.b[slot] = b;
  q.c[slot] = c;
  q.d[slot] = d;
  const order = q.order;
  let i = q.size++;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const ps = order[parent]!;
    if (!less(q, slot, ps)) break;
    order[i] = ps;
    i = parent;
  }
  order[i] = slot;
  return s;
}

/** Slot id of the earliest event, or -1. The slot's fields stay valid until the next push. */
export function peek(q: EventQueue): number {
  return q.size > 0 ? q.order[0]! : -1;
}

/** Remove the earliest event and return its slot id (valid until the next push), or -1. */
export function pop(q: EventQueue): number {
  if (q.size === 0) return -1;
  const order = q.order;
  const top = order[0]!;
  const n = --q.size;
  if (n > 0) {
    const last = order[n]!;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      let cs = order[l]!;
      if (r < n) {
        const rs = order[r]!;
        if (less(q, rs, cs)) {
          c = r;
          cs = rs;
        }
      }
      if (!less(q, cs, last)) break;
      order[i] = cs;
      i = c;
    }
    order[i] = last;
  }
  q.free[q.freeTop++] = top;
  return top;
}
