// Notable events in words, for the page's aria-live region and for anyone who follows the run without
// looking at the scene: "L-3 sent piece 12 to L-7 while still missing 40 pieces". Fed trace records in
// order (incrementally, as the run advances); each sentence is a plain fact about the simulated swarm.
// Only the first upload of each peer is told (the moment it starts giving back), not every block.
import { CHUNK, CHUNK_BITS, LEAVE_REASON, T, type Trace } from '../engine/trace';
import { geometry, pieceOf, type Geometry } from '../engine/torrent';
import type { SimConfig } from '../engine/types';

export interface Notable {
  /** Trace record index. */
  index: number;
  /** Simulated µs. */
  time: number;
  text: string;
  /** Higher = more worth saying when several happen at once (1 … 4). */
  weight: number;
}

const LEFT_BECAUSE: Record<number, string> = {
  [LEAVE_REASON.SCHEDULED]: 'as scheduled',
  [LEAVE_REASON.AFTER_COMPLETE]: 'after seeding for its set time',
  [LEAVE_REASON.SCRIPTED]: 'as the scenario scripted',
  [LEAVE_REASON.SEED_TIME]: 'at its seeding time limit',
  [LEAVE_REASON.SHARE_RATIO]: 'at its share ratio limit',
};

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

export class NotableEvents {
  private readonly config: SimConfig;
  private readonly g: Geometry;
  /** Pieces each peer holds as of the last record fed. */
  private held: Int32Array;
  private uploaded: Uint8Array;
  private cursor = 0;

  constructor(config: SimConfig) {
    this.config = config;
    this.g = geometry(config.torrent);
    this.held = new Int32Array(config.peers.length);
    this.uploaded = new Uint8Array(config.peers.length);
    this.reset();
  }

  /** Forget what was fed (after a seek back); the next `feed` starts from record 0. */
  reset(): void {
    const pieces = this.config.torrent.pieces;
    this.config.peers.forEach((peer, i) => (this.held[i] = peer.seed ? pieces : 0));
    this.uploaded.fill(0);
    this.cursor = 0;
  }

  /** Records fed so far. */
  get position(): number {
    return this.cursor;
  }

  /** Read the records from the last position up to `to` (the trace's end) and return what is worth saying. */
  feed(trace: Trace, to = trace.length): Notable[] {
    if (trace.length < this.cursor) this.reset();
    const end = Math.min(to, trace.length);
    const out: Notable[] = [];
    const peers = this.config.peers;
    const pieces = this.config.torrent.pieces;
    const name = (i: number) => peers[i]?.name ?? `peer ${i}`;
    // Made once, not per record: the app feeds thousands of records a frame.
    let time = 0;
    const say = (text: string, weight: number) => out.push({ index: this.cursor, time, text, weight });
    for (; this.cursor < end; this.cursor++) {
      const c = trace.chunks[this.cursor >>> CHUNK_BITS]!;
      const at = this.cursor & (CHUNK - 1);
      const kind = c.kind[at]!;
      const from = c.from[at]!;
      time = c.time[at]!;
      switch (kind) {
        case T.JOIN:
          say(`${name(from)} joined the swarm${peers[from]?.seed ? ' as a seed' : ''}`, 1);
          break;
        case T.LEAVE:
          say(`${name(from)} left ${LEFT_BECAUSE[c.x[at]!] ?? ''} holding ${plural(this.held[from]!, 'piece')} of ${pieces}`.replace('  ', ' '), 2);
          break;
        case T.VERIFIED:
          this.held[from]!++;
          break;
        case T.COMPLETED:
          say(`${name(from)} completed the download: it holds all ${plural(pieces, 'piece')}`, 3);
          break;
        case T.PIECE: {
          if (this.uploaded[from]) break;
          this.uploaded[from] = 1;
          const piece = pieceOf(this.g, c.x[at]!);
          const missing = pieces - this.held[from]!;
          const whom = name(c.to[at]!);
          const weight = peers[from]?.subject ? 4 : 3;
          if (missing > 0) say(`${name(from)} sent piece ${piece} to ${whom} while still missing ${plural(missing, 'piece')}`, weight);
          else say(`${name(from)} sent its first block (piece ${piece}) to ${whom}`, weight - 1);
          break;
        }
      }
    }
    return out;
  }
}
