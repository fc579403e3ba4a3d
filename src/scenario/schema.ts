// The scenario file format: a strict zod schema (unknown keys are errors at every level). Field-level
// rules live here; rules that compare fields or entries live in rules.ts. Key names are a contract read
// by outside tools: do not rename them.
import { z } from 'zod';
import { expected } from './messages';
import { rate, size, time } from './fields';
import { AUDIENCES, BLOCK_SIZE, DEFAULTS, KNOWN_CLIENTS, LIMITS, PIECE_SELECTIONS, SEED_CHOKERS } from './limits';
import { narrationSchema } from './narration';
import { checkEvent, checkPeer, checkScenario, checkTorrent } from './rules';

const quoted = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

function integer(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const error = expected(what);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** Seconds ≥ 0 (fractions allowed) or a time such as "2 min"; the engine gets Math.round(seconds × 1e6) µs. */
function seconds(what = 'a number of seconds ≥ 0') {
  return time(what, { min: 0, max: LIMITS.maxSeconds, maxWhat: `at most ${LIMITS.maxSeconds} seconds` });
}

/** Seconds > 0 that stay > 0 in µs, so an interval can never be zero (the engine would spin). */
function positiveSeconds() {
  return time('a number of seconds > 0', {
    min: 0,
    exclusiveMin: true,
    max: LIMITS.maxSeconds,
    maxWhat: `at most ${LIMITS.maxSeconds} seconds`,
  });
}

/** Whole bytes per second ≥ `min`, or a rate such as "1 MB/s". */
function bytesPerSecond(what: string, min: number) {
  return rate(what, { min });
}

const bool = z.boolean({ error: expected('true or false') });

const pieceLengthExpected = `a multiple of ${BLOCK_SIZE} bytes (16 KiB) from ${BLOCK_SIZE} to ${LIMITS.maxPieceLength} (64 MiB)`;
export const pieceLengthSchema = size(pieceLengthExpected, {
  min: BLOCK_SIZE,
  max: LIMITS.maxPieceLength,
  multipleOf: BLOCK_SIZE,
});

export const fileSchema = z.strictObject(
  {
    path: z
      .string({ error: expected(`a non-empty string of at most ${LIMITS.filePathLength} characters`) })
      .min(1, { error: expected('a non-empty path') })
      .max(LIMITS.filePathLength, { error: expected(`a path of at most ${LIMITS.filePathLength} characters`) }),
    length: size('a whole number of bytes ≥ 0', { min: 0 }),
    /** Marks one of the works in question: the report lists these files apart (inQuestion in its files); plays no part in the run. */
    inQuestion: bool.optional(),
  },
  { error: expected('a file such as {"path": "a.bin", "length": 1048576}') },
);

export const torrentSchema = z
  .strictObject(
    {
      /** The .torrent's name and info hash when the torrent came from one (torrent-file.ts); for the record only. */
      name: z
        .string({ error: expected(`a string of at most ${LIMITS.torrentNameLength} characters`) })
        .max(LIMITS.torrentNameLength, { error: expected(`a name of at most ${LIMITS.torrentNameLength} characters`) })
        .optional(),
      infoHash: z
        .string({ error: expected('an info hash of 40 hexadecimal digits') })
        .regex(/^[0-9a-fA-F]{40}$/, { error: expected('an info hash of 40 hexadecimal digits') })
        .optional(),
      pieceLength: pieceLengthSchema,
      pieces: integer(`a whole number of pieces from 1 to ${LIMITS.maxPieces}`, 1, LIMITS.maxPieces).optional(),
      size: size('a whole number of bytes ≥ 1', { min: 1 }).optional(),
      files: z
        .array(fileSchema, { error: expected('a non-empty array of files') })
        .min(1, { error: expected('a non-empty array of files') })
        .max(LIMITS.maxFiles, { error: expected(`at most ${LIMITS.maxFiles} files`) })
        .optional(),
    },
    { error: expected('an object such as {"pieceLength": 262144, "pieces": 64}') },
  )
  .superRefine(checkTorrent, { when: () => true });

export const settingsSchema = z.strictObject(
  {
    unchokeInterval: positiveSeconds().optional(),
    optimisticUnchokeInterval: positiveSeconds().optional(),
    snubTimeout: positiveSeconds().optional(),
    maxUploads: integer(`a whole number from 1 to ${LIMITS.maxMaxUploads}`, 1, LIMITS.maxMaxUploads).optional(),
    seedChoker: z.enum(SEED_CHOKERS, { error: expected(`one of ${quoted(SEED_CHOKERS)}`) }).optional(),
    uploadRateLimit: bytesPerSecond('a whole number of bytes per second ≥ 0 (0 = unlimited)', 0).optional(),
    downloadRateLimit: bytesPerSecond('a whole number of bytes per second ≥ 0 (0 = unlimited)', 0).optional(),
    shareRatioLimit: z
      .number({ error: expected('a ratio > 0 (uploaded ÷ downloaded)') })
      .positive({ error: expected('a ratio > 0 (uploaded ÷ downloaded)') })
      .max(1e6, { error: expected('a ratio > 0 (uploaded ÷ downloaded)') })
      .optional(),
    seedTimeLimit: seconds().optional(),
    pieceSelection: z.enum(PIECE_SELECTIONS, { error: expected(`one of ${quoted(PIECE_SELECTIONS)}`) }).optional(),
    predictivePieceAnnounce: seconds('a number of seconds ≥ 0 (0 = off; libtorrent counts it in ms)').optional(),
    lazyBitfield: bool.optional(),
    superSeeding: bool.optional(),
    fastExtension: bool.optional(),
    allowedFastSetSize: integer(`a whole number from 0 to ${LIMITS.maxAllowedFast}`, 0, LIMITS.maxAllowedFast).optional(),
    suggestPieces: integer(`a whole number from 0 to ${LIMITS.maxSuggest}`, 0, LIMITS.maxSuggest).optional(),
    pex: bool.optional(),
    banAfterHashFailures: integer(`a whole number from 1 to ${LIMITS.maxHashFailures}`, 1, LIMITS.maxHashFailures).optional(),
  },
  { error: expected('an object of client settings') },
);

export const peerNameSchema = z
  .string({ error: expected(`a non-empty string of at most ${LIMITS.peerNameLength} characters`) })
  .min(1, { error: expected('a non-empty name') })
  .max(LIMITS.peerNameLength, { error: expected(`a name of at most ${LIMITS.peerNameLength} characters`) });

export const countSchema = integer(`a whole number from 1 to ${LIMITS.maxCount}`, 1, LIMITS.maxCount);

export const peerSchema = z
  .strictObject(
    {
      name: peerNameSchema,
      count: countSchema.optional(),
      seed: bool.default(false),
      subject: bool.default(false),
      investigator: bool.default(false),
      upload: bytesPerSecond('a whole number of bytes per second ≥ 0', 0).default(DEFAULTS.upload),
      download: bytesPerSecond('a whole number of bytes per second ≥ 1 (leave it out for unlimited)', 1).optional(),
      latency: time(`a number of seconds from 0 to ${LIMITS.maxLatency}`, { min: 0, max: LIMITS.maxLatency }).default(
        DEFAULTS.latency,
      ),
      joinAt: seconds().default(DEFAULTS.joinAt),
      leaveAt: seconds().optional(),
      leaveAfterComplete: seconds().optional(),
      seedingTime: z
        .strictObject(
          {
            distribution: z.enum(['exponential'], { error: expected('"exponential"') }),
            mean: positiveSeconds(),
          },
          { error: expected('a distribution such as {"distribution": "exponential", "mean": 60}') },
        )
        .optional(),
      arrivals: z
        .strictObject(
          {
            process: z.enum(['poisson'], { error: expected('"poisson"') }),
            rate: z
              .number({ error: expected('a number of arrivals per second > 0') })
              .positive({ error: expected('a number of arrivals per second > 0') })
              .max(1e6, { error: expected('a number of arrivals per second > 0') }),
            until: seconds().optional(),
          },
          { error: expected('an arrival process such as {"process": "poisson", "rate": 0.5}') },
        )
        .optional(),
      connectable: bool.optional(),
      corrupt: z
        .number({ error: expected('a probability from 0 to 1') })
        .min(0, { error: expected('a probability from 0 to 1') })
        .max(1, { error: expected('a probability from 0 to 1') })
        .optional(),
      client: z
        .enum(KNOWN_CLIENTS, { error: expected(`a known client profile (${quoted(KNOWN_CLIENTS)})`) })
        .default(DEFAULTS.client),
      settings: settingsSchema.optional(),
    },
    { error: expected('a peer such as {"name": "L", "count": 10}') },
  )
  .superRefine(checkPeer, { when: () => true });

export const eventSchema = z.strictObject(
  {
    at: seconds(),
    peer: z
      .string({ error: expected('the name of a peer or a group') })
      .min(1, { error: expected('the name of a peer or a group') }),
    action: z.enum(['leave', 'join', 'set'], { error: expected('"leave", "join" or "set"') }),
    settings: settingsSchema.optional(),
  },
  { error: expected('an event such as {"at": 300, "peer": "seed", "action": "leave"}') },
).superRefine(checkEvent, { when: () => true });

export const scenarioSchema = z
  .strictObject(
    {
      name: z
        .string({ error: expected(`a string of at most ${LIMITS.nameLength} characters`) })
        .max(LIMITS.nameLength, { error: expected(`a string of at most ${LIMITS.nameLength} characters`) }),
      description: z
        .string({ error: expected(`a string of at most ${LIMITS.descriptionLength} characters`) })
        .max(LIMITS.descriptionLength, {
          error: expected(`a string of at most ${LIMITS.descriptionLength} characters`),
        })
        .optional(),
      /** Who the scenario is written for, shown by the app's picker; plays no part in the run. */
      audience: z
        .array(z.enum(AUDIENCES, { error: expected(`one of ${quoted(AUDIENCES)}`) }), { error: expected(`an array of ${quoted(AUDIENCES)}`) })
        .max(AUDIENCES.length, { error: expected(`at most ${AUDIENCES.length} audiences`) })
        .optional(),
      /** Short labels for the app's picker, such as "choking"; play no part in the run. */
      tags: z
        .array(
          z
            .string({ error: expected(`a tag of 1 to ${LIMITS.tagLength} characters`) })
            .min(1, { error: expected(`a tag of 1 to ${LIMITS.tagLength} characters`) })
            .max(LIMITS.tagLength, { error: expected(`a tag of 1 to ${LIMITS.tagLength} characters`) }),
          { error: expected('an array of tags such as ["choking"]') },
        )
        .max(LIMITS.maxTags, { error: expected(`at most ${LIMITS.maxTags} tags`) })
        .optional(),
      seed: integer(`a whole number from 0 to ${LIMITS.maxSeed}`, 0, LIMITS.maxSeed).default(DEFAULTS.seed),
      torrent: torrentSchema,
      stopAt: positiveSeconds().optional(),
      peers: z
        .array(peerSchema, { error: expected('a non-empty array of peers') })
        .min(1, { error: expected('a non-empty array of peers') })
        .max(LIMITS.maxPeers, { error: expected(`at most ${LIMITS.maxPeers} peers`) }),
      events: z
        .array(eventSchema, { error: expected('an array of events') })
        .max(LIMITS.maxEvents, { error: expected(`at most ${LIMITS.maxEvents} events`) })
        .optional(),
      /** A guided tour: steps fired by a time or an engine event (narration.ts). */
      narration: narrationSchema.optional(),
      /** Editors use it to find the JSON Schema; the simulator ignores it. */
      $schema: z.string({ error: expected('a string (the URL of a JSON Schema)') }).optional(),
    },
    { error: expected('a JSON object (a scenario)') },
  )
  .superRefine(checkScenario, { when: () => true });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioPeer = z.infer<typeof peerSchema>;
export type ScenarioTorrent = z.infer<typeof torrentSchema>;
export type ScenarioEvent = z.infer<typeof eventSchema>;
