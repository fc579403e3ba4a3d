import { describe, expect, it } from 'vitest';
import { formatLogRow, kindLabel, LOG_KINDS, logScan, rowWindow, scrollTopFor } from '../../src/app/panels/log-model';
import { RecordIndex } from '../../src/app/panels/record-index';
import type { LogFilter } from '../../src/app/store';
import { Sim } from '../../src/engine/sim';
import { geometry, pieceOf } from '../../src/engine/torrent';
import { append, auxReserve, BROADCAST, createTrace, record, records, T, type Trace } from '../../src/engine/trace';
import { messageName } from '../../src/engine/wire';
import { flashCrowd, KiB } from '../engine/helpers';

const config = flashCrowd(4, { pieces: 12, pieceLength: 64 * KiB });
const sim = new Sim(config);
sim.run();
const bpp = sim.geometry.blocksPerPiece;

function filtered(filter: Partial<LogFilter>): number[] {
  const index = new RecordIndex(logScan({ peer: null, kinds: [], piece: null, ...filter }, bpp));
  index.sync(sim.trace);
  return Array.from({ length: index.length }, (_, n) => index.at(n));
}

/** The filter written out record by record, as a person would state it. */
function expected(keep: (r: ReturnType<typeof record>) => boolean): number[] {
  return [...records(sim.trace)].filter((r) => messageName(r.kind) !== null && keep(r)).map((r) => r.index);
}

const pieceAbout = (r: ReturnType<typeof record>): number | null =>
  [T.REQUEST, T.PIECE, T.CANCEL, T.REJECT].includes(r.kind as 6) ? pieceOf(sim.geometry, r.x)
  : [T.HAVE, T.SUGGEST, T.ALLOWED_FAST].includes(r.kind as 4) ? r.x
  : null;

describe('the message log', () => {
  it('lists the wire messages and no decisions', () => {
    expect(LOG_KINDS).toEqual(expect.arrayContaining([T.CHOKE, T.UNCHOKE, T.INTERESTED, T.NOT_INTERESTED, T.HAVE, T.BITFIELD, T.REQUEST, T.PIECE, T.CANCEL, T.HANDSHAKE]));
    for (const decision of [T.JOIN, T.LEAVE, T.RECHOKE, T.VERIFIED, T.COMPLETED, T.RECEIVED, T.LOST, T.ANNOUNCE, T.REFUSED]) expect(LOG_KINDS).not.toContain(decision);
    const all = filtered({});
    expect(all).toEqual(expected(() => true));
    expect(all.length).toBeGreaterThan(500);
    expect(all.length).toBeLessThan(sim.trace.length);
    expect(kindLabel(T.NOT_INTERESTED)).toBe('not interested');
  });

  it('filters by peer: messages it sent or that were addressed to it', () => {
    const shown = filtered({ peer: 2 });
    expect(shown).toEqual(expected((r) => r.from === 2 || r.to === 2));
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.length).toBeLessThan(filtered({}).length);
  });

  it('filters by type and by piece, and by all three at once', () => {
    expect(filtered({ kinds: [T.UNCHOKE, T.CHOKE] })).toEqual(expected((r) => r.kind === T.UNCHOKE || r.kind === T.CHOKE));
    const piece5 = filtered({ piece: 5 });
    expect(piece5).toEqual(expected((r) => pieceAbout(r) === 5));
    expect(new Set(piece5.map((i) => record(sim.trace, i).kind))).toEqual(new Set([T.REQUEST, T.PIECE, T.HAVE]));
    const all3 = filtered({ peer: 0, kinds: [T.PIECE], piece: 3 });
    expect(all3).toEqual(expected((r) => r.kind === T.PIECE && pieceAbout(r) === 3 && (r.from === 0 || r.to === 0)));
    expect(all3.length).toBeGreaterThan(0);
  });
});

describe('a log row', () => {
  const g = geometry({ pieceLength: 4 * 16 * KiB, pieces: 3, size: 2 * 64 * KiB + 20_000, files: null });
  const names = ['<b>seed</b>', 'L-1', 'L-2'];
  function traceWith(add: (tr: Trace) => void): Trace {
    const tr = createTrace();
    add(tr);
    return tr;
  }

  it('shows the time to the µs, who sent it to whom, the message and its fields', () => {
    const tr = traceWith((tr) => append(tr, 1_000_001, T.PIECE, 0, 1, 2 * 4 + 1, 16384));
    expect(formatLogRow(tr, 0, { names, geometry: g })).toEqual({
      index: 0,
      time: 1_000_001,
      timeText: '1.000001',
      from: '<b>seed</b>',
      to: 'L-1',
      message: 'piece',
      fields: 'piece 2 block 1 · 16 KiB',
    });
  });

  it('gives a request for the short last block its real length', () => {
    const tr = traceWith((tr) => append(tr, 0, T.REQUEST, 1, 0, 2 * 4 + 1, 0));
    expect(formatLogRow(tr, 0, { names, geometry: g }).fields).toBe(`piece 2 block 1 · ${(20_000 - 16384).toLocaleString('en-US')} B`);
  });

  it('counts the recipients of a have, and the pieces of a bitfield', () => {
    const tr = traceWith((tr) => {
      append(tr, 5, T.HAVE, 2, BROADCAST, 1, 3);
      append(tr, 6, T.BITFIELD, 0, 2, 1, 0);
      append(tr, 7, T.NOT_INTERESTED, 9, 1, 0, 0);
    });
    expect(formatLogRow(tr, 0, { names, geometry: g })).toMatchObject({ from: 'L-2', to: '3 peers', message: 'have', fields: 'piece 1' });
    expect(formatLogRow(tr, 1, { names, geometry: g })).toMatchObject({ message: 'bitfield', fields: '1 piece' });
    expect(formatLogRow(tr, 2, { names, geometry: g })).toMatchObject({ from: '#9', message: 'not interested', fields: '' });
  });

  it('reads the added and dropped counts of a peer exchange from aux', () => {
    const tr = traceWith((tr) => {
      const off = auxReserve(tr, 5);
      tr.aux.set([2, 1, 0, 1, 2], off);
      append(tr, 0, T.PEX, 1, 2, off, 5);
    });
    expect(formatLogRow(tr, 0, { names, geometry: g })).toMatchObject({ message: 'pex', fields: '+2 −1 peers' });
  });
});

describe('the rows in view', () => {
  it('are the ones under the scroll position, one row height each', () => {
    expect(rowWindow(0, 100, 1000, 20)).toEqual({ first: 0, count: 6, top: 0, height: 20_000 });
    expect(rowWindow(410, 100, 1000, 20)).toEqual({ first: 20, count: 6, top: 400, height: 20_000 });
    expect(rowWindow(19_900, 100, 1000, 20)).toMatchObject({ first: 995, count: 5 });
    expect(rowWindow(0, 100, 0, 20)).toMatchObject({ first: 0, count: 0, height: 0 });
    expect(rowWindow(0, 100, 3, 20)).toMatchObject({ first: 0, count: 3 });
  });

  it('scale the scroll range past the height a browser allows, reaching the last row at the bottom', () => {
    const total = 5_000_000;
    const max = 1_000_000;
    expect(rowWindow(0, 100, total, 20, max)).toMatchObject({ first: 0, height: max });
    const bottom = rowWindow(max - 100, 100, total, 20, max);
    expect(bottom.first + bottom.count).toBeGreaterThanOrEqual(total);
    // The last row's bottom edge is the viewport's bottom edge.
    expect(bottom.top + (total - 1 - bottom.first) * 20 + 20).toBeCloseTo(max, 6);
    let last = -1;
    for (let top = 0; top <= max - 100; top += 9_973) {
      const w = rowWindow(top, 100, total, 20, max);
      expect(w.first).toBeGreaterThanOrEqual(last);
      expect(w.top).toBeLessThanOrEqual(top);
      expect(w.top + w.count * 20).toBeGreaterThanOrEqual(top + 100);
      last = w.first;
    }
  });

  it('come back to the row a scroll position was computed for', () => {
    for (const [total, max] of [[1000, 8_000_000], [5_000_000, 1_000_000]] as const) {
      for (const position of [0, 1, 17, Math.floor(total / 2), total - 10]) {
        const top = scrollTopFor(position, 100, total, 20, max);
        expect(Math.abs(rowWindow(top, 100, total, 20, max).first - position)).toBeLessThanOrEqual(1);
      }
    }
  });
});
