// Connectability: a peer behind NAT (`connectable: false`) opens connections but accepts none. An
// attempt to reach it fails before any handshake (an UNREACHABLE record), so two NATed peers never
// connect, and a NATed peer meets only the peers it dials itself.
import { describe, expect, it } from 'vitest';
import { T } from '../../src/engine/trace';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { all, connectionLog, pairKey, run } from './rules';

describe('peers behind NAT', () => {
  // N-1 and N-2 are behind NAT; N-2 joins after N-1 and after the open leechers, so the tracker
  // gives it N-1 and the open leechers get N-1 too.
  const cfg = swarm(
    [
      peer('seed', { seed: true, upload: 128 * KiB }),
      peer('N-1', { connectable: false, joinAt: 0 }),
      ...leechers('L', 4, { joinAt: 1 * S }),
      peer('N-2', { connectable: false, joinAt: 2 * S }),
    ],
    { pieces: 16, pieceLength: 32 * KiB },
  );
  const NAT = [1, 6];

  it('accept no connection: every connection of theirs is one they initiated; attempts to reach them fail', () => {
    const sim = run(cfg);
    const recs = all(sim);
    const log = connectionLog(sim);
    for (const c of log.connections) expect(NAT).not.toContain(c.acceptor);
    expect(log.connections.some((c) => NAT.includes(c.initiator))).toBe(true);
    for (const r of recs) if (r.kind === T.HANDSHAKE && NAT.includes(r.to)) expect(log.connections.some((c) => c.acceptor === r.from && c.initiator === r.to)).toBe(true);
    const unreachable = recs.filter((r) => r.kind === T.UNREACHABLE);
    expect(unreachable.length).toBeGreaterThan(0);
    for (const r of unreachable) expect(NAT).toContain(r.to);
    expect(sim.result().endReason).toBe('complete');
  });

  it('never connect to each other', () => {
    const recs = all(run(cfg));
    expect(recs.filter((r) => r.kind === T.HANDSHAKE && pairKey(r.from, r.to) === pairKey(1, 6))).toEqual([]);
    expect(recs.some((r) => r.kind === T.UNREACHABLE && r.from === 6 && r.to === 1)).toBe(true);
  });

  it('a NATed seed meets leechers that came after it only when it asks the tracker again (300 s)', () => {
    const late = swarm([peer('seed', { seed: true, connectable: false }), ...leechers('L', 3, { joinAt: 1 * S })], { pieces: 8, pieceLength: 32 * KiB });
    const r = run(late).result();
    for (const p of r.peers.slice(1)) expect(p.completedAt).toBeGreaterThan(300 * S);
    const open = run({ ...late, peers: late.peers.map(({ connectable: _c, ...p }) => p) }).result();
    for (const p of open.peers.slice(1)) expect(p.completedAt).toBeLessThan(300 * S);
  });
});
