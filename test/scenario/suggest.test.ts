import { describe, expect, it } from 'vitest';
import { closest, editDistance } from '../../src/scenario/suggest';

describe('suggestions', () => {
  it('counts a swap of two neighbouring letters as one edit', () => {
    expect(editDistance('uplaod', 'upload')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('suggests a close name, ignoring case, and nothing when no name is close', () => {
    const keys = ['name', 'count', 'seed', 'upload', 'download', 'joinAt', 'leaveAt'];
    expect(closest('uplaod', keys)).toBe('upload');
    expect(closest('joinat', keys)).toBe('joinAt');
    expect(closest('Download', keys)).toBe('download');
    expect(closest('colour', keys)).toBeUndefined();
    expect(closest('x', keys)).toBeUndefined();
  });
});
