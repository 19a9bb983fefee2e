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
