// Limits and defaults of the scenario format, shared by the schema, the cross-field rules and resolution.

/** BEP 3 blocks are 16 KiB; a piece is a whole number of blocks. */
export const BLOCK_SIZE = 16384;

export const LIMITS = {
  nameLength: 200,
  descriptionLength: 5000,
  peerNameLength: 100,
  filePathLength: 1000,
  /** A torrent's own name (`torrent.name`, from a .torrent file). */
  torrentNameLength: 1000,
  /** Files of a multi-file torrent: a bulk dataset has thousands; the browser lists them all. */
  maxFiles: 100_000,
  maxPieceLength: 64 * 1024 * 1024,
  maxPieces: 100_000,
  maxCount: 10_000,
  /** Expanded peers; the trace stores peer ids as u16 and the browser needs a cap anyway. */
  maxPeers: 5000,
  /** Entries in the file's `events` array. */
  maxEvents: 10_000,
  /** Scripted events after group events are expanded (one per member). */
  maxExpandedEvents: 100_000,
  maxLatency: 10,
  maxMaxUploads: 100,
  /** Keeps every time a safe integer once it is in µs (about 31.7 years). */
  maxSeconds: 1e9,
  maxSeed: 0xffff_ffff,
  /** BEP 6: pieces in the allowed-fast set, and pieces a seed suggests to each peer. */
  maxAllowedFast: 100,
  maxSuggest: 100,
  maxHashFailures: 1000,
  /** Narration: steps, their text and title, pieces one step highlights, and a trigger's `count`. */
  maxNarrationSteps: 500,
  narrationTextLength: 2000,
  narrationTitleLength: 100,
  maxHighlight: 1000,
  maxTriggerCount: 1_000_000,
  /** The picker's labels: `tags` per scenario and the characters of each. */
  maxTags: 20,
  tagLength: 40,
} as const;

export const DEFAULTS = {
  seed: 1,
  upload: 131072,
  latency: 0.025,
  joinAt: 0,
  client: 'mainline',
} as const;

/** Client profiles the engine knows (src/engine/profiles.ts; a test keeps the two lists equal). */
export const KNOWN_CLIENTS = ['mainline', 'freerider', 'libtorrent'] as const;

export const SEED_CHOKERS = ['mainline', 'round-robin', 'fastest-upload'] as const;

export const PIECE_SELECTIONS = ['rarest-first', 'random'] as const;

/** Who a scenario is written for (`audience`, shown by the app's picker). */
export const AUDIENCES = ['students', 'lawyers', 'teachers'] as const;
