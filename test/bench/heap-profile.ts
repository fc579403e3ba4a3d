// Shared by the profiling scripts (app-profile.ts in Chromium, engine-alloc.ts in Node): a profile's
// call frames by name, and a sampling heap profile's bytes by call chain.

/** A call frame as CPU and heap profiles give it (V8's inspector protocol). */
export interface ProfileFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

/** "function file.js:line" for a profile's call frame. */
export function frameName(f: ProfileFrame): string {
  return `${f.functionName || '(anonymous)'} ${f.url.split('/').pop() ?? ''}:${f.lineNumber + 1}`;
}

/** A node of a sampling heap profile (HeapProfiler.stopSampling). */
export interface HeapNode {
  callFrame: ProfileFrame;
  selfSize: number;
  children: HeapNode[];
}

/** Bytes allocated per call chain (leaf < caller < caller, inlined frames included), most first, and in all. */
export function allocationsByChain(head: HeapNode): { total: number; chains: [string, number][] } {
  const by = new Map<string, number>();
  let total = 0;
  const walk = (n: HeapNode, stack: string[]): void => {
    const chain = [frameName(n.callFrame), ...stack].slice(0, 3);
    if (n.selfSize > 0) {
      const key = chain.join(' < ');
      by.set(key, (by.get(key) ?? 0) + n.selfSize);
      total += n.selfSize;
    }
    for (const c of n.children) walk(c, chain);
  };
  walk(head, []);
  return { total, chains: [...by].sort((a, b) => b[1] - a[1]) };
}
