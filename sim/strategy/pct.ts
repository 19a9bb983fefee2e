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
  /**
   * Change points are drawn uniformly from scheduling points 1..range (the paper's k, estimated):
   * tie points, and delay points when delays are answered by priority.
   */
  range: number;
  /**
   * Whether delay choices are scheduling points answered by priority (the default). False: only
   * ties are, and delays are drawn as the random strategy draws them (the strategy as it was
   * before delays counted; the bench compares the two).
   */
  delays?: boolean;
}

/** A delay thread's key is actor · 2^20 + instance (instances are taken modulo 2^20). */
const INSTANCE_BITS = 2 ** 20;

/**
 * PCT, probabilistic concurrency testing (Burckhardt, Kothari, Musuvathi, Nagarakatte, "A
 * Randomized Scheduler with Probabilistic Guarantees of Finding Bugs", ASPLOS 2010), over the
 * engine's scheduling decisions: ties and delays. The paper's threads are our actors (each event
 * kind has one, sim/event-table.ts) and the activities the model names when it draws a delay (a
 * client, a process, one request the device serves: `Engine.delay`); its scheduling steps are our
 * scheduling points, the tie points and the delay points.
 *
 * Why a delay is a scheduling decision. In a timed model an event fires when it is due, so the
 * order of two threads' steps is set by the delays drawn before them: a device latency decides
 * whether the I/O completes before or after the driver's next steps, or before or after another
 * request's I/O; a think time whether a client asks before or after the other. A tie (events due
 * at the same instant) is the only other place where the order is open. Those are where PCT's
 * scheduler acts. Every other choice (faults, workload draws) is not an order and is answered as
 * the random strategy of the same seed answers it.
 *
 * Priorities. Every actor gets a distinct random initial priority d, d+1, …, d+n−1, drawn as
 * before delays counted (a seed ranks the actors in the same order). A delay thread gets one when
 * first seen, at a uniformly random place among the initial priorities held so far: the order of
 * all of a run's actors and threads is a uniformly random permutation, as the paper's is. Before
 * the run d − 1 change points are drawn uniformly from scheduling points 1..range; at the i-th,
 * the actor or thread that decides it is first lowered below every initial priority (to d − i, so
 * a later change point ranks lower still), and the point is then decided by the new priorities.
 *
 * A tie goes to the event of the highest-priority actor (of several events of that actor, the
 * earliest scheduled: an actor's own steps stay in order). A delay goes by the priority of the
 * thread whose step it delays, the higher the earlier: of its m options sorted by length it takes
 * position round((1 − q)·(m − 1)), where q is the share of its competitors the thread outranks
 * (q = 1: the shortest, q = 0: the longest, the middle ranks in between). Its competitors are the
 * other threads whose delayed step is still due (the other request in the device, the other
 * client thinking), whose order against this step the delay sets; with none due, the actors other
 * than its own, whose steps come at fixed delays.
 *
 * The paper shows that a run of n threads and k steps finds a bug of depth d (d ordering
 * constraints) with probability at least 1/(n·k^(d−1)); here n counts the actors and threads whose
 * priorities took part in a tie or a delay, and k the scheduling points. The answers are ordinary
 * choices in the log (L_TIE for a tie, the delay's own label for a delay): a run found by PCT
 * replays through `ReplayStrategy`.
 */
export class PctStrategy implements Strategy {
  private readonly others: RandomStrategy;
  private readonly rng: () => number;
  /** Priority by thread id (higher goes first). */
  private priority: Float64Array;
  /** Actors and threads that still hold an initial priority (≥ d), lowest first. */
  private readonly ranked: number[] = [];
  /** Change points as scheduling-point numbers (1-based), in the order drawn. */
  readonly changePoints: number[];
  /** (actor, instance) key → thread id. */
  private readonly threads = new Map<number, number>();
  /** The delay threads whose step is still due: thread id and due time, flat. */
  private readonly due: number[] = [];
  private seen: Uint8Array;
  private deciders = 0;
  private tiePoints = 0;
  private delayPoints = 0;
  private threadCount: number;
  private readonly sorted: number[] = [];

  constructor(
    readonly seed: number,
    readonly opts: PctOptions,
  ) {
    if (!Number.isInteger(opts.depth) || opts.depth < 1) throw new Error(`PCT depth must be an integer ≥ 1, not ${opts.depth}`);
    this.others = new RandomStrategy(seed);
    const rng = prng(`eclipse-sim:pct:${seed}`);
    this.rng = rng;
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
    this.threadCount = n + 1;
    this.priority = new Float64Array(Math.max(16, 2 * (n + 1)));
    for (let i = 0; i < n; i++) this.ranked.push(order[i]);
    this.ranked.push(n);
    for (let i = 0; i <= n; i++) this.priority[this.ranked[i]] = opts.depth + i;
    const range = Math.max(1, Math.floor(opts.range));
    const points: number[] = [];
    for (let i = 1; i < opts.depth; i++) points.push(1 + Math.floor(rng() * range));
    // Drawn in order i = 1..d−1; applied in scheduling order, each with its own i (priority d − i).
    this.changePoints = points;
    this.seen = new Uint8Array(this.priority.length);
    if (opts.delays === false) this.nextDelay = undefined;
  }

  next(label: Label, n: number, probability: number): number {
    return this.others.next(label, n, probability);
  }

  nextTie(kinds: Int32Array, count: number): number {
    const point = this.tiePoints + this.delayPoints + 1;
    this.tiePoints++;
    let best = this.pick(kinds, count);
    const points = this.changePoints;
    for (let i = 0; i < points.length; i++) {
      if (points[i] !== point) continue;
      this.lower(this.actorOf(kinds[best]), i);
      best = this.pick(kinds, count);
    }
    return best;
  }

  /** Answers a delay by the rank of the thread it delays among its competitors (class comment). */
  nextDelay?: (label: Label, options: ArrayLike<number>, kind: number, instance: number, now: number, index: number) => number = (label, options, kind, instance, now) => {
    const point = this.tiePoints + this.delayPoints + 1;
    this.delayPoints++;
    // Drawn and dropped, so that the i-th choice other than a tie draws the seed's i-th random
    // number whatever the delays: faults and workload get the numbers they get under random.
    this.others.next(label, options.length, -1);
    const actor = this.actorOf(kind);
    const thread = this.threadOf(actor, instance);
    const due = this.due;
    let w = 0;
    for (let i = 0; i < due.length; i += 2) {
      if (due[i] === thread || due[i + 1] < now) continue;
      due[w++] = due[i];
      due[w++] = due[i + 1];
    }
    due.length = w;
    const points = this.changePoints;
    for (let i = 0; i < points.length; i++) if (points[i] === point) this.lower(thread, i);
    this.note(thread);
    const p = this.priority[thread];
    let outranked = 0;
    let competitors = 0;
    if (w > 0) {
      for (let i = 0; i < w; i += 2) {
        competitors++;
        this.note(due[i]);
        if (this.priority[due[i]] < p) outranked++;
      }
    } else {
      for (let a = 0; a < this.opts.actorCount; a++) {
        if (a === actor) continue;
        competitors++;
        this.note(a);
        if (this.priority[a] < p) outranked++;
      }
    }
    const q = competitors > 0 ? outranked / competitors : 1;
    const m = options.length;
    const s = this.sorted;
    s.length = m;
    for (let i = 0; i < m; i++) s[i] = i;
    s.sort((x, y) => options[x] - options[y] || x - y);
    const v = s[Math.round((1 - q) * (m - 1))];
    due.push(thread, now + options[v]);
    return v;
  };

  measure(): TieMeasure {
    return { actors: this.deciders, tiePoints: this.tiePoints, delayPoints: this.delayPoints };
  }

  /** The current priority of `actor` (tests). */
  priorityOf(actor: number): number {
    return this.priority[actor];
  }

  /** The current priority of the delay thread (actor, instance), if it was seen (tests). */
  threadPriority(actor: number, instance: number): number | undefined {
    const id = this.threads.get(actor * INSTANCE_BITS + (instance % INSTANCE_BITS));
    return id === undefined ? undefined : this.priority[id];
  }

  private actorOf(kind: number): number {
    const a = kind >= 0 && kind < this.opts.actorOf.length ? this.opts.actorOf[kind] : -1;
    return a >= 0 && a < this.opts.actorCount ? a : this.opts.actorCount;
  }

  /** The thread id of (actor, instance); a new thread is ranked at a random place. */
  private threadOf(actor: number, instance: number): number {
    const key = actor * INSTANCE_BITS + (((instance % INSTANCE_BITS) + INSTANCE_BITS) % INSTANCE_BITS);
    const known = this.threads.get(key);
    if (known !== undefined) return known;
    const id = this.threadCount++;
    if (id >= this.priority.length) {
      const p = new Float64Array(this.priority.length * 2);
      p.set(this.priority);
      this.priority = p;
      const s = new Uint8Array(p.length);
      s.set(this.seen);
      this.seen = s;
    }
    this.threads.set(key, id);
    const at = Math.floor(this.rng() * (this.ranked.length + 1));
    this.ranked.splice(at, 0, id);
    // Renumbered d, d+1, …: the order is what counts, and stays above every lowered priority.
    for (let i = 0; i < this.ranked.length; i++) this.priority[this.ranked[i]] = this.opts.depth + i;
    return id;
  }

  /** The i-th change point (0-based): `thread` goes below every initial priority, to d − (i + 1). */
  private lower(thread: number, i: number): void {
    const at = this.ranked.indexOf(thread);
    if (at >= 0) this.ranked.splice(at, 1);
    this.priority[thread] = this.opts.depth - (i + 1);
  }

  private note(thread: number): void {
    if (this.seen[thread] === 0) {
      this.seen[thread] = 1;
      this.deciders++;
    }
  }

  /** The earliest-scheduled event of the highest-priority actor among the tied ones. */
  private pick(kinds: Int32Array, count: number): number {
    let best = 0;
    let bestPriority = -Infinity;
    for (let i = 0; i < count; i++) {
      const a = this.actorOf(kinds[i]);
      this.note(a);
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
 * threads and k scheduling steps.
 */
export function pctGuarantee(actors: number, steps: number, depth: number): number {
  const n = Math.max(1, actors);
  const k = Math.max(1, steps);
  return 1 / (n * k ** (depth - 1));
}
