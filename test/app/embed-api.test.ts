// The embed API is obeyed only from allowed origins, answers with the caller's listener id, and moves
// the app only through commands.
import { afterEach, describe, expect, it } from 'vitest';
import { createEmbedApi, EMBED_CONTEXT, EMBED_VERSION, originAllowed, parseMessage, type EmbedReply } from '../../src/app/embed-api';
import { run, type AppContext } from '../../src/app/commands';
import { Session } from '../../src/app/session';
import { createUiStore } from '../../src/app/store';

const SELF = 'https://swarmscope.example';
const PARENT = 'https://course.example';
const scenario = {
  name: 'Embed test',
  seed: 3,
  torrent: { pieceLength: 262144, pieces: 8 },
  peers: [
    { name: 'origin', seed: true, upload: 2_000_000 },
    { name: 'learner', count: 2, upload: 500_000 },
  ],
};

function setup() {
  const store = createUiStore();
  const session = new Session(store);
  const ctx: AppContext = { store, session };
  session.load(scenario);
  const logged: string[] = [];
  const api = createEmbedApi({ ctx, allowedOrigins: [PARENT], selfOrigin: SELF, log: (text) => logged.push(text) });
  const replies: EmbedReply[] = [];
  const send = (message: object, origin = PARENT) => api.receive({ context: EMBED_CONTEXT, version: EMBED_VERSION, ...message }, origin, (r) => replies.push(r));
  return { store, session, api, logged, replies, send };
}

let cleanup: (() => void) | null = null;
afterEach(() => {
  cleanup?.();
  cleanup = null;
});

describe('the embed postMessage API', () => {
  it('obeys the allow-listed embedding page and our own origin, nobody else', () => {
    expect(originAllowed(PARENT, [PARENT], SELF)).toBe(true);
    expect(originAllowed(SELF, [], SELF)).toBe(true);
    expect(originAllowed('https://evil.example', [PARENT], SELF)).toBe(false);
    expect(originAllowed('null', ['null'], SELF)).toBe(false);
    const t = setup();
    cleanup = () => t.session.dispose();
    t.send({ method: 'play' }, 'https://evil.example');
    expect(t.store.getState().playing).toBe(false);
    expect(t.logged.join('\n')).toContain('https://evil.example');
    t.send({ method: 'play' });
    expect(t.store.getState().playing).toBe(true);
  });

  it('seeks in seconds and reports the state with the caller’s listener id', () => {
    const t = setup();
    cleanup = () => t.session.dispose();
    t.send({ method: 'seek', value: 2.5 });
    expect(t.session.sim!.now).toBe(2_500_000);
    t.send({ method: 'selectPeer', value: 'learner-2' });
    t.send({ method: 'getState', listener: 'q1' });
    const reply = t.replies.at(-1)!;
    expect(reply).toMatchObject({ context: EMBED_CONTEXT, version: EMBED_VERSION, event: 'getState', listener: 'q1' });
    expect(reply.value).toMatchObject({ time: 2.5, selectedPeer: 'learner-2', playing: false });
  });

  it('tells listeners about time changes and completed peers, and stops when they are removed', () => {
    const t = setup();
    cleanup = () => t.session.dispose();
    t.send({ method: 'addEventListener', value: 'peercompleted', listener: 'done' });
    t.send({ method: 'addEventListener', value: 'timeupdate', listener: 'tick' });
    t.session.runToEnd();
    const completed = t.replies.filter((r) => r.event === 'peercompleted');
    expect(completed.map((r) => (r.value as { peer: string }).peer).sort()).toEqual(['learner-1', 'learner-2']);
    expect(completed.every((r) => r.listener === 'done')).toBe(true);
    expect(t.replies.some((r) => r.event === 'timeupdate' && r.listener === 'tick')).toBe(true);
    t.send({ method: 'removeEventListener', listener: 'tick' });
    const before = t.replies.length;
    t.send({ method: 'seek', value: 1 });
    expect(t.replies.slice(before).filter((r) => r.event === 'timeupdate')).toEqual([]);
  });

  it('answers a bad message with an error naming what was expected, and changes nothing', () => {
    const t = setup();
    cleanup = () => t.session.dispose();
    t.send({ method: 'seek', value: 'soon', listener: 's' });
    expect(t.replies.at(-1)).toMatchObject({ event: 'error', listener: 's' });
    expect(String(t.replies.at(-1)!.value)).toContain('seconds');
    expect(t.session.sim!.now).toBe(0);
    t.send({ method: 'launchMissiles' });
    expect(String(t.replies.at(-1)!.value)).toContain('method must be one of');
    t.send({ method: 'selectPeer', value: 'nobody' });
    expect(String(t.replies.at(-1)!.value)).toContain('no peer');
    t.send({ method: 'load', value: { scenario: { name: 'broken' } } });
    expect(String(t.replies.at(-1)!.value)).toContain('could not be loaded');
    expect(t.store.getState().scenario?.name).toBe('Embed test');
  });

  it('ignores messages that are not ours, and refuses oversized text before parsing it', () => {
    expect(parseMessage('not json')).toEqual({ ok: false, ignore: true });
    expect(parseMessage({ method: 'play' })).toEqual({ ok: false, ignore: true });
    expect(parseMessage(JSON.stringify({ context: EMBED_CONTEXT, version: EMBED_VERSION, method: 'play' }))).toMatchObject({ ok: true });
    const huge = parseMessage(`{"context":"swarmscope","pad":"${'x'.repeat(1_000_001)}"}`);
    expect(huge.ok).toBe(false);
    expect(JSON.stringify(huge)).toContain('longer than');
  });
});

describe('the embed API across scenario loads', () => {
  it('keeps telling completions after a new scenario replaces a longer run', () => {
    const store = createUiStore();
    const session = new Session(store);
    cleanup = () => session.dispose();
    const ctx: AppContext = { store, session };
    const api = createEmbedApi({ ctx, allowedOrigins: [PARENT], selfOrigin: SELF, log: () => undefined });
    const replies: EmbedReply[] = [];
    api.receive({ context: EMBED_CONTEXT, version: EMBED_VERSION, method: 'addEventListener', value: 'peercompleted', listener: 'c' }, PARENT, (r) => replies.push(r));
    session.load({ ...scenario, peers: [...scenario.peers, { name: 'extra', count: 4, upload: 300_000 }] });
    session.runToEnd();
    const first = replies.length;
    expect(first).toBe(6);
    session.load(scenario);
    session.runToEnd();
    expect(replies.slice(first).map((r) => (r.value as { peer: string }).peer).sort()).toEqual(['learner-1', 'learner-2']);
  });
});

describe('the embed API and narration', () => {
  it('tells listeners each narration step as the run reaches it', () => {
    const narrated = {
      ...scenario,
      narration: [
        { at: 0.5, title: 'Start', text: 'The seed begins.' },
        { when: { event: 'complete', peer: 'learner-1' }, text: 'A learner has it all.' },
      ],
    };
    const store = createUiStore();
    const session = new Session(store);
    cleanup = () => session.dispose();
    const ctx: AppContext = { store, session };
    session.load(narrated);
    const api = createEmbedApi({ ctx, allowedOrigins: [PARENT], selfOrigin: SELF, log: () => undefined });
    const replies: EmbedReply[] = [];
    api.receive({ context: EMBED_CONTEXT, version: EMBED_VERSION, method: 'addEventListener', value: 'narration', listener: 'n' }, PARENT, (r) => replies.push(r));
    run(ctx, 'showNarrationStep', { step: 0 });
    run(ctx, 'showNarrationStep', { step: 1 });
    expect(replies.map((r) => r.value)).toMatchObject([
      { step: 0, title: 'Start', text: 'The seed begins.' },
      { step: 1, title: null, text: 'A learner has it all.' },
    ]);
    expect(replies.every((r) => r.event === 'narration' && r.listener === 'n')).toBe(true);
  });
});
