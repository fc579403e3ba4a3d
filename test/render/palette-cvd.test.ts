// The scene's colours stay apart for viewers with a colour-vision deficiency: every pair that must be
// told apart keeps a CIEDE2000 difference of at least DISTINCT in normal vision and under simulated
// protanopia, deuteranopia and tritanopia (Machado et al. 2009 at severity 1.0; colour-vision.ts),
// in both themes. Roles also differ by shape (layout.ts); the colours must hold on their own anyway.
import { describe, expect, it } from 'vitest';
import { FLAG } from '../../src/engine/view';
import { DARK, LIGHT, mix, pieceColour, type Palette, type Role } from '../../src/render/palette';
import { linkStyle, segmentColour } from '../../src/render/style';
import { ciede2000, difference, VISIONS, type Vision } from './colour-vision';

/**
 * The least CIEDE2000 difference between colours that mean different things. About 1 is just
 * noticeable for large patches side by side; the scene's marks are small (blocks of a few pixels,
 * nodes of about ten) and seldom touch, and the difference needed to tell small marks apart grows
 * quickly as they shrink (Szafir 2018, "Modeling Color Difference for Visualization Design", IEEE
 * TVCG 24(1)). At 10 two colours read as two colours, not two shades of one.
 */
const DISTINCT = 10;

/** Blocks that did not come from the subject are drawn at this opacity when colouring by source (flights.ts). */
const OTHER_SOURCE_ALPHA = 0.6;

const THEMES: [string, Palette][] = [
  ['dark', DARK],
  ['light', LIGHT],
];

type Pair = [what: string, a: number, b: number];

/** Pairs at least DISTINCT apart in no vision of the four, with the vision and the difference. */
function tooClose(pairs: Pair[]): string[] {
  const found: string[] = [];
  for (const [what, a, b] of pairs) {
    for (const vision of VISIONS) {
      const d = difference(a, b, vision);
      if (d < DISTINCT) found.push(`${what} (${vision}): ΔE00 ${d.toFixed(1)}`);
    }
  }
  return found;
}

const ROLES: Role[] = ['seed', 'leecher', 'subject', 'investigator'];

function rolePairs(p: Palette): Pair[] {
  const pairs: Pair[] = [];
  ROLES.forEach((role, i) => {
    for (const other of ROLES.slice(i + 1)) pairs.push([`${role} / ${other}`, p.role[role], p.role[other]]);
    pairs.push([`${role} / background`, p.role[role], p.background]);
    // A bitfield ring's full segment against an empty one.
    pairs.push([`${role} / missing piece`, p.role[role], p.track]);
  });
  return pairs;
}

function sourcePairs(p: Palette): Pair[] {
  const faded = mix(p.background, p.otherSource, OTHER_SOURCE_ALPHA);
  // A ring segment holding a single block from the subject among a thousand pieces, against one with none.
  const touched = segmentColour('leecher', 1000, 1, 1000, true, p);
  const untouched = segmentColour('leecher', 1000, 0, 1000, true, p);
  return [
    ['subject / other source', p.role.subject, p.otherSource],
    ['subject / other source block', p.role.subject, faded],
    ['subject / background', p.role.subject, p.background],
    ['other source / background', p.otherSource, p.background],
    ['other source block / background', faded, p.background],
    ['other source / missing piece', p.otherSource, p.track],
    ['segment with a block from the subject / without', touched, untouched],
  ];
}

function linkPairs(p: Palette): Pair[] {
  const drawn = (flags: number, colour: number) => mix(p.background, colour, linkStyle(flags, false, 0)!.alpha);
  const unchoked = drawn(0, p.link);
  const choked = drawn(FLAG.AM_CHOKING, p.link);
  const optimistic = drawn(FLAG.OPTIMISTIC, p.optimistic);
  // A choked end is meant to be faint against the background; it must differ from an unchoked one.
  return [
    ['unchoked / choked', unchoked, choked],
    ['optimistic / unchoked', optimistic, unchoked],
    ['optimistic / choked', optimistic, choked],
    ['unchoked / background', unchoked, p.background],
    ['optimistic / background', optimistic, p.background],
  ];
}

describe('the colour-difference check', () => {
  it('gives CIEDE2000 as in Sharma, Wu and Dalal’s test data', () => {
    const data: [[number, number, number], [number, number, number], number][] = [
      [[50, 2.6772, -79.7751], [50, 0, -82.7485], 2.0425],
      [[50, 0, 0], [50, -1, 2], 2.3669],
      [[50, 2.5, 0], [73, 25, -18], 27.1492],
      [[50, 2.5, 0], [58, 24, 15], 19.4535],
      [[60.2574, -34.0099, 36.2677], [60.4626, -34.1751, 39.4387], 1.2644],
    ];
    for (const [a, b, expected] of data) expect(ciede2000(a, b)).toBeCloseTo(expected, 4);
  });

  it('rejects pairs that look alike with a deficiency though not in normal vision', () => {
    const knownBad: [Pair, Vision][] = [
      // Pure red and pure green stay apart by lightness; red and a darker green do not for a protanope.
      [['red / green', 0xff0000, 0x008000], 'protanopia'],
      // Tableau 10's red and green, a classic pair a deuteranope confuses.
      [['Tableau red / green', 0xd62728, 0x2ca02c], 'deuteranopia'],
      // The seed's green and the subject's orange this palette used to have.
      [['old seed / subject', 0x3fb950, 0xf0883e], 'deuteranopia'],
      [['salmon / pink', 0xff8080, 0xff60c0], 'tritanopia'],
    ];
    for (const [[what, a, b], vision] of knownBad) {
      expect(difference(a, b, 'normal'), what).toBeGreaterThanOrEqual(DISTINCT);
      expect(difference(a, b, vision), what).toBeLessThan(DISTINCT);
      expect(tooClose([[what, a, b]]), what).toContainEqual(expect.stringContaining(vision));
    }
  });
});

describe.each(THEMES)('the %s palette, in normal vision and with protanopia, deuteranopia or tritanopia,', (_, p) => {
  it('keeps the four roles apart from each other, from the background and from an empty ring', () => {
    expect(tooClose(rolePairs(p))).toEqual([]);
  });

  it('colouring by source, keeps what came from the subject apart from the rest and from the background', () => {
    expect(tooClose(sourcePairs(p))).toEqual([]);
  });

  it('keeps unchoked, choked and optimistic link ends apart', () => {
    expect(tooClose(linkPairs(p))).toEqual([]);
  });

  it('gives neighbouring pieces clearly different colours, each one clear of the background', () => {
    // Hundreds of pieces cannot all have colours of their own: pieces numbered next to each other
    // must still never look alike, and no piece may vanish into the background.
    const pairs: Pair[] = [];
    for (let piece = 0; piece < 1000; piece++) {
      pairs.push([`piece ${piece} / ${piece + 1}`, pieceColour(piece, p), pieceColour(piece + 1, p)]);
      pairs.push([`piece ${piece} / background`, pieceColour(piece, p), p.background]);
    }
    expect(tooClose(pairs)).toEqual([]);
  });
});
