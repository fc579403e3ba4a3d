// Rules that compare fields or entries: exactly one torrent size, leaveAt after joinAt, one subject,
// unique names, events that name real peers. They run even when some fields failed their own checks
// (zod's `when`), so one pass reports every problem it can; each rule therefore looks only at values
// that are themselves valid and says nothing about the rest.
import { BLOCK_SIZE, LIMITS } from './limits';
import { describeValue } from './messages';
import { buildNameTable, type NamedEntry, type NameTable } from './names';
import { checkNarration } from './narration';
import { closest } from './suggest';

/** What the rules need of zod's refinement context. */
export interface IssueSink {
  addIssue(issue: { code: 'custom'; message: string; path: PropertyKey[]; input?: unknown }): void;
}

type Json = Record<string, unknown>;

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): v is number =>
  typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
const isSeconds = (v: unknown): v is number =>
  typeof v === 'number' && Number.isFinite(v) && v >= 0 && v <= LIMITS.maxSeconds;
const isPieceLength = (v: unknown): v is number =>
  isInt(v, BLOCK_SIZE, LIMITS.maxPieceLength) && v % BLOCK_SIZE === 0;
const isPeerName = (v: unknown): v is string =>
  typeof v === 'string' && v.length >= 1 && v.length <= LIMITS.peerNameLength;
const isCount = (v: unknown): v is number | undefined => v === undefined || isInt(v, 1, LIMITS.maxCount);
const toMicros = (s: number): number => Math.round(s * 1e6);

function add(ctx: IssueSink, path: PropertyKey[], message: string): void {
  ctx.addIssue({ code: 'custom', message, path });
}

const SIZE_KEYS = ['pieces', 'size', 'files'] as const;

export function checkTorrent(value: unknown, ctx: IssueSink): void {
  if (!isRecord(value)) return;
  const given = SIZE_KEYS.filter((k) => value[k] !== undefined);
  if (given.length === 0) {
    add(ctx, [], 'expected exactly one of "pieces", "size" or "files", got none of them');
    return;
  }
  if (given.length > 1) {
    const [first, second] = given;
    add(ctx, [second!], `expected exactly one of "pieces", "size" or "files", got both "${first}" and "${second}"`);
    return;
  }
  const pieceLength = value.pieceLength;
  if (given[0] === 'size' && isInt(value.size, 1) && isPieceLength(pieceLength)) {
    const pieces = Math.ceil(value.size / pieceLength);
    if (pieces > LIMITS.maxPieces) {
      add(ctx, ['size'], tooManyPieces(pieces, `${value.size} bytes`, pieceLength));
    }
  }
  if (given[0] === 'files' && Array.isArray(value.files)) {
    const files = value.files;
    const lengths = files.map((f) => (isRecord(f) && isInt(f.length, 0) ? f.length : null));
    if (files.length === 0 || lengths.some((l) => l === null)) return;
    const size = (lengths as number[]).reduce((a, b) => a + b, 0);
    if (size === 0) {
      add(ctx, ['files'], 'expected files that hold at least 1 byte in all, got 0 bytes');
    } else if (isPieceLength(pieceLength)) {
      const pieces = Math.ceil(size / pieceLength);
      if (pieces > LIMITS.maxPieces) add(ctx, ['files'], tooManyPieces(pieces, `${size} bytes in all`, pieceLength));
    }
  }
}

/** The torrent's piece count when its fields are valid, else null. */
function piecesOf(torrent: unknown): number | null {
  if (!isRecord(torrent) || !isPieceLength(torrent.pieceLength)) return null;
  const { pieceLength, pieces, size, files } = torrent;
  if (isInt(pieces, 1, LIMITS.maxPieces)) return pieces;
  if (isInt(size, 1)) return Math.ceil(size / pieceLength);
  if (!Array.isArray(files) || !files.every((f) => isRecord(f) && isInt(f.length, 0))) return null;
  const total = files.reduce((sum: number, f: Json) => sum + (f.length as number), 0);
  return total > 0 ? Math.ceil(total / pieceLength) : null;
}

function tooManyPieces(pieces: number, size: string, pieceLength: number): string {
  return (
    `expected at most ${LIMITS.maxPieces} pieces, got ${pieces} (${size} in pieces of ${pieceLength} bytes); ` +
    'use a larger pieceLength or a smaller torrent'
  );
}

export function checkPeer(value: unknown, ctx: IssueSink): void {
  if (!isRecord(value)) return;
  if (value.investigator === true && (value.seed === true || value.subject === true)) {
    add(ctx, ['investigator'], `expected an investigator that is neither a seed nor the subject, got one with ${value.seed === true ? '"seed": true' : '"subject": true'}`);
  }
  if (value.subject === true && isInt(value.count, 2, LIMITS.maxCount)) {
    add(ctx, ['count'], `expected no count (the subject is a single peer), got ${value.count}`);
  }
  // BEP 16 super-seeding is a way of seeding a torrent initially: it needs a peer that starts as a seed.
  if (isRecord(value.settings) && value.settings.superSeeding === true && value.seed !== true) {
    add(ctx, ['settings', 'superSeeding'], 'expected superSeeding only on a peer with "seed": true (BEP 16 is for initial seeding), got it on a leecher');
  }
  if (value.seedingTime !== undefined && value.leaveAfterComplete !== undefined) {
    add(ctx, ['seedingTime'], 'expected either leaveAfterComplete (a fixed time) or seedingTime (a distribution), got both');
  }
  const joinAt = value.joinAt === undefined ? 0 : value.joinAt;
  if (isSeconds(value.leaveAt) && isSeconds(joinAt) && toMicros(value.leaveAt) <= toMicros(joinAt)) {
    add(ctx, ['leaveAt'], `expected a time after joinAt (${joinAt} s), got ${value.leaveAt}`);
  }
}

/** A `set` event carries the settings it changes, and only it does; super-seeding cannot start mid-run. */
export function checkEvent(value: unknown, ctx: IssueSink): void {
  if (!isRecord(value)) return;
  if (value.action === 'set' && value.settings === undefined) {
    add(ctx, ['settings'], 'expected "settings" (the settings that change) with "action": "set", got none');
  }
  if ((value.action === 'leave' || value.action === 'join') && value.settings !== undefined) {
    add(ctx, ['settings'], `expected no "settings" with "action": ${JSON.stringify(value.action)}, got some`);
  }
  if (isRecord(value.settings) && value.settings.superSeeding !== undefined) {
    add(ctx, ['settings', 'superSeeding'], 'expected superSeeding only in a peer\'s own settings (BEP 16 starts with the seed), got it in a "set" event');
  }
}

export function checkScenario(value: unknown, ctx: IssueSink): void {
  if (!isRecord(value) || !Array.isArray(value.peers)) return;
  const peers: unknown[] = value.peers;

  // Entries whose name and count are valid; the others already have their own errors.
  const entries: { index: number; entry: NamedEntry }[] = [];
  peers.forEach((p, index) => {
    if (isRecord(p) && isPeerName(p.name) && isCount(p.count)) {
      entries.push({ index, entry: { name: p.name, count: p.count } });
    }
  });
  const total = entries.reduce((sum, { entry }) => sum + (entry.count ?? 1), 0);
  if (total > LIMITS.maxPeers) {
    add(ctx, ['peers'], `expected at most ${LIMITS.maxPeers} peers in all (after expanding "count"), got ${total}`);
    return;
  }

  let subject: number | undefined;
  peers.forEach((p, index) => {
    if (!isRecord(p) || p.subject !== true) return;
    if (subject === undefined) {
      subject = index;
      return;
    }
    const first = peers[subject] as Json;
    add(
      ctx,
      ['peers', index, 'subject'],
      `expected at most one subject in the swarm, but peers[${subject}] (${describeValue(first.name)}) is already the subject`,
    );
  });

  if (subject === undefined) {
    peers.forEach((p, index) => {
      if (isRecord(p) && p.investigator === true) {
        add(ctx, ['peers', index, 'investigator'], 'expected a peer with "subject": true in the swarm for the investigator to watch, found none');
      }
    });
  }

  const table = buildNameTable(entries.map((e) => e.entry));
  for (const clash of table.clashes) {
    const here = entries[clash.entry]!;
    const there = entries[clash.other]!;
    add(ctx, ['peers', here.index, 'name'], clashMessage(clash.name, here.entry, there.index, there.entry));
  }

  // Whether an event names a real peer can only be told when every entry's name is known.
  if (entries.length === peers.length && Array.isArray(value.events)) {
    checkEvents(value.events, table, entries.map((e) => e.entry), ctx);
  }
  if (entries.length === peers.length && Array.isArray(value.narration)) {
    checkNarration(value.narration, table, entries.map((e) => e.entry), piecesOf(value.torrent), ctx);
  }
}

function clashMessage(name: string, here: NamedEntry, otherIndex: number, other: NamedEntry): string {
  const made = here.count === undefined || name === here.name ? '' : ` (this entry's count makes "${name}")`;
  const owner =
    other.count === undefined
      ? `peers[${otherIndex}] is also named "${name}"`
      : `peers[${otherIndex}] ("${other.name}" with count ${other.count}) uses the names "${other.name}" and "${other.name}-1" … "${other.name}-${other.count}"`;
  return `expected a unique name, got "${name}"${made}: ${owner}`;
}

/** Suggestions cost an edit distance per name; stop suggesting after this many unknown peers. */
const MAX_SUGGESTIONS = 20;

function checkEvents(events: unknown[], table: NameTable, entries: NamedEntry[], ctx: IssueSink): void {
  let expanded = 0;
  let suggested = 0;
  events.forEach((event, index) => {
    if (!isRecord(event) || typeof event.peer !== 'string' || event.peer === '') return;
    const target = table.targets.get(event.peer);
    if (target) {
      expanded += target.peers.length;
      return;
    }
    let hint = '; expected the name of a peer or a group in "peers"';
    const member = /^(.*)-(\d+)$/.exec(event.peer);
    const group = member ? entries.find((e) => e.name === member[1] && e.count !== undefined) : undefined;
    if (group) {
      hint = `; group "${group.name}" has "${group.name}-1" … "${group.name}-${group.count}"`;
    } else if (suggested < MAX_SUGGESTIONS) {
      suggested++;
      const guess = closest(
        event.peer,
        entries.map((e) => e.name),
      );
      if (guess !== undefined) hint = `; did you mean "${guess}"?`;
    }
    add(ctx, ['events', index, 'peer'], `unknown peer "${event.peer}"${hint}`);
  });
  if (expanded > LIMITS.maxExpandedEvents) {
    add(
      ctx,
      ['events'],
      `expected at most ${LIMITS.maxExpandedEvents} events after expanding group events (one per member), got ${expanded}`,
    );
  }
}
