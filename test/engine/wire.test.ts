// The peer wire protocol (BEP 3) as the trace shows it: handshake, then bitfield, haves only for checked
// pieces, accurate interest, 16 KiB requests, choking, endgame cancels, the request pipeline. Checked
// over a mixed swarm (two seeds, one joining late; leechers of different speeds and latencies, late
// joiners, one leaver, a capped download, a short last piece) and, for the pipeline, over fast links.
// The mixed and churning swarms are each run plain and split by peers (SimOptions.split): every rule
// holds in both.
import { describe, expect, it } from 'vitest';
import { PROFILES } from '../../src/engine/profiles';
import type { Sim } from '../../src/engine/sim';
import { records, T, type TraceRecord } from '../../src/engine/trace';
import { wireSize, messageName, HANDSHAKE_BYTES } from '../../src/engine/wire';
import { MESSAGE_NAMES } from '../../src/engine/types';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { all, blockInfo, blocksOfPiece, churnSwarm, Facts, isDirectedMessage, KIND_NAME, latency, mixedSwarm, openAtEnd, Outstanding, pairKey, run } from './rules';

const mainline = PROFILES.mainline!;

/** A swarm's seed, and whether the run is split by peers. */
interface Case {
  seed: number;
  split: boolean;
}
const cases = (seeds: number[]): Case[] => seeds.flatMap((seed) => [false, true].map((split) => ({ seed, split })));

const SEEDS = cases([1, 2, 3]);
const runs = new Map<string, { sim: Sim; recs: TraceRecord[]; facts: Facts }>();
function mixed(c: Case) {
  const key = `${c.seed}/${c.split}`;
  let r = runs.get(key);
  if (!r) {
    const sim = run(mixedSwarm(c.seed), c.split);
    r = { sim, recs: all(sim), facts: new Facts(sim) };
    runs.set(key, r);
  }
  return r;
}

const CHURN = cases([1, 2]);
const churnRuns = new Map<string, { sim: Sim; recs: TraceRecord[] }>();
function churn(c: Case) {
  const key = `${c.seed}/${c.split}`;
  let r = churnRuns.get(key);
  if (!r) {
    const sim = run(churnSwarm(c.seed), c.split);
    r = { sim, recs: all(sim) };
    churnRuns.set(key, r);
  }
  return r;
}

const show = (r: TraceRecord) => `${KIND_NAME[r.kind]} ${r.from}→${r.to} x=${r.x} at ${r.time} µs (#${r.index})`;

/** As a trace is read: the chokes and unchokes each uploader sent each downloader, and each downloader's latest request for a block. */
class RequestLog {
  private readonly sent = new Map<string, TraceRecord[]>();
  private readonly latest = new Map<string, TraceRecord>();
  see(r: TraceRecord): void {
    if (r.kind === T.CHOKE || r.kind === T.UNCHOKE) {
      const key = `${r.from}>${r.to}`;
      if (!this.sent.has(key)) this.sent.set(key, []);
      this.sent.get(key)!.push(r);
    }
    if (r.kind === T.REQUEST) this.latest.set(`${r.from}>${r.to}/${r.x}`, r);
  }
  /** The chokes and unchokes `from` has sent `to` so far, in order. */
  chokes(from: number, to: number): TraceRecord[] {
    return this.sent.get(`${from}>${to}`) ?? [];
  }
  /** The latest request `from` has sent `to` for block `x`. */
  request(from: number, to: number, x: number): TraceRecord | undefined {
    return this.latest.get(`${from}>${to}/${x}`);
  }
}

describe('messages on the wire', () => {
  it('wire sizes follow BEP 3 framing: 4-byte length, 1-byte id, payload; handshake 68 bytes', () => {
    const frame = (payload: number) => 4 + 1 + payload;
    expect(HANDSHAKE_BYTES).toBe(1 + 'BitTorrent protocol'.length + 8 + 20 + 20);
    expect(wireSize(T.HANDSHAKE, 10, 0)).toBe(HANDSHAKE_BYTES);
    for (const k of [T.CHOKE, T.UNCHOKE, T.INTERESTED, T.NOT_INTERESTED]) expect(wireSize(k, 10, 0)).toBe(frame(0));
    expect(wireSize(T.HAVE, 10, 0)).toBe(frame(4));
    expect(wireSize(T.REQUEST, 10, 0)).toBe(frame(4 + 4 + 4));
    expect(wireSize(T.CANCEL, 10, 0)).toBe(frame(4 + 4 + 4));
    expect(wireSize(T.PIECE, 10, 16384)).toBe(frame(4 + 4 + 16384));
    expect(wireSize(T.PIECE, 10, 100)).toBe(frame(4 + 4 + 100));
    for (const n of [1, 7, 8, 9, 16, 1313]) expect(wireSize(T.BITFIELD, n, 0)).toBe(frame(Math.ceil(n / 8)));
    for (const k of [T.JOIN, T.VERIFIED, T.RECHOKE, T.ANNOUNCE, T.RECEIVED]) expect(wireSize(k, 10, 0)).toBe(0);
  });

  it('message kinds are the BEP 3 ids and carry the result-file names', () => {
    const bep3 = { choke: 0, unchoke: 1, interested: 2, not_interested: 3, have: 4, bitfield: 5, request: 6, piece: 7, cancel: 8 } as const;
    for (const [name, id] of Object.entries(bep3)) {
      expect(messageName(id)).toBe(name);
      expect(MESSAGE_NAMES).toContain(name);
    }
    expect(T).toMatchObject({ CHOKE: 0, UNCHOKE: 1, INTERESTED: 2, NOT_INTERESTED: 3, HAVE: 4, BITFIELD: 5, REQUEST: 6, PIECE: 7, CANCEL: 8 });
    expect(messageName(T.HANDSHAKE)).toBe('handshake');
    for (const k of [T.JOIN, T.LEAVE, T.ANNOUNCE, T.RECHOKE, T.VERIFIED, T.COMPLETED, T.RECEIVED, T.LOST, T.REFUSED]) expect(messageName(k)).toBeNull();
  });
});

describe('wire rules in a mixed swarm', () => {
  it('the swarm under test completes, with late joiners, a leaver, chokes and endgame', () => {
    for (const seed of SEEDS) {
      const { sim, recs } = mixed(seed);
      const count = (k: number) => recs.filter((r) => r.kind === k).length;
      expect(sim.result().endReason).toBe('complete');
      expect(count(T.LEAVE)).toBe(1);
      expect(count(T.CHOKE)).toBeGreaterThan(10);
      expect(count(T.CANCEL)).toBeGreaterThan(10);
      expect(count(T.BITFIELD)).toBeGreaterThan(10);
    }
  });

  it('a connection starts with the handshakes; a bitfield, if sent, is the first message after them, the moment that end opens', () => {
    for (const seed of SEEDS) {
      const { recs, facts } = mixed(seed);
      const pairs = facts.log.connections.map((c) => pairKey(c.initiator, c.acceptor));
      expect(new Set(pairs).size).toBe(pairs.length); // one connection per pair in this run
      const sentBefore = new Map<string, TraceRecord[]>();
      const bad: string[] = [];
      for (const r of recs) {
        if (!isDirectedMessage(r)) continue;
        const key = `${r.from}>${r.to}`;
        const before = sentBefore.get(key) ?? [];
        if (r.kind === T.BITFIELD) {
          if (before.length > 0) bad.push(`${show(r)} after ${before.length} other messages`);
          const c = facts.connection(r.from, r.to, r.index);
          if (!c) bad.push(`${show(r)} without a connection`);
          else if (openAtEnd(c, r.from).time !== r.time) bad.push(`${show(r)}: that end opened at ${openAtEnd(c, r.from).time}`);
        }
        before.push(r);
        sentBefore.set(key, before);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });

  it('a peer that holds pieces when its end opens sends a bitfield announcing all of them; a peer with none sends none', () => {
    for (const seed of SEEDS) {
      const { recs, facts } = mixed(seed);
      const bitfields = new Map<string, TraceRecord>();
      for (const r of recs) if (r.kind === T.BITFIELD) bitfields.set(`${r.from}>${r.to}`, r);
      const bad: string[] = [];
      let withPieces = 0;
      let without = 0;
      for (const c of facts.log.connections) {
        for (const [x, y] of [
          [c.acceptor, c.initiator],
          [c.initiator, c.acceptor],
        ] as const) {
          const o = openAtEnd(c, x);
          if (o.index === null && c.closedIndex !== Infinity && recs[c.closedIndex]!.time <= o.time) continue; // never opened
          // Pieces held when that end opened: exact at a record; at a bare instant, [held before, held by the end of it].
          let lo: number;
          let hi: number;
          if (o.index !== null) lo = hi = facts.piecesHeldAt(x, o.index);
          else {
            lo = [...facts.verified[x]!.values()].filter((v) => v.time < o.time).length;
            hi = [...facts.verified[x]!.values()].filter((v) => v.time <= o.time).length;
          }
          const bf = bitfields.get(`${x}>${y}`);
          if (hi === 0) {
            without++;
            if (bf) bad.push(`peer ${x} with no piece sent ${show(bf)}`);
          } else if (lo > 0) {
            withPieces++;
            if (!bf) bad.push(`peer ${x} held ${lo} pieces when its end to ${y} opened, sent no bitfield`);
            else if (bf.x < lo || bf.x > hi) bad.push(`${show(bf)} announces ${bf.x} pieces, held ${lo}..${hi}`);
          }
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(withPieces).toBeGreaterThan(10);
      expect(without).toBeGreaterThan(10);
    }
  });

  it('a have for piece p from peer X comes only after X verified p (at that moment) and never twice; seeds send none', () => {
    for (const seed of SEEDS) {
      const { sim, recs } = mixed(seed);
      const verified = new Map<string, TraceRecord>();
      const sent = new Set<string>();
      const bad: string[] = [];
      for (const r of recs) {
        if (r.kind === T.VERIFIED) verified.set(`${r.from}/${r.x}`, r);
        if (r.kind !== T.HAVE) continue;
        const key = `${r.from}/${r.x}`;
        const v = verified.get(key);
        if (!v) bad.push(`${show(r)} before any VERIFIED of that piece`);
        else if (v.time !== r.time) bad.push(`${show(r)} not at the hash check (${v.time})`);
        if (sent.has(key)) bad.push(`${show(r)} a second time`);
        if (sim.config.peers[r.from]!.seed) bad.push(`${show(r)} from a seed`);
        sent.add(key);
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(sent.size).toBeGreaterThan(100);
    }
  });

  it('a have goes to every connection open at that moment', () => {
    for (const seed of SEEDS) {
      const { recs, facts } = mixed(seed);
      const bad: string[] = [];
      for (const r of recs) {
        if (r.kind !== T.HAVE) continue;
        const { lo, hi } = facts.openCount(r.from, r.time, r.index);
        if (r.y < lo || r.y > hi) bad.push(`${show(r)} went to ${r.y} peers; ${lo}..${hi} connections were open`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });

  it('interested and not interested alternate on each connection, starting with interested', () => {
    for (const seed of SEEDS) {
      const { recs } = mixed(seed);
      const state = new Map<string, boolean>();
      const bad: string[] = [];
      for (const r of recs) {
        if (r.kind !== T.INTERESTED && r.kind !== T.NOT_INTERESTED) continue;
        const key = `${r.from}>${r.to}`;
        const was = state.get(key) ?? false;
        if (was === (r.kind === T.INTERESTED)) bad.push(`${show(r)} repeats the current state`);
        state.set(key, r.kind === T.INTERESTED);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });

  it('interest is always accurate: after every instant, X is interested in Y exactly while Y has a piece X lacks (as far as it has reached X)', () => {
    for (const seed of SEEDS) {
      const { sim, recs, facts } = mixed(seed);
      const pieces = sim.config.torrent.pieces;
      const interested = new Map<string, boolean>();
      const bad: string[] = [];
      let checks = 0;
      for (let i = 0; i < recs.length; i++) {
        const r = recs[i]!;
        if (r.kind === T.INTERESTED || r.kind === T.NOT_INTERESTED) interested.set(`${r.from}>${r.to}`, r.kind === T.INTERESTED);
        const next = recs[i + 1];
        if (next && next.time === r.time) continue;
        // Every event of instant r.time has run: compare each open end's interest with what it knows.
        const t = r.time;
        for (const c of facts.log.connections) {
          if (c.acceptedIndex > i || c.closedIndex <= i) continue;
          for (const [x, y] of [
            [c.initiator, c.acceptor],
            [c.acceptor, c.initiator],
          ] as const) {
            if (openAtEnd(c, x).time > t) continue;
            let wants = false;
            for (let p = 0; p < pieces && !wants; p++) wants = !facts.holdsAfter(x, p, t) && facts.knownAt(c, x, y, p) <= t;
            checks++;
            if ((interested.get(`${x}>${y}`) ?? false) !== wants) bad.push(`after ${t} µs peer ${x} ${wants ? 'wants' : 'does not want'} pieces of ${y} but says otherwise`);
          }
        }
      }
      expect(checks).toBeGreaterThan(1000);
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });

  it('requests and pieces are for 16 KiB blocks, except the tail of the last piece', () => {
    for (const seed of SEEDS) {
      const { sim, recs } = mixed(seed);
      const cfg = sim.config;
      const bad: string[] = [];
      let tails = 0;
      for (const r of recs) {
        if (r.kind !== T.REQUEST && r.kind !== T.PIECE && r.kind !== T.RECEIVED && r.kind !== T.CANCEL) continue;
        const b = blockInfo(cfg, r.x);
        if (!b.exists) bad.push(`${show(r)}: no such block`);
        if ((r.kind === T.PIECE || r.kind === T.RECEIVED) && r.y !== b.length) bad.push(`${show(r)} carries ${r.y} bytes, block has ${b.length}`);
        if (b.length !== 16384 && r.kind === T.PIECE) tails++;
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(tails).toBeGreaterThan(0);
    }
  });

  it('every PIECE answers an earlier REQUEST of that block by the receiver to the sender, one piece per request', () => {
    for (const seed of SEEDS) {
      const { recs } = mixed(seed);
      const requested = new Map<string, number>();
      const bad: string[] = [];
      for (const r of recs) {
        if (r.kind === T.REQUEST) requested.set(`${r.from}>${r.to}/${r.x}`, (requested.get(`${r.from}>${r.to}/${r.x}`) ?? 0) + 1);
        if (r.kind === T.PIECE) {
          const key = `${r.to}>${r.from}/${r.x}`;
          const n = requested.get(key) ?? 0;
          if (n === 0) bad.push(`${show(r)} was not requested`);
          requested.set(key, n - 1);
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });

  it('a peer starts sending a PIECE only once a request for that block has reached it, a latency after it was sent', () => {
    for (const c of [...SEEDS, ...CHURN.map((k) => ({ ...k, churn: true }))]) {
      const { sim, recs } = 'churn' in c ? churn(c) : mixed(c);
      const arrivals = new Map<string, number[]>();
      const bad: string[] = [];
      let served = 0;
      for (const r of recs) {
        if (r.kind === T.REQUEST) {
          const key = `${r.from}>${r.to}/${r.x}`;
          if (!arrivals.has(key)) arrivals.set(key, []);
          arrivals.get(key)!.push(r.time + latency(sim.config, r.from, r.to));
        }
        if (r.kind !== T.PIECE) continue;
        const waiting = arrivals.get(`${r.to}>${r.from}/${r.x}`) ?? [];
        const i = waiting.findIndex((at) => at <= r.time);
        if (i < 0) bad.push(`${show(r)} before any request for it arrived`);
        else waiting.splice(i, 1);
        served++;
      }
      expect(bad.slice(0, 5)).toEqual([]);
      expect(served).toBeGreaterThan(100);
    }
  });

  it('a block whose cancel reached the uploader before it started is not sent, unless requested again since', () => {
    let honoured = 0;
    for (const c of [...SEEDS, ...CHURN.map((k) => ({ ...k, churn: true }))]) {
      const { sim, recs } = 'churn' in c ? churn(c) : mixed(c);
      const cancelled = new Map<string, TraceRecord>();
      const requested = new Map<string, TraceRecord>();
      const bad: string[] = [];
      for (const r of recs) {
        const key = `${r.from}>${r.to}/${r.x}`;
        if (r.kind === T.CANCEL) cancelled.set(key, r);
        if (r.kind === T.REQUEST) requested.set(key, r);
        if (r.kind !== T.PIECE) continue;
        const back = `${r.to}>${r.from}/${r.x}`;
        const cancel = cancelled.get(back);
        if (cancel === undefined) continue;
        const lat = latency(sim.config, r.to, r.from);
        if (cancel.time + lat > r.time) continue;
        const again = requested.get(back)!;
        if (again.index < cancel.index || again.time + lat > r.time) bad.push(`${show(r)} after ${show(cancel)} reached it`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
      // Some cancels do stop a block: after them, that block is not sent on that connection again.
      for (const [key, cancel] of cancelled) {
        const [pair, x] = key.split('/');
        const [to, from] = pair!.split('>').map(Number);
        if (!recs.some((r) => r.kind === T.PIECE && r.from === from && r.to === to && String(r.x) === x && r.index > cancel.index)) honoured++;
      }
    }
    expect(honoured).toBeGreaterThan(20);
  });

  it('a peer never starts sending a PIECE to a peer it is choking', () => {
    for (const recs of [...SEEDS.map((s) => mixed(s).recs), ...CHURN.map((s) => churn(s).recs)]) {
      const unchoked = new Set<string>();
      const bad: string[] = [];
      for (const r of recs) {
        if (r.kind === T.UNCHOKE) unchoked.add(`${r.from}>${r.to}`);
        if (r.kind === T.CHOKE) unchoked.delete(`${r.from}>${r.to}`);
        if (r.kind === T.PIECE && !unchoked.has(`${r.from}>${r.to}`)) bad.push(`${show(r)} while choking`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });

  it('a choke drops the requests pending at the uploader: a request that reached it before a choke (or while choked) is never served', () => {
    let chokesWithPending = 0;
    let arrivedWhileChoked = 0;
    for (const { sim, recs } of [...SEEDS.map(mixed), ...CHURN.map(churn)]) {
      const cfg = sim.config;
      const log = new RequestLog();
      const out = new Outstanding(cfg, sim.state.split !== null);
      const bad: string[] = [];
      for (const r of recs) {
        log.see(r);
        if (r.kind === T.CHOKE && out.get(r.to, r.from).size > 0) chokesWithPending++;
        if (r.kind === T.REQUEST) {
          // Count the requests that will reach an uploader that chokes us (by the chokes sent so far).
          const h = log.chokes(r.to, r.from);
          if (h.length > 0 && h[h.length - 1]!.kind === T.CHOKE) arrivedWhileChoked++;
        }
        if (r.kind === T.PIECE) {
          const req = log.request(r.to, r.from, r.x);
          if (!req) continue; // another test checks that every piece was requested
          const arrived = req.time + latency(cfg, req.from, req.to);
          const h = log.chokes(r.from, r.to);
          if (h.some((e) => e.kind === T.CHOKE && e.time >= arrived && e.index < r.index)) bad.push(`${show(r)} serves a request that arrived at ${arrived} µs, before a choke`);
          const before = h.filter((e) => e.time < arrived);
          const unchokedThen = (before.length > 0 && before[before.length - 1]!.kind === T.UNCHOKE) || h.some((e) => e.kind === T.UNCHOKE && e.time === arrived);
          if (!unchokedThen) bad.push(`${show(r)} serves a request that arrived at ${arrived} µs while choked`);
        }
        out.see(r);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
    expect(chokesWithPending, 'chokes sent while the choked peer had requests out').toBeGreaterThan(5);
    expect(arrivedWhileChoked, 'requests sent to an uploader that had already choked').toBeGreaterThan(5);
  });

  it('a request still on the wire when the uploader chokes is judged when it arrives: served if the uploader has unchoked the requester again by then', () => {
    // Mainline ignores a request only while it chokes; the choke itself forgets the requests it has received.
    let servedAfterReunchoke = 0;
    for (const { sim, recs } of [...SEEDS.map(mixed), ...CHURN.map(churn)]) {
      const cfg = sim.config;
      const log = new RequestLog();
      for (const r of recs) {
        log.see(r);
        if (r.kind !== T.PIECE) continue;
        const req = log.request(r.to, r.from, r.x);
        if (!req) continue;
        const arrived = req.time + latency(cfg, req.from, req.to);
        const h = log.chokes(r.from, r.to);
        // A choke sent while this request travelled, and the latest word before it arrived an unchoke.
        const chokedOnTheWay = h.some((e) => e.kind === T.CHOKE && e.index > req.index && e.time < arrived);
        if (chokedOnTheWay) {
          // (An unchoke at the very microsecond the request arrives counts, as in the test above.)
          const before = h.filter((e) => e.time <= arrived);
          expect(before[before.length - 1]?.kind, `${show(r)}: its request arrived while choked`).toBe(T.UNCHOKE);
          servedAfterReunchoke++;
        }
      }
    }
    expect(servedAfterReunchoke, 'pieces served for a request that was on the wire across a choke and an unchoke').toBeGreaterThan(0);
  });

  it('endgame: a block is requested from a second peer only once every missing block has been requested', () => {
    let duplicates = 0;
    for (const seed of SEEDS) {
      const { sim, recs } = mixed(seed);
      const cfg = sim.config;
      const out = new Outstanding(cfg, sim.state.split !== null);
      const received = cfg.peers.map(() => new Set<number>());
      const allBlocks = Array.from({ length: cfg.torrent.pieces }, (_, p) => blocksOfPiece(cfg, p)).flat();
      const bad: string[] = [];
      for (const r of recs) {
        out.advance(r.time);
        if (r.kind === T.REQUEST) {
          const a = r.from;
          const elsewhere = cfg.peers.some((_, y) => y !== r.to && out.get(a, y).has(r.x));
          if (elsewhere && !cfg.peers.some((_, z) => out.chokeArrivingAt(a, z, r.time))) {
            duplicates++;
            const missing = allBlocks.filter((b) => !received[a]!.has(b) && !cfg.peers.some((_, y) => out.get(a, y).has(b)));
            if (missing.length > 0) bad.push(`${show(r)} duplicates a request while ${missing.length} blocks were never requested (e.g. ${missing[0]})`);
          }
        }
        if (r.kind === T.RECEIVED) received[r.to]!.add(r.x);
        out.see(r);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
    expect(duplicates).toBeGreaterThan(10);
  });

  it('endgame: when a block requested from several peers arrives, every other request for it is cancelled at once', () => {
    let expected = 0;
    for (const seed of SEEDS) {
      const { sim, recs } = mixed(seed);
      const cfg = sim.config;
      const out = new Outstanding(cfg, sim.state.split !== null);
      const cancels = new Set<string>();
      for (const r of recs) if (r.kind === T.CANCEL) cancels.add(`${r.time}|${r.from}>${r.to}/${r.x}`);
      const bad: string[] = [];
      for (const r of recs) {
        out.advance(r.time);
        if (r.kind === T.RECEIVED) {
          const a = r.to;
          cfg.peers.forEach((_, z) => {
            if (z === r.from || !out.get(a, z).has(r.x) || out.chokeArrivingAt(a, z, r.time)) return;
            expected++;
            if (!cancels.has(`${r.time}|${a}>${z}/${r.x}`)) bad.push(`${show(r)}: no CANCEL to ${z}, which still had the request`);
          });
        }
        out.see(r);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
    expect(expected).toBeGreaterThan(10);
  });

  it('a cancel is sent only for a block that just arrived from another peer, or to a peer that snubbed us', () => {
    for (const seed of SEEDS) {
      const { recs } = mixed(seed);
      const arrivals = new Set<string>();
      const rechokes = new Set<string>();
      const lastBlock = new Map<string, number>();
      for (const r of recs) {
        if (r.kind === T.RECEIVED) arrivals.add(`${r.time}|${r.to}/${r.x}`);
        if (r.kind === T.RECHOKE) rechokes.add(`${r.time}|${r.from}`);
      }
      const bad: string[] = [];
      for (const r of recs) {
        // The anti-snubbing clock of X for Y: Y's last block to X, or X becoming interested in Y.
        if (r.kind === T.RECEIVED) lastBlock.set(`${r.to}<${r.from}`, r.time);
        if (r.kind === T.INTERESTED) lastBlock.set(`${r.from}<${r.to}`, r.time);
        if (r.kind !== T.CANCEL) continue;
        if (arrivals.has(`${r.time}|${r.from}/${r.x}`)) continue;
        const silentSince = lastBlock.get(`${r.from}<${r.to}`) ?? 0;
        const snubbed = rechokes.has(`${r.time}|${r.from}`) && r.time - silentSince > mainline.snubTimeout;
        if (!snubbed) bad.push(`${show(r)}: no such block arrived then, and ${r.to} did not snub ${r.from}`);
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
  });
});

describe('anti-snubbing', () => {
  // Two very slow uploaders (200 and 300 B/s: a block takes over a minute) among ordinary peers: the
  // peers they unchoke wait in vain and, 30 s on, count them as snubbing.
  const snubSwarm = (seed: number) =>
    swarm([peer('seed', { seed: true, upload: 24 * KiB }), peer('Z', { upload: 200 }), peer('Y', { upload: 300 }), ...leechers('L', 5, { upload: 8 * KiB })], {
      pieces: 32,
      pieceLength: 32 * KiB,
      seed,
      stopAt: 200 * S,
    });
  const snubRuns = new Map<number, { sim: Sim; recs: TraceRecord[]; snubCancels: TraceRecord[] }>();
  const snubbed = (seed: number) => {
    let r = snubRuns.get(seed);
    if (!r) {
      const sim = run(snubSwarm(seed));
      const recs = all(sim);
      const ticks = new Set(recs.filter((x) => x.kind === T.RECHOKE).map((x) => `${x.time}|${x.from}`));
      const arrivals = new Set(recs.filter((x) => x.kind === T.RECEIVED).map((x) => `${x.time}|${x.to}/${x.x}`));
      // Cancels sent at the canceller's rechoke that no arrival explains: anti-snubbing cancels.
      const snubCancels = recs.filter((x) => x.kind === T.CANCEL && ticks.has(`${x.time}|${x.from}`) && !arrivals.has(`${x.time}|${x.from}/${x.x}`));
      r = { sim, recs, snubCancels };
      snubRuns.set(seed, r);
    }
    return r;
  };

  it('a peer that snubs us gets one request at a time, until it sends a block or unchokes us anew', () => {
    let judged = 0;
    for (const seed of [1, 2]) {
      const { sim, recs, snubCancels } = snubbed(seed);
      const out = new Outstanding(sim.config, sim.state.split !== null);
      const snubbing = new Set<string>();
      const cancelAt = new Set(snubCancels.map((c) => c.index));
      const bad: string[] = [];
      for (const r of recs) {
        if (r.kind === T.RECEIVED || r.kind === T.UNCHOKE) snubbing.delete(`${r.to}<${r.from}`);
        if (cancelAt.has(r.index)) snubbing.add(`${r.from}<${r.to}`);
        out.see(r);
        if (r.kind === T.REQUEST && snubbing.has(`${r.from}<${r.to}`)) {
          judged++;
          if (out.get(r.from, r.to).size > 1) bad.push(`${show(r)}: ${out.get(r.from, r.to).size} requests out to a snubbing peer`);
        }
      }
      expect(bad.slice(0, 5)).toEqual([]);
    }
    expect(judged).toBeGreaterThan(10);
  });

  it('requests cancelled because the peer snubbed us are not sent to that same peer again at once (they are to be fetched elsewhere)', () => {
    let cancels = 0;
    for (const seed of [1, 2]) {
      const { recs, snubCancels } = snubbed(seed);
      cancels += snubCancels.length;
      const requests = new Set(recs.filter((r) => r.kind === T.REQUEST).map((r) => `${r.time}|${r.from}>${r.to}/${r.x}`));
      const again = snubCancels.filter((c) => requests.has(`${c.time}|${c.from}>${c.to}/${c.x}`));
      expect(again.slice(0, 3).map((c) => `${show(c)}, then the same block requested from ${c.to} again`)).toEqual([]);
    }
    expect(cancels).toBeGreaterThan(20);
  });
});

describe('the request pipeline', () => {
  // One fast seed, one leecher, long latencies: many requests in flight (bandwidth × delay).
  const fast = (upload: number) =>
    swarm([peer('S', { seed: true, upload, latency: 150_000 }), peer('L', { latency: 150_000, upload: 0 })], { pieces: 64, pieceLength: 64 * KiB });

  it('a new connection carries at most pipelineBase (2) requests until its first block arrives', () => {
    // Mainline's backlog is 2 + 4·rate/16 KiB, and nothing has been measured on a new connection.
    for (const sim of [run(fast(2048 * KiB)), mixed(SEEDS[0]!).sim, mixed(SEEDS[2]!).sim]) {
      const out = new Outstanding(sim.config, sim.state.split !== null);
      const gotBlock = new Set<string>();
      let max = 0;
      for (const r of records(sim.trace)) {
        out.see(r);
        if (r.kind === T.RECEIVED) gotBlock.add(`${r.to}>${r.from}`);
        if (r.kind === T.REQUEST && !gotBlock.has(`${r.from}>${r.to}`)) max = Math.max(max, out.get(r.from, r.to).size);
      }
      expect(max).toBe(mainline.pipelineBase);
    }
  });

  it('a connection never has more than pipelineCap (50) requests outstanding, and a fast one reaches it', () => {
    for (const [sim, reachesCap] of [
      [run(fast(2048 * KiB)), true],
      [run(fast(4096 * KiB)), true],
      [mixed(SEEDS[0]!).sim, false],
      [mixed(SEEDS[4]!).sim, false],
    ] as const) {
      const out = new Outstanding(sim.config, sim.state.split !== null);
      let max = 0;
      for (const r of records(sim.trace)) {
        out.see(r);
        if (r.kind === T.REQUEST) max = Math.max(max, out.get(r.from, r.to).size);
      }
      expect(max).toBeLessThanOrEqual(mainline.pipelineCap);
      if (reachesCap) expect(max).toBe(mainline.pipelineCap);
    }
  });
});
