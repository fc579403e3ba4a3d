// The postMessage API for a page that embeds swarmscope in an iframe. It follows the player.js
// conventions (a versioned envelope; methods with an optional value; replies and events sent back
// with the listener id the caller chose), in our own context so it cannot be confused with a video
// player. Only the embedding page's origin, when it is on the allow-list given in the URL (or is our
// own origin), is obeyed; anything else is ignored and logged. Every method is a command call, so the
// API can do nothing a user could not do with the buttons.
import { z } from 'zod';
import { CHUNK, CHUNK_BITS, T } from '../engine/trace';
import { run, type AppContext } from './commands';
import { libraryEntry } from './library';

export const EMBED_CONTEXT = 'swarmscope';
export const EMBED_VERSION = 1;
export const EMBED_METHODS = [
  'play',
  'pause',
  'step',
  'stepBack',
  'seek',
  'load',
  'selectPeer',
  'getState',
  'addEventListener',
  'removeEventListener',
] as const;
export const EMBED_EVENTS = ['ready', 'timeupdate', 'peercompleted', 'narration', 'error'] as const;
export type EmbedEvent = (typeof EMBED_EVENTS)[number];

/** Bigger messages are refused before parsing: a hostile page must not freeze the tab. */
export const MAX_MESSAGE_CHARS = 1_000_000;

const listenerId = z.string().min(1).max(64);
const envelope = z.object({
  context: z.literal(EMBED_CONTEXT),
  version: z.literal(EMBED_VERSION, { error: `version must be ${EMBED_VERSION}` }),
  method: z.enum(EMBED_METHODS, { error: `method must be one of ${EMBED_METHODS.join(', ')}` }),
  value: z.unknown().optional(),
  listener: listenerId.optional(),
});
export type EmbedMessage = z.infer<typeof envelope>;

export interface EmbedReply {
  context: typeof EMBED_CONTEXT;
  version: typeof EMBED_VERSION;
  event: string;
  value: unknown;
  listener?: string;
}

export type Parsed = { ok: true; message: EmbedMessage } | { ok: false; error: string } | { ok: false; ignore: true };

/** Messages may come as objects or as JSON text (player.js sends text). Not ours at all: ignore quietly. */
export function parseMessage(data: unknown): Parsed {
  let value = data;
  if (typeof data === 'string') {
    if (data.length > MAX_MESSAGE_CHARS) return { ok: false, error: `message longer than ${MAX_MESSAGE_CHARS} characters` };
    try {
      value = JSON.parse(data);
    } catch {
      return { ok: false, ignore: true };
    }
  }
  if (typeof value !== 'object' || value === null || (value as { context?: unknown }).context !== EMBED_CONTEXT) {
    return { ok: false, ignore: true };
  }
  const parsed = envelope.safeParse(value);
  if (parsed.success) return { ok: true, message: parsed.data };
  const issue = parsed.error.issues[0]!;
  return { ok: false, error: `${issue.path.join('.') || 'message'}: ${issue.message}` };
}

/** Our own origin, and exact matches from the allow-list ("*" is not honoured: name the page). */
export function originAllowed(origin: string, allowList: readonly string[], selfOrigin: string): boolean {
  if (origin === 'null' || origin === '') return false;
  return origin === selfOrigin || allowList.includes(origin);
}

export interface EmbedHost {
  ctx: AppContext;
  allowedOrigins: readonly string[];
  selfOrigin: string;
  /** Report refused messages (the console, or a test's array). */
  log(text: string): void;
}

export interface EmbedApi {
  /** Handle one message event's data and origin; `reply` posts back to the sender. */
  receive(data: unknown, origin: string, reply: (message: EmbedReply) => void): void;
  /** Tell every listener of `event`. */
  emit(event: EmbedEvent, value: unknown): void;
  dispose(): void;
}

/** Time updates at most this often (wall-clock ms), as a media element's timeupdate. */
const TIMEUPDATE_EVERY_MS = 250;

function envelopeOf(event: string, value: unknown, listener?: string): EmbedReply {
  return listener === undefined
    ? { context: EMBED_CONTEXT, version: EMBED_VERSION, event, value }
    : { context: EMBED_CONTEXT, version: EMBED_VERSION, event, value, listener };
}

const seekValue = z.number({ error: 'seek needs a time in seconds' }).finite().min(0, 'seek needs a time ≥ 0 s');
const loadValue = z.union([z.object({ id: z.string().max(200) }), z.object({ scenario: z.unknown() })], {
  error: 'load needs {"id": library id} or {"scenario": scenario object}',
});
const peerValue = z.union([z.number().int().min(0), z.string().max(200), z.null()], {
  error: 'selectPeer needs a peer name, index or null',
});
const eventValue = z.enum(EMBED_EVENTS, { error: `event must be one of ${EMBED_EVENTS.join(', ')}` });

export function createEmbedApi(host: EmbedHost): EmbedApi {
  const { ctx } = host;
  const listeners = new Map<string, { event: EmbedEvent; reply: (message: EmbedReply) => void }>();
  let lastTimeUpdate = -Infinity;
  let seenTrace = ctx.store.getState().traceLength;

  function emit(event: EmbedEvent, value: unknown): void {
    for (const [id, entry] of listeners) if (entry.event === event) entry.reply(envelopeOf(event, value, id));
  }

  function listened(event: EmbedEvent): boolean {
    for (const entry of listeners.values()) if (entry.event === event) return true;
    return false;
  }

  function state(): unknown {
    const s = ctx.store.getState();
    const sim = ctx.session.sim;
    return {
      scenario: s.scenario,
      time: s.time / 1e6,
      endTime: s.endTime === null ? null : s.endTime / 1e6,
      playing: s.playing,
      done: s.done,
      speed: s.speed,
      selectedPeer: s.selectedPeer === null || !sim ? null : sim.config.peers[s.selectedPeer]!.name,
    };
  }

  function peerIndex(value: number | string | null): number | null {
    const peers = ctx.session.sim?.config.peers ?? [];
    if (value === null) return null;
    const index = typeof value === 'number' ? value : peers.findIndex((peer) => peer.name === value);
    if (index < 0 || index >= peers.length) throw new Error(`selectPeer: no peer ${JSON.stringify(value)}`);
    return index;
  }

  function perform(message: EmbedMessage, reply: (message: EmbedReply) => void): void {
    const { method, value, listener } = message;
    switch (method) {
      case 'play':
      case 'pause':
        run(ctx, method);
        return;
      case 'step':
        run(ctx, 'stepForward');
        return;
      case 'stepBack':
        run(ctx, 'stepBack');
        return;
      case 'seek':
        run(ctx, 'seek', Math.round(seekValue.parse(value) * 1e6));
        return;
      case 'load': {
        const target = loadValue.parse(value);
        if ('id' in target) {
          const entry = libraryEntry(target.id);
          if (!entry) throw new Error(`load: no library scenario ${JSON.stringify(target.id)}`);
          run(ctx, 'loadScenario', { json: entry.json, id: entry.id });
        } else {
          const loaded = ctx.session.load(target.scenario, null);
          if (!loaded.ok) throw new Error(loaded.error);
        }
        return;
      }
      case 'selectPeer':
        run(ctx, 'selectPeer', peerIndex(peerValue.parse(value)));
        return;
      case 'getState':
        reply(envelopeOf('getState', state(), listener));
        return;
      case 'addEventListener': {
        if (listener === undefined) throw new Error('addEventListener needs a listener id');
        listeners.set(listener, { event: eventValue.parse(value), reply });
        return;
      }
      case 'removeEventListener':
        if (listener !== undefined) listeners.delete(listener);
        return;
    }
  }

  const unsubscribe = ctx.store.subscribe((s, before) => {
    if (s.runId !== before.runId) seenTrace = 0;
    const sim = ctx.session.sim;
    // The store's count can lag the engine by one update (a new run starts before it is mirrored):
    // read only what this run's trace holds.
    const length = sim ? Math.min(s.traceLength, sim.trace.length) : 0;
    if (sim && length < seenTrace) seenTrace = length;
    if (sim && length > seenTrace) {
      // Completions since the last look (read only when someone listens: this runs every frame
      // while playing); a seek back rewinds the mark so they are told again.
      for (let i = listened('peercompleted') ? seenTrace : length; i < length; i++) {
        const chunk = sim.trace.chunks[i >>> CHUNK_BITS]!;
        const at = i & (CHUNK - 1);
        if (chunk.kind[at] === T.COMPLETED) {
          emit('peercompleted', { peer: sim.config.peers[chunk.from[at]!]!.name, time: chunk.time[at]! / 1e6 });
        }
      }
      seenTrace = length;
    }
    if (s.narrationStep !== before.narrationStep && s.narrationStep !== null) {
      const steps = (ctx.session.scenarioJson as { narration?: { title?: unknown; text?: unknown }[] } | null)?.narration;
      const step = Array.isArray(steps) ? steps[s.narrationStep] : undefined;
      emit('narration', {
        step: s.narrationStep,
        title: typeof step?.title === 'string' ? step.title : null,
        text: typeof step?.text === 'string' ? step.text : null,
        time: s.time / 1e6,
      });
    }
    if (s.time !== before.time) {
      const now = performance.now();
      if (now - lastTimeUpdate >= TIMEUPDATE_EVERY_MS || !s.playing) {
        lastTimeUpdate = now;
        emit('timeupdate', { time: s.time / 1e6, playing: s.playing });
      }
    }
  });

  return {
    receive(data, origin, reply) {
      const parsed = parseMessage(data);
      if (!parsed.ok && 'ignore' in parsed) return;
      if (!originAllowed(origin, host.allowedOrigins, host.selfOrigin)) {
        host.log(`swarmscope ignored a message from ${origin}: not on the allow-list (?origins=…)`);
        return;
      }
      if (!parsed.ok) {
        host.log(`swarmscope refused a message from ${origin}: ${parsed.error}`);
        reply(envelopeOf('error', parsed.error));
        return;
      }
      try {
        perform(parsed.message, reply);
      } catch (error) {
        const text = error instanceof z.ZodError ? (error.issues[0]?.message ?? 'invalid value') : error instanceof Error ? error.message : String(error);
        host.log(`swarmscope refused ${parsed.message.method} from ${origin}: ${text}`);
        reply(envelopeOf('error', text, parsed.message.listener));
      }
    },
    emit,
    dispose() {
      unsubscribe();
      listeners.clear();
    },
  };
}
