// `--counterfactual JSON`: the scenario as written, with the subject's entry changed, validated again
// exactly as a scenario file is (so a bad key gets the usual readable error, named
// `counterfactual.<key>`), and resolved to the config of the second run.
import type { SimConfig } from '../engine/types';
import { parseScenario, type ScenarioError } from '../scenario';

/** Fields that would make the second run about another peer, or no peer: both runs compare one subject. */
const FIXED = ['name', 'count', 'subject'];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `base` with `over` applied: a key's value replaces the base's, `null` removes the key (back to its
 * default), and `settings` merges key by key the same way. Built with Object.fromEntries, so a key
 * such as "__proto__" stays an ordinary (and then unknown) key.
 */
function merge(base: Record<string, unknown>, over: Record<string, unknown>, deep: boolean): Record<string, unknown> {
  const out = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(over)) {
    if (value === null) out.delete(key);
    else if (deep && key === 'settings' && isObject(value)) out.set(key, merge(isObject(base[key]) ? base[key] : {}, value, false));
    else out.set(key, value);
  }
  return Object.fromEntries(out);
}

/**
 * `scenario` is the scenario file's JSON value (already known to be valid, with a subject). Errors name
 * the subject's fields as `counterfactual.<key>`; any other path is left as the scenario names it.
 */
export function applyCounterfactual(
  scenario: unknown,
  fields: Record<string, unknown>,
): { ok: true; config: SimConfig } | { ok: false; errors: ScenarioError[] } {
  const peers = isObject(scenario) && Array.isArray(scenario.peers) ? (scenario.peers as unknown[]) : [];
  const s = peers.findIndex((p) => isObject(p) && p.subject === true);
  if (!isObject(scenario) || s < 0) return { ok: false, errors: [{ path: 'counterfactual', message: 'the scenario has no subject (mark one peer with "subject": true)' }] };
  const fixed = Object.keys(fields).filter((k) => FIXED.includes(k));
  if (fixed.length > 0) {
    return {
      ok: false,
      errors: fixed.map((k) => ({ path: `counterfactual.${k}`, message: `"${k}" cannot change in a counterfactual: both runs are about the same subject` })),
    };
  }
  const entry = merge(peers[s] as Record<string, unknown>, fields, true);
  const parsed = parseScenario({ ...scenario, peers: peers.map((p, i) => (i === s ? entry : p)) });
  if (parsed.ok) return { ok: true, config: parsed.config };
  const prefix = `peers[${s}]`;
  return {
    ok: false,
    errors: parsed.errors.map((e) =>
      e.path === prefix || e.path.startsWith(`${prefix}.`) || e.path.startsWith(`${prefix}[`)
        ? { path: `counterfactual${e.path.slice(prefix.length)}`, message: e.message }
        : e,
    ),
  };
}
