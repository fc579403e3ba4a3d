// zod issues → errors a person can act on: a JSON path, what was expected, what was found.
import { z } from 'zod';
import { formatPath } from './messages';
import { scenarioSchema } from './schema';
import { closest } from './suggest';

export interface ScenarioError {
  /** JSON path such as `peers[2].upload`; "" for the file as a whole. */
  path: string;
  message: string;
}

/** formatScenarioErrors prints at most this many lines, then says how many more there were. */
export const MAX_PRINTED_ERRORS = 100;

export function issuesToErrors(issues: readonly z.core.$ZodIssue[]): ScenarioError[] {
  const errors: ScenarioError[] = [];
  const seen = new Set<string>();
  const push = (path: readonly PropertyKey[], message: string): void => {
    const error = { path: formatPath(path), message };
    const key = `${error.path}\u0000${error.message}`;
    // An int check and a min check can both fail on -1.5 with the same wording: say it once.
    if (seen.has(key)) return;
    seen.add(key);
    errors.push(error);
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      const known = knownKeysAt(issue.path);
      for (const key of issue.keys) push([...issue.path, key], unknownKeyMessage(key, known));
    } else {
      push(issue.path, issue.message);
    }
  }
  return errors;
}

function unknownKeyMessage(key: string, known: string[]): string {
  const guess = closest(key, known);
  if (guess !== undefined) return `unknown key ${JSON.stringify(key)}; did you mean ${JSON.stringify(guess)}?`;
  const listed = known.filter((k) => k !== '$schema');
  if (listed.length === 0) return `unknown key ${JSON.stringify(key)}`;
  return `unknown key ${JSON.stringify(key)}; known keys here: ${listed.map((k) => JSON.stringify(k)).join(', ')}`;
}

/** The keys the schema allows in the object at `path` (array indices step into the element schema). */
function knownKeysAt(path: readonly PropertyKey[]): string[] {
  let schema: z.ZodType | undefined = scenarioSchema;
  for (const key of path) {
    schema = unwrap(schema);
    if (schema instanceof z.ZodObject && typeof key === 'string') schema = schema.shape[key] as z.ZodType;
    else if (schema instanceof z.ZodArray && typeof key === 'number') schema = schema.element as z.ZodType;
    else return [];
  }
  schema = unwrap(schema);
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let s = schema;
  while (s instanceof z.ZodOptional || s instanceof z.ZodDefault) s = s.unwrap() as z.ZodType;
  return s;
}

/** One line per error: `peers[2].upload: expected a whole number ≥ 0, got -5`. */
export function formatScenarioErrors(errors: readonly ScenarioError[]): string {
  const lines = errors
    .slice(0, MAX_PRINTED_ERRORS)
    .map((e) => (e.path === '' ? e.message : `${e.path}: ${e.message}`));
  if (errors.length > MAX_PRINTED_ERRORS) lines.push(`… and ${errors.length - MAX_PRINTED_ERRORS} more errors`);
  return lines.join('\n');
}
