// Numbers as the chrome shows them.

function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

/** Simulated µs as h:mm:ss.mmm. */
export function formatTime(us: number): string {
  const ms = Math.floor(us / 1000);
  const s = Math.floor(ms / 1000);
  return `${Math.floor(s / 3600)}:${pad(Math.floor(s / 60) % 60, 2)}:${pad(s % 60, 2)}.${pad(ms % 1000, 3)}`;
}

/** What toLocaleString('en-US') does, made once: the playback bar formats a speed every frame while it lags. */
let speedFormat: Intl.NumberFormat | null = null;

/** A speed multiplier as the speed control shows it: 0.1×, 10×, 1,000×. */
export function formatSpeed(speed: number): string {
  speedFormat ??= new Intl.NumberFormat('en-US');
  return `${speedFormat.format(speed)}×`;
}
