// The build's one patch of a dependency (vite.config.ts, lazyPixiCanvasProbe): Pixi's canvas blend
// probe runs on first use instead of at page load, and a Pixi whose file no longer matches stops the
// build instead of losing the patch unnoticed.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lazyPixiCanvasProbe } from '../vite.config';

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
