// Peer wire messages (BEP 3): ids and on-the-wire sizes. A message is 4 bytes of length, 1 byte of id
// and its payload; the handshake is 68 bytes. Only piece payload is charged against a peer's upload
// and download capacity (the rest is under 0.1 % of the traffic); sizes are here for the trace, the
// message log and the pcap export.
import { T } from './trace';
import type { MessageName } from './types';

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

const NAMES: Record<number, MessageName> = {
  [T.CHOKE]: 'choke',
  [T.UNCHOKE]: 'unchoke',
  [T.INTERESTED]: 'interested',
  [T.NOT_INTERESTED]: 'not_interested',
  [T.HAVE]: 'have',
  [T.BITFIELD]: 'bitfield',
  [T.REQUEST]: 'request',
  [T.PIECE]: 'piece',
  [T.CANCEL]: 'cancel',
  [T.HANDSHAKE]: 'handshake',
};

/** Trace kind → the message name used in results (`not_interested`, …), or null for decisions. */
export function messageName(kind: number): MessageName | null {
  return NAMES[kind] ?? null;
}

/** Message name → trace kind. */
export function messageKind(name: MessageName): number {
  return Number(Object.keys(NAMES).find((k) => NAMES[Number(k)] === name));
}
