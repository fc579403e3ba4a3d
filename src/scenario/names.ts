// Peer names after `count` expansion. One name table serves validation (clashes, event targets) and
// resolution (event → peer indices), so the two can never disagree.

export interface NamedEntry {
  name: string;
  count?: number | undefined;
}

/** The peer names an entry stands for: its own name, or `name-1` … `name-N` when it has a count. */
export function memberNames(entry: NamedEntry): string[] {
  if (entry.count === undefined) return [entry.name];
  const names: string[] = [];
  for (let i = 1; i <= entry.count; i++) names.push(`${entry.name}-${i}`);
  return names;
}

export interface NameTarget {
  /** Index into the entries (the scenario's `peers` array). */
  entry: number;
  /** Indices into the expanded peers, in member order. */
  peers: number[];
}

export interface NameClash {
  name: string;
  /** The later entry, where the clash is reported. */
  entry: number;
  /** The earlier entry that already uses the name. */
  other: number;
}

export interface NameTable {
  /** Every name an event may use: single peers, groups and group members. */
  targets: Map<string, NameTarget>;
  /** First clash per entry. */
  clashes: NameClash[];
}

/**
 * Expanded peers are numbered in file order, groups expanded in place. A group name and its members'
 * names live in one namespace with single peers' names, so an event's `peer` always means one thing.
 */
export function buildNameTable(entries: readonly NamedEntry[]): NameTable {
  const targets = new Map<string, NameTarget>();
  const clashes: NameClash[] = [];
  let next = 0;
  entries.forEach((entry, index) => {
    const members = memberNames(entry);
    const first = next;
    next += members.length;
    let clashed = false;
    const claim = (name: string, peers: number[]): void => {
      const existing = targets.get(name);
      if (existing) {
        if (!clashed) clashes.push({ name, entry: index, other: existing.entry });
        clashed = true;
        return;
      }
      targets.set(name, { entry: index, peers });
    };
    if (entry.count === undefined) {
      claim(entry.name, [first]);
    } else {
      claim(
        entry.name,
        members.map((_, i) => first + i),
      );
      members.forEach((name, i) => claim(name, [first + i]));
    }
  });
  return { targets, clashes };
}
