// The bandwidth model, in a few integer rules:
// - A peer sends one block at a time at its full upload rate, taking ceil(bytes × 10^6 / upload) µs,
//   and serves the connections with queued requests in round-robin order: its upload is shared among
//   the connections it is serving, and it never sends faster than its upload.
// - A block leaves the sender when its last byte is sent and arrives one connection latency later,
//   unless the receiver's download is slower or busy: each peer's download takes blocks one after
//   another at its download rate, starting no earlier than the block's first byte can arrive (a
//   reservation on its download link), so it never receives faster than its download.
// - Rounding is always up, so a capacity is never exceeded, by at most 1 µs a block.
// Rates for choking and pipelining come from mainline's running average over the last 20 s.

/** µs to move `bytes` at `rate` bytes/s. */
export function transferTime(bytes: number, rate: number): number {
  return Math.ceil((bytes * 1_000_000) / rate);
}

/**
 * When a block arrives. Its bytes leave the sender during [startedAt, sentAt]; the receiver's download
 * takes them one block after another, no earlier than the first byte can get there, and the last byte
 * arrives one latency after it left at the earliest.
 */
export function arrival(
  startedAt: number,
  sentAt: number,
  latency: number,
  bytes: number,
  download: number | null,
  downloadFreeAt: number,
): number {
  const earliest = sentAt + latency;
  if (download === null) return earliest;
  return Math.max(earliest, Math.max(startedAt + latency, downloadFreeAt) + transferTime(bytes, download));
}

/**
 * Mainline's rate measure (BitTorrent 3.x CurrentRateMeasure): a running average over at most the
 * last `period` µs, updated as bytes arrive:
 *   rate = (rate·(last − since) + amount) / (now − since); last = now; since = max(since, now − period)
 * A connection keeps one for each direction as three plain numbers (Half.downRate/downLast/downSince
 * and up…), so the per-block update touches no other object. `since` starts 1 s before the connection
 * opened (mainline's fudge), so the first bytes do not look infinitely fast. Plain IEEE arithmetic, the
 * same in every JavaScript engine.
 */
export const RATE_FUDGE = 1_000_000;

/** The new rate after `amount` bytes at `now`. */
export function measuredRate(rate: number, last: number, since: number, now: number, amount: number): number {
  return (rate * (last - since) + amount * 1_000_000) / (now - since);
}

/** The new start of the window after an update at `now`. */
export function measureSince(since: number, now: number, period: number): number {
  return since < now - period ? now - period : since;
}

/** The rate as mainline's get_rate() would report it at `now`, without changing the measure. */
export function rateAt(rate: number, last: number, since: number, now: number): number {
  return now > since ? (rate * (last - since)) / (now - since) : rate;
}
