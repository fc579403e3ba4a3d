// Peer names, drawn in screen space at a fixed size next to their node, thinned by zoom level
// (layout.ts labelShown) so they never pile up; the selected and hovered peers are always named.
// Names come from scenario files, which are untrusted: Pixi Text draws them as pixels, never markup.
import { Container, Text } from 'pixi.js';
import { toScreen, type Camera } from './camera';
import { labelShown } from './layout';
import { RING_RADIUS } from './nodes';
import type { SceneFrame } from './frame';

/** Longer names are cut to this many characters on the canvas. */
export const MAX_NAME = 24;

export function shortName(name: string): string {
  const chars = Array.from(name);
  return chars.length > MAX_NAME ? `${chars.slice(0, MAX_NAME - 1).join('')}…` : name;
}

export class LabelLayer {
  readonly container = new Container();
  private texts: (Text | null)[] = [];
  private colour = -1;

  reset(): void {
    for (const old of this.container.removeChildren()) old.destroy();
    this.texts = [];
  }

  get shown(): number {
    let count = 0;
    for (const t of this.texts) if (t?.visible) count++;
    return count;
  }

  draw(f: SceneFrame, camera: Camera, width: number, height: number): void {
    const { x, y, r, spacing, slot } = f.layout;
    const n = f.roles.length;
    if (this.texts.length !== n) {
      this.reset();
      this.texts = new Array<Text | null>(n).fill(null);
    }
    const recolour = this.colour !== f.palette.label;
    this.colour = f.palette.label;
    const spacingPx = spacing * camera.scale;
    const out = r * RING_RADIUS * camera.scale + 10;
    for (let i = 0; i < n; i++) {
      let text = this.texts[i]!;
      const wanted = i === f.ui.selectedPeer || i === f.ui.hoveredPeer || labelShown(f.roles[i]!, slot[i]!, spacingPx);
      const at = toScreen(camera, x[i]!, y[i]!);
      const onScreen = at.x > -100 && at.x < width + 100 && at.y > -40 && at.y < height + 40;
      if (!wanted || !onScreen) {
        if (text) text.visible = false;
        continue;
      }
      if (!text) {
        text = new Text({ text: shortName(f.sim.config.peers[i]!.name), style: { fill: f.palette.label, fontSize: 11 } });
        this.texts[i] = this.container.addChild(text);
      } else if (recolour) {
        text.style.fill = f.palette.label;
      }
      text.visible = true;
      // Outward from the swarm's centre, so a name grows away from the links inside the ring.
      const wx = x[i]!;
      const wy = y[i]!;
      const d = Math.hypot(wx, wy);
      const cos = d > 0 ? wx / d : 0;
      const sin = d > 0 ? wy / d : 1;
      text.position.set(at.x + out * cos, at.y + out * sin);
      text.anchor.set(0.5 - 0.5 * cos, 0.5 - 0.5 * sin);
    }
  }
}
