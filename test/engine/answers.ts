// BEP 6's rule, read from the trace: on a connection where both peers offered the fast extension
// (HANDSHAKE x & HS_FAST at both ends), every request gets exactly one answer, the piece or a reject.
// Requests still unanswered at the end must be waiting in the uploader's queue (requests are queued at
// its end, src/engine/requests.ts); a connection that closed (a leave or a ban) takes its requests with it.
// In a split run the remote end closes one latency after the leave or ban (connections.ts onClose):
// what the remote sends until then on the closed connection goes nowhere and is not counted.
import type { Sim } from '../../src/engine/sim';
import { H_IN_BASE, H_IN_END, H_IN_HEAD, HI, readHalf } from '../../src/engine/ends';
import { HS_FAST, records, T } from '../../src/engine/trace';
import { pairKey } from './rules';

export interface AnswerReport {
  requests: number;
  pieces: number;
  rejects: number;
  /** Answers with no pending request to answer, and unanswered requests not in the uploader's queue. */
  problems: string[];
}

export function checkAnswers(sim: Sim): AnswerReport {
  const offered = new Map<string, number>();
  const fast = new Set<string>();
  // Pending requests by "downloader>uploader", block → count.
  const pending = new Map<string, Map<number, number>>();
  const report: AnswerReport = { requests: 0, pieces: 0, rejects: 0, problems: [] };
  // Peers that left, and pairs closed by a ban: requests and answers between them after that went nowhere.
  const gone = new Set<number>();
  const banned = new Set<string>();
  const closed = (a: number, b: number): boolean => gone.has(a) || gone.has(b) || banned.has(pairKey(a, b));
  const drop = (pred: (d: number, u: number) => boolean) => {
    for (const key of [...pending.keys()]) {
      const [d, u] = key.split('>').map(Number) as [number, number];
      if (pred(d, u)) pending.delete(key);
    }
  };
  for (const r of records(sim.trace)) {
    const dir = (d: number, u: number) => `${d}>${u}`;
    switch (r.kind) {
      case T.HANDSHAKE: {
        const key = pairKey(r.from, r.to);
        const other = offered.get(key);
        if (other === undefined) offered.set(key, r.x);
        else {
          offered.delete(key);
          if ((other & r.x & HS_FAST) !== 0) fast.add(key);
          else fast.delete(key);
        }
        break;
      }
      case T.REFUSED:
        offered.delete(pairKey(r.from, r.to));
        break;
      case T.REQUEST: {
        if (!fast.has(pairKey(r.from, r.to)) || closed(r.from, r.to)) break;
        report.requests++;
        const m = pending.get(dir(r.from, r.to)) ?? new Map<number, number>();
        m.set(r.x, (m.get(r.x) ?? 0) + 1);
        pending.set(dir(r.from, r.to), m);
        break;
      }
      case T.PIECE:
      case T.REJECT: {
        if (closed(r.from, r.to)) break;
        if (!fast.has(pairKey(r.from, r.to))) {
          if (r.kind === T.REJECT) report.problems.push(`reject on a connection without the fast extension: #${r.index}`);
          break;
        }
        if (r.kind === T.PIECE) report.pieces++;
        else report.rejects++;
        const m = pending.get(dir(r.to, r.from));
        const n = m?.get(r.x) ?? 0;
        if (n === 0) report.problems.push(`${r.kind === T.PIECE ? 'piece' : 'reject'} ${r.from}→${r.to} block ${r.x} answers no pending request (#${r.index})`);
        else m!.set(r.x, n - 1);
        break;
      }
      case T.LEAVE:
        gone.add(r.from);
        drop((d, u) => d === r.from || u === r.from);
        for (const key of [...offered.keys()]) if (key.split('-').map(Number).includes(r.from)) offered.delete(key);
        break;
      case T.BANNED:
        banned.add(pairKey(r.from, r.to));
        drop((d, u) => (d === r.from && u === r.to) || (d === r.to && u === r.from));
        fast.delete(pairKey(r.from, r.to));
        break;
    }
  }
  const st = sim.state;
  for (const [key, m] of pending) {
    const [d, u] = key.split('>').map(Number) as [number, number];
    const ends = Array.from({ length: st.halves.length }, (_, id) => readHalf(st, id));
    const h = ends.find((x) => x.peer === u && x.remote === d && x.open);
    const base = h ? st.hi[h.id * HI + H_IN_BASE]! : 0;
    for (const [block, n] of m) {
      if (n === 0) continue;
      let queued = 0;
      if (h) for (let i = st.hi[h.id * HI + H_IN_HEAD]!; i < st.hi[h.id * HI + H_IN_END]!; i += 3) if (st.hq[base + i] === block) queued++;
      if (queued !== n) report.problems.push(`${n} request(s) ${d}→${u} for block ${block} unanswered, ${queued} in the uploader's queue`);
    }
  }
  return report;
}
