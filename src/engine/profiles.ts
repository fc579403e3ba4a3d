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
};

export const PROFILES: Record<string, ClientProfile> = {
  mainline,
  /** A free rider (BitThief-like): mainline in every way except that it never unchokes anyone. */
  freerider: { ...mainline, name: 'freerider', unchokes: false },
};

export function knownProfiles(): string[] {
  return Object.keys(PROFILES);
}

/** The profile a peer runs: its client's defaults with its settings on top. */
export function resolveProfile(client: string, settings: PeerSettings): ClientProfile {
  const base = PROFILES[client];
  if (!base) throw new Error(`unknown client profile "${client}" (known: ${knownProfiles().join(', ')})`);
  return {
    ...base,
    rechokeInterval: settings.unchokeInterval ?? base.rechokeInterval,
    optimisticInterval: settings.optimisticUnchokeInterval ?? base.optimisticInterval,
    snubTimeout: settings.snubTimeout ?? base.snubTimeout,
    uploadSlots: settings.maxUploads ?? base.uploadSlots,
    optimisticSlots: Math.min(base.optimisticSlots, Math.max(0, (settings.maxUploads ?? base.uploadSlots) - 1)),
    seedChoker: settings.seedChoker ?? base.seedChoker,
  };
}
