// The editor's data side: the common knobs of a scenario read from its JSON, edits written back with
// immer (the file keeps every key the editor does not show, in its order), and the checks the
// scenario parser makes. No DOM: editor.ts is the form around it.
import { produce } from 'immer';
import { formatScenarioErrors, parseScenario } from '../scenario';

/** The subject's client settings the editor shows (the scenario format has more; the file keeps them). */
export const SUBJECT_SETTINGS = ['uploadRateLimit', 'maxUploads', 'superSeeding', 'shareRatioLimit'] as const;
export type SubjectSetting = (typeof SUBJECT_SETTINGS)[number];

/** Form values are text as typed; '' means "leave it out" (the format's default). */
export interface GroupKnobs {
  /** Index into the file's `peers`. */
  index: number;
  name: string;
  /** Only for entries that are groups (have `count`); null for a single peer. */
  count: string | null;
  upload: string;
  download: string;
}

export interface Knobs {
  seed: string;
  groups: GroupKnobs[];
  /** The subject's entry, if the scenario has one. */
  subject: { index: number; name: string; client: string; settings: Record<SubjectSetting, string> } | null;
}

type Json = Record<string, unknown>;
const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string => (typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean' ? String(v) : '');

/** The knobs of a scenario file (any JSON: the run's file parsed, so the fields are there, but read defensively). */
export function readKnobs(json: unknown): Knobs {
  const peers = isRecord(json) && Array.isArray(json.peers) ? json.peers : [];
  const groups: GroupKnobs[] = [];
  let subject: Knobs['subject'] = null;
  peers.forEach((peer, index) => {
    if (!isRecord(peer)) return;
    const name = text(peer.name);
    groups.push({ index, name, count: peer.count === undefined ? null : text(peer.count), upload: text(peer.upload), download: text(peer.download) });
    if (peer.subject === true && subject === null) {
      const settings = isRecord(peer.settings) ? peer.settings : {};
      subject = {
        index,
        name,
        client: text(peer.client),
        settings: Object.fromEntries(SUBJECT_SETTINGS.map((key) => [key, text(settings[key])])) as Record<SubjectSetting, string>,
      };
    }
  });
  return { seed: isRecord(json) ? text(json.seed) : '', groups, subject };
}

/**
 * A typed value as the file should hold it: a plain number as a number, true/false as booleans, and
 * anything else as the string it is, so "1 MB/s" stays a quantity and "abc" reaches the parser,
 * which explains what it expected.
 */
export function valueOf(typed: string): unknown {
  const t = typed.trim();
  if (t === '') return undefined;
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) return Number(t);
  return t;
}

function put(target: Json, key: string, typed: string): void {
  const value = valueOf(typed);
  if (value === undefined) delete target[key];
  else target[key] = value;
}

/** The scenario with the knobs written in; everything else as it was. */
export function applyKnobs(json: unknown, knobs: Knobs): unknown {
  if (!isRecord(json)) return json;
  return produce(json, (draft) => {
    put(draft, 'seed', knobs.seed);
    const peers = Array.isArray(draft.peers) ? (draft.peers as unknown[]) : [];
    for (const group of knobs.groups) {
      const peer = peers[group.index];
      if (!isRecord(peer)) continue;
      // A count left empty is kept as typed, not removed: removing it would turn a group into one peer.
      if (group.count !== null) peer.count = valueOf(group.count) ?? group.count;
      put(peer, 'upload', group.upload);
      put(peer, 'download', group.download);
    }
    const subject = knobs.subject === null ? undefined : peers[knobs.subject.index];
    if (knobs.subject !== null && isRecord(subject)) {
      put(subject, 'client', knobs.subject.client);
      const settings: Json = isRecord(subject.settings) ? subject.settings : {};
      for (const key of SUBJECT_SETTINGS) put(settings, key, knobs.subject.settings[key]);
      if (Object.keys(settings).length > 0) subject.settings = settings;
      else delete subject.settings;
    }
  });
}

export type Checked = { ok: true } | { ok: false; error: string };

/** The scenario parser's verdict, in the words the app uses for a bad file. */
export function checkScenario(json: unknown): Checked {
  const parsed = parseScenario(json);
  return parsed.ok ? { ok: true } : { ok: false, error: `This scenario could not be loaded:\n${formatScenarioErrors(parsed.errors)}` };
}

/** The file to download: `$schema` first (editors find the JSON Schema by it), then the scenario; checked first. */
export function scenarioFile(json: unknown, schemaUrl: string): { ok: true; text: string; name: string } | { ok: false; error: string } {
  const checked = checkScenario(json);
  if (!checked.ok) return checked;
  const { $schema: _dropped, ...rest } = json as Json;
  const name = typeof rest.name === 'string' ? rest.name : 'scenario';
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'scenario';
  return { ok: true, text: `${JSON.stringify({ $schema: schemaUrl, ...rest }, null, 2)}\n`, name: `${slug}.json` };
}
