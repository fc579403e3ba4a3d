// Where peers sit and which names are drawn: pure functions of the roles and the zoom.
import { describe, expect, it } from 'vitest';
import { labelShown, layoutSwarm, ONE_CIRCLE_MAX, ringSegments, roleOf, segmentPieces, WORLD } from '../../src/render/layout';
import type { Role } from '../../src/render/palette';

const roles = (n: number, special: Record<number, Role> = {}): Role[] => Array.from({ length: n }, (_, i) => special[i] ?? 'leecher');

function minDistance(x: Float32Array, y: Float32Array): number {
  let min = Infinity;
  for (let i = 0; i < x.length; i++) for (let j = i + 1; j < x.length; j++) min = Math.min(min, Math.hypot(x[i]! - x[j]!, y[i]! - y[j]!));
  return min;
}

describe('the layout', () => {
  it('names a role from the peer spec, the subject before seed', () => {
    expect(roleOf({ seed: true, subject: true, investigator: false })).toBe('subject');
    expect(roleOf({ seed: false, subject: false, investigator: true })).toBe('investigator');
    expect(roleOf({ seed: true, subject: false, investigator: false })).toBe('seed');
    expect(roleOf({ seed: false, subject: false, investigator: false })).toBe('leecher');
  });

  it('puts a small swarm on one circle, peer 0 at twelve o’clock, clockwise', () => {
    const l = layoutSwarm(roles(4));
    expect(l.x[0]).toBeCloseTo(0);
    expect(l.y[0]).toBeLessThan(0);
    expect(l.x[1]).toBeGreaterThan(0);
    const radii = Array.from(l.x, (x, i) => Math.hypot(x, l.y[i]!));
    for (const r of radii) expect(r).toBeCloseTo(radii[0]!);
  });

  it('draws two peers apart and one peer in the middle', () => {
    const two = layoutSwarm(roles(2));
    expect(Math.hypot(two.x[0]! - two.x[1]!, two.y[0]! - two.y[1]!)).toBeGreaterThan(WORLD / 2);
    const one = layoutSwarm(roles(1));
    expect([one.x[0], one.y[0]]).toEqual([0, 0]);
  });

  it.each([2, 10, ONE_CIRCLE_MAX, ONE_CIRCLE_MAX + 1, 100, 300, 1000])('keeps %i peers inside the world without overlapping', (n) => {
    const l = layoutSwarm(roles(n, { 0: 'seed', 1: 'subject', 2: 'investigator' }));
    for (let i = 0; i < n; i++) {
      expect(Math.abs(l.x[i]!)).toBeLessThanOrEqual(WORLD / 2);
      expect(Math.abs(l.y[i]!)).toBeLessThanOrEqual(WORLD / 2);
    }
    // Nodes with their bitfield rings (1.5 r) never touch.
    expect(minDistance(l.x, l.y)).toBeGreaterThan(3 * l.r);
  });

  it('puts seeds, the subject and investigators inside the crowd of a large swarm', () => {
    const l = layoutSwarm(roles(300, { 0: 'seed', 150: 'subject', 299: 'investigator' }));
    const radius = (i: number) => Math.hypot(l.x[i]!, l.y[i]!);
    const innermostLeecher = Math.min(...Array.from({ length: 300 }, (_, i) => i).filter((i) => ![0, 150, 299].includes(i)).map(radius));
    for (const special of [0, 150, 299]) expect(radius(special)).toBeLessThan(innermostLeecher);
  });
});

describe('labels', () => {
  it('are all drawn when neighbours are far apart on screen, thinned when closer, none in a blur', () => {
    expect(labelShown('leecher', 7, 80)).toBe(true);
    expect([0, 1, 2, 3].map((slot) => labelShown('leecher', slot, 40))).toEqual([true, false, true, false]);
    expect(labelShown('leecher', 0, 10)).toBe(false);
  });

  it('always name seeds, the subject and investigators', () => {
    for (const role of ['seed', 'subject', 'investigator'] as const) expect(labelShown(role, 3, 1)).toBe(true);
  });
});

describe('bitfield rings', () => {
  it('get one segment per piece when there is room, fewer when not', () => {
    expect(ringSegments(64, 40)).toBe(64);
    expect(ringSegments(1000, 20)).toBe(Math.floor((2 * Math.PI * 20) / 3));
    expect(ringSegments(1000, 10_000)).toBe(256);
    expect(ringSegments(1, 1)).toBe(1);
  });

  it('split the pieces into contiguous runs that cover each piece once', () => {
    const covered: number[] = [];
    for (let k = 0; k < 7; k++) {
      const [a, b] = segmentPieces(k, 7, 50);
      for (let p = a; p < b; p++) covered.push(p);
    }
    expect(covered).toEqual(Array.from({ length: 50 }, (_, i) => i));
  });
});
