// The subject report over random swarms with the protocol extensions (BEP 6, PEX, corrupt peers and
// bans, NAT), every peer in turn as the subject: a ban closes a connection as a leave does, so the
// rebuilt connections still give every have its recorded recipient count, and the bytes still add up.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { subjectReport } from '../../src/analysis/report';
import { randomExtendedSwarm } from '../engine/arbitraries';
import { run } from '../engine/rules';

describe('subject report with the protocol extensions', () => {
  it('resolves every have to its recipients and accounts for every byte the subject sent', () => {
    fc.assert(
      fc.property(randomExtendedSwarm, (cfg) => {
        const sim = run(cfg);
        const result = sim.result();
        cfg.peers.forEach((_, s) => {
          const config = { ...cfg, peers: cfg.peers.map((x, i) => ({ ...x, subject: i === s })) };
          const report = subjectReport({ config, trace: sim.trace, result })!;
          expect(report.advertised.haveRecipientsMismatch).toBe(0);
          expect(report.uploaded.bytes + report.uploaded.lostBytes).toBe(result.peers[s]!.uploadedBytes);
        });
      }),
      { numRuns: 40 },
    );
  });
});
