import { describe, expect, it } from 'vitest';
import { RecordIndex, scanWith } from '../../src/app/panels/record-index';
import { append, CHUNK, createTrace, truncate, type Trace } from '../../src/engine/trace';

/** A trace of n records whose kind is i % 7 and x is i. */
function traceOf(n: number): Trace {
  const tr = createTrace();
  for (let i = 0; i < n; i++) append(tr, i, i % 7, 0, 1, i, 0);
  return tr;
}

function matches(index: RecordIndex): number[] {
  return Array.from({ length: index.length }, (_, n) => index.at(n));
}

function brute(tr: Trace, n = tr.length): number[] {
  return Array.from({ length: n }, (_, i) => i).filter((i) => i % 7 === 3);
}

describe('an incremental record index', () => {
  it('finds the same records as a full scan, across chunk boundaries', () => {
    const tr = traceOf(CHUNK * 2 + 123);
    const index = new RecordIndex(scanWith((c, i) => c.kind[i] === 3));
    expect(index.sync(tr)).toBe(true);
    expect(matches(index)).toEqual(brute(tr));
  });

  it('scans only what was appended, and gives the same result as one scan', () => {
    const tr = createTrace();
    const index = new RecordIndex(scanWith((c, i) => c.kind[i] === 3));
    let tested = 0;
    const counting = new RecordIndex((c, start, end, emit) => {
      tested += end - start;
      for (let i = start; i < end; i++) if (c.kind[i] === 3) emit(i);
    });
    for (let i = 0; i < CHUNK + 500; i++) {
      append(tr, i, i % 7, 0, 1, i, 0);
      if (i % 997 === 0) {
        index.sync(tr);
        counting.sync(tr);
      }
    }
    index.sync(tr);
    counting.sync(tr);
    expect(matches(index)).toEqual(brute(tr));
    expect(tested).toBe(tr.length);
    expect(counting.sync(tr)).toBe(false);
  });

  it('drops the records a seek back removed, and picks them up again when they come back', () => {
    const tr = traceOf(CHUNK + 1000);
    const index = new RecordIndex(scanWith((c, i) => c.kind[i] === 3));
    index.sync(tr);
    truncate(tr, 5000, 0);
    expect(index.sync(tr)).toBe(true);
    expect(matches(index)).toEqual(brute(tr, 5000));
    expect(index.at(index.length - 1)).toBeLessThan(5000);
    for (let i = 5000; i < 9000; i++) append(tr, i, i % 7, 0, 1, i, 0);
    index.sync(tr);
    expect(matches(index)).toEqual(brute(tr, 9000));
  });

  it('spreads a long scan over calls when given a budget', () => {
    const tr = traceOf(CHUNK + 5000);
    const index = new RecordIndex(scanWith((c, i) => c.kind[i] === 3));
    let calls = 0;
    while (index.behind(tr) > 0) {
      index.sync(tr, 30_000);
      calls++;
    }
    expect(calls).toBe(Math.ceil(tr.length / 30_000));
    expect(matches(index)).toEqual(brute(tr));
  });

  it('finds the position of a trace index by binary search', () => {
    const tr = traceOf(100);
    const index = new RecordIndex(scanWith((c, i) => c.kind[i] === 3));
    index.sync(tr);
    expect(index.lowerBound(0)).toBe(0);
    expect(index.lowerBound(3)).toBe(0);
    expect(index.lowerBound(4)).toBe(1);
    expect(index.lowerBound(10)).toBe(1);
    expect(index.lowerBound(1000)).toBe(index.length);
  });
});
