// `sim -- file.torrent --peers peers.json`: the torrent from a real .torrent file, the peers from a
// scenario file without "torrent". The two become one scenario text, validated like any other.
import { readFileSync, statSync } from 'node:fs';
import { MAX_TORRENT_BYTES, parseTorrentFile, scenarioWithTorrent } from '../scenario/torrent-file';

/** The scenario text made of the .torrent at `torrentFile` and the `--peers` file's text; or a message naming the file at fault. */
export function withTorrentFile(torrentFile: string, peersFile: string, peersText: string): { text: string } | { error: string } {
  let bytes: Uint8Array;
  try {
    const stat = statSync(torrentFile);
    if (stat.isDirectory()) return { error: `cannot read "${torrentFile}": is a directory` };
    // Checked before reading: a hostile "torrent" of gigabytes must not be loaded to be refused.
    if (stat.size > MAX_TORRENT_BYTES) return { error: `${torrentFile}: too large for a .torrent (${stat.size} bytes); at most ${MAX_TORRENT_BYTES} bytes` };
    bytes = readFileSync(torrentFile);
  } catch (e) {
    const code = typeof e === 'object' && e !== null && 'code' in e ? (e as { code: unknown }).code : undefined;
    return { error: `cannot read "${torrentFile}": ${code === 'ENOENT' ? 'no such file' : e instanceof Error ? e.message : String(e)}` };
  }
  const torrent = parseTorrentFile(bytes);
  if (!torrent.ok) return { error: `${torrentFile}: ${torrent.error}` };
  let value: unknown;
  try {
    value = JSON.parse(peersText.charCodeAt(0) === 0xfeff ? peersText.slice(1) : peersText);
  } catch {
    // The scenario parser words a JSON error best (with line and column): hand it the text as it is.
    return { text: peersText };
  }
  const merged = scenarioWithTorrent(value, torrent.torrent);
  if (!merged.ok) return { error: `${peersFile}: ${merged.error}` };
  return { text: JSON.stringify(merged.value, null, 2) };
}
