// The trace: every wire message and every decision the engine makes, in the order it made them.
// A 1,000-peer run appends tens of millions of records, so the trace is columnar: chunks of typed
// arrays (21 bytes a record), never an object per message. Variable-length detail (a rechoke's ranking
// table, the peers a tracker returned) lives in one growable `aux` column that records point into.
// Its hash is in trace-hash.ts; the merging of a split run's two sides' traces in trace-merge.ts.

/** Record kinds. Wire messages use their BEP 3 message ids. */
export const T = {
  CHOKE: 0,
  UNCHOKE: 1,
  INTERESTED: 2,
  NOT_INTERESTED: 3,
  /** x = piece, to = BROADCAST, y = number of peers it was sent to (one have message each). */
  HAVE: 4,
  /** x = number of pieces it announces. */
  BITFIELD: 5,
  /** x = block id (piece × blocksPerPiece + block). */
  REQUEST: 6,
  /** Sending starts; x = block id, y = payload bytes. */
  PIECE: 7,
  /** x = block id. */
  CANCEL: 8,
  /** BEP 6 suggest piece; x = piece. */
  SUGGEST: 13,
  /** BEP 6 have all / have none: the first message on a fast connection from a peer holding every piece / none. */
  HAVE_ALL: 14,
  HAVE_NONE: 15,
  /** BEP 6 reject request; x = block id. */
  REJECT: 16,
  /** BEP 6 allowed fast; x = piece. */
  ALLOWED_FAST: 17,
  /** x = extensions offered in the reserved bytes (HS_FAST, HS_EXTENDED); 0 for a plain BEP 3 client. */
  HANDSHAKE: 20,
  /**
   * BEP 11 peer exchange (ut_pex, a BEP 10 extended message, wire id 20, which the trace gives the
   * handshake): x = aux offset, y = aux values: added count, dropped count, then their peer ids.
   */
  PEX: 21,
  JOIN: 32,
  /** x = LEAVE_REASON. */
  LEAVE: 33,
  /** Tracker answer; x = aux offset, y = peers returned (aux: their ids). */
  ANNOUNCE: 34,
  /** x = aux offset, y = rows; aux row: remote id, rate that ranked it (bytes/s), SLOT, WHY. */
  RECHOKE: 35,
  /** The piece passed its hash check; x = piece. */
  VERIFIED: 36,
  COMPLETED: 37,
  /** A block arrived; from = sender, to = receiver, x = block id, y = bytes. */
  RECEIVED: 38,
  /** A block in flight when one side left; from = sender, to = receiver, x = block id, y = bytes. */
  LOST: 39,
  /**
   * from refused the handshake of `to`: its peer set was full, or it is an investigator and `to` not
   * the subject; in a run split by peers also a peer it banned, or a second connection to `to`.
   */
  REFUSED: 40,
  /** from tried to connect to `to`, which is behind NAT (not connectable): no handshake was sent. */
  UNREACHABLE: 44,
  /** A piece of from's failed its hash check and was discarded; to = a peer that sent one of its blocks, x = piece, y = that peer's hash failures at from so far. */
  HASH_FAILED: 45,
  /** from banned `to` (closing their connection for good); x = the hash failures that led to it. */
  BANNED: 46,
  /** A scripted `set` event changed the settings of `from`; x = its index in SimConfig.events. */
  SETTINGS: 50,
} as const;

export const BROADCAST = 0xffff;

/** HANDSHAKE x bits: BEP 6 fast extension (reserved[7] & 0x04), BEP 10 extension protocol (reserved[5] & 0x10). */
export const HS_FAST = 1;
export const HS_EXTENDED = 2;

export const LEAVE_REASON = { SCHEDULED: 0, AFTER_COMPLETE: 1, SCRIPTED: 2, SEED_TIME: 3, SHARE_RATIO: 4 } as const;

/** Rechoke rows: which slot a peer got. */
export const SLOT = { CHOKED: 0, REGULAR: 1, OPTIMISTIC: 2, SEED_KEPT: 3, SEED_RANDOM: 4 } as const;
/** Rechoke rows: why. */
export const WHY = {
  TOP_RATE: 0,
  OPTIMISTIC: 1,
  NOT_INTERESTED: 2,
  SNUBBED: 3,
  OUTRANKED: 4,
  RECENTLY_UNCHOKED: 5,
  ROUND_ROBIN: 6,
  RANDOM: 7,
  /** The peer's client never unchokes anyone (a free rider). */
  FREE_RIDER: 8,
} as const;

export const CHUNK_BITS = 16;
export const CHUNK = 1 << CHUNK_BITS;

export interface TraceChunk {
  time: Float64Array;
  kind: Uint8Array;
  from: Uint16Array;
  to: Uint16Array;
  x: Uint32Array;
  y: Uint32Array;
}

export interface Trace {
  length: number;
  chunks: TraceChunk[];
  aux: Float64Array;
  auxLength: number;
}

/** Where a column's memory comes from: an ArrayBuffer, or shared memory (shareTrace). */
type Alloc = (bytes: number) => ArrayBuffer | SharedArrayBuffer;
const plain: Alloc = (bytes) => new ArrayBuffer(bytes);
const sharedMemory: Alloc = (bytes) => new SharedArrayBuffer(bytes);

export function newChunk(alloc: Alloc = plain): TraceChunk {
  return {
    time: new Float64Array(alloc(8 * CHUNK)),
    kind: new Uint8Array(alloc(CHUNK)),
    from: new Uint16Array(alloc(2 * CHUNK)),
    to: new Uint16Array(alloc(2 * CHUNK)),
    x: new Uint32Array(alloc(4 * CHUNK)),
    y: new Uint32Array(alloc(4 * CHUNK)),
  };
}

export function createTrace(): Trace {
  return { length: 0, chunks: [], aux: new Float64Array(1024), auxLength: 0 };
}

/** Told of each new chunk of a shared trace (shareTrace). */
export interface TraceSharing {
  chunk(c: TraceChunk): void;
}

/** Traces whose memory another thread reads as they grow (kept apart: a trace stays plain data). */
const sharing = new WeakMap<Trace, TraceSharing>();

/**
 * Make `tr` (still empty) append its records in shared memory, each new chunk told to `to`, so that
 * another thread can read them as they are appended (a split run's side: src/cli/threads.ts). The aux
 * column stays the trace's own (grown by doubling: shared, every column it outgrew would stay until
 * both threads had let it go): the other thread is sent what it gains.
 */
export function shareTrace(tr: Trace, to: TraceSharing): void {
  if (tr.length > 0) throw new Error('shareTrace: the trace must be empty');
  sharing.set(tr, to);
}

/**
 * A new chunk at the end of `tr` (in shared memory, and told, if the trace is shared): a chunk let go
 * of (releaseBefore), its memory in already, else the one made ahead, if any (prepareChunk).
 */
function addChunk(tr: Trace): TraceChunk {
  const shared = sharing.get(tr);
  const book = bookOf(tr);
  let c = book.free.pop();
  if (c === undefined) {
    const spare = spares.get(tr);
    if (spare !== undefined) spares.delete(tr);
    c = spare?.chunk ?? newChunk(shared === undefined ? plain : sharedMemory);
    book.made++;
  }
  tr.chunks.push(c);
  shared?.chunk(c);
  return c;
}

/**
 * A trace's chunks as made and let go of (releaseBefore): how many it made in new memory, how many
 * from the first it has let go of, and those let go of to fill again.
 */
interface ChunkBook {
  made: number;
  released: number;
  free: TraceChunk[];
}

const books = new WeakMap<Trace, ChunkBook>();

function bookOf(tr: Trace): ChunkBook {
  let book = books.get(tr);
  if (book === undefined) books.set(tr, (book = { made: 0, released: 0, free: [] }));
  return book;
}

/** What stands in `chunks` for a chunk let go of: columns of no records, so that reading one fails. */
const RELEASED: TraceChunk = Object.freeze({
  time: new Float64Array(0),
  kind: new Uint8Array(0),
  from: new Uint16Array(0),
  to: new Uint16Array(0),
  x: new Uint32Array(0),
  y: new Uint32Array(0),
});

/**
 * Let go of `tr`'s chunks that lie wholly before record `before`, for a trace nothing will read
 * again up to there: a split run that only wants its trace hash merges and hashes the two sides'
 * records as the run goes (src/cli/threads.ts). With `reuse`, the trace's next chunks are written in
 * their memory, already paged in (a fresh page costs some 10 µs on this VM at its first write: README,
 * "Inside the engine"); without, they are only dropped (another thread writes in them again: the other
 * side's trace as the merging side sees it). Changes no record that is kept; `record` on one let go
 * of throws.
 */
export function releaseBefore(tr: Trace, before: number, reuse = true): void {
  const book = bookOf(tr);
  const end = Math.min(before, tr.length) >>> CHUNK_BITS;
  for (; book.released < end; book.released++) {
    if (reuse) book.free.push(tr.chunks[book.released]!);
    tr.chunks[book.released] = RELEASED;
  }
}

/** Chunk `ci` of `tr`, which must not have been let go of (releaseBefore): its records cannot be read again. */
export function keptChunk(tr: Trace, ci: number): TraceChunk {
  const c = tr.chunks[ci]!;
  if (c === RELEASED) throw new Error(`trace chunk ${ci} was let go of (releaseBefore): its records cannot be read, hashed or merged again`);
  return c;
}

/** How many chunks `tr` has made in new memory (the rest it wrote in chunks it had let go of). */
export function chunksMade(tr: Trace): number {
  return books.get(tr)?.made ?? 0;
}

/** How many of `tr`'s chunks, from the first, have been let go of (releaseBefore). */
export function releasedChunks(tr: Trace): number {
  return books.get(tr)?.released ?? 0;
}

/** Bytes apart at which a write reaches a fresh page of memory (also room.ts). */
export const PAGE = 4096;

/** A trace's next chunk, made ahead (prepareChunk): its columns' bytes, and how far into them pages are in. */
interface Spare {
  chunk: TraceChunk;
  bytes: Uint8Array[];
  column: number;
  at: number;
}

const spares = new WeakMap<Trace, Spare>();

/**
 * Make `tr`'s next chunk before it is needed, and bring its memory in `pages` pages at a time (a write
 * a page): the first write to a fresh page costs some 10 µs on this VM (README, "Inside the engine"),
 * some 1.5 s over one side's trace in a 1,000-peer run. A split run's side does it while it waits at a
 * window boundary (src/cli/threads.ts) rather than in its windows. Returns whether more is left to do.
 * Changes nothing the trace holds.
 */
export function prepareChunk(tr: Trace, pages: number): boolean {
  // A chunk let go of comes next, its memory in already.
  if ((books.get(tr)?.free.length ?? 0) > 0) return false;
  let s = spares.get(tr);
  if (s === undefined) {
    const chunk = newChunk(sharing.has(tr) ? sharedMemory : plain);
    s = { chunk, bytes: columnsOf(chunk).map((a) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength)), column: 0, at: 0 };
    spares.set(tr, s);
  }
  for (; pages > 0 && s.column < s.bytes.length; pages--) {
    const b = s.bytes[s.column]!;
    b[s.at] = 0;
    s.at += PAGE;
    if (s.at >= b.length) {
      // The column's last byte may lie on one page more.
      b[b.length - 1] = 0;
      s.column++;
      s.at = 0;
    }
  }
  return s.column < s.bytes.length;
}

/** The chunk prepareChunk has made ahead for `tr`, if any (for tests). */
export function preparedChunk(tr: Trace): TraceChunk | undefined {
  return spares.get(tr)?.chunk;
}

const columnsOf = (c: TraceChunk): (Float64Array | Uint8Array | Uint16Array | Uint32Array)[] => [c.time, c.kind, c.from, c.to, c.x, c.y];

export function append(tr: Trace, time: number, kind: number, from: number, to: number, x: number, y: number): void {
  const n = tr.length;
  const ci = n >>> CHUNK_BITS;
  let c = tr.chunks[ci];
  if (c === undefined) c = addChunk(tr);
  const i = n & (CHUNK - 1);
  c.time[i] = time;
  c.kind[i] = kind;
  c.from[i] = from;
  c.to[i] = to;
  c.x[i] = x;
  c.y[i] = y;
  tr.length = n + 1;
}

/** Reserve `n` aux values and return the offset of the first. */
export function auxReserve(tr: Trace, n: number): number {
  const off = tr.auxLength;
  if (off + n > tr.aux.length) {
    let cap = tr.aux.length * 2;
    while (cap < off + n) cap *= 2;
    const a = new Float64Array(cap);
    a.set(tr.aux.subarray(0, off));
    tr.aux = a;
  }
  tr.auxLength = off + n;
  return off;
}

/** Forget everything after the first `length` records and `auxLength` aux values (seeking back). */
export function truncate(tr: Trace, length: number, auxLength: number): void {
  tr.length = length;
  tr.auxLength = auxLength;
  tr.chunks.length = Math.ceil(length / CHUNK);
}

/** One record, unpacked (for tests, the log panel and analysis; not for hot loops). */
export interface TraceRecord {
  index: number;
  time: number;
  kind: number;
  from: number;
  to: number;
  x: number;
  y: number;
}

export function record(tr: Trace, index: number): TraceRecord {
  const c = keptChunk(tr, index >>> CHUNK_BITS);
  const i = index & (CHUNK - 1);
  return { index, time: c.time[i]!, kind: c.kind[i]!, from: c.from[i]!, to: c.to[i]!, x: c.x[i]!, y: c.y[i]! };
}

/** Iterate all records (allocates one object per record: fine for tests and small runs). */
export function* records(tr: Trace, start = 0): Generator<TraceRecord> {
  for (let i = start; i < tr.length; i++) yield record(tr, i);
}
