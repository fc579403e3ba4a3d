// The embed's URL parameters: embed=1 turns embed mode on; origins is a list of exact origins, and
// anything else in it is reported and left out.
import { describe, expect, it } from 'vitest';
import { fullAppUrl, MAX_ORIGINS, parseEmbedParams } from '../../src/app/embed';

describe('embed parameters', () => {
  it('read embed=1 and a comma-separated list of origins', () => {
    expect(parseEmbedParams('?embed=1&origins=https://a.example,http://b.example:8080')).toEqual({
      embed: true,
      origins: ['https://a.example', 'http://b.example:8080'],
      problems: [],
    });
    expect(parseEmbedParams('').embed).toBe(false);
    expect(parseEmbedParams('?embed=0').embed).toBe(false);
  });

  it('report an origin with a path, a script scheme or a wildcard, and keep the good ones', () => {
    const parsed = parseEmbedParams('?origins=https://a.example/page,javascript:alert(1),*,https://ok.example');
    expect(parsed.origins).toEqual(['https://ok.example']);
    expect(parsed.problems.map((p) => p.param)).toEqual(['origins', 'origins', 'origins']);
    expect(parsed.problems[0]!.message).toContain('no path');
  });

  it('report a bad embed flag and too many origins', () => {
    expect(parseEmbedParams('?embed=yes').problems[0]).toMatchObject({ param: 'embed' });
    const many = Array.from({ length: MAX_ORIGINS + 5 }, (_, i) => `https://o${i}.example`).join(',');
    const parsed = parseEmbedParams(`?origins=${many}`);
    expect(parsed.origins.length).toBe(MAX_ORIGINS);
    expect(parsed.problems[0]!.message).toContain(`at most ${MAX_ORIGINS}`);
  });

  it('link to the full app at the same moment, without the embed parameters', () => {
    expect(fullAppUrl('https://s.example/?scenario=flash-crowd&t=12&embed=1&origins=https://a.example')).toBe('https://s.example/?scenario=flash-crowd&t=12');
  });
});
