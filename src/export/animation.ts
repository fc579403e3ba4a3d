// Animated exports of a time range, rendered frame by frame from the deterministic engine (never
// screen-recorded): frame k shows simulated time from + k × step, so the same range at the same size
// always gives the same frames. This file plans the frames and encodes GIFs (gifenc: a small, fast,
// well-known encoder whose output depends only on the pixels); WebM lives in webm.ts (browser only).
import { applyPalette, GIFEncoder, quantize } from 'gifenc';

export interface RangeOptions {
  /** Simulated µs of the first frame. */
  from: number;
  /** Simulated µs the range ends at (the last frame is at or before it). */
  to: number;
  /** Frames per second of the video. */
  fps: number;
  /** Simulated seconds per second of video. */
  speed: number;
}

/** Longest export we accept: a slide-deck GIF of more frames is a mistake (and megabytes). */
export const MAX_FRAMES = 3600;

export interface FramePlan {
  /** Simulated µs of each frame (integers, increasing). */
  times: number[];
  /** Milliseconds each frame is shown. */
  frameMs: number;
}

export function planFrames({ from, to, fps, speed }: RangeOptions): FramePlan {
  if (!Number.isFinite(fps) || fps <= 0 || fps > 60) throw new Error(`fps must be between 0 and 60, got ${fps}`);
  if (!Number.isFinite(speed) || speed <= 0) throw new Error(`speed must be a positive number, got ${speed}`);
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 0 || to < from) {
    throw new Error(`the range must run forward from a time ≥ 0, got ${from / 1e6} s to ${to / 1e6} s`);
  }
  const stepUs = (1e6 * speed) / fps;
  // Whole frames from the range's length; the tiny slack keeps 60 s at 15 fps at 901 frames despite rounding.
  const count = Math.floor(((to - from) * fps) / (1e6 * speed) + 1e-9) + 1;
  if (count > MAX_FRAMES) {
    throw new Error(`that range is ${count} frames; at most ${MAX_FRAMES}: shorten it, raise the speed or lower the fps`);
  }
  const times: number[] = [];
  for (let k = 0; k < count; k++) times.push(from + Math.round(k * stepUs));
  return { times, frameMs: Math.round(1000 / fps) };
}

export interface Frame {
  width: number;
  height: number;
  /** RGBA, row by row, top to bottom. */
  data: Uint8Array | Uint8ClampedArray;
}

export interface EncodeOptions {
  signal?: AbortSignal;
  /** Called after each frame with (done, total). */
  onProgress?(done: number, total: number): void;
}

/**
 * Let the page breathe between frames: awaiting only promises would keep the encoder in one task,
 * so the progress bar would not paint and the cancel button could not be pressed.
 */
export function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class ExportCancelled extends Error {
  constructor() {
    super('The export was cancelled.');
    this.name = 'ExportCancelled';
  }
}

/**
 * Encode frames into an animated GIF that loops forever. Each frame gets its own 256-colour palette
 * (the scene's colours change as blocks fly), which costs a little size and keeps colours exact.
 * `frames` is pulled one at a time, so only one frame's pixels are held.
 */
export async function encodeGif(
  frameCount: number,
  frameAt: (k: number) => Promise<Frame> | Frame,
  frameMs: number,
  { signal, onProgress }: EncodeOptions = {},
): Promise<Uint8Array> {
  const gif = GIFEncoder();
  let size: { width: number; height: number } | null = null;
  for (let k = 0; k < frameCount; k++) {
    if (signal?.aborted) throw new ExportCancelled();
    const frame = await frameAt(k);
    if (size === null) size = { width: frame.width, height: frame.height };
    else if (frame.width !== size.width || frame.height !== size.height) {
      throw new Error(`frame ${k} is ${frame.width}×${frame.height}, the first was ${size.width}×${size.height}`);
    }
    const palette = quantize(frame.data, 256);
    const index = applyPalette(frame.data, palette);
    gif.writeFrame(index, frame.width, frame.height, { palette, delay: frameMs, repeat: 0 });
    onProgress?.(k + 1, frameCount);
    await nextTask();
  }
  gif.finish();
  return gif.bytes();
}
