// Text in, errors a person can read out; never a throw.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatScenarioErrors,
  MAX_SCENARIO_BYTES,
  parseScenario,
  parseScenarioText,
  type ScenarioError,
} from '../../src/scenario';
import { base } from './helpers';

const text = (v: unknown) => JSON.stringify(v);

describe('parseScenarioText', () => {
  it('parses JSON text to a config and the scenario with defaults', () => {
    const r = parseScenarioText(text(base()));
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.peers).toHaveLength(4);
    expect(r.scenario.peers[0]!.upload).toBe(262144);
    expect(r.scenario.peers[1]!.upload).toBe(131072);
    expect(r.scenario.seed).toBe(1);
  });

  it('turns a JSON syntax error into one error at the root, with line and column', () => {
    const r = parseScenarioText('{\n  "name": "x",\n}');
    expect(r).toEqual({ ok: false, errors: [{ path: '', message: expect.stringMatching(/^not valid JSON: /) }] });
    if (!r.ok) expect(r.errors[0]!.message).toMatch(/line 3, column 1/);
  });

  it('says an empty file is empty', () => {
    expect(parseScenarioText('  \n')).toEqual({ ok: false, errors: [{ path: '', message: 'not valid JSON: the file is empty' }] });
  });

  it('ignores a byte order mark', () => {
    expect(parseScenarioText(`\ufeff${text(base())}`).ok).toBe(true);
  });

  it('refuses text over 5 MB with a clear error, before parsing it', () => {
    const big = `{"name": "${'x'.repeat(MAX_SCENARIO_BYTES)}"}`;
    const r = parseScenarioText(big);
    expect(r).toEqual({ ok: false, errors: [{ path: '', message: expect.stringMatching(/too large.*at most 5 MB/) }] });
  });

  it('parseScenario and parseScenarioText agree', () => {
    expect(parseScenarioText(text(base()))).toEqual(parseScenario(base()));
  });
});

describe('formatScenarioErrors', () => {
  it('prints one line per error: path, then message', () => {
    const errors: ScenarioError[] = [
      { path: 'peers[2].upload', message: 'expected a whole number of bytes per second ≥ 0, got -5' },
      { path: '', message: 'not valid JSON: x' },
    ];
    expect(formatScenarioErrors(errors)).toBe('peers[2].upload: expected a whole number of bytes per second ≥ 0, got -5\nnot valid JSON: x');
  });

  it('end to end: a bad upload reads as the path, what was expected, what was found', () => {
    const s = base();
    s.peers.push({ name: 'x', upload: -5 });
    const r = parseScenarioText(text(s));
    expect(r.ok).toBe(false);
    if (!r.ok) expect(formatScenarioErrors(r.errors)).toBe('peers[2].upload: expected a whole number of bytes per second ≥ 0, got -5');
  });

  it('quotes keys that are not identifiers', () => {
    const r = parseScenario({ ...base(), 'my key': 1 });
    expect(r.ok ? [] : r.errors.map((e) => e.path)).toEqual(['["my key"]']);
  });

  it('stops after 100 lines and says how many more there were', () => {
    const errors = Array.from({ length: 150 }, (_, i) => ({ path: `a${i}`, message: 'm' }));
    const lines = formatScenarioErrors(errors).split('\n');
    expect(lines).toHaveLength(101);
    expect(lines[100]).toBe('… and 50 more errors');
  });
});

describe('never throws', () => {
  it('on any JSON value', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parseScenario(v);
        expect(typeof r.ok).toBe('boolean');
        parseScenarioText(JSON.stringify(v) ?? 'null');
      }),
      { numRuns: 300 },
    );
  });

  it('on scenarios with random values in every field', () => {
    const anyValue = fc.oneof(
      fc.integer({ min: -5, max: 20 }),
      fc.double({ noNaN: true }),
      fc.string({ maxLength: 5 }),
      fc.boolean(),
      fc.constant(null),
      fc.constant(undefined),
      fc.constantFrom('L', 'L-1', 'seed', 'mainline', 'leave'),
    );
    const peer = fc.record(
      {
        name: fc.oneof(fc.constantFrom('L', 'L-1', 'seed', 'x'), anyValue),
        count: anyValue,
        seed: anyValue,
        subject: anyValue,
        upload: anyValue,
        download: anyValue,
        joinAt: anyValue,
        leaveAt: anyValue,
        client: anyValue,
        settings: fc.oneof(anyValue, fc.record({ maxUploads: anyValue, seedChoker: anyValue }, { requiredKeys: [] })),
      },
      { requiredKeys: [] },
    );
    const scenario = fc.record(
      {
        name: anyValue,
        seed: anyValue,
        stopAt: anyValue,
        torrent: fc.oneof(
          anyValue,
          fc.record(
            {
              pieceLength: fc.oneof(fc.constantFrom(16384, 262144), anyValue),
              pieces: anyValue,
              size: anyValue,
              files: fc.oneof(anyValue, fc.array(fc.record({ path: anyValue, length: anyValue }), { maxLength: 3 })),
            },
            { requiredKeys: [] },
          ),
        ),
        peers: fc.oneof(anyValue, fc.array(peer, { maxLength: 5 })),
        events: fc.oneof(
          anyValue,
          fc.array(fc.record({ at: anyValue, peer: anyValue, action: anyValue }, { requiredKeys: [] }), { maxLength: 4 }),
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(scenario, (s) => {
        const r = parseScenario(s);
        if (r.ok) {
          // Whatever got through resolves to a config the engine can take.
          expect(r.config.peers.length).toBeGreaterThan(0);
          expect(r.config.peers.filter((p) => p.subject).length).toBeLessThanOrEqual(1);
          expect(new Set(r.config.peers.map((p) => p.name)).size).toBe(r.config.peers.length);
          for (const e of r.config.events) expect(r.config.peers[e.peer]).toBeDefined();
        } else {
          expect(r.errors.length).toBeGreaterThan(0);
          for (const e of r.errors) expect(e.message).not.toMatch(/^Invalid input/);
        }
      }),
      { numRuns: 1000 },
    );
  });
});
