// Scenarios the tests load: a run of a few thousand events (one seed, the subject and three leechers)
// and a busy one (app unit tests through test/app/context.ts, browser tests directly).
export const smallSwarm = {
  name: 'Small swarm',
  seed: 1,
  torrent: { pieceLength: 262144, pieces: 16 },
  peers: [
    { name: 'origin', seed: true, upload: 1_000_000 },
    { name: 'subject', subject: true, upload: 200_000 },
    { name: 'leecher', count: 3, upload: 300_000 },
  ],
};

/** A swarm too busy for one frame's engine budget at high speed (200 leechers, 200 pieces): its runs take many slices. */
export const busySwarm = {
  name: 'Busy',
  seed: 2,
  torrent: { pieceLength: 262144, pieces: 200 },
  peers: [
    { name: 'seed', seed: true, upload: 8_000_000 },
    { name: 'L', count: 200, upload: 2_000_000 },
  ],
};
