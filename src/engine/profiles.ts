// Client profiles: the parameters a real client was set to use. A peer names a profile (`client`) and
// may override single values (`settings`). Values from ../shared/PROTOCOL.md; times in µs.
import type { PeerSettings, SeedChoker } from './types';

export interface ClientProfile {
  name: string;
  /** Rechoke period (mainline: 10 s). */
  rechokeInterval: number;
  /** All upload slots, the optimistic one included (mainline: 4). */
  uploadSlots: number;
  optimisticSlots: number;
  /** How often the optimistic unchoke moves (mainline: 30 s). */
  optimisticInterval: number;
  /** A peer connected within the last optimisticInterval is this many times as likely to be picked. */
  newPeerWeight: number;
  /** Rolling window for "who gave us the most" (mainline: 20 s). */
  rateWindow: number;
  /** No block from an interesting peer for this long: snubbed (mainline code: 30 s). */
  snubTimeout: number;
  seedChoker: SeedChoker;
  /** Mainline seed choker: peers unchoked within this window are kept first. */
  seedKeepWindow: number;
  /** Request pipeline per connection: base + perRate × rate / 16 KiB, at most cap (mainline 3.x backlog). */
  pipelineBase: number;
  pipelinePerRate: number;
  pipelineCap: number;
  /** Pick pieces at random until this many are complete. */
  randomFirst: number;
  announceInterval: number;
  trackerPeers: number;
  maxInitiate: number;
  maxAccept: number;
  /** false for a free rider: it never unchokes anyone (BitThief-like), though it connects and advertises. */
  unchokes: boolean;
  /** libtorrent round robin: a peer unchoked this long that got this many pieces' worth goes to the back. */
  roundRobinTime: number;
  roundRobinPieces: number;
  /** Which leecher choker (choker.ts for mainline, choker-libtorrent.ts for libtorrent). */
  choker: 'mainline' | 'libtorrent';
  /** libtorrent's num_optimistic_unchoke_slots = 0: max(1, uploadSlots / 5) optimistic slots. */
  autoOptimistic: boolean;
  /** The request pipeline never drops below this (libtorrent's min_request_queue). */
  pipelineMin: number;
  /** Endgame: 'all' asks every peer for every outstanding block (mainline); 'idle' only a peer with nothing outstanding (libtorrent). */
  endgame: 'all' | 'idle';
  /** µs; 0 = off (see PeerSettings.predictivePieceAnnounce). */
  predictiveAnnounce: number;
  lazyBitfield: boolean;
  superSeeding: boolean;
  /** BEP 6 fast extension offered in the handshake (used on a connection when both peers offer it). */
  fastExtension: boolean;
  /** BEP 6 allowed-fast set size k (libtorrent's allowed_fast_set_size, 5); 0 = send none. */
  allowedFastSetSize: number;
  /** BEP 6 suggest: pieces a seed suggests to each peer that lacks some (0 = none, libtorrent's default). */
  suggestPieces: number;
  /** BEP 11 peer exchange (ut_pex), used on a connection when both peers enable it. */
  pex: boolean;
  /** Hash failures a peer may be involved in at this peer before it is banned (download.ts). */
  banAfterHashFailures: number;
}

const S = 1_000_000;

const mainline: ClientProfile = {
    name: 'mainline',
    rechokeInterval: 10 * S,
    uploadSlots: 4,
    optimisticSlots: 1,
    optimisticInterval: 30 * S,
    newPeerWeight: 3,
    rateWindow: 20 * S,
    snubTimeout: 30 * S,
    seedChoker: 'mainline',
    seedKeepWindow: 20 * S,
    pipelineBase: 2,
    pipelinePerRate: 4,
    pipelineCap: 50,
    randomFirst: 4,
    announceInterval: 300 * S,
    trackerPeers: 50,
    maxInitiate: 40,
    maxAccept: 80,
    roundRobinTime: 60 * S,
    roundRobinPieces: 20,
    unchokes: true,
    choker: 'mainline',
    autoOptimistic: false,
    pipelineMin: 2,
    endgame: 'all',
    predictiveAnnounce: 0,
    lazyBitfield: false,
    superSeeding: false,
    // Mainline 3.x/4.x predates BEP 6 and BEP 11.
    fastExtension: false,
    allowedFastSetSize: 5,
    suggestPieces: 0,
    pex: false,
    banAfterHashFailures: 3,
};

/**
 * libtorrent (1.2/2.0 defaults, settings_pack): unchoke_interval 15 s, unchoke_slots_limit 8 with
 * num_optimistic_unchoke_slots 0 (automatic: a fifth of the slots, at least 1) rotated every
 * optimistic_unchoke_interval 30 s, seed_choking_algorithm round_robin with seeding_piece_quota 20,
 * request_queue_time 3 s (queue = 3 s × rate / 16 KiB, at least min_request_queue 2, at most
 * max_out_request_queue 500), a peer snubbed after request_timeout 60 s without a block,
 * initial_picker_threshold 4, num_want 200. The peer-set limits stay at mainline's (libtorrent's
 * connections_limit is per session).
 */
const libtorrent: ClientProfile = {
  ...mainline,
  name: 'libtorrent',
  rechokeInterval: 15 * S,
  uploadSlots: 8,
  optimisticSlots: 1,
  autoOptimistic: true,
  newPeerWeight: 1,
  snubTimeout: 60 * S,
  seedChoker: 'round-robin',
  pipelineBase: 0,
  pipelinePerRate: 3,
  pipelineMin: 2,
  pipelineCap: 500,
  trackerPeers: 200,
  choker: 'libtorrent',
  endgame: 'idle',
  // libtorrent speaks BEP 6 by default (allowed_fast_set_size 5, suggest_mode off).
  fastExtension: true,
};

export const PROFILES: Record<string, ClientProfile> = {
  mainline,
  /** A free rider (BitThief-like): mainline in every way except that it never unchokes anyone. */
  freerider: { ...mainline, name: 'freerider', unchokes: false },
  libtorrent,
};

export function knownProfiles(): string[] {
  return Object.keys(PROFILES);
}

/**
 * The profile a peer runs: its client's defaults with its settings on top. Built as one object literal
 * with every field, in one order: a spread of the client's defaults with fields written over it gave
 * the first dozen peers' profiles one hidden class and the rest another (V8), so that every handler
 * reading `peer.profile` met two, and optimized code built for one was thrown away when the other came.
 */
export function resolveProfile(client: string, settings: PeerSettings): ClientProfile {
  const base = PROFILES[client];
  if (!base) throw new Error(`unknown client profile "${client}" (known: ${knownProfiles().join(', ')})`);
  const uploadSlots = settings.maxUploads ?? base.uploadSlots;
  return {
    name: base.name,
    rechokeInterval: settings.unchokeInterval ?? base.rechokeInterval,
    uploadSlots,
    optimisticSlots: base.autoOptimistic
      ? Math.max(1, Math.floor(uploadSlots / 5))
      : Math.min(base.optimisticSlots, Math.max(0, uploadSlots - 1)),
    optimisticInterval: settings.optimisticUnchokeInterval ?? base.optimisticInterval,
    newPeerWeight: base.newPeerWeight,
    rateWindow: base.rateWindow,
    snubTimeout: settings.snubTimeout ?? base.snubTimeout,
    seedChoker: settings.seedChoker ?? base.seedChoker,
    seedKeepWindow: base.seedKeepWindow,
    pipelineBase: base.pipelineBase,
    pipelinePerRate: base.pipelinePerRate,
    pipelineCap: base.pipelineCap,
    // Random selection throughout: random first never ends.
    randomFirst: settings.pieceSelection === 'random' ? Infinity : base.randomFirst,
    announceInterval: base.announceInterval,
    trackerPeers: base.trackerPeers,
    maxInitiate: base.maxInitiate,
    maxAccept: base.maxAccept,
    unchokes: base.unchokes,
    roundRobinTime: base.roundRobinTime,
    roundRobinPieces: base.roundRobinPieces,
    choker: base.choker,
    autoOptimistic: base.autoOptimistic,
    pipelineMin: base.pipelineMin,
    endgame: base.endgame,
    predictiveAnnounce: settings.predictivePieceAnnounce ?? base.predictiveAnnounce,
    lazyBitfield: settings.lazyBitfield ?? base.lazyBitfield,
    superSeeding: settings.superSeeding ?? base.superSeeding,
    fastExtension: settings.fastExtension ?? base.fastExtension,
    allowedFastSetSize: settings.allowedFastSetSize ?? base.allowedFastSetSize,
    suggestPieces: settings.suggestPieces ?? base.suggestPieces,
    pex: settings.pex ?? base.pex,
    banAfterHashFailures: settings.banAfterHashFailures ?? base.banAfterHashFailures,
  };
}
