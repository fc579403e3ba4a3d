// Our wire bytes against webtorrent's bittorrent-protocol, a maintained implementation of the peer wire
// protocol: it decodes what we encode, and what it encodes is byte for byte what we encode.
import Wire from 'bittorrent-protocol';
import { describe, expect, it } from 'vitest';
import * as wire from '../../src/export/wire-bytes';

const INFO_HASH = new Uint8Array(20).map((_, i) => 0xa0 + i);
const OUR_ID = wire.peerId(7);
const THEIR_ID = new Uint8Array(20).fill(0x42);

type Event = [string, ...unknown[]];

/** A Wire that has shaken hands with us (fast extension on both sides): our bytes in, its events out. */
async function decoder(): Promise<{ w: Wire; events: Event[]; feed(bytes: Uint8Array): Promise<void> }> {
  const w = new Wire();
  const events: Event[] = [];
  w.on('data', () => {});
  const names = ['handshake', 'choke', 'unchoke', 'interested', 'uninterested', 'have', 'bitfield', 'request', 'piece', 'cancel', 'suggest', 'have-all', 'have-none', 'reject', 'allowed-fast', 'extended'];
  for (const name of names) w.on(name, (...args: unknown[]) => events.push([name, ...args]));
  w.handshake(INFO_HASH, THEIR_ID, { fast: true });
  const feed = async (bytes: Uint8Array): Promise<void> => {
    w.write(bytes);
    await new Promise((r) => setImmediate(r));
  };
  await feed(wire.handshake(INFO_HASH, OUR_ID, { fast: true, extended: false }));
  return { w, events, feed };
}

/** What a Wire writes for `act`, after its own handshake and the setup `before`. */
async function encoded(act: (w: Wire) => void, before: (w: Wire) => void = () => {}): Promise<Uint8Array> {
  const w = new Wire();
  const out: Uint8Array[] = [];
  w.handshake(INFO_HASH, THEIR_ID, { fast: true });
  w.write(wire.handshake(INFO_HASH, OUR_ID, { fast: true, extended: false }));
  await new Promise((r) => setImmediate(r));
  before(w);
  await new Promise((r) => setImmediate(r));
  w.on('data', (b: Uint8Array) => out.push(new Uint8Array(b)));
  while (w.read() !== null);
  out.length = 0;
  act(w);
  await new Promise((r) => setImmediate(r));
  return Uint8Array.from(out.flatMap((b) => [...b]));
}

describe('the wire encoder, checked by bittorrent-protocol', () => {
  it('writes a 68-byte handshake it accepts, with the fast extension bit in reserved[7] & 0x04', async () => {
    const d = await decoder();
    const [name, hash, id, ext] = d.events[0]!;
    expect(name).toBe('handshake');
    expect(hash).toBe(Buffer.from(INFO_HASH).toString('hex'));
    expect(id).toBe(Buffer.from(OUR_ID).toString('hex'));
    expect(ext).toEqual({ dht: false, fast: true, extended: false });
    expect(d.w.hasFast).toBe(true);
  });

  it('writes the same handshake bytes as bittorrent-protocol (which always offers BEP 10)', async () => {
    const w = new Wire();
    const out: Uint8Array[] = [];
    w.on('data', (b: Uint8Array) => out.push(new Uint8Array(b)));
    w.handshake(INFO_HASH, OUR_ID, { fast: true });
    await new Promise((r) => setImmediate(r));
    expect(Uint8Array.from(out.flatMap((b) => [...b]))).toEqual(wire.handshake(INFO_HASH, OUR_ID, { fast: true, extended: true }));
  });

  it('writes every BEP 3 and BEP 6 message so that it decodes to the same fields', async () => {
    const d = await decoder();
    const block = new Uint8Array(16384).map((_, i) => i * 7);
    const bits = [true, false, true, true, false, false, false, false, false, true, false];
    const msgs: [Uint8Array, Event][] = [
      [wire.bare(wire.MSG.UNCHOKE), ['unchoke']],
      [wire.bare(wire.MSG.CHOKE), ['choke']],
      [wire.bare(wire.MSG.INTERESTED), ['interested']],
      [wire.bare(wire.MSG.NOT_INTERESTED), ['uninterested']],
      [wire.pieceIndex(wire.MSG.HAVE, 1234567), ['have', 1234567]],
      [wire.blockRef(wire.MSG.CANCEL, 3, 16384, 16384), ['cancel', 3, 16384, 16384]],
      [wire.piece(9, 32768, block), ['piece', 9, 32768, block]],
      [wire.pieceIndex(wire.MSG.SUGGEST, 17), ['suggest', 17]],
      [wire.bare(wire.MSG.HAVE_NONE), ['have-none']],
      [wire.blockRef(wire.MSG.REJECT, 5, 0, 16384), ['reject', 5, 0, 16384]],
      [wire.pieceIndex(wire.MSG.ALLOWED_FAST, 1059), ['allowed-fast', 1059]],
      [wire.bare(wire.MSG.HAVE_ALL), ['have-all']],
    ];
    for (const [bytes, event] of msgs) {
      d.events.length = 0;
      await d.feed(bytes);
      expect(d.events.map(([n, ...a]) => [n, ...a.map((x) => (x instanceof Uint8Array ? new Uint8Array(x) : x))])).toEqual([event]);
    }
    d.events.length = 0;
    await d.feed(wire.bitfield(bits.length, (p) => bits[p]!));
    const [name, field] = d.events[0] as [string, { get(i: number): boolean; buffer: Uint8Array }];
    expect(name).toBe('bitfield');
    expect(bits.map((_, p) => field.get(p))).toEqual(bits);
    // High bit first, spare bits zero: 1011 0000, 0100 0000.
    expect([...field.buffer]).toEqual([0b1011_0000, 0b0100_0000]);
  });

  it('writes a request that decodes as one (the Wire reports requests only when it is not choking)', async () => {
    const d = await decoder();
    d.w.unchoke();
    await d.feed(wire.blockRef(wire.MSG.REQUEST, 2, 16384, 9000));
    expect(d.events.filter(([n]) => n === 'request').map(([, ...a]) => a.slice(0, 3))).toEqual([[2, 16384, 9000]]);
  });

  it('writes a ut_pex extended message whose bencoded dictionary it reads back', async () => {
    const d = await decoder();
    const added = [wire.compactPeer(new Uint8Array([10, 0, 0, 2]), 6881), wire.compactPeer(new Uint8Array([10, 0, 1, 4]), 6881)];
    await d.feed(wire.utPex(added, [wire.compactPeer(new Uint8Array([10, 0, 0, 9]), 6881)]));
    const [name, ext, buf] = d.events.at(-1)!;
    expect([name, ext]).toEqual(['extended', wire.UT_PEX_ID]);
    const text = new TextDecoder('latin1').decode(buf as Uint8Array);
    expect(text.startsWith('d5:added12:')).toBe(true);
    expect(text).toContain('7:added.f2:\0\0');
    expect(text.endsWith('7:dropped6:\n\0\0\t\x1a\xe1e')).toBe(true);
  });

  it('encodes each message exactly as bittorrent-protocol does', async () => {
    const block = new Uint8Array(1000).map((_, i) => i);
    const unchoked = (w: Wire) => w.write(wire.bare(wire.MSG.UNCHOKE));
    const cases: [Uint8Array, (w: Wire) => void, ((w: Wire) => void)?][] = [
      [wire.bare(wire.MSG.UNCHOKE), (w) => w.unchoke()],
      [wire.bare(wire.MSG.CHOKE), (w) => w.choke(), (w) => w.unchoke()],
      [wire.bare(wire.MSG.INTERESTED), (w) => w.interested()],
      [wire.bare(wire.MSG.NOT_INTERESTED), (w) => w.uninterested(), (w) => w.interested()],
      [wire.pieceIndex(wire.MSG.HAVE, 70000), (w) => w.have(70000)],
      [wire.bitfield(11, (p) => p % 3 === 0), (w) => w.bitfield(wire.bitfield(11, (p) => p % 3 === 0).subarray(5))],
      [wire.blockRef(wire.MSG.REQUEST, 4, 16384, 16384), (w) => w.request(4, 16384, 16384, () => {}), unchoked],
      [wire.piece(4, 16384, block), (w) => w.piece(4, 16384, block)],
      [wire.blockRef(wire.MSG.CANCEL, 4, 16384, 16384), (w) => w.cancel(4, 16384, 16384)],
      [wire.pieceIndex(wire.MSG.SUGGEST, 8), (w) => w.suggest(8)],
      [wire.bare(wire.MSG.HAVE_ALL), (w) => w.haveAll()],
      [wire.bare(wire.MSG.HAVE_NONE), (w) => w.haveNone()],
      [wire.blockRef(wire.MSG.REJECT, 4, 0, 16384), (w) => w.reject(4, 0, 16384)],
      [wire.pieceIndex(wire.MSG.ALLOWED_FAST, 3), (w) => w.allowedFast(3)],
    ];
    for (const [ours, act, before] of cases) expect(await encoded(act, before)).toEqual(ours);
  });
});
