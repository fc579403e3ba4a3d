// Colours: the two themes, per-piece hues, and what the links and rings look like.
import { describe, expect, it } from 'vitest';
import { FLAG } from '../../src/engine/view';
import { linkStyle, recordPeers, segmentColour } from '../../src/render/style';
import { DARK, LIGHT, mix, packed, paletteFor, pieceColour, pieceColourCached } from '../../src/render/palette';
import { BROADCAST, T } from '../../src/engine/trace';

describe('the palette', () => {
  it('keeps the role colours the page test looks for in the dark theme', () => {
    expect(paletteFor('dark')).toBe(DARK);
    expect(DARK.background).toBe(0x0d1117);
    expect(DARK.role).toMatchObject({ seed: 0x46da89, leecher: 0x58a6ff, subject: 0xf0883e });
    expect(paletteFor('light')).toBe(LIGHT);
    expect(LIGHT.background).toBe(0xffffff);
  });

  it('gives every role a distinct colour in both themes', () => {
    for (const p of [DARK, LIGHT]) expect(new Set(Object.values(p.role)).size).toBe(4);
  });

  it('gives neighbouring pieces clearly different hues, the same piece always the same', () => {
    for (let piece = 0; piece < 64; piece++) {
      expect(pieceColour(piece, DARK)).toBe(pieceColour(piece, DARK));
      expect(pieceColour(piece, DARK)).not.toBe(pieceColour(piece + 1, DARK));
    }
  });

  it('mixes colours channel by channel', () => {
    expect(mix(0x000000, 0xffffff, 0)).toBe(0x000000);
    expect(mix(0x000000, 0xffffff, 1)).toBe(0xffffff);
    expect(mix(0x000000, 0x204060, 0.5)).toBe(0x102030);
  });
});

describe('a link end', () => {
  it('is solid when unchoking, faint when choking, with an arrow when interested', () => {
    const open = linkStyle(FLAG.AM_INTERESTED | FLAG.PEER_CHOKING, false, 0)!;
    const choked = linkStyle(FLAG.AM_CHOKING | FLAG.PEER_INTERESTED, false, 0)!;
    expect(open.alpha).toBeGreaterThan(choked.alpha);
    expect(open.width).toBeGreaterThan(choked.width);
    expect(open.arrow).toBe(true);
    expect(choked.arrow).toBe(false);
  });

  it('marks an optimistic unchoke', () => {
    expect(linkStyle(FLAG.OPTIMISTIC, false, 0)!.optimistic).toBe(true);
    expect(linkStyle(0, false, 0)!.optimistic).toBe(false);
  });

  it('that chokes its remote is left out of a crowd unless its peer is in focus; an unchoking one is always drawn', () => {
    for (let flags = 0; flags < 32; flags++) {
      const choking = (flags & FLAG.AM_CHOKING) !== 0;
      if (choking && (flags & FLAG.OPTIMISTIC) !== 0) continue; // an optimistic slot is an unchoke
      expect(linkStyle(flags, false, 0)).not.toBeNull();
      expect(linkStyle(flags, true, 1)).not.toBeNull();
      expect(linkStyle(flags, true, 0) === null).toBe(choking);
      expect(linkStyle(flags, true, -1) === null).toBe(choking);
    }
  });

  it('is emphasised at the focused peer and dimmed elsewhere', () => {
    const flags = FLAG.AM_INTERESTED;
    expect(linkStyle(flags, false, 1)!.alpha).toBeGreaterThan(linkStyle(flags, false, 0)!.alpha);
    expect(linkStyle(flags, false, -1)!.alpha).toBeLessThan(linkStyle(flags, false, 0)!.alpha);
  });
});

describe('a bitfield ring segment', () => {
  it('is the track colour when empty and the role colour when full', () => {
    expect(segmentColour('leecher', 0, 0, 4, false, DARK)).toBe(DARK.track);
    expect(segmentColour('leecher', 4, 0, 4, false, DARK)).toBe(DARK.role.leecher);
  });

  it('colouring by source, is the subject’s colour when all it holds came from the subject', () => {
    expect(segmentColour('leecher', 2, 2, 4, true, DARK)).toBe(DARK.role.subject);
    expect(segmentColour('leecher', 4, 0, 4, true, DARK)).toBe(DARK.otherSource);
  });
});

describe('a highlighted trace record', () => {
  it('names both peers of a message and one of a decision', () => {
    expect(recordPeers(T.UNCHOKE, 1, 2, 5)).toEqual([1, 2]);
    expect(recordPeers(T.RECEIVED, 3, 0, 5)).toEqual([3, 0]);
    expect(recordPeers(T.HAVE, 1, BROADCAST, 5)).toEqual([1, null]);
    expect(recordPeers(T.RECHOKE, 4, 0, 5)).toEqual([4, null]);
    expect(recordPeers(T.VERIFIED, 2, 0, 5)).toEqual([2, null]);
  });
});

describe('a packed particle colour', () => {
  it('holds alpha, blue, green and red from the high byte down, as Pixi’s Particle does', () => {
    expect(packed(0x112233, 1)).toBe(0xff332211);
    expect(packed(0x112233, 0)).toBe(0x00332211);
    expect(pieceColourCached(5, DARK)).toBe(pieceColour(5, DARK));
  });
});
