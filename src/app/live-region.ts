// An aria-live region that says in words what just happened in the swarm, for screen-reader users
// and anyone who follows the run by ear. While the run plays fast, many things happen per second:
// say the most notable of them at most every ANNOUNCE_EVERY_MS, never a queue of stale sentences.
// The new trace records are read a few times a second, off the frames, not at every store update;
// after a jump (a seek, the end) the records skipped are history, read a slice at a time to keep
// the counts that later sentences quote.
import { NotableEvents, type Notable } from '../analysis/notable';
import type { AppContext } from './commands';
import { timeUi } from './ui-time';

const ANNOUNCE_EVERY_MS = 1500;
/** While the run plays, the new records are read this often (ms). */
const READ_EVERY_MS = 250;
/** A jump of more records than this in one move is a jump, not play. */
const JUMP_RECORDS = 50_000;
/** Records read in one slice of catching up after a jump. */
const CATCH_UP_RECORDS = 200_000;

export function mountLiveRegion(ctx: AppContext): HTMLElement {
  const region = document.createElement('div');
  region.id = 'live';
  region.setAttribute('aria-live', 'polite');
  region.setAttribute('role', 'status');
  // Visually hidden, still read: the scene and the panels show the same facts to sighted users.
  region.style.cssText = 'position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap;';
  document.body.appendChild(region);

  let events: NotableEvents | null = null;
  /** The run jumped since the last read: what comes before the trace's end now is not news. */
  let jumped = false;
  let pending: Notable | null = null;
  let lastSaid = -Infinity;
  let sayTimer: ReturnType<typeof setTimeout> | null = null;
  let readTimer: ReturnType<typeof setTimeout> | null = null;

  const say = (): void => {
    sayTimer = null;
    if (!pending) return;
    // Names come from the scenario: text, never markup.
    region.textContent = `At ${(pending.time / 1e6).toFixed(1)} s: ${pending.text}.`;
    lastSaid = performance.now();
    pending = null;
  };

  const read = (): void => {
    readTimer = null;
    const sim = ctx.session.sim;
    const reader = events;
    if (!sim || !reader) return;
    const trace = sim.trace;
    timeUi(() => {
      if (jumped) {
        reader.feed(trace, (trace.length < reader.position ? 0 : reader.position) + CATCH_UP_RECORDS);
        if (reader.position < trace.length) readTimer = setTimeout(read, 0);
        else jumped = false;
        return;
      }
      for (const notable of reader.feed(trace)) if (!pending || notable.weight >= pending.weight) pending = notable;
      if (pending && sayTimer === null) sayTimer = setTimeout(say, Math.max(0, lastSaid + ANNOUNCE_EVERY_MS - performance.now()));
    });
  };

  ctx.store.subscribe((s, before) => {
    const sim = ctx.session.sim;
    if (!sim) return;
    if (s.runId !== before.runId || events === null) {
      events = new NotableEvents(sim.config);
      jumped = false;
      pending = null;
    }
    if (s.traceLength === before.traceLength && s.runId === before.runId) return;
    // After a jump, what happened along the way is history, not news.
    if (s.runId === before.runId && (s.traceLength < before.traceLength || s.traceLength - before.traceLength > JUMP_RECORDS)) jumped = true;
    readTimer ??= setTimeout(read, s.playing ? READ_EVERY_MS : 0);
  });
  return region;
}
