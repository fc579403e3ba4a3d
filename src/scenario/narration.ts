// `narration`: steps of a guided tour, each with a trigger (a time, or an engine event such as a
// peer's first upload) and a plain-text explanation; a step may also pause the run, select a peer,
// highlight pieces and change the colouring. This file holds the steps' schema, the rules that need
// the peer names, and their resolution to peer indices and µs for src/analysis/narration.ts, which
// finds when each step fires. Text is plain text: the app must show it as text, never as HTML.
import { z } from 'zod';
import { NARRATION_EVENTS } from '../engine/types';
import { time } from './fields';
import { LIMITS } from './limits';
import { expected } from './messages';
import { buildNameTable, type NameTable, type NamedEntry } from './names';
import { closest } from './suggest';

export { NARRATION_EVENTS };
export type NarrationEventName = (typeof NARRATION_EVENTS)[number];

/** How the app colours blocks (src/app/store.ts `Colouring`). */
export const COLOURINGS = ['piece', 'source'] as const;

/** Which optional keys each event reads; any other is an error, so a step never silently ignores a key. */
const EVENT_KEYS: Record<NarrationEventName, readonly ('peer' | 'to' | 'piece' | 'copies' | 'count')[]> = {
  join: ['peer', 'count'],
  leave: ['peer', 'count'],
  complete: ['peer', 'count'],
  'first-upload': ['peer', 'to'],
  unchoke: ['peer', 'to', 'count'],
  choke: ['peer', 'to', 'count'],
  'optimistic-unchoke': ['peer', 'to', 'count'],
  rechoke: ['peer', 'count'],
  verified: ['peer', 'piece', 'count'],
  cancel: ['peer', 'to', 'count'],
  banned: ['peer', 'to', 'count'],
  replication: ['piece', 'copies'],
};

const quoted = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');
const int = (what: string, min: number, max: number) => {
  const error = expected(what);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
};
const name = (what: string) => z.string({ error: expected(what) }).min(1, { error: expected(what) });
const pieceIndex = int(`a piece index from 0 to ${LIMITS.maxPieces - 1}`, 0, LIMITS.maxPieces - 1);

export const whenSchema = z
  .strictObject(
    {
      event: z.enum(NARRATION_EVENTS, { error: expected(`one of ${quoted(NARRATION_EVENTS)}`) }),
      peer: name('the name of a peer or a group').optional(),
      to: name('the name of a peer or a group').optional(),
      piece: pieceIndex.optional(),
      copies: int(`a whole number of copies from 1 to ${LIMITS.maxPeers}`, 1, LIMITS.maxPeers).optional(),
      count: int(`a whole number from 1 to ${LIMITS.maxTriggerCount}`, 1, LIMITS.maxTriggerCount).optional(),
    },
    { error: expected('an event such as {"event": "first-upload", "peer": "subject"}') },
  )
  .superRefine(checkWhen, { when: () => true });

// C0 controls other than tab and newline have no business in prose and can hide text in a terminal.
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/;

export const stepSchema = z
  .strictObject(
    {
      at: time('a number of seconds ≥ 0', { min: 0, max: LIMITS.maxSeconds, maxWhat: `at most ${LIMITS.maxSeconds} seconds` }).optional(),
      when: whenSchema.optional(),
      title: z
        .string({ error: expected(`a string of at most ${LIMITS.narrationTitleLength} characters`) })
        .max(LIMITS.narrationTitleLength, { error: expected(`a title of at most ${LIMITS.narrationTitleLength} characters`) })
        .optional(),
      text: z
        .string({ error: expected(`plain text of 1 to ${LIMITS.narrationTextLength} characters`) })
        .min(1, { error: expected('a non-empty text') })
        .max(LIMITS.narrationTextLength, { error: expected(`a text of at most ${LIMITS.narrationTextLength} characters`) })
        .refine((t) => !CONTROL.test(t), { error: expected('plain text without control characters (newlines and tabs are fine)') }),
      pause: z.boolean({ error: expected('true or false') }).default(false),
      select: name('the name of one peer').optional(),
      highlight: z
        .array(pieceIndex, { error: expected('an array of piece indices') })
        .max(LIMITS.maxHighlight, { error: expected(`at most ${LIMITS.maxHighlight} pieces`) })
        .optional(),
      colouring: z.enum(COLOURINGS, { error: expected(`one of ${quoted(COLOURINGS)}`) }).optional(),
    },
    { error: expected('a step such as {"at": 30, "text": "…"}') },
  )
  .superRefine(checkStep, { when: () => true });

export const narrationSchema = z
  .array(stepSchema, { error: expected('an array of steps') })
  .max(LIMITS.maxNarrationSteps, { error: expected(`at most ${LIMITS.maxNarrationSteps} steps`) });

export type ScenarioStep = z.infer<typeof stepSchema>;
export type ScenarioWhen = z.infer<typeof whenSchema>;

const MAX_SUGGESTIONS = 20;

interface Sink {
  addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[] }): void;
}
type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function checkStep(value: unknown, ctx: Sink): void {
  if (!isRecord(value)) return;
  const has = (k: string) => value[k] !== undefined;
  if (has('at') === has('when')) {
    const got = has('at') ? 'both' : 'neither';
    ctx.addIssue({ code: 'custom', path: [], message: `expected exactly one trigger, "at" (a time) or "when" (an event), got ${got}` });
  }
}

function checkWhen(value: unknown, ctx: Sink): void {
  if (!isRecord(value) || typeof value.event !== 'string' || !(value.event in EVENT_KEYS)) return;
  const event = value.event as NarrationEventName;
  const allowed = EVENT_KEYS[event];
  for (const key of ['peer', 'to', 'piece', 'copies', 'count'] as const) {
    if (value[key] !== undefined && !allowed.includes(key)) {
      const keys = allowed.length === 0 ? 'no other key' : quoted(allowed);
      ctx.addIssue({ code: 'custom', path: [key], message: `"${event}" does not use "${key}" (it takes ${keys})` });
    }
  }
  if (event === 'replication' && value.copies === undefined) {
    ctx.addIssue({ code: 'custom', path: ['copies'], message: 'missing, expected the number of copies for "replication", such as 3' });
  }
}

/**
 * Rules that need the whole scenario: names that mean peers, pieces inside the torrent, copies the
 * swarm can reach. `entries` are the peer entries (all valid); `pieces` is null when the torrent is invalid.
 */
export function checkNarration(steps: unknown[], table: NameTable, entries: readonly NamedEntry[], pieces: number | null, ctx: Sink): void {
  const peerCount = entries.reduce((sum, e) => sum + (e.count ?? 1), 0);
  // Each suggestion costs an edit distance per entry: a hostile file must not make that quadratic.
  let suggestions = 0;
  const checkName = (path: PropertyKey[], value: unknown, single: boolean) => {
    if (typeof value !== 'string' || value === '') return;
    const target = table.targets.get(value);
    if (target === undefined) {
      const guess = suggestions++ < MAX_SUGGESTIONS ? closest(value, entries.map((e) => e.name)) : undefined;
      ctx.addIssue({ code: 'custom', path, message: `unknown peer ${JSON.stringify(value)}${guess ? `; did you mean ${JSON.stringify(guess)}?` : ''}` });
      return;
    }
    const entry = entries[target.entry];
    if (single && entry?.count !== undefined && value === entry.name) {
      ctx.addIssue({ code: 'custom', path, message: `expected one peer, got the group ${JSON.stringify(value)}; name one member, such as "${value}-1"` });
    }
  };
  const checkPiece = (path: PropertyKey[], value: unknown) => {
    if (pieces !== null && typeof value === 'number' && Number.isInteger(value) && value >= pieces) {
      ctx.addIssue({ code: 'custom', path, message: `expected a piece index from 0 to ${pieces - 1} (the torrent has ${pieces} pieces), got ${value}` });
    }
  };
  steps.forEach((step, i) => {
    if (!isRecord(step)) return;
    checkName(['narration', i, 'select'], step.select, true);
    if (Array.isArray(step.highlight)) step.highlight.forEach((p, j) => checkPiece(['narration', i, 'highlight', j], p));
    const when = step.when;
    if (!isRecord(when)) return;
    checkName(['narration', i, 'when', 'peer'], when.peer, false);
    checkName(['narration', i, 'when', 'to'], when.to, false);
    checkPiece(['narration', i, 'when', 'piece'], when.piece);
    if (typeof when.copies === 'number' && when.copies > peerCount) {
      ctx.addIssue({
        code: 'custom',
        path: ['narration', i, 'when', 'copies'],
        message: `expected at most ${peerCount} copies (the swarm has ${peerCount} peers), got ${when.copies}`,
      });
    }
  });
}

/** A trigger with names turned into peer indices and seconds into µs (src/analysis/narration.ts's NarrationTrigger). */
export type ResolvedTrigger =
  | { at: number }
  | { event: NarrationEventName; peers: number[] | null; to: number[] | null; piece: number | null; copies: number | null; count: number };

export interface ResolvedStep {
  trigger: ResolvedTrigger;
  title: string | null;
  /** Plain text: show it as text, never as HTML. */
  text: string;
  pause: boolean;
  /** Index into the expanded peers. */
  select: number | null;
  highlight: number[];
  colouring: (typeof COLOURINGS)[number] | null;
}

/** The scenario's narration, resolved; [] when it has none. Call it on a scenario that parsed. */
export function resolveNarration(s: { peers: readonly NamedEntry[]; narration?: readonly ScenarioStep[] | undefined }): ResolvedStep[] {
  if (s.narration === undefined || s.narration.length === 0) return [];
  return resolveSteps(s.narration, buildNameTable(s.peers));
}

function resolveSteps(steps: readonly ScenarioStep[], table: NameTable): ResolvedStep[] {
  const peersOf = (name: string | undefined): number[] | null => {
    if (name === undefined) return null;
    const target = table.targets.get(name);
    if (!target) throw new Error(`unknown peer "${name}" (the schema should have rejected it)`);
    return target.peers;
  };
  return steps.map((s) => ({
    trigger:
      s.when === undefined
        ? { at: Math.round((s.at ?? 0) * 1e6) }
        : {
            event: s.when.event,
            peers: peersOf(s.when.peer),
            to: peersOf(s.when.to),
            piece: s.when.piece ?? null,
            copies: s.when.copies ?? null,
            count: s.when.count ?? 1,
          },
    title: s.title ?? null,
    text: s.text,
    pause: s.pause,
    select: s.select === undefined ? null : peersOf(s.select)![0]!,
    highlight: s.highlight ?? [],
    colouring: s.colouring ?? null,
  }));
}
