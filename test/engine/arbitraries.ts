// Random small swarms for property tests (fast-check): one or two seeds, up to six leechers, random
// capacities (upload 0 included), latencies, joins, leaves and piece sizes with a shorter last piece.
import fc from 'fast-check';
import type { PeerSpec, SimConfig } from '../../src/engine/types';
import { KiB, S } from './helpers';

const peerArb = (name: string, seed: boolean, flash: boolean) =>
  fc.record({
    upload: fc.oneof(fc.constant(0), fc.integer({ min: 8 * KiB, max: 512 * KiB })),
    download: fc.option(fc.integer({ min: 16 * KiB, max: 1024 * KiB }), { nil: null }),
    latency: fc.integer({ min: 0, max: 100_000 }),
    joinAt: flash ? fc.constant(0) : fc.integer({ min: 0, max: 20 * S }),
    leaveAt: flash ? fc.constant(null) : fc.option(fc.integer({ min: 1 * S, max: 60 * S }), { nil: null }),
    leaveAfterComplete: flash ? fc.constant(null) : fc.option(fc.integer({ min: 0, max: 20 * S }), { nil: null }),
  }).map(
    (r): PeerSpec => ({
      name,
      group: name,
      seed,
      subject: false,
      investigator: false,
      upload: seed && r.upload === 0 ? 64 * KiB : r.upload,
      download: r.download,
      latency: r.latency,
      joinAt: r.joinAt,
      leaveAt: r.leaveAt !== null && r.leaveAt <= r.joinAt ? r.joinAt + 1 * S : r.leaveAt,
      leaveAfterComplete: r.leaveAfterComplete,
      client: 'mainline',
      settings: {},
    }),
  );

/** A random small swarm; `flash` = everyone joins at 0 and stays (the setting of the Kumar–Ross bound). */
export const randomSwarm = (flash: boolean) =>
  fc
    .record({
      seeds: fc.integer({ min: 1, max: 2 }),
      leechers: fc.integer({ min: 1, max: 6 }),
      pieceBlocks: fc.constantFrom(1, 2, 4),
      pieces: fc.integer({ min: 1, max: 10 }),
      tail: fc.integer({ min: 1, max: 65536 }),
      seed: fc.integer({ min: 0, max: 0xffffffff }),
      stopAt: flash ? fc.constant(null) : fc.option(fc.integer({ min: 5 * S, max: 120 * S }), { nil: null }),
    })
    .chain((s) =>
      fc
        .tuple(
          fc.tuple(...Array.from({ length: s.seeds }, (_, i) => peerArb(`S-${i + 1}`, true, flash))),
          fc.tuple(...Array.from({ length: s.leechers }, (_, i) => peerArb(`L-${i + 1}`, false, flash))),
        )
        .map(([seeds, leechers]): SimConfig => {
          const pieceLength = s.pieceBlocks * 16 * KiB;
          const size = (s.pieces - 1) * pieceLength + Math.min(pieceLength, s.tail);
          return {
            name: 'random swarm',
            seed: s.seed,
            torrent: { pieceLength, pieces: s.pieces, size, files: null },
            stopAt: s.stopAt,
            peers: [...seeds, ...leechers],
            events: [],
          };
        }),
    );

/** A random small swarm with one subject (mostly a leecher, so it downloads and uploads; sometimes a seed). */
export const randomSwarmWithSubject = fc.tuple(randomSwarm(false), fc.nat()).map(([config, pick]): SimConfig => {
  const peers = config.peers.slice();
  const seeds = peers.filter((p) => p.seed).length;
  const at = pick % 4 === 0 ? pick % peers.length : seeds + (pick % (peers.length - seeds));
  peers[at] = { ...peers[at]!, subject: true };
  return { ...config, name: 'random swarm with a subject', peers };
});

/**
 * A random small swarm with the protocol extensions mixed in per peer: the BEP 6 fast extension (with
 * allowed fast and sometimes suggest), BEP 11 PEX, corrupt data (always or with a probability, never
 * from every seed at once), a ban threshold, and peers behind NAT.
 */
export const randomExtendedSwarm = fc
  .tuple(
    randomSwarm(false),
    fc.array(
      fc.record({
        fast: fc.boolean(),
        pex: fc.boolean(),
        suggest: fc.constantFrom(0, 0, 1, 3),
        allowed: fc.constantFrom(0, 2, 5),
        corrupt: fc.constantFrom(0, 0, 0, 0.3, 1),
        ban: fc.integer({ min: 1, max: 4 }),
        connectable: fc.boolean(),
      }),
      { minLength: 8, maxLength: 8 },
    ),
  )
  .map(([config, ext]): SimConfig => {
    const peers = config.peers.map((p, i): PeerSpec => {
      const e = ext[i]!;
      // The first seed stays honest and reachable, so that every piece can still be had.
      const first = i === 0;
      return {
        ...p,
        connectable: first || e.connectable,
        ...(first || e.corrupt === 0 ? {} : { corrupt: e.corrupt }),
        settings: { fastExtension: e.fast, pex: e.pex, suggestPieces: e.suggest, allowedFastSetSize: e.allowed, banAfterHashFailures: e.ban },
      };
    });
    return { ...config, name: 'random extended swarm', peers };
  });
