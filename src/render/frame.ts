// What every layer of the scene reads to draw one frame. Layers only read it.
import type { Lineage } from '../analysis/provenance';
import type { UiState } from '../app/store';
import type { Sim } from '../engine/sim';
import type { Layout } from './layout';
import type { Palette, Role } from './palette';

export interface SceneFrame {
  sim: Sim;
  layout: Layout;
  roles: readonly Role[];
  palette: Palette;
  ui: Readonly<UiState>;
  /** Screen pixels per world unit. */
  scale: number;
  /** Followed only while colouring by source. */
  lineage: Lineage | null;
  /** Wall-clock ms (performance.now), for pulses that fade in real time whatever the speed. */
  wall: number;
}

/** The peer whose links and label are emphasised: the selected one, else the hovered one. */
export function focusOf(ui: Readonly<UiState>): number | null {
  return ui.selectedPeer ?? ui.hoveredPeer;
}
