// BEP 11 peer exchange (ut_pex), on connections where both peers enable it (the `pex` setting): peers
// tell each other whom they are connected to, so a peer learns addresses without the tracker.
// - Each peer with PEX on runs a timer every PEX_INTERVAL (60 s, from its join); at each tick it sends
//   one message on every PEX connection that had none in the last 60 s: BEP 11 allows at most one a
//   minute per connection.
// - A message lists the peers added since the previous message on that connection and those dropped,
//   at most 50 of each (BEP 11); what did not fit goes in the next one. Only connectable peers are
//   listed: an address behind NAT is of no use to anyone (libtorrent marks reachable peers with flag 0x10).
// - A receiver remembers every address it learns (Peer.pexKnown) and connects to those it is not
//   connected to, within its peer-set limits, on receipt and at each of its own ticks.
// There is no BEP 10 extension handshake in the model: both ends know from the handshake's reserved
// bit (HS_EXTENDED) that the other speaks PEX.
import { connectTo, present } from './connections';
import { PEER_ACTIVE, type Peer } from './state';
import { F_PEX, flag, G_PEX_AT, H_LATENCY, H_MIRROR, H_PEER, H_REMOTE, HF, HI } from './ends';
import { append, auxReserve, T } from './trace';
import { E, freeRow, schedule, takeRow, type World } from './world';

export const PEX_INTERVAL = 60_000_000;
/** BEP 11: at most 50 added and 50 dropped peers per message. */
export const PEX_MAX = 50;

/** Start a joining peer's PEX timer (only for peers with PEX on: other runs schedule nothing new). */
export function startPex(w: World, peer: Peer): void {
  if (peer.profile.pex && !peer.investigator) schedule(w, w.st.now + PEX_INTERVAL, E.PEX, peer.id, 0, 0, 0);
}

export function onPexTimer(w: World, peer: Peer): void {
  if (peer.status !== PEER_ACTIVE) return;
  const st = w.st;
  for (const id of peer.conns) {
    const at = st.hf[id * HF + G_PEX_AT]!;
    if (flag(st, id, F_PEX) && (at < 0 || st.now - at >= PEX_INTERVAL)) sendPex(w, peer, id);
  }
  dialKnown(w, peer);
  schedule(w, st.now + PEX_INTERVAL, E.PEX, peer.id, 0, 0, 0);
}

function sendPex(w: World, peer: Peer, h: number): void {
  const st = w.st;
  const remote = st.hi[h * HI + H_REMOTE]!;
  const lists = st.halves[h]!;
  const now: number[] = [];
  for (const q of peer.connRemote) if (q !== remote && st.peers[q]!.connectable) now.push(q);
  const added = now.filter((q) => !lists.pexListed.includes(q)).slice(0, PEX_MAX);
  const dropped = lists.pexListed.filter((q) => !now.includes(q)).slice(0, PEX_MAX);
  if (added.length === 0 && dropped.length === 0) return;
  lists.pexListed = lists.pexListed.filter((q) => !dropped.includes(q)).concat(added);
  st.hf[h * HF + G_PEX_AT] = st.now;
  const off = auxReserve(w.tr, 2 + added.length + dropped.length);
  const aux = w.tr.aux;
  aux[off] = added.length;
  aux[off + 1] = dropped.length;
  added.forEach((q, i) => (aux[off + 2 + i] = q));
  dropped.forEach((q, i) => (aux[off + 2 + added.length + i] = q));
  append(w.tr, st.now, T.PEX, peer.id, remote, off, 2 + added.length + dropped.length);
  st.msgCount[T.PEX]!++;
  // What it lists: unsplit, the receiver reads the trace's aux at `off`; in a split run it travels with
  // the message (the other side's trace is not the receiver's), its added peers in a row of split.lists.
  const arg = st.split === null ? off : pexRow(w, added);
  schedule(w, st.now + st.hi[h * HI + H_LATENCY]!, E.MSG, st.hi[h * HI + H_MIRROR]!, T.PEX, arg, st.hi[h * HI + H_REMOTE]!);
}

/** A split run's PEX payload: its added peers in a row of split.lists, their count first. */
function pexRow(w: World, added: readonly number[]): number {
  const rows = w.st.split!.lists;
  const row = takeRow(rows);
  rows.data[row * rows.size] = added.length;
  added.forEach((q, i) => (rows.data[row * rows.size + 1 + i] = q));
  return row;
}

/**
 * A PEX message arrived at `r` (its aux offset, or in a split run its row): learn the added peers and
 * connect to them.
 */
export function onPex(w: World, r: number, arg: number): void {
  const st = w.st;
  const peer = st.peers[st.hi[r * HI + H_PEER]!]!;
  const sp = st.split;
  const data = sp === null ? w.tr.aux : sp.lists.data;
  const at = sp === null ? arg : arg * sp.lists.size;
  const first = sp === null ? 2 : 1;
  // An investigator connects to the subject only.
  if (!peer.investigator) {
    // Known ones are told apart by their bit: a peer can know of a thousand, and a message adds up to 50.
    const known = (peer.pexKnownBits ??= new Uint32Array(st.peerWords));
    for (let i = 0; i < data[at]!; i++) {
      const q = data[at + first + i]!;
      const bit = 1 << (q & 31);
      if (q === peer.id || (known[q >>> 5]! & bit) !== 0) continue;
      known[q >>> 5] = known[q >>> 5]! | bit;
      peer.pexKnown.push(q);
    }
    dialKnown(w, peer);
  }
  if (sp !== null) freeRow(sp.lists, arg);
}

/** Connect to learnt peers that are present (as the peer can tell) and not connected, while the peer-set limits allow. */
function dialKnown(w: World, peer: Peer): void {
  for (const q of peer.pexKnown) {
    if (!present(w.st, peer.id, q)) continue;
    if (!connectTo(w, peer, q)) return;
  }
}
