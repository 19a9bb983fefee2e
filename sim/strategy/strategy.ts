import type { Label } from '../labels.js';

/**
 * How a run's choices are answered. One strategy per file (random, replay, dfs), all behind
 * this interface, in the manner of shuttle's `Scheduler` trait.
 */
export interface Strategy {
  /**
   * Answers choice number `index` of the run: a value in 0..n−1. `probability` is the bias of a
   * `chance` (1 = fault) or −1 for a uniform choice.
   */
  next(label: Label, n: number, probability: number, index: number): number;
}
