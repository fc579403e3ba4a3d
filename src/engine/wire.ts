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
    case T.HAVE_ALL:
    case T.HAVE_NONE:
      return 5;
    case T.HAVE:
    case T.SUGGEST:
    case T.ALLOWED_FAST:
      return 9;
    case T.BITFIELD:
      return 5 + Math.ceil(pieces / 8);
    case T.REQUEST:
    case T.CANCEL:
    case T.REJECT:
      return 17;
    case T.PIECE:
      return 13 + payload;
    case T.HANDSHAKE:
      return HANDSHAKE_BYTES;
    case T.PEX:
      // An extended message (BEP 10): id 20, the ut_pex id, then the bencoded dictionary (pexBytes).
      return 4 + 1 + 1 + payload;
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
  [T.SUGGEST]: 'suggest',
  [T.HAVE_ALL]: 'have_all',
  [T.HAVE_NONE]: 'have_none',
  [T.REJECT]: 'reject',
  [T.ALLOWED_FAST]: 'allowed_fast',
  [T.PEX]: 'pex',
};

/**
 * Bytes of a BEP 11 ut_pex dictionary listing `added` and `dropped` IPv4 peers: 6 bytes each (address,
 * port) in "added" and "dropped", one flag byte each in "added.f".
 */
export function pexBytes(added: number, dropped: number): number {
  const field = (key: string, bytes: number) => `${key.length}:${key}`.length + `${bytes}:`.length + bytes;
  return 2 + field('added', 6 * added) + field('added.f', added) + field('dropped', 6 * dropped);
}

/** Trace kind → the message name used in results (`not_interested`, …), or null for decisions. */
export function messageName(kind: number): MessageName | null {
  return NAMES[kind] ?? null;
}

/** Message name → trace kind. */
export function messageKind(name: MessageName): number {
  return Number(Object.keys(NAMES).find((k) => NAMES[Number(k)] === name));
}
