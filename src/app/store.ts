// UI state only: what the user chose and what the screen shows. The engine's state (the Sim) lives
// outside the store, in the session (session.ts); the store holds the few numbers of it the chrome
// displays (clock, event count, end), mirrored after each advance. Updates go through immer drafts.
import { produce, type Draft } from 'immer';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { timeUi } from './ui-time';

export type Colouring = 'piece' | 'source';
export type Theme = 'dark' | 'light';
export type PanelId = 'inspector' | 'log' | 'charts' | 'evidence';

/** Speeds the +/− commands step through: simulated seconds per wall-clock second. */
export const SPEEDS = [0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000] as const;

/** Keys 1–9. */
export const BOOKMARK_SLOTS = 9;

export interface LogFilter {
  /** Only messages from or to this peer index. */
  peer: number | null;
  /** Only these trace kinds (empty = all). */
  kinds: number[];
  /** Only messages about this piece. */
  piece: number | null;
}

export interface UiState {
  /** The loaded scenario: library id (null for a file the user opened) and display name. */
  scenario: { id: string | null; name: string } | null;
  /** Counts runs started (a new scenario, or the same one from the start): the scene redraws from scratch. */
  runId: number;
  playing: boolean;
  /** Simulated seconds per wall-clock second. */
  speed: number;
  /** While playing: the speed the engine actually kept up with when it could not reach `speed`; null when it can. */
  effectiveSpeed: number | null;
  /** Simulated µs on the clock (the engine has processed every event up to here). */
  time: number;
  /** Engine events processed. */
  eventCount: number;
  /** Trace records so far (the message log's length). */
  traceLength: number;
  /** The run has ended at `time`. */
  done: boolean;
  /** End of the whole run (µs) once known, for the scrubber's range; null while unknown. */
  endTime: number | null;
  selectedPeer: number | null;
  hoveredPeer: number | null;
  /** A trace record the user points at in the message log (highlighted in the scene). */
  highlightedRecord: number | null;
  colouring: Colouring;
  activePanel: PanelId;
  theme: Theme;
  /** A problem to show the user (bad scenario file, engine error); null when none. */
  error: string | null;
  helpOpen: boolean;
  /** The export dialog (PNG, GIF, WebM) is open. */
  exportOpen: boolean;
  logFilter: LogFilter;
  /** Saved moments (simulated µs) in slots 1–9 (index 0–8); null = empty. Keys 1–9 jump to them. */
  bookmarks: (number | null)[];
  /** Presenter mode: big type and high contrast for a projector (index.html's :root[data-presenter]). */
  presenter: boolean;
  /** Reduced motion: blocks in flight sit still mid-connection and announcements do not spread (prefers-reduced-motion). */
  reducedMotion: boolean;
  /** The narration step on screen (index into the scenario's `narration`); null before the first fires. */
  narrationStep: number | null;
  /** Pieces a narration step points at; the scene, inspector and charts may mark them. */
  highlightedPieces: number[];
}

export type UiStore = StoreApi<UiState> & {
  /** Change the state through an immer draft (its subscribers' time counts as UI work, ui-time.ts). */
  update(recipe: (draft: Draft<UiState>) => void): void;
};

export function initialUiState(): UiState {
  return {
    scenario: null,
    runId: 0,
    playing: false,
    speed: 10,
    effectiveSpeed: null,
    time: 0,
    eventCount: 0,
    traceLength: 0,
    done: false,
    endTime: null,
    selectedPeer: null,
    hoveredPeer: null,
    highlightedRecord: null,
    colouring: 'piece',
    activePanel: 'inspector',
    theme: 'dark',
    error: null,
    helpOpen: false,
    exportOpen: false,
    logFilter: { peer: null, kinds: [], piece: null },
    bookmarks: Array.from({ length: BOOKMARK_SLOTS }, () => null),
    presenter: false,
    reducedMotion: false,
    narrationStep: null,
    highlightedPieces: [],
  };
}

export function createUiStore(initial: Partial<UiState> = {}): UiStore {
  const store = createStore<UiState>()(() => ({ ...initialUiState(), ...initial }));
  return Object.assign(store, {
    update(recipe: (draft: Draft<UiState>) => void) {
      const next = produce(store.getState(), recipe);
      timeUi(() => store.setState(next, true));
    },
  });
}
