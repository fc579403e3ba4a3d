// Animated exports: frames are planned from simulated time alone, and the GIF holds exactly those
// frames, in order, with their pixels and delays; the same frames give the same bytes.
import { GifReader } from 'omggif';
import { describe, expect, it } from 'vitest';
import { encodeGif, ExportCancelled, MAX_FRAMES, planFrames, type Frame } from '../../src/export/animation';

/** A w×h frame filled with one colour, with a square of another whose position depends on k. */
function frame(k: number, width = 32, height = 24): Frame {
  const data = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) data.set([20, 30, 40, 255], i * 4);
  for (let y = 4; y < 12; y++) for (let x = k * 2; x < k * 2 + 8 && x < width; x++) data.set([240, 136, 62, 255], (y * width + x) * 4);
  return { width, height, data };
}

describe('frame planning', () => {
  it('spaces frames by speed / fps of simulated time, from the start of the range to its end', () => {
    const plan = planFrames({ from: 10_000_000, to: 20_000_000, fps: 15, speed: 10 });
    expect(plan.times[0]).toBe(10_000_000);
    expect(plan.times[1]! - plan.times[0]!).toBe(666_667);
    expect(plan.times.at(-1)!).toBeLessThanOrEqual(20_000_000);
    expect(plan.times.length).toBe(16);
    expect(plan.frameMs).toBe(67);
    expect(plan.times.every(Number.isInteger)).toBe(true);
  });

  it('refuses a backward range, a silly fps, and more than the frame cap, saying why', () => {
    expect(() => planFrames({ from: 5, to: 1, fps: 15, speed: 1 })).toThrow('forward');
    expect(() => planFrames({ from: 0, to: 1, fps: 0, speed: 1 })).toThrow('fps');
    expect(() => planFrames({ from: 0, to: 3600e6, fps: 15, speed: 1 })).toThrow(`at most ${MAX_FRAMES}`);
  });
});

describe('GIF encoding', () => {
  it('writes every frame with its size, delay and colours, looping forever', async () => {
    const bytes = await encodeGif(3, (k) => frame(k), 67);
    const gif = new GifReader(bytes);
    expect(gif.numFrames()).toBe(3);
    expect([gif.width, gif.height]).toEqual([32, 24]);
    expect(gif.loopCount()).toBe(0);
    for (let k = 0; k < 3; k++) {
      expect(gif.frameInfo(k).delay).toBe(7); // GIF delays are in hundredths of a second
      const pixels = new Uint8Array(32 * 24 * 4);
      gif.decodeAndBlitFrameRGBA(k, pixels);
      const at = (x: number, y: number) => Array.from(pixels.subarray((y * 32 + x) * 4, (y * 32 + x) * 4 + 3));
      expect(at(k * 2 + 1, 5)).toEqual([240, 136, 62]);
      expect(at(31, 20)).toEqual([20, 30, 40]);
    }
  });

  it('gives the same bytes for the same frames', async () => {
    const one = await encodeGif(2, (k) => frame(k), 100);
    const two = await encodeGif(2, (k) => frame(k), 100);
    expect(Buffer.from(one).equals(Buffer.from(two))).toBe(true);
  });

  it('reports progress and stops when cancelled', async () => {
    const controller = new AbortController();
    const seen: number[] = [];
    const encoding = encodeGif(10, (k) => frame(k), 50, {
      signal: controller.signal,
      onProgress: (done) => {
        seen.push(done);
        if (done === 3) controller.abort();
      },
    });
    await expect(encoding).rejects.toBeInstanceOf(ExportCancelled);
    expect(seen).toEqual([1, 2, 3]);
  });

  it('refuses frames of different sizes', async () => {
    await expect(encodeGif(2, (k) => frame(k, k === 0 ? 32 : 16), 50)).rejects.toThrow('frame 1 is 16×24');
  });
});
