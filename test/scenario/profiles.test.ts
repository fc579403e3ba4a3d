// Scenario keys for client profiles, advertising settings and swarm dynamics: how they are written in a
// file, what the engine gets, and the errors for what is wrong.
import { describe, expect, it } from 'vitest';
import { Sim } from '../../src/engine/sim';
import { records, T } from '../../src/engine/trace';
import { base, config, errorAt } from './helpers';

describe('client profiles and settings in a scenario', () => {
  it('"client": "libtorrent" runs the libtorrent profile (a rechoke every 15 s)', () => {
    const s = base();
    s.stopAt = 40;
    s.peers[1] = { name: 'L', count: 3, client: 'libtorrent' };
    const cfg = config(s);
    expect(cfg.peers[1]!.client).toBe('libtorrent');
    const sim = new Sim(cfg, { checkpointEvery: 0 });
    sim.run();
    const ticks = [...records(sim.trace)].filter((r) => r.kind === T.RECHOKE && r.from === 1).map((r) => r.time);
    expect(ticks).toContain(15_000_000);
    expect(ticks).toContain(30_000_000);
  });

  it('pieceSelection, predictivePieceAnnounce (seconds, in µs), lazyBitfield and superSeeding go to the engine', () => {
    const s = base();
    s.peers[0] = { name: 'seed', seed: true, settings: { superSeeding: true, lazyBitfield: false } };
    s.peers[1] = { name: 'L', settings: { pieceSelection: 'random', predictivePieceAnnounce: 0.2, lazyBitfield: true } };
    const cfg = config(s);
    expect(cfg.peers[0]!.settings).toEqual({ superSeeding: true, lazyBitfield: false });
    expect(cfg.peers[1]!.settings).toEqual({ pieceSelection: 'random', predictivePieceAnnounce: 200_000, lazyBitfield: true });
  });

  it('settings values are checked, and super-seeding needs a seed', () => {
    const s = base();
    s.peers[1] = { name: 'L', settings: { pieceSelection: 'sequential' } };
    expect(errorAt(s, 'peers[1].settings.pieceSelection')).toBe('expected one of "rarest-first", "random", got "sequential"');
    s.peers[1] = { name: 'L', settings: { predictivePieceAnnounce: -1 } };
    expect(errorAt(s, 'peers[1].settings.predictivePieceAnnounce')).toMatch(/got -1$/);
    s.peers[1] = { name: 'L', settings: { lazyBitfield: 'yes' } };
    expect(errorAt(s, 'peers[1].settings.lazyBitfield')).toBe('expected true or false, got "yes"');
    s.peers[1] = { name: 'L', settings: { superSeeding: true } };
    expect(errorAt(s, 'peers[1].settings.superSeeding')).toMatch(/^expected superSeeding only on a peer with "seed": true/);
  });
});

describe('dynamics in a scenario', () => {
  it('"arrivals" makes a group arrive as a Poisson process (rate per second, optional until in seconds)', () => {
    const s = base();
    s.peers[1] = { name: 'L', count: 3, joinAt: 5, arrivals: { process: 'poisson', rate: 0.5, until: 60 } };
    const cfg = config(s);
    expect(cfg.peers[1]).toMatchObject({ joinAt: 5_000_000, arrival: { process: 'poisson', rate: 0.5, until: 60_000_000 } });
    s.peers[1] = { name: 'L', count: 3, arrivals: { process: 'poisson', rate: 2 } };
    expect(config(s).peers[3]!.arrival).toEqual({ process: 'poisson', rate: 2, until: null });
    expect(config(base()).peers[1]!.arrival).toBeUndefined();
  });

  it('"arrivals" is checked', () => {
    const s = base();
    s.peers[1] = { name: 'L', count: 3, arrivals: { process: 'uniform', rate: 1 } };
    expect(errorAt(s, 'peers[1].arrivals.process')).toBe('expected "poisson", got "uniform"');
    s.peers[1] = { name: 'L', count: 3, arrivals: { process: 'poisson', rate: 0 } };
    expect(errorAt(s, 'peers[1].arrivals.rate')).toBe('expected a number of arrivals per second > 0, got 0');
    s.peers[1] = { name: 'L', count: 3, arrivals: { process: 'poisson' } };
    expect(errorAt(s, 'peers[1].arrivals.rate')).toBe('missing, expected a number of arrivals per second > 0');
  });

  it('"seedingTime" draws the seeding time after completion from a distribution (mean in seconds), never with leaveAfterComplete', () => {
    const s = base();
    s.peers[1] = { name: 'L', count: 3, seedingTime: { distribution: 'exponential', mean: 45 } };
    expect(config(s).peers[1]!.seedingTime).toEqual({ distribution: 'exponential', mean: 45_000_000 });
    s.peers[1] = { name: 'L', seedingTime: { distribution: 'exponential', mean: 0 } };
    expect(errorAt(s, 'peers[1].seedingTime.mean')).toMatch(/> 0, got 0$/);
    s.peers[1] = { name: 'L', leaveAfterComplete: 10, seedingTime: { distribution: 'exponential', mean: 5 } };
    expect(errorAt(s, 'peers[1].seedingTime')).toBe('expected either leaveAfterComplete (a fixed time) or seedingTime (a distribution), got both');
  });

  it('a "set" event changes settings mid-run, one event per group member', () => {
    const s = base();
    s.events = [{ at: 30, peer: 'L', action: 'set', settings: { maxUploads: 2, seedTimeLimit: 10 } }];
    const events = config(s).events;
    expect(events).toHaveLength(3);
    expect(events[0]).toEqual({ at: 30_000_000, peer: 1, action: 'set', settings: { maxUploads: 2, seedTimeLimit: 10_000_000 } });
  });

  it('a "set" event needs settings, others take none, and super-seeding cannot start mid-run', () => {
    const s = base();
    s.events = [{ at: 30, peer: 'L', action: 'set' }];
    expect(errorAt(s, 'events[0].settings')).toBe('expected "settings" (the settings that change) with "action": "set", got none');
    s.events = [{ at: 30, peer: 'L', action: 'leave', settings: { maxUploads: 2 } }];
    expect(errorAt(s, 'events[0].settings')).toBe('expected no "settings" with "action": "leave", got some');
    s.events = [{ at: 30, peer: 'seed', action: 'set', settings: { superSeeding: true } }];
    expect(errorAt(s, 'events[0].settings.superSeeding')).toMatch(/^expected superSeeding only in a peer's own settings/);
    s.events = [{ at: 30, peer: 'seed', action: 'pause' }];
    expect(errorAt(s, 'events[0].action')).toBe('expected "leave", "join" or "set", got "pause"');
  });
});
