import type { Label } from '../labels.js';

/** What a strategy that orders by priority measured of its run: PCT's n and k. */
export interface TieMeasure {
  /** Distinct actors and threads whose priority took part in a tie or a delay (n). */
  actors: number;
  /** Tie points: choices between several events due at the same instant. */
  tiePoints: number;
  /** Delay points: delay choices answered by priority (k is tie points plus delay points). */
  delayPoints: number;
}

/**
 * How a run's choices are answered. One strategy per file (random, replay, dfs, pct), all behind
 * this interface, in the manner of shuttle's `Scheduler` trait.
 */
export interface Strategy {
  /**
   * Answers choice number `index` of the run: a value in 0..n−1. `probability` is the bias of a
   * `chance` (1 = fault) or −1 for a uniform choice.
   */
  next(label: Label, n: number, probability: number, index: number): number;
  /**
   * Optional: answers a tie (label `engine.tie`) knowing who acts. `kinds[0..count)` are the
   * kinds of the events due at the same instant, in scheduling order; the answer indexes them.
   * A strategy without it is asked `next(L_TIE, count, −1, index)`; either way the answer is
   * recorded as one L_TIE choice, so any run replays through `ReplayStrategy`.
   */
  nextTie?(kinds: Int32Array, count: number, index: number): number;
  /**
   * Optional: answers a delay choice knowing what it delays. The model is about to schedule event
   * `kind` of its `instance` (whatever runs as one sequential activity: a client, a process by its
   * pid, one request the device serves; 0 when the part has one) `options[v]` microseconds after
   * `now`; the answer indexes `options` (which need not be sorted). A strategy without it is asked
   * `next(label, options.length, −1, index)`; either way the answer is recorded as one choice of
   * `label`, so any run replays through `ReplayStrategy`.
   */
  nextDelay?(label: Label, options: ArrayLike<number>, kind: number, instance: number, now: number, index: number): number;
  /** Optional: what the strategy measured of the run it answered (a strategy serves one run). */
  measure?(): TieMeasure;
}
