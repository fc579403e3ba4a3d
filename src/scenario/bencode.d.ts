// Types for the `bencode` package (webtorrent/node-bencode), which ships none. Decoded values: dicts
// are plain objects, lists arrays, integers numbers, byte strings Uint8Array (without an encoding).
declare module 'bencode' {
  export type BencodeValue = number | Uint8Array | string | BencodeValue[] | { [key: string]: BencodeValue };
  const bencode: {
    encode(value: unknown): Uint8Array;
    decode(data: Uint8Array, start?: number, end?: number, encoding?: string): BencodeValue;
    byteLength(value: unknown): number;
    encodingLength(value: unknown): number;
  };
  export default bencode;
}
