// Classic libpcap file format and the Ethernet II / IPv4 / TCP headers around each segment, with
// real checksums (RFC 791, RFC 793), so capture tools accept the frames as if taken from a real link.
// The file is little-endian with microsecond timestamps (magic 0xa1b2c3d4), LINKTYPE_ETHERNET.

export const LINKTYPE_ETHERNET = 1;
export const SNAPLEN = 65535;
export const PCAP_HEADER_LENGTH = 24;
export const RECORD_HEADER_LENGTH = 16;
/** Ethernet II + IPv4 without options + TCP without options. */
export const HEADERS_LENGTH = 14 + 20 + 20;

/** The file header: magic, version 2.4, GMT offset 0, accuracy 0, snap length, link type. */
export function pcapFileHeader(): Uint8Array {
  const out = new Uint8Array(PCAP_HEADER_LENGTH);
  const v = new DataView(out.buffer);
  v.setUint32(0, 0xa1b2c3d4, true);
  v.setUint16(4, 2, true);
  v.setUint16(6, 4, true);
  v.setUint32(16, SNAPLEN, true);
  v.setUint32(20, LINKTYPE_ETHERNET, true);
  return out;
}

/** A record header at byte `at` of `out`: seconds, microseconds, captured and original length. */
export function writeRecordHeader(out: Uint8Array, at: number, seconds: number, micros: number, length: number): void {
  const v = new DataView(out.buffer, out.byteOffset + at, RECORD_HEADER_LENGTH);
  v.setUint32(0, seconds, true);
  v.setUint32(4, micros, true);
  v.setUint32(8, length, true);
  v.setUint32(12, length, true);
}

export interface Host {
  /** Locally administered unicast MAC. */
  mac: Uint8Array;
  ip: Uint8Array;
}

export const TCP_FIN = 0x01;
export const TCP_SYN = 0x02;
export const TCP_PSH = 0x08;
export const TCP_ACK = 0x10;

export interface Segment {
  src: Host;
  dst: Host;
  srcPort: number;
  dstPort: number;
  /** Absolute sequence and acknowledgment numbers (mod 2^32). */
  seq: number;
  ack: number;
  flags: number;
  window: number;
  ipId: number;
  /** TCP options, a multiple of 4 bytes. */
  options: Uint8Array | null;
  payload: Uint8Array | null;
}

/** The ones' complement sum of `bytes` as 16-bit big-endian words, added to `sum` (not folded). */
function sum16(bytes: Uint8Array, start: number, end: number, sum: number): number {
  let i = start;
  for (; i + 1 < end; i += 2) sum += (bytes[i]! << 8) | bytes[i + 1]!;
  if (i < end) sum += bytes[i]! << 8;
  return sum;
}

function fold(sum: number): number {
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  return ~sum & 0xffff;
}

/** One Ethernet frame carrying `s`, checksums filled in. */
export function tcpFrame(s: Segment): Uint8Array {
  const optLen = s.options?.length ?? 0;
  const payLen = s.payload?.length ?? 0;
  const tcpLen = 20 + optLen + payLen;
  const out = new Uint8Array(14 + 20 + tcpLen);
  const v = new DataView(out.buffer);
  out.set(s.dst.mac, 0);
  out.set(s.src.mac, 6);
  v.setUint16(12, 0x0800);
  // IPv4: version 4, IHL 5, no DSCP, total length, id, don't fragment, TTL 64, protocol TCP.
  const ip = 14;
  out[ip] = 0x45;
  v.setUint16(ip + 2, 20 + tcpLen);
  v.setUint16(ip + 4, s.ipId & 0xffff);
  v.setUint16(ip + 6, 0x4000);
  out[ip + 8] = 64;
  out[ip + 9] = 6;
  out.set(s.src.ip, ip + 12);
  out.set(s.dst.ip, ip + 16);
  v.setUint16(ip + 10, fold(sum16(out, ip, ip + 20, 0)));
  const tcp = ip + 20;
  v.setUint16(tcp, s.srcPort);
  v.setUint16(tcp + 2, s.dstPort);
  v.setUint32(tcp + 4, s.seq >>> 0);
  v.setUint32(tcp + 8, s.ack >>> 0);
  out[tcp + 12] = ((20 + optLen) / 4) << 4;
  out[tcp + 13] = s.flags;
  v.setUint16(tcp + 14, s.window);
  if (s.options) out.set(s.options, tcp + 20);
  if (s.payload) out.set(s.payload, tcp + 20 + optLen);
  // The TCP checksum covers a pseudo-header: source and destination address, protocol, TCP length.
  let sum = sum16(out, ip + 12, ip + 20, 6 + tcpLen);
  sum = sum16(out, tcp, tcp + tcpLen, sum);
  v.setUint16(tcp + 16, fold(sum));
  return out;
}
