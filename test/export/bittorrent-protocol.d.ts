// The part of webtorrent's bittorrent-protocol (5.x, plain JavaScript) that the wire tests use.
// @types/bittorrent-protocol describes the 3.x API, so the tests declare what they call themselves.
declare module 'bittorrent-protocol' {
  export default class Wire {
    constructor();
    hasFast: boolean;
    on(event: string, listener: (...args: never[]) => void): this;
    write(chunk: Uint8Array): boolean;
    read(): Uint8Array | null;
    handshake(infoHash: Uint8Array, peerId: Uint8Array, extensions?: { fast?: boolean; dht?: boolean }): void;
    choke(): void;
    unchoke(): void;
    interested(): void;
    uninterested(): void;
    have(index: number): void;
    bitfield(bitfield: Uint8Array): void;
    request(index: number, offset: number, length: number, cb: (err: Error | null) => void): void;
    piece(index: number, offset: number, buffer: Uint8Array): void;
    cancel(index: number, offset: number, length: number): void;
    suggest(index: number): void;
    haveAll(): void;
    haveNone(): void;
    reject(index: number, offset: number, length: number): void;
    allowedFast(index: number): void;
  }
}
