// Outlines over the swarm: the selected peer, the hovered one, and the trace record the message log
// points at (its peer, and for a message between two peers, both of them and the line between).
import { Graphics } from 'pixi.js';
import { record } from '../engine/trace';
import type { SceneFrame } from './frame';
import { recordPeers } from './style';

export class Overlay {
  readonly graphics = new Graphics();

  draw(f: SceneFrame): void {
    const g = this.graphics;
    g.clear();
    const { x, y, r } = f.layout;
    const n = f.roles.length;
    const px = 1 / f.scale;
    const outline = (i: number, radius: number, width: number, colour: number) => {
      if (i < 0 || i >= n) return;
      g.circle(x[i]!, y[i]!, radius).stroke({ width: width * px, color: colour });
    };
    const reach = Math.max(r * 2.2, r + 6 * px);
    const { selectedPeer, hoveredPeer, highlightedRecord } = f.ui;
    if (hoveredPeer !== null && hoveredPeer !== selectedPeer) outline(hoveredPeer, reach, 1.5, f.palette.hover);
    if (selectedPeer !== null) outline(selectedPeer, reach, 2.5, f.palette.selection);
    if (highlightedRecord === null || highlightedRecord < 0 || highlightedRecord >= f.sim.trace.length) return;
    const rec = record(f.sim.trace, highlightedRecord);
    const [from, to] = recordPeers(rec.kind, rec.from, rec.to, n);
    if (from >= n) return;
    if (to !== null) {
      g.moveTo(x[from]!, y[from]!)
        .lineTo(x[to]!, y[to]!)
        .stroke({ width: 3 * px, color: f.palette.highlight });
      outline(to, reach * 1.15, 2.5, f.palette.highlight);
    }
    outline(from, reach * 1.15, 3, f.palette.highlight);
  }
}
