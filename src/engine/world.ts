// The world the event handlers share: the immutable config and geometry, the mutable state and the
// trace, plus how events are scheduled (schedule: in one order, or in a run split by peers, per side)
// and the one way a control message goes out (traced now, delivered one latency later).
import { createQueue, forEachQueued, grown, pushKeyed } from './heap';
import { shuffle, stream } from './prng';
import { resolveProfile } from './profiles';
import { addHolder, BLOCK_RECEIVED, countPeer, HAVE, PEER_LEFT, PEER_WAITING, SUPER, type Peer, type Rows, type SimState, type Split } from './state';
import { F_FAST, flag, H_LATENCY, H_MIRROR, H_PEER, H_REMOTE, HI } from './ends';
import { geometry, type Geometry } from './torrent';
import { append, LEAVE_REASON, T, type Trace } from './trace';
import type { SimConfig } from './types';
import { sendLazyBitfield } from './advertise';
import { newSuperSeed, offerPiece } from './superseed';
import { joinTimes, seedingTime } from './dynamics';

/** Scheduled event kinds. */
export const E = {
  JOIN: 1,
  LEAVE: 2,
  ANNOUNCE: 3,
  RECHOKE: 4,
  /**
   * a = acceptor, b = initiator, c = the extensions the initiator's handshake offered (HS_FAST,
   * HS_EXTENDED); in a split run d = the initiator's end, made when it dialled (connections.ts)
   */
  HANDSHAKE: 5,
  /**
   * a = the initiator's half, b = the initiator; in a split run c = the acceptor's end (−1: refused)
   * and d = the flags both offered (F_FAST, F_PEX)
   */
  REPLY: 6,
  /** a = receiving half, b = trace kind, c = argument, d = the receiver */
  MSG: 7,
  /**
   * a = sender, b = piece, c = trace index of the HAVE record, d = latency of the connections it is for
   * (in a split run, latency × 2 + the side of the recipients it is for)
   */
  HAVE: 8,
  /** a = sender, b = sender's half, c = block */
  SEND_DONE: 9,
  /** a = receiver's half, b = sender's half, c = block, d = receiver × 2 + 1 if the block is corrupt */
  ARRIVE: 10,
  /** a = an idle uploader whose earliest queued request arrives now */
  WAKE: 11,
  /** A window boundary of a split run: what each side holds for the other is handed over (swarm.ts handOver). */
  BARRIER: 12,
  /** a = a peer of a split run: the tracker's answer to its announce one window ago (connections.ts announce) */
  ANSWER: 13,
  /** A split run's close: a = the end the remote closed its mirror of, d = that end's peer (connections.ts onClose). */
  CLOSE: 14,
  /** a = a peer with BEP 11 peer exchange on: its minute timer (pex.ts) */
  PEX: 20,
  /** a = peer, b = index of the scripted `set` event in SimConfig.events (dynamics.ts) */
  SET: 30,
} as const;

export interface World {
  cfg: SimConfig;
  /** Index of the subject peer, or -1. */
  subject: number;
  g: Geometry;
  st: SimState;
  tr: Trace;
}

/** A capacity under a client rate limit (0 or unset = no limit). */
export function limited(capacity: number, limit: number | undefined): number {
  return limit === undefined || limit === 0 ? capacity : Math.min(capacity, limit);
}

/** An unlimited download under a client rate limit. */
export function nullIfUnlimited(limit: number | undefined): number | null {
  return limit === undefined || limit === 0 ? null : limit;
}

function createPeer(cfg: SimConfig, g: Geometry, st: SimState, id: number, anyCorrupt: boolean): Peer {
  const spec = cfg.peers[id]!;
  const n = g.pieces;
  const pickRng = stream(cfg.seed, `peer/${spec.name}/picker`);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  shuffle(pickRng, perm);
  const rank = new Int32Array(n);
  for (let i = 0; i < n; i++) rank[perm[i]!] = i;
  // BEP 16 is a way of seeding initially: only a peer that starts as a seed super-seeds.
  const superSeeds = spec.seed && spec.settings.superSeeding === true;
  // A leecher may start any piece; a seed holds them all (a super-seed is no holder: see SimState.holders).
  if (!spec.seed) for (let p = 0; p < n; p++) st.candidates[id * st.words + (p >>> 5)]! |= 1 << (p & 31);
  else if (!superSeeds) for (let p = 0; p < n; p++) addHolder(st, id, p);
  // The fields each block reads or writes come first: V8 lays out an object literal's fields in the
  // order written (and clone.ts's spread keeps it), so they share four or five 64-byte lines of the
  // object's nine.
  return {
    id,
    status: PEER_WAITING,
    sending: false,
    upload: limited(spec.upload, spec.settings.uploadRateLimit),
    download: spec.download === null ? nullIfUnlimited(spec.settings.downloadRateLimit) : limited(spec.download, spec.settings.downloadRateLimit),
    downloadFreeAt: 0,
    // -Infinity (none), a double as every wake time later is: a small integer here would give every
    // peer object a new hidden class at its first wake, and the handlers compiled for the old one
    // would be thrown away (test/engine/v8/shapes.test.ts).
    wakeAt: -Infinity,
    serving: new Int32Array(8),
    servingHead: 0,
    servingLen: 0,
    profile: resolveProfile(spec.client, spec.settings),
    earlyHave: new Map(),
    corrupt: spec.corrupt ?? 0,
    // Its own stream, made only for a peer that may send corrupt data: the others' draws stay as they were.
    corruptRng: (spec.corrupt ?? 0) > 0 ? stream(cfg.seed, `peer/${spec.name}/corrupt`) : null,
    pieces: st.pieceState.subarray(id * n, (id + 1) * n).fill(spec.seed ? (superSeeds ? HAVE | SUPER : HAVE) : 0),
    blocks: new Uint8Array(g.blockIds).fill(spec.seed ? BLOCK_RECEIVED : 0),
    pieceCounts: new Uint16Array(2 * n),
    open: [],
    partial: [],
    unrequested: spec.seed ? 0 : g.totalBlocks,
    duplicated: false,
    haveCount: spec.seed ? n : 0,
    uploadedBytes: 0,
    downloadedBytes: 0,
    shareRatioLimit: spec.settings.shareRatioLimit ?? null,
    ratioReached: false,
    blockSrc: anyCorrupt ? new Int32Array(g.blockIds).fill(-1) : null,
    seed: spec.seed,
    investigator: spec.investigator,
    latency: spec.latency,
    leaveAfterComplete: spec.leaveAfterComplete,
    seedTimeLimit: spec.settings.seedTimeLimit ?? null,
    verifiedAt: new Float64Array(n).fill(-1),
    rank,
    conns: [],
    connMirror: [],
    connRemote: [],
    connLatency: [],
    connOpenIndex: [],
    outgoing: 0,
    pendingOut: 0,
    unchokedInterested: 0,
    waiting: 0,
    joinedAt: null,
    leftAt: null,
    completedAt: null,
    rechokes: 0,
    optimistic: -1,
    // Set at join; a double until then too (wakeAt, above).
    lastOptimisticAt: -Infinity,
    pickRng,
    chokeRng: stream(cfg.seed, `peer/${spec.name}/choker`),
    trackerRng: stream(cfg.seed, `tracker/${spec.name}`),
    connectable: spec.connectable ?? true,
    nextSuggest: 0,
    tainted: anyCorrupt ? new Uint8Array(n) : null,
    strikes: new Map(),
    pexKnown: [],
    pexKnownBits: null,
    // Streams made only for peers with the setting, so that nobody else's draws move.
    lazyRng: null,
    superSeed: superSeeds ? newSuperSeed(stream(cfg.seed, `peer/${spec.name}/superseed`), n) : null,
    settings: { ...spec.settings },
    seedingRng: null,
  };
}

/**
 * What one side of a split run does to the other's state, handed over at a window boundary (split.out)
 * beside the events: not events, never queued. Each carries its peer where an event would (eventOwner).
 */
export const OP = {
  /** A request reaches the uploader's end at `time`: a = that end, b = block, d = the uploader (requests.ts queueRequest). */
  REQUEST: 100,
  /** A cancel reaches the uploader's end at `time`: a = that end, b = block, d = the uploader (requests.ts cancelQueued). */
  CANCEL: 101,
  /**
   * A block has left its sender, for the receiver's download link (upload.ts bookArrival): fields as
   * E.ARRIVE, e = when its first byte left; `time` = its earliest arrival.
   */
  LINK: 102,
  /** A block the sender sent arrived or was lost at `time`: a = the sender, b = bytes (upload.ts countUploaded). */
  UPLOADED: 103,
  /** The other side's copy of the tracker's list: a = the peer, b = 1 joined / 0 left, d = that side (connections.ts). */
  TRACKER: 104,
} as const;

/** Numbers a record of split.out takes: time, kind, a, b, c, d, e. */
export const OUT_RECORD = 7;

/**
 * The peer an event (or an OP) belongs to: the one whose state its handler works on. Events addressed
 * to a connection end carry that end's peer (E), so that finding it reads no end. A have broadcast
 * belongs to its sender (in a split run, each side's recipients get their own: E.HAVE).
 */
export function eventOwner(kind: number, a: number, b: number, d: number): number {
  return kind === E.MSG || kind === E.CLOSE || kind === OP.REQUEST || kind === OP.CANCEL || kind === OP.TRACKER ? d : kind === E.ARRIVE || kind === OP.LINK ? d >> 1 : kind === E.REPLY ? b : a;
}

/** The side of a split run an event or OP is handled on. */
export function sideOf(kind: number, a: number, b: number, d: number): number {
  return (kind === E.HAVE ? d : eventOwner(kind, a, b, d)) & 1;
}

/** The next window boundary of a split run after now. */
function boundary(st: SimState, sp: Split): number {
  return (Math.floor(st.now / sp.window) + 1) * sp.window;
}

/**
 * The rows of the payload an event held for the other side carries (its c names the row), or null for
 * one that carries none: split.lists for a have broadcast's recipients and a PEX message's peers,
 * split.fields for a bitfield's pieces.
 */
export function carriedRows(sp: Split, kind: number, trace: number): Rows<Uint32Array> | Rows<Int32Array> | null {
  if (kind === E.HAVE) return sp.lists;
  if (kind !== E.MSG) return null;
  return trace === T.BITFIELD ? sp.fields : trace === T.PEX ? sp.lists : null;
}

/** Keep a record in split.out until the next boundary (the first one held there schedules it). */
function hold(st: SimState, sp: Split, time: number, kind: number, a: number, b: number, c: number, d: number, e: number): void {
  if (sp.outLen === 0) pushKeyed(st.queue, boundary(st, sp), 0, -1, E.BARRIER, 0, 0, 0, 0);
  if (sp.outLen + OUT_RECORD > sp.out.length) sp.out = grown(sp.out, sp.out.length * 2);
  if (carriedRows(sp, kind, b) !== null) sp.carried.push(sp.outLen);
  const o = sp.out;
  let n = sp.outLen;
  o[n++] = time;
  o[n++] = kind;
  o[n++] = a;
  o[n++] = b;
  o[n++] = c;
  o[n++] = d;
  o[n++] = e;
  sp.outLen = n;
}

/** Queue an event of a split run on `side`, after the events that side has scheduled so far. */
function keyed(st: SimState, sp: Split, side: number, time: number, kind: number, a: number, b: number, c: number, d: number): void {
  pushKeyed(st.queue, time, side, sp.seq[side]!++, kind, a, b, c, d);
}

/**
 * Schedule an event. In a split run it is keyed by the side that will handle it, and one for the
 * other side due no earlier than the next window boundary waits in split.out until then (swarm.ts
 * handOver); one due sooner (over a connection of latency 0, or without any) is keyed at once.
 */
export function schedule(w: World, time: number, kind: number, a: number, b: number, c: number, d: number): void {
  const st = w.st;
  const sp = st.split;
  if (sp === null) {
    // heap.ts push, without its extra call on the hottest path.
    pushKeyed(st.queue, time, 0, st.queue.nextSeq++, kind, a, b, c, d);
    return;
  }
  const side = sideOf(kind, a, b, d);
  if (side !== sp.side && sp.window > 0 && time >= boundary(st, sp)) return hold(st, sp, time, kind, a, b, c, d, 0);
  keyed(st, sp, side, time, kind, a, b, c, d);
}

/**
 * An OP on the other side's state, in a split run with windows: held for the next boundary (true).
 * Otherwise false, and the caller does it now.
 */
export function post(w: World, time: number, kind: number, a: number, b: number, c: number, d: number, e: number): boolean {
  const st = w.st;
  const sp = st.split;
  if (sp === null || sp.window === 0 || sideOf(kind, a, b, d) === sp.side) return false;
  hold(st, sp, time, kind, a, b, c, d, e);
  return true;
}

/** Key an event handed over at a window boundary on its side (swarm.ts handOver). */
export function keyHandedOver(st: SimState, time: number, kind: number, a: number, b: number, c: number, d: number): void {
  keyed(st, st.split!, sideOf(kind, a, b, d), time, kind, a, b, c, d);
}

/**
 * Call `f` with every scheduled event, in no particular order: those queued, and in a split run those
 * waiting for a window boundary, a block waiting for the receiver's link (OP.LINK) as its E.ARRIVE at
 * its earliest arrival.
 */
export function forEachScheduled(st: SimState, f: (time: number, kind: number, a: number, b: number, c: number, d: number) => void): void {
  forEachQueued(st.queue, f);
  const sp = st.split;
  if (sp === null) return;
  const o = sp.out;
  for (let i = 0; i < sp.outLen; i += OUT_RECORD) {
    const kind = o[i + 1]!;
    if (kind === OP.LINK) f(o[i]!, E.ARRIVE, o[i + 2]!, o[i + 3]!, o[i + 4]!, o[i + 5]!);
    else if (kind < OP.REQUEST) f(o[i]!, kind, o[i + 2]!, o[i + 3]!, o[i + 4]!, o[i + 5]!);
  }
}

/**
 * A split run's bitfield carries what it shows (the receiver cannot read the sender's pieces, the other
 * side's state): the pieces `peer` holds now, less `hidden`, in a row of split.fields. Returns the row.
 */
export function bitfieldRow(st: SimState, peer: Peer, hidden: readonly number[]): number {
  const rows = st.split!.fields;
  const row = takeRow(rows);
  const f = rows.data;
  const base = row * rows.size;
  f.fill(0, base, base + rows.size);
  for (let p = 0; p < peer.pieces.length; p++) if ((peer.pieces[p]! & HAVE) !== 0) f[base + (p >>> 5)]! |= 1 << (p & 31);
  for (const p of hidden) f[base + (p >>> 5)]! &= ~(1 << (p & 31));
  return row;
}

/** A row to fill (one given back, else a new one, the array grown if need be): its index. */
export function takeRow<A extends Uint32Array | Int32Array>(rows: Rows<A>): number {
  const row = rows.free.pop();
  if (row !== undefined) return row;
  const made = rows.made++;
  if ((made + 1) * rows.size > rows.data.length) rows.data = grown(rows.data, Math.max(2 * rows.data.length, (made + 1) * rows.size));
  return made;
}

/** Does the bitfield in `row` show `piece`? */
export function rowShows(st: SimState, row: number, piece: number): boolean {
  return (st.split!.fields.data[row * st.words + (piece >>> 5)]! & (1 << (piece & 31))) !== 0;
}

/** A row read (or dropped with its closed connection): free for the next takeRow. */
export function freeRow(rows: Pick<Rows<Uint32Array | Int32Array>, 'free'>, row: number): void {
  rows.free.push(row);
}

/** In a split run, the bytes each peer's blocks delivered that its side has not counted yet (OP.UPLOADED), or null. */
export function pendingUploads(st: SimState): Float64Array | null {
  const sp = st.split;
  if (sp === null) return null;
  const bytes = new Float64Array(st.peers.length);
  for (let i = 0; i < sp.outLen; i += OUT_RECORD) if (sp.out[i + 1] === OP.UPLOADED) bytes[sp.out[i + 2]!]! += sp.out[i + 3]!;
  return bytes;
}

/**
 * A split run's window: the least latency of a connection between an even and an odd peer (µs). 0
 * when there is none to wait for: a side without peers, or a peer of each side with latency 0.
 */
export function splitWindow(cfg: SimConfig): number {
  const least = [Infinity, Infinity];
  cfg.peers.forEach((p, i) => (least[i & 1] = Math.min(least[i & 1]!, p.latency)));
  const sum = least[0]! + least[1]!;
  return sum === Infinity ? 0 : sum;
}

function newSplit(cfg: SimConfig, words: number): Split {
  const window = splitWindow(cfg);
  return {
    window,
    side: 0,
    seq: new Float64Array(2),
    ends: new Float64Array(2),
    oneSide: false,
    // Every peer yet to join, on its side.
    counts: Float64Array.of(Math.ceil(cfg.peers.length / 2), Math.floor(cfg.peers.length / 2), 0, 0, 0, 0),
    checkAt: window > 0 ? window : Infinity,
    out: new Float64Array(1024),
    outLen: 0,
    carried: [],
    tracker: [[], []],
    listed: new Uint8Array(2 * cfg.peers.length),
    fields: { data: new Uint32Array(0), size: words, made: 0, free: [] },
    // A row holds any peer's connections (one a remote at most): their count, then each one's end and peer.
    lists: { data: new Int32Array(0), size: 2 * cfg.peers.length + 1, made: 0, free: [] },
  };
}

export function createWorld(cfg: SimConfig, tr: Trace, split = false): World {
  const g = geometry(cfg.torrent);
  // 32-bit words of a bit row over the pieces, and over the peers.
  const words = (g.pieces + 31) >>> 5;
  const peerWords = (cfg.peers.length + 31) >>> 5;
  const st: SimState = {
    now: 0,
    eventCount: 0,
    done: false,
    endReason: null,
    queue: createQueue(),
    peers: [],
    hi: new Int32Array(0),
    hf: new Float64Array(0),
    hq: new Float64Array(0),
    hqTop: 0,
    hqFree: new Map(),
    halves: [],
    pairs: new Map(),
    pieceState: new Uint16Array(cfg.peers.length * g.pieces),
    bits: new Uint32Array(0),
    candidates: new Uint32Array(cfg.peers.length * words),
    holders: new Uint32Array(g.pieces * peerWords),
    peerWords,
    words,
    tracker: [],
    present: 0,
    presentComplete: 0,
    pendingJoins: cfg.peers.length,
    lostBytes: 0,
    lastArrivalAt: 0,
    nextStallCheck: 0,
    msgCount: new Float64Array(64),
    split: split ? newSplit(cfg, words) : null,
    banned: new Map(),
  };
  const anyCorrupt = cfg.peers.some((p) => (p.corrupt ?? 0) > 0);
  for (let i = 0; i < cfg.peers.length; i++) st.peers.push(createPeer(cfg, g, st, i, anyCorrupt));
  const w: World = { cfg, g, st, tr, subject: cfg.peers.findIndex((p) => p.subject) };
  // A peer's own scripted events, on its own side in a split run.
  const start = (time: number, kind: number, peer: number, b: number): void => {
    if (st.split !== null) st.split.side = peer & 1;
    schedule(w, time, kind, peer, b, 0, 0);
  };
  const joins = joinTimes(cfg);
  joins.forEach((t, i) => {
    if (t !== null) return start(t, E.JOIN, i, 0);
    // An arrival that would come after its process's `until`: the peer never joins.
    st.peers[i]!.status = PEER_LEFT;
    countPeer(st, i, -1, 0, 0);
  });
  cfg.peers.forEach((p, i) => {
    if (p.leaveAt !== null && joins[i] !== null) start(p.leaveAt, E.LEAVE, i, LEAVE_REASON.SCHEDULED);
  });
  cfg.events.forEach((ev, index) => {
    if (ev.action === 'join') start(ev.at, E.JOIN, ev.peer, 0);
    else if (ev.action === 'set') start(ev.at, E.SET, ev.peer, index);
    else start(ev.at, E.LEAVE, ev.peer, LEAVE_REASON.SCRIPTED);
  });
  return w;
}

/** Send a message on end `h` (the sender's): trace it now, deliver it one latency later. */
export function send(w: World, h: number, kind: number, arg: number): void {
  const st = w.st;
  const b = h * HI;
  append(w.tr, st.now, kind, st.hi[b + H_PEER]!, st.hi[b + H_REMOTE]!, arg, 0);
  st.msgCount[kind]!++;
  schedule(w, st.now + st.hi[b + H_LATENCY]!, E.MSG, st.hi[b + H_MIRROR]!, kind, arg, st.hi[b + H_REMOTE]!);
}

export function sendBitfield(w: World, h: number): void {
  const st = w.st;
  const b = h * HI;
  const p = st.peers[st.hi[b + H_PEER]!]!;
  const fast = flag(st, h, F_FAST);
  // BEP 16: a super-seed shows nothing (have none on a BEP 6 connection) and offers one piece instead.
  if (p.superSeed !== null) {
    if (fast) send(w, h, T.HAVE_NONE, 0);
    offerPiece(w, p, h);
    return;
  }
  // BEP 6: on a fast connection the first message is never omitted; have all / have none stand in for
  // a full or empty bitfield.
  if (fast) {
    if (p.haveCount === w.g.pieces) return send(w, h, T.HAVE_ALL, 0);
    if (p.haveCount === 0) return send(w, h, T.HAVE_NONE, 0);
  }
  // BEP 3: the bitfield may be omitted when the peer has no piece.
  if (p.haveCount === 0) return;
  if (p.profile.lazyBitfield) return sendLazyBitfield(w, h, p);
  // What it shows: unsplit, the receiver reads it from the pieces verified before this record.
  const shows = st.split === null ? w.tr.length : bitfieldRow(st, p, []);
  append(w.tr, st.now, T.BITFIELD, p.id, st.hi[b + H_REMOTE]!, p.haveCount, 0);
  st.msgCount[T.BITFIELD]!++;
  schedule(w, st.now + st.hi[b + H_LATENCY]!, E.MSG, st.hi[b + H_MIRROR]!, T.BITFIELD, shows, st.hi[b + H_REMOTE]!);
}

/**
 * The peer now holds every piece (a seed from its join, a leecher when it completes): the limits on its
 * seeding start to run: leaveAfterComplete, seedTimeLimit and shareRatioLimit.
 */
export function startSeeding(w: World, peer: Peer): void {
  const st = w.st;
  const stay = seedingTime(w, peer);
  if (stay !== null) schedule(w, st.now + stay, E.LEAVE, peer.id, LEAVE_REASON.AFTER_COMPLETE, 0, 0);
  if (peer.seedTimeLimit !== null) schedule(w, st.now + peer.seedTimeLimit, E.LEAVE, peer.id, LEAVE_REASON.SEED_TIME, 0, 0);
  checkShareRatio(w, peer);
}

/** A complete peer leaves as soon as uploaded ÷ downloaded reaches its share ratio limit (a seed that downloaded nothing never does). */
export function checkShareRatio(w: World, peer: Peer): void {
  if (peer.shareRatioLimit === null || peer.ratioReached || peer.completedAt === null || peer.downloadedBytes === 0) return;
  if (peer.uploadedBytes < peer.shareRatioLimit * peer.downloadedBytes) return;
  peer.ratioReached = true;
  schedule(w, w.st.now, E.LEAVE, peer.id, LEAVE_REASON.SHARE_RATIO, 0, 0);
}
