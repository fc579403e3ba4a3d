// The PixiJS picture of a swarm. Layers, bottom to top: links (links.ts), bitfield rings and nodes
// (nodes.ts), announcement rings and blocks in flight (flights.ts), outlines (overlay.ts), then names
// and the key in screen space (labels.ts, legend.ts). The world (layout.ts) is drawn through a camera
// (camera.ts): the wheel zooms about the pointer, a drag pans, a double click fits the swarm again.
// The scene only reads: the Sim it is shown, the UI state it is given, and the trace for pulses and
// provenance. Pointing at and clicking a peer are reported through callbacks; the app decides.
import { Application, Container, Rectangle } from 'pixi.js';
import { createLineage, followLineage, type Lineage } from '../analysis/provenance';
import type { UiState } from '../app/store';
import type { Sim } from '../engine/sim';
import { BROADCAST, CHUNK, CHUNK_BITS, T } from '../engine/trace';
import { createAtlas } from './atlas';
import { FrameBudget } from './budget';
import { fit, pan, peerAt, toScreen, wheelFactor, zoomAt, type Camera } from './camera';
import { FlightLayer } from './flights';
import type { SceneFrame } from './frame';
import { LabelLayer } from './labels';
import { layoutSwarm, roleOf, type Layout } from './layout';
import { Legend } from './legend';
import { LinkLayer } from './links';
import { NodeLayer } from './nodes';
import { Overlay } from './overlay';
import { paletteFor, type Role } from './palette';
import { softwareWebGl } from './gpu';
import { FrameStats, type FrameTimes, type SceneStats } from './stats';

export interface SceneOptions {
  /** The UI state to draw with (selection, hover, highlighted record, colouring, theme). */
  ui(): Readonly<UiState>;
  /** The pointer moved onto a peer, or off every peer (null). */
  onHover?(peer: number | null): void;
  /** A click on a peer, or on empty space (null). */
  onSelect?(peer: number | null): void;
  /**
   * Wall-clock ms the app's own UI work (store subscribers, panel redraws) has taken so far: the
   * frame stats count it, and the engine's share of a frame is what it and the scene leave.
   */
  uiMs?(): number;
  /** The longest single engine event of the frame's advance, ms (Session.longestEventMs), for the frame stats. */
  longestEventMs?(): number;
}

export interface Scene {
  /** Draw this run from now on (null: draw nothing). */
  show(sim: Sim | null): void;
  /**
   * Call `update` before each frame is drawn, with the wall-clock milliseconds since the last frame
   * and the milliseconds of JS the frame has left for it (budget.ts).
   */
  onFrame(update: (deltaMs: number, budgetMs: number) => void): void;
  /** Where peer i is drawn, in CSS pixels from the canvas's top-left corner; null if there is none. */
  peerPosition(i: number): { x: number; y: number } | null;
  /** Zoom by `factor` about a point of the canvas (default: its centre). */
  zoom(factor: number, at?: { x: number; y: number }): void;
  /** Frame timings and what the last frame drew (for the benchmark and the browser tests). */
  stats(): SceneStats;
  /** Update and render one frame now, outside the ticker; returns its JS time in ms (benchmarks; kept in the stats). */
  frameNow(): number;
  /**
   * Draw the current moment at width × height CSS pixels (× scale) onto a fresh 2D canvas, whatever
   * the window's size, for PNG, GIF and video exports; the on-screen canvas is restored after.
   */
  capture(width: number, height: number, scale: number, clockMs?: number): HTMLCanvasElement;
  /**
   * Start a frame-by-frame export: the live frames stop, and what the scene remembers between frames
   * (announcement rings, where each flying block started) starts afresh from the current moment, so
   * the frames depend only on the engine and on the `clockMs` each capture is given (the video's own
   * clock), never on the wall clock. `endCapture` resumes the live view.
   */
  beginCapture(): void;
  endCapture(): void;
}

/** Drawing pulses for more new records than this at once (after a jump) would only be noise. */
const MAX_PULSE_SCAN = 4000;
/** While playing, links are redrawn at most this often (ms): flags flicker faster than anyone reads them. */
const LINKS_EVERY_MS = 100;
/** Pointer travel (px) beyond which a press is a drag, not a click. */
const DRAG_PX = 4;

export async function createScene(host: HTMLElement, options: SceneOptions): Promise<Scene> {
  const app = new Application();
  let palette = paletteFor(options.ui().theme);
  const initStart = performance.now();
  const gpu = await softwareWebGl();
  await app.init({
    background: palette.background,
    antialias: !gpu.software,
    resizeTo: host,
    resolution: window.devicePixelRatio,
    autoDensity: true,
    preference: 'webgl',
  });
  host.appendChild(app.canvas);
  const atlas = createAtlas();
  const world = new Container();
  const links = new LinkLayer(atlas);
  const nodes = new NodeLayer(atlas);
  const flights = new FlightLayer(atlas);
  const overlay = new Overlay();
  const labels = new LabelLayer();
  const legend = new Legend();
  world.addChild(...links.containers, ...nodes.containers, ...flights.containers, overlay.graphics);
  app.stage.addChild(world, labels.container, legend.container);
  const stats = new FrameStats();
  stats.initMs = performance.now() - initStart;
  stats.gpuProbe = gpu.probe;

  let sim: Sim | null = null;
  let layout: Layout = layoutSwarm([]);
  let roles: Role[] = [];
  let lineage: Lineage | null = null;
  let camera: Camera = fit(app.screen.width, app.screen.height);
  let userMoved = false;
  let traceSeen = 0;
  let update: ((deltaMs: number, budgetMs: number) => void) | null = null;
  // What the last frame was drawn from; a difference redraws the layers that depend on it.
  let drawn = { events: -1, links: '', overlay: '', labels: '' };
  let linksAt = -Infinity;

  function refit(): void {
    camera = fit(app.screen.width, app.screen.height);
    userMoved = false;
  }

  // Pixi follows window resizes only; the host also changes size when the page around it reflows.
  // The observer's first call comes at once, mostly with the size Pixi already has (as does a call
  // after a window resize Pixi has followed): resizing to it again would rebuild the canvas' buffers
  // and draw a frame for nothing, slow while the page loads.
  new ResizeObserver(() => {
    if (host.clientWidth !== app.screen.width || host.clientHeight !== app.screen.height) app.resize();
    if (!userMoved) refit();
  }).observe(host);

  /** Announcements among the records appended since the last frame become pulses. */
  function scanTrace(s: Sim, wall: number): void {
    const trace = s.trace;
    if (trace.length < traceSeen) {
      // A seek back: pulses are history, and a ring may hold as many pieces as before but other ones.
      flights.clearPulses();
      nodes.reset();
    }
    const start = Math.max(Math.min(traceSeen, trace.length), trace.length - MAX_PULSE_SCAN);
    for (let i = start; i < trace.length; i++) {
      const c = trace.chunks[i >>> CHUNK_BITS]!;
      const j = i & (CHUNK - 1);
      const kind = c.kind[j]!;
      if (kind === T.HAVE && c.to[j] === BROADCAST) flights.pulse(kind, c.from[j]!, BROADCAST, c.x[j]!, wall);
      else if (kind === T.BITFIELD) flights.pulse(kind, c.from[j]!, c.to[j]!, 0, wall);
    }
    traceSeen = trace.length;
  }

  function drawFrame(wall: number, still = false): void {
    // A picture for export leaves out where the mouse happens to rest: only the state itself.
    const ui = still ? { ...options.ui(), hoveredPeer: null } : options.ui();
    const nextPalette = paletteFor(ui.theme);
    if (nextPalette !== palette) {
      palette = nextPalette;
      app.renderer.background.color = palette.background;
    }
    world.position.set(camera.x, camera.y);
    world.scale.set(camera.scale);
    const { width, height } = app.screen;
    legend.draw(palette, ui.colouring, width, height);
    if (!sim) return;
    const bySource = ui.colouring === 'source' && sim.config.peers.some((p) => p.subject);
    if (bySource) {
      lineage ??= createLineage(sim.config, sim.geometry);
      followLineage(lineage, sim.trace);
    }
    scanTrace(sim, wall);
    const f: SceneFrame = { sim, layout, roles, palette, ui, scale: camera.scale, lineage: bySource ? lineage : null, wall };
    nodes.draw(f);
    const focus = ui.selectedPeer ?? ui.hoveredPeer;
    const linkKey = `${camera.scale}|${focus}|${ui.theme}`;
    const linksDue = !ui.playing || wall - linksAt >= LINKS_EVERY_MS;
    if (linkKey !== drawn.links || (sim.eventCount !== drawn.events && linksDue)) {
      links.draw(f);
      linksAt = wall;
    }
    flights.draw(f);
    // The highlighted record is drawn only once the trace holds it: its presence, not the trace's length.
    const highlighted = ui.highlightedRecord !== null && ui.highlightedRecord < sim.trace.length;
    const overlayKey = `${linkKey}|${ui.selectedPeer}|${ui.hoveredPeer}|${ui.highlightedRecord}|${highlighted}`;
    if (overlayKey !== drawn.overlay) overlay.draw(f);
    const labelKey = `${linkKey}|${camera.x}|${camera.y}|${ui.selectedPeer}|${ui.hoveredPeer}|${width}|${height}`;
    if (labelKey !== drawn.labels) labels.draw(f, camera, width, height);
    // The links' event count moves only when they were redrawn, so a skipped frame is caught up later.
    drawn = { events: linksAt === wall ? sim.eventCount : drawn.events, links: linkKey, overlay: overlayKey, labels: labelKey };
    stats.drew(f.roles.length, flights.inFlight, links.count, flights.pulseCount, nodes.ringSegments, wall);
  }

  const budget = new FrameBudget();
  const uiMs = options.uiMs ?? (() => 0);
  /** The UI's work total when the last frame's JS ended: what it did since is this frame's. */
  let uiSeen = uiMs();
  const times: FrameTimes = { advanceMs: 0, longestEventMs: 0, subscribersMs: 0, uiMs: 0, sceneMs: 0, renderMs: 0, planMs: 0 };
  /** An export is drawing frames of its own: the live view waits. */
  let capturing = false;
  /**
   * What the picture on screen was drawn from. A tick that finds the same run at the same moment,
   * the same UI state, camera and size, and no announcement ring fading, draws nothing: a paused
   * run costs neither the page nor the GPU anything.
   */
  const onScreen = { stale: true, sim: null as Sim | null, events: -1, now: -1, records: -1, ui: null as Readonly<UiState> | null, camera, width: 0, height: 0 };
  const unchanged = (): boolean =>
    !onScreen.stale &&
    onScreen.sim === sim &&
    onScreen.events === (sim?.eventCount ?? -1) &&
    onScreen.now === (sim?.now ?? -1) &&
    onScreen.records === (sim?.trace.length ?? -1) &&
    onScreen.ui === options.ui() &&
    onScreen.camera === camera &&
    onScreen.width === app.screen.width &&
    onScreen.height === app.screen.height &&
    flights.pulseCount === 0;
  const remember = (): void => {
    onScreen.stale = false;
    onScreen.sim = sim;
    onScreen.events = sim?.eventCount ?? -1;
    onScreen.now = sim?.now ?? -1;
    onScreen.records = sim?.trace.length ?? -1;
    onScreen.ui = options.ui();
    onScreen.camera = camera;
    onScreen.width = app.screen.width;
    onScreen.height = app.screen.height;
  };
  // A GPU that lost the canvas' context (and got it back) has lost the picture too.
  app.canvas.addEventListener('webglcontextrestored', () => (onScreen.stale = true));
  const forgetTransient = (): void => {
    onScreen.stale = true;
    flights.reset();
    links.reset();
    nodes.reset();
    traceSeen = sim ? sim.trace.length : 0;
    drawn = { events: -1, links: '', overlay: '', labels: '' };
    linksAt = -Infinity;
  };
  // The scene renders when it has drawn something new (see `unchanged`), not on every tick.
  app.ticker.remove(app.render, app);
  app.ticker.add((ticker) => {
    if (capturing) return;
    const t0 = performance.now();
    const ui0 = uiMs();
    // Whether this frame redraws the links (while playing, at most every LINKS_EVERY_MS) is known
    // before the engine moves: it is decided from the frame's start.
    const linksDue = t0 - linksAt >= LINKS_EVERY_MS;
    const events0 = sim?.eventCount ?? -1;
    update?.(ticker.deltaMS, budget.forEngine(linksDue, ui0 - uiSeen));
    const t1 = performance.now();
    const ui1 = uiMs();
    if (unchanged()) {
      uiSeen = ui1;
      return;
    }
    drawFrame(t0);
    const t2 = performance.now();
    app.render();
    remember();
    times.advanceMs = t1 - t0;
    times.longestEventMs = update !== null ? (options.longestEventMs?.() ?? 0) : 0;
    times.subscribersMs = ui1 - ui0;
    times.uiMs = ui0 - uiSeen;
    times.sceneMs = t2 - t1;
    times.renderMs = performance.now() - t2;
    times.planMs = budget.planMs;
    stats.frame(times, sim !== null);
    const engineRan = sim !== null && sim.eventCount !== events0;
    budget.record(linksAt === t0, times.subscribersMs, times.sceneMs, engineRan ? times.advanceMs - times.subscribersMs : null);
    uiSeen = uiMs();
  });

  // --- pointer: hover, click to select, drag to pan, wheel to zoom, double click to fit ---
  const canvas = app.canvas;
  let press: { x: number; y: number; dragging: boolean } | null = null;
  let hovered: number | null = null;
  const hitAt = (x: number, y: number): number | null => (sim ? peerAt(camera, layout.x, layout.y, layout.r, x, y) : null);
  const hover = (peer: number | null): void => {
    if (peer === hovered) return;
    hovered = peer;
    canvas.style.cursor = peer === null ? '' : 'pointer';
    options.onHover?.(peer);
  };
  canvas.addEventListener('pointerdown', (e) => {
    press = { x: e.offsetX, y: e.offsetY, dragging: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener('pointermove', (e) => {
    if (press) {
      if (!press.dragging && Math.hypot(e.offsetX - press.x, e.offsetY - press.y) > DRAG_PX) press.dragging = true;
      if (press.dragging) {
        camera = pan(camera, e.movementX, e.movementY);
        userMoved = true;
      }
      return;
    }
    hover(hitAt(e.offsetX, e.offsetY));
  });
  canvas.addEventListener('pointerup', (e) => {
    const wasClick = press !== null && !press.dragging;
    press = null;
    if (wasClick) options.onSelect?.(hitAt(e.offsetX, e.offsetY));
  });
  canvas.addEventListener('pointercancel', () => (press = null));
  canvas.addEventListener('pointerleave', () => {
    if (!press) hover(null);
  });
  const zoom = (factor: number, x: number, y: number): void => {
    camera = zoomAt(camera, factor, x, y, fit(app.screen.width, app.screen.height).scale);
    userMoved = true;
  };
  canvas.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      zoom(wheelFactor(e.deltaY, e.deltaMode), e.offsetX, e.offsetY);
    },
    { passive: false },
  );
  canvas.addEventListener('dblclick', refit);

  return {
    show(next) {
      sim = next;
      onScreen.stale = true;
      roles = next ? next.config.peers.map(roleOf) : [];
      layout = layoutSwarm(roles);
      lineage = null;
      traceSeen = next ? next.trace.length : 0;
      hovered = null;
      nodes.reset();
      links.reset();
      labels.reset();
      flights.reset();
      drawn = { events: -1, links: '', overlay: '', labels: '' };
      refit();
    },
    onFrame(next) {
      update = next;
    },
    peerPosition(i) {
      if (!sim || i < 0 || i >= roles.length) return null;
      return toScreen(camera, layout.x[i]!, layout.y[i]!);
    },
    zoom(factor, at) {
      zoom(factor, at?.x ?? app.screen.width / 2, at?.y ?? app.screen.height / 2);
    },
    stats: () => stats.snapshot(camera.scale, labels.shown),
    frameNow() {
      const t0 = performance.now();
      drawFrame(t0);
      const t1 = performance.now();
      app.render();
      remember();
      const t2 = performance.now();
      // Kept with the ticker's frames (no engine advance): the scene bench times frames this way.
      stats.frame({ advanceMs: 0, longestEventMs: 0, subscribersMs: 0, uiMs: 0, sceneMs: t1 - t0, renderMs: t2 - t1, planMs: 0 }, sim !== null);
      return t2 - t0;
    },
    beginCapture() {
      capturing = true;
      forgetTransient();
    },
    endCapture() {
      capturing = false;
      forgetTransient();
    },
    capture(width, height, scale, clockMs) {
      const resolution = app.renderer.resolution;
      app.renderer.resolution = scale;
      app.renderer.resize(width, height);
      // The picture is framed for its own size (the user's zoom is for the screen), and every layer
      // is drawn afresh for it rather than reusing what the screen's last frame left.
      const onScreen = camera;
      camera = fit(width, height);
      drawn = { events: -1, links: '', overlay: '', labels: '' };
      try {
        drawFrame(clockMs ?? performance.now(), true);
        const out = app.renderer.extract.canvas({ target: app.stage, frame: new Rectangle(0, 0, width, height), resolution: scale });
        const copy = document.createElement('canvas');
        copy.width = Math.round(width * scale);
        copy.height = Math.round(height * scale);
        const context = copy.getContext('2d', { willReadFrequently: true })!;
        // The stage has no background of its own: paint the scene's, then the picture.
        context.fillStyle = `#${palette.background.toString(16).padStart(6, '0')}`;
        context.fillRect(0, 0, copy.width, copy.height);
        context.drawImage(out as HTMLCanvasElement, 0, 0, copy.width, copy.height);
        return copy;
      } finally {
        camera = onScreen;
        drawn = { events: -1, links: '', overlay: '', labels: '' };
        app.renderer.resolution = resolution;
        app.resize();
        // During a frame-by-frame export the live view waits (endCapture redraws it): drawn now, with
        // the wall clock, it would age the export's announcement rings by the time since page load,
        // so that whether a ring showed in a frame depended on how soon after loading it was made.
        if (!capturing) drawFrame(performance.now());
      }
    },
  };
}
