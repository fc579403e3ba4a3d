// An aria-live region that says in words what just happened in the swarm, for screen-reader users
// and anyone who follows the run by ear. While the run plays fast, many things happen per second:
// say the most notable of them at most every ANNOUNCE_EVERY_MS, never a queue of stale sentences.
import { NotableEvents, type Notable } from '../analysis/notable';
import type { AppContext } from './commands';

const ANNOUNCE_EVERY_MS = 1500;

export function mountLiveRegion(ctx: AppContext): HTMLElement {
  const region = document.createElement('div');
  region.id = 'live';
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('role', 'status');
  // Visually hidden, still read: the scene and the panels show the same facts to sighted users.
  region.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;';
  document.body.appendChild(region);

  let events: NotableEvents | null = null;
  let pending: Notable | null = null;
  let lastSaid = -Infinity;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const say = (): void => {
    timer = null;
    if (!pending) return;
    // Names come from the scenario: text, never markup.
    region.textContent = `At ${(pending.time / 1e6).toFixed(1)} s: ${pending.text}.`;
    lastSaid = performance.now();
    pending = null;
  };

  ctx.store.subscribe((s, before) => {
    const sim = ctx.session.sim;
    if (!sim) return;
    if (s.runId !== before.runId || events === null) {
      events = new NotableEvents(sim.config);
      pending = null;
    }
    if (s.traceLength === before.traceLength && s.runId === before.runId) return;
    const jumped = s.traceLength < events.position || s.traceLength - events.position > 50_000;
    const fresh = events.feed(sim.trace);
    // After a jump (a seek, the end), what happened along the way is history, not news.
    if (jumped) return;
    for (const notable of fresh) if (!pending || notable.weight >= pending.weight) pending = notable;
    if (pending && timer === null) timer = setTimeout(say, Math.max(0, lastSaid + ANNOUNCE_EVERY_MS - performance.now()));
  });
  return region;
}
