import { afterEach, describe, expect, it, vi } from 'vitest';
import { GPU_PROBE_SOURCE, GPU_PROBE_TIMEOUT_MS, isSoftwareRenderer, learnRenderer } from '../../src/render/gpu';

const SWIFTSHADER = 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)';
const GPU = 'ANGLE (Intel, Mesa Intel(R) UHD Graphics 620 (KBL GT2), OpenGL 4.6)';

describe('which WebGL the page has', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('names SwiftShader, llvmpipe and softpipe as software rasterizers, and a GPU as none', () => {
    expect(isSoftwareRenderer(SWIFTSHADER)).toBe(true);
    expect(isSoftwareRenderer('llvmpipe (LLVM 15.0.6, 256 bits)')).toBe(true);
    expect(isSoftwareRenderer('softpipe')).toBe(true);
    expect(isSoftwareRenderer(GPU)).toBe(false);
  });

  it("takes the early worker's answer and makes no context on the page's thread", async () => {
    const onPage = vi.fn(() => GPU);
    expect(await learnRenderer(Promise.resolve(SWIFTSHADER), onPage)).toEqual({ software: true, probe: 'worker' });
    expect(await learnRenderer(Promise.resolve(GPU), onPage)).toEqual({ software: false, probe: 'worker' });
    expect(onPage).not.toHaveBeenCalled();
  });

  it("asks on the page's thread when there was no early script, or it could not tell, or it failed", async () => {
    expect(await learnRenderer(undefined, () => SWIFTSHADER)).toEqual({ software: true, probe: 'page' });
    expect(await learnRenderer(Promise.resolve(null), () => SWIFTSHADER)).toEqual({ software: true, probe: 'page' });
    expect(await learnRenderer(Promise.reject(new Error('refused')), () => GPU)).toEqual({ software: false, probe: 'page' });
  });

  it(`stops waiting for a worker that never answers after ${GPU_PROBE_TIMEOUT_MS} ms`, async () => {
    vi.useFakeTimers();
    let settled = false;
    const answer = learnRenderer(new Promise<string | null>(() => {}), () => SWIFTSHADER).then((r) => {
      settled = true;
      return r;
    });
    await vi.advanceTimersByTimeAsync(GPU_PROBE_TIMEOUT_MS - 1);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(await answer).toEqual({ software: true, probe: 'page' });
  });

  it('has an early script that sets a promise of the renderer from a worker, and a null without workers', async () => {
    // Run the page script with a Worker that answers as SwiftShader's would, then with none at all.
    const run = (worker: unknown): Promise<string | null> | undefined => {
      const window: { __swarmscopeGpu?: Promise<string | null> } = {};
      new Function('window', 'Worker', 'URL', 'Blob', GPU_PROBE_SOURCE)(window, worker, { createObjectURL: () => 'blob:x', revokeObjectURL: () => {} }, Blob);
      return window.__swarmscopeGpu;
    };
    const terminated: boolean[] = [];
    class FakeWorker {
      onmessage: ((event: { data: unknown }) => void) | null = null;
      onerror: (() => void) | null = null;
      constructor() {
        queueMicrotask(() => this.onmessage?.({ data: SWIFTSHADER }));
      }
      terminate(): void {
        terminated.push(true);
      }
    }
    expect(await run(FakeWorker)).toBe(SWIFTSHADER);
    expect(terminated).toEqual([true]);
    expect(await run(undefined)).toBeNull();
  });
});
