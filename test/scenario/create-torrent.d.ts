// Types for the `create-torrent` package (webtorrent), used by tests to make real .torrent files.
declare module 'create-torrent' {
  interface CreateTorrentOptions {
    name?: string;
    pieceLength?: number;
    announceList?: string[][];
    private?: boolean;
    createdBy?: string;
    creationDate?: number;
    comment?: string;
  }
  type Input = Uint8Array | (Uint8Array & { name?: string; fullPath?: string })[];
  function createTorrent(input: Input, opts: CreateTorrentOptions, cb: (err: Error | null, torrent: Uint8Array) => void): void;
  export default createTorrent;
}
