// tshark (Wireshark's command-line reader; Debian package `tshark`, installed by .ci/run) reading a
// capture the way the README tells a reader to: the peers' listening port decoded as BitTorrent.
import { execFileSync } from 'node:child_process';
import { PEER_PORT } from '../../src/engine/identity';

/** tshark's BitTorrent dissector has no port of its own: decode the peers' listening port as BitTorrent; two passes, so that every segment knows the frame its PDU was reassembled in. */
const DECODE = ['-2', '-d', `tcp.port==${PEER_PORT},bittorrent`];

/** What `tshark -r file -2 -d tcp.port==6881,bittorrent ...args` prints (stderr dropped). */
export function tshark(file: string, ...args: string[]): string {
  return execFileSync('tshark', ['-r', file, ...DECODE, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] });
}

/** Throws (ENOENT: apt-get install tshark) unless tshark can be run. */
export function requireTshark(): void {
  execFileSync('tshark', ['--version'], { stdio: 'ignore' });
}
