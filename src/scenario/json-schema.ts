// The JSON Schema of the scenario format, generated from the zod schema (the one source of truth) so
// that editors can autocomplete keys and flag mistakes. Committed as public/scenario.schema.json;
// `npm run schema` rewrites it, and a test fails when the committed file is stale.
import { z } from 'zod';
import { scenarioSchema } from './schema';

/** Where the committed copy lives, relative to the repository root. */
export const JSON_SCHEMA_PATH = 'public/scenario.schema.json';

/** The command that regenerates the committed copy (said by the staleness test). */
export const JSON_SCHEMA_COMMAND = 'npm run schema';

export function scenarioJsonSchema(): Record<string, unknown> {
  // draft-07: the version editors (VS Code, JetBrains) validate best. `io: 'input'` describes what a
  // file may say (strings for quantities, keys with defaults optional), not what the parser returns.
  const generated = z.toJSONSchema(scenarioSchema, { target: 'draft-07', io: 'input', unrepresentable: 'any' });
  return {
    ...generated,
    title: 'swarmscope scenario',
    description:
      'A swarm for the swarmscope BitTorrent simulator. Generated from src/scenario/schema.ts; ' +
      `do not edit by hand, run "${JSON_SCHEMA_COMMAND}".`,
  };
}

/** The file's exact text: two-space indents and a final newline, so diffs stay readable. */
export function scenarioJsonSchemaText(): string {
  return `${JSON.stringify(scenarioJsonSchema(), null, 2)}\n`;
}
