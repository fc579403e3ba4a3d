// Pictures of the run: a PNG of the current frame (1× or 2×), and an animated GIF or a WebM video of
// a chosen time range, rendered frame by frame from the deterministic engine. For each frame the
// session seeks to the frame's simulated time and the scene draws that moment; afterwards the run
// goes back to where the user was. Progress and cancel come through the returned job.
import { encodeGif, planFrames, type Frame } from '../export/animation';
import { writePcap } from '../export/pcap';
import type { AppContext } from './commands';

/** What the scene offers the exporter: draw the current moment and hand over its pixels. */
export interface FrameSource {
  /** Draw the scene as it is now at width × height CSS pixels times `scale` onto a fresh canvas; `clockMs` is the video's clock. */
  capture(width: number, height: number, scale: number, clockMs?: number): HTMLCanvasElement;
  /** Frames from here on depend only on the engine and the clock given to `capture`. */
  beginCapture(): void;
  endCapture(): void;
}

export type AnimationFormat = 'gif' | 'webm';

export interface AnimationRequest {
  format: AnimationFormat;
  /** Simulated seconds. */
  from: number;
  to: number;
  fps: number;
  /** Simulated seconds per second of video. */
  speed: number;
  width: number;
  height: number;
}

export interface ExportJob {
  /** Resolves with the file, or rejects (ExportCancelled when cancelled). */
  result: Promise<Blob>;
  cancel(): void;
}

function fileStem(ctx: AppContext): string {
  const name = ctx.store.getState().scenario?.name ?? 'swarm';
  // A file name, not a path: keep letters, digits and dashes of the untrusted scenario name.
  const safe = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `swarmscope-${safe || 'swarm'}`;
}

export function pngName(ctx: AppContext): string {
  return `${fileStem(ctx)}-${(ctx.store.getState().time / 1e6).toFixed(3)}s.png`;
}

export function animationName(ctx: AppContext, request: AnimationRequest): string {
  return `${fileStem(ctx)}-${request.from}s-${request.to}s.${request.format}`;
}

export function exportPng(source: FrameSource, width: number, height: number, scale: 1 | 2): Promise<Blob> {
  const canvas = source.capture(width, height, scale);
  return new Promise((resolve, reject) =>
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The browser could not encode the PNG.'))), 'image/png'),
  );
}

function pixelsOf(canvas: HTMLCanvasElement): Frame {
  const context = canvas.getContext('2d', { willReadFrequently: true });
  if (!context) throw new Error('The browser gave no 2D canvas to read the frame from.');
  const image = context.getImageData(0, 0, canvas.width, canvas.height);
  return { width: image.width, height: image.height, data: image.data };
}

export function exportAnimation(ctx: AppContext, source: FrameSource, request: AnimationRequest, onProgress: (done: number, total: number) => void): ExportJob {
  const controller = new AbortController();
  const plan = planFrames({ from: Math.round(request.from * 1e6), to: Math.round(request.to * 1e6), fps: request.fps, speed: request.speed });
  const { session, store } = ctx;
  const resumeAt = store.getState().time;
  const wasPlaying = store.getState().playing;
  store.update((s) => void (s.playing = false));
  const frameAt = (k: number): HTMLCanvasElement => {
    session.seek(plan.times[k]!);
    // From the first frame's moment on, the scene remembers only what this export showed it.
    if (k === 0) source.beginCapture();
    return source.capture(request.width, request.height, 1, k * plan.frameMs);
  };
  const encode = async (): Promise<Blob> => {
    const options = { signal: controller.signal, onProgress };
    if (request.format === 'gif') {
      const bytes = await encodeGif(plan.times.length, (k) => pixelsOf(frameAt(k)), plan.frameMs, options);
      return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/gif' });
    }
    const { encodeWebm } = await import('../export/webm');
    const target = document.createElement('canvas');
    target.width = request.width;
    target.height = request.height;
    const context = target.getContext('2d');
    if (!context) throw new Error('The browser gave no 2D canvas to draw the video on.');
    const bytes = await encodeWebm(target, plan.times.length, (k) => void context.drawImage(frameAt(k), 0, 0), request.fps, options);
    return new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'video/webm' });
  };
  const result = encode().finally(() => {
    source.endCapture();
    session.seek(resumeAt);
    store.update((s) => void (s.playing = wasPlaying));
  });
  return { result, cancel: () => controller.abort() };
}

/** A capture in the browser is held in memory before it is saved: refuse what would not fit. */
export const MAX_PCAP_BYTES = 256 * 1024 * 1024;

export function pcapName(ctx: AppContext, from: number, to: number, peer: number | null): string {
  const who = peer === null ? 'swarm' : `peer${peer}`;
  return `${fileStem(ctx)}-${who}-${from}s-${to}s.pcap`;
}

/**
 * A packet capture (src/export/pcap.ts) of the selected peer's traffic, or the whole swarm's, from
 * `from` to `to` simulated seconds: the run goes forward to `to` if it is not there yet (the capture
 * is written from the trace), then back to where the user was.
 */
export function exportPcap(ctx: AppContext, from: number, to: number, peer: number | null): Blob {
  const { session, store } = ctx;
  const fromUs = Math.round(from * 1e6);
  const toUs = Math.round(to * 1e6);
  if (!(Number.isFinite(from) && Number.isFinite(to) && fromUs >= 0 && toUs > fromUs)) {
    throw new Error(`the range must run forward from a time ≥ 0, got ${from} s to ${to} s`);
  }
  const sim = session.sim;
  if (!sim) throw new Error('No scenario is loaded.');
  const resumeAt = store.getState().time;
  if (sim.now < toUs) session.seek(toUs);
  try {
    const parts: Uint8Array[] = [];
    let size = 0;
    writePcap(
      { config: sim.config, trace: sim.trace, uploads: sim.state.peers.map((p) => p.upload) },
      { peer: peer ?? undefined, from: fromUs, to: toUs },
      {
        write(chunk) {
          size += chunk.length;
          if (size > MAX_PCAP_BYTES) {
            throw new Error(`the capture would be over ${MAX_PCAP_BYTES / 1024 / 1024} MiB: select one peer or shorten the range (the CLI's --pcap has no limit)`);
          }
          // The writer reuses its buffer: keep a copy.
          parts.push(chunk.slice());
        },
      },
    );
    return new Blob(parts as Uint8Array<ArrayBuffer>[], { type: 'application/vnd.tcpdump.pcap' });
  } finally {
    if (session.sim === sim && sim.now !== resumeAt) session.seek(resumeAt);
  }
}

/** Hand a file to the user as a download. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
