// What the charts show, read from the trace alone and incrementally, like the ledger (ledger.ts):
// `advanceSeries` reads only the records it has not seen, so the browser can call it every frame and
// pay for the new records only. Three things:
// - piece availability now: copies of each piece among the peers present (verified pieces; an
//   initial seed holds all), the number the rarest-first picker works from;
// - peers completed over time (initial seeds not counted, as in the CLI summary);
// - the subject's bytes made available vs sent over time, with the subject report's definitions
//   (report.ts): "made available" is the bytes of the distinct pieces it had announced to at least one
//   peer by a bitfield (every piece it had verified then; an initial seed all) or a have;
//   "sent" is the payload of the blocks it sent that arrived (the report's `uploaded.bytes`).
// The trace only grows while the run goes forward; a seek back truncates it, and the run being
// deterministic, whatever comes back on replay is the same: `syncSeries` rebuilds when the trace got
// shorter than what was read, and otherwise just reads on.
import { geometry as geometryOf, pieceSize, type Geometry } from '../engine/torrent';
import { BROADCAST, CHUNK_BITS, CHUNK, T, type Trace } from '../engine/trace';
import type { SimConfig } from '../engine/types';

/**
 * A step function of time: `values[k]` holds from `times[k]` (µs) until the next point, 0 before the
 * first. `indices[k]` is the trace record that set it. Records at the same time collapse into one point.
 */
export interface Steps {
  times: number[];
  values: number[];
  indices: number[];
}

export interface Series {
  readonly config: SimConfig;
  readonly g: Geometry;
  /** Index of the subject in config.peers, or -1. */
  readonly subject: number;
  /** Records read so far. */
  next: number;
  /** Time (µs) of the last record read, 0 before any. */
  lastTime: number;
  /** By piece: copies among the peers present now. */
  availability: Int32Array;
  /** Peers present now (joined, not left). */
  present: number;
  /** Peers that are not initial seeds: the most that can complete. */
  leechers: number;
  completed: Steps;
  /** The subject's "made available" bytes (distinct pieces announced), empty without a subject. */
  advertised: Steps;
  /** The subject's "sent" bytes (payload that arrived), empty without a subject. */
  sent: Steps;
  // --- working state ---
  /** peers × pieces: 1 once the peer verified the piece (initial seeds: all, from their join). */
  held: Uint8Array;
  /** By peer: 1 while present. */
  here: Uint8Array;
  /** By piece: 1 once the subject announced it to someone. */
  announced: Uint8Array;
  /** Pieces the subject verified, in order (what its bitfields announce). */
  subjectVerified: number[];
}

function steps(): Steps {
  return { times: [], values: [], indices: [] };
}

export function createSeries(config: SimConfig, g: Geometry = geometryOf(config.torrent)): Series {
  const n = config.peers.length;
  return {
    config,
    g,
    subject: config.peers.findIndex((p) => p.subject),
    next: 0,
    lastTime: 0,
    availability: new Int32Array(g.pieces),
    present: 0,
    leechers: config.peers.filter((p) => !p.seed).length,
    completed: steps(),
    advertised: steps(),
    sent: steps(),
    held: new Uint8Array(n * g.pieces),
    here: new Uint8Array(n),
    announced: new Uint8Array(g.pieces),
    subjectVerified: [],
  };
}

/** The current value of a step series (its last point), 0 when empty. */
export function lastValue(s: Steps): number {
  return s.values.length === 0 ? 0 : s.values[s.values.length - 1]!;
}

/** The value at time t (µs): that of the last point at or before t (binary search), 0 before any. */
export function valueAt(s: Steps, t: number): number {
  let lo = 0;
  let hi = s.times.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (s.times[mid]! <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : s.values[lo - 1]!;
}

function add(s: Steps, time: number, index: number, by: number): void {
  const k = s.values.length - 1;
  const value = lastValue(s) + by;
  if (k >= 0 && s.times[k] === time) s.values[k] = value;
  else {
    s.times.push(time);
    s.values.push(value);
    s.indices.push(index);
  }
}

function hold(s: Series, peer: number, piece: number): void {
  const at = peer * s.g.pieces + piece;
  if (s.held[at] === 1) return;
  s.held[at] = 1;
  if (s.here[peer] === 1) s.availability[piece]!++;
}

/** The subject announced `piece` (µs `time`, record `index`): count its bytes once. */
function announce(s: Series, piece: number, time: number, index: number): void {
  if (s.announced[piece] === 1) return;
  s.announced[piece] = 1;
  add(s.advertised, time, index, pieceSize(s.g, piece));
}

/** Read records [series.next, upToIndex) (default: the whole trace). Only moves forward; see syncSeries. */
export function advanceSeries(s: Series, trace: Trace, upToIndex: number = trace.length): void {
  const end = Math.min(upToIndex, trace.length);
  const subject = s.subject;
  const P = s.g.pieces;
  for (let i = s.next; i < end; i++) {
    const c = trace.chunks[i >>> CHUNK_BITS]!;
    const j = i & (CHUNK - 1);
    const time = c.time[j]!;
    const from = c.from[j]!;
    switch (c.kind[j]!) {
      case T.JOIN:
        s.here[from] = 1;
        s.present++;
        if (s.config.peers[from]!.seed) for (let p = 0; p < P; p++) hold(s, from, p);
        else for (let p = 0; p < P; p++) if (s.held[from * P + p] === 1) s.availability[p]!++;
        break;
      case T.LEAVE:
        // A peer leaves once and never comes back (the engine joins a peer once).
        if (s.here[from] === 1) {
          s.here[from] = 0;
          s.present--;
          for (let p = 0; p < P; p++) if (s.held[from * P + p] === 1) s.availability[p]!--;
        }
        break;
      case T.VERIFIED:
        hold(s, from, c.x[j]!);
        if (from === subject) s.subjectVerified.push(c.x[j]!);
        break;
      case T.COMPLETED:
        if (!s.config.peers[from]!.seed) add(s.completed, time, i, 1);
        break;
      case T.BITFIELD:
        if (from === subject) {
          if (s.config.peers[subject]!.seed) for (let p = 0; p < P; p++) announce(s, p, time, i);
          else for (const p of s.subjectVerified) announce(s, p, time, i);
        }
        break;
      case T.HAVE:
        // y = the peers it went to; a have that found no open connection announced nothing.
        if (from === subject && c.to[j] === BROADCAST && c.y[j]! > 0) announce(s, c.x[j]!, time, i);
        break;
      case T.RECEIVED:
        if (from === subject) add(s.sent, time, i, c.y[j]!);
        break;
    }
    s.lastTime = time;
  }
  if (end > s.next) s.next = end;
}

/**
 * Bring a series up to the trace as it is now: read on, or, when the trace is shorter than what was
 * read (the run went back), start again from the beginning. Returns the series to use from now on.
 */
export function syncSeries(s: Series, trace: Trace): Series {
  const fresh = s.next > trace.length ? createSeries(s.config, s.g) : s;
  advanceSeries(fresh, trace);
  return fresh;
}

/** Summary figures of availability: the rarest and most common piece counts, the mean, and the rarest pieces. */
export function availabilityStats(s: Series): { min: number; max: number; mean: number; rarest: number[] } {
  const a = s.availability;
  let min = Infinity;
  let max = 0;
  let sum = 0;
  for (let p = 0; p < a.length; p++) {
    const v = a[p]!;
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  const rarest: number[] = [];
  for (let p = 0; p < a.length; p++) if (a[p] === min) rarest.push(p);
  return { min: a.length === 0 ? 0 : min, max, mean: a.length === 0 ? 0 : sum / a.length, rarest };
}
