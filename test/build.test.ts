// The build's one patch of a dependency (vite.config.ts, lazyPixiCanvasProbe): Pixi's canvas blend
// probe runs on first use instead of at page load, and a Pixi whose file no longer matches stops the
// build instead of losing the patch unnoticed. And the page's first script, the WebGL warm-up
// (gpuWarmUp, src/render/gpu.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { GPU_PROBE_SOURCE } from '../src/render/gpu';
import { gpuWarmUp, lazyPixiCanvasProbe } from '../vite.config';

const file = join(process.cwd(), 'node_modules/pixi.js/lib/rendering/renderers/canvas/utils/canvasUtils.mjs');
type Transform = (code: string, id: string) => { code: string } | null;
const transform = lazyPixiCanvasProbe().transform as unknown as Transform;

describe('the Pixi canvas-probe patch', () => {
  it('turns the load-time probe into a getter, in the installed Pixi', () => {
    const original = readFileSync(file, 'utf8');
    expect(original).toContain('canUseMultiply: canUseNewCanvasBlendModes(),');
    const patched = transform(original, file)!.code;
    expect(patched).not.toContain('canUseMultiply: canUseNewCanvasBlendModes(),');
    expect(patched).toContain('get canUseMultiply()');
    expect(patched).not.toMatch(/canvasUtils\.tintMethod = canvasUtils\.canUseMultiply/);
  });

  it('leaves every other file alone and refuses a canvasUtils it does not recognise', () => {
    expect(transform('const x = 1;', join(process.cwd(), 'node_modules/pixi.js/lib/index.mjs'))).toBeNull();
    expect(() => transform('export const canvasUtils = {};', file)).toThrow(/no longer has/);
  });
});

describe('the WebGL warm-up script', () => {
  const html = readFileSync(join(process.cwd(), 'index.html'), 'utf8');
  const inject = gpuWarmUp().transformIndexHtml as unknown as (html: string) => string;

  it("goes into index.html's head after the charset and viewport, before any other script or style", () => {
    const out = inject(html);
    const at = out.indexOf(`<script>${GPU_PROBE_SOURCE}</script>`);
    expect(at).toBeGreaterThan(out.indexOf('<meta charset="utf-8" />'));
    expect(at).toBeGreaterThan(out.indexOf('<meta name="viewport"'));
    expect(at).toBeLessThan(out.indexOf('<style>'));
    expect(at).toBeLessThan(out.indexOf('<script type="module"'));
    expect(out.replace(`\n    <script>${GPU_PROBE_SOURCE}</script>`, '')).toBe(html);
  });

  it('refuses an index.html without the viewport line it follows', () => {
    expect(() => inject('<html><head></head></html>')).toThrow(/no longer has/);
  });
});
