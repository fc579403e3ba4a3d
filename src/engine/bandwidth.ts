// The bandwidth model, in a few integer rules:
// - A peer sends one block at a time at its full upload rate, taking ceil(bytes × 10^6 / upload) µs,
//   and serves the connections with queued requests in round-robin order: its upload is shared among
//   the connections it is serving, and it never sends faster than its upload.
// - A block leaves the sender when its last byte is sent and arrives one connection latency later,
//   unless the receiver's download is busy: each peer's download takes blocks one after another at its
//   download rate (a reservation on its download link), so it never receives faster than its download.
// - Rounding is always up, so a capacity is never exceeded, by at most 1 µs a block.
// Rates for choking come from per-connection byte counters in one-second buckets over a rolling window.

/** µs to move `bytes` at `rate` bytes/s. */
export function transferTime(bytes: number, rate: number): number {
  return Math.ceil((bytes * 1_000_000) / rate);
}

/** When a block whose last byte left at `sentAt` arrives, and the receiver's next free download time. */
export function arrival(sentAt: number, latency: number, bytes: number, download: number | null, downloadFreeAt: number): number {
  const earliest = sentAt + latency;
  if (download === null) return earliest;
  return Math.max(earliest, downloadFreeAt + transferTime(bytes, download));
}

export const WINDOW_BUCKETS = 20;

/** Bytes per bucket over a rolling window; bucket length = window / WINDOW_BUCKETS. */
export interface RateWindow {
  bytes: Float64Array;
  /** The bucket number each slot currently counts for. */
  stamp: Float64Array;
}

export function createWindow(): RateWindow {
  return { bytes: new Float64Array(WINDOW_BUCKETS), stamp: new Float64Array(WINDOW_BUCKETS).fill(-1) };
}

export function addBytes(w: RateWindow, now: number, bucketLength: number, n: number): void {
  const b = Math.floor(now / bucketLength);
  const i = b % WINDOW_BUCKETS;
  if (w.stamp[i] !== b) {
    w.stamp[i] = b;
    w.bytes[i] = 0;
  }
  w.bytes[i] = w.bytes[i]! + n;
}

/** Bytes counted in the window that ends now. */
export function windowBytes(w: RateWindow, now: number, bucketLength: number): number {
  const b = Math.floor(now / bucketLength);
  let sum = 0;
  for (let i = 0; i < WINDOW_BUCKETS; i++) {
    const s = w.stamp[i]!;
    if (s > b - WINDOW_BUCKETS && s <= b) sum += w.bytes[i]!;
  }
  return sum;
}

/** Bytes/s over the window, or over the connection's lifetime when that is shorter (at least 1 s). */
export function windowRate(w: RateWindow, now: number, window: number, openedAt: number): number {
  const span = Math.max(1_000_000, Math.min(window, now - openedAt));
  return Math.floor((windowBytes(w, now, window / WINDOW_BUCKETS) * 1_000_000) / span);
}
