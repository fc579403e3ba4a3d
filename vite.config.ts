import { readFileSync } from 'node:fs';
import type { Plugin } from 'vite';
import { viteSingleFile } from 'vite-plugin-singlefile';
import { defineConfig } from 'vitest/config';
import { GPU_PROBE_SOURCE } from './src/render/gpu.ts';

/** `npm run build:single` builds in this mode: one self-contained HTML file (see README, "Offline"). */
const SINGLE = 'single';

/** The icon as a data: URL, so that the single file asks for nothing beside itself. */
function inlineFavicon(): Plugin {
  return {
    name: 'swarmscope:inline-favicon',
    transformIndexHtml(html) {
      const svg = readFileSync(new URL('./public/favicon.svg', import.meta.url));
      return html.replace('href="./favicon.svg"', `href="data:image/svg+xml;base64,${svg.toString('base64')}"`);
    },
  };
}

/**
 * The WebGL warm-up (src/render/gpu.ts) as the first script of the page: it starts the GPU process's
 * rasterizer from a worker while the app's code loads, and tells the scene which renderer it found.
 */
export function gpuWarmUp(): Plugin {
  const anchor = '<meta name="viewport" content="width=device-width, initial-scale=1" />';
  return {
    name: 'swarmscope:gpu-warm-up',
    transformIndexHtml(html) {
      if (!html.includes(anchor)) throw new Error(`index.html no longer has ${anchor}: update gpuWarmUp in vite.config.ts`);
      return html.replace(anchor, `${anchor}\n    <script>${GPU_PROBE_SOURCE}</script>`);
    },
  };
}

/**
 * Pixi 8's canvas renderer checks, when its module loads, whether 2D canvases can blend by multiply:
 * it draws two canvases and reads the pixels back, 0.1 s in a warm browser and about 0.5 s in a cold
 * one, all before the first frame, for a renderer the app does not use (it asks for WebGL). This
 * defers the check to the first time the canvas renderer tints something. The build fails if a Pixi
 * update changes those lines, so that the patch is looked at again rather than silently dropped.
 */
export function lazyPixiCanvasProbe(): Plugin {
  const file = '/pixi.js/lib/rendering/renderers/canvas/utils/canvasUtils.mjs';
  const edits: [string, string][] = [
    ['canUseMultiply: canUseNewCanvasBlendModes(),', 'get canUseMultiply() { return (this._canUseMultiply ??= canUseNewCanvasBlendModes()); },'],
    [
      'canvasUtils.tintMethod = canvasUtils.canUseMultiply ? canvasUtils.tintWithMultiply : canvasUtils.tintWithPerPixel;',
      "Object.defineProperty(canvasUtils, 'tintMethod', { get() { return canvasUtils.canUseMultiply ? canvasUtils.tintWithMultiply : canvasUtils.tintWithPerPixel; } });",
    ],
  ];
  return {
    name: 'swarmscope:lazy-pixi-canvas-probe',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith(file)) return null;
      for (const [from, to] of edits) {
        if (!code.includes(from)) throw new Error(`${file} no longer has "${from}": update lazyPixiCanvasProbe in vite.config.ts`);
        code = code.replace(from, to);
      }
      return { code, map: null };
    },
  };
}

export default defineConfig(({ mode }) => ({
  base: './',
  build:
    mode === SINGLE
      ? // No source maps (they would be separate files) and no public/ copies: the HTML file is all there is.
        { target: 'es2022', sourcemap: false, outDir: 'dist/single', copyPublicDir: false }
      : { target: 'es2022', sourcemap: true },
  plugins:
    mode === SINGLE
      ? [gpuWarmUp(), lazyPixiCanvasProbe(), inlineFavicon(), viteSingleFile({ outputFileName: 'swarmscope.html' })]
      : [gpuWarmUp(), lazyPixiCanvasProbe()],
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/summary-reporter.ts'],
    setupFiles: ['./test/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 120_000,
  },
}));
