// Sizes, rates and times as readable strings: exact parsing, one rounding rule, errors a person can act on.
import { describe, expect, it } from 'vitest';
import { parseQuantity, type QuantityKind } from '../../src/scenario/quantity';
import { base, config, errorAt } from './helpers';

const value = (kind: QuantityKind, text: string): bigint => {
  const r = parseQuantity(kind, text);
  if (!r.ok) throw new Error(`${text}: ${r.problem}`);
  return r.value;
};
const problem = (kind: QuantityKind, text: string): string => {
  const r = parseQuantity(kind, text);
  if (r.ok) throw new Error(`${text} parsed as ${r.value}`);
  return r.problem;
};

describe('parseQuantity', () => {
  it('reads decimal units as powers of 1000 and binary units as powers of 1024', () => {
    expect(value('size', '256 KiB')).toBe(262144n);
    expect(value('size', '1 kB')).toBe(1000n);
    expect(value('size', '1 KB')).toBe(1000n);
    expect(value('size', '1.5 GB')).toBe(1_500_000_000n);
    expect(value('size', '2 MiB')).toBe(2_097_152n);
    expect(value('size', '1 TiB')).toBe(1024n ** 4n);
    expect(value('size', '7 B')).toBe(7n);
    expect(value('size', '12 bytes')).toBe(12n);
  });

  it('takes a number without a unit in the file\'s unit: bytes, bytes/s, seconds', () => {
    expect(value('size', '262144')).toBe(262144n);
    expect(value('rate', ' 1000 ')).toBe(1000n);
    expect(value('time', '90')).toBe(90_000_000n);
  });

  it('reads rates in bytes or bits per second; bits are divided by 8', () => {
    expect(value('rate', '1 MB/s')).toBe(1_000_000n);
    expect(value('rate', '512 KiB/s')).toBe(524288n);
    expect(value('rate', '8 Mbit/s')).toBe(1_000_000n);
    expect(value('rate', '100 Mbps')).toBe(12_500_000n);
    expect(value('rate', '1 kbit/s')).toBe(125n);
  });

  it('reads times in µs, ms, s, min, h and d, to the µs', () => {
    expect(value('time', '90 s')).toBe(90_000_000n);
    expect(value('time', '2 min')).toBe(120_000_000n);
    expect(value('time', '1.5 h')).toBe(5_400_000_000n);
    expect(value('time', '500 ms')).toBe(500_000n);
    expect(value('time', '3 µs')).toBe(3n);
    expect(value('time', '3 us')).toBe(3n);
    expect(value('time', '1 d')).toBe(86_400_000_000n);
    expect(value('time', '10 minutes')).toBe(600_000_000n);
    expect(value('time', '.25s')).toBe(250_000n);
  });

  it('is exact where floating point is not, and rounds once, half up', () => {
    // 0.1 + 0.2 style errors cannot happen: the decimal is read as integers.
    expect(value('time', '0.3 s')).toBe(300_000n);
    expect(value('time', '1.1 ms')).toBe(1100n);
    expect(value('size', '1.1 KiB')).toBe(1126n); // 1126.4
    expect(value('size', '1.5 B')).toBe(2n); // a tie goes up
    expect(value('size', '2.5 B')).toBe(3n);
    expect(value('rate', '1 bit/s')).toBe(0n); // 0.125 B/s
    expect(value('rate', '4 bit/s')).toBe(1n); // 0.5 B/s, half up
    expect(value('time', '0.0000005 s')).toBe(1n);
    expect(value('time', '0.0000004 s')).toBe(0n);
  });

  it('says what is wrong with a text it cannot read', () => {
    expect(problem('size', '256 kib')).toBe('unknown unit "kib"; did you mean "KiB"?');
    expect(problem('size', '1 mb')).toBe('unknown unit "mb"; did you mean "MB"?');
    expect(problem('rate', '1 mb/s')).toBe('unknown unit "mb/s"; did you mean "MB/s"?');
    expect(problem('rate', '1 MB')).toBe('"MB" is a unit of size, not of rate; did you mean "MB/s"?');
    expect(problem('size', '1 MB/s')).toBe('"MB/s" is a unit of rate, not of size; did you mean "MB"?');
    expect(problem('size', '8 Mbit')).toMatch(/^unknown unit "Mbit"; known units: B, kB, KB, MB/);
    expect(problem('time', '2 mni')).toBe('unknown unit "mni"; did you mean "min"?');
    expect(problem('time', '5 KiB')).toBe('"KiB" is a unit of size, not of time');
    expect(problem('time', '-5 s')).toBe('negative');
    expect(problem('size', 'lots')).toBe('it does not start with a number');
    expect(problem('size', '  ')).toBe('no number');
    expect(problem('size', '1e6')).toMatch(/^unknown unit "e6"/);
    expect(problem('size', '9'.repeat(41))).toBe('too long (41 characters)');
  });
});

describe('quantity fields in a scenario', () => {
  it('accept strings for every size, rate and time', () => {
    const c = config({
      ...base(),
      torrent: { pieceLength: '256 KiB', files: [{ path: 'a', length: '1.5 MiB' }, { path: 'b', length: 10 }] },
      stopAt: '1 h',
      peers: [
        { name: 'seed', seed: true, upload: '1 MB/s', latency: '30 ms', leaveAt: '20 min' },
        {
          name: 'L',
          count: 2,
          upload: '256 KiB/s',
          download: '16 Mbit/s',
          joinAt: '90 s',
          leaveAfterComplete: '2 min',
          settings: { unchokeInterval: '15 s', snubTimeout: '1 min', uploadRateLimit: '100 kB/s', seedTimeLimit: '1.5 h' },
        },
      ],
      events: [{ at: '5 min', peer: 'L-1', action: 'leave' }],
    });
    expect(c.torrent).toMatchObject({ pieceLength: 262144, size: 1572864 + 10, pieces: 7 });
    expect(c.stopAt).toBe(3_600_000_000);
    expect(c.peers[0]).toMatchObject({ upload: 1_000_000, latency: 30_000, leaveAt: 1_200_000_000 });
    expect(c.peers[1]).toMatchObject({ upload: 262144, download: 2_000_000, joinAt: 90_000_000, leaveAfterComplete: 120_000_000 });
    expect(c.peers[1]!.settings).toEqual({ unchokeInterval: 15_000_000, snubTimeout: 60_000_000, uploadRateLimit: 100_000, seedTimeLimit: 5_400_000_000 });
    expect(c.events).toEqual([{ at: 300_000_000, peer: 1, action: 'leave' }]);
  });

  it('give the same config for a string as for the number it stands for', () => {
    const s = base();
    s.torrent = { pieceLength: '256 KiB', size: '1 MiB' };
    const n = base();
    n.torrent = { pieceLength: 262144, size: 1048576 };
    expect(config(s)).toEqual(config(n));
  });

  it('name the path, what was expected and what was found', () => {
    const s = base();
    s.torrent = { pieceLength: '256 kib', pieces: 4 };
    expect(errorAt(s, 'torrent.pieceLength')).toBe(
      'expected a size such as "256 KiB" or "1.5 GB", or a whole number of bytes, got "256 kib": unknown unit "kib"; did you mean "KiB"?',
    );
    s.torrent = { pieceLength: '100 KiB', pieces: 4 };
    expect(errorAt(s, 'torrent.pieceLength')).toBe(
      'expected a multiple of 16384 bytes (16 KiB) from 16384 to 67108864 (64 MiB), got "100 KiB" (102400 bytes)',
    );
    s.torrent = { pieceLength: true, pieces: 4 };
    expect(errorAt(s, 'torrent.pieceLength')).toMatch(/^expected a multiple of 16384 .*, or a size such as "256 KiB" or "1.5 GB", got true$/);
    const p = base();
    p.peers[1] = { name: 'L', upload: '1 MB' };
    expect(errorAt(p, 'peers[1].upload')).toBe(
      'expected a rate such as "1 MB/s", "512 KiB/s" or "8 Mbit/s", or a whole number of bytes per second, got "1 MB": "MB" is a unit of size, not of rate; did you mean "MB/s"?',
    );
    p.peers[1] = { name: 'L', download: '1 bit/s' };
    expect(errorAt(p, 'peers[1].download')).toBe(
      'expected a whole number of bytes per second ≥ 1 (leave it out for unlimited), got "1 bit/s" (0 bytes/s), which rounds to 0 bytes/s',
    );
  });

  it('keep the limits of the numbers they stand for', () => {
    expect(errorAt({ ...base(), stopAt: '0 s' }, 'stopAt')).toBe('expected a number of seconds > 0, got "0 s" (0 s)');
    expect(errorAt({ ...base(), stopAt: '0.1 µs' }, 'stopAt')).toBe('expected a number of seconds > 0, got "0.1 µs" (0 s), which rounds to 0 µs');
    expect(errorAt({ ...base(), stopAt: '40 years' }, 'stopAt')).toMatch(/unknown unit "years"/);
    expect(errorAt({ ...base(), stopAt: '20000 d' }, 'stopAt')).toBe('expected at most 1000000000 seconds, got "20000 d" (1728000000 s)');
    const s = base();
    s.torrent = { pieceLength: 262144, size: '100 TB' };
    expect(errorAt(s, 'torrent.size')).toMatch(/^expected at most 100000 pieces, got 381469727 \(100000000000000 bytes/);
    s.peers[1] = { name: 'L', latency: '11 s' };
    expect(errorAt(s, 'peers[1].latency')).toBe('expected a number of seconds from 0 to 10, got "11 s" (11 s)');
    s.peers[1] = { name: 'L', joinAt: '2 min', leaveAt: '1 min' };
    expect(errorAt(s, 'peers[1].leaveAt')).toBe('expected a time after joinAt (120 s), got 60');
  });
});
