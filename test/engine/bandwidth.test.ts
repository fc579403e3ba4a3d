// Bandwidth and peer behaviour: capacities are never beaten, a peer with no upload still advertises,
// joins and leaves happen when the config says, and every byte sent is accounted for (received, lost
// when a side left, or still in flight).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arrival, measuredRate, measureSince, RATE_FUDGE, rateAt, transferTime } from '../../src/engine/bandwidth';

/** One direction's measure, updated the way the engine updates a connection's. */
class Measure {
  rate = 0;
  last: number;
  since: number;
  constructor(openedAt: number) {
    this.last = openedAt - RATE_FUDGE;
    this.since = openedAt - RATE_FUDGE;
  }
  update(now: number, amount: number, period: number): void {
    this.rate = measuredRate(this.rate, this.last, this.since, now, amount);
    this.last = now;
    this.since = measureSince(this.since, now, period);
  }
  at(now: number): number {
    return rateAt(this.rate, this.last, this.since, now);
  }
}
import { PROFILES } from '../../src/engine/profiles';
import { STALL_AFTER } from '../../src/engine/sim';
import { LEAVE_REASON, records, T } from '../../src/engine/trace';
import { MAX_SIM_TIME, type SimConfig } from '../../src/engine/types';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { all, churnSwarm, involves, KIND_NAME, mixedSwarm, run } from './rules';

const mainline = PROFILES.mainline!;

describe('bandwidth kernels', () => {
  it('moving n bytes at r bytes/s takes ceil(n·10⁶ / r) µs: never less than the capacity allows, never a whole µs more', () => {
    expect(transferTime(16384, 65536)).toBe(250_000);
    expect(transferTime(1, 3)).toBe(333_334);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1 << 20 }), fc.integer({ min: 1, max: 1 << 30 }), (n, r) => {
        const t = transferTime(n, r);
        expect(Number.isInteger(t)).toBe(true);
        expect(t * r).toBeGreaterThanOrEqual(n * 1e6);
        expect((t - 1) * r).toBeLessThan(n * 1e6);
      }),
    );
  });

  it('a block arrives one latency after its last byte left, unless the download link (at its rate, one block after another) is slower or busy', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 1, max: 5e6 }),
        fc.integer({ min: 0, max: 5e5 }),
        fc.integer({ min: 1, max: 16384 }),
        fc.option(fc.integer({ min: 1, max: 1 << 24 }), { nil: null }),
        fc.integer({ min: 0, max: 1.1e9 }),
        (startedAt, duration, latency, bytes, download, freeAt) => {
          const sentAt = startedAt + duration;
          const at = arrival(startedAt, sentAt, latency, bytes, download, freeAt);
          if (download === null) {
            expect(at).toBe(sentAt + latency);
            return;
          }
          const take = transferTime(bytes, download);
          // The earliest moment that breaks none of: last byte sent + latency; the link free before
          // this block starts arriving; the first byte cannot arrive before it was sent + latency.
          expect(at).toBeGreaterThanOrEqual(sentAt + latency);
          expect(at - take).toBeGreaterThanOrEqual(freeAt);
          expect(at - take).toBeGreaterThanOrEqual(startedAt + latency);
          expect(at).toBe(Math.max(sentAt + latency, freeAt + take, startedAt + latency + take));
        },
      ),
    );
  });

  it('the rate measure is mainline\u2019s: rate = (rate·(last − since) + amount) / (now − since), since = max(since, now − 20 s)', () => {
    // The reference, written from PROTOCOL.md in seconds (mainline CurrentRateMeasure: update, then move since).
    const ref = { rate: 0, last: -1, since: -1 };
    const m = new Measure(0);
    const rng = fc.sample(fc.tuple(fc.integer({ min: 1, max: 3_000_000 }), fc.integer({ min: 0, max: 65536 })), { numRuns: 300, seed: 7 });
    let now = 0;
    for (const [dt, amount] of rng) {
      now += dt;
      const t = now / 1e6;
      ref.rate = (ref.rate * (ref.last - ref.since) + amount) / (t - ref.since);
      ref.last = t;
      ref.since = Math.max(ref.since, t - mainline.rateWindow / 1e6);
      m.update(now, amount, mainline.rateWindow);
      expect(m.rate).toBeCloseTo(ref.rate, 6);
      const later = t + 5;
      expect(m.at(now + 5e6)).toBeCloseTo((ref.rate * (ref.last - ref.since)) / (later - ref.since), 6);
    }
  });

  it('a steady stream measures at its rate, and the measure forgets what is older than the window', () => {
    const m = new Measure(0);
    for (let t = 250_000; t <= 60 * S; t += 250_000) m.update(t, 16384, mainline.rateWindow);
    expect(m.at(60 * S)).toBeGreaterThan(65536 * 0.98);
    expect(m.at(60 * S)).toBeLessThan(65536 * 1.02);
    // After the window of silence the measure has halved (the 20 s window now spans 40 s of which 20 carried bytes).
    expect(m.at(80 * S) / m.at(60 * S)).toBeCloseTo(0.5, 2);
  });
});

/** Per sender: PIECE start times; per receiver: RECEIVED times (trace order). */
function capacityViolations(cfg: SimConfig, recs: ReturnType<typeof all>): string[] {
  const bad: string[] = [];
  const sendFreeAt = new Map<number, number>();
  const lastArrival = new Map<number, number>();
  for (const r of recs) {
    if (r.kind === T.PIECE) {
      const up = cfg.peers[r.from]!.upload;
      if (up === 0) bad.push(`peer ${r.from} with upload 0 sent block ${r.x}`);
      if (r.time < (sendFreeAt.get(r.from) ?? -Infinity)) bad.push(`peer ${r.from} starts block ${r.x} at ${r.time} µs, still sending until ${sendFreeAt.get(r.from)}`);
      sendFreeAt.set(r.from, r.time + Math.ceil((r.y * 1e6) / up));
    }
    if (r.kind === T.RECEIVED) {
      const down = cfg.peers[r.to]!.download;
      const prev = lastArrival.get(r.to);
      // The download link takes one block after another: this block needed its own ceil(len·10⁶/down) µs.
      if (down !== null && prev !== undefined && r.time - prev < Math.ceil((r.y * 1e6) / down)) {
        bad.push(`peer ${r.to} received block ${r.x} at ${r.time} µs, ${r.time - prev} µs after the previous one`);
      }
      lastArrival.set(r.to, r.time);
    }
  }
  return bad;
}

describe('capacities in a run', () => {
  const capped = (seed: number) =>
    swarm(
      [
        peer('S1', { seed: true, upload: 100_000, latency: 30_001 }),
        peer('S2', { seed: true, upload: 37_777, latency: 3_001 }),
        ...leechers('A', 3, { upload: 20_000, download: 50_000, latency: 10_007 }),
        ...leechers('B', 3, { upload: 9_999, download: 170_000, latency: 70_001 }),
        peer('C', { upload: 123_457, download: 30_001, joinAt: 2 * S }),
      ],
      { pieces: 16, pieceLength: 32 * KiB, size: 15 * 32 * KiB + 777, seed },
    );

  it('a peer never uploads faster than its upload: each PIECE takes ceil(len·10⁶/upload) µs and sends never overlap', () => {
    for (const cfg of [capped(1), capped(2), mixedSwarm(1), mixedSwarm(2)]) {
      const recs = all(run(cfg));
      expect(recs.filter((r) => r.kind === T.PIECE).length).toBeGreaterThan(100);
      expect(capacityViolations(cfg, recs).filter((s) => s.includes('starts')).slice(0, 5)).toEqual([]);
    }
  });

  it('a peer never downloads faster than its download: blocks arrive at least ceil(len·10⁶/download) µs apart', () => {
    for (const cfg of [capped(1), capped(2), capped(3), mixedSwarm(1)]) {
      const sim = run(cfg);
      expect(capacityViolations(cfg, all(sim)).filter((s) => s.includes('received')).slice(0, 5)).toEqual([]);
      // And nobody completes before size / download after joining.
      sim.result().peers.forEach((p, i) => {
        const d = cfg.peers[i]!.download;
        if (!cfg.peers[i]!.seed && d !== null && p.completedAt !== null) expect(p.completedAt - p.joinedAt!).toBeGreaterThanOrEqual((cfg.torrent.size * 1e6) / d);
      });
    }
  });

  it('a peer with upload 0 sends no PIECE at all, but still sends its bitfield and its haves', () => {
    const cfg = swarm([peer('seed', { seed: true }), peer('zero', { upload: 0 }), ...leechers('L', 4), peer('late', { joinAt: 5 * S })], {
      pieces: 16,
      pieceLength: 32 * KiB,
    });
    const sim = run(cfg);
    const from = (k: number) => all(sim).filter((r) => r.from === 1 && r.kind === k);
    expect(from(T.PIECE)).toEqual([]);
    expect(from(T.HAVE).length).toBe(cfg.torrent.pieces);
    expect(from(T.BITFIELD).length).toBeGreaterThan(0);
    expect(sim.result().peers[1]!.uploadedBytes).toBe(0);
    expect(sim.result().peers[1]!.completedAt).not.toBeNull();
  });
});

/**
 * Requests that reached an uploader and waited while it sent nothing. A request is live from its
 * arrival (connection latency after it was sent) until its block starts, its cancel arrives, the
 * uploader chokes the requester, or either side leaves; one that arrives while choked, or that a choke
 * swept away in flight, is dropped (BEP 3) and not counted. Arrivals at the very µs of a choke or
 * unchoke are left out (the order of simultaneous events is not in the trace).
 */
function idleWhileRequested(sim: ReturnType<typeof run>): { judged: number; idle: string[] } {
  const cfg = sim.config;
  const recs = all(sim);
  const busy = new Map<number, [number, number][]>();
  const leftAt = new Map<number, number>();
  const pieces = new Map<string, number[]>();
  const cancels = new Map<string, { index: number; time: number }[]>();
  const chokes = new Map<string, { kind: number; time: number }[]>();
  const push = <V>(m: Map<string, V[]>, k: string, v: V) => (m.get(k) ?? m.set(k, []).get(k)!).push(v);
  for (const r of recs) {
    if (r.kind === T.PIECE) {
      if (!busy.has(r.from)) busy.set(r.from, []);
      busy.get(r.from)!.push([r.time, r.time + Math.ceil((r.y * 1e6) / cfg.peers[r.from]!.upload)]);
      push(pieces, `${r.from}>${r.to}/${r.x}`, r.time);
    }
    if (r.kind === T.CANCEL) push(cancels, `${r.from}>${r.to}/${r.x}`, { index: r.index, time: r.time });
    if (r.kind === T.CHOKE || r.kind === T.UNCHOKE) push(chokes, `${r.from}>${r.to}`, { kind: r.kind, time: r.time });
    if (r.kind === T.LEAVE) leftAt.set(r.from, r.time);
  }
  let judged = 0;
  const idle: string[] = [];
  for (const r of recs) {
    if (r.kind !== T.REQUEST || cfg.peers[r.to]!.upload === 0) continue;
    const [d, u] = [r.from, r.to];
    const lat = cfg.peers[d]!.latency + cfg.peers[u]!.latency;
    const a = r.time + lat;
    const h = chokes.get(`${u}>${d}`) ?? [];
    if (h.some((e) => e.time === a || (e.kind === T.CHOKE && e.time >= r.time && e.time < a))) continue;
    const before = h.filter((e) => e.time < a);
    if (before.length === 0 || before[before.length - 1]!.kind !== T.UNCHOKE) continue;
    let stop = Math.min(sim.now, leftAt.get(u) ?? Infinity, leftAt.get(d) ?? Infinity);
    const served = (pieces.get(`${u}>${d}/${r.x}`) ?? []).find((t) => t >= a);
    if (served !== undefined) stop = Math.min(stop, served);
    const cancel = (cancels.get(`${d}>${u}/${r.x}`) ?? []).find((c) => c.index > r.index);
    if (cancel) stop = Math.min(stop, cancel.time + lat);
    const choke = h.find((e) => e.kind === T.CHOKE && e.time >= a);
    if (choke) stop = Math.min(stop, choke.time);
    if (stop <= a) continue;
    judged++;
    let t = a;
    let gap = 0;
    for (const [s0, e0] of busy.get(u) ?? []) {
      if (e0 <= t || s0 >= stop) continue;
      if (s0 > t) gap += s0 - t;
      t = Math.max(t, e0);
    }
    if (t < stop) gap += stop - t;
    if (gap > 0) idle.push(`peer ${u} sat idle ${gap} µs while ${d}'s request for block ${r.x} (sent at ${r.time} µs, #${r.index}) was waiting`);
  }
  return { judged, idle };
}

describe('serving requests', () => {
  /** A fast seed, leechers rechoking every second, a third of them leaving early. */
  const busySwarm = (seed: number) =>
    swarm(
      [
        peer('seed', { seed: true, upload: 512 * KiB, latency: 10_007 }),
        ...Array.from({ length: 8 }, (_, i) =>
          peer(`L${i}`, {
            upload: 64 * KiB,
            latency: 5_003 + 13_001 * i,
            leaveAt: i % 3 === 0 ? (2 + i) * S + 12_345 * i : null,
            settings: { unchokeInterval: 1 * S, optimisticUnchokeInterval: 1 * S },
          }),
        ),
      ],
      { pieces: 48, pieceLength: 32 * KiB, seed },
    );

  it('an uploader never sits idle while a request that reached it is waiting', () => {
    let judged = 0;
    const idle: string[] = [];
    for (const cfg of [...[1, 2, 3, 4, 5, 6, 7, 8].map(busySwarm), churnSwarm(1), churnSwarm(2), mixedSwarm(1)]) {
      const r = idleWhileRequested(run(cfg));
      judged += r.judged;
      idle.push(...r.idle.map((m) => `${cfg.peers.length} peers, seed ${cfg.seed}: ${m}`));
    }
    expect(judged).toBeGreaterThan(5000);
    expect(idle.slice(0, 3)).toEqual([]);
  });
});

describe('joining and leaving', () => {
  const cfg = swarm(
    [
      peer('seed', { seed: true, upload: 48 * KiB }),
      peer('early', {}),
      peer('late', { joinAt: 3 * S + 777 }),
      peer('leaves', { joinAt: 1 * S, leaveAt: 6 * S + 5 }),
      peer('done', { leaveAfterComplete: 4 * S + 3 }),
      peer('scripted', { joinAt: 2 * S }),
      ...leechers('L', 3, { download: 100 * KiB }),
    ],
    { pieces: 16, pieceLength: 32 * KiB, stopAt: 120 * S, events: [{ at: 9 * S + 11, peer: 5, action: 'leave' }] },
  );
  const sim = run(cfg);
  const recs = all(sim);
  const res = sim.result();

  it('a peer joins at joinAt: its first record is its JOIN, nothing involves it before', () => {
    cfg.peers.forEach((p, i) => {
      const first = recs.find((r) => involves(r, i));
      expect(first, p.name).toMatchObject({ kind: T.JOIN, from: i, time: p.joinAt });
      expect(res.peers[i]!.joinedAt).toBe(p.joinAt);
    });
  });

  it('a peer leaves at leaveAt (or at a scripted leave), and sends nothing afterwards', () => {
    for (const [i, at, reason] of [
      [3, 6 * S + 5, LEAVE_REASON.SCHEDULED],
      [5, 9 * S + 11, LEAVE_REASON.SCRIPTED],
    ] as const) {
      const leave = recs.find((r) => r.kind === T.LEAVE && r.from === i);
      expect(leave).toMatchObject({ time: at, x: reason });
      expect(res.peers[i]!.leftAt).toBe(at);
      // After its LEAVE, only blocks it had been sending can show up (LOST).
      const after = recs.filter((r) => r.index > leave!.index && involves(r, i) && r.kind !== T.LOST);
      expect(after.map((r) => `${KIND_NAME[r.kind]} ${r.from}→${r.to}`)).toEqual([]);
    }
  });

  it('a peer with leaveAfterComplete leaves that long after its COMPLETED', () => {
    const completed = recs.find((r) => r.kind === T.COMPLETED && r.from === 4)!;
    expect(completed).toBeDefined();
    const leave = recs.find((r) => r.kind === T.LEAVE && r.from === 4);
    expect(leave).toMatchObject({ time: completed.time + 4 * S + 3, x: LEAVE_REASON.AFTER_COMPLETE });
    expect(res.peers[4]!.leftAt).toBe(completed.time + 4 * S + 3);
    // Nobody else leaves on its own.
    expect(recs.filter((r) => r.kind === T.LEAVE).map((r) => r.from).sort()).toEqual([3, 4, 5]);
  });

  it('a scripted join only brings an arrival forward; a peer that left never comes back; a leave before joining means it never joins', () => {
    const c = swarm([peer('seed', { seed: true }), peer('early', { joinAt: 20 * S }), peer('gone', { leaveAt: 5 * S }), peer('never', { joinAt: 8 * S }), peer('late', {})], {
      pieces: 8,
      pieceLength: 32 * KiB,
      stopAt: 40 * S,
      events: [
        { at: 3 * S, peer: 1, action: 'join' },
        { at: 10 * S, peer: 2, action: 'join' },
        { at: 6 * S, peer: 3, action: 'leave' },
        { at: 9 * S, peer: 4, action: 'join' },
      ],
    });
    const r = run(c);
    const joins = all(r).filter((x) => x.kind === T.JOIN);
    expect(joins.filter((x) => x.from === 1).map((x) => x.time)).toEqual([3 * S]);
    expect(joins.filter((x) => x.from === 2).map((x) => x.time)).toEqual([0]);
    expect(joins.filter((x) => x.from === 3)).toEqual([]);
    expect(joins.filter((x) => x.from === 4).map((x) => x.time)).toEqual([0]);
    expect(all(r).filter((x) => involves(x, 3))).toEqual([]);
    expect(r.result().peers[3]!.joinedAt).toBeNull();
  });

  it('a seed with leaveAfterComplete seeds that long from its join, then leaves', () => {
    const c = swarm([peer('seed', { seed: true, joinAt: 2 * S + 9, leaveAfterComplete: 3 * S + 1 }), peer('seed2', { seed: true }), ...leechers('L', 2)], {
      pieces: 8,
      pieceLength: 32 * KiB,
      stopAt: 60 * S,
    });
    const leave = all(run(c)).find((r) => r.kind === T.LEAVE && r.from === 0);
    expect(leave).toMatchObject({ time: 2 * S + 9 + 3 * S + 1, x: LEAVE_REASON.AFTER_COMPLETE });
  });

  it('when the only seed leaves before any leecher has the file, the run ends without completion', () => {
    const dry = swarm([peer('seed', { seed: true, upload: 32 * KiB, leaveAt: 2 * S }), ...leechers('L', 4)], { pieces: 16, pieceLength: 32 * KiB });
    const r = run(dry).result();
    expect(r.peers.slice(1).map((p) => p.completedAt)).toEqual([null, null, null, null]);
    // Without stopAt the run ends as stalled, 60 s after the last block arrived, instead of idling to the 24 h cap.
    expect(r.endReason).toBe('stalled');
    const lastArrival = Math.max(...all(run(dry)).filter((x) => x.kind === T.RECEIVED).map((x) => x.time));
    expect(r.endTime).toBeGreaterThanOrEqual(lastArrival + STALL_AFTER);
    expect(r.endTime).toBeLessThan(lastArrival + STALL_AFTER + 11 * S);
    expect(r.endTime).toBeLessThan(MAX_SIM_TIME);
    const stopped = run({ ...dry, stopAt: 100 * S }).result();
    expect(stopped.endReason).toBe('stopAt');
    expect(stopped.endTime).toBe(100 * S);
  });

  it('bytes are conserved: Σ uploaded = Σ downloaded + lostBytes (+ in flight at the end); lostBytes are the blocks in flight when a side left', () => {
    const leaving = swarm(
      [
        peer('seed', { seed: true, upload: 64 * KiB, leaveAt: 5 * S + 100_001 }),
        peer('seed2', { seed: true, upload: 16 * KiB, joinAt: 3 * S }),
        ...leechers('L', 4, { upload: 32 * KiB }),
        peer('quitter', { leaveAt: 4 * S + 77_777, download: 40 * KiB }),
      ],
      { pieces: 16, pieceLength: 64 * KiB, stopAt: 60 * S },
    );
    const calm = swarm([peer('seed', { seed: true }), ...leechers('L', 3)], { pieces: 8, pieceLength: 32 * KiB });
    for (const [cfg, someLost] of [
      [leaving, true],
      [{ ...leaving, seed: 2 }, true],
      [calm, false],
    ] as const) {
      const s = run(cfg);
      const r = s.result();
      const up = r.peers.reduce((a, p) => a + p.uploadedBytes, 0);
      const down = r.peers.reduce((a, p) => a + p.downloadedBytes, 0);
      expect(up).toBe(down + r.lostBytes);
      let lost = 0;
      let sent = 0;
      let received = 0;
      const leftAt = new Map<number, number>();
      for (const rec of records(s.trace)) {
        if (rec.kind === T.LEAVE) leftAt.set(rec.from, rec.time);
        if (rec.kind === T.PIECE) sent += rec.y;
        if (rec.kind === T.RECEIVED) received += rec.y;
        if (rec.kind === T.LOST) {
          lost += rec.y;
          // A block is lost only because its sender or its receiver has left.
          const gone = Math.min(leftAt.get(rec.from) ?? Infinity, leftAt.get(rec.to) ?? Infinity);
          expect(gone).toBeLessThanOrEqual(rec.time);
        }
      }
      expect(lost).toBe(r.lostBytes);
      expect(received).toBe(down);
      expect(sent).toBe(received + lost + r.inFlightBytes);
      if (someLost) expect(r.lostBytes).toBeGreaterThan(0);
      else expect(r.lostBytes).toBe(0);
    }
  });
});

describe('client rate limits', () => {
  const limitedSwarm = (settings: { uploadRateLimit?: number; downloadRateLimit?: number }) =>
    swarm([peer('seed', { seed: true, upload: 256 * KiB, settings }), ...leechers('L', 3, { upload: 32 * KiB })], { pieces: 8, pieceLength: 32 * KiB });

  /** The shortest gap between two consecutive PIECE sends of peer 0. */
  function tightestGap(cfg: SimConfig): number {
    const sends = all(run(cfg)).filter((r) => r.kind === T.PIECE && r.from === 0 && r.y === 16384).map((r) => r.time);
    let gap = Infinity;
    for (let i = 1; i < sends.length; i++) gap = Math.min(gap, sends[i]! - sends[i - 1]!);
    return gap;
  }

  it('uploadRateLimit caps a peer below its upload capacity; 0 means unlimited, as in libtorrent and qBittorrent', () => {
    expect(tightestGap(limitedSwarm({ uploadRateLimit: 64 * KiB }))).toBe(transferTime(16384, 64 * KiB));
    expect(tightestGap(limitedSwarm({ uploadRateLimit: 0 }))).toBe(transferTime(16384, 256 * KiB));
    expect(tightestGap(limitedSwarm({}))).toBe(transferTime(16384, 256 * KiB));
  });

  it('downloadRateLimit caps what a peer receives; 0 means unlimited', () => {
    const cfg = (limit: number) =>
      swarm([peer('seed', { seed: true, upload: 512 * KiB }), peer('L', { upload: 0, settings: { downloadRateLimit: limit } })], { pieces: 8, pieceLength: 32 * KiB });
    const arrivals = (limit: number) => all(run(cfg(limit))).filter((r) => r.kind === T.RECEIVED && r.to === 1).map((r) => r.time);
    const capped = arrivals(32 * KiB);
    for (let i = 1; i < capped.length; i++) expect(capped[i]! - capped[i - 1]!).toBeGreaterThanOrEqual(transferTime(16384, 32 * KiB));
    const free = arrivals(0);
    expect(free.at(-1)!).toBeLessThan(capped.at(-1)!);
  });
});

describe('seeding limits', () => {
  const seedingSwarm = (settings: { seedTimeLimit?: number; shareRatioLimit?: number }) =>
    swarm(
      [peer('seed', { seed: true, upload: 64 * KiB }), peer('A', { upload: 128 * KiB, settings }), ...leechers('L', 4, { upload: 16 * KiB, joinAt: 5 * S })],
      { pieces: 12, pieceLength: 32 * KiB, stopAt: 400 * S },
    );

  it('seedTimeLimit: a peer stops seeding (leaves) that long after it completes', () => {
    const recs = all(run(seedingSwarm({ seedTimeLimit: 7 * S + 3 })));
    const done = recs.find((r) => r.kind === T.COMPLETED && r.from === 1)!;
    const leave = recs.find((r) => r.kind === T.LEAVE && r.from === 1)!;
    expect(leave).toMatchObject({ time: done.time + 7 * S + 3, x: LEAVE_REASON.SEED_TIME });
  });

  it('shareRatioLimit: a complete peer leaves the moment its uploaded ÷ downloaded reaches the limit', () => {
    const limit = 0.75;
    const recs = all(run(seedingSwarm({ shareRatioLimit: limit })));
    const done = recs.find((r) => r.kind === T.COMPLETED && r.from === 1)!;
    const leave = recs.find((r) => r.kind === T.LEAVE && r.from === 1)!;
    expect(leave.x).toBe(LEAVE_REASON.SHARE_RATIO);
    // Bytes counted as the engine counts them: a block at its arrival (or loss), for both sides.
    let up = 0;
    let down = 0;
    let reachedAt: number | null = null;
    for (const r of recs) {
      if (r.index > leave.index) break;
      if ((r.kind === T.RECEIVED || r.kind === T.LOST) && r.from === 1) up += r.y;
      if (r.kind === T.RECEIVED && r.to === 1) down += r.y;
      if (reachedAt === null && r.index >= done.index && up >= limit * down) reachedAt = r.time;
    }
    expect(reachedAt).not.toBeNull();
    expect(leave.time).toBe(reachedAt);
    expect(up).toBeGreaterThanOrEqual(limit * down);
  });
});
