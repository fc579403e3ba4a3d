// A split run's trace from its two sides' traces: merged in the run's order (mergeTraces, TraceMerge,
// mergedTrace), or hashed as it is merged without being kept (mergedTraceHash, mergeHashing).
import { sha256 } from '@noble/hashes/sha2.js';
import { CHUNK, CHUNK_BITS, keptChunk, newChunk, T, type Trace, type TraceChunk } from './trace';
import { chunkBytes, digestParts, littleEndian, type Hasher } from './trace-hash';

/** Aux numbers a record points to with its x (its offset, where aux ended when it has none), by kind; −1 for records that point to none. */
function auxSpan(kind: number, y: number): number {
  return kind === T.ANNOUNCE || kind === T.PEX ? y : kind === T.RECHOKE ? 4 * y : -1;
}

/**
 * A split run's trace from its two sides' (side.ts): the records by time, at one time the even side's
 * first (a split run's order), each side's in its own order; each record's aux moved to the merged
 * aux column, in record order. `chunk` gets every merged chunk in turn with its record count (one of
 * two buffers, refilled in turn: copy it to keep it). Returns the merged aux column and its length.
 */
export function mergeTraces(even: Trace, odd: Trace, chunk: (c: TraceChunk, n: number) => void): { aux: Float64Array; auxLength: number } {
  const merge = new TraceMerge(even, odd, chunk);
  merge.run(Infinity, even.length, odd.length);
  return merge.finish();
}

/** A place in a trace while merging: the record there and its chunk (loaded when first read). */
interface Cursor {
  tr: Trace;
  pos: number;
  chunk: TraceChunk | undefined;
}

/** The time of the cursor's record, or Infinity at `limit` (the records known so far). */
function head(cur: Cursor, limit: number): number {
  if (cur.pos >= limit) return Infinity;
  cur.chunk ??= keptChunk(cur.tr, cur.pos >>> CHUNK_BITS);
  return cur.chunk.time[cur.pos & (CHUNK - 1)]!;
}

/**
 * mergeTraces a part at a time, while the two traces still grow (a split run on two threads merges
 * what both sides have finished while it waits for the other: src/cli/threads.ts). The traces are
 * read afresh at every step: their chunks and aux columns may be replaced or added meanwhile. It fills
 * two merged chunks in turn, so a chunk given to `chunk` stays as it is until the next is given.
 */
export class TraceMerge {
  private readonly outs = [newChunk(), newChunk()];
  private out = this.outs[0]!;
  private n = 0;
  /**
   * The merged aux column, in blocks of `auxBlock` numbers: its final length is not known while the
   * traces grow, and a column grown by doubling would hold up to twice it, copied at every step.
   */
  private readonly auxBlocks: Float64Array[] = [];
  private auxLength = 0;
  private readonly a: Cursor;
  private readonly b: Cursor;
  private readonly chunk: (c: TraceChunk, n: number) => void;
  private readonly auxBlock: number;

  constructor(even: Trace, odd: Trace, chunk: (c: TraceChunk, n: number) => void, auxBlock = 1 << 17) {
    this.a = { tr: even, pos: 0, chunk: undefined };
    this.b = { tr: odd, pos: 0, chunk: undefined };
    this.chunk = chunk;
    this.auxBlock = auxBlock;
  }

  /** Records merged so far. */
  get merged(): number {
    return this.a.pos + this.b.pos;
  }

  /** Records merged so far of the even side's trace. */
  get mergedEven(): number {
    return this.a.pos;
  }

  /** Records merged so far of the odd side's trace. */
  get mergedOdd(): number {
    return this.b.pos;
  }

  /**
   * Merge the records before time `before` of the first `evenLength` and `oddLength` of each side
   * (all a side's records before `before` must be among them), at most `most` of them. True when it
   * got to `before`, false when `most` ran out first.
   */
  run(before: number, evenLength: number, oddLength: number, most = Infinity): boolean {
    const a = this.a;
    const b = this.b;
    let out = this.out;
    let n = this.n;
    let ta = head(a, evenLength);
    let tb = head(b, oddLength);
    let got = false;
    for (let k = 0; k < most; k++) {
      const fromEven = ta <= tb;
      const t = fromEven ? ta : tb;
      if (t >= before) {
        got = true;
        break;
      }
      const cur = fromEven ? a : b;
      const c = cur.chunk!;
      const r = cur.pos & (CHUNK - 1);
      const kind = c.kind[r]!;
      const y = c.y[r]!;
      let x = c.x[r]!;
      const span = auxSpan(kind, y);
      if (span >= 0) x = this.moveAux(cur.tr.aux, x, span);
      out.time[n] = t;
      out.kind[n] = kind;
      out.from[n] = c.from[r]!;
      out.to[n] = c.to[r]!;
      out.x[n] = x;
      out.y[n] = y;
      cur.pos++;
      if (r === CHUNK - 1) cur.chunk = undefined;
      if (fromEven) ta = head(a, evenLength);
      else tb = head(b, oddLength);
      if (++n === CHUNK) {
        this.chunk(out, CHUNK);
        out = this.out = out === this.outs[0] ? this.outs[1]! : this.outs[0]!;
        n = 0;
      }
    }
    this.n = n;
    return got;
  }

  /** A record's `span` aux numbers from `x` of `aux`, to the end of the merged aux column: their offset there. */
  private moveAux(aux: Float64Array, x: number, span: number): number {
    const size = this.auxBlock;
    const at = this.auxLength;
    for (let done = 0; done < span; ) {
      const block = Math.floor((at + done) / size);
      const offset = (at + done) % size;
      if (block === this.auxBlocks.length) this.auxBlocks.push(new Float64Array(size));
      const take = Math.min(span - done, size - offset);
      this.auxBlocks[block]!.set(aux.subarray(x + done, x + done + take), offset);
      done += take;
    }
    this.auxLength = at + span;
    return at;
  }

  /** Once every record is merged: the last chunk to `chunk`, and the merged aux column in parts, in order. */
  finishParts(): Float64Array[] {
    if (this.n > 0) this.chunk(this.out, this.n);
    this.n = 0;
    const size = this.auxBlock;
    return this.auxBlocks.map((b, i) => b.subarray(0, Math.min(size, this.auxLength - i * size)));
  }

  /** Once every record is merged: the last chunk to `chunk`, and the merged aux column and its length. */
  finish(): { aux: Float64Array; auxLength: number } {
    const aux = new Float64Array(Math.max(1, this.auxLength));
    let at = 0;
    for (const part of this.finishParts()) {
      aux.set(part, at);
      at += part.length;
    }
    return { aux, auxLength: this.auxLength };
  }
}

/** The merged trace of a split run's two sides (mergeTraces), as one trace. */
export function mergedTrace(even: Trace, odd: Trace): Trace {
  const chunks: TraceChunk[] = [];
  const { aux, auxLength } = mergeTraces(even, odd, (c) => {
    const copy = newChunk();
    copy.time.set(c.time);
    copy.kind.set(c.kind);
    copy.from.set(c.from);
    copy.to.set(c.to);
    copy.x.set(c.x);
    copy.y.set(c.y);
    chunks.push(copy);
  });
  return { length: even.length + odd.length, chunks, aux, auxLength };
}

/** traceHash of the merged trace of a split run's two sides, without keeping it: one chunk at a time. */
export function mergedTraceHash(even: Trace, odd: Trace, hasher: Hasher = sha256.create()): string {
  return mergeHashing(even, odd, hasher).digest();
}

/**
 * mergedTraceHash a part at a time, while the two traces still grow: `merge.run` merges, and each
 * merged chunk, once full, waits to be hashed by `hashSome` (at most `bytes` of it a call: a chunk is
 * 1.3 MiB, some milliseconds of SHA-256), or else in full before the next is given; `digest` merges
 * and hashes what is left (the traces complete by then) and gives the hash.
 */
export function mergeHashing(
  even: Trace,
  odd: Trace,
  hasher: Hasher = sha256.create(),
  auxBlock?: number,
): { merge: TraceMerge; hashSome(bytes: number): boolean; digest(): string } {
  if (!littleEndian) throw new Error('traceHash needs a little-endian machine');
  // The columns of the chunk waiting to be hashed, in canonical order, and how far into them.
  let parts: Uint8Array[] = [];
  let part = 0;
  let offset = 0;
  const hashSome = (bytes: number): boolean => {
    for (let left = bytes; part < parts.length && left > 0; ) {
      const p = parts[part]!;
      const take = Math.min(left, p.length - offset);
      hasher.update(p.subarray(offset, offset + take));
      left -= take;
      offset += take;
      if (offset === p.length) {
        part++;
        offset = 0;
      }
    }
    return part >= parts.length;
  };
  const merge = new TraceMerge(
    even,
    odd,
    (c, n) => {
      hashSome(Infinity);
      parts = chunkBytes(c, n);
      part = 0;
      offset = 0;
    },
    auxBlock,
  );
  return {
    merge,
    hashSome,
    digest() {
      merge.run(Infinity, even.length, odd.length);
      const aux = merge.finishParts();
      hashSome(Infinity);
      return digestParts(hasher, aux);
    },
  };
}
