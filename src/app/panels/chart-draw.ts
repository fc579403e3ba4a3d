// Canvas 2D drawing for the charts panel, by hand: three small charts (bars and step lines) do not
// justify a chart library in a bundle capped at 400 KB, and drawing them ourselves keeps the theme's
// colours and the device pixel ratio under our control. Colours come from the theme variables of
// index.html, read when drawing, so a theme switch only needs a redraw.
import { valueAt, type Steps } from '../../analysis/series';

export interface ChartColours {
  text: string;
  muted: string;
  border: string;
  accent: string;
  bg: string;
}

export function themeColours(node: Element): ChartColours {
  const css = getComputedStyle(node);
  const get = (name: string, fallback: string): string => css.getPropertyValue(name).trim() || fallback;
  return { text: get('--text', '#c9d1d9'), muted: get('--muted', '#8b949e'), border: get('--border', '#30363d'), accent: get('--accent', '#58a6ff'), bg: get('--bg', '#0d1117') };
}

/** A canvas sized for the device pixels, and the plot area inside the axes, in CSS pixels. */
export interface Plot {
  c: CanvasRenderingContext2D;
  left: number;
  top: number;
  width: number;
  height: number;
}

const MARGIN = { left: 52, right: 8, top: 8, bottom: 18 };

/** Size the canvas to its box at the device pixel ratio and clear it; null when it has no size (hidden). */
export function preparePlot(canvas: HTMLCanvasElement): Plot | null {
  const w = canvas.clientWidth;
  const h = canvas.clientHeight;
  if (w === 0 || h === 0) return null;
  const ratio = window.devicePixelRatio || 1;
  const pw = Math.round(w * ratio);
  const ph = Math.round(h * ratio);
  if (canvas.width !== pw) canvas.width = pw;
  if (canvas.height !== ph) canvas.height = ph;
  const c = canvas.getContext('2d');
  if (!c) return null;
  c.setTransform(ratio, 0, 0, ratio, 0, 0);
  c.clearRect(0, 0, w, h);
  c.font = '11px system-ui, sans-serif';
  return { c, left: MARGIN.left, top: MARGIN.top, width: Math.max(1, w - MARGIN.left - MARGIN.right), height: Math.max(1, h - MARGIN.top - MARGIN.bottom) };
}

/** The smallest 1, 2 or 5 × 10^k at or above v (at least 1): a round top for the y axis. */
export function niceCeil(v: number): number {
  if (!(v > 1)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** A round top for a bytes axis: 1, 2 or 5 × a power of 1024 × 10^k, so labels read "2 MiB", "50 MiB". */
export function niceBytesCeil(v: number): number {
  if (!(v > 1)) return 1;
  let unit = 1;
  while (v / unit >= 1024 && unit < 1024 ** 4) unit *= 1024;
  return niceCeil(v / unit) * unit;
}

/** "0 B", "512 B", "16 KiB", "1.5 MiB": short labels for a bytes axis. */
export function bytesLabel(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number.isInteger(value) ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Seconds for a time axis label: "0 s", "2.5 s", "45 s"; whole minutes from 10 min on, where seconds stop mattering. */
export function secondsLabel(us: number): string {
  const s = us / 1e6;
  if (s >= 600) return `${Math.round(s / 60)} min`;
  return `${s >= 10 || Number.isInteger(s) ? Math.round(s) : s.toFixed(1)} s`;
}

/** Gridlines at 0, half and the top of the y axis, labelled; the x axis labelled at its two ends. */
export function drawAxes(p: Plot, colours: ChartColours, yTop: number, yLabel: (v: number) => string, xLabels: [string, string]): void {
  const { c } = p;
  c.lineWidth = 1;
  c.fillStyle = colours.muted;
  c.textBaseline = 'middle';
  c.textAlign = 'right';
  for (const f of [0, 0.5, 1]) {
    const y = Math.round(p.top + p.height * (1 - f)) + 0.5;
    c.strokeStyle = colours.border;
    c.beginPath();
    c.moveTo(p.left, y);
    c.lineTo(p.left + p.width, y);
    c.stroke();
    c.fillText(yLabel(yTop * f), p.left - 4, y);
  }
  c.textBaseline = 'top';
  const yText = p.top + p.height + 4;
  c.textAlign = 'left';
  c.fillText(xLabels[0], p.left, yText);
  c.textAlign = 'right';
  c.fillText(xLabels[1], p.left + p.width, yText);
}

/**
 * A step series from time 0 to `tEnd` (µs), one sample per CSS pixel column (the value at the
 * column's end), so drawing costs the same for ten points as for a million.
 */
export function drawSteps(p: Plot, s: Steps, tEnd: number, yTop: number, colour: string, dash: number[] = []): void {
  const { c } = p;
  const y = (v: number): number => p.top + p.height * (1 - Math.min(1, v / yTop));
  c.strokeStyle = colour;
  c.lineWidth = 2;
  c.setLineDash(dash);
  c.beginPath();
  c.moveTo(p.left, y(0));
  const columns = Math.max(1, Math.floor(p.width));
  let last = 0;
  for (let k = 1; k <= columns; k++) {
    const v = valueAt(s, (tEnd * k) / columns);
    const x = p.left + k * (p.width / columns);
    if (v !== last) {
      c.lineTo(x, y(last));
      c.lineTo(x, y(v));
      last = v;
    }
  }
  c.lineTo(p.left + p.width, y(last));
  c.stroke();
  c.setLineDash([]);
}

/**
 * One bar per piece (copies among present peers). With more pieces than pixel columns, a column
 * shows the most copies of its pieces faintly and the fewest solidly: the rarest is what matters.
 */
export function drawBars(p: Plot, values: Int32Array, yTop: number, colour: string): void {
  const { c } = p;
  const n = values.length;
  if (n === 0) return;
  const columns = Math.min(n, Math.max(1, Math.floor(p.width)));
  const w = p.width / columns;
  const gap = w >= 4 ? 1 : 0;
  c.fillStyle = colour;
  for (let k = 0; k < columns; k++) {
    const from = Math.floor((k * n) / columns);
    const to = Math.max(from + 1, Math.floor(((k + 1) * n) / columns));
    let lo = Infinity;
    let hi = 0;
    for (let i = from; i < to; i++) {
      lo = Math.min(lo, values[i]!);
      hi = Math.max(hi, values[i]!);
    }
    const x = p.left + k * w;
    const bar = (v: number): void => {
      const h = p.height * Math.min(1, v / yTop);
      c.fillRect(x, p.top + p.height - h, Math.max(1, w - gap), h);
    };
    if (hi > lo) {
      c.globalAlpha = 0.35;
      bar(hi);
      c.globalAlpha = 1;
    }
    bar(lo);
  }
}

/** A horizontal dashed line at value v, labelled at its right end on the background (e.g. the rarest piece's copies). */
export function drawLevel(p: Plot, v: number, yTop: number, colours: ChartColours, label: string): void {
  const colour = colours.text;
  const { c } = p;
  const y = Math.round(p.top + p.height * (1 - Math.min(1, v / yTop))) + 0.5;
  c.strokeStyle = colour;
  c.lineWidth = 1;
  c.setLineDash([4, 3]);
  c.beginPath();
  c.moveTo(p.left, y);
  c.lineTo(p.left + p.width, y);
  c.stroke();
  c.setLineDash([]);
  // Above the line unless that leaves the plot; on a patch of background so bars do not hide it.
  const w = c.measureText(label).width + 6;
  const top = y - 16 >= p.top ? y - 16 : y + 2;
  c.fillStyle = colours.bg;
  c.fillRect(p.left + p.width - w, top, w, 14);
  c.fillStyle = colour;
  c.textAlign = 'right';
  c.textBaseline = 'middle';
  c.fillText(label, p.left + p.width - 3, top + 7);
}
