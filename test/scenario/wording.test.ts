// Every error a person can get from a scenario is written by us, not zod's default wording: random
// values at every key of the format, each error naming what was expected.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario';
import { base } from './helpers';

const anyJson = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e300, '', 'x', '256 KiB', '1 MB/s', '2 min', 'nonsense unit', [], {}, [1], { a: 1 }),
  fc.jsonValue({ maxDepth: 2 }),
);
const TOP = ['name', 'description', 'seed', 'torrent', 'stopAt', 'peers', 'events', 'narration', '$schema'];
const TORRENT = ['pieceLength', 'pieces', 'size', 'files', 'name', 'infoHash'];
const PEER = ['name', 'count', 'seed', 'subject', 'investigator', 'upload', 'download', 'latency', 'joinAt', 'leaveAt', 'leaveAfterComplete', 'client', 'settings'];
const SETTINGS = ['unchokeInterval', 'optimisticUnchokeInterval', 'snubTimeout', 'maxUploads', 'seedChoker', 'uploadRateLimit', 'downloadRateLimit', 'shareRatioLimit', 'seedTimeLimit'];
const STEP = ['at', 'when', 'title', 'text', 'pause', 'select', 'highlight', 'colouring'];
const WHEN = ['event', 'peer', 'to', 'piece', 'copies', 'count'];

/** Our messages say what was expected, what is unknown or missing, or why two things clash. */
const OURS = /^(expected|missing|unknown|"[^"]+" (does not use|is a unit)|the scenario|could not read)/;

describe('error wording', () => {
  it('no message is zod\'s own, wherever a wrong value is put', () => {
    fc.assert(
      fc.property(fc.constantFrom('top', 'torrent', 'peer', 'settings', 'step', 'when'), fc.nat(20), anyJson, (where, k, value) => {
        const s = base() as Record<string, unknown> & { peers: Record<string, unknown>[]; torrent: Record<string, unknown> };
        const step: Record<string, unknown> = { at: 1, text: 'x' };
        const when: Record<string, unknown> = { event: 'join' };
        const pick = (keys: string[]) => keys[k % keys.length]!;
        if (where === 'top') s[pick(TOP)] = value;
        if (where === 'torrent') s.torrent = { pieceLength: 262144, pieces: 4, [pick(TORRENT)]: value };
        if (where === 'peer') s.peers[1] = { name: 'L', [pick(PEER)]: value };
        if (where === 'settings') s.peers[1] = { name: 'L', settings: { [pick(SETTINGS)]: value } };
        if (where === 'step') s.narration = [{ ...step, [pick(STEP)]: value }];
        if (where === 'when') s.narration = [{ text: 'x', when: { ...when, [pick(WHEN)]: value } }];
        const r = parseScenario(s);
        if (r.ok) return;
        for (const e of r.errors) expect(e.message, `${e.path}: ${e.message}`).toMatch(OURS);
      }),
      { numRuns: 3000 },
    );
  });
});
