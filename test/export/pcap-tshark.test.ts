// The pcap export read by tshark (Wireshark's command-line reader; Debian package `tshark`, installed
// by .ci/run): no malformed packets or expert warnings, every TCP segment reassembled into BitTorrent
// messages, the counts of each message type those of the engine, and pieces whose SHA-1 checks out.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sha1 } from '@noble/hashes/legacy.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { infoHash } from '../../src/engine/identity';
import type { Sim } from '../../src/engine/sim';
import { contentKey, pieceHash } from '../../src/export/content';
import { capture, configOf, expectedCounts, MIXED_SWARM, NAME_OF_ID, nonZero, runOf } from './pcap-fixture';
import { requireTshark, tshark } from './tshark';

const S = 1_000_000;

const lines = (text: string): string[] => text.split('\n').filter((l) => l.trim() !== '');

/** Message counts as tshark decodes them, by result-file name; type 20 split into pex and extended handshakes. */
function tsharkCounts(file: string): Record<string, number> {
  const out = tshark(file, '-T', 'fields', '-E', 'occurrence=a', '-E', 'aggregator=,', '-e', 'bittorrent.msg.type', '-e', 'bittorrent.extended.id', '-e', 'bittorrent.info_hash');
  const counts: Record<string, number> = {};
  const add = (name: string) => (counts[name] = (counts[name] ?? 0) + 1);
  for (const line of lines(out)) {
    const [types = '', extIds = '', hashes = ''] = line.split('\t');
    const ext = extIds.split(',').filter(Boolean);
    for (const t of types.split(',').filter(Boolean)) add(t === '20' ? (ext.shift() === '0' ? 'extended_handshake' : 'pex') : NAME_OF_ID[Number(t)]!);
    for (const _ of hashes.split(',').filter(Boolean)) add('handshake');
  }
  return counts;
}

/** Frames that are malformed or carry an expert note of at least `severity` (0x00600000 warning, 0x00800000 error). */
function problems(file: string, severity: number): string[] {
  return lines(tshark(file, '-Y', `_ws.malformed || _ws.expert.severity >= 0x${severity.toString(16)}`));
}

/** TCP payload that did not end up in a decoded BitTorrent message. */
function unreassembled(file: string): string[] {
  return lines(tshark(file, '-Y', 'tcp.len > 0 && !bittorrent && !tcp.reassembled_in'));
}

describe('a capture, read by tshark', () => {
  let dir: string;
  let sim: Sim;
  beforeAll(() => {
    requireTshark(); // fails with ENOENT: apt-get install tshark
    dir = mkdtempSync(join(tmpdir(), 'swarmscope-pcap-'));
    sim = runOf(configOf(MIXED_SWARM));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("of the whole swarm: no malformed packet, no warning, every segment reassembled, the engine's counts", () => {
    const file = join(dir, 'swarm.pcap');
    const c = capture(sim);
    writeFileSync(file, c.bytes);
    expect(problems(file, 0x00600000)).toEqual([]);
    expect(unreassembled(file)).toEqual([]);
    const { extended_handshake: ext, ...counts } = tsharkCounts(file);
    expect(ext).toBe(c.stats.extendedHandshakes);
    expect(counts).toEqual(nonZero(sim.result().messages));
  });

  it("of the investigator from 10 s to 50 s: no malformed packet or error, every segment reassembled, that peer's counts", () => {
    const inv = sim.config.peers.findIndex((p) => p.investigator);
    const file = join(dir, 'inv.pcap');
    writeFileSync(file, capture(sim, { peer: inv, from: 10 * S, to: 50 * S }).bytes);
    // A capture that starts mid-connection acknowledges bytes sent before it: Wireshark warns about
    // that ("common at capture start"), so only errors count here.
    expect(problems(file, 0x00800000)).toEqual([]);
    expect(unreassembled(file)).toEqual([]);
    const { extended_handshake: _ext, ...counts } = tsharkCounts(file);
    expect(counts).toEqual(nonZero(expectedCounts(sim, inv, 10 * S, 50 * S)));
  });

  it("of the investigator: the pieces it downloaded, as tshark reassembles them, have the torrent's SHA-1 hashes", () => {
    const inv = sim.config.peers.findIndex((p) => p.investigator);
    const file = join(dir, 'inv-all.pcap');
    writeFileSync(file, capture(sim, { peer: inv }).bytes);
    const out = tshark(file, '-Y', 'bittorrent.msg.type == 7', '-T', 'fields', '-e', 'bittorrent.piece.index', '-e', 'bittorrent.piece.begin', '-e', 'bittorrent.piece.data');
    const g = sim.geometry;
    const pieces = new Map<number, Uint8Array>();
    const filled = new Map<number, number>();
    for (const line of lines(out)) {
      const [index, begin, data] = line.split('\t') as [string, string, string];
      const p = Number(index);
      const bytes = pieces.get(p) ?? new Uint8Array(p === g.pieces - 1 ? g.lastPieceLength : g.pieceLength);
      pieces.set(p, bytes);
      bytes.set(Buffer.from(data.replace(/:/g, ''), 'hex'), Number(begin));
      filled.set(p, (filled.get(p) ?? 0) + data.replace(/:/g, '').length / 2);
    }
    const key = contentKey(infoHash(sim.config));
    const whole = [...pieces].filter(([p, b]) => filled.get(p) === b.length);
    expect(whole.length).toBeGreaterThan(0);
    for (const [p, bytes] of whole) expect(sha1(bytes)).toEqual(pieceHash(key, g, p));
  });
});
