import type { Label } from '../labels.js';
import { prng, RandomStrategy } from './random.js';
import type { Strategy, TieMeasure } from './strategy.js';

/** How a PCT run is set up: its depth, who acts for each event kind, and the change-point range. */
export interface PctOptions {
  /** Bug depth d ≥ 1: d − 1 priority change points. */
  depth: number;
  /** Event kind → actor number (0..actorCount−1); a kind outside it is an actor of its own. */
  actorOf: ArrayLike<number>;
  actorCount: number;
  /** Change points are drawn uniformly from tie points 1..range (the paper's k, estimated). */
  range: number;
}

/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
 * Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010), over the
 * engine's ties. The paper's threads are our actors (each event kind has one, sim/event-table.ts);
 * its scheduling steps are our tie points, the only places where the engine decides which actor
 * goes next (an event due alone has no alternative).
 *
 * Every actor gets a distinct random initial priority d, d+1, …, d+n−1; before the run d − 1 change
 * points are drawn uniformly from tie points 1..range. At a tie the event of the highest-priority
 * actor fires (of several events of that actor, the earliest scheduled: an actor's own steps stay
 * in order). At the i-th change point the actor that would win is first lowered below every
 * initial priority (to d − i, so a later change point ranks lower still), and the tie then goes by
 * the new priorities. The paper shows that a run of n threads and k steps finds a bug of depth d
 * (d ordering constraints) with probability at least 1/(n·k^(d−1)).
 *
 * Every other choice (latencies, faults, workload draws) is answered as the random strategy of the
 * same seed would answer it, from its own stream, so a seed names a PCT run exactly. The answers
 * are ordinary L_TIE choices in the log: a run found by PCT replays through `ReplayStrategy`.
 */
export class PctStrategy implements Strategy {
  private readonly others: RandomStrategy;
  /** Priority by actor number (higher goes first). */
  private readonly priority: Float64Array;
  /** Change points as tie-point numbers (1-based), ascending. */
  readonly changePoints: number[];
  private readonly seen: Uint8Array;
  private actors = 0;
  private tiePoints = 0;
  private nextChange = 0;

  constructor(
    readonly seed: number,
    readonly opts: PctOptions,
  ) {
    if (!Number.isInteger(opts.depth) || opts.depth < 1) throw new Error(`PCT depth must be an integer ≥ 1, not ${opts.depth}`);
    this.others = new RandomStrategy(seed);
    const rng = prng(`eclipse-sim:pct:${seed}`);
    const n = opts.actorCount;
    const order = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rng() * (i + 1));
      const x = order[i];
      order[i] = order[j];
      order[j] = x;
    }
    // One more slot than the actors, ranked above them: kinds without an actor share it (the
    // machine's tables give every kind one, so it is never used there).
    this.priority = new Float64Array(n + 1);
    for (let i = 0; i < n; i++) this.priority[order[i]] = opts.depth + i;
    this.priority[n] = opts.depth + n;
    const range = Math.max(1, Math.floor(opts.range));
    const points: number[] = [];
    for (let i = 1; i < opts.depth; i++) points.push(1 + Math.floor(rng() * range));
    // Drawn in order i = 1..d−1; applied in tie order, each with its own i (its priority d − i).
    this.changePoints = points;
    this.seen = new Uint8Array(n + 1);
  }

  next(label: Label, n: number, probability: number): number {
    return this.others.next(label, n, probability);
  }

  nextTie(kinds: Int32Array, count: number): number {
    this.tiePoints++;
    let best = this.pick(kinds, count);
    const points = this.changePoints;
    for (let i = 0; i < points.length; i++) {
      if (points[i] !== this.tiePoints) continue;
      this.priority[this.actorOf(kinds[best])] = this.opts.depth - (i + 1);
      best = this.pick(kinds, count);
    }
    return best;
  }

  measure(): TieMeasure {
    return { actors: this.actors, tiePoints: this.tiePoints };
  }

  /** The current priority of `actor` (tests). */
  priorityOf(actor: number): number {
    return this.priority[actor];
  }

  private actorOf(kind: number): number {
    const a = kind >= 0 && kind < this.opts.actorOf.length ? this.opts.actorOf[kind] : -1;
    return a >= 0 && a < this.opts.actorCount ? a : this.opts.actorCount;
  }

  /** The earliest-scheduled event of the highest-priority actor among the tied ones. */
  private pick(kinds: Int32Array, count: number): number {
    let best = 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < count; i++) {
      const a = this.actorOf(kinds[i]);
      if (this.seen[a] === 0) {
        this.seen[a] = 1;
        this.actors++;
      }
      const p = this.priority[a];
      if (p > bestPriority) {
        bestPriority = p;
        best = i;
      }
    }
    return best;
  }
}

/**
 * The paper's lower bound on the chance that one run finds a bug of depth d: 1/(n·k^(d−1)), for n
 * threads (actors) and k steps (tie points).
 */
export function pctGuarantee(actors: number, steps: number, depth: number): number {
  const n = Math.max(1, actors);
  const k = Math.max(1, steps);
  return 1 / (n * k ** (depth - 1));
}
