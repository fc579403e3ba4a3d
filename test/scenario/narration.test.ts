// The narration steps of a scenario: one trigger each, keys that mean something for their event,
// names of real peers, pieces inside the torrent, and capped plain text.
import { describe, expect, it } from 'vitest';
import { LIMITS, parseScenario, resolveNarration } from '../../src/scenario';
import { base, errorAt, errors } from './helpers';

const withSteps = (...narration: unknown[]) => ({ ...base(), narration });
const step = (over: Record<string, unknown>) => ({ text: 'Look.', ...over });

describe('narration', () => {
  it('takes steps fired by a time or an event, with optional pause, selection, highlight and colouring', () => {
    const s = withSteps(
      step({ at: '1 min', title: 'Start', pause: true, select: 'L-2', highlight: [0, 3], colouring: 'source' }),
      step({ when: { event: 'complete', peer: 'L', count: 2 } }),
      step({ when: { event: 'replication', piece: 1, copies: 4 } }),
    );
    const r = parseScenario(s);
    if (!r.ok) throw new Error(JSON.stringify(r.errors));
    expect(resolveNarration(r.scenario)).toEqual([
      { trigger: { at: 60_000_000 }, title: 'Start', text: 'Look.', pause: true, select: 2, highlight: [0, 3], colouring: 'source' },
      {
        trigger: { event: 'complete', peers: [1, 2, 3], to: null, piece: null, copies: null, count: 2 },
        title: null,
        text: 'Look.',
        pause: false,
        select: null,
        highlight: [],
        colouring: null,
      },
      expect.objectContaining({ trigger: { event: 'replication', peers: null, to: null, piece: 1, copies: 4, count: 1 } }),
    ]);
    const plain = parseScenario(base());
    expect(plain.ok && resolveNarration(plain.scenario)).toEqual([]);
  });

  it('needs exactly one trigger', () => {
    expect(errorAt(withSteps(step({})), 'narration[0]')).toBe('expected exactly one trigger, "at" (a time) or "when" (an event), got neither');
    expect(errorAt(withSteps(step({ at: 1, when: { event: 'join' } })), 'narration[0]')).toMatch(/got both$/);
  });

  it('names the known events and refuses keys an event does not use', () => {
    expect(errorAt(withSteps(step({ when: { event: 'first_upload' } })), 'narration[0].when.event')).toMatch(
      /^expected one of "join", "leave", "complete", "first-upload", .*, got "first_upload"$/,
    );
    expect(errorAt(withSteps(step({ when: { event: 'first-upload', count: 2 } })), 'narration[0].when.count')).toBe(
      '"first-upload" does not use "count" (it takes "peer", "to")',
    );
    expect(errorAt(withSteps(step({ when: { event: 'replication', piece: 0 } })), 'narration[0].when.copies')).toMatch(/^missing/);
    expect(errorAt(withSteps(step({ when: { event: 'join', peeer: 'seed' } })), 'narration[0].when.peeer')).toBe(
      'unknown key "peeer"; did you mean "peer"?',
    );
  });

  it('resolves peer names like events do, with a suggestion for a typo', () => {
    expect(errorAt(withSteps(step({ when: { event: 'leave', peer: 'sede' } })), 'narration[0].when.peer')).toBe(
      'unknown peer "sede"; did you mean "seed"?',
    );
    expect(errorAt(withSteps(step({ at: 0, select: 'L' })), 'narration[0].select')).toBe(
      'expected one peer, got the group "L"; name one member, such as "L-1"',
    );
    expect(errorAt(withSteps(step({ when: { event: 'unchoke', peer: 'seed', to: 'X' } })), 'narration[0].when.to')).toBe('unknown peer "X"');
  });

  it('keeps pieces inside the torrent and copies within the swarm', () => {
    expect(errorAt(withSteps(step({ at: 0, highlight: [0, 4] })), 'narration[0].highlight[1]')).toBe(
      'expected a piece index from 0 to 3 (the torrent has 4 pieces), got 4',
    );
    expect(errorAt(withSteps(step({ when: { event: 'verified', piece: 9 } })), 'narration[0].when.piece')).toMatch(/got 9$/);
    expect(errorAt(withSteps(step({ when: { event: 'replication', copies: 5 } })), 'narration[0].when.copies')).toBe(
      'expected at most 4 copies (the swarm has 4 peers), got 5',
    );
  });

  it('caps the text, the title, the steps and the highlight, and refuses control characters', () => {
    expect(errorAt(withSteps(step({ at: 0, text: 'x'.repeat(LIMITS.narrationTextLength + 1) })), 'narration[0].text')).toMatch(
      /^expected a text of at most 2000 characters, got "x+"… \(2001 characters\)$/,
    );
    expect(errorAt(withSteps(step({ at: 0, text: '' })), 'narration[0].text')).toBe('expected a non-empty text, got ""');
    expect(errorAt(withSteps(step({ at: 0, text: 'a\u0000b' })), 'narration[0].text')).toMatch(/without control characters/);
    expect(parseScenario(withSteps(step({ at: 0, text: 'two\nlines\tand <b>tags</b> kept as text' }))).ok).toBe(true);
    expect(errorAt(withSteps(step({ at: 0, title: 't'.repeat(101) })), 'narration[0].title')).toMatch(/at most 100 characters/);
    const many = Array.from({ length: LIMITS.maxNarrationSteps + 1 }, () => step({ at: 0 }));
    expect(errorAt(withSteps(...many), 'narration')).toMatch(/^expected at most 500 steps/);
    expect(errorAt(withSteps(step({ at: 0, highlight: new Array(1001).fill(0) })), 'narration[0].highlight')).toMatch(/at most 1000 pieces/);
  });

  it('reports every bad step in one pass', () => {
    const all = errors(withSteps(step({}), step({ at: -1 }), step({ when: { event: 'leave', peer: 'nobody' } })));
    expect(all.map((e) => e.path)).toEqual(['narration[0]', 'narration[1].at', 'narration[2].when.peer']);
  });
});
