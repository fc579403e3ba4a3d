// Every user action is one command in one registry (the Excalidraw habit, ../shared/STYLE.md):
// buttons, keyboard shortcuts, URL parameters and the embed postMessage API all call `run`, and the
// browser tests drive the app through it too. A command is plain data plus a function; it reads and
// writes UI state through the store and moves the engine through the session.
import { T } from '../engine/trace';
import type { Session } from './session';
import { SPEEDS, type Colouring, type PanelId, type Theme, type UiStore } from './store';

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
  pause: { id: 'pause', label: 'Pause', enabled: loaded, run: (ctx) => setPlaying(ctx, false) },
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
  toggleHelp: {
    id: 'toggleHelp',
    label: 'Keyboard shortcuts',
    keys: ['?'],
    run: (ctx) => ctx.store.update((s) => void (s.helpOpen = !s.helpOpen)),
  },
  loadScenario: {
    id: 'loadScenario',
    label: 'Load a scenario',
    run: (ctx, arg: { json: unknown; id: string | null }) => void ctx.session.load(arg.json, arg.id),
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
