// Text or a parsed value in, a SimConfig or readable errors out. Never throws.
import type { SimConfig } from '../engine/types';
import { issuesToErrors, type ScenarioError } from './errors';
import { resolveScenario } from './resolve';
import { scenarioSchema, type Scenario } from './schema';

export type ParseResult = { ok: true; config: SimConfig; scenario: Scenario } | { ok: false; errors: ScenarioError[] };

/** Scenario files are small; anything bigger is a mistake (or an attack on the browser tab). */
export const MAX_SCENARIO_BYTES = 5 * 1024 * 1024;

const fail = (message: string, path = ''): ParseResult => ({ ok: false, errors: [{ path, message }] });

export function parseScenarioText(text: string): ParseResult {
  if (typeof text !== 'string') return fail(`expected the scenario as text, got ${typeof text}`);
  // String length counts UTF-16 units, close enough to bytes for a size cap.
  if (text.length > MAX_SCENARIO_BYTES) {
    return fail(
      `the scenario is too large: ${(text.length / 1024 / 1024).toFixed(1)} MB; at most ${MAX_SCENARIO_BYTES / 1024 / 1024} MB`,
    );
  }
  // Editors on Windows may save a byte order mark; JSON.parse rejects it.
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (body.trim() === '') return fail('not valid JSON: the file is empty');
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (e) {
    return fail(`not valid JSON: ${jsonErrorMessage(e, body)}`);
  }
  return parseScenario(value);
}

export function parseScenario(value: unknown): ParseResult {
  try {
    const parsed = scenarioSchema.safeParse(value);
    if (!parsed.success) return { ok: false, errors: issuesToErrors(parsed.error.issues) };
    return { ok: true, scenario: parsed.data, config: resolveScenario(parsed.data) };
  } catch (e) {
    // Only a bug (or a hostile object with throwing getters) gets here; still an error, not a throw.
    return fail(`could not read the scenario: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** V8 says "… at position 45"; a person wants a line and column. */
function jsonErrorMessage(error: unknown, text: string): string {
  const message = error instanceof Error ? error.message : String(error);
  const position = /at position (\d+)/.exec(message);
  if (!position || /line \d+/.test(message)) return message;
  const offset = Number(position[1]);
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - before.lastIndexOf('\n');
  return `${message} (line ${line}, column ${column})`;
}
