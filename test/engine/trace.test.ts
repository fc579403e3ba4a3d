// The trace's hash (trace-hash.ts: SHA-256 of a canonical columnar form) and the seeded randomness behind
// it (prng.ts): the same config and seed give the same trace byte for byte, anything else another hash.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { nextU32, randInt, shuffle, stream } from '../../src/engine/prng';
import { append, auxReserve, CHUNK, chunksMade, createTrace, prepareChunk, preparedChunk, record, records, releaseBefore, releasedChunks, shareTrace, truncate, type Trace, type TraceChunk } from '../../src/engine/trace';
import { traceHash } from '../../src/engine/trace-hash';
import { mergedTraceHash, mergeHashing } from '../../src/engine/trace-merge';
import { mixedSwarm, run } from './rules';

/** The canonical form as trace-hash.ts documents it, built record by record, independently of the engine's arrays. */
function canonicalBytes(tr: Trace): Uint8Array {
  const recs = [...records(tr)];
  const parts: Uint8Array[] = [];
  for (let start = 0; start < recs.length; start += 65536) {
    const run = recs.slice(start, start + 65536);
    const col = (width: number, put: (v: DataView, off: number, r: (typeof run)[number]) => void) => {
      const buf = new Uint8Array(run.length * width);
      const view = new DataView(buf.buffer);
      run.forEach((r, i) => put(view, i * width, r));
      parts.push(buf);
    };
    col(8, (v, o, r) => v.setFloat64(o, r.time, true));
    col(1, (v, o, r) => v.setUint8(o, r.kind));
    col(2, (v, o, r) => v.setUint16(o, r.from, true));
    col(2, (v, o, r) => v.setUint16(o, r.to, true));
    col(4, (v, o, r) => v.setUint32(o, r.x, true));
    col(4, (v, o, r) => v.setUint32(o, r.y, true));
  }
  const aux = new Uint8Array(tr.auxLength * 8);
  const view = new DataView(aux.buffer);
  for (let i = 0; i < tr.auxLength; i++) view.setFloat64(i * 8, tr.aux[i]!, true);
  parts.push(aux);
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
}

const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');

/** A synthetic trace of n records with some aux values. */
function synthetic(n: number): Trace {
  const tr = createTrace();
  for (let i = 0; i < n; i++) append(tr, i * 1000 + (i % 7), i % 41, i % 300, (i * 7) % 300, i * 13, i % 5);
  const off = auxReserve(tr, 9);
  for (let i = 0; i < 9; i++) tr.aux[off + i] = i * 1.5;
  return tr;
}

describe('trace hash', () => {
  it('the same config and seed give the same trace, record for record, and the same hash', () => {
    const a = run(mixedSwarm(5));
    const b = run(mixedSwarm(5));
    expect(a.trace.length).toBe(b.trace.length);
    expect([...records(a.trace)]).toEqual([...records(b.trace)]);
    expect(a.traceHash()).toBe(b.traceHash());
    expect(a.result()).toEqual(b.result());
  });

  it('another seed gives another trace hash', () => {
    const hashes = new Set([5, 6, 7, 8].map((s) => run(mixedSwarm(s)).traceHash()));
    expect(hashes.size).toBe(4);
  });

  it('traceHash is the SHA-256 of the documented canonical form (columns per run of 65,536 records, then aux)', () => {
    const sim = run(mixedSwarm(1));
    expect(sim.traceHash()).toBe(hex(canonicalBytes(sim.trace)));
    const big = synthetic(CHUNK + 1234);
    expect(traceHash(big)).toBe(hex(canonicalBytes(big)));
    // node:crypto's hasher gives the same hash (trace-hash.ts: same bytes, same hash).
    expect(traceHash(big, createHash('sha256'))).toBe(traceHash(big));
  });

  it('the hash depends on every field of every record, and on every aux value', () => {
    const sim = run(mixedSwarm(1));
    const tr = sim.trace;
    const base = traceHash(tr);
    const n = tr.length;
    const picks = [0, 1, Math.floor(n / 3), Math.floor(n / 2), n - 2, n - 1];
    const columns = ['time', 'kind', 'from', 'to', 'x', 'y'] as const;
    for (const i of picks) {
      const c = tr.chunks[Math.floor(i / CHUNK)]!;
      const j = i % CHUNK;
      for (const col of columns) {
        const arr = c[col];
        const old = arr[j]!;
        arr[j] = old + 1;
        expect(traceHash(tr), `record ${i}, ${col}`).not.toBe(base);
        arr[j] = old;
      }
    }
    for (const i of [0, Math.floor(tr.auxLength / 2), tr.auxLength - 1]) {
      const old = tr.aux[i]!;
      tr.aux[i] = old + 1;
      expect(traceHash(tr), `aux ${i}`).not.toBe(base);
      tr.aux[i] = old;
    }
    expect(traceHash(tr)).toBe(base);
  });

  it('the hash depends on the order of records, and on records past the first chunk of 65,536', () => {
    const tr = synthetic(CHUNK + 10);
    const base = traceHash(tr);
    // Swap two records' x.
    const c0 = tr.chunks[0]!;
    [c0.x[3], c0.x[4]] = [c0.x[4]!, c0.x[3]!];
    expect(traceHash(tr)).not.toBe(base);
    [c0.x[3], c0.x[4]] = [c0.x[4]!, c0.x[3]!];
    const c1 = tr.chunks[1]!;
    c1.y[9] = c1.y[9]! + 1;
    expect(traceHash(tr)).not.toBe(base);
    c1.y[9] = c1.y[9]! - 1;
    expect(traceHash(tr)).toBe(base);
  });

  it('records and aux values past the end (after a truncate) do not count', () => {
    const tr = synthetic(1000);
    const auxLength = tr.auxLength;
    const base = traceHash(tr);
    append(tr, 5e9, 7, 1, 2, 3, 4);
    const off = auxReserve(tr, 3);
    tr.aux[off] = 42;
    expect(traceHash(tr)).not.toBe(base);
    truncate(tr, 1000, auxLength);
    expect(traceHash(tr)).toBe(base);
  });
});

describe('a trace chunk made ahead (prepareChunk, while a split run waits)', () => {
  it('brings its memory in a few pages a call, is the next chunk the trace takes, and changes no record', () => {
    const made = synthetic(CHUNK + 10);
    const tr = createTrace();
    for (let i = 0; i < CHUNK - 3; i++) append(tr, i * 1000 + (i % 7), i % 41, i % 300, (i * 7) % 300, i * 13, i % 5);
    // 21 bytes a record: 336 pages of 4 KiB, 7 a call.
    let calls = 1;
    while (prepareChunk(tr, 7)) calls++;
    expect(calls).toBe(Math.ceil((21 * CHUNK) / 4096 / 7));
    const ahead = preparedChunk(tr);
    expect(ahead).toBeDefined();
    expect(tr.chunks.length).toBe(1);
    for (let i = CHUNK - 3; i < CHUNK + 10; i++) append(tr, i * 1000 + (i % 7), i % 41, i % 300, (i * 7) % 300, i * 13, i % 5);
    expect(tr.chunks[1]).toBe(ahead);
    expect(preparedChunk(tr)).toBeUndefined();
    const off = auxReserve(tr, 9);
    for (let i = 0; i < 9; i++) tr.aux[off + i] = i * 1.5;
    expect(traceHash(tr)).toBe(traceHash(made));
  });

  it('of a shared trace is in shared memory, and told of when the trace takes it', () => {
    const tr = createTrace();
    const told: TraceChunk[] = [];
    shareTrace(tr, { chunk: (c) => told.push(c) });
    prepareChunk(tr, 1);
    const ahead = preparedChunk(tr)!;
    expect(ahead.time.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(told).toEqual([]);
    append(tr, 1, 2, 3, 4, 5, 6);
    expect(told.length).toBe(1);
    expect(told[0]).toBe(ahead);
  });
});

describe('trace chunks let go of (releaseBefore, a split run hashed as it goes)', () => {
  /** Record i of a synthetic trace of one side: times apart by 1,000 µs, the odd side's 500 µs later. */
  const put = (tr: Trace, i: number, side: number): void => append(tr, i * 1000 + side * 500, (i + side) % 41, i % 300, (i * 7) % 300, i * 13 + side, i % 5);
  /** The even side's first `n` records. */
  const filled = (n: number): Trace => {
    const tr = createTrace();
    for (let i = 0; i < n; i++) put(tr, i, 0);
    return tr;
  };

  it('lets go of the chunks wholly before the record, and reading one of their records fails', () => {
    const tr = filled(2 * CHUNK + 100);
    releaseBefore(tr, CHUNK + 5);
    expect(releasedChunks(tr)).toBe(1);
    expect(() => record(tr, CHUNK - 1)).toThrow(/let go of/);
    expect(record(tr, CHUNK).x).toBe(CHUNK * 13);
    expect(() => traceHash(tr)).toThrow(/let go of/);
    releaseBefore(tr, 2 * CHUNK);
    expect(releasedChunks(tr)).toBe(2);
    expect(record(tr, 2 * CHUNK + 99).x).toBe((2 * CHUNK + 99) * 13);
  });

  it('writes the next chunk in the memory of one let go of, and makes none ahead meanwhile', () => {
    const tr = filled(2 * CHUNK);
    const first = tr.chunks[0]!;
    releaseBefore(tr, CHUNK);
    expect(prepareChunk(tr, 1)).toBe(false);
    expect(preparedChunk(tr)).toBeUndefined();
    for (let i = 2 * CHUNK; i < 2 * CHUNK + 10; i++) put(tr, i, 0);
    expect(tr.chunks[2]).toBe(first);
    expect(chunksMade(tr)).toBe(2);
    expect(record(tr, 2 * CHUNK + 9).x).toBe((2 * CHUNK + 9) * 13);
  });

  it('without reuse only drops them: the next chunk is new memory', () => {
    const tr = filled(2 * CHUNK);
    const first = tr.chunks[0]!;
    releaseBefore(tr, CHUNK, false);
    put(tr, 2 * CHUNK, 0);
    expect(tr.chunks[2]).not.toBe(first);
    expect(chunksMade(tr)).toBe(3);
  });

  it('merged a slice at a time, letting go of what is merged and writing on in it, hashes as the traces kept whole', () => {
    const even = createTrace();
    const odd = createTrace();
    const keptEven = createTrace();
    const keptOdd = createTrace();
    const hashing = mergeHashing(even, odd, createHash('sha256'));
    const total = 5 * CHUNK + 321;
    // Windows of 10,000 records a side: each side appends its window, then the records eight windows
    // back are merged in slices (on two threads the merge falls behind while the merging side runs),
    // and what is merged is let go of.
    for (let start = 0; start < total; start += 10_000) {
      const end = Math.min(total, start + 10_000);
      for (let i = start; i < end; i++) {
        put(even, i, 0);
        put(odd, i, 1);
        put(keptEven, i, 0);
        put(keptOdd, i, 1);
      }
      while (!hashing.merge.run((start - 80_000) * 1000, even.length, odd.length, 4096)) {
        hashing.hashSome(64 * 1024);
        releaseBefore(even, hashing.merge.mergedEven);
        releaseBefore(odd, hashing.merge.mergedOdd);
      }
    }
    expect(releasedChunks(even)).toBeGreaterThanOrEqual(3);
    expect(chunksMade(even)).toBeLessThan(even.chunks.length);
    expect(hashing.digest()).toBe(mergedTraceHash(keptEven, keptOdd, createHash('sha256')));
  });
});

describe('seeded randomness', () => {
  const take = (r: ReturnType<typeof stream>, n: number) => Array.from({ length: n }, () => nextU32(r));

  it('a stream is fixed by (run seed, name): the same pair gives the same numbers, another seed or name others', () => {
    expect(take(stream(1, 'peer/a/picker'), 50)).toEqual(take(stream(1, 'peer/a/picker'), 50));
    const variants = [stream(1, 'peer/a/picker'), stream(2, 'peer/a/picker'), stream(1, 'peer/b/picker'), stream(1, 'peer/a/choker'), stream(0xffffffff, 'peer/a/picker')];
    const firsts = variants.map((r) => take(r, 4).join(','));
    expect(new Set(firsts).size).toBe(variants.length);
    // Drawing from one stream does not move another.
    const a = stream(3, 'x');
    const b = stream(3, 'y');
    const bAlone = take(stream(3, 'y'), 10);
    take(a, 1000);
    expect(take(b, 10)).toEqual(bAlone);
  });

  it('nextU32 gives 32-bit unsigned integers and randInt(n) whole numbers in [0, n), evenly spread', () => {
    const r = stream(11, 'test/uniform');
    const us = Array.from({ length: 1000 }, () => nextU32(r));
    expect(us.filter((u) => !(Number.isInteger(u) && u >= 0 && u < 2 ** 32))).toEqual([]);
    expect(us.some((u) => u >= 2 ** 31)).toBe(true);
    const n = 10;
    const counts = new Array<number>(n).fill(0);
    const draws = 100_000;
    let outside = 0;
    for (let i = 0; i < draws; i++) {
      const v = randInt(r, n);
      if (!(Number.isInteger(v) && v >= 0 && v < n)) outside++;
      else counts[v]!++;
    }
    expect(outside).toBe(0);
    // χ² with 9 degrees of freedom: 27.9 is the 0.1 % tail.
    const chi2 = counts.reduce((a, c) => a + (c - draws / n) ** 2 / (draws / n), 0);
    expect(chi2).toBeLessThan(27.9);
    expect(randInt(r, 1)).toBe(0);
  });

  it('shuffle permutes in place, every order about equally often', () => {
    const r = stream(5, 'test/shuffle');
    const seen = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const a = shuffle(r, [0, 1, 2]);
      expect([...a].sort()).toEqual([0, 1, 2]);
      seen.set(a.join(''), (seen.get(a.join('')) ?? 0) + 1);
    }
    expect(seen.size).toBe(6);
    for (const c of seen.values()) expect(Math.abs(c - 1000)).toBeLessThan(150);
    const typed = shuffle(stream(1, 'typed'), Int32Array.from({ length: 50 }, (_, i) => i));
    expect([...typed].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
