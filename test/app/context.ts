// A real store and session around a small swarm, for driving commands as the app does.
import { afterEach } from 'vitest';
import type { AppContext } from '../../src/app/commands';
import { Session } from '../../src/app/session';
import { createUiStore } from '../../src/app/store';

export { busySwarm, smallSwarm } from '../small-swarm';

const sessions: Session[] = [];
afterEach(() => {
  // The session probes the run's end on timers; stop them between tests.
  for (const session of sessions.splice(0)) session.dispose();
});

/** A context with nothing loaded, or with `scenario` loaded. */
export function makeContext(scenario: unknown = null): AppContext {
  const store = createUiStore();
  const session = new Session(store);
  sessions.push(session);
  if (scenario !== null) {
    const loaded = session.load(scenario, null);
    if (!loaded.ok) throw new Error(loaded.error);
  }
  return { store, session };
}
