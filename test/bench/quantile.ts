// Shared by the benchmark scripts: a percentile of measured times.

/** The q-quantile of `values` (0.5: the median, 0.95: the 95th percentile), the nearest rank below; NaN for none. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}
