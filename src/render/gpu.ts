// Which WebGL the page has, learnt as early and as cheaply as possible. The first WebGL context a
// fresh browser makes starts its rasterizer in the GPU process: with SwiftShader (no GPU: many
// virtual machines, remote desktops and this project's test machine) that takes 0.3 to 0.5 s, and
// the page's thread waits for it if the page makes that context. A context made in a worker (on an
// OffscreenCanvas) starts it just the same, and the page's own context afterwards takes some 10 ms.
// So index.html starts a worker before the app's code has even loaded (GPU_PROBE_SOURCE, inlined
// there by vite.config.ts), which makes a context, reports the renderer's name and ends; the scene
// asks for that answer here, building the page meanwhile. Where workers or OffscreenCanvas WebGL
// are missing (or a strict Content-Security-Policy refuses the inline script), the page's thread
// asks a throwaway context of its own, as before.

declare global {
  interface Window {
    /** The warm-up's answer (index.html): the WebGL renderer's name, or null if the worker could not tell. */
    __swarmscopeGpu?: Promise<string | null>;
  }
}

/** How the renderer was learnt: from the early worker, or on the page's own thread. */
export type GpuProbe = 'worker' | 'page';

/** Longer than this, and the page stops waiting for the worker and asks on its own thread. */
export const GPU_PROBE_TIMEOUT_MS = 3000;

/** Renderer names of software rasterizers (no GPU). */
export function isSoftwareRenderer(renderer: string): boolean {
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/**
 * The script index.html runs first thing (plain ES5, no modules: it must run before the app's code
 * arrives). It sets window.__swarmscopeGpu to a promise of the renderer's name, or null.
 */
export const GPU_PROBE_SOURCE = `window.__swarmscopeGpu = new Promise(function (resolve) {
  try {
    var src = "try { var gl = new OffscreenCanvas(1, 1).getContext('webgl');" +
      " var info = gl && gl.getExtension('WEBGL_debug_renderer_info');" +
      " postMessage(gl ? String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)) : null);" +
      " } catch (e) { postMessage(null); }";
    var url = URL.createObjectURL(new Blob([src], { type: 'text/javascript' }));
    var worker = new Worker(url);
    var done = function (answer) { worker.terminate(); URL.revokeObjectURL(url); resolve(answer); };
    worker.onmessage = function (event) { done(typeof event.data === 'string' ? event.data : null); };
    worker.onerror = function () { done(null); };
  } catch (e) {
    resolve(null);
  }
});`;

/** The renderer's name from a throwaway context on the page's thread ('' if there is no WebGL). */
function rendererOnPage(): string {
  try {
    const gl = document.createElement('canvas').getContext('webgl', { antialias: false, depth: false, stencil: false });
    if (!gl) return '';
    const info = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return renderer;
  } catch {
    return '';
  }
}

/**
 * Whether WebGL here is a software rasterizer, and how that was learnt. Multisampling costs a GPU
 * next to nothing and a software rasterizer much of each frame: on the 2-core test machine, 300-peer
 * play drew 179 frames in 15 s with it and 318 without (bench:app), and the GPU process took the CPU
 * from the page less. Without it the thin links show stair steps, which is why a real GPU keeps it.
 */
export function softwareWebGl(): Promise<{ software: boolean; probe: GpuProbe }> {
  return learnRenderer(window.__swarmscopeGpu, rendererOnPage);
}

/** The early answer if it comes within GPU_PROBE_TIMEOUT_MS and names a renderer, else `onPage`'s. */
export async function learnRenderer(early: Promise<string | null> | undefined, onPage: () => string): Promise<{ software: boolean; probe: GpuProbe }> {
  if (early !== undefined) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<null>((resolve) => {
      timer = setTimeout(() => resolve(null), GPU_PROBE_TIMEOUT_MS);
    });
    const renderer = await Promise.race([early.catch(() => null), late]);
    clearTimeout(timer);
    if (renderer !== null) return { software: isSoftwareRenderer(renderer), probe: 'worker' };
  }
  return { software: isSoftwareRenderer(onPage()), probe: 'page' };
}
