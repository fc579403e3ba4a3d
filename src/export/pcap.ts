// The pcap export: a run's wire messages as a packet capture that Wireshark and tshark read, for one
// peer's connections (as a capture on that peer's machine would show them) or for the whole swarm.
// Every message gets its real bytes (wire-bytes.ts) inside Ethernet/IPv4/TCP (tcp-model.ts, frames.ts);
// blocks carry the content of content.ts, whose SHA-1s are the torrent's piece hashes, so a piece can
// be checked from the capture. Output goes to a sink in chunks of at most CHUNK bytes as it is made:
// only a window of a few latencies of packets is ever held.
//
// Counting: the capture holds every message whose record time is in [from, to), whole (a block that
// started before `to` is written to its last byte), on the connections of the chosen peer; a have
// broadcast (to = BROADCAST) is one message per connection open at the sender's end, a have to one
// peer (a lazy bitfield's, a super-seed's offer) one message. ACKs and FINs are kept by their
// capture time. Records with no bytes of their own (joins, rechokes, arrivals) leave no packet.
import { infoHash, peerAddressBytes, PEER_PORT } from '../engine/identity';
import { transferTime } from '../engine/bandwidth';
import { pairKey } from '../engine/connections';
import { blockBegin, blockLength, geometry, pieceOf, type Geometry } from '../engine/torrent';
import { BROADCAST, HS_EXTENDED, HS_FAST, record, T, type Trace, type TraceRecord } from '../engine/trace';
import type { MessageName, SimConfig } from '../engine/types';
import { messageName } from '../engine/wire';
import { blockBytes, contentKey, type ContentKey } from './content';
import { pcapFileHeader, RECORD_HEADER_LENGTH, writeRecordHeader, type Host } from './frames';
import { CLOSED, hostOf, Link, OPEN, PENDING } from './pcap-links';
import { TcpModel, type FrameOut } from './tcp-model';
import * as wire from './wire-bytes';

/** Simulated time 0 is written as 2000-01-01T00:00:00Z: a SYN may go out before it, and the date says "synthetic". */
export const EPOCH_SECONDS = 946_684_800;
/** The sink gets the file in chunks of at most this many bytes. */
export const CHUNK = 1 << 16;

export interface PcapSink {
  write(chunk: Uint8Array): void;
}

export interface PcapSource {
  config: SimConfig;
  trace: Trace;
  /** Each peer's upload in bytes/s as the engine used it (its capacity after any rate limit). */
  uploads: readonly number[];
}

export interface PcapOptions {
  /** Index of the peer whose connections to capture; undefined = the whole swarm. */
  peer?: number;
  /** Simulated µs: messages sent in [from, to). */
  from?: number;
  to?: number;
}

export interface PcapStats {
  packets: number;
  bytes: number;
  /** Messages written, by result-file name (a have once per connection it went out on). */
  messages: Partial<Record<MessageName, number>>;
  /** BEP 10 extended handshakes added on connections where both peers offer the extension protocol (the trace has no record of them). */
  extendedHandshakes: number;
  /** Have broadcasts whose rebuilt recipients differ in number from the engine's count (0 in a correct rebuild). */
  haveMismatches: number;
  /** Bitfields whose engine piece count differs from the pieces the sender had verified (0 in a correct rebuild). */
  bitfieldMismatches: number;
  /** Messages on a connection the rebuild does not know as open (0 in a correct rebuild). */
  orphans: number;
  /** Most payload bytes waiting in the reorder stages at once, and the largest chunk handed to the sink. */
  maxHeldBytes: number;
  maxChunk: number;
}

interface Ctx {
  g: Geometry;
  key: ContentKey;
  trace: Trace;
  /** Pieces each peer holds (announced with a bitfield). */
  held: Uint8Array[];
}

type Encoder = (r: TraceRecord, c: Ctx) => Uint8Array;

const blockRef = (id: number): Encoder => (r, c) => wire.blockRef(id, pieceOf(c.g, r.x), blockBegin(c.g, r.x), blockLength(c.g, r.x));

/**
 * Trace kind → message bytes. One line per kind: a kind the engine adds is exported by adding it here.
 * have is written by the broadcast code (one per recipient) with this encoder; piece with its block.
 */
const ENCODERS: Partial<Record<number, Encoder>> = {
  [T.CHOKE]: () => wire.bare(wire.MSG.CHOKE),
  [T.UNCHOKE]: () => wire.bare(wire.MSG.UNCHOKE),
  [T.INTERESTED]: () => wire.bare(wire.MSG.INTERESTED),
  [T.NOT_INTERESTED]: () => wire.bare(wire.MSG.NOT_INTERESTED),
  [T.HAVE]: (r) => wire.pieceIndex(wire.MSG.HAVE, r.x),
  [T.BITFIELD]: (r, c) => {
    // A lazy bitfield leaves y pieces out: the haves that reveal them are the next y records.
    const hidden = new Set(Array.from({ length: r.y }, (_, k) => record(c.trace, r.index + 1 + k).x));
    return wire.bitfield(c.g.pieces, (p) => c.held[r.from]![p] === 1 && !hidden.has(p));
  },
  [T.REQUEST]: blockRef(wire.MSG.REQUEST),
  [T.PIECE]: (r, c) => wire.piece(pieceOf(c.g, r.x), blockBegin(c.g, r.x), blockBytes(c.key, c.g, r.x)),
  [T.CANCEL]: blockRef(wire.MSG.CANCEL),
  [T.SUGGEST]: (r) => wire.pieceIndex(wire.MSG.SUGGEST, r.x),
  [T.HAVE_ALL]: () => wire.bare(wire.MSG.HAVE_ALL),
  [T.HAVE_NONE]: () => wire.bare(wire.MSG.HAVE_NONE),
  [T.REJECT]: blockRef(wire.MSG.REJECT),
  [T.ALLOWED_FAST]: (r) => wire.pieceIndex(wire.MSG.ALLOWED_FAST, r.x),
  [T.PEX]: (r, c) => {
    const aux = c.trace.aux;
    const added = aux[r.x]!;
    const dropped = aux[r.x + 1]!;
    const peer = (k: number) => wire.compactPeer(peerAddressBytes(aux[r.x + 2 + k]!), PEER_PORT);
    return wire.utPex(
      Array.from({ length: added }, (_, k) => peer(k)),
      Array.from({ length: dropped }, (_, k) => peer(added + k)),
    );
  },
};

/** The first message on a connection: it marks the initiator's end open. */
const FIRST_MESSAGES: ReadonlySet<number> = new Set([T.BITFIELD, T.HAVE_ALL, T.HAVE_NONE]);

/** Buffers the file into chunks for the sink. */
class ChunkWriter {
  private buf = new Uint8Array(CHUNK);
  private used = 0;
  bytes = 0;
  packets = 0;
  maxChunk = 0;
  constructor(private readonly sink: PcapSink) {
    this.put(pcapFileHeader());
  }
  private put(b: Uint8Array): void {
    if (this.used + b.length > CHUNK) this.flush();
    this.buf.set(b, this.used);
    this.used += b.length;
    this.bytes += b.length;
  }
  frame(f: FrameOut): void {
    const seconds = Math.floor(f.time / 1e6);
    const head = new Uint8Array(RECORD_HEADER_LENGTH);
    writeRecordHeader(head, 0, EPOCH_SECONDS + seconds, f.time - seconds * 1e6, f.frame.length);
    if (this.used + head.length + f.frame.length > CHUNK) this.flush();
    this.put(head);
    this.put(f.frame);
    this.packets++;
  }
  flush(): void {
    if (this.used === 0) return;
    this.maxChunk = Math.max(this.maxChunk, this.used);
    // The sink may keep the chunk: hand it over and start a new buffer.
    this.sink.write(this.buf.subarray(0, this.used));
    this.buf = new Uint8Array(CHUNK);
    this.used = 0;
  }
}


/**
 * When each block the capture holds arrived (µs), in the order of its PIECE records; NaN when it never
 * did (lost, or still in flight at the end). A block's bytes leave during the sender's upload and reach
 * the receiver when the engine says, which can be later when the receiver's download is the bottleneck.
 */
function blockArrivals(tr: Trace, involved: (from: number, to: number) => boolean): Float64Array {
  let out = new Float64Array(1024);
  let n = 0;
  const waiting = new Map<number, number[]>();
  for (let i = 0; i < tr.length; i++) {
    const r = record(tr, i);
    if ((r.kind !== T.PIECE && r.kind !== T.RECEIVED && r.kind !== T.LOST) || !involved(r.from, r.to)) continue;
    const key = r.from * 65536 + r.to;
    if (r.kind === T.PIECE) {
      if (n === out.length) {
        const grown = new Float64Array(2 * n);
        grown.set(out);
        out = grown;
      }
      out[n] = NaN;
      const list = waiting.get(key) ?? [];
      list.push(r.x, n++);
      waiting.set(key, list);
      continue;
    }
    const list = waiting.get(key);
    if (list === undefined) continue;
    for (let k = 0; k < list.length; k += 2) {
      if (list[k] !== r.x) continue;
      if (r.kind === T.RECEIVED) out[list[k + 1]!] = r.time;
      list.splice(k, 2);
      break;
    }
  }
  return out;
}

/** Write the capture of `src` to `sink`. Same run, same options: the same bytes. */
export function writePcap(src: PcapSource, options: PcapOptions, sink: PcapSink): PcapStats {
  const { config, trace } = src;
  const vantage = options.peer ?? null;
  const from = options.from ?? -Infinity;
  const to = options.to ?? Infinity;
  const g = geometry(config.torrent);
  const ctx: Ctx = {
    g,
    key: contentKey(infoHash(config)),
    trace,
    held: config.peers.map((p) => new Uint8Array(g.pieces).fill(p.seed ? 1 : 0)),
  };
  const heldCount = config.peers.map((p) => (p.seed ? g.pieces : 0));
  const hash = infoHash(config);
  const involved = (a: number, b: number): boolean => vantage === null || a === vantage || b === vantage;
  const arrivals = blockArrivals(trace, involved);
  let pieceOrdinal = 0;

  const out = new ChunkWriter(sink);
  const model = new TcpModel(vantage, from, to, (f) => out.frame(f));
  const hosts: Host[] = [];
  const hostAt = (i: number): Host => (hosts[i] ??= hostOf(i));
  // The SYN goes out two latencies before the handshake record, so stage output lags that far behind.
  const back = 4 * Math.max(0, ...config.peers.map((p) => p.latency)) + 1;
  const links = new Map<number, Link>();
  const linksOf: Link[][] = config.peers.map(() => []);
  const attempts = new Map<number, number>();
  /** The extension bits each initiator offered in its handshake. */
  const ext = new Map<Link, number>();
  const stats: PcapStats = {
    packets: 0,
    bytes: 0,
    messages: {},
    extendedHandshakes: 0,
    haveMismatches: 0,
    bitfieldMismatches: 0,
    orphans: 0,
    maxHeldBytes: 0,
    maxChunk: 0,
  };
  const count = (kind: number): void => {
    const name = messageName(kind);
    if (name !== null) stats.messages[name] = (stats.messages[name] ?? 0) + 1;
  };
  const shown = (t: number): boolean => t >= from && t < to;
  const extOf = (bits: number): wire.Extensions => ({ fast: (bits & HS_FAST) !== 0, extended: (bits & HS_EXTENDED) !== 0 });

  /** Write one message of `peer` on `link`; false if its end has already closed. */
  const put = (link: Link, peer: number, r: TraceRecord, bytes: () => Uint8Array, length: number, duration = 0, arrivesBy = NaN): boolean => {
    const show = shown(r.time);
    if (!model.write(link.dirFrom(peer), r.time, length, show ? bytes() : null, duration, arrivesBy)) {
      stats.orphans++;
      return false;
    }
    if (show) count(r.kind);
    return true;
  };

  const closeLink = (link: Link, by: number, t: number): void => {
    if (link.state === CLOSED) return;
    link.state = CLOSED;
    model.close(link.dirFrom(by), t);
  };

  const onHandshake = (r: TraceRecord): void => {
    const key = pairKey(r.from, r.to);
    const link = links.get(key);
    if (link !== undefined && link.state === PENDING && link.a === r.to) {
      link.state = OPEN;
      link.replyTime = r.time;
      put(link, r.from, r, () => wire.handshake(hash, wire.peerId(r.from), extOf(r.x)), wire.HANDSHAKE_LENGTH);
      if ((ext.get(link)! & r.x & HS_EXTENDED) !== 0) {
        // BEP 10: both offer the extension protocol, so each sends its extended handshake first: the
        // acceptor now, the initiator when the reply reaches it. The trace has no record of these.
        const hs = wire.extendedHandshake();
        for (const [dir, t] of [[link.ba, r.time], [link.ab, r.time + link.latency]] as const) {
          model.write(dir, t, hs.length, shown(t) ? hs : null);
          if (shown(t)) stats.extendedHandshakes++;
        }
      }
      return;
    }
    const attempt = attempts.get(key) ?? 0;
    attempts.set(key, attempt + 1);
    const fresh = new Link(r.from, r.to, config.peers[r.from]!.latency + config.peers[r.to]!.latency, attempt, hostAt);
    links.set(key, fresh);
    linksOf[r.from]!.push(fresh);
    linksOf[r.to]!.push(fresh);
    ext.set(fresh, r.x);
    model.open(fresh.ab, fresh.ba, r.time, shown(r.time));
    put(fresh, r.from, r, () => wire.handshake(hash, wire.peerId(r.from), extOf(r.x)), wire.HANDSHAKE_LENGTH);
  };

  const onLeave = (r: TraceRecord): void => {
    const p = r.from;
    for (const link of linksOf[p]!) {
      if (link.state === CLOSED) continue;
      if (p === link.a && link.state === OPEN && r.time <= link.replyTime + link.latency) {
        // The initiator left while the reply was on its way: the acceptor's end stays open until it arrives.
        link.acceptorOpenUntil = link.replyTime + link.latency;
      }
      closeLink(link, p, r.time);
    }
    linksOf[p] = [];
  };

  const onHave = (r: TraceRecord): void => {
    let sent = 0;
    // Closed links stay listed only while an acceptor's end may still be open.
    const list = (linksOf[r.from] = linksOf[r.from]!.filter((l) => l.state !== CLOSED || r.time < l.acceptorOpenUntil));
    for (let k = 0; k < list.length; k++) {
      const link = list[k]!;
      if (!link.openAt(r.from, r.time, heldCount[r.from]! - 1)) continue;
      sent++;
      if (involved(r.from, link.remoteOf(r.from))) put(link, r.from, r, () => ENCODERS[T.HAVE]!(r, ctx), 9);
    }
    if (sent !== r.y && (vantage === null || r.from === vantage)) stats.haveMismatches++;
  };

  for (let i = 0; i < trace.length; i++) {
    const r = record(trace, i);
    model.advance(r.time - back);
    switch (r.kind) {
      case T.VERIFIED:
        if (ctx.held[r.from]![r.x] === 0) {
          ctx.held[r.from]![r.x] = 1;
          heldCount[r.from]!++;
        }
        continue;
      case T.HAVE:
        if (r.to !== BROADCAST) break; // a have on one connection is a message like any other
        onHave(r);
        continue;
      case T.LEAVE:
        onLeave(r);
        continue;
    }
    if (!involved(r.from, r.to)) continue;
    if (r.kind === T.HANDSHAKE) {
      onHandshake(r);
      continue;
    }
    const link = links.get(pairKey(r.from, r.to));
    if (r.kind === T.REFUSED || r.kind === T.BANNED) {
      if (link !== undefined) closeLink(link, r.from, r.time);
      continue;
    }
    const encode = ENCODERS[r.kind];
    if (encode === undefined) continue;
    if (link === undefined || link.state === PENDING) {
      stats.orphans++;
      if (r.kind === T.PIECE) pieceOrdinal++;
      continue;
    }
    if (FIRST_MESSAGES.has(r.kind) && r.from === link.a) link.initiatorSpoke = true;
    if (r.kind === T.BITFIELD && r.x + r.y !== heldCount[r.from]) stats.bitfieldMismatches++;
    if (r.kind === T.PIECE) {
      const arrivesBy = arrivals[pieceOrdinal++]!;
      put(link, r.from, r, () => encode(r, ctx), wire.PIECE_HEADER + r.y, transferTime(r.y, src.uploads[r.from]!), arrivesBy);
      continue;
    }
    const bytes = encode(r, ctx);
    put(link, r.from, r, () => bytes, bytes.length);
  }
  model.flush();
  out.flush();
  stats.packets = out.packets;
  stats.bytes = out.bytes;
  stats.maxHeldBytes = model.maxHeldBytes;
  stats.maxChunk = out.maxChunk;
  return stats;
}
