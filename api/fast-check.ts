/**
 * `eclipse-sim/fast-check`: arbitraries for property tests that drive the simulator.
 *
 * A choice stream answers the model's choices in order (see `runChoices`): 0 is always the
 * default (no fault, the earliest event, the fastest latency), so fast-check's shrinker — dropping
 * values and moving them towards 0 — turns a failing stream into a simpler failing run, much as
 * the simulator's own shrinker does. Streams are mostly zeros, as real runs mostly take defaults.
 *
 *   fc.assert(fc.property(choiceStreams(), (c) => runChoices('virtio-small', c).violation === null));
 */
import fc from 'fast-check';
import { runChoices, type Run, type TargetOptions } from './index.js';

/** Seeds for `runSeed` (1 … 2^31 − 1 by default). */
export function seeds(options: { min?: number; max?: number } = {}): fc.Arbitrary<number> {
  return fc.integer({ min: options.min ?? 1, max: options.max ?? 0x7fffffff });
}

export interface ChoiceStreamOptions {
  /** Longest stream (default 400); choices past its end are 0. */
  maxLength?: number;
  /** Largest value (default 7); a value too large for a choice takes its largest option. */
  maxValue?: number;
  /** Share of non-default values, 0 … 1 (default 0.1). */
  density?: number;
}

/** Choice streams for `runChoices`: sparse non-zero values that shrink towards the all-default run. */
export function choiceStreams(options: ChoiceStreamOptions = {}): fc.Arbitrary<number[]> {
  const density = Math.min(1, Math.max(0, options.density ?? 0.1));
  const zeroWeight = Math.max(1, Math.round((1 - density) * 100));
  const valueWeight = Math.max(1, Math.round(density * 100));
  const value = fc.oneof({ weight: zeroWeight, arbitrary: fc.constant(0) }, { weight: valueWeight, arbitrary: fc.integer({ min: 1, max: Math.max(1, options.maxValue ?? 7) }) });
  return fc.array(value, { maxLength: options.maxLength ?? 400 });
}

/**
 * A property: no run of `scenario` under a generated choice stream breaks a check. Its
 * counterexample (fast-check's shrunk stream) replays with `runChoices(scenario, stream, options)`.
 */
export function noViolation(scenario: string, options: TargetOptions & ChoiceStreamOptions = {}): fc.IPropertyWithHooks<[number[]]> {
  return fc.property(choiceStreams(options), (stream) => runChoices(scenario, stream, options).violation === null);
}

export type { Run };
