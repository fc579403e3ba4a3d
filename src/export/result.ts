// The result file (`npm run -s sim -- <scenario> --out FILE`): a run's outcome as JSON.
// The key names are a contract read by outside tools: add fields, never rename them. Times are in
// seconds (the engine's µs / 1e6) or null; `download` is null when unlimited.
import type { MessageName, PeerResult, SimConfig, SimResult } from '../engine/types';
import { MESSAGE_NAMES } from '../engine/types';
import type { SubjectReport } from '../analysis/report';

/** A peer in the result file: the engine's PeerResult with times in seconds, plus its scenario entry (`group`, added). */
export type ResultPeer = PeerResult & { group: string };

export interface ResultFile {
  swarmscope: string;
  /** Added: the engine's version (a different engine may give a different trace). */
  engine: string;
  scenario: { name: string; sha256: string };
  seed: number;
  /** Added: the stopAt the run used (seconds), after any override; null = until complete. */
  stopAt: number | null;
  traceHash: string;
  endTime: number;
  /** Added: why the run ended. */
  endReason: SimResult['endReason'];
  torrent: { pieceLength: number; pieces: number; size: number };
  peers: ResultPeer[];
  lostBytes: number;
  /** Added: payload still in flight when the run ended. */
  inFlightBytes: number;
  messages: Record<MessageName, number>;
  /** Added: number of events in the trace. */
  traceEvents: number;
  /**
   * Added: the run was split by peers (`--split`), another schedule of the swarm with its own trace
   * hash; `--split` reruns it.
   */
  split: boolean;
  /** Added, only when the scenario has a subject: the subject report (src/analysis/report.ts). */
  subject?: SubjectReport;
}

export interface ResultInput {
  /** package.json version of swarmscope. */
  version: string;
  engineVersion: string;
  /** SHA-256 hex of the scenario file's raw bytes. */
  scenarioSha256: string;
  /** The config the run used (after --seed / --until overrides). */
  config: SimConfig;
  result: SimResult;
  traceHash: string;
  /** The subject report, or null / absent when the scenario has no subject. */
  subject?: SubjectReport | null;
  /** The run was split by peers (--split); false when absent. */
  split?: boolean;
}

/** µs → seconds, keeping null. */
export function seconds(us: number): number;
export function seconds(us: number | null): number | null;
export function seconds(us: number | null): number | null {
  return us === null ? null : us / 1e6;
}

export function buildResultFile(input: ResultInput): ResultFile {
  const { config, result } = input;
  const specs = new Map(config.peers.map((p) => [p.name, p]));
  const messages = {} as Record<MessageName, number>;
  for (const name of MESSAGE_NAMES) messages[name] = result.messages[name] ?? 0;
  return {
    swarmscope: input.version,
    engine: input.engineVersion,
    scenario: { name: config.name, sha256: input.scenarioSha256 },
    seed: config.seed,
    stopAt: seconds(config.stopAt),
    traceHash: input.traceHash,
    endTime: seconds(result.endTime),
    endReason: result.endReason,
    torrent: { pieceLength: config.torrent.pieceLength, pieces: config.torrent.pieces, size: config.torrent.size },
    peers: result.peers.map((p) => ({
      name: p.name,
      group: specs.get(p.name)?.group ?? p.name,
      seed: p.seed,
      subject: p.subject,
      upload: p.upload,
      download: p.download,
      joinedAt: seconds(p.joinedAt),
      leftAt: seconds(p.leftAt),
      completedAt: seconds(p.completedAt),
      uploadedBytes: p.uploadedBytes,
      downloadedBytes: p.downloadedBytes,
      piecesHave: p.piecesHave,
    })),
    lostBytes: result.lostBytes,
    inFlightBytes: result.inFlightBytes,
    messages,
    traceEvents: result.traceEvents,
    split: input.split === true,
    ...(input.subject ? { subject: input.subject } : {}),
  };
}

/** Pretty-printed, with a final newline, so result files diff well. */
export function stringifyResultFile(file: ResultFile): string {
  return `${JSON.stringify(file, null, 2)}\n`;
}

export interface ResultSummary {
  /** Peers that were not seeds at the start. */
  leechers: number;
  completed: number;
  /** Seconds from joining to completing, over the leechers that completed; null if none did. */
  meanCompletion: number | null;
  maxCompletion: number | null;
  uploadedBytes: number;
}

/** The numbers a one-screen summary shows, computed from the result file so the two always agree. */
export function summarizeResult(file: ResultFile): ResultSummary {
  const leechers = file.peers.filter((p) => !p.seed);
  const times = leechers
    .filter((p) => p.completedAt !== null && p.joinedAt !== null)
    .map((p) => p.completedAt! - p.joinedAt!);
  return {
    leechers: leechers.length,
    completed: leechers.filter((p) => p.completedAt !== null).length,
    meanCompletion: times.length === 0 ? null : times.reduce((a, b) => a + b, 0) / times.length,
    maxCompletion: times.length === 0 ? null : Math.max(...times),
    uploadedBytes: file.peers.reduce((sum, p) => sum + p.uploadedBytes, 0),
  };
}
