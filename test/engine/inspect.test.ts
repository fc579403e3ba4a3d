import { describe, expect, it } from 'vitest';
import { inspectPeer, PIECE_HAVE, PIECE_STARTED, pieceStates, roleOf } from '../../src/engine/inspect';
import { Sim } from '../../src/engine/sim';
import { readHalf } from '../../src/engine/ends';
import { flashCrowd, KiB, peer, S, swarm } from './helpers';

const config = flashCrowd(5, { pieces: 20, pieceLength: 64 * KiB });

describe('a read-only view of a peer', () => {
  it('copies the live state: pieces, totals and the four flags of every connection', () => {
    const sim = new Sim(config);
    sim.seek(12 * S);
    for (let id = 0; id < config.peers.length; id++) {
      const view = inspectPeer(sim, id);
      const p = sim.state.peers[id]!;
      expect(view).toMatchObject({ id, name: config.peers[id]!.name, haveCount: p.haveCount, pieces: 20, uploadedBytes: p.uploadedBytes, downloadedBytes: p.downloadedBytes, status: 'active' });
      expect(view.connections.map((c) => c.half)).toEqual(p.conns);
      for (const c of view.connections) {
        const h = readHalf(sim.state, c.half);
        expect(c).toMatchObject({ remote: h.remote, amChoking: h.amChoking, amInterested: h.amInterested, peerChoking: h.peerChoking, peerInterested: h.peerInterested });
        expect(c.downloadRate).toBeGreaterThanOrEqual(0);
      }
      expect(view.downloadRate).toBeCloseTo(view.connections.reduce((sum, c) => sum + c.downloadRate, 0), 9);
      expect(view.ratio).toBe(p.downloadedBytes > 0 ? p.uploadedBytes / p.downloadedBytes : null);
    }
    // Some leecher is downloading at 12 s, so the rates are not all zero.
    expect(Math.max(...config.peers.map((_, id) => inspectPeer(sim, id).downloadRate))).toBeGreaterThan(0);
  });

  it('never changes the run: a run inspected at every step has the trace of one that was not', () => {
    const watched = new Sim(config);
    const states = new Uint8Array(20);
    while (watched.step()) {
      for (let id = 0; id < config.peers.length; id++) {
        inspectPeer(watched, id);
        pieceStates(watched, id, states);
      }
    }
    const plain = new Sim(config);
    plain.run();
    expect(watched.traceHash()).toBe(plain.traceHash());
  });

  it('tells held, started and missing pieces apart', () => {
    const sim = new Sim(config);
    sim.seek(8 * S);
    const states = pieceStates(sim, 2, new Uint8Array(20));
    expect(states.filter((s) => s === PIECE_HAVE).length).toBe(sim.peerPieces(2));
    expect(states.filter((s) => s === PIECE_STARTED).length).toBe(sim.state.peers[2]!.partial.length);
    expect(pieceStates(sim, 0, new Uint8Array(20)).every((s) => s === PIECE_HAVE)).toBe(true);
  });

  it('names the role the scene draws', () => {
    const c = swarm([peer('s', { seed: true }), peer('x', { subject: true }), peer('i', { investigator: true }), peer('l')]);
    expect(c.peers.map((_, i) => roleOf(c, i))).toEqual(['seed', 'subject', 'investigator', 'leecher']);
  });
});
