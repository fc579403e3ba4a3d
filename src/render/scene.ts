// The PixiJS picture of a swarm: every peer on a circle, its shape saying what it is (square = seed,
// circle = leecher, diamond = subject) and a bar under it saying how much of the file it holds.
// The scene only reads the swarm it is given; playback belongs to the app.
import { Application, Container, Graphics, Text } from 'pixi.js';
import type { PeerSpec, SimConfig } from '../engine/types';

/** What the scene reads from a running simulation (the engine's Sim has this shape). */
export interface SwarmView {
  readonly config: SimConfig;
  peerPieces(i: number): number;
}

export interface Scene {
  /** Draw this swarm from now on (null: draw nothing). */
  show(view: SwarmView | null): void;
  /** Call `update` before each frame is drawn, with the wall-clock milliseconds since the last frame. */
  onFrame(update: (deltaMs: number) => void): void;
}

const BACKGROUND = 0x0d1117;
const TRACK = 0x30363d;
const LABEL = 0xc9d1d9;
const COLOR = { seed: 0x3fb950, leecher: 0x58a6ff, subject: 0xf0883e } as const;
/** Beyond this many peers the names would overlap, so they are left out. */
const MAX_LABELS = 40;
/** Longer names are cut to this many characters on the canvas. */
const MAX_NAME = 24;

type Role = keyof typeof COLOR;

function roleOf(peer: PeerSpec): Role {
  if (peer.subject) return 'subject';
  return peer.seed ? 'seed' : 'leecher';
}

function drawMarker(g: Graphics, role: Role, x: number, y: number, r: number): void {
  const color = COLOR[role];
  if (role === 'seed') g.rect(x - r, y - r, 2 * r, 2 * r).fill(color);
  else if (role === 'leecher') g.circle(x, y, r).fill(color);
  else g.poly([x, y - r * 1.3, x + r * 1.3, y, x, y + r * 1.3, x - r * 1.3, y]).fill(color);
}

export async function createScene(host: HTMLElement): Promise<Scene> {
  const app = new Application();
  await app.init({
    background: BACKGROUND,
    antialias: true,
    resizeTo: host,
    resolution: window.devicePixelRatio,
    autoDensity: true,
    preference: 'webgl',
  });
  host.appendChild(app.canvas);
  // Pixi follows window resizes only; the host also changes size when the page around it reflows.
  new ResizeObserver(() => app.resize()).observe(host);

  const shapes = new Graphics();
  const labels = new Container();
  app.stage.addChild(shapes, labels);
  let names: Text[] = [];
  let view: SwarmView | null = null;
  let update: ((deltaMs: number) => void) | null = null;
  app.ticker.add((ticker) => {
    update?.(ticker.deltaMS);
    draw();
  });

  function draw(): void {
    shapes.clear();
    if (!view) return;
    const { peers, torrent } = view.config;
    const n = peers.length;
    const cx = app.screen.width / 2;
    const cy = app.screen.height / 2;
    // Room outside the ring for the names.
    const ring = Math.max(20, Math.min(cx, cy) - (names.length > 0 ? 64 : 24));
    const r = Math.max(3, Math.min(12, ((2 * Math.PI * ring) / Math.max(n, 1)) * 0.2));
    const barWidth = 3 * r;
    for (let i = 0; i < n; i++) {
      const role = roleOf(peers[i]!);
      // Start at twelve o'clock and go clockwise, so peer 0 is always at the top.
      const angle = -Math.PI / 2 + (2 * Math.PI * i) / n;
      const cos = Math.cos(angle);
      const sin = Math.sin(angle);
      const x = cx + ring * cos;
      const y = cy + ring * sin;
      drawMarker(shapes, role, x, y, r);
      const fraction = torrent.pieces > 0 ? Math.min(1, view.peerPieces(i) / torrent.pieces) : 0;
      const barY = y + r * 1.3 + 4;
      shapes.rect(x - barWidth / 2, barY, barWidth, 4).fill(TRACK);
      if (fraction > 0) shapes.rect(x - barWidth / 2, barY, barWidth * fraction, 4).fill(COLOR[role]);
      const name = names[i];
      if (name) {
        // Each name sits just outside the ring and grows away from it, clear of the bar below.
        const out = ring + r * 1.3 + 14;
        name.position.set(cx + out * cos, cy + out * sin);
        name.anchor.set(0.5 - 0.5 * cos, 0.5 - 0.5 * sin);
      }
    }
  }

  return {
    show(next) {
      view = next;
      for (const old of labels.removeChildren()) old.destroy();
      names = [];
      if (!next || next.config.peers.length > MAX_LABELS) return;
      for (const peer of next.config.peers) {
        const text = peer.name.length > MAX_NAME ? `${peer.name.slice(0, MAX_NAME - 1)}…` : peer.name;
        // Pixi Text draws the name as pixels: an untrusted name cannot become markup.
        names.push(labels.addChild(new Text({ text, style: { fill: LABEL, fontSize: 11 } })));
      }
    },
    onFrame(next) {
      update = next;
    },
  };
}
