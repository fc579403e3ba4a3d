// The scenario file format: a strict zod schema (unknown keys are errors at every level). Field-level
// rules live here; rules that compare fields or entries live in rules.ts. Key names are a contract read
// by outside tools: do not rename them.
import { z } from 'zod';
import { expected } from './messages';
import { BLOCK_SIZE, DEFAULTS, KNOWN_CLIENTS, LIMITS, SEED_CHOKERS } from './limits';
import { checkPeer, checkScenario, checkTorrent } from './rules';

const quoted = (names: readonly string[]): string => names.map((n) => JSON.stringify(n)).join(', ');

function integer(what: string, min: number, max: number = Number.MAX_SAFE_INTEGER) {
  const error = expected(what);
  return z.number({ error }).int({ error }).min(min, { error }).max(max, { error });
}

/** Seconds ≥ 0 (fractions allowed); the engine gets Math.round(seconds × 1e6) µs. */
function seconds(what = 'a number of seconds ≥ 0') {
  const error = expected(what);
  return z
    .number({ error })
    .min(0, { error })
    .max(LIMITS.maxSeconds, { error: expected(`at most ${LIMITS.maxSeconds} seconds`) });
}

/** Seconds > 0 that stay > 0 in µs, so an interval can never be zero (the engine would spin). */
function positiveSeconds() {
  return seconds('a number of seconds > 0')
    .gt(0, { error: expected('a number of seconds > 0') })
    .refine((v) => !(v > 0 && v < 1e-6), { error: expected('at least 0.000001 seconds (1 µs)') });
}

const bool = z.boolean({ error: expected('true or false') });

const pieceLengthExpected = `a multiple of ${BLOCK_SIZE} bytes (16 KiB) from ${BLOCK_SIZE} to ${LIMITS.maxPieceLength} (64 MiB)`;
export const pieceLengthSchema = integer(pieceLengthExpected, BLOCK_SIZE, LIMITS.maxPieceLength).multipleOf(BLOCK_SIZE, {
  error: expected(pieceLengthExpected),
});

export const fileSchema = z.strictObject(
  {
    path: z
      .string({ error: expected(`a non-empty string of at most ${LIMITS.filePathLength} characters`) })
      .min(1, { error: expected('a non-empty path') })
      .max(LIMITS.filePathLength, { error: expected(`a path of at most ${LIMITS.filePathLength} characters`) }),
    length: integer('a whole number of bytes ≥ 0', 0),
  },
  { error: expected('a file such as {"path": "a.bin", "length": 1048576}') },
);

export const torrentSchema = z
  .strictObject(
    {
      pieceLength: pieceLengthSchema,
      pieces: integer(`a whole number of pieces from 1 to ${LIMITS.maxPieces}`, 1, LIMITS.maxPieces).optional(),
      size: integer('a whole number of bytes ≥ 1', 1).optional(),
      files: z
        .array(fileSchema, { error: expected('a non-empty array of files') })
        .min(1, { error: expected('a non-empty array of files') })
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
    uploadRateLimit: integer('a whole number of bytes per second ≥ 0 (0 = unlimited)', 0).optional(),
    downloadRateLimit: integer('a whole number of bytes per second ≥ 0 (0 = unlimited)', 0).optional(),
    shareRatioLimit: z
      .number({ error: expected('a ratio > 0 (uploaded ÷ downloaded)') })
      .positive({ error: expected('a ratio > 0 (uploaded ÷ downloaded)') })
      .max(1e6, { error: expected('a ratio > 0 (uploaded ÷ downloaded)') })
      .optional(),
    seedTimeLimit: seconds().optional(),
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
      upload: integer('a whole number ≥ 0', 0).default(DEFAULTS.upload),
      download: integer('a whole number ≥ 1 (bytes per second; leave it out for unlimited)', 1).optional(),
      latency: z
        .number({ error: expected(`a number of seconds from 0 to ${LIMITS.maxLatency}`) })
        .min(0, { error: expected(`a number of seconds from 0 to ${LIMITS.maxLatency}`) })
        .max(LIMITS.maxLatency, { error: expected(`a number of seconds from 0 to ${LIMITS.maxLatency}`) })
        .default(DEFAULTS.latency),
      joinAt: seconds().default(DEFAULTS.joinAt),
      leaveAt: seconds().optional(),
      leaveAfterComplete: seconds().optional(),
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
    action: z.enum(['leave', 'join'], { error: expected('"leave" or "join"') }),
  },
  { error: expected('an event such as {"at": 300, "peer": "seed", "action": "leave"}') },
);

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
