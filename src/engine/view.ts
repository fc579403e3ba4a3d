// Read-only queries over a running Sim for the scene (src/render/): the blocks in flight, with the
// engine's own times, and each open connection's four flags. Nothing here changes the state or the
// trace; it only reads the event queue and the connection halves, so the picture is exactly the
// engine's, however the engine schedules things inside.
import { transferTime } from './bandwidth';
import { grown, queueSize } from './heap';
import type { Sim } from './sim';
import { HAVE, PEER_ACTIVE, PEER_LEFT } from './state';
import { F_AM_CHOKING, F_AM_INTERESTED, F_OPEN, F_OPTIMISTIC_SLOT, F_PEER_CHOKING, F_PEER_INTERESTED, H_FLAGS, H_LATENCY, H_PEER, H_REMOTE, HI } from './ends';
import { blockLength } from './torrent';
import { E, forEachScheduled, OUT_RECORD } from './world';

/** A block being sent (its bytes are still leaving the sender). */
export const PHASE_SENDING = 0;
/** A block on the wire (sent, not yet arrived). */
export const PHASE_TRAVELLING = 1;

/**
 * The blocks in flight, as parallel columns (a 300-peer swarm has thousands; no object per block).
 * `at` is the engine's time of the phase's end: when the last byte leaves the sender (sending) or
 * when the block arrives (travelling). `latency` is the connection's one-way latency and `sendTime`
 * how long the sender takes to send the block at its upload rate, both µs: with them a reader can
 * place the block between its two ends.
 */
export interface Flights {
  count: number;
  sender: Int32Array;
  receiver: Int32Array;
  /** The sender's end of the connection (a half id): with `block`, names one transfer. */
  senderHalf: Int32Array;
  block: Int32Array;
  phase: Uint8Array;
  at: Float64Array;
  latency: Float64Array;
  sendTime: Float64Array;
}

export function createFlights(capacity = 1024): Flights {
  return {
    count: 0,
    sender: new Int32Array(capacity),
    receiver: new Int32Array(capacity),
    senderHalf: new Int32Array(capacity),
    block: new Int32Array(capacity),
    phase: new Uint8Array(capacity),
    at: new Float64Array(capacity),
    latency: new Float64Array(capacity),
    sendTime: new Float64Array(capacity),
  };
}

function ensure(f: Flights, n: number): void {
  if (n <= f.sender.length) return;
  const cap = Math.max(n, f.sender.length * 2);
  f.sender = grown(f.sender, cap);
  f.receiver = grown(f.receiver, cap);
  f.senderHalf = grown(f.senderHalf, cap);
  f.block = grown(f.block, cap);
  f.phase = grown(f.phase, cap);
  f.at = grown(f.at, cap);
  f.latency = grown(f.latency, cap);
  f.sendTime = grown(f.sendTime, cap);
}

/**
 * Fill `out` with every block in flight now: the SEND_DONE events (a block being sent) and the
 * ARRIVE events (a block on the wire) still scheduled. In no particular order.
 */
export function blocksInFlight(sim: Sim, out: Flights = createFlights()): Flights {
  const st = sim.state;
  const q = st.queue;
  const g = sim.geometry;
  const hi = st.hi;
  const peers = st.peers;
  ensure(out, queueSize(q) + (st.split === null ? 0 : st.split.outLen / OUT_RECORD));
  let n = 0;
  forEachScheduled(st, (time, kind, _a, h, block) => {
    if (kind !== E.SEND_DONE && kind !== E.ARRIVE) return;
    // SEND_DONE: a = sender, b = sender's half; ARRIVE: a = receiver's half, b = sender's half.
    if (h >= st.halves.length) return;
    const sender = hi[h * HI + H_PEER]!;
    out.sender[n] = sender;
    out.receiver[n] = hi[h * HI + H_REMOTE]!;
    out.senderHalf[n] = h;
    out.block[n] = block;
    out.phase[n] = kind === E.SEND_DONE ? PHASE_SENDING : PHASE_TRAVELLING;
    out.at[n] = time;
    out.latency[n] = hi[h * HI + H_LATENCY]!;
    const upload = peers[sender]!.upload;
    out.sendTime[n] = upload > 0 ? transferTime(blockLength(g, block), upload) : 0;
    n++;
  });
  out.count = n;
  return out;
}

/** Bits of a link's flags, as seen from its owner's end (BEP 3 names). */
export const FLAG = {
  AM_CHOKING: 1,
  AM_INTERESTED: 2,
  PEER_CHOKING: 4,
  PEER_INTERESTED: 8,
  /** The owner unchokes the remote in an optimistic slot. */
  OPTIMISTIC: 16,
} as const;

/** The open connections, one entry per end (so each connection twice), as parallel columns. */
export interface Links {
  count: number;
  peer: Int32Array;
  remote: Int32Array;
  flags: Uint8Array;
}

export function createLinks(capacity = 1024): Links {
  return { count: 0, peer: new Int32Array(capacity), remote: new Int32Array(capacity), flags: new Uint8Array(capacity) };
}

/** Fill `out` with every open end of a connection and its flags. */
export function openLinks(sim: Sim, out: Links = createLinks()): Links {
  const st = sim.state;
  const count = st.halves.length;
  const hi = st.hi;
  if (out.peer.length < count) {
    const cap = Math.max(count, out.peer.length * 2);
    out.peer = new Int32Array(cap);
    out.remote = new Int32Array(cap);
    out.flags = new Uint8Array(cap);
  }
  let n = 0;
  for (let i = 0; i < count; i++) {
    const f = hi[i * HI + H_FLAGS]!;
    if ((f & F_OPEN) === 0) continue;
    out.peer[n] = hi[i * HI + H_PEER]!;
    out.remote[n] = hi[i * HI + H_REMOTE]!;
    out.flags[n] =
      ((f & F_AM_CHOKING) !== 0 ? FLAG.AM_CHOKING : 0) |
      ((f & F_AM_INTERESTED) !== 0 ? FLAG.AM_INTERESTED : 0) |
      ((f & F_PEER_CHOKING) !== 0 ? FLAG.PEER_CHOKING : 0) |
      ((f & F_PEER_INTERESTED) !== 0 ? FLAG.PEER_INTERESTED : 0) |
      ((f & F_OPTIMISTIC_SLOT) !== 0 && (f & F_AM_CHOKING) === 0 ? FLAG.OPTIMISTIC : 0);
    n++;
  }
  out.count = n;
  return out;
}

export type Presence = 'waiting' | 'active' | 'left';

export function presenceOf(sim: Sim, peer: number): Presence {
  const status = sim.state.peers[peer]!.status;
  return status === PEER_ACTIVE ? 'active' : status === PEER_LEFT ? 'left' : 'waiting';
}

/** Does the peer hold the verified piece now? */
export function holdsPiece(sim: Sim, peer: number, piece: number): boolean {
  return (sim.state.peers[peer]!.pieces[piece]! & HAVE) !== 0;
}

/** Write 1 for each piece the peer holds verified now, 0 for the others, into `out` (one entry a piece). */
export function heldPieces(sim: Sim, peer: number, out: Uint8Array): Uint8Array {
  const pieces = sim.state.peers[peer]!.pieces;
  for (let p = 0; p < out.length; p++) out[p] = (pieces[p]! & HAVE) !== 0 ? 1 : 0;
  return out;
}
