// The pcap export read back without Wireshark: valid frames, gap-free TCP, the engine's messages, real
// piece data, the same bytes for the same run, and a capture that streams.
import { createHash } from 'node:crypto';
import { sha1 } from '@noble/hashes/legacy.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { infoHash } from '../../src/engine/identity';
import { record, T } from '../../src/engine/trace';
import type { Sim } from '../../src/engine/sim';
import { contentKey, pieceHash } from '../../src/export/content';
import { CHUNK } from '../../src/export/pcap';
import { capture, configOf, expectedCounts, MIXED_SWARM, NAME_OF_ID, nonZero, runOf, type Capture } from './pcap-fixture';
import { parseMessages, readPcap, reassemble, type WireMessage } from './pcap-reader';

const S = 1_000_000;

function countMessages(streams: { bytes: Uint8Array }[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const s of streams) {
    for (const m of parseMessages(s.bytes).messages) {
      const name = m.id === 20 ? (m.payload[0] === 0 ? 'extended_handshake' : 'pex') : NAME_OF_ID[m.id]!;
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  return counts;
}

describe('the pcap export', () => {
  let sim: Sim;
  let whole: Capture;
  beforeAll(() => {
    sim = runOf(configOf(MIXED_SWARM));
    whole = capture(sim);
  });

  it('writes an Ethernet capture whose every frame has correct IPv4 and TCP checksums, in time order', () => {
    const { linktype, packets } = readPcap(whole.bytes);
    expect(linktype).toBe(1);
    expect(packets.length).toBe(whole.stats.packets);
    expect(packets.every((p) => p.checksumsOk)).toBe(true);
    expect(packets.every((p, i) => i === 0 || p.time >= packets[i - 1]!.time)).toBe(true);
    expect(packets.every((p) => p.payload.length <= 1460)).toBe(true);
  });

  it('gives every TCP direction a SYN, no holes, and whole messages; the closed ones end with a FIN', () => {
    const { packets } = readPcap(whole.bytes);
    const streams = reassemble(packets);
    expect(streams.flatMap((s) => s.problems)).toEqual([]);
    expect(streams.every((s) => parseMessages(s.bytes).rest === 0)).toBe(true);
    const syns = packets.filter((p) => p.flags & 0x02).length;
    // A SYN and a SYN-ACK for every connection attempt the trace records (the initiator's handshake).
    expect(syns).toBe(2 * countInitiations(sim));
    // The seed left: each of its connections was closed with a FIN from both ends.
    const seedIp = '10.0.1.1';
    const fins = packets.filter((p) => p.flags & 0x01);
    expect(fins.some((p) => p.src === seedIp)).toBe(true);
    expect(whole.stats.orphans).toBe(0);
    expect(whole.stats.haveMismatches).toBe(0);
    expect(whole.stats.bitfieldMismatches).toBe(0);
  });

  it('holds exactly the messages the engine counted for the whole swarm, extended handshakes apart', () => {
    const counts = countMessages(reassemble(readPcap(whole.bytes).packets));
    const { extended_handshake: ext, ...rest } = counts;
    expect(ext ?? 0).toBe(whole.stats.extendedHandshakes);
    expect(rest).toEqual(nonZero(sim.result().messages));
    expect(nonZero(whole.stats.messages)).toEqual(nonZero(sim.result().messages));
  });

  it("carries block bytes whose pieces, put together from the capture, have the torrent's SHA-1 piece hashes", () => {
    const key = contentKey(infoHash(sim.config));
    const g = sim.geometry;
    const byReceiver = new Map<string, Map<number, Map<number, Uint8Array>>>();
    for (const s of reassemble(readPcap(whole.bytes).packets)) {
      const receiver = s.key.split('>')[1]!;
      for (const m of parseMessages(s.bytes).messages.filter((x: WireMessage) => x.id === 7)) {
        const v = new DataView(m.payload.buffer, m.payload.byteOffset);
        const pieces = byReceiver.get(receiver) ?? new Map<number, Map<number, Uint8Array>>();
        byReceiver.set(receiver, pieces);
        const blocks = pieces.get(v.getUint32(0)) ?? new Map<number, Uint8Array>();
        pieces.set(v.getUint32(0), blocks);
        blocks.set(v.getUint32(4), m.payload.subarray(8));
      }
    }
    let verified = 0;
    for (const pieces of byReceiver.values()) {
      for (const [index, blocks] of pieces) {
        const size = index === g.pieces - 1 ? g.lastPieceLength : g.pieceLength;
        if ([...blocks.values()].reduce((n, b) => n + b.length, 0) !== size) continue;
        const bytes = new Uint8Array(size);
        for (const [begin, b] of blocks) bytes.set(b, begin);
        expect(sha1(bytes)).toEqual(pieceHash(key, g, index));
        verified++;
      }
    }
    expect(verified).toBeGreaterThan(g.pieces);
  });

  it("writes bitfields showing exactly the pieces the engine's record announces, a lazy bitfield's hidden ones left to the haves after it", () => {
    const ip = (i: number) => `10.0.${i + 1}.1`;
    const bitfields = new Map<string, Uint8Array[]>();
    for (const s of reassemble(readPcap(whole.bytes).packets)) {
      const [src, dst] = s.key.split('>').map((e) => e.split(':')[0]!);
      const key = `${src}>${dst}`;
      for (const m of parseMessages(s.bytes).messages.filter((x) => x.id === 5)) bitfields.set(key, [...(bitfields.get(key) ?? []), m.payload]);
    }
    const shown = (b: Uint8Array) => Array.from({ length: b.length * 8 }, (_, p) => p).filter((p) => b[p >>> 3]! & (0x80 >>> (p & 7)));
    let lazy = 0;
    for (let i = 0; i < sim.trace.length; i++) {
      const r = record(sim.trace, i);
      if (r.kind !== T.BITFIELD) continue;
      const pieces = shown(bitfields.get(`${ip(r.from)}>${ip(r.to)}`)!.shift()!);
      expect(pieces.length).toBe(r.x);
      const hidden = Array.from({ length: r.y }, (_, k) => record(sim.trace, i + 1 + k));
      expect(hidden.every((h) => h.kind === T.HAVE && h.to === r.to && !pieces.includes(h.x))).toBe(true);
      if (r.y > 0) lazy++;
    }
    expect(lazy).toBeGreaterThan(0);
  });

  it('gives the same bytes for the same scenario and seed, and different bytes for another seed', () => {
    const again = capture(runOf(configOf(MIXED_SWARM)));
    const digest = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
    expect(digest(again.bytes)).toBe(digest(whole.bytes));
    expect(digest(capture(runOf(configOf(MIXED_SWARM, 4))).bytes)).not.toBe(digest(whole.bytes));
  });

  it('streams: the sink gets chunks of at most 64 KiB while only a window of packets is held', () => {
    expect(whole.bytes.length).toBeGreaterThan(8 << 20);
    expect(Math.max(...whole.chunks)).toBeLessThanOrEqual(CHUNK);
    expect(whole.chunks.length).toBeGreaterThan(whole.bytes.length / CHUNK - 1);
    expect(whole.stats.maxChunk).toBeLessThanOrEqual(CHUNK);
    expect(whole.stats.maxHeldBytes).toBeLessThan(whole.bytes.length / 20);
  });

  it("holds, for one peer and a time range, exactly that peer's messages sent in the range, each stream from a message boundary", () => {
    const inv = sim.config.peers.findIndex((p) => p.investigator);
    const from = 10 * S;
    const to = 50 * S;
    const c = capture(sim, { peer: inv, from, to });
    const { packets } = readPcap(c.bytes);
    const invIp = `10.0.${inv + 1}.1`;
    expect(packets.every((p) => p.src === invIp || p.dst === invIp)).toBe(true);
    const streams = reassemble(packets);
    expect(streams.every((s) => parseMessages(s.bytes).rest === 0)).toBe(true);
    const { extended_handshake: _ext, ...counts } = countMessages(streams);
    expect(counts).toEqual(nonZero(expectedCounts(sim, inv, from, to)));
    expect(nonZero(c.stats.messages)).toEqual(counts);
  });

  it("times a watched peer's packets by its own clock: sent when sent, received one latency later", () => {
    const inv = sim.config.peers.findIndex((p) => p.investigator);
    const subject = sim.config.peers.findIndex((p) => p.subject);
    const lat = sim.config.peers[inv]!.latency + sim.config.peers[subject]!.latency;
    const { packets } = readPcap(capture(sim, { peer: inv }).bytes);
    const synAck = packets.find((p) => p.flags === 0x12)!;
    const syn = packets.find((p) => p.flags === 0x02)!;
    // The investigator initiates: its SYN goes out, the SYN-ACK is back one round trip later.
    expect(synAck.time - syn.time).toBe(2 * lat);
    expect(syn.time).toBe(sim.config.peers[inv]!.joinAt - 2 * lat);
  });
});

/** Connections opened: handshake records that are not a reply to a pending one. */
function countInitiations(sim: Sim): number {
  const pending = new Set<string>();
  let initiations = 0;
  for (let i = 0; i < sim.trace.length; i++) {
    const c = sim.trace.chunks[i >>> 16]!;
    const j = i & 0xffff;
    if (c.kind[j] !== 20) continue;
    const a = c.from[j]!;
    const b = c.to[j]!;
    if (pending.has(`${b}>${a}`)) pending.delete(`${b}>${a}`);
    else {
      pending.add(`${a}>${b}`);
      initiations++;
    }
  }
  return initiations;
}
