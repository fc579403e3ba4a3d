// A validated Scenario → the engine's SimConfig: defaults filled, `count` groups expanded in place,
// seconds turned into integer µs, group events expanded to one event per member.
import type { PeerSettings, PeerSpec, ScriptedEvent, SimConfig, TorrentSpec } from '../engine/types';
import { buildNameTable, memberNames } from './names';
import type { Scenario, ScenarioPeer, ScenarioTorrent } from './schema';

/** Seconds in the file → integer µs in the engine. */
export function toMicros(seconds: number): number {
  return Math.round(seconds * 1e6);
}

const optionalMicros = (seconds: number | undefined): number | null =>
  seconds === undefined ? null : toMicros(seconds);

export function resolveTorrent(t: ScenarioTorrent): TorrentSpec {
  const { pieceLength } = t;
  if (t.files !== undefined) {
    const files = t.files.map((f) => ({ path: f.path, length: f.length, ...(f.inQuestion === true ? { inQuestion: true as const } : {}) }));
    const size = files.reduce((sum, f) => sum + f.length, 0);
    return { pieceLength, pieces: Math.ceil(size / pieceLength), size, files };
  }
  if (t.size !== undefined) {
    return { pieceLength, pieces: Math.ceil(t.size / pieceLength), size: t.size, files: null };
  }
  // The schema guarantees exactly one of pieces, size, files.
  const pieces = t.pieces ?? 0;
  return { pieceLength, pieces, size: pieces * pieceLength, files: null };
}

function resolveSettings(s: ScenarioPeer['settings']): PeerSettings {
  const out: PeerSettings = {};
  if (s === undefined) return out;
  if (s.unchokeInterval !== undefined) out.unchokeInterval = toMicros(s.unchokeInterval);
  if (s.optimisticUnchokeInterval !== undefined) out.optimisticUnchokeInterval = toMicros(s.optimisticUnchokeInterval);
  if (s.snubTimeout !== undefined) out.snubTimeout = toMicros(s.snubTimeout);
  if (s.maxUploads !== undefined) out.maxUploads = s.maxUploads;
  if (s.seedChoker !== undefined) out.seedChoker = s.seedChoker;
  if (s.uploadRateLimit !== undefined) out.uploadRateLimit = s.uploadRateLimit;
  if (s.downloadRateLimit !== undefined) out.downloadRateLimit = s.downloadRateLimit;
  if (s.shareRatioLimit !== undefined) out.shareRatioLimit = s.shareRatioLimit;
  if (s.seedTimeLimit !== undefined) out.seedTimeLimit = toMicros(s.seedTimeLimit);
  if (s.pieceSelection !== undefined) out.pieceSelection = s.pieceSelection;
  if (s.predictivePieceAnnounce !== undefined) out.predictivePieceAnnounce = toMicros(s.predictivePieceAnnounce);
  if (s.lazyBitfield !== undefined) out.lazyBitfield = s.lazyBitfield;
  if (s.superSeeding !== undefined) out.superSeeding = s.superSeeding;
  if (s.fastExtension !== undefined) out.fastExtension = s.fastExtension;
  if (s.allowedFastSetSize !== undefined) out.allowedFastSetSize = s.allowedFastSetSize;
  if (s.suggestPieces !== undefined) out.suggestPieces = s.suggestPieces;
  if (s.pex !== undefined) out.pex = s.pex;
  if (s.banAfterHashFailures !== undefined) out.banAfterHashFailures = s.banAfterHashFailures;
  return out;
}

function resolvePeers(peers: ScenarioPeer[]): PeerSpec[] {
  const out: PeerSpec[] = [];
  for (const p of peers) {
    for (const name of memberNames(p)) {
      out.push({
        name,
        group: p.name,
        seed: p.seed,
        subject: p.subject,
        investigator: p.investigator,
        upload: p.upload,
        download: p.download ?? null,
        latency: toMicros(p.latency),
        joinAt: toMicros(p.joinAt),
        leaveAt: optionalMicros(p.leaveAt),
        leaveAfterComplete: optionalMicros(p.leaveAfterComplete),
        ...(p.seedingTime === undefined ? {} : { seedingTime: { distribution: p.seedingTime.distribution, mean: toMicros(p.seedingTime.mean) } }),
        ...(p.arrivals === undefined
          ? {}
          : { arrival: { process: p.arrivals.process, rate: p.arrivals.rate, until: optionalMicros(p.arrivals.until) } }),
        // Only when given, so that a peer without them resolves as before.
        ...(p.connectable === undefined ? {} : { connectable: p.connectable }),
        ...(p.corrupt === undefined ? {} : { corrupt: p.corrupt }),
        client: p.client,
        settings: resolveSettings(p.settings),
      });
    }
  }
  return out;
}

/** Events stay in file order (the engine breaks time ties by scheduling order); a group event becomes one per member. */
function resolveEvents(s: Scenario): ScriptedEvent[] {
  const events = s.events ?? [];
  if (events.length === 0) return [];
  const { targets } = buildNameTable(s.peers);
  const out: ScriptedEvent[] = [];
  for (const e of events) {
    const target = targets.get(e.peer);
    if (!target) throw new Error(`unknown peer "${e.peer}" (the schema should have rejected it)`);
    const settings = e.settings === undefined ? {} : { settings: resolveSettings(e.settings) };
    for (const peer of target.peers) out.push({ at: toMicros(e.at), peer, action: e.action, ...settings });
  }
  return out;
}

export function resolveScenario(s: Scenario): SimConfig {
  return {
    name: s.name,
    seed: s.seed,
    torrent: resolveTorrent(s.torrent),
    stopAt: optionalMicros(s.stopAt),
    peers: resolvePeers(s.peers),
    events: resolveEvents(s),
  };
}
