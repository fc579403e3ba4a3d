// The investigator's log: what a monitoring client connected to the subject saw, with times.
import { describe, expect, it } from 'vitest';
import { investigatorLogs } from '../../src/analysis/investigator';
import { records, T } from '../../src/engine/trace';
import { KiB, leechers, peer, S, swarm } from '../engine/helpers';
import { run } from '../engine/rules';

describe('the investigator log', () => {
  it('a subject that is the only seed: the investigator sees its full bitfield, no have, and downloads the whole file from it', () => {
    const cfg = swarm([peer('subject', { seed: true, subject: true, upload: 64 * KiB }), peer('inv', { investigator: true, upload: 0 })], {
      pieces: 6,
      pieceLength: 32 * KiB,
      size: 5 * 32 * KiB + 1000,
    });
    const sim = run(cfg);
    const [log] = investigatorLogs(cfg, sim.geometry, sim.trace, sim.now);
    const lat = cfg.peers[0]!.latency + cfg.peers[1]!.latency;
    expect(log!.name).toBe('inv');
    expect(log!.handshakes).toEqual([{ sentAt: 0, answeredAt: (2 * lat) / 1e6 }]);
    expect(log!.bitfield).toEqual({ at: (2 * lat) / 1e6, pieces: 6 });
    expect(log!.haves).toEqual([]);
    expect(log!.bytes).toBe(cfg.torrent.size);
    expect(log!.piecesTouched).toBe(6);
    expect(log!.verifiedPieces).toBe(6);
    expect(log!.completedAt).toBe(sim.result().peers[1]!.completedAt! / 1e6);
    // One entry per block, with its piece and offset: the last piece is one short block.
    expect(log!.blocks.map((b) => b.bytes).reduce((a, b) => a + b, 0)).toBe(cfg.torrent.size);
    expect(log!.blocks.filter((b) => b.piece === 5)).toEqual([expect.objectContaining({ begin: 0, bytes: 1000 })]);
  });

  it('a subject that is still downloading: every have the investigator logs is for a piece the subject had verified one latency earlier', () => {
    const cfg = swarm(
      [
        peer('seed', { seed: true, upload: 96 * KiB }),
        peer('subject', { subject: true, upload: 48 * KiB }),
        ...leechers('L', 4, { joinAt: 1 * S }),
        peer('inv', { investigator: true, upload: 0, joinAt: 2 * S }),
      ],
      { pieces: 16, pieceLength: 32 * KiB, stopAt: 120 * S },
    );
    const sim = run(cfg);
    const [log] = investigatorLogs(cfg, sim.geometry, sim.trace, sim.now);
    const lat = cfg.peers[1]!.latency + cfg.peers[6]!.latency;
    const verifiedAt = new Map<number, number>();
    for (const r of records(sim.trace)) if (r.kind === T.VERIFIED && r.from === 1) verifiedAt.set(r.x, r.time);
    expect(log!.haves.length).toBeGreaterThan(0);
    for (const h of log!.haves) expect(h.at).toBe((verifiedAt.get(h.piece)! + lat) / 1e6);
    // The bitfield and the haves together announce each piece at most once.
    const announced = log!.haves.map((h) => h.piece);
    expect(new Set(announced).size).toBe(announced.length);
    expect((log!.bitfield?.pieces ?? 0) + announced.length).toBeLessThanOrEqual(16);
    // Everything it logged as received came from the subject, and nothing else reached it.
    const fromOthers = [...records(sim.trace)].filter((r) => r.kind === T.RECEIVED && r.to === 6 && r.from !== 1);
    expect(fromOthers).toEqual([]);
    expect(log!.bytes).toBe(sim.result().peers[6]!.downloadedBytes);
  });
});
