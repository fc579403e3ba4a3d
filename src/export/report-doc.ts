// The human-readable subject report as plain data (sentences, tables, a glossary), rendered by
// report-md.ts and report-html.ts, each with its own escaping. Every sentence states a fact read off
// the numbers of the report; none draws a conclusion (no legal words: see FORBIDDEN_WORDS' test).
import type { CompletionRow, CounterfactualComparison } from '../analysis/counterfactual';
import type { SubjectReport } from '../analysis/report';
import type { FileReport } from '../analysis/files';
import type { ResultFile } from './result';
import { bytesText, count, grouped, percentText, ratioText, secondsText } from './report-format';

/** What anyone needs to rerun the numbers: `npm run -s sim -- <scenario> --seed N --report json`. */
export interface Reproducibility {
  scenarioName: string;
  /** SHA-256 hex of the scenario file's raw bytes. */
  scenarioSha256: string;
  seed: number;
  swarmscopeVersion: string;
  engineVersion: string;
  traceHash: string;
  /** Seconds: when the run ended. */
  endTime: number;
  /** The scenario file as named on the command line; "<scenario.json>" in the rerun command when absent. */
  scenarioFile?: string;
  /** The `--until` the run used (seconds), if any: the rerun needs it too. */
  until?: number | null;
  /** The `--counterfactual` JSON as given, if any. */
  counterfactual?: string;
  /** The run was split by peers (--split): the rerun needs it too. */
  split?: boolean;
}

export function reproducibilityOf(file: ResultFile, scenarioFile?: string, until?: number | null): Reproducibility {
  return {
    scenarioName: file.scenario.name,
    scenarioSha256: file.scenario.sha256,
    seed: file.seed,
    swarmscopeVersion: file.swarmscope,
    engineVersion: file.engine,
    traceHash: file.traceHash,
    endTime: file.endTime,
    scenarioFile,
    until: until ?? null,
    split: file.split,
  };
}

/** A POSIX-shell word: as it is when plainly safe, else single-quoted. */
function shellWord(s: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that reruns the report. */
export function rerunCommand(r: Reproducibility): string {
  const file = r.scenarioFile === undefined ? '<scenario.json>' : shellWord(r.scenarioFile);
  const until = r.until === null || r.until === undefined ? '' : ` --until ${r.until}`;
  const counterfactual = r.counterfactual === undefined ? '' : ` --counterfactual ${shellWord(r.counterfactual)}`;
  const split = r.split === true ? ' --split' : '';
  return `npm run -s sim -- ${file} --seed ${r.seed}${until}${split} --report json${counterfactual}`;
}

export interface DocTable {
  headers: string[];
  /** Columns to align right (numbers). */
  numeric: boolean[];
  rows: string[][];
}

export interface DocSection {
  /** A stable anchor id (ASCII). */
  id: string;
  title: string;
  /** Plain sentences shown before the table. */
  intro: string[];
  table?: DocTable;
  /** A definition list (term, meaning), for the glossary. */
  terms?: [string, string][];
  /** A command line shown as code. */
  code?: string;
}

export interface ReportDoc {
  title: string;
  /** Sentences of fact, in reading order. */
  facts: string[];
  sections: DocSection[];
}

const quote = (name: string): string => `“${name}”`;

function list(names: string[]): string {
  const q = names.map(quote);
  if (q.length <= 1) return q.join('');
  return `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

const keyValue = (rows: [string, string][]): DocTable => ({ headers: ['item', 'value'], numeric: [false, false], rows });

export const GLOSSARY: [string, string][] = [
  ['subject', 'The one peer this report is about, marked "subject" in the scenario.'],
  ['initial seed', 'A peer that held every piece from the moment it joined.'],
  ['piece', 'A fixed-size part of the torrent’s data (the last piece may be shorter). A piece is checked as a whole against its hash.'],
  ['block', 'A 16 KiB part of a piece (the last block of the last piece may be shorter). Peers request and send data one block at a time; the byte counts here are counts of block data.'],
  ['verified', 'A peer has every block of a piece and has checked it against its hash. Only then does it tell its peers with a have message. In the simulation no piece is ever corrupt.'],
  ['bitfield', 'A message a peer sends once, when a connection opens, listing every piece it holds.'],
  ['have', 'A message a peer sends to each connected peer when it has verified a new piece.'],
  ['choke / unchoke', 'A peer unchokes a connected peer to let it request blocks, and chokes it to stop. An unchoke allows requests; it moves no data by itself.'],
  ['made available vs sent', 'Made available: the subject announced pieces (bitfield, have) or let a peer request (unchoke); no data moved. Sent: block data left the subject and arrived at the other peer. This report counts the two separately.'],
  ['direct share', 'Of a peer’s copy (of the whole torrent, or of one file), the bytes whose blocks it received from the subject itself, as a fraction of the whole. A peer’s copy of a block is the first copy it received.'],
  ['downstream share', 'Of a peer’s copy, the bytes whose blocks it received from another peer whose own copy came from the subject, after any number of such steps.'],
  ['straddling piece', 'A piece that holds bytes of two or more files.'],
  ['ratio', 'Bytes the subject sent that arrived, divided by bytes that arrived at the subject.'],
  ['pieces touched', 'Pieces of which a peer received at least one block from the subject, whether or not it received the rest of the piece from the subject.'],
  ['counterfactual run', 'A second simulation of the same scenario with the same seed in which only the subject’s stated fields differ, run to compare the figures of the two.'],
];

/**
 * Of the copies that were complete by the report's time: the largest share that came directly from
 * the subject, and the largest that came from it through other peers (fractions of the file).
 */
export function largestCompleteCopyShares(r: SubjectReport): { direct: number; downstream: number } {
  const complete = r.recipients.filter((x) => x.completed);
  return {
    direct: Math.max(0, ...complete.map((x) => x.directShare)),
    downstream: Math.max(0, ...complete.map((x) => x.downstreamShare), ...r.downstreamOnly.filter((x) => x.completed).map((x) => x.downstreamShare)),
  };
}

function facts(r: SubjectReport, repro: Reproducibility): string[] {
  const out: string[] = [];
  const multi = r.files.length > 1;
  const atEnd = r.asOf === repro.endTime;
  // A run cut short by --until (the app's report of the run so far) has not ended by itself.
  const cut = repro.until !== null && repro.until !== undefined && repro.endTime === repro.until;
  out.push(
    `This report describes one peer, ${quote(r.name)} (the subject), in a simulated BitTorrent swarm: scenario ${quote(repro.scenarioName)}, ` +
      `seed ${repro.seed}. The figures are as of ${secondsText(r.asOf)} of simulated time${atEnd ? (cut ? ', where the run was stopped' : ', the end of the run') : ''}.`,
  );

  const a = r.advertised;
  if (a.peersInformed > 0) {
    out.push(
      `The subject announced pieces (bitfield or have) to ${count(a.peersInformed, 'peer')}; ` +
        `it sent piece data to ${count(r.uploaded.recipients, 'peer')}.`,
    );
  } else {
    out.push(`No announcement of pieces (bitfield or have) from the subject reached any peer; it sent piece data to ${count(r.uploaded.recipients, 'peer')}.`);
  }
  out.push(
    `It sent ${count(a.bitfields, 'bitfield message')} and ${count(a.haves, 'have message')}` +
      (a.firstAt === null ? '.' : `, the first at ${secondsText(a.firstAt)}.`),
  );

  const u = r.uploaded;
  const what = multi ? 'the torrent’s data' : 'the file';
  if (u.bytes > 0) {
    out.push(`The subject sent ${bytesText(u.bytes)} of ${what} to ${count(u.recipients, 'peer')}, in ${count(u.blocks, 'block')}.`);
    out.push(
      `${count(u.wholePieces, 'piece')} ${u.wholePieces === 1 ? 'was' : 'were'} received in full from the subject by at least one peer.`,
    );
    out.push(
      `Of the bytes sent, ${bytesText(u.bytesWhileDownloading)} were sent while the subject was still downloading and ` +
        `${bytesText(u.bytesAfterComplete)} after it held every piece.`,
    );
  } else {
    out.push(`No piece data sent by the subject arrived at any other peer.`);
  }
  if (u.lostBytes > 0) out.push(`A further ${bytesText(u.lostBytes)} sent by the subject did not arrive, because one side left first.`);

  out.push(`${count(r.completedThirdParties, 'peer')} other than the subject and the initial seeds ended with a complete copy.`);
  const alone = r.recipients.filter((x) => x.directShare === 1).map((x) => x.name);
  if (r.completeCopyFromSubjectAlone && alone.length > 0) {
    out.push(`${list(alone)} received a complete copy from the subject alone: every block of ${alone.length === 1 ? 'its' : 'their'} copy came directly from the subject.`);
  } else {
    out.push('No peer other than the subject received a complete copy from the subject alone.');
  }
  if (r.completedThirdParties > 0) {
    const { direct: maxDirect, downstream: maxDown } = largestCompleteCopyShares(r);
    out.push(`The largest share of any complete copy that came directly from the subject was ${percentText(maxDirect)}.`);
    out.push(`The largest share of any complete copy that came from the subject through other peers was ${percentText(maxDown)}.`);
    out.push(
      r.contributedToCompleteCopy
        ? 'At least one peer that ended with a complete copy holds a verified piece containing a block the subject sent to it.'
        : 'No peer that ended with a complete copy holds a verified piece containing a block the subject sent to it.',
    );
  }
  if (r.downstreamOnly.length > 0) {
    out.push(
      `${count(r.downstreamOnly.length, 'further peer')} received no block from the subject directly but ${r.downstreamOnly.length === 1 ? 'holds' : 'hold'} bytes that came from it through other peers.`,
    );
  }

  if (r.ratio === null) {
    out.push('No piece data arrived at the subject, so there is no ratio of bytes sent to bytes received.');
  } else {
    out.push(
      `${bytesText(r.downloadedBytes)} of piece data arrived at the subject; the bytes it sent amount to ${percentText(r.ratio)} of that (ratio ${ratioText(r.ratio)}).`,
    );
  }

  if (multi) {
    const sentFiles = r.files.filter((f) => f.bytesSent > 0).length;
    const straddling = new Set(r.files.flatMap((f) => f.straddlingPieces)).size;
    out.push(`The torrent holds ${count(r.files.length, 'file')}; the subject sent bytes of ${grouped(sentFiles)} of them.`);
    out.push(`${count(straddling, 'piece')} ${straddling === 1 ? 'holds' : 'hold'} bytes of more than one file.`);
  }
  const works = r.files.filter((f) => f.inQuestion);
  if (works.length > 0) {
    const sent = works.filter((f) => f.bytesSent > 0).length;
    const whole = works.filter((f) => f.recipientsWithWholeFile.length > 0).length;
    out.push(
      `The scenario marks ${count(works.length, 'file')} as works in question; the subject sent bytes of ${grouped(sent)} of them, and ${grouped(whole)} of them ${whole === 1 ? 'is' : 'are'} held whole by another peer at the report's time.`,
    );
  }
  return out;
}

/** At most this many announcement rows in Markdown and HTML; the JSON report has them all. */
export const MAX_MESSAGE_ROWS = 200;

/** Sorted piece indices as ranges: [0, 1, 2, 5] → "0–2, 5"; none → "none". */
export function pieceRanges(pieces: readonly number[]): string {
  const out: string[] = [];
  for (let i = 0; i < pieces.length; ) {
    let j = i;
    while (j + 1 < pieces.length && pieces[j + 1] === pieces[j]! + 1) j++;
    out.push(j === i ? grouped(pieces[i]!) : `${grouped(pieces[i]!)}–${grouped(pieces[j]!)}`);
    i = j + 1;
  }
  return out.length === 0 ? 'none' : out.join(', ');
}

/** A completion difference in seconds: "+1.7 s", "-0.25 s", "0 s"; "–" unless both runs completed. */
export function differenceText(row: CompletionRow): string {
  const d = row.difference;
  if (d === null) return '–';
  if (d === 0) return '0 s';
  return `${d > 0 ? '+' : '-'}${secondsText(Math.abs(d))}`;
}

function advertisedSections(r: SubjectReport): DocSection[] {
  const a = r.advertised;
  const shown = a.messages.slice(0, MAX_MESSAGE_ROWS);
  const more = a.messages.length - shown.length;
  const sentTo = new Map(r.recipients.map((x) => [x.name, x]));
  return [
    {
      id: 'announcements',
      title: 'Every announcement (bitfield and have messages)',
      intro: [
        a.messages.length === 0
          ? 'The subject sent no bitfield or have message.'
          : `Every bitfield and have message the subject sent, in the order sent, in ${count(a.messages.length, 'row')}: ` +
            `${count(a.bitfields, 'bitfield message')}, and ${count(a.messages.length - a.bitfields, 'have broadcast')} (one have message to each peer listed, ${grouped(a.haves)} in all). ` +
            'Pieces are numbered from 0; a bitfield lists every piece the subject held when it was sent. ' +
            (a.messages.every((m) => m.verified) ? 'Every piece announced had been verified by the subject when announced.' : 'The "verified" column says whether the subject had verified the pieces when it announced them.'),
        ...(more > 0 ? [`The first ${grouped(MAX_MESSAGE_ROWS)} are shown; ${grouped(more)} more are in the JSON report (--report json).`] : []),
      ],
      table: {
        headers: ['#', 'message', 'sent at', 'to', 'pieces', 'verified'],
        numeric: [true, false, true, false, false, false],
        rows: shown.map((m, i) => [
          grouped(i + 1),
          m.kind,
          secondsText(m.at),
          m.to.length === 0 ? '(no open connection)' : m.to.join(', '),
          pieceRanges(m.pieces),
          m.verified ? 'yes' : 'no',
        ]),
      },
    },
    {
      id: 'unchoked',
      title: 'Unchoked peers (offers) next to the data sent',
      intro: [
        a.unchokedIntervals.length === 0
          ? 'The subject never unchoked a peer.'
          : 'Per peer the subject unchoked: the intervals in which that peer was allowed to request blocks (from an unchoke to the next choke, the close of their connection, or the end of the report), next to the piece data the subject sent it that arrived. An unchoke moves no data by itself.',
      ],
      table: {
        headers: ['peer', 'unchoked intervals', 'time unchoked', 'bytes sent that arrived', 'blocks'],
        numeric: [false, false, true, true, true],
        rows: a.unchokedIntervals.map((u) => {
          const total = u.intervals.reduce((t, [from, to]) => t + (to - from), 0);
          const sent = sentTo.get(u.name);
          return [
            u.name,
            u.intervals.map(([from, to]) => `${secondsText(from)} – ${secondsText(to)}`).join('; '),
            secondsText(Math.round(total * 1e6) / 1e6),
            grouped(sent?.bytes ?? 0),
            grouped(sent?.blocks ?? 0),
          ];
        }),
      },
    },
  ];
}

/** One sentence per figure that differs between the two runs. */
/** What each investigator logged, next to what the whole swarm shows (the report's other figures). */
function investigatorSections(r: SubjectReport): DocSection[] {
  return r.investigators.map((log, i) => {
    const answered = log.handshakes.find((h) => h.answeredAt !== null);
    const intro = [
      answered
        ? `The investigator ${quote(log.name)} sent a handshake to the subject at ${secondsText(answered.sentAt)}; the subject’s answer arrived at ${secondsText(answered.answeredAt!)}.`
        : `The investigator ${quote(log.name)} sent ${count(log.handshakes.length, 'handshake')} to the subject; none was answered.`,
      log.bitfield === null
        ? 'It received no bitfield from the subject.'
        : `It received the subject’s bitfield, announcing ${count(log.bitfield.pieces, 'piece')}, at ${secondsText(log.bitfield.at)}.`,
      `It received ${count(log.haves.length, 'have message')} from the subject.`,
      `It downloaded ${bytesText(log.bytes)} from the subject, in ${count(log.blocks.length, 'block')} of ${count(log.piecesTouched, 'piece')}, and verified ${count(log.verifiedPieces, 'piece')}` +
        (log.completedAt === null ? '; it did not complete the file.' : `; it completed the file at ${secondsText(log.completedAt)}.`),
      `For comparison, across the whole swarm the subject sent ${bytesText(r.uploaded.bytes)} to ${count(r.uploaded.recipients, 'peer')} (the investigator included).`,
    ];
    const entries: { at: number; row: string[] }[] = [];
    if (log.bitfield) entries.push({ at: log.bitfield.at, row: ['bitfield', `${grouped(log.bitfield.pieces)} pieces`, ''] });
    for (const h of log.haves) entries.push({ at: h.at, row: ['have', `piece ${h.piece}`, ''] });
    for (const b of log.blocks) entries.push({ at: b.at, row: ['block', `piece ${b.piece}, offset ${grouped(b.begin)}`, grouped(b.bytes)] });
    // In arrival order; at one instant, in the order above (the sort is stable).
    entries.sort((a, b) => a.at - b.at);
    const rows = entries.map((e) => [secondsText(e.at), ...e.row]);
    const shown = rows.slice(0, MAX_MESSAGE_ROWS);
    if (rows.length > shown.length) intro.push(`The table shows the first ${grouped(shown.length)} of ${grouped(rows.length)} entries; the JSON report has them all.`);
    return {
      id: `investigator-${i + 1}`,
      title: `What the investigator ${quote(log.name)} logged`,
      intro,
      table: { headers: ['arrived at', 'message', 'what', 'bytes'], numeric: [true, false, false, true], rows: shown },
    };
  });
}

function counterfactualFacts(c: CounterfactualComparison): string[] {
  const out: string[] = [];
  if (c.bytesSent.baseline !== c.bytesSent.counterfactual) {
    out.push(`In the counterfactual run the subject sent ${bytesText(c.bytesSent.counterfactual)} that arrived, against ${bytesText(c.bytesSent.baseline)} in the baseline run.`);
  }
  for (const row of c.completion) {
    if (row.baseline === row.counterfactual) continue;
    const who = row.name === c.subject ? `The subject, ${quote(row.name)},` : quote(row.name);
    if (row.baseline !== null && row.counterfactual !== null) {
      const later = row.difference! > 0;
      out.push(
        `${who} completed at ${secondsText(row.counterfactual)} in the counterfactual run, against ${secondsText(row.baseline)} in the baseline run ` +
          `(${secondsText(Math.abs(row.difference!))} ${later ? 'later' : 'earlier'}).`,
      );
    } else if (row.counterfactual === null) {
      out.push(`${who} did not complete in the counterfactual run; in the baseline run it completed at ${secondsText(row.baseline)}.`);
    } else {
      out.push(`${who} completed at ${secondsText(row.counterfactual)} in the counterfactual run; in the baseline run it did not complete.`);
    }
  }
  out.push(
    c.traceHash.baseline === c.traceHash.counterfactual
      ? 'The two runs have the same trace hash: they are identical, message for message.'
      : 'The two runs have different trace hashes: their messages differ.',
  );
  return out;
}

function counterfactualSection(c: CounterfactualComparison): DocSection {
  return {
    id: 'counterfactual',
    title: 'Counterfactual run',
    intro: [
      `A second run of the same scenario with the same seed (${c.seed}), in which the subject’s fields were changed to ${JSON.stringify(c.settings)}; ` +
        'the rest of this report describes the baseline run. Completion times are seconds of simulated time; a difference is the counterfactual’s time minus the baseline’s.',
      ...counterfactualFacts(c),
    ],
    table: {
      headers: ['figure', 'baseline', 'counterfactual', 'difference'],
      numeric: [false, true, true, true],
      rows: [
        ['bytes sent by the subject that arrived', grouped(c.bytesSent.baseline), grouped(c.bytesSent.counterfactual), grouped(c.bytesSent.counterfactual - c.bytesSent.baseline)],
        ...c.completion.map((row) => [
          `${row.name}${row.name === c.subject ? ' (subject)' : ''}: complete at`,
          secondsText(row.baseline),
          secondsText(row.counterfactual),
          differenceText(row),
        ]),
        ['traceHash', c.traceHash.baseline, c.traceHash.counterfactual, c.traceHash.baseline === c.traceHash.counterfactual ? 'same' : 'different'],
      ],
    },
  };
}

export function buildReportDoc(r: SubjectReport, repro: Reproducibility, counterfactual?: CounterfactualComparison): ReportDoc {
  const multi = r.files.length > 1;
  const a = r.advertised;
  const u = r.uploaded;
  const sections: DocSection[] = [];

  sections.push({
    id: 'advertised',
    title: 'What the subject made available (announcements)',
    intro: ['Messages that tell other peers which pieces the subject holds. They carry no piece data.'],
    table: keyValue([
      ['bitfield messages sent', grouped(a.bitfields)],
      ['have messages sent (one per recipient)', grouped(a.haves)],
      ['peers at which a bitfield or have arrived', grouped(a.peersInformed)],
      ['first bitfield or have sent at', secondsText(a.firstAt)],
      ['peers the subject unchoked', grouped(a.unchokedIntervals.length)],
    ]),
  });
  sections.push(...advertisedSections(r));

  sections.push({
    id: 'uploaded',
    title: 'What the subject sent (piece data that arrived)',
    intro: [],
    table: keyValue([
      ['bytes sent that arrived', bytesText(u.bytes)],
      ['blocks sent that arrived', grouped(u.blocks)],
      ['pieces some one peer received in full from the subject', grouped(u.wholePieces)],
      ['pieces of which some peer received at least one block from the subject', grouped(u.piecesTouched)],
      ['peers that received at least one block', grouped(u.recipients)],
      ['bytes sent while the subject was downloading', bytesText(u.bytesWhileDownloading)],
      ['bytes sent after the subject held every piece', bytesText(u.bytesAfterComplete)],
      ['bytes sent that did not arrive', bytesText(u.lostBytes)],
      ['bytes that arrived at the subject', bytesText(r.downloadedBytes)],
      ['ratio (sent ÷ received)', r.ratio === null ? '– (nothing received)' : `${ratioText(r.ratio)} (${percentText(r.ratio)})`],
    ]),
  });

  sections.push({
    id: 'recipients',
    title: 'Recipients',
    intro: r.recipients.length === 0 ? ['No peer received a block from the subject.'] : ['One row per peer that received at least one block from the subject. Times in seconds of simulated time; shares of the whole torrent.'],
    table: {
      headers: ['peer', 'bytes', 'blocks', 'whole pieces', 'pieces touched', 'verified pieces', 'first block at', 'last block at', 'complete', 'direct share', 'downstream share'],
      numeric: [false, true, true, true, true, true, true, true, false, true, true],
      rows: r.recipients.map((x) => [
        x.name,
        grouped(x.bytes),
        grouped(x.blocks),
        grouped(x.wholePieces),
        grouped(x.piecesTouched),
        grouped(x.verifiedPieces),
        secondsText(x.firstAt),
        secondsText(x.lastAt),
        x.completed ? 'yes' : 'no',
        percentText(x.directShare),
        percentText(x.downstreamShare),
      ]),
    },
  });

  if (r.downstreamOnly.length > 0) {
    sections.push({
      id: 'downstream',
      title: 'Peers that hold bytes from the subject only through other peers',
      intro: [],
      table: {
        headers: ['peer', 'downstream share', 'complete'],
        numeric: [false, true, false],
        rows: r.downstreamOnly.map((x) => [x.name, percentText(x.downstreamShare), x.completed ? 'yes' : 'no']),
      },
    });
  }

  const fileTable = (files: readonly FileReport[]): DocTable => ({
    headers: ['file', 'length', 'bytes sent', 'peers sent to', 'bytes received', 'ratio', 'straddling pieces', 'peers with the whole file', 'largest direct share of a whole copy'],
    numeric: [false, true, true, true, true, true, false, true, true],
    rows: files.map((f) => [
      f.path,
      grouped(f.length),
      grouped(f.bytesSent),
      grouped(f.recipients),
      grouped(f.bytesReceived),
      ratioText(f.ratio),
      f.straddlingPieces.length === 0 ? 'none' : f.straddlingPieces.map(grouped).join(', '),
      grouped(f.recipientsWithWholeFile.length),
      f.recipientsWithWholeFile.length === 0 ? '–' : percentText(Math.max(...f.recipientsWithWholeFile.map((x) => x.directShareOfFile))),
    ]),
  });
  const works = r.files.filter((f) => f.inQuestion);
  if (works.length > 0) {
    sections.push({
      id: 'works-in-question',
      title: 'Works in question',
      intro: ['The files the scenario marks as works in question ("inQuestion": true), with the same columns as the table of all files below.'],
      table: fileTable(works),
    });
  }

  sections.push({
    id: 'files',
    title: 'Files',
    intro: [
      multi
        ? 'One row per file of the torrent, in order. A block that holds the end of one file and the start of the next counts in each for its own bytes.'
        : 'The torrent is a single file.',
    ],
    table: fileTable(r.files),
  });

  if (multi) {
    sections.push({
      id: 'file-copies',
      title: 'Whole copies of each file',
      intro: ['Peers other than the subject and the initial seeds whose copy holds every byte of the file, with the share of that file’s bytes that came from the subject.'],
      table: {
        headers: ['file', 'peer', 'direct share of file', 'downstream share of file'],
        numeric: [false, false, true, true],
        rows: r.files.flatMap((f) =>
          f.recipientsWithWholeFile.map((x) => [f.path, x.name, percentText(x.directShareOfFile), percentText(x.downstreamShareOfFile)]),
        ),
      },
    });
  }

  sections.push(...investigatorSections(r));

  if (counterfactual !== undefined) sections.push(counterfactualSection(counterfactual));

  sections.push({
    id: 'reproducibility',
    title: 'Reproducibility',
    intro: ['Anyone can rerun the simulation with the same scenario file (same SHA-256) and seed, and get the same trace hash and the same numbers:'],
    code: rerunCommand(repro),
    table: keyValue([
      ['scenario', repro.scenarioName],
      ['scenario SHA-256', repro.scenarioSha256],
      ['seed', String(repro.seed)],
      ...(repro.until === null || repro.until === undefined ? [] : ([['stopped at (--until)', secondsText(repro.until)]] as [string, string][])),
      ...(repro.split === true ? ([['split by peers (--split)', 'yes']] as [string, string][]) : []),
      ['swarmscope version', repro.swarmscopeVersion],
      ['engine version', repro.engineVersion],
      ['traceHash', repro.traceHash],
      ['end time', secondsText(repro.endTime)],
      ...(repro.counterfactual === undefined ? [] : ([['counterfactual (--counterfactual)', repro.counterfactual]] as [string, string][])),
    ]),
  });

  sections.push({ id: 'glossary', title: 'Glossary', intro: [], terms: GLOSSARY });

  return { title: `Subject report: ${r.name}`, facts: facts(r, repro), sections };
}
