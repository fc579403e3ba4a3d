// The indices of the trace records that pass a test, kept up to date incrementally: a run appends
// hundreds of thousands of records, so a panel must not rescan the trace every frame. `sync` scans
// only what was appended since the last call; after a seek back the trace is truncated, and the index
// drops its entries past the new end (the run is deterministic, so the records that come back on
// replay are the same ones, and scanning them again gives the same entries).
import { CHUNK_BITS, CHUNK, type Trace, type TraceChunk } from '../../engine/trace';

/**
 * Scan records [start, end) of `chunk` (offsets inside the chunk) and `emit` the offset of each one
 * that passes. A scan is a whole loop rather than a per-record test so that each filter's loop is
 * monomorphic and tight: a full rescan after a filter change reads millions of records.
 */
export type RecordScan = (chunk: TraceChunk, start: number, end: number, emit: (i: number) => void) => void;

/** A scan from a per-record test, for filters that are not hot (tests, one-off lookups). */
export function scanWith(test: (chunk: TraceChunk, i: number) => boolean): RecordScan {
  return (chunk, start, end, emit) => {
    for (let i = start; i < end; i++) if (test(chunk, i)) emit(i);
  };
}

export class RecordIndex {
  private items = new Uint32Array(256);
  private count = 0;
  /** Records [0, scanned) of the trace have been tested. */
  private scanned = 0;

  constructor(private readonly scan: RecordScan) {}

  /** Matching records so far. */
  get length(): number {
    return this.count;
  }

  /** The trace index of the n-th match (0-based, oldest first). */
  at(n: number): number {
    return this.items[n]!;
  }

  /** Records of the trace not scanned yet (after a sync with a budget). */
  behind(tr: Trace): number {
    return Math.max(0, tr.length - this.scanned);
  }

  /**
   * Catch up with the trace, scanning at most `budget` records (the rest on the next call, so that a
   * rescan of millions of records is spread over frames); returns whether the matches changed.
   */
  sync(tr: Trace, budget = Infinity): boolean {
    const before = this.count;
    let changed = false;
    if (tr.length < this.scanned) {
      this.count = this.lowerBound(tr.length);
      this.scanned = tr.length;
      changed = this.count !== before;
    }
    const stop = Math.min(tr.length, this.scanned + budget);
    for (let start = this.scanned; start < stop; ) {
      const base = start & ~(CHUNK - 1);
      const end = Math.min(stop, base + CHUNK);
      this.scan(tr.chunks[start >>> CHUNK_BITS]!, start - base, end - base, (i) => this.push(base + i));
      start = end;
    }
    this.scanned = Math.max(this.scanned, stop);
    return changed || this.count !== before;
  }

  /** Position of the first match with trace index ≥ index (binary search). */
  lowerBound(index: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]! < index) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private push(index: number): void {
    if (this.count === this.items.length) {
      const grown = new Uint32Array(this.items.length * 2);
      grown.set(this.items);
      this.items = grown;
    }
    this.items[this.count++] = index;
  }
}
