// Who the peers are on a network and what the torrent is called there: a synthetic IPv4 address per
// peer and the torrent's info hash. The simulation has no real network, but some rules need these
// bytes (BEP 6 derives the allowed-fast set from the peer's IP and the info hash) and the pcap export
// writes them into packets, so they live in one place and depend only on the config.
import { sha1 } from '@noble/hashes/legacy.js';
import type { SimConfig } from './types';

/** The port every simulated peer listens on (6881, the first of BitTorrent's traditional range). */
export const PEER_PORT = 6881;

/**
 * Peer i's IPv4 address as 4 bytes: host 1 of its own /24 in the private range 10.0.0.0/8 (RFC 1918):
 * 10.0.1.1 for peer 0, 10.0.2.1 for peer 1, ..., 10.1.0.1 for peer 255, distinct /24s for the first
 * 65,535 peers (a scenario has at most 5,000). One /24 per peer because BEP 6 derives the allowed-fast
 * set from the /24 alone (`ip & 0xFFFFFF00`): peers packed into one /24 would all get the same few
 * pieces, and every choked peer would fetch those same pieces from the seed, which real swarms,
 * spread over many networks, do not do.
 */
export function peerAddressBytes(i: number): Uint8Array {
  const n = i + 1;
  return new Uint8Array([10, (n >>> 8) & 0xff, n & 0xff, 1]);
}

/** Peer i's IPv4 address in dotted-quad form, e.g. "10.0.1.1". */
export function peerAddress(i: number): string {
  return Array.from(peerAddressBytes(i)).join('.');
}

const text = new TextEncoder();

/** The bytes of `parts`, one after another. */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Bencoding (BEP 3) of the few value types an info dictionary holds; keys must come sorted. */
function str(s: string | Uint8Array): Uint8Array {
  const bytes = typeof s === 'string' ? text.encode(s) : s;
  return concat([text.encode(`${bytes.length}:`), bytes]);
}
const int = (n: number): Uint8Array => text.encode(`i${n}e`);

/**
 * The torrent's info hash: SHA-1 of its bencoded info dictionary (BEP 3), built from the scenario's
 * name and geometry: `length` (or `files`, each path split on "/"), `name`, `piece length`, `pieces`.
 * The simulated file has no content, so every piece's SHA-1 in `pieces` is 20 zero bytes. Same
 * config, same info hash; the seed of the run plays no part (it is the same torrent).
 */
export function infoHash(config: SimConfig): Uint8Array {
  const t = config.torrent;
  const parts: Uint8Array[] = [text.encode('d')];
  if (t.files !== null) {
    parts.push(str('files'), text.encode('l'));
    for (const f of t.files) {
      parts.push(text.encode('d'), str('length'), int(f.length), str('path'), text.encode('l'));
      for (const segment of f.path.split('/')) parts.push(str(segment));
      parts.push(text.encode('ee'));
    }
    parts.push(text.encode('e'));
  } else {
    parts.push(str('length'), int(t.size));
  }
  parts.push(str('name'), str(config.name), str('piece length'), int(t.pieceLength), str('pieces'), str(new Uint8Array(20 * t.pieces)));
  parts.push(text.encode('e'));
  return sha1(concat(parts));
}

/** The info hash as 40 lowercase hex digits. */
export function infoHashHex(config: SimConfig): string {
  let hex = '';
  for (const b of infoHash(config)) hex += b.toString(16).padStart(2, '0');
  return hex;
}
