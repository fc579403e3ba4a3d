// One small texture holding every shape the scene draws, in white (tinted per use): a ParticleContainer
// draws all its particles from one texture, so nodes, rings, links, blocks and pulses can each be one
// draw call however many there are. Drawn once with the 2D canvas API at startup.
import { CanvasSource, Rectangle, Texture } from 'pixi.js';

const CELL = 64;
const SHAPES = ['dot', 'square', 'diamond', 'triangle', 'ring', 'solid', 'arrow', 'halo'] as const;
export type Shape = (typeof SHAPES)[number];

export type Atlas = Record<Shape, Texture>;

function draw(c: CanvasRenderingContext2D, shape: Shape, x0: number): void {
  const m = CELL / 2;
  const cx = x0 + m;
  const r = m - 4;
  c.fillStyle = '#fff';
  c.strokeStyle = '#fff';
  c.beginPath();
  switch (shape) {
    case 'dot':
      c.arc(cx, m, r, 0, 2 * Math.PI);
      c.fill();
      break;
    case 'square':
      c.rect(cx - r * 0.86, m - r * 0.86, r * 1.72, r * 1.72);
      c.fill();
      break;
    case 'diamond':
      c.moveTo(cx, m - r);
      c.lineTo(cx + r, m);
      c.lineTo(cx, m + r);
      c.lineTo(cx - r, m);
      c.closePath();
      c.fill();
      break;
    case 'triangle':
      c.moveTo(cx, m - r);
      c.lineTo(cx + r * 0.95, m + r * 0.7);
      c.lineTo(cx - r * 0.95, m + r * 0.7);
      c.closePath();
      c.fill();
      break;
    case 'ring':
      c.lineWidth = 6;
      c.arc(cx, m, r - 3, 0, 2 * Math.PI);
      c.stroke();
      break;
    case 'solid':
      c.rect(x0, 0, CELL, CELL);
      c.fill();
      break;
    case 'arrow':
      // Pointing along +x, the direction of the link it sits on.
      c.moveTo(cx + r, m);
      c.lineTo(cx - r * 0.6, m - r * 0.8);
      c.lineTo(cx - r * 0.6, m + r * 0.8);
      c.closePath();
      c.fill();
      break;
    case 'halo': {
      const g = c.createRadialGradient(cx, m, r * 0.2, cx, m, r);
      g.addColorStop(0, 'rgba(255,255,255,1)');
      g.addColorStop(1, 'rgba(255,255,255,0)');
      c.fillStyle = g;
      c.arc(cx, m, r, 0, 2 * Math.PI);
      c.fill();
      break;
    }
  }
}

export function createAtlas(): Atlas {
  const canvas = document.createElement('canvas');
  canvas.width = CELL * SHAPES.length;
  canvas.height = CELL;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas context for the scene textures');
  SHAPES.forEach((shape, i) => draw(context, shape, i * CELL));
  const source = new CanvasSource({ resource: canvas, autoGenerateMipmaps: true });
  const frames = {} as Atlas;
  SHAPES.forEach((shape, i) => {
    frames[shape] = shape === 'solid' ? solidTexture() : new Texture({ source, frame: new Rectangle(i * CELL, 0, CELL, CELL) });
  });
  return frames;
}

/**
 * The solid shape (links, ring segments) has a texture of its own, without mipmaps: a uniform white
 * looks the same at every level, and a link, a quad a few hundred px long and one or two wide, is
 * minified along one axis, where a mipmapped sampler reads two levels. On a software rasterizer
 * (SwiftShader, in the test machine's headless Chromium) the 300-peer scene's links took about 40%
 * longer to fill with them. Its own texture also means a stretched line never samples a neighbour.
 */
function solidTexture(): Texture {
  const canvas = document.createElement('canvas');
  canvas.width = canvas.height = SOLID;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('no 2D canvas context for the scene textures');
  context.fillStyle = '#fff';
  context.fillRect(0, 0, SOLID, SOLID);
  return new Texture({ source: new CanvasSource({ resource: canvas, autoGenerateMipmaps: false }) });
}

/** Side of every frame but the solid one, px: the scale that draws a shape `size` units wide is size / FRAME. */
export const FRAME = CELL;
/** Side of the solid texture, px. */
export const SOLID = 16;
