import { labelName, type Label } from '../labels.js';
import type { Strategy } from './strategy.js';

/** Thrown when a strict replay meets a choice that does not match the recording. */
export class ReplayDivergence extends Error {
  constructor(
    readonly index: number,
    readonly expected: string,
    readonly actual: string,
  ) {
    super(`replay diverged at choice ${index}: recorded ${expected}, the model asked ${actual}`);
  }
}

/**
 * Replays a recorded choice sequence. Choices past its end are answered 0 (the default), which is
 * why a replay file may drop trailing zeros. Strict replay (a user's replay file) fails on the first
 * label or range mismatch; lenient replay (shrinking, where edits make mismatches expected) clamps
 * the value into range and carries on.
 */
export class ReplayStrategy implements Strategy {
  constructor(
    readonly values: ArrayLike<number>,
    readonly labels: ArrayLike<Label> | null,
    readonly strict: boolean,
  ) {}

  next(label: Label, n: number, _probability: number, index: number): number {
    if (index >= this.values.length) return 0;
    const v = this.values[index];
    if (this.strict) {
      if (this.labels && this.labels[index] !== label) {
        throw new ReplayDivergence(index, labelName(this.labels[index]), labelName(label));
      }
      if (v < 0 || v >= n) {
        throw new ReplayDivergence(index, `${labelName(label)}=${v}`, `${labelName(label)} with ${n} options`);
      }
      return v;
    }
    return v < n ? (v < 0 ? 0 : v) : n - 1;
  }
}
