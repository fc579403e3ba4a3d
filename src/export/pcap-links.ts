// The connections of a run, rebuilt from its trace for the pcap export: who opened each one, when each
// end opened and closed, and the TCP endpoints it gets. The rules are the engine's (connections.ts), as
// src/analysis/connections.ts reads them for the subject, here for every pair:
// - the initiator's HANDSHAKE opens the TCP connection; the acceptor's HANDSHAKE reply opens the
//   acceptor's end at once and the initiator's end one latency later (no record marks it, except the
//   initiator's first message there: bitfield, have all or have none);
// - a LEAVE closes every connection of that peer at both ends, except that an acceptor whose reply was
//   still on its way to an initiator that left keeps its end open until the reply would have arrived;
// - REFUSED and BANNED close the connection from the side that recorded them.
import { PEER_PORT, peerAddressBytes } from '../engine/identity';
import { fmix32 } from './content';
import type { Host } from './frames';
import { Direction } from './tcp-model';

export const PENDING = 0;
export const OPEN = 1;
export const CLOSED = 2;


/** Peer i's host: its IPv4 address (src/engine/identity.ts) and a MAC 02:00:<address>, locally administered. */
export function hostOf(i: number): Host {
  const ip = peerAddressBytes(i);
  return { ip, mac: new Uint8Array([0x02, 0x00, ip[0]!, ip[1]!, ip[2]!, ip[3]!]) };
}

export class Link {
  state = PENDING;
  replyTime = 0;
  /** The initiator has sent its first message (its end is open). */
  initiatorSpoke = false;
  /** After a close, the acceptor's end stays open while time < this. */
  acceptorOpenUntil = -Infinity;
  /** a → b and b → a. */
  readonly ab: Direction;
  readonly ba: Direction;

  /**
   * `a` initiated to `b`; `attempt` counts earlier connections of the pair (a refused handshake may be
   * tried again), so each gets its own source port. The acceptor listens on PEER_PORT; the initiator's
   * port is ephemeral (49152–65535, RFC 6335), derived from the pair so that every view of a run agrees.
   */
  constructor(
    readonly a: number,
    readonly b: number,
    readonly latency: number,
    attempt: number,
    hosts: (i: number) => Host,
  ) {
    const seed = fmix32(a * 65536 + b) + Math.imul(attempt, 0x9e3779b1);
    const port = 49152 + (fmix32(seed) % 16384);
    this.ab = new Direction(a, hosts(a), hosts(b), port, PEER_PORT, fmix32(seed + 1), latency, fmix32(seed + 3));
    this.ba = new Direction(b, hosts(b), hosts(a), PEER_PORT, port, fmix32(seed + 2), latency, fmix32(seed + 4));
    this.ab.other = this.ba;
    this.ba.other = this.ab;
  }

  dirFrom(peer: number): Direction {
    return peer === this.a ? this.ab : this.ba;
  }

  remoteOf(peer: number): number {
    return peer === this.a ? this.b : this.a;
  }

  /**
   * Is `peer`'s end open for a message it sends at `time`? `heldBefore` is how many pieces it had
   * announced before this message: at the very microsecond the initiator's end opens, a have with no
   * first message seen yet counts as sent after the opening only if the peer had nothing to put in a
   * bitfield (the convention of src/analysis/connections.ts).
   */
  openAt(peer: number, time: number, heldBefore: number): boolean {
    if (this.state === PENDING) return false;
    if (peer === this.b) return this.state === OPEN || time < this.acceptorOpenUntil;
    if (this.state === CLOSED) return false;
    if (this.initiatorSpoke) return true;
    const opens = this.replyTime + this.latency;
    return time > opens || (time === opens && heldBefore === 0);
  }
}
