// Swarm dynamics beyond fixed join and leave times (the reference results of PROTOCOL.md are about
// swarms in motion): a group whose members arrive as a Poisson process, a seeding time after completion
// drawn from an exponential distribution, and settings changed by a scripted event mid-run. Every draw
// comes from a named stream of its own (arrivals/<group>, peer/<name>/seeding), made only for the
// peers that use it, so a scenario without these keys draws exactly what it drew before.
import { nextU32, stream, type Rng } from './prng';
import { resolveProfile } from './profiles';
import { PEER_ACTIVE, PEER_LEFT, type Peer } from './state';
import { append, LEAVE_REASON, T } from './trace';
import type { SimConfig } from './types';
import { checkShareRatio, E, limited, nullIfUnlimited, schedule, type World } from './world';
import { rechokePeer } from './slots';
import { startSend } from './upload';

/**
 * An exponential draw with this mean, in whole µs. u is in (0, 1], so the log is finite. Math.log is
 * fdlibm's in V8 (Node, Chromium); the result is rounded to µs, so a last-bit difference elsewhere
 * would almost never show.
 */
export function exponential(rng: Rng, mean: number): number {
  const u = (nextU32(rng) + 1) / 4294967296;
  return Math.round(-Math.log(u) * mean);
}

/**
 * Each peer's join time: its joinAt, or for a member of a group with an arrival process, the group's
 * next Poisson arrival after the previous member's (the first after the entry's joinAt). null: the
 * arrival would come after the process's `until`, so the peer never joins.
 */
export function joinTimes(cfg: SimConfig): (number | null)[] {
  const clocks = new Map<string, { rng: Rng; t: number }>();
  return cfg.peers.map((p) => {
    if (p.arrival === undefined) return p.joinAt;
    let c = clocks.get(p.group);
    if (c === undefined) {
      c = { rng: stream(cfg.seed, `arrivals/${p.group}`), t: p.joinAt };
      clocks.set(p.group, c);
    }
    c.t += exponential(c.rng, 1e6 / p.arrival.rate);
    return p.arrival.until !== null && c.t > p.arrival.until ? null : c.t;
  });
}

/** How long a peer that just completed stays: drawn for a peer with a seeding-time distribution, else fixed. */
export function seedingTime(w: World, peer: Peer): number | null {
  const spec = w.cfg.peers[peer.id]!;
  if (spec.seedingTime === undefined) return peer.leaveAfterComplete;
  peer.seedingRng ??= stream(w.cfg.seed, `peer/${spec.name}/seeding`);
  return exponential(peer.seedingRng, spec.seedingTime.mean);
}

/**
 * A scripted `set` event: the peer's settings change from now on, as if the user changed them in the
 * client (trace SETTINGS, x = the event's index in SimConfig.events). What the profile decides (slots,
 * intervals, the chokers, the pipeline, announcing) applies from the next decision; rate limits at
 * once (a block being sent finishes at the old rate); a shareRatioLimit or seedTimeLimit set after
 * completion counts as if it had been set all along (a seedTimeLimit already passed: the peer leaves now).
 */
export function applySettings(w: World, peer: Peer, index: number): void {
  if (peer.status === PEER_LEFT) return;
  const st = w.st;
  const spec = w.cfg.peers[peer.id]!;
  const changed = w.cfg.events[index]!.settings ?? {};
  peer.settings = { ...peer.settings, ...changed };
  const s = peer.settings;
  peer.profile = resolveProfile(spec.client, s);
  peer.upload = limited(spec.upload, s.uploadRateLimit);
  peer.download = spec.download === null ? nullIfUnlimited(s.downloadRateLimit) : limited(spec.download, s.downloadRateLimit);
  peer.shareRatioLimit = s.shareRatioLimit ?? null;
  peer.seedTimeLimit = s.seedTimeLimit ?? null;
  append(w.tr, st.now, T.SETTINGS, peer.id, 0, index, 0);
  if (peer.status !== PEER_ACTIVE) return;
  if (changed.seedTimeLimit !== undefined && peer.completedAt !== null) {
    schedule(w, Math.max(st.now, peer.completedAt + changed.seedTimeLimit), E.LEAVE, peer.id, LEAVE_REASON.SEED_TIME, 0, 0);
  }
  checkShareRatio(w, peer);
  // More slots are filled now; fewer wait for the next rechoke, as in clients.
  rechokePeer(w, peer, false);
  startSend(w, peer);
}
