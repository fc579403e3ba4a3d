// The announcement rings the scene draws (src/render/pulses.ts): haves and bitfields, each for PULSE_MS.
import { describe, expect, it } from 'vitest';
import { BROADCAST, T } from '../../src/engine/trace';
import { MAX_PULSES, PULSE_MS, Pulses } from '../../src/render/pulses';

function shown(p: Pulses): { kind: number; from: number; to: number; piece: number; born: number }[] {
  const out = [];
  for (let k = 0; k < p.count; k++) {
    const at = p.slot(k);
    out.push({ kind: p.kind[at]!, from: p.from[at]!, to: p.to[at]!, piece: p.piece[at]!, born: p.born[at]! });
  }
  return out;
}

describe('announcement rings', () => {
  it('a have gets a ring from the peer that verified the piece, seen for PULSE_MS of wall-clock time', () => {
    const p = new Pulses();
    p.add(T.HAVE, 3, BROADCAST, 17, 1000);
    expect(shown(p)).toEqual([{ kind: T.HAVE, from: 3, to: BROADCAST, piece: 17, born: 1000 }]);
    p.expire(1000 + PULSE_MS);
    expect(p.count).toBe(1);
    p.expire(1000 + PULSE_MS + 1);
    expect(p.count).toBe(0);
  });

  it('every have and every bitfield gets its own ring, oldest first, and fades in the order it came', () => {
    const p = new Pulses();
    p.add(T.HAVE, 3, BROADCAST, 1, 0);
    p.add(T.HAVE, 3, BROADCAST, 2, 1);
    for (let to = 0; to < 3; to++) p.add(T.BITFIELD, 4, to, 0, 10);
    expect(shown(p).map((r) => [r.kind, r.from, r.to])).toEqual([
      [T.HAVE, 3, BROADCAST],
      [T.HAVE, 3, BROADCAST],
      [T.BITFIELD, 4, 0],
      [T.BITFIELD, 4, 1],
      [T.BITFIELD, 4, 2],
    ]);
    p.expire(PULSE_MS + 1);
    expect(shown(p).map((r) => r.born)).toEqual([1, 10, 10, 10]);
  });

  it('keeps at most MAX_PULSES rings, dropping the oldest first', () => {
    const p = new Pulses();
    for (let i = 0; i < MAX_PULSES + 10; i++) p.add(T.BITFIELD, i, 0, 0, i * 0.01);
    const rings = shown(p);
    expect(rings).toHaveLength(MAX_PULSES);
    expect(rings[0]!.from).toBe(10);
    expect(rings[MAX_PULSES - 1]!.from).toBe(MAX_PULSES + 9);
    p.expire((MAX_PULSES + 9) * 0.01 + PULSE_MS + 1);
    expect(p.count).toBe(0);
  });

  it('clearing drops every ring (a seek back, a new run)', () => {
    const p = new Pulses();
    p.add(T.HAVE, 2, BROADCAST, 0, 500);
    p.clear();
    expect(p.count).toBe(0);
    p.add(T.HAVE, 2, BROADCAST, 1, 501);
    expect(shown(p).map((r) => r.piece)).toEqual([1]);
  });
});
