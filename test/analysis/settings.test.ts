// The subject report when the subject shows its pieces in the ways client settings allow
// (src/engine/advertise.ts, superseed.ts): haves on one connection, a lazy bitfield's hidden pieces,
// haves before the hash check.
import { describe, expect, it } from 'vitest';
import { subjectReport } from '../../src/analysis/report';
import type { PeerSettings, SimConfig } from '../../src/engine/types';
import { KiB, leechers, peer, swarm } from '../engine/helpers';
import { run } from '../engine/rules';

function withSubject(seed: boolean, settings: PeerSettings): SimConfig {
  const subject = peer('S', { subject: true, seed, upload: 64 * KiB, settings });
  const others = seed ? [] : [peer('seed', { seed: true, upload: 128 * KiB })];
  return swarm([...others, subject, ...leechers('L', 5, { upload: 32 * KiB })], { pieces: 16, pieceLength: 32 * KiB });
}

describe('advertised, with client settings', () => {
  it('a lazy bitfield lists only the pieces it showed; the haves after it go to that one peer', () => {
    const report = subjectReport(run(withSubject(true, { lazyBitfield: true })))!;
    const msgs = report.advertised.messages;
    const bitfields = msgs.filter((m) => m.kind === 'bitfield');
    expect(bitfields.length).toBeGreaterThan(0);
    for (const b of bitfields) {
      expect(b.pieces).toHaveLength(12);
      const after = msgs.slice(msgs.indexOf(b) + 1, msgs.indexOf(b) + 5);
      expect(after.every((h) => h.kind === 'have' && h.at === b.at && h.to.length === 1 && h.to[0] === b.to[0])).toBe(true);
      expect([...b.pieces, ...after.flatMap((h) => h.pieces)].sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    }
    expect(report.advertised.haveRecipientsMismatch).toBe(0);
  });

  it('a super-seed sends no bitfield, and each of its haves (offers) goes to one peer', () => {
    const report = subjectReport(run(withSubject(true, { superSeeding: true })))!;
    expect(report.advertised.bitfields).toBe(0);
    expect(report.advertised.messages.length).toBeGreaterThanOrEqual(16);
    for (const m of report.advertised.messages) expect(m).toMatchObject({ kind: 'have', verified: true });
    for (const m of report.advertised.messages) expect(m.to).toHaveLength(1);
    expect(report.advertised.haves).toBe(report.advertised.messages.length);
    expect(report.advertised.haveRecipientsMismatch).toBe(0);
  });

  it('a have sent before the hash check (predictivePieceAnnounce) is marked not verified', () => {
    const report = subjectReport(run(withSubject(false, { predictivePieceAnnounce: 2_000_000 })))!;
    const haves = report.advertised.messages.filter((m) => m.kind === 'have');
    expect(haves.some((m) => !m.verified)).toBe(true);
    const plain = subjectReport(run(withSubject(false, {})))!;
    expect(plain.advertised.messages.every((m) => m.verified)).toBe(true);
  });
});
