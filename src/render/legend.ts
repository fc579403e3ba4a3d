// A key in the corner: what the shapes, lines, dots and rings mean, so a student needs no manual.
// Left out when the stage is too small for it (a small embed).
import { Container, Graphics, Text } from 'pixi.js';
import type { Palette } from './palette';

export const LEGEND_MIN_WIDTH = 560;
export const LEGEND_MIN_HEIGHT = 360;

export class Legend {
  readonly container = new Container();
  private drawnFor: Palette | null = null;
  private placedFor = -1;

  draw(palette: Palette, colouring: 'piece' | 'source', width: number, height: number): void {
    this.container.visible = width >= LEGEND_MIN_WIDTH && height >= LEGEND_MIN_HEIGHT;
    const key = this.drawnFor === palette && this.container.label === colouring;
    if (key && this.container.children.length > 0) {
      // Measuring the key walks its texts' bounds: only when the stage's height changed.
      if (height !== this.placedFor) this.place(height);
      return;
    }
    this.drawnFor = palette;
    this.container.label = colouring;
    for (const old of this.container.removeChildren()) old.destroy();
    const g = new Graphics();
    this.container.addChild(g);
    const rows: [string, (x: number, y: number) => void][] = [
      ['seed', (x, y) => g.rect(x - 5, y - 5, 10, 10).fill(palette.role.seed)],
      ['leecher', (x, y) => g.circle(x, y, 5).fill(palette.role.leecher)],
      ['subject', (x, y) => g.poly([x, y - 7, x + 7, y, x, y + 7, x - 7, y]).fill(palette.role.subject)],
      ['investigator', (x, y) => g.poly([x, y - 6, x + 6, y + 5, x - 6, y + 5]).fill(palette.role.investigator)],
      ['unchoked / choked end', (x, y) => {
        g.moveTo(x - 8, y - 2).lineTo(x + 8, y - 2).stroke({ width: 2, color: palette.link });
        g.moveTo(x - 8, y + 3).lineTo(x + 8, y + 3).stroke({ width: 1, color: palette.link, alpha: 0.35 });
      }],
      ['interested (arrow) · optimistic', (x, y) => g.poly([x + 2, y, x - 4, y - 4, x - 4, y + 4]).fill(palette.optimistic)],
      [colouring === 'source' ? 'block sent (from the subject: large)' : 'block sent (colour = piece)', (x, y) => g.circle(x, y, 3.5).fill(colouring === 'source' ? palette.role.subject : palette.link)],
      ['have / bitfield (made available)', (x, y) => g.circle(x, y, 5).stroke({ width: 1.5, color: palette.label })],
    ];
    rows.forEach(([text, icon], i) => {
      const y = 8 + i * 15;
      icon(10, y);
      const label = new Text({ text, style: { fill: palette.label, fontSize: 10 } });
      label.position.set(22, y - 7);
      label.alpha = 0.85;
      this.container.addChild(label);
    });
    this.place(height);
  }

  private place(height: number): void {
    this.placedFor = height;
    this.container.position.set(10, height - this.container.height - 8);
  }
}
