// Every user action is one command in one registry (the Excalidraw habit, ../shared/STYLE.md):
// buttons, keyboard shortcuts, URL parameters and the embed postMessage API all call `run`, and the
// browser tests drive the app through it too. A command is plain data plus a function; it reads and
// writes UI state through the store and moves the engine through the session.
import { record, T } from '../engine/trace';
import { openPrintableReport } from './printable';
import { positionOf, tourOf } from './tour';
import type { Session } from './session';
import { BOOKMARK_SLOTS, SPEEDS, type Colouring, type LogFilter, type PanelId, type Theme, type UiStore } from './store';

export interface AppContext {
  store: UiStore;
  session: Session;
}

export interface Command<A = undefined> {
  id: string;
  /** What a button or the shortcut list calls it. */
  label: string;
  /** Keyboard shortcuts, as KeyboardEvent.key values with optional "Shift+" (see keyboard.ts). */
  keys?: readonly string[];
  /** False when the command does nothing right now (buttons are disabled). */
  enabled?(ctx: AppContext): boolean;
  run(ctx: AppContext, arg: A): void;
  /** For a command whose shortcut keys carry its argument (1–9 → a bookmark slot). */
  fromKey?(key: string): unknown;
}

const loaded = (ctx: AppContext): boolean => ctx.session.sim !== null;
const notDone = (ctx: AppContext): boolean => ctx.session.sim !== null && !ctx.session.sim.done;
const notAtStart = (ctx: AppContext): boolean => (ctx.session.sim?.eventCount ?? 0) > 0;

function setPlaying(ctx: AppContext, playing: boolean): void {
  ctx.store.update((s) => {
    s.playing = playing;
  });
}

function nextSpeed(current: number, direction: 1 | -1): number {
  const index = SPEEDS.findIndex((speed) => speed >= current);
  const at = index < 0 ? SPEEDS.length - 1 : index;
  // Between two steps, − goes to the lower one and + to the upper one.
  const exact = SPEEDS[at] === current;
  const target = direction > 0 ? (exact ? at + 1 : at) : at - 1;
  return SPEEDS[Math.max(0, Math.min(SPEEDS.length - 1, target))]!;
}

/** Seconds of simulated time that ←/→ with Shift jump. */
const JUMP_US = 10_000_000;

export const commands = {
  play: {
    id: 'play',
    label: 'Play',
    enabled: loaded,
    run(ctx) {
      // Playing a finished run starts it again, as a media player does.
      if (ctx.session.sim?.done) ctx.session.restart();
      setPlaying(ctx, true);
    },
  },
  pause: {
    id: 'pause',
    label: 'Pause',
    enabled: loaded,
    run(ctx) {
      setPlaying(ctx, false);
      // Paused at a moment means every event of that moment has run (as a seek there would).
      ctx.session.finishInstant();
    },
  },
  togglePlay: {
    id: 'togglePlay',
    label: 'Play / pause',
    keys: [' '],
    enabled: loaded,
    run(ctx) {
      if (ctx.store.getState().playing) commands.pause.run(ctx);
      else commands.play.run(ctx);
    },
  },
  stepForward: {
    id: 'stepForward',
    label: 'Step one event',
    keys: ['ArrowRight'],
    enabled: notDone,
    run(ctx) {
      setPlaying(ctx, false);
      ctx.session.step();
    },
  },
  stepBack: {
    id: 'stepBack',
    label: 'Step back one event',
    keys: ['ArrowLeft'],
    enabled: notAtStart,
    run(ctx) {
      setPlaying(ctx, false);
      ctx.session.stepBack();
    },
  },
  nextRechoke: {
    id: 'nextRechoke',
    label: 'Step to the next rechoke',
    keys: ['r'],
    enabled: notDone,
    run(ctx) {
      setPlaying(ctx, false);
      ctx.session.stepTo(T.RECHOKE);
    },
  },
  jumpForward: {
    id: 'jumpForward',
    label: 'Forward 10 s',
    keys: ['Shift+ArrowRight'],
    enabled: notDone,
    run: (ctx) => ctx.session.seek((ctx.session.sim?.now ?? 0) + JUMP_US),
  },
  jumpBack: {
    id: 'jumpBack',
    label: 'Back 10 s',
    keys: ['Shift+ArrowLeft'],
    enabled: notAtStart,
    run: (ctx) => ctx.session.seek(Math.max(0, (ctx.session.sim?.now ?? 0) - JUMP_US)),
  },
  seek: {
    id: 'seek',
    label: 'Go to a time',
    enabled: loaded,
    run: (ctx, t: number) => ctx.session.seek(t),
  },
  seekStart: {
    id: 'seekStart',
    label: 'Go to the start',
    keys: ['Home'],
    enabled: notAtStart,
    run(ctx) {
      setPlaying(ctx, false);
      ctx.session.seek(0);
    },
  },
  seekEnd: {
    id: 'seekEnd',
    label: 'Go to the end',
    keys: ['End'],
    enabled: notDone,
    run(ctx) {
      setPlaying(ctx, false);
      ctx.session.runToEnd();
    },
  },
  faster: {
    id: 'faster',
    label: 'Faster',
    keys: ['+', '='],
    run: (ctx) => ctx.store.update((s) => void (s.speed = nextSpeed(s.speed, 1))),
  },
  slower: {
    id: 'slower',
    label: 'Slower',
    keys: ['-', '_'],
    run: (ctx) => ctx.store.update((s) => void (s.speed = nextSpeed(s.speed, -1))),
  },
  setSpeed: {
    id: 'setSpeed',
    label: 'Set the speed',
    run(ctx, speed: number) {
      if (!Number.isFinite(speed)) return;
      ctx.store.update((s) => void (s.speed = Math.min(SPEEDS[SPEEDS.length - 1]!, Math.max(SPEEDS[0]!, speed))));
    },
  },
  selectPeer: {
    id: 'selectPeer',
    label: 'Select a peer',
    run(ctx, peer: number | null) {
      const n = ctx.session.sim?.config.peers.length ?? 0;
      const valid = peer !== null && Number.isInteger(peer) && peer >= 0 && peer < n ? peer : null;
      ctx.store.update((s) => {
        s.selectedPeer = valid;
        if (valid !== null) s.activePanel = 'inspector';
      });
    },
  },
  clearSelection: {
    id: 'clearSelection',
    label: 'Clear the selection',
    keys: ['Escape'],
    run: (ctx) =>
      ctx.store.update((s) => {
        s.selectedPeer = null;
        s.helpOpen = false;
      }),
  },
  setColouring: {
    id: 'setColouring',
    label: 'Colour blocks by piece or by source',
    run: (ctx, colouring: Colouring) => ctx.store.update((s) => void (s.colouring = colouring)),
  },
  toggleColouring: {
    id: 'toggleColouring',
    label: 'Colour by source',
    keys: ['c'],
    run: (ctx) => ctx.store.update((s) => void (s.colouring = s.colouring === 'piece' ? 'source' : 'piece')),
  },
  setLogFilter: {
    id: 'setLogFilter',
    label: 'Filter the message log',
    run(ctx, change: Partial<LogFilter>) {
      const sim = ctx.session.sim;
      const below = (n: number) => (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < n;
      const isPeer = below(sim?.config.peers.length ?? 0);
      const isPiece = below(sim?.config.torrent.pieces ?? 0);
      ctx.store.update((s) => {
        // A value out of range is ignored rather than filtering everything out.
        if (change.peer === null || isPeer(change.peer)) s.logFilter.peer = change.peer;
        if (Array.isArray(change.kinds)) s.logFilter.kinds = change.kinds.filter(below(256));
        if (change.piece === null || isPiece(change.piece)) s.logFilter.piece = change.piece;
      });
    },
  },
  clearLogFilter: {
    id: 'clearLogFilter',
    label: 'Show every message in the log',
    run: (ctx) => ctx.store.update((s) => void (s.logFilter = { peer: null, kinds: [], piece: null })),
  },
  highlightRecord: {
    id: 'highlightRecord',
    label: 'Highlight a message',
    run: (ctx, index: number | null) =>
      ctx.store.update((s) => void (s.highlightedRecord = index !== null && Number.isInteger(index) && index >= 0 ? index : null)),
  },
  seekRecord: {
    id: 'seekRecord',
    label: 'Go to the moment of a message',
    enabled: loaded,
    run(ctx, index: number) {
      const sim = ctx.session.sim;
      if (!sim || !Number.isInteger(index) || index < 0 || index >= sim.trace.length) return;
      // Seeking to the record's time runs every event at that time, so the state shows it done.
      const { time } = record(sim.trace, index);
      setPlaying(ctx, false);
      ctx.session.seek(time);
      ctx.store.update((s) => void (s.highlightedRecord = index));
    },
  },
  highlightPieces: {
    id: 'highlightPieces',
    label: 'Highlight pieces',
    run(ctx, pieces: readonly number[]) {
      const n = ctx.session.sim?.config.torrent.pieces ?? 0;
      const valid = Array.isArray(pieces) ? pieces.filter((p) => Number.isInteger(p) && p >= 0 && p < n) : [];
      ctx.store.update((s) => void (s.highlightedPieces = valid));
    },
  },
  showNarrationStep: {
    id: 'showNarrationStep',
    label: 'Show a narration step',
    run(ctx, arg: { step: number | null; apply?: boolean }) {
      // The caption and its highlight always follow; the step's selection, colouring and pause only
      // when `apply` (reached by playing or by the tour), never by scrubbing past it.
      const step = arg.step === null ? undefined : tourOf(ctx.session)?.steps[arg.step];
      ctx.store.update((s) => void (s.narrationStep = step === undefined ? null : arg.step));
      commands.highlightPieces.run(ctx, step?.highlight ?? []);
      if (!step || !arg.apply) return;
      if (step.pause) setPlaying(ctx, false);
      if (step.select !== null) {
        // The step points at a peer; the panel the user chose (evidence, charts…) stays on screen.
        const panel = ctx.store.getState().activePanel;
        commands.selectPeer.run(ctx, step.select);
        commands.showPanel.run(ctx, panel);
      }
      if (step.colouring) commands.setColouring.run(ctx, step.colouring);
    },
  },
  goToStep: {
    id: 'goToStep',
    label: 'Go to a narration step',
    enabled: (ctx) => tourOf(ctx.session) !== null,
    run(ctx, step: number) {
      const tour = tourOf(ctx.session);
      const firing = tour?.locate(step);
      if (!tour || !firing) return;
      // Exactly where the step fires: every event up to its time has run, the record that fired it included.
      tour.busy = true;
      try {
        ctx.session.seek(firing.time);
      } finally {
        tour.busy = false;
      }
      tour.shown = step;
      tour.shownAt = positionOf(ctx.session.sim!);
      commands.showNarrationStep.run(ctx, { step, apply: true });
    },
  },
  nextStep: {
    id: 'nextStep',
    label: 'Next narration step',
    keys: [']', 'n'],
    enabled: (ctx) => tourOf(ctx.session)?.mayHaveNext(ctx.store.getState().narrationStep) ?? false,
    run(ctx) {
      const next = tourOf(ctx.session)?.next(ctx.store.getState().narrationStep);
      if (next !== null && next !== undefined) commands.goToStep.run(ctx, next);
    },
  },
  previousStep: {
    id: 'previousStep',
    label: 'Previous narration step',
    keys: ['[', 'N'],
    enabled: (ctx) => (tourOf(ctx.session)?.previous(ctx.store.getState().narrationStep) ?? null) !== null,
    run(ctx) {
      const previous = tourOf(ctx.session)?.previous(ctx.store.getState().narrationStep);
      if (previous !== null && previous !== undefined) commands.goToStep.run(ctx, previous);
    },
  },
  togglePresenter: {
    id: 'togglePresenter',
    label: 'Presenter mode (big type, high contrast)',
    keys: ['p'],
    run: (ctx) => ctx.store.update((s) => void (s.presenter = !s.presenter)),
  },
  toggleReducedMotion: {
    id: 'toggleReducedMotion',
    label: 'Reduced motion (blocks sit still, nothing spreads)',
    keys: ['m'],
    run: (ctx) => ctx.store.update((s) => void (s.reducedMotion = !s.reducedMotion)),
  },
  showPanel: {
    id: 'showPanel',
    label: 'Show a panel',
    run: (ctx, panel: PanelId) => ctx.store.update((s) => void (s.activePanel = panel)),
  },
  setTheme: {
    id: 'setTheme',
    label: 'Theme',
    run: (ctx, theme: Theme) => ctx.store.update((s) => void (s.theme = theme)),
  },
  toggleTheme: {
    id: 'toggleTheme',
    label: 'Light / dark theme',
    keys: ['t'],
    run: (ctx) => ctx.store.update((s) => void (s.theme = s.theme === 'dark' ? 'light' : 'dark')),
  },
  saveBookmark: {
    id: 'saveBookmark',
    label: 'Bookmark this moment',
    keys: ['b'],
    enabled: loaded,
    run(ctx, slot?: number) {
      const time = ctx.store.getState().time;
      ctx.store.update((s) => {
        // Without a slot: the first free one, else the last (a presenter re-marking the final moment).
        const at = slot !== undefined && slot >= 1 && slot <= BOOKMARK_SLOTS ? slot - 1 : s.bookmarks.indexOf(null);
        s.bookmarks[at < 0 ? BOOKMARK_SLOTS - 1 : at] = time;
      });
    },
  },
  jumpBookmark: {
    id: 'jumpBookmark',
    label: 'Jump to bookmark 1–9',
    keys: ['1', '2', '3', '4', '5', '6', '7', '8', '9'],
    enabled: loaded,
    fromKey: (key: string) => Number(key),
    run(ctx, slot: number) {
      const time = ctx.store.getState().bookmarks[slot - 1];
      if (time === undefined || time === null) return;
      setPlaying(ctx, false);
      ctx.session.seek(time);
    },
  },
  toggleFullscreen: {
    id: 'toggleFullscreen',
    label: 'Full screen',
    keys: ['f'],
    run() {
      if (typeof document === 'undefined') return;
      if (document.fullscreenElement) void document.exitFullscreen();
      // Refused without a user gesture or in a frame without allow="fullscreen": nothing to undo.
      else void document.documentElement.requestFullscreen?.().catch(() => undefined);
    },
  },
  openExport: {
    id: 'openExport',
    label: 'Export a picture or a video',
    keys: ['e'],
    enabled: loaded,
    run(ctx) {
      setPlaying(ctx, false);
      ctx.store.update((s) => void (s.exportOpen = true));
    },
  },
  closeExport: { id: 'closeExport', label: 'Close the export dialog', run: (ctx) => ctx.store.update((s) => void (s.exportOpen = false)) },
  toggleHelp: {
    id: 'toggleHelp',
    label: 'Keyboard shortcuts',
    keys: ['?'],
    run: (ctx) => ctx.store.update((s) => void (s.helpOpen = !s.helpOpen)),
  },
  printableReport: {
    id: 'printableReport',
    label: 'Printable report',
    enabled: (ctx) => ctx.session.sim?.config.peers.some((p) => p.subject) ?? false,
    run(ctx) {
      // Pause first: the report is of this moment, and the evidence panel should keep showing it.
      setPlaying(ctx, false);
      const outcome = openPrintableReport(ctx);
      if (!outcome.ok) ctx.store.update((s) => void (s.error = outcome.error));
    },
  },
  loadScenario: {
    id: 'loadScenario',
    label: 'Load a scenario',
    run: (ctx, arg: { json: unknown; id: string | null; text?: string }) => void ctx.session.load(arg.json, arg.id, arg.text ?? null),
  },
  setSeed: {
    id: 'setSeed',
    label: 'Run the scenario with another seed',
    enabled: loaded,
    run(ctx, seed: number) {
      const json = ctx.session.scenarioJson;
      const sim = ctx.session.sim;
      if (!sim || sim.config.seed === seed || !Number.isInteger(seed) || seed < 0 || seed > 0xffff_ffff) return;
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return;
      // The file's text stays as it was: like the CLI's --seed, the seed is reported beside the file's hash.
      ctx.session.load({ ...json, seed }, ctx.store.getState().scenario?.id ?? null, ctx.session.scenarioText);
    },
  },
} satisfies Record<string, Command<never>>;

export type CommandId = keyof typeof commands;
/** The argument a command takes, as a rest tuple: [] for commands without one. */
export type CommandArgs<K extends CommandId> = Parameters<(typeof commands)[K]['run']> extends [AppContext, infer A] ? [A] : [];

/** Run a command by id if it is enabled; returns whether it ran. */
export function run<K extends CommandId>(ctx: AppContext, id: K, ...arg: CommandArgs<K>): boolean {
  const command = commands[id] as Command<unknown>;
  if (command.enabled && !command.enabled(ctx)) return false;
  command.run(ctx, arg[0]);
  return true;
}

export function isEnabled(ctx: AppContext, id: CommandId): boolean {
  const command = commands[id] as Command<unknown>;
  return command.enabled ? command.enabled(ctx) : true;
}
