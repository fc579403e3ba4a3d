// A small pcap reader for the tests: frames with their times, IPv4/TCP checksums checked, and each TCP
// direction's bytes reassembled by sequence number, so a capture can be read back without Wireshark.
export interface Packet {
  time: number;
  src: string;
  dst: string;
  srcPort: number;
  dstPort: number;
  seq: number;
  ack: number;
  flags: number;
  payload: Uint8Array;
  checksumsOk: boolean;
}

function sum16(b: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (b[i]! << 8) | b[i + 1]!;
  if (i < end) sum += b[i]! << 8;
  return sum;
}
const folded = (sum: number): number => {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return sum;
};

export function readPcap(file: Uint8Array): { linktype: number; packets: Packet[] } {
  const v = new DataView(file.buffer, file.byteOffset, file.byteLength);
  if (v.getUint32(0, true) !== 0xa1b2c3d4) throw new Error('not a little-endian microsecond pcap');
  const linktype = v.getUint32(20, true);
  const packets: Packet[] = [];
  for (let at = 24; at < file.length; ) {
    const time = (v.getUint32(at, true) - 946_684_800) * 1e6 + v.getUint32(at + 4, true);
    const len = v.getUint32(at + 8, true);
    const f = file.subarray(at + 16, at + 16 + len);
    at += 16 + len;
    const ip = 14;
    const total = (f[ip + 2]! << 8) | f[ip + 3]!;
    const tcp = ip + (f[ip]! & 15) * 4;
    const tcpLen = total - (tcp - ip);
    const ipOk = folded(sum16(f, ip, tcp, 0)) === 0xffff;
    const tcpOk = folded(sum16(f, tcp, tcp + tcpLen, sum16(f, ip + 12, ip + 20, 6 + tcpLen))) === 0xffff;
    const fv = new DataView(f.buffer, f.byteOffset, f.byteLength);
    const dataAt = tcp + (f[tcp + 12]! >>> 4) * 4;
    packets.push({
      time,
      src: f.subarray(ip + 12, ip + 16).join('.'),
      dst: f.subarray(ip + 16, ip + 20).join('.'),
      srcPort: fv.getUint16(tcp),
      dstPort: fv.getUint16(tcp + 2),
      seq: fv.getUint32(tcp + 4),
      ack: fv.getUint32(tcp + 8),
      flags: f[tcp + 13]!,
      payload: f.subarray(dataAt, ip + total),
      checksumsOk: ipOk && tcpOk && total + 14 === f.length,
    });
  }
  return { linktype, packets };
}

export interface Stream {
  key: string;
  bytes: Uint8Array;
  /** Problems found while reassembling: holes, overlaps, data after FIN. */
  problems: string[];
}

/** Each direction's payload in sequence order, from its first packet on. */
export function reassemble(packets: readonly Packet[]): Stream[] {
  const dirs = new Map<string, { next: number | null; parts: Uint8Array[]; problems: string[]; fin: boolean }>();
  for (const p of packets) {
    const key = `${p.src}:${p.srcPort}>${p.dst}:${p.dstPort}`;
    let d = dirs.get(key);
    if (d === undefined) dirs.set(key, (d = { next: null, parts: [], problems: [], fin: false }));
    const syn = (p.flags & 0x02) !== 0;
    if (d.next === null) d.next = (p.seq + (syn ? 1 : 0)) >>> 0;
    else if (syn) d.problems.push('second SYN');
    else if (p.seq !== d.next && (p.payload.length > 0 || (p.flags & 0x01) !== 0)) d.problems.push(`seq ${p.seq}, expected ${d.next}`);
    if (p.payload.length > 0) {
      if (d.fin) d.problems.push('data after FIN');
      d.parts.push(p.payload);
      d.next = (d.next + p.payload.length) >>> 0;
    }
    if ((p.flags & 0x01) !== 0) {
      d.fin = true;
      d.next = (d.next + 1) >>> 0;
    }
  }
  return [...dirs].map(([key, d]) => {
    const bytes = new Uint8Array(d.parts.reduce((n, x) => n + x.length, 0));
    let at = 0;
    for (const x of d.parts) {
      bytes.set(x, at);
      at += x.length;
    }
    return { key, bytes, problems: d.problems };
  });
}

export interface WireMessage {
  /** -1 for the handshake. */
  id: number;
  payload: Uint8Array;
}

/** Split one direction's bytes into BitTorrent messages (a handshake first if it starts with one). */
export function parseMessages(bytes: Uint8Array): { messages: WireMessage[]; rest: number } {
  const messages: WireMessage[] = [];
  let at = 0;
  if (bytes[0] === 19 && new TextDecoder().decode(bytes.subarray(1, 20)) === 'BitTorrent protocol') {
    messages.push({ id: -1, payload: bytes.subarray(0, 68) });
    at = 68;
  }
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  while (at + 4 <= bytes.length) {
    const len = v.getUint32(at);
    if (at + 4 + len > bytes.length) break;
    if (len > 0) messages.push({ id: bytes[at + 4]!, payload: bytes.subarray(at + 5, at + 4 + len) });
    at += 4 + len;
  }
  return { messages, rest: bytes.length - at };
}
