// The bytes of peer wire messages, as a real client puts them on a TCP connection: the BEP 3
// handshake and messages, the BEP 6 fast extension's messages, and the BEP 10 extended message that
// carries BEP 11 peer exchange. Framing (BEP 3): a 4-byte big-endian length, a 1-byte id, the payload.
// Shared by the pcap export and anything else that needs wire bytes; tested against webtorrent's
// bittorrent-protocol (test/export/wire-bytes.test.ts).
import { concat } from '../engine/identity';
import { T } from '../engine/trace';

/**
 * Message ids on the wire: BEP 3 (0–8), BEP 6 (0x0D–0x11), BEP 10 extended (20). The trace records
 * wire messages under these same ids (src/engine/trace.ts), so they are taken from there.
 */
export const MSG = {
  CHOKE: T.CHOKE,
  UNCHOKE: T.UNCHOKE,
  INTERESTED: T.INTERESTED,
  NOT_INTERESTED: T.NOT_INTERESTED,
  HAVE: T.HAVE,
  BITFIELD: T.BITFIELD,
  REQUEST: T.REQUEST,
  PIECE: T.PIECE,
  CANCEL: T.CANCEL,
  SUGGEST: T.SUGGEST,
  HAVE_ALL: T.HAVE_ALL,
  HAVE_NONE: T.HAVE_NONE,
  REJECT: T.REJECT,
  ALLOWED_FAST: T.ALLOWED_FAST,
  /** BEP 10; the trace has no record of its own for it (PEX travels inside it). */
  EXTENDED: 20,
} as const;

export const HANDSHAKE_LENGTH = 68;
/** Bytes before a piece message's block: length, id, index, begin. */
export const PIECE_HEADER = 13;
/** The id we give ut_pex in our BEP 10 extended handshake (each side picks its own; 1 is customary). */
export const UT_PEX_ID = 1;

export interface Extensions {
  /** BEP 6 fast extension: reserved[7] & 0x04. */
  fast: boolean;
  /** BEP 10 extension protocol: reserved[5] & 0x10. */
  extended: boolean;
}

const PROTOCOL = new TextEncoder().encode('BitTorrent protocol');

/** The 68-byte handshake: 19, "BitTorrent protocol", 8 reserved bytes, info_hash, peer_id. */
export function handshake(infoHash: Uint8Array, peerId: Uint8Array, ext: Extensions): Uint8Array {
  if (infoHash.length !== 20 || peerId.length !== 20) throw new Error('info_hash and peer_id are 20 bytes each');
  const out = new Uint8Array(HANDSHAKE_LENGTH);
  out[0] = PROTOCOL.length;
  out.set(PROTOCOL, 1);
  if (ext.extended) out[20 + 5] = 0x10;
  if (ext.fast) out[20 + 7] = 0x04;
  out.set(infoHash, 28);
  out.set(peerId, 48);
  return out;
}

/** A message of `ints.length` big-endian 32-bit fields and `extra` more payload bytes, the fields filled in. */
function message(id: number, ints: readonly number[], extra: number): Uint8Array {
  const out = new Uint8Array(5 + 4 * ints.length + extra);
  const view = new DataView(out.buffer);
  view.setUint32(0, out.length - 4);
  out[4] = id;
  ints.forEach((v, i) => view.setUint32(5 + 4 * i, v));
  return out;
}

/** choke, unchoke, interested, not interested, have all, have none: no payload. */
export function bare(id: number): Uint8Array {
  return message(id, [], 0);
}

/** have, suggest, allowed fast: one piece index. */
export function pieceIndex(id: number, piece: number): Uint8Array {
  return message(id, [piece], 0);
}

/** request, cancel, reject: index, begin, length. */
export function blockRef(id: number, index: number, begin: number, length: number): Uint8Array {
  return message(id, [index, begin, length], 0);
}

/** bitfield: high bit of the first byte = piece 0; the spare bits at the end stay zero (BEP 3). */
export function bitfield(pieces: number, has: (piece: number) => boolean): Uint8Array {
  const out = message(MSG.BITFIELD, [], Math.ceil(pieces / 8));
  for (let p = 0; p < pieces; p++) if (has(p)) out[5 + (p >>> 3)]! |= 0x80 >>> (p & 7);
  return out;
}

/** piece: index, begin, then the block's bytes. */
export function piece(index: number, begin: number, block: Uint8Array): Uint8Array {
  const out = message(MSG.PIECE, [index, begin], block.length);
  out.set(block, PIECE_HEADER);
  return out;
}

/** A BEP 10 extended message: id 20, the extended message id (0 = the extended handshake), a bencoded dictionary. */
export function extended(extId: number, payload: Uint8Array): Uint8Array {
  const out = message(MSG.EXTENDED, [], 1 + payload.length);
  out[5] = extId;
  out.set(payload, 6);
  return out;
}

const ascii = new TextEncoder();

/** Bencoding (BEP 3) of a byte string. */
function bstr(bytes: Uint8Array | string): Uint8Array {
  const b = typeof bytes === 'string' ? ascii.encode(bytes) : bytes;
  const head = ascii.encode(`${b.length}:`);
  const out = new Uint8Array(head.length + b.length);
  out.set(head);
  out.set(b, head.length);
  return out;
}


/** Our BEP 10 extended handshake: `d1:md6:ut_pexi1eee`, announcing ut_pex only (what the engine simulates). */
export function extendedHandshake(): Uint8Array {
  return extended(0, ascii.encode(`d1:md6:ut_pexi${UT_PEX_ID}eee`));
}

/** An IPv4 peer in compact form (BEP 23): 4 address bytes, 2 port bytes, big-endian. */
export function compactPeer(ip: Uint8Array, port: number): Uint8Array {
  return new Uint8Array([ip[0]!, ip[1]!, ip[2]!, ip[3]!, port >>> 8, port & 0xff]);
}

/** A BEP 11 ut_pex message: `added` (with one flag byte each, 0 = no flags known) and `dropped`, keys sorted. */
export function utPex(added: readonly Uint8Array[], dropped: readonly Uint8Array[]): Uint8Array {
  const dict = concat([
    ascii.encode('d'),
    bstr('added'),
    bstr(concat(added)),
    bstr('added.f'),
    bstr(new Uint8Array(added.length)),
    bstr('dropped'),
    bstr(concat(dropped)),
    ascii.encode('e'),
  ]);
  return extended(UT_PEX_ID, dict);
}

/**
 * A peer's 20-byte peer_id in Azureus style (BEP 20): "-SS0001-" (SS = swarmscope, version 0.0.0.1)
 * then the peer's index as 12 decimal digits, so a capture names its peers the way the scenario does.
 */
export function peerId(index: number): Uint8Array {
  return ascii.encode(`-SS0001-${String(index).padStart(12, '0')}`);
}
