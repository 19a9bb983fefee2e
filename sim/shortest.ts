import type { ExploreOptions, ExploreResult, ExplorerLike } from './explore.js';

/**
 * Shortest counterexamples (`explore --shortest`) by iterative deepening on the depth bound.
 * Depth-first search with a depth bound D and a state store that re-explores a state reached
 * shallower than before visits every state within D events of the start, so it finds a violation
 * within D events exactly when one exists. The first, unbounded search gives an upper bound (the
 * length of the violation it found); a binary search on D then narrows it to the least D with a
 * violation, whose violation has exactly D events. A bounded search that stopped for another
 * reason (the state bound, memory) proves nothing below its D, and the result says so.
 */
export interface ShortestResult {
  /** The depth-first search's own result (its first violation, if any). */
  readonly first: ExploreResult;
  /** The shortest violation found: the first search's, or a shorter one. Null if none. */
  readonly shortest: ExploreResult['violations'][number] | null;
  /** Its length in events. */
  readonly events: number;
  /** The first search's violation's length in events. */
  readonly firstEvents: number;
  /** True when every shorter bound was searched completely: no violation is shorter. */
  readonly proven: boolean;
  /** The bounded searches run, with their bounds and outcomes. */
  readonly searches: { depth: number; states: number; found: number | null; complete: boolean }[];
}

/** Length of a violation in events: the step it happened at. */
function lengthOf(v: ExploreResult['violations'][number]): number {
  return v.violation.step;
}

export function* shortestViolation(make: (opts: ExploreOptions) => ExplorerLike, opts: ExploreOptions, first: ExploreResult, slice = 500): Generator<ExplorerLike, ShortestResult> {
  const searches: ShortestResult['searches'] = [];
  const v0 = first.violations[0] ?? null;
  if (!v0) return { first, shortest: null, events: 0, firstEvents: 0, proven: false, searches };
  let best = v0;
  let hi = lengthOf(v0);
  let lo = 0; // no violation within lo events (0: trivially)
  let proven = true;
  while (lo + 1 < hi) {
    const mid = (lo + hi) >> 1;
    const e = make({ ...opts, maxDepth: mid, stopAtFirstViolation: true });
    while (!e.advance(slice)) yield e;
    const r = e.result;
    const v = r.violations[0] ?? null;
    searches.push({ depth: mid, states: r.states, found: v ? lengthOf(v) : null, complete: r.complete || r.stoppedBy === 'depth' });
    if (r.stoppedBy === 'interrupt') {
      proven = false;
      break;
    }
    if (v) {
      best = v;
      hi = lengthOf(v);
    } else if (r.complete || r.stoppedBy === 'depth') {
      lo = mid;
    } else {
      // Stopped by the state bound or memory: nothing is proven below mid; keep what we have.
      proven = false;
      break;
    }
  }
  return { first, shortest: best, events: hi, firstEvents: lengthOf(v0), proven, searches };
}
