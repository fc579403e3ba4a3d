// The Markdown, HTML and CSV subject reports: reproducibility values in every format, sentences that
// match the numbers, no word of legal conclusion, untrusted names escaped, CSV quoting and the
// formula guard.
import { describe, expect, it } from 'vitest';
import { subjectReport, type SubjectReport } from '../../src/analysis/report';
import { Sim } from '../../src/engine/sim';
import type { SimConfig } from '../../src/engine/types';
import { CSV_HEADER, csvText, subjectReportCsv } from '../../src/export/report-csv';
import { compareRuns } from '../../src/analysis/counterfactual';
import { buildReportDoc, GLOSSARY, MAX_MESSAGE_ROWS, pieceRanges, rerunCommand, type Reproducibility } from '../../src/export/report-doc';
import { bytesText, grouped, percentText, secondsText } from '../../src/export/report-format';
import { htmlEscape, subjectReportHtml } from '../../src/export/report-html';
import { mdText, subjectReportMarkdown } from '../../src/export/report-md';
import { KiB, peer, S, swarm } from '../engine/helpers';

const EVIL_SUBJECT = '<script>alert("s")</script>';
const EVIL_PEER = '<script>alert(1)</script>|x';

function reportOf(config: SimConfig): SubjectReport {
  const sim = new Sim(config, { checkpointEvery: 0 });
  sim.run();
  return subjectReport(sim)!;
}

function repro(report: SubjectReport, over: Partial<Reproducibility> = {}): Reproducibility {
  return {
    scenarioName: 'Three books',
    scenarioSha256: 'ab'.repeat(32),
    seed: 42,
    swarmscopeVersion: '0.1.0',
    engineVersion: '7',
    traceHash: 'cd'.repeat(32),
    endTime: report.asOf,
    scenarioFile: 'scenarios/three books.json',
    ...over,
  };
}

const files = [
  { path: 'books/a.epub', length: 40_000 },
  { path: 'books/b.epub', length: 30_000 },
  { path: 'books/c.epub', length: 50_000 },
];
const multi = (config: SimConfig): SimConfig => ({ ...config, torrent: { pieceLength: 32 * KiB, pieces: 4, size: 120_000, files } });

/** The subject is the only seed: one leecher gets a complete copy from it alone. */
const alone = reportOf(multi(swarm([peer(EVIL_SUBJECT, { seed: true, subject: true }), peer(EVIL_PEER)], { pieceLength: 32 * KiB })));
/** A seed, the subject and three leechers trading: shares in between, no copy from the subject alone. */
const shared = reportOf(
  swarm(
    [
      peer('seed', { seed: true, upload: 64 * KiB }),
      peer('me', { subject: true, upload: 256 * KiB }),
      peer('L-1', { upload: 256 * KiB }),
      peer('L-2', { upload: 256 * KiB }),
      peer('=HYPERLINK("http://x","y")', { upload: 256 * KiB, joinAt: 1 * S }),
    ],
    { pieces: 8 },
  ),
);
/** The subject uploads nothing. */
const silent = reportOf(swarm([peer('seed', { seed: true, upload: 256 * KiB }), peer('L-1'), peer('me', { subject: true, upload: 0 })], { pieces: 4 }));

const watched = reportOf(
  swarm(
    [
      peer('seed', { seed: true, upload: 128 * KiB }),
      peer('me', { subject: true, upload: 64 * KiB }),
      peer('L-1', { joinAt: 1 * S }),
      peer(EVIL_PEER, { investigator: true, upload: 0, joinAt: 2 * S }),
    ],
    { pieces: 8, pieceLength: 32 * KiB, stopAt: 120 * S },
  ),
);

const ALL = [alone, shared, silent, watched];

describe('number formatting', () => {
  it('thousands separators, binary units, one-decimal percentages that never round to whole or empty', () => {
    expect(grouped(7749632)).toBe('7,749,632');
    expect(grouped(999)).toBe('999');
    expect(bytesText(7749632)).toBe('7,749,632 bytes (7.4 MiB)');
    expect(bytesText(1)).toBe('1 byte');
    expect(bytesText(0)).toBe('0 bytes');
    expect(percentText(0.078)).toBe('7.8 %');
    expect(percentText(1)).toBe('100.0 %');
    expect(percentText(0.99999)).toBe('99.9 %');
    expect(percentText(0.00001)).toBe('< 0.1 %');
    expect(percentText(0)).toBe('0.0 %');
    expect(secondsText(75.5921)).toBe('75.592 s');
  });
});

describe('reproducibility block', () => {
  it('every format carries the scenario, its SHA-256, the seed, both versions, the traceHash and the end time', () => {
    const r = repro(shared);
    for (const text of [subjectReportMarkdown(shared, r), subjectReportHtml(shared, r)]) {
      for (const value of [r.scenarioName, r.scenarioSha256, String(r.seed), r.swarmscopeVersion, r.engineVersion, r.traceHash, secondsText(r.endTime)]) {
        expect(text).toContain(value);
      }
      expect(text).toContain('--seed 42');
      expect(text).toContain('--report json');
    }
    const csv = subjectReportCsv(shared, r).split('\r\n')[1]!;
    for (const value of [r.scenarioName, r.scenarioSha256, '42', r.swarmscopeVersion, r.engineVersion, r.traceHash, String(r.endTime)]) {
      expect(csv).toContain(value);
    }
  });

  it('the rerun command quotes an odd file name for the shell and keeps --until', () => {
    expect(rerunCommand(repro(shared))).toBe(`npm run -s sim -- 'scenarios/three books.json' --seed 42 --report json`);
    expect(rerunCommand(repro(shared, { scenarioFile: "it's.json", until: 30 }))).toBe(`npm run -s sim -- 'it'\\''s.json' --seed 42 --until 30 --report json`);
    expect(rerunCommand(repro(shared, { scenarioFile: undefined }))).toBe('npm run -s sim -- <scenario.json> --seed 42 --report json');
  });
});

describe('sentences of fact', () => {
  it('match the numbers of the report', () => {
    const facts = buildReportDoc(shared, repro(shared)).facts.join('\n');
    const u = shared.uploaded;
    expect(u.bytes).toBeGreaterThan(0);
    expect(facts).toContain(`The subject sent ${bytesText(u.bytes)} of the file to ${u.recipients} peer${u.recipients === 1 ? '' : 's'}, in ${grouped(u.blocks)} blocks.`);
    expect(facts).toContain(
      `The subject announced pieces (bitfield or have) to ${shared.advertised.peersInformed} peers; it sent piece data to ${u.recipients} peer${u.recipients === 1 ? '' : 's'}.`,
    );
    expect(facts).toContain('No peer other than the subject received a complete copy from the subject alone.');
    const maxDirect = Math.max(...shared.recipients.filter((x) => x.completed).map((x) => x.directShare));
    expect(facts).toContain(`The largest share of any complete copy that came directly from the subject was ${percentText(maxDirect)}.`);
    expect(facts).toContain(`(ratio ${shared.ratio!.toFixed(3)})`);
    expect(facts).toContain(`${bytesText(shared.downloadedBytes)} of piece data arrived at the subject`);
  });

  it('a copy from the subject alone names the peer; a multi-file torrent counts its files and straddling pieces', () => {
    const facts = buildReportDoc(alone, repro(alone)).facts.join('\n');
    expect(alone.completeCopyFromSubjectAlone).toBe(true);
    expect(facts).toContain(`“${EVIL_PEER}” received a complete copy from the subject alone`);
    expect(facts).toContain('The largest share of any complete copy that came directly from the subject was 100.0 %.');
    expect(facts).toContain('The subject sent 120,000 bytes (117.2 KiB) of the torrent’s data to 1 peer, in 8 blocks.');
    expect(facts).toContain('The torrent holds 3 files; the subject sent bytes of 3 of them.');
    expect(facts).toContain('2 pieces hold bytes of more than one file.');
    expect(facts).toContain('No piece data arrived at the subject, so there is no ratio');
  });

  it('files the scenario marks as works in question get a sentence and a table of their own', () => {
    const marked = files.map((f, i) => (i === 1 ? { ...f, inQuestion: true as const } : f));
    const config = multi(swarm([peer(EVIL_SUBJECT, { seed: true, subject: true }), peer(EVIL_PEER)], { pieceLength: 32 * KiB }));
    const report = reportOf({ ...config, torrent: { ...config.torrent, files: marked } });
    expect(report.files.map((f) => f.inQuestion)).toEqual([false, true, false]);
    const doc = buildReportDoc(report, repro(report));
    expect(doc.facts.join('\n')).toContain('The scenario marks 1 file as works in question; the subject sent bytes of 1 of them, and 1 of them is held whole by another peer');
    const works = doc.sections.find((x) => x.id === 'works-in-question')!;
    expect(works.table!.rows.map((row) => row[0])).toEqual(['books/b.epub']);
    expect(works.table!.rows[0]).toEqual(doc.sections.find((x) => x.id === 'files')!.table!.rows[1]);
    // Without marks there is neither.
    expect(buildReportDoc(alone, repro(alone)).sections.some((x) => x.id === 'works-in-question')).toBe(false);
    expect(buildReportDoc(alone, repro(alone)).facts.join('\n')).not.toContain('works in question');
  });

  it('a subject that sent nothing says so', () => {
    const facts = buildReportDoc(silent, repro(silent)).facts.join('\n');
    expect(facts).toContain('No piece data sent by the subject arrived at any other peer.');
    expect(facts).toContain('it sent piece data to 0 peers.');
  });
});

describe('the investigator section', () => {
  it('says what the investigator logged, with the numbers of its log, next to the swarm-wide figures', () => {
    const log = watched.investigators[0]!;
    expect(log.bytes).toBeGreaterThan(0);
    const md = subjectReportMarkdown(watched, repro(watched));
    expect(md).toContain(`It downloaded ${bytesText(log.bytes)} from the subject, in ${grouped(log.blocks.length)} blocks`);
    expect(md).toContain(`It received ${grouped(log.haves.length)} have message`);
    expect(md).toContain(`across the whole swarm the subject sent ${bytesText(watched.uploaded.bytes)}`);
    const html = subjectReportHtml(watched, repro(watched));
    expect(html).not.toContain(EVIL_PEER);
    expect(html).toContain(htmlEscape(EVIL_PEER));
  });
});

describe('no legal conclusions', () => {
  const FORBIDDEN = [/infring/i, /distribut/i, /liab/i, /fair use/i, /guilt/i, /pira(cy|te)/i, /illegal/i, /unlawful/i, /violat/i, /culpab/i, /offen[cs]e/i, /\bcrim/i, /\bsteal|stole/i, /\bwillful/i];

  it('no generated text (Markdown, HTML, CSV, glossary) uses a word of legal conclusion', () => {
    for (const report of ALL) {
      const r = repro(report);
      for (const text of [subjectReportMarkdown(report, r), subjectReportHtml(report, r), subjectReportCsv(report, r), JSON.stringify(GLOSSARY)]) {
        for (const word of FORBIDDEN) expect(text).not.toMatch(word);
      }
    }
  });
});

describe('announcements, unchoke intervals and the counterfactual in the document', () => {
  it('lists at most 200 announcements and says how many more the JSON has', () => {
    const many = { ...shared, advertised: { ...shared.advertised, messages: Array.from({ length: 250 }, (_, i) => ({ kind: 'have' as const, at: i, to: ['L-1'], pieces: [i], verified: true })) } };
    const section = buildReportDoc(many, repro(many)).sections.find((x) => x.id === 'announcements')!;
    expect(section.table!.rows).toHaveLength(MAX_MESSAGE_ROWS);
    expect(section.intro.join(' ')).toContain('The first 200 are shown; 50 more are in the JSON report (--report json).');
    expect(pieceRanges([0, 1, 2, 5, 7, 8])).toBe('0–2, 5, 7–8');
    expect(pieceRanges([])).toBe('none');
  });

  it('puts each unchoked peer’s intervals next to the bytes sent to it', () => {
    const section = buildReportDoc(shared, repro(shared)).sections.find((x) => x.id === 'unchoked')!;
    expect(section.table!.rows).toHaveLength(shared.advertised.unchokedIntervals.length);
    for (const row of section.table!.rows) {
      const sent = shared.recipients.find((x) => x.name === row[0]);
      expect(row[3]).toBe(grouped(sent?.bytes ?? 0));
    }
  });

  it('a counterfactual section: one sentence per changed figure, the same table, no word of legal conclusion', () => {
    const run = (config: SimConfig) => {
      const sim = new Sim(config, { checkpointEvery: 0 });
      sim.run();
      return { config, result: sim.result(), traceHash: sim.traceHash(), report: subjectReport(sim)! };
    };
    const config = swarm([peer('seed', { seed: true, upload: 64 * KiB }), peer('me', { subject: true, upload: 256 * KiB }), peer('L-1'), peer('L-2')], { pieces: 8 });
    const b = run(config);
    const c = compareRuns(b, run({ ...config, peers: config.peers.map((p) => (p.subject ? { ...p, upload: 0 } : p)) }), { upload: 0 });
    const section = buildReportDoc(b.report, repro(b.report), c).sections.find((x) => x.id === 'counterfactual')!;
    expect(section.title).toBe('Counterfactual run');
    const text = section.intro.join('\n');
    expect(text).toContain(`In the counterfactual run the subject sent 0 bytes that arrived, against ${bytesText(b.report.uploaded.bytes)} in the baseline run.`);
    expect(text).toContain('The two runs have different trace hashes');
    const changed = c.completion.filter((r) => r.baseline !== r.counterfactual).length;
    expect(section.intro.length).toBe(1 + 1 + changed + 1);
    expect(section.table!.rows).toHaveLength(1 + c.completion.length + 1);
    const same = compareRuns(b, b, {});
    const sameText = buildReportDoc(b.report, repro(b.report), same).sections.find((x) => x.id === 'counterfactual')!.intro;
    expect(sameText).toHaveLength(2);
    expect(sameText[1]).toBe('The two runs have the same trace hash: they are identical, message for message.');
    for (const word of [/infring/i, /distribut/i, /liab/i, /fair use/i, /illegal/i, /unlawful/i]) {
      expect(subjectReportMarkdown(b.report, repro(b.report), c)).not.toMatch(word);
      expect(subjectReportHtml(b.report, repro(b.report), c)).not.toMatch(word);
    }
  });
});

describe('Markdown', () => {
  it('has the facts, the tables, the reproducibility block and the glossary', () => {
    const md = subjectReportMarkdown(alone, repro(alone));
    for (const heading of ['## What the subject made available', '## What the subject sent', '## Recipients', '## Files', '## Whole copies of each file', '## Reproducibility', '## Glossary']) {
      expect(md).toContain(heading);
    }
    expect(md).toMatch(/^\| books\/a\.epub \| 40,000 \| 40,000 \| 1 \| 0 \| – \| 1 \| 1 \| 100\.0 % \|$/m);
    for (const term of ['bitfield', 'have', 'choke / unchoke', 'block', 'piece', 'verified', 'direct share', 'downstream share', 'made available vs sent']) {
      expect(md).toContain(`**${term}**`);
    }
  });

  it('escapes names: no raw HTML, no broken table cell', () => {
    const md = subjectReportMarkdown(alone, repro(alone));
    expect(md).not.toContain('<script>');
    expect(md).toContain('\\<script\\>alert("s")\\</script\\>');
    expect(md).toContain(mdText(EVIL_PEER));
    expect(mdText('a|b')).toBe('a\\|b');
    expect(mdText('line\nbreak')).toBe('line break');
  });
});

describe('HTML', () => {
  const html = subjectReportHtml(alone, repro(alone, { scenarioName: '<script>evil()</script> & co' }));

  it('escapes every name from the scenario: the subject, a peer, the scenario', () => {
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain(htmlEscape(EVIL_SUBJECT));
    expect(html).toContain('&lt;script&gt;alert(&quot;s&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;|x');
    expect(html).toContain('&lt;script&gt;evil()&lt;/script&gt; &amp; co');
  });

  it('is one self-contained document: inline CSS, no script, nothing loaded from elsewhere', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.trimEnd().endsWith('</html>')).toBe(true);
    expect(html).not.toMatch(/<(script|link|img|iframe|object|embed)\b/i);
    expect(html).not.toMatch(/\b(src|href)\s*=/i);
    expect(html).not.toMatch(/url\(|@import|https?:/i);
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'"`);
  });

  it('prints on A4 or Letter: page margins, fixed-layout tables that wrap, rows and sections kept whole', () => {
    expect(html).toContain('@page { size: auto; margin: 15mm; }');
    expect(html).toMatch(/table \{[^}]*table-layout: fixed/);
    expect(html).toMatch(/overflow-wrap: anywhere/);
    expect(html).toMatch(/tr \{ break-inside: avoid; \}/);
    expect(html).toMatch(/section \{ break-inside: avoid; \}/);
  });
});

/** An RFC 4180 reader, to check the writer against. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      i++;
    } else field += c;
  }
  expect(field).toBe('');
  return rows;
}

describe('CSV', () => {
  it('one header row, one row per recipient, CRLF line ends; the fields read back', () => {
    const text = subjectReportCsv(shared, repro(shared));
    expect(text.endsWith('\r\n')).toBe(true);
    const rows = parseCsv(text);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows).toHaveLength(1 + shared.recipients.length);
    for (const [i, r] of shared.recipients.entries()) {
      const row = rows[i + 1]!;
      expect(row.length).toBe(CSV_HEADER.length);
      expect(Number(row[1])).toBe(r.bytes);
      expect(Number(row[8])).toBe(r.directShare);
      expect(row[7]).toBe(String(r.completed));
    }
  });

  it('quotes commas, quotes and line breaks; guards against formulas', () => {
    expect(csvText('plain')).toBe('plain');
    expect(csvText('a,b')).toBe('"a,b"');
    expect(csvText('say "hi"')).toBe('"say ""hi"""');
    expect(csvText('two\nlines')).toBe('"two\nlines"');
    for (const start of ['=', '+', '-', '@', '\t']) expect(csvText(`${start}1+1`).replace(/^"/, '').startsWith(`'${start}`)).toBe(true);
    expect(csvText('=HYPERLINK("http://x","y")')).toBe(`"'=HYPERLINK(""http://x"",""y"")"`);
    const rows = parseCsv(subjectReportCsv(shared, repro(shared, { scenarioName: 'a, "b"\nc' })));
    const evil = rows.find((r) => r[0]!.includes('HYPERLINK'));
    expect(evil?.[0]).toBe(`'=HYPERLINK("http://x","y")`);
    expect(rows[1]![CSV_HEADER.indexOf('scenario')]).toBe('a, "b"\nc');
  });
});
