// Notable events in words: each sentence is a fact the trace proves, told once.
import { describe, expect, it } from 'vitest';
import { NotableEvents } from '../../src/analysis/notable';
import { Sim } from '../../src/engine/sim';
import { records, T } from '../../src/engine/trace';
import { flashCrowd, S } from '../engine/helpers';

describe('notable events', () => {
  it('tell each peer’s first upload with how many pieces it was still missing, as the trace shows', () => {
    const config = flashCrowd(4, { pieces: 12 });
    const sim = new Sim(config);
    sim.run();
    const notable = new NotableEvents(config).feed(sim.trace);
    const firstUploads = notable.filter((n) => n.text.includes(' sent '));
    const senders = new Set<number>();
    for (const r of records(sim.trace)) if (r.kind === T.PIECE) senders.add(r.from);
    expect(firstUploads.length).toBe(senders.size);
    for (const told of firstUploads) {
      const sent = [...records(sim.trace, told.index)][0]!;
      expect(sent.kind).toBe(T.PIECE);
      const verifiedBefore = [...records(sim.trace)].filter((r) => r.index < told.index && r.kind === T.VERIFIED && r.from === sent.from).length;
      const missing = config.peers[sent.from]!.seed ? 0 : 12 - verifiedBefore;
      const name = config.peers[sent.from]!.name;
      expect(told.text.startsWith(`${name} sent`)).toBe(true);
      if (missing > 0) expect(told.text).toContain(`still missing ${missing} piece`);
    }
    // Leechers trade while leeching: at least one sentence says so.
    expect(firstUploads.some((n) => n.text.includes('still missing'))).toBe(true);
  });

  it('tell every completion and departure once, and fed again from a shorter trace start over', () => {
    const config = flashCrowd(3, { pieces: 8, stopAt: 30 * S });
    config.peers[1] = { ...config.peers[1]!, leaveAfterComplete: 5 * S };
    const sim = new Sim(config);
    sim.runUntil(20 * S);
    const events = new NotableEvents(config);
    const early = events.feed(sim.trace);
    sim.run();
    const later = events.feed(sim.trace);
    const all = [...early, ...later];
    expect(all.filter((n) => n.text.includes('completed the download')).length).toBe(3);
    expect(all.some((n) => n.text.startsWith(`${config.peers[1]!.name} left after seeding`))).toBe(true);
    expect(new Set(all.map((n) => n.index)).size).toBe(all.length);
    sim.seek(2 * S);
    const again = events.feed(sim.trace);
    expect(events.position).toBe(sim.trace.length);
    expect(again.every((n) => n.time <= 2 * S)).toBe(true);
  });
});
