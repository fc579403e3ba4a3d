// The investigator: a monitoring client that connects only to the subject and downloads from it alone,
// as forensic firms do.
import { describe, expect, it } from 'vitest';
import { records, T } from '../../src/engine/trace';
import { KiB, leechers, peer, S, swarm } from './helpers';
import { run } from './rules';

const config = (investigatorJoinAt = 0, subjectJoinAt = 0) =>
  swarm(
    [
      peer('seed', { seed: true, upload: 128 * KiB }),
      peer('subject', { subject: true, upload: 64 * KiB, joinAt: subjectJoinAt }),
      // The leechers join after the investigator, so the tracker tells them about it.
      ...leechers('L', 5, { joinAt: 1 * S }),
      peer('inv', { investigator: true, upload: 0, joinAt: investigatorJoinAt }),
    ],
    { pieces: 12, pieceLength: 32 * KiB, stopAt: 200 * S },
  );
const SUBJECT = 1;
const INV = 7;

describe('the investigator', () => {
  it('opens a connection to the subject only, and refuses every other peer', () => {
    const sim = run(config());
    const recs = [...records(sim.trace)];
    const initiated = recs.filter((r) => r.kind === T.HANDSHAKE && r.from === INV).map((r) => r.to);
    expect(initiated.length).toBeGreaterThan(0);
    expect(new Set(initiated)).toEqual(new Set([SUBJECT]));
    // Others that try to connect to it are refused; it never answers anyone else's handshake.
    const answered = recs.filter((r) => r.kind === T.HANDSHAKE && r.from === INV && r.to !== SUBJECT);
    expect(answered).toEqual([]);
    const tried = recs.filter((r) => r.kind === T.HANDSHAKE && r.to === INV && r.from !== SUBJECT).length;
    const refused = recs.filter((r) => r.kind === T.REFUSED && r.from === INV).length;
    expect(tried).toBeGreaterThan(0);
    expect(refused).toBe(tried);
  });

  it('gets every block it holds from the subject', () => {
    const sim = run(config());
    const senders = new Set([...records(sim.trace)].filter((r) => r.kind === T.RECEIVED && r.to === INV).map((r) => r.from));
    expect(senders).toEqual(new Set([SUBJECT]));
    expect(sim.result().peers[INV]!.downloadedBytes).toBeGreaterThan(0);
  });

  it('connects to a subject that joins after it within one rechoke period', () => {
    const joinAt = 40 * S + 123;
    const sim = run(config(0, joinAt));
    const first = [...records(sim.trace)].find((r) => r.kind === T.HANDSHAKE && r.from === INV);
    expect(first).toBeDefined();
    expect(first!.to).toBe(SUBJECT);
    expect(first!.time).toBeGreaterThanOrEqual(joinAt);
    expect(first!.time).toBeLessThanOrEqual(joinAt + 10 * S);
  });
});
