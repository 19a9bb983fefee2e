import { L_TIE, type Label } from './labels.js';
import { ChoiceLog } from './choice-log.js';
import type { Strategy } from './strategy/strategy.js';

/**
 * The only source of nondeterminism the model may use. Every decision (which due event fires, a
 * latency, whether a fault strikes) is `choose(label, n)` → 0..n−1, where 0 always means the
 * default: no fault, the earliest event, the first option. The chooser asks its strategy and
 * records the answer, so every run is a choice sequence that replays exactly.
 */
export class Chooser {
  readonly log = new ChoiceLog();

  constructor(public strategy: Strategy) {}

  /** Uniform choice among n options; n ≤ 1 answers 0 and is not recorded. */
  choose(label: Label, n: number): number {
    if (n <= 1) return 0;
    const v = this.strategy.next(label, n, -1, this.log.length);
    this.log.push(label, v, n);
    return v;
  }

  /**
   * Which of `count` events due at the same instant fires: `kinds[0..count)` are theirs, in
   * scheduling order. Recorded as a uniform L_TIE choice whatever the strategy asked.
   */
  chooseTie(kinds: Int32Array, count: number): number {
    if (count <= 1) return 0;
    const s = this.strategy;
    const v = s.nextTie ? s.nextTie(kinds, count, this.log.length) : s.next(L_TIE, count, -1, this.log.length);
    this.log.push(L_TIE, v, count);
    return v;
  }

  /**
   * Which of `options` (delays in microseconds) to wait from `now` before event `kind` of `instance`
   * (sim/strategy/strategy.ts, `nextDelay`): the index of the one taken. Recorded as a uniform choice of
   * `label` among options.length, exactly as `choose(label, options.length)` would be, so a
   * strategy that does not look at delays (random, dfs, replay) runs the same as with `choose`.
   */
  chooseDelay(label: Label, options: ArrayLike<number>, kind: number, instance: number, now: number): number {
    const n = options.length;
    if (n <= 1) return 0;
    const s = this.strategy;
    const v = s.nextDelay ? s.nextDelay(label, options, kind, instance, now, this.log.length) : s.next(label, n, -1, this.log.length);
    this.log.push(label, v, n);
    return v;
  }

  /**
   * A biased coin: 1 with `probability` under random exploration, a two-way branch under
   * exhaustive exploration. A probability of 0 or less answers 0 and is not recorded.
   */
  chance(label: Label, probability: number): number {
    if (!(probability > 0)) return 0;
    const v = this.strategy.next(label, 2, probability, this.log.length);
    this.log.push(label, v, 2);
    return v;
  }

  /** Starts a new run with the same or another strategy. */
  reset(strategy?: Strategy): void {
    if (strategy) this.strategy = strategy;
    this.log.reset();
  }
}
