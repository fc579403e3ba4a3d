// The charts' axis arithmetic (src/app/panels/chart-draw.ts): round tops and short labels.
import { describe, expect, it } from 'vitest';
import { bytesLabel, niceBytesCeil, niceCeil, secondsLabel } from '../../src/app/panels/chart-draw';

describe('chart axes', () => {
  it('round a count axis up to 1, 2 or 5 × 10^k, never below the value', () => {
    expect([0, 1, 3, 10, 11, 31, 50, 51, 999].map(niceCeil)).toEqual([1, 1, 5, 10, 20, 50, 50, 100, 1000]);
  });

  it('round a bytes axis to whole binary units, so its labels stay short', () => {
    expect(niceBytesCeil(1000)).toBe(1000);
    expect(niceBytesCeil(3 * 1024 * 1024 + 1)).toBe(5 * 1024 * 1024);
    expect(niceBytesCeil(11_272_192)).toBe(20 * 1024 * 1024);
    expect(bytesLabel(niceBytesCeil(11_272_192))).toBe('20 MiB');
    expect(bytesLabel(niceBytesCeil(11_272_192) / 2)).toBe('10 MiB');
    expect(bytesLabel(0)).toBe('0 B');
    expect(bytesLabel(1536)).toBe('1.5 KiB');
  });

  it('label time in seconds, and in minutes from ten minutes on', () => {
    expect([0, 2_500_000, 45_000_000, 599_000_000, 1_800_000_000].map(secondsLabel)).toEqual(['0 s', '2.5 s', '45 s', '599 s', '30 min']);
  });
});
