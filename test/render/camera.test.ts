// The camera: fitting, zooming about the pointer, panning and finding the peer under the pointer.
import { describe, expect, it } from 'vitest';
import { fit, MAX_ZOOM, MIN_ZOOM, pan, peerAt, toScreen, toWorld, wheelFactor, zoomAt } from '../../src/render/camera';
import { WORLD } from '../../src/render/layout';

describe('the camera', () => {
  it('fits the world in the smaller side of the screen, centred', () => {
    const c = fit(800, 600);
    expect(c.scale * WORLD).toBeLessThanOrEqual(600);
    expect(toScreen(c, 0, 0)).toEqual({ x: 400, y: 300 });
  });

  it('keeps the world point under the pointer where it is when zooming', () => {
    const c = fit(800, 600);
    const before = toWorld(c, 100, 50);
    const z = zoomAt(c, 2, 100, 50, c.scale);
    expect(z.scale).toBeCloseTo(c.scale * 2);
    const after = toWorld(z, 100, 50);
    expect(after.x).toBeCloseTo(before.x);
    expect(after.y).toBeCloseTo(before.y);
  });

  it('zooms no further than its limits', () => {
    const c = fit(800, 600);
    expect(zoomAt(c, 1e6, 0, 0, c.scale).scale).toBeCloseTo(c.scale * MAX_ZOOM);
    expect(zoomAt(c, 1e-6, 0, 0, c.scale).scale).toBeCloseTo(c.scale * MIN_ZOOM);
  });

  it('zooms in when the wheel turns away from the user, out when towards', () => {
    expect(wheelFactor(-100, 0)).toBeGreaterThan(1);
    expect(wheelFactor(100, 0)).toBeLessThan(1);
    expect(wheelFactor(3, 1)).toBeCloseTo(wheelFactor(48, 0));
  });

  it('pans by screen pixels', () => {
    expect(pan({ scale: 2, x: 10, y: 20 }, 5, -5)).toEqual({ scale: 2, x: 15, y: 15 });
  });

  it('finds the nearest peer within reach of the pointer, or none', () => {
    const c = { scale: 1, x: 0, y: 0 };
    const xs = new Float32Array([0, 100]);
    const ys = new Float32Array([0, 0]);
    expect(peerAt(c, xs, ys, 10, 3, 4)).toBe(0);
    expect(peerAt(c, xs, ys, 10, 95, 0)).toBe(1);
    expect(peerAt(c, xs, ys, 10, 50, 0)).toBeNull();
    // A tiny node on screen is still reachable within a few pixels.
    expect(peerAt({ scale: 0.1, x: 0, y: 0 }, xs, ys, 10, 3, 0)).toBe(0);
  });
});
