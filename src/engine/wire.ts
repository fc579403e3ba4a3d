// Peer wire messages (BEP 3): ids and on-the-wire sizes. A message is 4 bytes of length, 1 byte of id
// and its payload; the handshake is 68 bytes. Only piece payload is charged against a peer's upload
// and download capacity (the rest is under 0.1 % of the traffic); sizes are here for the trace, the
// message log and the pcap export.
import { T } from './trace';

export const HANDSHAKE_BYTES = 68;

/** Bytes on the wire of a trace record that is a message; 0 for decisions. */
export function wireSize(kind: number, pieces: number, payload: number): number {
  switch (kind) {
    case T.CHOKE:
    case T.UNCHOKE:
    case T.INTERESTED:
    case T.NOT_INTERESTED:
      return 5;
    case T.HAVE:
      return 9;
    case T.BITFIELD:
      return 5 + Math.ceil(pieces / 8);
    case T.REQUEST:
    case T.CANCEL:
      return 17;
    case T.PIECE:
      return 13 + payload;
    case T.HANDSHAKE:
      return HANDSHAKE_BYTES;
    default:
      return 0;
  }
}

/** Trace kind → the message name used in results (`not_interested`, …), or null for decisions. */
export function messageName(kind: number): string | null {
  switch (kind) {
    case T.CHOKE:
      return 'choke';
    case T.UNCHOKE:
      return 'unchoke';
    case T.INTERESTED:
      return 'interested';
    case T.NOT_INTERESTED:
      return 'not_interested';
    case T.HAVE:
      return 'have';
    case T.BITFIELD:
      return 'bitfield';
    case T.REQUEST:
      return 'request';
    case T.PIECE:
      return 'piece';
    case T.CANCEL:
      return 'cancel';
    case T.HANDSHAKE:
      return 'handshake';
    default:
      return null;
  }
}
