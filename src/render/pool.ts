// A ParticleContainer whose particle count changes from frame to frame (links, blocks, pulses): the
// Particle objects are kept and reused, so a frame allocates nothing however many it shows. A layer
// writes into `slots(n)` and then shows the first k of them.
// Every property is static unless named dynamic: Pixi re-uploads the dynamic ones of every particle
// in every frame (its default makes positions dynamic), the static ones only after `touch()`. So a
// layer that changes little (rings, nodes, links) pays for an upload only in the frames it changes.
// Showing more particles than before touches the pool too: Pixi uploads the static properties
// (texture coordinates, rotation) of particles pushed into `particleChildren` only when told or when
// it grows its buffer, and a particle without them is drawn invisible. Untold, which blocks in flight
// showed depended on how many the first frames after page load had drawn.
// The particles are plain objects with the fields Pixi reads (its IParticle), not Pixi's Particle:
// that class's constructor merges an options object and parses a tint, about 5 µs each, so a frame
// that needed a few thousand more (links of a 300-peer swarm, a big swarm's rings) took 20-40 ms.
// Layers write `color` (palette.ts's packed()) directly; nothing uses Particle's alpha or tint.
import { ParticleContainer, type IParticle, type ParticleProperties, type Texture } from 'pixi.js';

export class Dot implements IParticle {
  x = 0;
  y = 0;
  scaleX = 1;
  scaleY = 1;
  anchorX = 0.5;
  anchorY = 0.5;
  rotation = 0;
  /** 0xAABBGGRR, as palette.ts's packed() makes it; opaque white until written. */
  color = 0xffffffff;
  constructor(public texture: Texture) {}
}

const STATIC: Required<ParticleProperties> = { vertex: false, position: false, rotation: false, uvs: false, color: false };

export class ParticlePool {
  readonly container: ParticleContainer<Dot>;
  private readonly spare: Dot[] = [];
  private readonly texture: Texture;

  constructor(texture: Texture, dynamic: ParticleProperties = {}) {
    this.texture = texture;
    this.container = new ParticleContainer<Dot>({ texture, dynamicProperties: { ...STATIC, ...dynamic } });
  }

  /** At least `n` particles to write into; the first ones are those drawn. */
  slots(n: number): readonly Dot[] {
    while (this.spare.length < n) this.spare.push(new Dot(this.texture));
    return this.spare;
  }

  /** Particle `i` to write into, made when first needed (for a layer that shows only some of what it reads). */
  slot(i: number): Dot {
    return this.spare[i] ?? this.slots(i + 1)[i]!;
  }

  /** Draw the first `n` slots. */
  show(n: number): void {
    const shown = this.container.particleChildren;
    const spare = this.slots(n);
    if (shown.length >= n) {
      shown.length = n;
      return;
    }
    for (let i = shown.length; i < n; i++) shown.push(spare[i]!);
    this.touch();
  }

  /** Upload the properties that are not dynamic (after changing colours, textures, sizes). */
  touch(): void {
    this.container.update();
  }

  /** Drop the spare particles beyond `keep` (after a big swarm, a small one needs few). */
  trim(keep: number): void {
    if (this.spare.length > keep) this.spare.length = Math.max(keep, this.container.particleChildren.length);
  }
}
