// TCP under the simulated messages: sequence and acknowledgment numbers, MSS segmentation, delayed
// ACKs, the three-way handshake and FIN, and each packet's time at the point of capture.
//
// The engine models messages, not TCP, so a few choices fill the gap:
// - A direction is a byte stream: a message written while earlier bytes are still going out (a have
//   sent during a 16 KiB block) follows them, and no segment arrives before an earlier one (the engine
//   lets small messages overtake a block; TCP cannot).
// - Packets pass two stages. Stage 1 takes each connection's packets in the order their sender sends
//   them and fills in what depends on the other side (the ACK number: everything of the other side that
//   arrived strictly before the send time; a pure ACK's sequence number); stage 2 orders packets by their
//   time at the capture point (the sender's clock for the whole swarm and for a peer's own packets, the
//   arrival time for packets a watched peer receives) and writes them. Both stages hold only a window of
//   a few latencies, never the whole capture.
// - A receiver acknowledges every second segment and the end of each message, 1 µs after the arrival
//   (so the ACK follows the data in every view).
import { tcpFrame, TCP_ACK, TCP_FIN, TCP_PSH, TCP_SYN, type Host } from './frames';

/** Ethernet MTU 1500 − IPv4 20 − TCP 20. */
export const MSS = 1460;
/** Window scale shift (RFC 7323) offered in both SYNs, and the window field after them: 32768 << 7 = 4 MiB. */
const WINDOW_SHIFT = 7;
const WINDOW = 0x8000;
/** SYN options: MSS 1460, NOP, window scale. */
const SYN_OPTIONS = new Uint8Array([2, 4, MSS >>> 8, MSS & 0xff, 1, 3, 3, WINDOW_SHIFT]);

const DATA = 0;
const PURE_ACK = 1;
const FIN = 2;
const CONTROL = 3;

interface Item {
  time: number;
  order: number;
  kind: number;
  dir: Direction;
  /** DATA: relative sequence number, payload (null when not shown), natural arrival, end of a message. */
  seq: number;
  payload: Uint8Array | null;
  length: number;
  arrive: number;
  last: boolean;
  show: boolean;
  /** CONTROL: flags and ACK number (relative) of a handshake packet. */
  flags: number;
  ack: number;
}

/** A binary min-heap on (time, order). */
class Heap<V extends { time: number; order: number }> {
  private a: V[] = [];
  get size(): number {
    return this.a.length;
  }
  peek(): V | undefined {
    return this.a[0];
  }
  private less(i: number, j: number): boolean {
    const x = this.a[i]!;
    const y = this.a[j]!;
    return x.time < y.time || (x.time === y.time && x.order < y.order);
  }
  private swap(i: number, j: number): void {
    const t = this.a[i]!;
    this.a[i] = this.a[j]!;
    this.a[j] = t;
  }
  push(v: V): void {
    const a = this.a;
    a.push(v);
    for (let i = a.length - 1; i > 0; ) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }
  pop(): V | undefined {
    const a = this.a;
    const top = a[0];
    const end = a.pop();
    if (a.length > 0 && end !== undefined) {
      a[0] = end;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        let m = i;
        if (l < a.length && this.less(l, m)) m = l;
        if (l + 1 < a.length && this.less(l + 1, m)) m = l + 1;
        if (m === i) break;
        this.swap(i, m);
        i = m;
      }
    }
    return top;
  }
}

/** One direction of a connection: `srcPeer` sending to the other end. */
export class Direction {
  other!: Direction;
  /** Relative sequence number of the next byte written (the SYN is 0). */
  nextSeq = 1;
  /** Relative sequence number after the last packet sent (stage 1). */
  sentSeq = 1;
  /** When the last written byte leaves. */
  busyUntil = -Infinity;
  lastArrive = -Infinity;
  /** End of the last message left out for being sent before the capture starts. */
  hiddenEnd = 0;
  /** 0 open, 1 FIN asked for, 2 FIN sent. */
  fin = 0;
  /** Of the other direction: received up to (relative), and the ACK number last sent. */
  rcvNext = 1;
  lastAck = 0;
  private unacked = 0;
  /** Arrivals of this direction's packets at the receiver, for the receiver's ACK numbers. */
  private arrTime: number[] = [];
  private arrSeq: number[] = [];
  private arrHead = 0;
  private ipId: number;

  constructor(
    readonly srcPeer: number,
    readonly src: Host,
    readonly dst: Host,
    readonly srcPort: number,
    readonly dstPort: number,
    readonly isn: number,
    readonly latency: number,
    ipId: number,
  ) {
    this.ipId = ipId;
  }

  nextIpId(): number {
    return this.ipId++ & 0xffff;
  }

  /** Received-data bookkeeping of the receiver: this direction's bytes up to `seqEnd` arrive at `time`. */
  arrived(time: number, seqEnd: number): void {
    this.arrTime.push(time);
    this.arrSeq.push(seqEnd);
    this.lastArrive = time;
  }

  /** The ACK number (relative) the other end sends at `time`: all that arrived strictly before. */
  ackAt(time: number): number {
    const t = this.arrTime;
    while (this.arrHead < t.length && t[this.arrHead]! < time) this.other.rcvNext = this.arrSeq[this.arrHead++]!;
    if (this.arrHead > 1024) {
      t.splice(0, this.arrHead);
      this.arrSeq.splice(0, this.arrHead);
      this.arrHead = 0;
    }
    return this.other.rcvNext;
  }

  /** Data segments received since the receiver last acknowledged; true when an ACK is due. */
  countSegment(lastOfMessage: boolean): boolean {
    this.unacked++;
    if (this.unacked < 2 && !lastOfMessage) return false;
    this.unacked = 0;
    return true;
  }
}

export interface FrameOut {
  /** Capture time, µs of simulated time (may be negative: a SYN goes out before the handshake). */
  time: number;
  frame: Uint8Array;
}

/**
 * The two stages. `send` receives frames in capture-time order. `vantage` is the watched peer, or
 * null for the whole swarm; `from`/`to` bound the capture time of packets that belong to no message
 * (ACKs, FINs); data and handshake packets follow their message's `show`.
 */
export class TcpModel {
  private stage1 = new Heap<Item>();
  private stage2 = new Heap<FrameOut & { order: number; held: number }>();
  private order = 0;
  /** Payload bytes held in both stages now, and at most so far. */
  heldBytes = 0;
  maxHeldBytes = 0;

  constructor(
    private readonly vantage: number | null,
    private readonly from: number,
    private readonly to: number,
    private readonly send: (f: FrameOut) => void,
  ) {}

  private push(item: Omit<Item, 'order'>): void {
    this.stage1.push({ ...item, order: this.order++ });
    this.hold(item.payload?.length ?? 0);
  }

  private hold(n: number): void {
    this.heldBytes += n;
    if (this.heldBytes > this.maxHeldBytes) this.maxHeldBytes = this.heldBytes;
  }

  private blank(dir: Direction, time: number, kind: number): Omit<Item, 'order'> {
    return { time, kind, dir, seq: 0, payload: null, length: 0, arrive: 0, last: false, show: false, flags: 0, ack: 0 };
  }

  /** A connection from `a` to `b`: SYN 2 latencies before `t`, SYN-ACK one before, the ACK at `t`. */
  open(a: Direction, b: Direction, t: number, show: boolean): void {
    const lat = a.latency;
    this.push({ ...this.blank(a, t - 2 * lat, CONTROL), flags: TCP_SYN, seq: 0, ack: -1, show });
    this.push({ ...this.blank(b, t - lat, CONTROL), flags: TCP_SYN | TCP_ACK, seq: 0, ack: 1, show });
    this.push({ ...this.blank(a, t, CONTROL), flags: TCP_ACK, seq: 1, ack: 1, show });
  }

  /**
   * Write a message at `t` on `dir`. `bytes` is null for a message outside the capture (only its length
   * counts). A block's bytes leave over `duration` µs (the sender's upload), and the last one arrives at
   * `arrivesBy` when the engine says so (the receiver's download may be slower). False if `dir` is closed.
   */
  write(dir: Direction, t: number, length: number, bytes: Uint8Array | null, duration = 0, arrivesBy = NaN): boolean {
    if (dir.fin === 2) return false;
    const start = Math.max(t, dir.busyUntil);
    const extra = Number.isNaN(arrivesBy) ? 0 : Math.max(0, arrivesBy - (start + duration + dir.latency));
    for (let at = 0; at < length; at += MSS) {
      const end = Math.min(length, at + MSS);
      const sent = start + Math.ceil((duration * end) / length);
      this.push({
        ...this.blank(dir, sent, DATA),
        seq: dir.nextSeq + at,
        payload: bytes === null ? null : bytes.subarray(at, end),
        length: end - at,
        arrive: sent + dir.latency + extra,
        last: end === length,
        show: bytes !== null,
      });
      dir.busyUntil = sent;
    }
    if (bytes === null && t < this.from) dir.hiddenEnd = dir.nextSeq + length;
    dir.nextSeq += length;
    return true;
  }

  /** Close `dir` at `t` (after any bytes still going out); the other end closes when the FIN reaches it. */
  close(dir: Direction, t: number): void {
    if (dir.fin !== 0) return;
    dir.fin = 1;
    this.push(this.blank(dir, t, FIN));
  }

  /** Run stage 1 and 2 for everything earlier than `t`; nothing later may produce a packet before it. */
  advance(t: number): void {
    for (let top = this.stage1.peek(); top !== undefined && top.time < t; top = this.stage1.peek()) this.process(this.stage1.pop()!);
    for (let top = this.stage2.peek(); top !== undefined && top.time < t; top = this.stage2.peek()) this.emit(this.stage2.pop()!);
  }

  flush(): void {
    this.advance(Infinity);
  }

  private emit(f: FrameOut & { order: number; held: number }): void {
    this.heldBytes -= f.held;
    this.send(f);
  }

  private process(it: Item): void {
    const dir = it.dir;
    this.heldBytes -= it.payload?.length ?? 0;
    if (it.kind === FIN) {
      if (dir.busyUntil > it.time || dir.nextSeq !== dir.sentSeq) {
        // Bytes written after the close was asked for still go out first.
        this.push({ ...it, time: Math.max(it.time, dir.busyUntil) });
        return;
      }
      dir.fin = 2;
      const seq = dir.sentSeq;
      dir.nextSeq = dir.sentSeq = seq + 1;
      const arrive = Math.max(it.time + dir.latency, dir.lastArrive);
      dir.arrived(arrive, seq + 1);
      const ack = dir.other.ackAt(it.time);
      dir.lastAck = ack;
      this.out(dir, it.time, arrive, TCP_FIN | TCP_ACK, seq, ack, null, this.inRange(dir, it.time, arrive, seq));
      // The other end answers 1 µs after the FIN arrives: its own FIN (a passive close), or an ACK.
      if (dir.other.fin === 0) this.close(dir.other, arrive + 1);
      else this.push(this.blank(dir.other, arrive + 1, PURE_ACK));
      return;
    }
    if (it.kind === PURE_ACK) {
      const ack = dir.other.ackAt(it.time);
      if (ack <= dir.lastAck) return;
      dir.lastAck = ack;
      const arrive = Math.max(it.time + dir.latency, dir.lastArrive);
      dir.lastArrive = arrive;
      this.out(dir, it.time, arrive, TCP_ACK, dir.sentSeq, ack, null, this.inRange(dir, it.time, arrive, dir.sentSeq));
      return;
    }
    if (it.kind === CONTROL) {
      const arrive = Math.max(it.time + dir.latency, dir.lastArrive);
      dir.lastArrive = arrive;
      if (it.flags & TCP_ACK) dir.lastAck = it.ack;
      this.out(dir, it.time, arrive, it.flags, it.seq, it.ack, null, it.show, it.flags & TCP_SYN ? SYN_OPTIONS : null);
      return;
    }
    const arrive = Math.max(it.arrive, dir.lastArrive);
    dir.arrived(arrive, it.seq + it.length);
    dir.sentSeq = it.seq + it.length;
    const ack = dir.other.ackAt(it.time);
    dir.lastAck = ack;
    this.out(dir, it.time, arrive, TCP_ACK | (it.last ? TCP_PSH : 0), it.seq, ack, it.payload, it.show);
    if (dir.countSegment(it.last)) this.push(this.blank(dir.other, arrive + 1, PURE_ACK));
  }

  private at(dir: Direction, sent: number, arrive: number): number {
    return this.vantage === null || dir.srcPeer === this.vantage ? sent : arrive;
  }

  /**
   * Is an ACK or FIN with sequence number `seq` in the capture? By its time, and only once the bytes of
   * messages left out for starting before the capture have gone: a capture tool must see each direction
   * without holes, or it stops reassembling it.
   */
  private inRange(dir: Direction, sent: number, arrive: number, seq: number): boolean {
    const t = this.at(dir, sent, arrive);
    return t >= this.from && t < this.to && seq >= dir.hiddenEnd;
  }

  private out(
    dir: Direction,
    sent: number,
    arrive: number,
    flags: number,
    seq: number,
    ack: number,
    payload: Uint8Array | null,
    show: boolean,
    options: Uint8Array | null = null,
  ): void {
    const ipId = dir.nextIpId();
    if (!show) return;
    const frame = tcpFrame({
      src: dir.src,
      dst: dir.dst,
      srcPort: dir.srcPort,
      dstPort: dir.dstPort,
      seq: dir.isn + seq,
      ack: flags & TCP_ACK ? dir.other.isn + ack : 0,
      flags,
      window: flags & TCP_SYN ? 0xffff : WINDOW,
      ipId,
      options,
      payload,
    });
    const held = payload?.length ?? 0;
    this.hold(held);
    this.stage2.push({ time: this.at(dir, sent, arrive), order: this.order++, frame, held });
  }
}
