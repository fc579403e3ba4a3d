// The lean provenance tracker the scene follows agrees with the ledger's lineage, incrementally and
// after the run goes back.
import { describe, expect, it } from 'vitest';
import { consume, createLedger } from '../../src/analysis/ledger';
import { blockFromSubject, createLineage, followLineage, pieceFromSubject } from '../../src/analysis/provenance';
import { Sim } from '../../src/engine/sim';
import { leechers, peer, swarm, KiB, S } from '../engine/helpers';

function config() {
  return swarm(
    [peer('seed', { seed: true, upload: 256 * KiB }), peer('subject', { subject: true, upload: 128 * KiB }), ...leechers('L', 6)],
    { pieces: 24, pieceLength: 64 * KiB },
  );
}

describe('the provenance tracker', () => {
  it('marks the same copies as the ledger, read in pieces as the scene reads it', () => {
    const sim = new Sim(config());
    const lineage = createLineage(sim.config);
    while (!sim.done) {
      sim.runUntil(sim.now + 2 * S);
      followLineage(lineage, sim.trace);
    }
    const ledger = createLedger(sim.config);
    consume(ledger, sim.trace);
    const { blockIds, blocksPerPiece } = ledger.g;
    let fromSubject = 0;
    for (let p = 0; p < sim.config.peers.length; p++) {
      for (let b = 0; b < blockIds; b++) {
        const expected = ledger.lineage[p * blockIds + b] === 1;
        expect(blockFromSubject(lineage, p, b)).toBe(expected);
        if (expected) fromSubject++;
        if (expected) expect(pieceFromSubject(lineage, p, Math.floor(b / blocksPerPiece))).toBe(true);
      }
    }
    expect(fromSubject).toBeGreaterThan(0);
  });

  it('starts again when the run goes back before what it read', () => {
    const sim = new Sim(config());
    const lineage = createLineage(sim.config);
    sim.runUntil(20 * S);
    followLineage(lineage, sim.trace);
    const later = lineage.copy.slice();
    sim.seek(5 * S);
    followLineage(lineage, sim.trace);
    const fresh = createLineage(sim.config);
    followLineage(fresh, sim.trace);
    expect(lineage.copy).toEqual(fresh.copy);
    expect(lineage.copy).not.toEqual(later);
  });
});
