import type { Micros } from './clock.js';
import type { Label } from './labels.js';

/**
 * The engine as a model part sees it: the clock, scheduling and cancelling its own events, and
 * the chooser. Nothing else of the simulation is visible to the model (architecture.md "a run is a
 * choice sequence": every decision goes through `choose` or `chance`).
 */
export interface Engine {
  /** Simulated time now, in microseconds. */
  readonly now: Micros;
  /** Schedules event `kind` (a, b) `delay` microseconds from now. */
  after(delay: Micros, kind: number, a: number, b: number): void;
  /** Schedules event `kind` (a, b) at an absolute time (not before now). */
  at(time: Micros, kind: number, a: number, b: number): void;
  /** Removes one pending event `kind` (a, b), if there is one: a timer whose reason is gone. */
  cancel(kind: number, a: number, b: number): boolean;
  /** Uniform choice among n options, 0 = the default (sim/chooser.ts). */
  choose(label: Label, n: number): number;
  /**
   * One of `options` (microseconds, at least one) to wait before event `kind` of `instance`: a
   * uniform choice like `choose`, which also tells the strategy what the delay is for (the PCT
   * strategy answers it by priority). Returns the delay, not its index.
   */
  delay(label: Label, options: readonly Micros[], kind: number, instance: number): Micros;
  /** A biased coin: 1 with `probability` in random runs, a branch in exhaustive ones. */
  chance(label: Label, probability: number): number;
  /** Adds a model note to the trace (a fault striking). */
  note(kind: number, a: number, b: number, c: number): void;
}
