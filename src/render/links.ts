// Connections. Each connection is drawn as two halves meeting in the middle, each half drawn from
// its owner's end and showing that end's flags: solid and bright when the owner unchokes the remote
// (an offer to upload), faint and thin when it chokes it; an arrowhead on the half when the owner is
// interested in the remote; the optimistic-unchoke colour when the owner unchokes it in the
// optimistic slot. So "am choking / am interested" of one end and "peer choking / peer interested"
// of the other read off the same line. In a large swarm only the unchoking ends are drawn, except at
// the focused peer, which shows all its connections (style.ts: IDLE_LINKS_MAX_PEERS).
import { openLinks, createLinks, type Links } from '../engine/view';
import type { Atlas } from './atlas';
import { FRAME, SOLID } from './atlas';
import { focusOf, type SceneFrame } from './frame';
import { packed } from './palette';
import { ParticlePool } from './pool';
import { IDLE_LINKS_MAX_PEERS, linkStyle, type LinkStyle } from './style';

/** linkStyle for every (flags, crowd, focus) there is, worked out once: no object per link per redraw. */
const STYLES: (LinkStyle | null)[] = [];
for (let key = 0; key < 256; key++) STYLES.push(linkStyle(key & 31, (key & 32) !== 0, (((key >> 6) & 3) - 1) as -1 | 0 | 1));

export class LinkLayer {
  private readonly lines: ParticlePool;
  private readonly arrows: ParticlePool;
  private links: Links = createLinks();
  /** The links last drawn, to tell whether anything changed since (most redraws find nothing). */
  private drawn: Links = createLinks();
  private drawnWith = '';

  constructor(atlas: Atlas) {
    this.lines = new ParticlePool(atlas.solid);
    this.arrows = new ParticlePool(atlas.arrow);
  }

  get containers() {
    return [this.lines.container, this.arrows.container];
  }

  get count(): number {
    return this.drawn.count;
  }

  /** Forget what was drawn (a new run). */
  reset(): void {
    this.drawnWith = '';
  }

  /**
   * Redraw the links if they changed (call when the engine moved, or the camera's scale, focus or
   * theme changed): the ends and flags are read every time, the particles rewritten only on a change.
   */
  draw(f: SceneFrame): void {
    const links = openLinks(f.sim, this.links);
    const focus = focusOf(f.ui);
    const key = `${f.scale}|${focus}|${f.palette.link}|${f.roles.length}`;
    if (key === this.drawnWith && same(links, this.drawn)) return;
    this.drawnWith = key;
    // Keep these as the drawn ones; the old drawn columns are reused for the next read.
    this.links = this.drawn;
    this.drawn = links;
    const { x, y, r } = f.layout;
    const crowd = f.roles.length > IDLE_LINKS_MAX_PEERS ? 32 : 0;
    const px = 1 / f.scale;
    let nl = 0;
    let na = 0;
    for (let i = 0; i < links.count; i++) {
      const a = links.peer[i]!;
      const b = links.remote[i]!;
      const near = focus === null ? 0 : a === focus || b === focus ? 1 : -1;
      const style = STYLES[links.flags[i]! | crowd | ((near + 1) << 6)]!;
      if (style === null) continue;
      const dx = x[b]! - x[a]!;
      const dy = y[b]! - y[a]!;
      const d = Math.sqrt(dx * dx + dy * dy); // not Math.hypot: see flights.ts
      if (d === 0) continue;
      const ux = dx / d;
      const uy = dy / d;
      // From just outside the owner's bitfield ring to the middle of the connection.
      const start = Math.min(r * 1.9, d / 2);
      const length = d / 2 - start;
      if (length <= 0) continue;
      const colour = style.optimistic ? f.palette.optimistic : near === 1 ? f.palette.selection : f.palette.link;
      const rotation = Math.atan2(uy, ux);
      const line = this.lines.slot(nl++);
      line.anchorX = 0;
      line.x = x[a]! + ux * start;
      line.y = y[a]! + uy * start;
      line.rotation = rotation;
      line.scaleX = length / SOLID;
      line.scaleY = (style.width * px) / SOLID;
      line.color = packed(colour, style.alpha);
      if (!style.arrow) continue;
      const size = near === 1 ? Math.max(r * 0.9, 8 * px) : Math.max(r * 0.6, 5 * px);
      const arrow = this.arrows.slot(na++);
      const along = start + length * 0.8;
      arrow.x = x[a]! + ux * along;
      arrow.y = y[a]! + uy * along;
      arrow.rotation = rotation;
      arrow.scaleX = arrow.scaleY = size / FRAME;
      arrow.color = packed(colour, Math.min(1, style.alpha * 1.3));
    }
    this.lines.show(nl);
    this.arrows.show(na);
    this.lines.touch();
    this.arrows.touch();
  }
}

function same(a: Links, b: Links): boolean {
  if (a.count !== b.count) return false;
  for (let i = 0; i < a.count; i++) if (a.flags[i] !== b.flags[i] || a.peer[i] !== b.peer[i] || a.remote[i] !== b.remote[i]) return false;
  return true;
}
