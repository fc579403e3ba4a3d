// The engine's contract with the rest of swarmscope: what it is given (SimConfig, already validated and
// resolved to integer units by src/scenario/) and what it reports (SimResult). Times are integer
// microseconds, sizes integer bytes, rates integer bytes per second.

/** Seed-side choking algorithms a peer can be set to use once it has the whole file. */
export type SeedChoker = 'mainline' | 'round-robin' | 'fastest-upload';

/**
 * Per-peer overrides of the client profile, named as users know them from real clients.
 * Times in µs. Unset fields take the profile's value.
 */
export interface PeerSettings {
  unchokeInterval?: number;
  optimisticUnchokeInterval?: number;
  snubTimeout?: number;
  maxUploads?: number;
  seedChoker?: SeedChoker;
  /**
   * Bytes/s the client is set to send at most (libtorrent/qBittorrent's upload rate limit): 0 means
   * unlimited, as in those clients (and mainline); the peer's `upload` capacity still applies. A peer
   * that truly sends nothing is `upload: 0`.
   */
  uploadRateLimit?: number;
  /** Bytes/s the client is set to receive at most; 0 = unlimited; `download` capacity still applies. */
  downloadRateLimit?: number;
  /** Stop seeding (leave) once uploaded ÷ downloaded reaches this, counted from completion (qBittorrent's share ratio limit). */
  shareRatioLimit?: number;
  /** Stop seeding (leave) this many µs after holding every piece (qBittorrent's seeding time limit). */
  seedTimeLimit?: number;
  /** Which new piece to start: rarest first (the default, after random first) or at random throughout. */
  pieceSelection?: PieceSelection;
  /**
   * libtorrent's predictive_piece_announce, in µs (0 = off): a have goes out before the piece is
   * complete and hash-checked, once its remaining blocks, all requested from one peer, should arrive
   * within this time at that peer's current rate.
   */
  predictivePieceAnnounce?: number;
  /** Lazy bitfield (Azureus, uTorrent): hide some pieces in the first bitfield, announce them with have right after. */
  lazyBitfield?: boolean;
  /** BEP 16 super-seeding (an initial seed only): show nothing, offer each peer one piece at a time. */
  superSeeding?: boolean;
  /** BEP 6 fast extension (have all/none, reject, allowed fast, suggest) when both ends enable it. */
  fastExtension?: boolean;
  /** BEP 6 allowed-fast set size k; 0 = offer none. */
  allowedFastSetSize?: number;
  /** BEP 6: pieces a seed suggests to each peer that lacks some (0 = none). */
  suggestPieces?: number;
  /** BEP 11 peer exchange when both ends enable it. */
  pex?: boolean;
  /** Ban a peer once it has been involved in this many pieces that failed the hash check here. */
  banAfterHashFailures?: number;
}

export type PieceSelection = 'rarest-first' | 'random';

export interface PeerSpec {
  /** Unique name; `count` groups are already expanded to `name-1` … `name-N`. */
  name: string;
  /** Name of the scenario entry this peer came from (the group name for `count` entries). */
  group: string;
  seed: boolean;
  subject: boolean;
  /**
   * A monitoring client, as forensic firms run them: it connects only to the subject (whenever the
   * subject is present and they are not connected) and accepts no connection from anyone else.
   */
  investigator: boolean;
  /** Upload capacity in bytes/s; 0 = sends no piece at all (still advertises). */
  upload: number;
  /** Download capacity in bytes/s; null = unlimited. */
  download: number | null;
  /** This peer's share of a connection's one-way latency, µs (a connection's latency is the sum of both ends'). */
  latency: number;
  /** µs */
  joinAt: number;
  /** µs or null */
  leaveAt: number | null;
  /** µs of seeding after completion, then leave; null = stay. */
  leaveAfterComplete: number | null;
  /** Instead of a fixed leaveAfterComplete: a seeding time drawn for this peer (stream peer/<name>/seeding). */
  seedingTime?: SeedingTime;
  /** Instead of joinAt: the group joins as this process does (stream arrivals/<group>). */
  arrival?: ArrivalProcess;
  /** Client profile name (see src/engine/profiles.ts). */
  client: string;
  settings: PeerSettings;
  /** Behind NAT when false: opens connections but accepts none (absent = true). */
  connectable?: boolean;
  /** Probability (0 … 1) that a block this peer sends is corrupt, drawn per block (absent = 0). */
  corrupt?: number;
}

export interface FileSpec {
  path: string;
  length: number;
  /** The scenario marks it as one of the works in question: carried to the report, ignored by the run. */
  inQuestion?: true;
}

export interface TorrentSpec {
  /** Bytes, a multiple of 16 KiB. */
  pieceLength: number;
  pieces: number;
  /** Total bytes; the last piece holds size - (pieces - 1) * pieceLength bytes. */
  size: number;
  /** Multi-file layout, laid end to end in this order; null for a single file. */
  files: FileSpec[] | null;
}

export type ScriptedAction = 'leave' | 'join' | 'set';

export interface ScriptedEvent {
  /** µs */
  at: number;
  /** Index into SimConfig.peers. */
  peer: number;
  action: ScriptedAction;
  /** For 'set': the settings that change from then on (merged over the peer's current ones). */
  settings?: PeerSettings;
}

/** Members of a group joining as a Poisson process (dynamics.ts) instead of at joinAt. */
export interface ArrivalProcess {
  process: 'poisson';
  /** Arrivals per second (the group's members join one after another, from the entry's joinAt). */
  rate: number;
  /** µs: members whose turn would come later never join; null = every member joins. */
  until: number | null;
}

/** Seeding time after completion drawn per peer (dynamics.ts). */
export interface SeedingTime {
  distribution: 'exponential';
  /** µs */
  mean: number;
}

export interface SimConfig {
  name: string;
  /** uint32 */
  seed: number;
  torrent: TorrentSpec;
  /** µs, or null: run until every present peer has completed (capped at 24 h). */
  stopAt: number | null;
  peers: PeerSpec[];
  events: ScriptedEvent[];
}

/** Wire message names as they appear in result files (BEP 3 spelling, snake_case). */
export const MESSAGE_NAMES = [
  'handshake',
  'bitfield',
  'have',
  'interested',
  'not_interested',
  'choke',
  'unchoke',
  'request',
  'piece',
  'cancel',
  // BEP 6 (fast extension) and BEP 11 (peer exchange): added after the BEP 3 names, never renamed.
  'suggest',
  'have_all',
  'have_none',
  'reject',
  'allowed_fast',
  'pex',
] as const;
export type MessageName = (typeof MESSAGE_NAMES)[number];

export interface PeerResult {
  name: string;
  seed: boolean;
  subject: boolean;
  upload: number;
  download: number | null;
  /** µs or null (never joined) */
  joinedAt: number | null;
  leftAt: number | null;
  completedAt: number | null;
  /** Piece payload bytes this peer sent that arrived or were lost (counted at arrival; blocks still in flight at the end are in neither total). */
  uploadedBytes: number;
  /** Piece payload bytes that arrived at this peer, duplicates included. */
  downloadedBytes: number;
  /** Pieces verified at the end (the seed's initial pieces included). */
  piecesHave: number;
}

export interface SimResult {
  /** µs */
  endTime: number;
  /**
   * Why the run ended: stopAt reached; every present peer complete; the 24 h cap; nothing left to
   * happen (everyone left); stalled (no stopAt, no block for 60 s and no present peer can get any
   * piece it lacks); 'running' while it has not ended.
   */
  endReason: 'stopAt' | 'complete' | 'cap' | 'idle' | 'stalled' | 'running';
  peers: PeerResult[];
  /** Payload bytes of blocks that were sent but never arrived because a side left first. */
  lostBytes: number;
  /** Payload bytes still in flight when the run ended (neither downloaded nor lost). */
  inFlightBytes: number;
  /** Count of every wire message sent; a have broadcast counts once per recipient. */
  messages: Record<MessageName, number>;
  traceEvents: number;
}

/** Longest run without stopAt: 24 h of simulated time, in µs. */
export const MAX_SIM_TIME = 24 * 3600 * 1_000_000;

/**
 * The engine events a narration step can wait for: the scenario format (src/scenario/narration.ts)
 * accepts these names and the analysis (src/analysis/narration.ts) finds them in the trace.
 */
export const NARRATION_EVENTS = [
  'join',
  'leave',
  'complete',
  'first-upload',
  'unchoke',
  'choke',
  'optimistic-unchoke',
  'rechoke',
  'verified',
  'cancel',
  'banned',
  'replication',
] as const;
