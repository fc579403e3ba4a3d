// The event queue: events come out in (time, seq) order, where seq is the order in which they were
// scheduled, so events at the same microsecond run in the order they were scheduled and the run never
// depends on how the queue happens to break ties (a run split by peers numbers each side's events
// itself: world.ts schedule). Events live in typed arrays (structure of arrays, reused) so that
// millions of them cost no garbage; the whole queue is plain data and is copied for checkpoints
// (clone.ts).
//
// Two structures hold the events, and a removal takes the earlier of their fronts:
// - Lanes. Most events are scheduled a fixed delay after now: a block's send ends one block time
//   after it starts (the same for every block of an uploader), a message arrives one connection
//   latency after it leaves. Events pushed at now + d for the same d come in time order (now never goes
//   back) and in seq order, so a plain FIFO of them is already sorted. LANES rings each take one delay;
//   a push whose delay has no lane takes an empty one, else it goes to the heap, as does a keyed push
//   (pushKeyed) whose seq is below that of the lane's last event at the same time.
// - A min-heap, four children a node, for the rest. Its events sit in slots recycled through a free
//   list; the heap keeps each entry's key (time, seq) next to its slot id, by heap position, so that
//   sifting reads three dense arrays instead of chasing slot ids.
// Which structure holds an event changes nothing but speed: the order is (time, seq) either way.

/** Rings for events scheduled a fixed delay after now. */
export const LANES = 4;

/**
 * Events' kinds and arguments by index, a typed array per field: the lanes' rings and the heap's slots
 * are each one. Their keys (time, seq) live beside them: laneTime/laneSeq, orderTime/orderSeq.
 */
export interface EventStore {
  kind: Uint8Array;
  a: Int32Array;
  b: Int32Array;
  c: Float64Array;
  d: Int32Array;
}

export interface EventQueue {
  nextSeq: number;
  /** The latest time taken from the queue: a lane's events were pushed at now + its delay. */
  now: number;
  /** Where the earliest event is (see earliest), or UNKNOWN until a push or take moves it. */
  next: number;
  /** The event last taken (take): its time, kind and arguments. */
  evTime: number;
  evKind: number;
  evA: number;
  evB: number;
  evC: number;
  evD: number;
  /** Each lane's delay (meaningful while the lane is not empty), its first entry and its length. */
  laneDelay: Float64Array;
  laneHead: Int32Array;
  laneLen: Int32Array;
  /**
   * The lanes' events, in rings of laneCap (a power of two) entries, lane after lane: each event's
   * key and fields side by side in the rings, read in the order they were written.
   */
  laneCap: number;
  laneTime: Float64Array;
  laneSeq: Float64Array;
  lanes: EventStore;
  /** Events in the heap. */
  heapSize: number;
  /** Heap order: slot ids, and their events' keys by heap position. */
  order: Int32Array;
  orderTime: Float64Array;
  orderSeq: Float64Array;
  /** The heap's events' kinds and arguments by slot id, and the free slots. */
  slots: EventStore;
  free: Int32Array;
  freeTop: number;
}

const LANE_CAP0 = 64;
const UNKNOWN = -3;

function createStore(n: number): EventStore {
  return {
    kind: new Uint8Array(n),
    a: new Int32Array(n),
    b: new Int32Array(n),
    c: new Float64Array(n),
    d: new Int32Array(n),
  };
}

/** A copy of every field of `s` through `copy` (a new array of each). */
export function mapStore(s: EventStore, copy: <A extends Float64Array | Int32Array | Uint8Array>(a: A) => A): EventStore {
  return { kind: copy(s.kind), a: copy(s.a), b: copy(s.b), c: copy(s.c), d: copy(s.d) };
}

/** Bytes a store takes. */
export function storeBytes(s: EventStore): number {
  return s.kind.byteLength + s.a.byteLength + s.b.byteLength + s.c.byteLength + s.d.byteLength;
}

export function createQueue(capacity = 1024): EventQueue {
  const q: EventQueue = {
    nextSeq: 0,
    now: 0,
    next: UNKNOWN,
    evTime: 0,
    evKind: 0,
    evA: 0,
    evB: 0,
    evC: 0,
    evD: 0,
    laneDelay: new Float64Array(LANES),
    laneHead: new Int32Array(LANES),
    laneLen: new Int32Array(LANES),
    laneCap: LANE_CAP0,
    laneTime: new Float64Array(LANES * LANE_CAP0),
    laneSeq: new Float64Array(LANES * LANE_CAP0),
    lanes: createStore(LANES * LANE_CAP0),
    heapSize: 0,
    order: new Int32Array(capacity),
    orderTime: new Float64Array(capacity),
    orderSeq: new Float64Array(capacity),
    slots: createStore(capacity),
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
  q.slots = mapStore(q.slots, (a) => grown(a, cap));
  // Every old slot is in use (that is why we grow); the new ones are free.
  const free = new Int32Array(cap);
  for (let i = 0; i < cap - old; i++) free[i] = cap - 1 - i;
  q.free = free;
  q.freeTop = cap - old;
}

/** Give every lane twice the room, each ring unrolled to the start of its new room. */
function growLanes(q: EventQueue): void {
  const cap = q.laneCap;
  const unrolled = <A extends Float64Array | Int32Array | Uint8Array>(a: A): A => {
    const b = new (a.constructor as new (n: number) => A)(LANES * cap * 2);
    for (let l = 0; l < LANES; l++) {
      for (let i = 0; i < q.laneLen[l]!; i++) b[l * cap * 2 + i] = a[l * cap + ((q.laneHead[l]! + i) & (cap - 1))]!;
    }
    return b;
  };
  q.laneTime = unrolled(q.laneTime);
  q.laneSeq = unrolled(q.laneSeq);
  q.lanes = mapStore(q.lanes, unrolled);
  q.laneHead.fill(0);
  q.laneCap = cap * 2;
}

/** Write an event's kind and arguments into entry `i` of `s`. */
function put(s: EventStore, i: number, kind: number, a: number, b: number, c: number, d: number): void {
  s.kind[i] = kind;
  s.a[i] = a;
  s.b[i] = b;
  s.c[i] = c;
  s.d[i] = d;
}

/** Copy entry `i` of `s`, an event at `time`, into the queue's last-taken event. */
function got(q: EventQueue, time: number, s: EventStore, i: number): void {
  q.evTime = time;
  q.evKind = s.kind[i]!;
  q.evA = s.a[i]!;
  q.evB = s.b[i]!;
  q.evC = s.c[i]!;
  q.evD = s.d[i]!;
}

/** Schedule an event, after every event scheduled before it (seq unique, increasing). */
export function push(q: EventQueue, time: number, kind: number, a: number, b: number, c: number, d: number): void {
  pushKeyed(q, time, 0, q.nextSeq++, kind, a, b, c, d);
}

/** What a seq's major part counts for (pushKeyed): above any minor part a run reaches, below 2^53. */
export const SEQ_MAJOR = 2 ** 52;

/**
 * Schedule an event with a seq of the caller's, major × SEQ_MAJOR + minor (unique; a run split by
 * peers keys events per side, major = the side: world.ts schedule): events at the same time come out
 * in seq order. The seq comes in two parts, each a small integer, because a number past V8's small
 * integers is boxed (a heap allocation) when it is passed to a function that is not inlined, as this
 * one is not: a split run's odd side did that for every event it scheduled.
 */
export function pushKeyed(q: EventQueue, time: number, major: number, minor: number, kind: number, a: number, b: number, c: number, d: number): void {
  const s = major * SEQ_MAJOR + minor;
  q.next = UNKNOWN;
  // The lane for this delay, else an empty one, else the heap.
  const delay = time - q.now;
  const len = q.laneLen;
  let lane = -1;
  for (let l = 0; l < LANES; l++) {
    if (len[l]! > 0) {
      if (q.laneDelay[l] === delay) {
        // Unless the lane's last event is at this same time with a bigger seq (a keyed push): then the heap.
        const back = l * q.laneCap + ((q.laneHead[l]! + len[l]! - 1) & (q.laneCap - 1));
        lane = q.laneTime[back]! < time || q.laneSeq[back]! < s ? l : -1;
        break;
      }
    } else if (lane < 0) lane = l;
  }
  if (lane >= 0) {
    if (len[lane] === 0) {
      q.laneDelay[lane] = delay;
      q.laneHead[lane] = 0;
    } else if (len[lane] === q.laneCap) growLanes(q);
    const at = lane * q.laneCap + ((q.laneHead[lane]! + len[lane]!) & (q.laneCap - 1));
    q.laneTime[at] = time;
    q.laneSeq[at] = s;
    put(q.lanes, at, kind, a, b, c, d);
    len[lane]!++;
    return;
  }
  if (q.freeTop === 0) grow(q);
  const slot = q.free[--q.freeTop]!;
  put(q.slots, slot, kind, a, b, c, d);
  const order = q.order;
  const ot = q.orderTime;
  const os = q.orderSeq;
  let i = q.heapSize++;
  while (i > 0) {
    const parent = (i - 1) >> 2;
    const pt = ot[parent]!;
    if (pt < time || (pt === time && os[parent]! < s)) break;
    order[i] = order[parent]!;
    ot[i] = pt;
    os[i] = os[parent]!;
    i = parent;
  }
  order[i] = slot;
  ot[i] = time;
  os[i] = s;
}

/** Where the earliest event is: a lane's ring index (≥ 0), -1 for the heap's top, -2 when the queue is empty. */
function earliest(q: EventQueue): number {
  if (q.next !== UNKNOWN) return q.next;
  let where = -2;
  let bt = Infinity;
  let bs = Infinity;
  if (q.heapSize > 0) {
    where = -1;
    bt = q.orderTime[0]!;
    bs = q.orderSeq[0]!;
  }
  const cap = q.laneCap;
  const lt = q.laneTime;
  const ls = q.laneSeq;
  for (let l = 0; l < LANES; l++) {
    if (q.laneLen[l] === 0) continue;
    const at = l * cap + q.laneHead[l]!;
    const t = lt[at]!;
    if (t < bt || (t === bt && ls[at]! < bs)) {
      where = at;
      bt = t;
      bs = ls[at]!;
    }
  }
  q.next = where;
  return where;
}

/** Time of the earliest event, or Infinity when none is queued. */
export function nextTime(q: EventQueue): number {
  const where = earliest(q);
  return where >= 0 ? q.laneTime[where]! : where === -1 ? q.orderTime[0]! : Infinity;
}

/**
 * Call `f` with every queued event's time, kind and arguments, in no particular order.
 */
export function forEachQueued(q: EventQueue, f: (time: number, kind: number, a: number, b: number, c: number, d: number) => void): void {
  const each = (time: number, s: EventStore, i: number): void => f(time, s.kind[i]!, s.a[i]!, s.b[i]!, s.c[i]!, s.d[i]!);
  for (let i = 0; i < q.heapSize; i++) each(q.orderTime[i]!, q.slots, q.order[i]!);
  for (let l = 0; l < LANES; l++) {
    for (let i = 0; i < q.laneLen[l]!; i++) {
      const at = l * q.laneCap + ((q.laneHead[l]! + i) & (q.laneCap - 1));
      each(q.laneTime[at]!, q.lanes, at);
    }
  }
}

/** Events queued, in the heap and the lanes. */
export function queueSize(q: EventQueue): number {
  let n = q.heapSize;
  for (let l = 0; l < LANES; l++) n += q.laneLen[l]!;
  return n;
}

/**
 * Remove the earliest event, its time, kind and arguments left in q.evTime … q.evD. False when the
 * queue is empty.
 */
export function take(q: EventQueue): boolean {
  const where = earliest(q);
  if (where === -2) return false;
  q.next = UNKNOWN;
  if (where >= 0) {
    const lane = (where / q.laneCap) | 0;
    q.laneHead[lane] = (q.laneHead[lane]! + 1) & (q.laneCap - 1);
    q.laneLen[lane]!--;
    got(q, q.laneTime[where]!, q.lanes, where);
  } else {
    const top = q.order[0]!;
    got(q, q.orderTime[0]!, q.slots, top);
    q.free[q.freeTop++] = top;
    popHeap(q);
  }
  if (q.evTime > q.now) q.now = q.evTime;
  return true;
}

/** Remove the heap's top entry. */
function popHeap(q: EventQueue): void {
  const order = q.order;
  const ot = q.orderTime;
  const os = q.orderSeq;
  const n = --q.heapSize;
  if (n === 0) return;
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
