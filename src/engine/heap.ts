// The event queue: a min-heap keyed by (time, seq), four children a node. seq is the order in which
// events were scheduled, so events at the same microsecond run in the order they were scheduled and
// the run never depends on how the heap happens to break ties. Events live in slot arrays
// (structure of arrays, recycled through a free list) so that millions of them cost no garbage; the
// whole queue is plain data and is copied for checkpoints (clone.ts). The heap itself keeps each entry's key
// (time, seq) next to its slot id, by heap position, so that sifting reads three dense arrays instead
// of chasing slot ids into the slot arrays (a cache miss per comparison in a big run). Four children a
// node rather than two: a 1,000-peer run keeps some 55,000 events queued, and a removal walks half as
// many levels, each level's children sitting side by side in one or two cache lines.

export interface EventQueue {
  size: number;
  nextSeq: number;
  /** Heap order: slot ids, and their keys by heap position. */
  order: Int32Array;
  orderTime: Float64Array;
  orderSeq: Float64Array;
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
    orderTime: new Float64Array(capacity),
    orderSeq: new Float64Array(capacity),
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
export function grown<A extends Float64Array | Int32Array | Uint32Array | Uint8Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}

function grow(q: EventQueue): void {
  const old = q.order.length;
  const cap = old * 2;
  q.order = grown(q.order, cap);
  q.orderTime = grown(q.orderTime, cap);
  q.orderSeq = grown(q.orderSeq, cap);
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
  const ot = q.orderTime;
  const os = q.orderSeq;
  let i = q.size++;
  // Sift up; seq is unique and increasing, so a parent at the same time is always earlier.
  while (i > 0) {
    const parent = (i - 1) >> 2;
    if (ot[parent]! <= time) break;
    order[i] = order[parent]!;
    ot[i] = ot[parent]!;
    os[i] = os[parent]!;
    i = parent;
  }
  order[i] = slot;
  ot[i] = time;
  os[i] = s;
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
  const ot = q.orderTime;
  const os = q.orderSeq;
  const top = order[0]!;
  const n = --q.size;
  if (n > 0) {
    const last = order[n]!;
    const lt = ot[n]!;
    const ls = os[n]!;
    let i = 0;
    for (;;) {
      const first = 4 * i + 1;
      if (first >= n) break;
      // The earliest of up to four children.
      let c = first;
      let ct = ot[first]!;
      const end = first + 4 < n ? first + 4 : n;
      for (let k = first + 1; k < end; k++) {
        const kt = ot[k]!;
        if (kt < ct || (kt === ct && os[k]! < os[c]!)) {
          c = k;
          ct = kt;
        }
      }
      if (lt < ct || (lt === ct && ls < os[c]!)) break;
      order[i] = order[c]!;
      ot[i] = ct;
      os[i] = os[c]!;
      i = c;
    }
    order[i] = last;
    ot[i] = lt;
    os[i] = ls;
  }
  q.free[q.freeTop++] = top;
  return top;
}
