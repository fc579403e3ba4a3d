// The event queue: events come out in (time, seq) order, seq being the order in which they were
// scheduled, so events at the same microsecond run in the order they were scheduled and the run never
// depends on how the queue happens to break ties. Events are records in typed arrays, so that
// millions of them cost no garbage; the whole queue is plain data and is copied for checkpoints
// (packQueue).
//
// A 1,000-peer run keeps some 55,000 events queued, nearly all due within the next tenth of a second.
// One heap of them all spent a tenth of the run sifting through levels that no longer fit the caches,
// and reading each event back from wherever its slot happened to be, so the queue is a calendar:
// - time is cut into windows of WINDOW µs, and each of the next BUCKETS windows has a bucket: the
//   records of its events, one after another, in the order they were scheduled (a record is time,
//   seq, kind and the four arguments);
// - the current window's records are ordered by a small `near` heap of their indices, the only place
//   events are taken from; an event scheduled into the current window (or before it) joins it there;
// - events further ahead than the buckets reach (timers, joins, leaves) wait in the `far` heap.
// When the near heap runs dry the current bucket is emptied, and the next window's bucket, with the
// far events now due in that window, is ordered by the near heap. Scheduling an event is writing its
// record at the end of its bucket, and taking one reads records that were just read to order them.
// Both heaps are 4-ary, keyed by (time, seq), and keep each entry's key next to its index.

/** µs a window; a power of two, so that t × (1 / WINDOW) is exact. */
export const WINDOW = 1024;
/** Windows with a bucket (the current one included); a power of two. */
export const BUCKETS = 512;

/** Numbers in an event record: time, seq, kind, a, b, c, d. */
const R = 7;

/** A 4-ary min-heap of record indices with their keys, by heap position. */
export interface IndexHeap {
  size: number;
  index: Int32Array;
  time: Float64Array;
  seq: Float64Array;
}

export interface EventQueue {
  /** Events queued, wherever they wait. */
  size: number;
  nextSeq: number;
  /** Window width (µs) and bucket count; WINDOW and BUCKETS unless a test asks for others. */
  width: number;
  perWidth: number;
  buckets: number;
  /** The current window (time ÷ width, rounded down); its events and any earlier ones are in `near`. */
  base: number;
  /** The bucket of the current window; the window base + k has bucket (baseBucket + k) mod buckets. */
  baseBucket: number;
  /** Events in buckets other than the current one. */
  bucketed: number;
  /** Each bucket's records, and how many it holds. The current bucket keeps those already taken. */
  records: Float64Array[];
  lengths: Int32Array;
  /** Indices of the current bucket's records still queued. */
  near: IndexHeap;
  /** Events beyond the buckets' reach: indices of records in farRecords, recycled through farFree. */
  far: IndexHeap;
  farRecords: Float64Array;
  farFree: Int32Array;
  farFreeTop: number;
  /** The event taken by the last pop. */
  time: number;
  kind: number;
  a: number;
  b: number;
  c: number;
  d: number;
}

function createHeap(capacity: number): IndexHeap {
  return { size: 0, index: new Int32Array(capacity), time: new Float64Array(capacity), seq: new Float64Array(capacity) };
}

export function createQueue(width = WINDOW, buckets = BUCKETS): EventQueue {
  const q: EventQueue = {
    size: 0,
    nextSeq: 0,
    width,
    perWidth: 1 / width,
    buckets,
    base: 0,
    baseBucket: 0,
    bucketed: 0,
    records: [],
    lengths: new Int32Array(buckets),
    near: createHeap(64),
    far: createHeap(64),
    farRecords: new Float64Array(64 * R),
    farFree: new Int32Array(64),
    farFreeTop: 64,
    time: 0,
    kind: 0,
    a: 0,
    b: 0,
    c: 0,
    d: 0,
  };
  // Empty until used: a small swarm's checkpoints should not carry hundreds of empty buckets' room.
  for (let k = 0; k < buckets; k++) q.records.push(new Float64Array(0));
  for (let i = 0; i < 64; i++) q.farFree[i] = 63 - i;
  return q;
}

/** A copy of typed array `a` with room for `cap` elements. */
export function grown<A extends Float64Array | Int32Array | Uint8Array>(a: A, cap: number): A {
  const b = new (a.constructor as new (n: number) => A)(cap);
  b.set(a);
  return b;
}

function ensureHeap(h: IndexHeap, n: number): void {
  if (n <= h.index.length) return;
  const cap = Math.max(n, h.index.length * 2);
  h.index = grown(h.index, cap);
  h.time = grown(h.time, cap);
  h.seq = grown(h.seq, cap);
}

function heapPush(h: IndexHeap, index: number, time: number, seq: number): void {
  const ix = h.index;
  const ot = h.time;
  const os = h.seq;
  let i = h.size++;
  while (i > 0) {
    const parent = (i - 1) >> 2;
    if (ot[parent]! < time || (ot[parent] === time && os[parent]! < seq)) break;
    ix[i] = ix[parent]!;
    ot[i] = ot[parent]!;
    os[i] = os[parent]!;
    i = parent;
  }
  ix[i] = index;
  ot[i] = time;
  os[i] = seq;
}

/** Remove the top of a non-empty heap and return its index. */
function heapPop(h: IndexHeap): number {
  const ix = h.index;
  const ot = h.time;
  const os = h.seq;
  const top = ix[0]!;
  const n = --h.size;
  if (n > 0) {
    const last = ix[n]!;
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
      ix[i] = ix[c]!;
      ot[i] = ct;
      os[i] = os[c]!;
      i = c;
    }
    ix[i] = last;
    ot[i] = lt;
    os[i] = ls;
  }
  return top;
}

function writeRecord(r: Float64Array, o: number, time: number, seq: number, kind: number, a: number, b: number, c: number, d: number): void {
  r[o] = time;
  r[o + 1] = seq;
  r[o + 2] = kind;
  r[o + 3] = a;
  r[o + 4] = b;
  r[o + 5] = c;
  r[o + 6] = d;
}

/** Write a record at the end of bucket `k`; returns its index there. */
function append(q: EventQueue, k: number, time: number, seq: number, kind: number, a: number, b: number, c: number, d: number): number {
  const n = q.lengths[k]!;
  let r = q.records[k]!;
  if ((n + 1) * R > r.length) {
    r = q.records[k] = grown(r, Math.max(8 * R, r.length * 2));
    // The near heap may come to index every record of any bucket.
    ensureHeap(q.near, r.length / R);
  }
  writeRecord(r, n * R, time, seq, kind, a, b, c, d);
  q.lengths[k] = n + 1;
  return n;
}

function pushFar(q: EventQueue, time: number, seq: number, kind: number, a: number, b: number, c: number, d: number): void {
  if (q.farFreeTop === 0) {
    const old = q.farFree.length;
    const cap = old * 2;
    q.farRecords = grown(q.farRecords, cap * R);
    ensureHeap(q.far, cap);
    q.farFree = new Int32Array(cap);
    for (let i = 0; i < cap - old; i++) q.farFree[i] = cap - 1 - i;
    q.farFreeTop = cap - old;
  }
  const i = q.farFree[--q.farFreeTop]!;
  writeRecord(q.farRecords, i * R, time, seq, kind, a, b, c, d);
  heapPush(q.far, i, time, seq);
}

/** Schedule an event; returns its seq (unique, increasing). */
export function push(q: EventQueue, time: number, kind: number, a: number, b: number, c: number, d: number): number {
  const s = q.nextSeq++;
  q.size++;
  const ahead = Math.floor(time * q.perWidth) - q.base;
  if (ahead <= 0) heapPush(q.near, append(q, q.baseBucket, time, s, kind, a, b, c, d), time, s);
  else if (ahead < q.buckets) {
    append(q, (q.baseBucket + ahead) & (q.buckets - 1), time, s, kind, a, b, c, d);
    q.bucketed++;
  } else pushFar(q, time, s, kind, a, b, c, d);
  return s;
}

/**
 * The near heap ran dry with events still queued: empty the current bucket, move on to the next
 * window that has any (straight to the far heap's first when the buckets are empty) and order its
 * events. This happens only when the near heap is empty, and only in peek or pop, so the queue's
 * layout after a sequence of pushes and pops does not depend on how often it was peeked at between.
 */
function advance(q: EventQueue): void {
  const far = q.far;
  const near = q.near;
  do {
    // Clear the records taken, so that every bucket is zero past its length (packQueue relies on it).
    q.records[q.baseBucket]!.fill(0, 0, q.lengths[q.baseBucket]! * R);
    q.lengths[q.baseBucket] = 0;
    if (q.bucketed === 0) {
      const w = Math.floor(far.time[0]! * q.perWidth);
      q.baseBucket = (q.baseBucket + (w - q.base)) % q.buckets;
      q.base = w;
    } else {
      q.base++;
      q.baseBucket = (q.baseBucket + 1) & (q.buckets - 1);
    }
    const k = q.baseBucket;
    const n = q.lengths[k]!;
    q.bucketed -= n;
    const r = q.records[k]!;
    for (let i = 0, o = 0; i < n; i++, o += R) heapPush(near, i, r[o]!, r[o + 1]!);
    while (far.size > 0 && Math.floor(far.time[0]! * q.perWidth) <= q.base) {
      const f = heapPop(far);
      const fr = q.farRecords;
      const o = f * R;
      heapPush(near, append(q, k, fr[o]!, fr[o + 1]!, fr[o + 2]!, fr[o + 3]!, fr[o + 4]!, fr[o + 5]!, fr[o + 6]!), fr[o]!, fr[o + 1]!);
      q.farFree[q.farFreeTop++] = f;
    }
  } while (near.size === 0);
}

/** Time of the earliest event, or -1 when none is queued. */
export function peek(q: EventQueue): number {
  if (q.near.size === 0) {
    if (q.size === 0) return -1;
    advance(q);
  }
  return q.near.time[0]!;
}

/** Take the earliest event into q.time, q.kind, q.a … q.d; false when none is queued. */
export function pop(q: EventQueue): boolean {
  if (q.near.size === 0) {
    if (q.size === 0) return false;
    advance(q);
  }
  const r = q.records[q.baseBucket]!;
  const o = heapPop(q.near) * R;
  q.size--;
  q.time = r[o]!;
  q.kind = r[o + 2]!;
  q.a = r[o + 3]!;
  q.b = r[o + 4]!;
  q.c = r[o + 5]!;
  q.d = r[o + 6]!;
  return true;
}

/** Call `fn` with every queued event's time, kind and arguments (in the queue's order, not time order). */
export function forEachQueued(q: EventQueue, fn: (time: number, kind: number, a: number, b: number, c: number, d: number) => void): void {
  const each = (r: Float64Array, o: number): void => fn(r[o]!, r[o + 2]!, r[o + 3]!, r[o + 4]!, r[o + 5]!, r[o + 6]!);
  const current = q.records[q.baseBucket]!;
  for (let i = 0; i < q.near.size; i++) each(current, q.near.index[i]! * R);
  for (let k = 0; k < q.buckets; k++) {
    if (k === q.baseBucket) continue;
    for (let i = 0; i < q.lengths[k]!; i++) each(q.records[k]!, i * R);
  }
  for (let i = 0; i < q.far.size; i++) each(q.farRecords, q.far.index[i]! * R);
}

const copyHeap = (h: IndexHeap): IndexHeap => ({ size: h.size, index: h.index.slice(), time: h.time.slice(), seq: h.seq.slice() });

/** A queue packed for a checkpoint: each bucket's records as far as they are used, and its room. */
export type PackedQueue = Omit<EventQueue, 'records'> & { used: Float64Array; room: Int32Array };

/** Pack for a checkpoint. Records past a bucket's length are all zero (advance clears them), so only the used ones are kept. */
export function packQueue(q: EventQueue): PackedQueue {
  const { records, ...rest } = q;
  let total = 0;
  for (let k = 0; k < q.buckets; k++) total += q.lengths[k]!;
  const used = new Float64Array(total * R);
  const room = new Int32Array(q.buckets);
  // Copied number by number: a subarray for each of 512 buckets would cost more than the copy.
  for (let k = 0, at = 0; k < q.buckets; k++) {
    const r = records[k]!;
    const n = q.lengths[k]! * R;
    for (let i = 0; i < n; i++) used[at++] = r[i]!;
    room[k] = r.length;
  }
  return { ...rest, lengths: q.lengths.slice(), near: copyHeap(q.near), far: copyHeap(q.far), farRecords: q.farRecords.slice(), farFree: q.farFree.slice(), used, room };
}

/** A live queue from a packed one (which stays as it was), equal to the queue it was packed from. */
export function unpackQueue(p: PackedQueue): EventQueue {
  const { used, room, ...rest } = p;
  // One buffer for all the buckets (each a view of its part): allocating 512 arrays took longer than
  // the rest of a restore of the queue. A bucket that outgrows its part gets an array of its own.
  let total = 0;
  for (let k = 0; k < p.buckets; k++) total += room[k]!;
  const buffer = new ArrayBuffer(total * 8);
  const records: Float64Array[] = [];
  for (let k = 0, at = 0, offset = 0; k < p.buckets; k++) {
    const r = new Float64Array(buffer, offset * 8, room[k]!);
    const n = p.lengths[k]! * R;
    for (let i = 0; i < n; i++) r[i] = used[at++]!;
    offset += room[k]!;
    records.push(r);
  }
  return { ...rest, records, lengths: p.lengths.slice(), near: copyHeap(p.near), far: copyHeap(p.far), farRecords: p.farRecords.slice(), farFree: p.farFree.slice() };
}

/** The bytes a packed queue takes. */
export function packedQueueBytes(p: PackedQueue): number {
  const heap = (h: IndexHeap): number => h.index.byteLength + h.time.byteLength + h.seq.byteLength;
  return p.used.byteLength + p.room.byteLength + p.lengths.byteLength + heap(p.near) + heap(p.far) + p.farRecords.byteLength + p.farFree.byteLength;
}
