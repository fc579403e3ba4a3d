// `--pcap FILE`: stream the run's packet capture to a file, a chunk at a time (a whole-swarm capture
// of a long run is gigabytes; it never sits in memory).
import { closeSync, openSync, writeSync } from 'node:fs';
import type { SimConfig } from '../engine/types';
import { writePcap, type PcapSource, type PcapStats } from '../export/pcap';
import { toMicros } from '../scenario';
import type { PcapRequest } from './args';

/** What is wrong with the request for this scenario (an unknown --pcap-peer), or undefined. */
export function pcapProblem(request: PcapRequest, config: SimConfig): string | undefined {
  if (request.peer === undefined || config.peers.some((p) => p.name === request.peer)) return undefined;
  const names = config.peers.map((p) => p.name);
  const shown = names.length > 8 ? `${names.slice(0, 8).join(', ')}, …` : names.join(', ');
  return `--pcap-peer: the scenario has no peer named "${request.peer}" (peers: ${shown})`;
}

/** Write the capture; throws on an I/O error (the caller reports it). */
export function writePcapFile(source: PcapSource, request: PcapRequest): PcapStats {
  const peer = request.peer === undefined ? undefined : source.config.peers.findIndex((p) => p.name === request.peer);
  const fd = openSync(request.file, 'w');
  try {
    return writePcap(
      source,
      {
        peer,
        from: request.from === undefined ? undefined : toMicros(request.from),
        to: request.to === undefined ? undefined : toMicros(request.to),
      },
      {
        write(chunk) {
          for (let at = 0; at < chunk.length; ) at += writeSync(fd, chunk, at);
        },
      },
    );
  } finally {
    closeSync(fd);
  }
}
