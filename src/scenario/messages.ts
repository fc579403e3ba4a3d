// Wording for scenario errors. A person reads these: say what was expected and what was found.

/** A short, readable description of a JSON value for "…, got X". */
export function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (typeof value === 'string') {
    if (value.length > 60) return `${JSON.stringify(value.slice(0, 40))}… (${value.length} characters)`;
    return JSON.stringify(value);
  }
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) {
    if (value.length === 0) return 'an empty array';
    return `an array of ${value.length} item${value.length === 1 ? '' : 's'}`;
  }
  if (typeof value === 'object') return 'an object';
  return typeof value;
}

/**
 * A zod `error` function: "<expected>, got <value>", or "missing, <expected>" for a required key that
 * is not there. zod hands the error function the offending input.
 */
export function expected(what: string): (issue: { input?: unknown }) => string {
  return (issue) =>
    issue.input === undefined ? `missing, expected ${what}` : `expected ${what}, got ${describeValue(issue.input)}`;
}

/** Render a JSON path the way a person would write it in code: `peers[2].upload`, `torrent.files[0].path`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (typeof key === 'string' && /^[A-Za-z_$][\w$]*$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(String(key))}]`;
  }
  return out;
}
