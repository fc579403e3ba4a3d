// The scenario tests load when they need a run of a few thousand events: one seed, the subject and
// three leechers (app unit tests through test/app/context.ts, browser tests directly).
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
