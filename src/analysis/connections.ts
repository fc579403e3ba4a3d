// The subject's connections, rebuilt from HANDSHAKE, BITFIELD and LEAVE records, so that a HAVE
// broadcast (one record: to = BROADCAST, y = recipients) can be resolved to the peers it went to.
// The engine opens a connection at the acceptor when it sends its HANDSHAKE reply, at the initiator
// when that reply arrives (reply time + latency, no record of its own), and closes both ends when
// either peer leaves. One exception: an initiator that left while the reply was on its way closes the
// acceptor's end only when the reply arrives. A pair of peers never gets a second connection.
import type { SimConfig } from '../engine/types';

export interface SubjectLink {
  remote: number;
  /** One-way latency, µs: the sum of both peers' `latency`. */
  latency: number;
  subjectAccepted: boolean;
  /** The HANDSHAKE reply: record index and time (µs). */
  replyIndex: number;
  replyTime: number;
  /** The subject's BITFIELD on this connection (sent the moment its end opened), or -1. */
  bitfieldIndex: number;
  bitfieldTime: number;
  /** The remote's LEAVE record, or -1 / null. */
  remoteLeftIndex: number;
  remoteLeftTime: number | null;
}

export interface SubjectConnections {
  subject: number;
  /** Handshakes in progress that involve the subject, by remote: the initiator's id. */
  pending: Map<number, number>;
  /** By remote, in the order the connections were answered. */
  links: Map<number, SubjectLink>;
  subjectLeftIndex: number;
  subjectLeftTime: number | null;
}

export function createSubjectConnections(subject: number): SubjectConnections {
  return { subject, pending: new Map(), links: new Map(), subjectLeftIndex: -1, subjectLeftTime: null };
}

/** A HANDSHAKE record from → to. Returns nothing; updates the subject's links. */
export function onHandshakeRecord(c: SubjectConnections, config: SimConfig, index: number, time: number, from: number, to: number): void {
  const s = c.subject;
  if (from !== s && to !== s) return;
  const remote = from === s ? to : from;
  if (c.pending.get(remote) === to) {
    // `from` accepted `to`'s handshake: this is the reply.
    c.pending.delete(remote);
    c.links.set(remote, {
      remote,
      latency: config.peers[from]!.latency + config.peers[to]!.latency,
      subjectAccepted: from === s,
      replyIndex: index,
      replyTime: time,
      bitfieldIndex: -1,
      bitfieldTime: 0,
      remoteLeftIndex: -1,
      remoteLeftTime: null,
    });
  } else {
    c.pending.set(remote, from);
  }
}

export function onRefusedRecord(c: SubjectConnections, from: number, to: number): void {
  if (from === c.subject) c.pending.delete(to);
  else if (to === c.subject) c.pending.delete(from);
}

export function onBitfieldRecord(c: SubjectConnections, index: number, time: number, to: number): void {
  const link = c.links.get(to);
  if (link !== undefined && link.bitfieldIndex < 0) {
    link.bitfieldIndex = index;
    link.bitfieldTime = time;
  }
}

export function onLeaveRecord(c: SubjectConnections, index: number, time: number, peer: number): void {
  if (peer === c.subject) {
    c.subjectLeftIndex = index;
    c.subjectLeftTime = time;
    return;
  }
  const link = c.links.get(peer);
  if (link !== undefined && link.remoteLeftIndex < 0) {
    link.remoteLeftIndex = index;
    link.remoteLeftTime = time;
  }
}

/** (time, index) order of two trace positions; a position with index -1 sorts by time alone, before records at that time. */
function before(t1: number, i1: number, t2: number, i2: number): boolean {
  return t1 < t2 || (t1 === t2 && i1 < i2);
}

/**
 * Was the subject's end of `link` open at the record (index, time)? Exact, except at one tie: when
 * the subject initiated and sent no bitfield at opening (it had no piece), the opening has no record,
 * and it is taken to come before the subject's records at that microsecond (the subject can only have
 * sent a have then after verifying its first piece, which a bitfield at opening would have shown).
 */
export function openAtSubject(link: SubjectLink, index: number, time: number): boolean {
  if (link.subjectAccepted) {
    if (index < link.replyIndex) return false;
    const arrive = link.replyTime + link.latency;
    // The initiator left before the reply reached it: the subject's end stays open until it does.
    if (link.remoteLeftTime !== null && link.remoteLeftTime <= arrive) return time < arrive;
    return link.remoteLeftIndex < 0 || index < link.remoteLeftIndex;
  }
  const opens = link.replyTime + link.latency;
  // The acceptor left before the reply arrived: the subject's end never opened.
  if (link.remoteLeftTime !== null && link.remoteLeftTime <= opens && link.bitfieldIndex < 0) return false;
  if (link.bitfieldIndex >= 0) {
    if (index <= link.bitfieldIndex) return false;
  } else if (time < opens || index < link.replyIndex) return false;
  return link.remoteLeftIndex < 0 || before(time, index, link.remoteLeftTime!, link.remoteLeftIndex);
}

/**
 * Did a message the subject sent on `link` at `time` arrive (the remote's end open when it got there,
 * no later than `asOf`)? Both ends close when either peer leaves; a leave at the arrival microsecond is
 * taken to come first (leaves are scheduled before the message is).
 */
export function delivered(c: SubjectConnections, link: SubjectLink, time: number, asOf: number): boolean {
  const arrive = time + link.latency;
  if (arrive > asOf) return false;
  if (link.remoteLeftTime !== null && link.remoteLeftTime <= arrive) return false;
  if (c.subjectLeftTime !== null && c.subjectLeftTime <= arrive) return false;
  return true;
}
