// WebM video of a time range, frame by frame (browser only: it needs WebCodecs). The caller draws
// frame k onto `canvas`; mediabunny (the maintained successor of webm-muxer) encodes it with VP9 at the
// frame's own timestamp k / fps, so the video's timing comes from the plan, not from the wall clock.
// mediabunny is loaded on first use: it is only needed when someone exports.
import { ExportCancelled, nextTask, type EncodeOptions } from './animation';

export async function encodeWebm(
  canvas: HTMLCanvasElement | OffscreenCanvas,
  frameCount: number,
  drawFrame: (k: number) => Promise<void> | void,
  fps: number,
  { signal, onProgress }: EncodeOptions = {},
): Promise<Uint8Array> {
  if (typeof VideoEncoder === 'undefined') throw new Error('This browser cannot encode video (no WebCodecs); export a GIF instead.');
  const { BufferTarget, CanvasSource, Output, QUALITY_HIGH, WebMOutputFormat } = await import('mediabunny');
  const target = new BufferTarget();
  const output = new Output({ format: new WebMOutputFormat(), target });
  const source = new CanvasSource(canvas, { codec: 'vp9', bitrate: QUALITY_HIGH, keyFrameInterval: 2 });
  output.addVideoTrack(source, { frameRate: fps });
  await output.start();
  try {
    for (let k = 0; k < frameCount; k++) {
      if (signal?.aborted) throw new ExportCancelled();
      await drawFrame(k);
      await source.add(k / fps, 1 / fps);
      onProgress?.(k + 1, frameCount);
      await nextTask();
    }
    await output.finalize();
  } catch (error) {
    await output.cancel();
    throw error;
  }
  if (!target.buffer) throw new Error('The video encoder produced no data.');
  return new Uint8Array(target.buffer);
}
