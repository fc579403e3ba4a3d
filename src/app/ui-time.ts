// How much wall-clock time the app's own UI work takes (store subscribers, panel redraws, the
// address bar, the aria-live region), added up, for the frame statistics: the scene reads the total
// before and after each frame's work (src/render/stats.ts) and gives the engine only what is left of
// the frame's budget. Work nested inside other timed work (a panel redraw that updates the store) is
// counted once.
let total = 0;
let depth = 0;

/** Run `work`, adding its wall-clock time to the UI's total. */
export function timeUi<T>(work: () => T): T {
  if (depth > 0) return work();
  depth++;
  const start = performance.now();
  try {
    return work();
  } finally {
    depth--;
    total += performance.now() - start;
  }
}

/** ms of UI work so far. */
export function uiMs(): number {
  return total;
}
