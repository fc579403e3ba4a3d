// Number formatting for the human-readable reports: thousands separators, binary units, percentages
// with one decimal. Written by hand (no Intl) so the text is the same in every runtime and locale.

/** 1234567 → "1,234,567" (whole numbers; anything else is shown as JavaScript prints it). */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n)) return String(n);
  const digits = String(Math.abs(n));
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && (digits.length - i) % 3 === 0) out += ',';
    out += digits[i];
  }
  return n < 0 ? `-${out}` : out;
}

/** "7,749,632 bytes (7.4 MiB)"; below 1 KiB just "512 bytes"; "1 byte". */
export function bytesText(bytes: number): string {
  const count = `${grouped(bytes)} ${bytes === 1 ? 'byte' : 'bytes'}`;
  if (bytes < 1024) return count;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${count} (${value.toFixed(1)} ${units[unit]})`;
}

/**
 * A fraction 0–1 as a percentage with one decimal: "7.8 %". Never rounds a partial share to "100.0 %"
 * or a non-zero one to "0.0 %": those print as "99.9 %" and "< 0.1 %", so the text never claims a
 * whole or an empty copy that the numbers do not show.
 */
export function percentText(fraction: number): string {
  if (fraction > 0 && fraction < 0.0005) return '< 0.1 %';
  const text = (fraction * 100).toFixed(1);
  if (fraction < 1 && text === '100.0') return '99.9 %';
  return `${text} %`;
}

/** Seconds with up to three decimals: "75.592 s"; null → "–". */
export function secondsText(s: number | null): string {
  if (s === null) return '–';
  return `${s.toFixed(3).replace(/\.?0+$/, '')} s`;
}

/** A ratio with three decimals, or "–" when there is none. */
export function ratioText(r: number | null): string {
  return r === null ? '–' : r.toFixed(3);
}

/** "1 peer", "2 peers". */
export function count(n: number, one: string, many = `${one}s`): string {
  return `${grouped(n)} ${n === 1 ? one : many}`;
}
