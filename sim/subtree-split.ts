import type { ChoiceLog } from './choice-log.js';

/**
 * Work stealing for a parallel search: what a depth-first explorer gives away when another worker
 * is idle. Between paths an explorer holds the prefix its next path replays (the last path's
 * choices up to the choice point it bumped, that one bumped) and explores only choice sequences
 * beginning with its first `floor` choices. The untried options at a choice point of that prefix
 * are those above the value the prefix takes there: depth-first order tries them only after
 * everything below the prefix's value. The shallowest such choice point at or past the floor
 * holds the biggest unexplored subtrees; each of its untried options becomes one prefix to hand
 * out, and the explorer's floor moves past that choice point so it no longer tries them itself.
 * Choice points past the prefix are not known yet (the next path discovers them) and stay.
 */
export interface Split {
  /** The subtrees given away, one prefix of choices each. */
  prefixes: number[][];
  /** The explorer's new floor. */
  floor: number;
}

export function splitUntried(log: ChoiceLog, prefix: Int32Array, prefixLength: number, floor: number): Split | null {
  for (let j = floor; j < prefixLength; j++) {
    const next = prefix[j];
    const count = log.counts[j];
    if (next + 1 >= count) continue;
    const head = Array.from(prefix.subarray(0, j));
    const prefixes: number[][] = [];
    for (let v = next + 1; v < count; v++) prefixes.push([...head, v]);
    return { prefixes, floor: j + 1 };
  }
  return null;
}

/**
 * Where a depth-first explorer is in its subtree — the bookkeeping both explorers (sim/explore.ts,
 * sim/explore-stateful.ts) share: the prefix the next path replays, the floor below which
 * backtracking never bumps a choice point (the subtree's prefix length, raised by `split`), and
 * whether a path of the subtree has run yet (only then does the choice log describe the prefix).
 */
export class SubtreeCursor {
  /** The choices the next path replays: the first `prefixLength` entries. */
  prefix = new Int32Array(256);
  prefixLength = 0;
  /** Backtracking never bumps a choice point below this one. */
  floor = 0;
  /** A path of the current subtree has run, so the choice log describes it (for `split`). */
  ran = false;

  /** The next paths explore exactly the choice sequences beginning with `prefix`. */
  restartUnder(prefix: readonly number[]): void {
    this.reserve(prefix.length);
    this.prefix.set(prefix);
    this.prefixLength = this.floor = prefix.length;
    this.ran = false;
  }

  /** Gives away the untried options of the shallowest open choice point (`splitUntried`); none before a path has run. */
  split(log: ChoiceLog): number[][] {
    if (!this.ran) return [];
    const s = splitUntried(log, this.prefix, this.prefixLength, this.floor);
    if (!s) return [];
    this.floor = s.floor;
    return s.prefixes;
  }

  /**
   * After a path whose choices are in `log`: bumps the deepest choice point at or above the floor
   * with an untried option, and makes the next prefix the path's choices up to it. Returns that
   * choice point's index, or −1 when the subtree has none left (it is explored).
   */
  backtrack(log: ChoiceLog): number {
    this.ran = true;
    let i = log.length - 1;
    while (i >= this.floor && log.values[i] + 1 >= log.counts[i]) i--;
    if (i < this.floor) return -1;
    this.reserve(i + 1);
    for (let j = 0; j < i; j++) this.prefix[j] = log.values[j];
    this.prefix[i] = log.values[i] + 1;
    this.prefixLength = i + 1;
    return i;
  }

  /** Room for `n` choices in `prefix` (its old contents are not kept: callers overwrite them). */
  private reserve(n: number): void {
    if (this.prefix.length < n) this.prefix = new Int32Array(Math.max(this.prefix.length * 2, n));
  }
}
