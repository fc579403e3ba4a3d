// How things look, as pure functions of the engine's flags and counts (no PixiJS here, so they are
// tested in Node): a link end's style, a bitfield ring segment's colour, the peers a trace record names.
import { BROADCAST, T } from '../engine/trace';
import { FLAG } from '../engine/view';
import { mix, type Palette, type Role } from './palette';

/**
 * Above this many peers (a crowd), a connection end that chokes its remote is drawn only at the
 * focused peer: the crowd shows where uploads are offered (every unchoked end, with its interest
 * arrow), and hovering or selecting a peer shows all its connections with all four flags. A 300-peer
 * swarm has some 17,000 connection ends, nearly all choking: drawn faintly they were a grey haze that
 * told nothing apart, and took a software renderer (headless Chromium's) 250 ms a frame to fill.
 */
export const IDLE_LINKS_MAX_PEERS = 60;

export interface LinkStyle {
  alpha: number;
  /** Thickness, px on screen. */
  width: number;
  arrow: boolean;
  optimistic: boolean;
}

/** How one end of a connection is drawn (null: not at all), from its flags; `crowd` for large swarms, `focus` ±1 for emphasised / dimmed. */
export function linkStyle(flags: number, crowd: boolean, focus: -1 | 0 | 1): LinkStyle | null {
  const choking = (flags & FLAG.AM_CHOKING) !== 0;
  const interested = (flags & FLAG.AM_INTERESTED) !== 0;
  if (choking && crowd && focus !== 1) return null;
  let alpha = choking ? 0.12 : 0.7;
  let width = choking ? 0.8 : 1.8;
  if (crowd) alpha *= 0.55;
  if (focus === 1) {
    alpha = choking ? 0.55 : 1;
    width *= 1.5;
  } else if (focus === -1) alpha *= 0.3;
  return { alpha, width, arrow: interested, optimistic: (flags & FLAG.OPTIMISTIC) !== 0 };
}

/**
 * The colour of a ring segment standing for `pieces` pieces of which the peer holds `held`, and of
 * those `fromSubject` hold a block that came from the subject (counted only when colouring by source).
 */
export function segmentColour(role: Role, held: number, fromSubject: number, pieces: number, bySource: boolean, p: Palette): number {
  if (held === 0 || pieces === 0) return p.track;
  const share = held / pieces;
  if (!bySource) return mix(p.track, p.role[role], 0.25 + 0.75 * share);
  if (fromSubject > 0) return mix(p.otherSource, p.role.subject, 0.4 + 0.6 * (fromSubject / held));
  return mix(p.track, p.otherSource, 0.3 + 0.7 * share);
}

/** The peers a trace record names: a message or a transfer names two, a decision (join, rechoke, verified…) one. */
export function recordPeers(kind: number, from: number, to: number, peers: number): [number, number | null] {
  const pair = kind < T.JOIN || kind >= T.RECEIVED;
  return [from, pair && to !== BROADCAST && to < peers && to !== from ? to : null];
}
