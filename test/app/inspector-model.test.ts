import { describe, expect, it } from 'vitest';
import { byOutcome, rateText, rechokesOf, rechokeTable, slotLabel, whyLabel } from '../../src/app/panels/inspector-model';
import { RecordIndex } from '../../src/app/panels/record-index';
import { inspectPeer } from '../../src/engine/inspect';
import { Sim } from '../../src/engine/sim';
import { record, SLOT, T, WHY } from '../../src/engine/trace';
import { flashCrowd, KiB, S } from '../engine/helpers';

const config = flashCrowd(6, { pieces: 24, pieceLength: 64 * KiB });

describe('the last rechoke of a peer', () => {
  it('ranks exactly the connections the peer had, and the choked rows are the ones it chokes', () => {
    const sim = new Sim(config);
    const peer = 3;
    const index = new RecordIndex(rechokesOf(peer));
    let checked = 0;
    while (sim.now < 60 * S && !sim.done) {
      const before = sim.trace.length;
      sim.step();
      index.sync(sim.trace);
      const last = index.length > 0 ? index.at(index.length - 1) : -1;
      if (last < before) continue;
      const table = rechokeTable(sim.trace, last);
      expect(table.time).toBe(sim.now);
      const conns = new Map(inspectPeer(sim, peer).connections.map((c) => [c.remote, c]));
      // The rows come from the aux column: the same remotes the live state has connections to.
      for (const row of table.rows) {
        const conn = conns.get(row.remote);
        expect(conn, `remote ${row.remote} is connected`).toBeDefined();
        expect(conn!.amChoking).toBe(row.slot === SLOT.CHOKED);
        if (row.slot === SLOT.OPTIMISTIC) expect(conn!.optimistic).toBe(true);
        expect(row.rate).toBeGreaterThanOrEqual(0);
        expect(Object.values(WHY)).toContain(row.why);
      }
      checked++;
    }
    expect(checked).toBeGreaterThan(3);
  });

  it('is found by the index for that peer only', () => {
    const sim = new Sim(config);
    sim.seek(40 * S);
    const index = new RecordIndex(rechokesOf(2));
    index.sync(sim.trace);
    expect(index.length).toBeGreaterThan(0);
    for (let n = 0; n < index.length; n++) expect(record(sim.trace, index.at(n))).toMatchObject({ kind: T.RECHOKE, from: 2 });
    expect(() => rechokeTable(sim.trace, 0)).toThrow('not a rechoke');
  });
});

describe('the rechoke table as listed', () => {
  it('puts the peers that got a slot first, then the choked, each fastest first', () => {
    const row = (remote: number, slot: number, rate: number) => ({ remote, slot, rate, why: 0 });
    const rows = [row(1, SLOT.CHOKED, 500), row(2, SLOT.REGULAR, 100), row(3, SLOT.OPTIMISTIC, 0), row(4, SLOT.REGULAR, 300), row(5, SLOT.CHOKED, 900), row(6, SLOT.CHOKED, 500)];
    expect(byOutcome(rows).map((r) => r.remote)).toEqual([4, 2, 3, 5, 1, 6]);
    expect(rows.map((r) => r.remote)).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('the words of the inspector', () => {
  it('name every slot and every reason differently', () => {
    const slots = Object.values(SLOT).map(slotLabel);
    const whys = Object.values(WHY).map(whyLabel);
    expect(new Set(slots).size).toBe(slots.length);
    expect(new Set(whys).size).toBe(whys.length);
    expect(slotLabel(SLOT.OPTIMISTIC)).toBe('optimistic');
    expect(whyLabel(WHY.SNUBBED)).toBe('snubbed us');
    expect(whyLabel(200)).toBe('200');
  });

  it('write rates in binary units', () => {
    expect(rateText(0)).toBe('0 B/s');
    expect(rateText(1023.4)).toBe('1023 B/s');
    expect(rateText(1536)).toBe('1.5 KiB/s');
    expect(rateText(1048576)).toBe('1.0 MiB/s');
  });
});
