import { Chooser } from './chooser.js';
import type { Label } from './labels.js';
import type { Strategy } from './strategy/strategy.js';
import type { SimSystem } from './system.js';
import type { Violation } from './violation.js';

/** The outcome of one run. */
export interface RunResult {
  violation: Violation | null;
  /** Every distinct check violated, first one first. */
  violations: Violation[];
  /** The system's note on how the run ended (e.g. a boot failure), or null. */
  outcome: string | null;
  steps: number;
  time: number;
  traceHash: string;
  /** The choice values taken, in order. */
  choices: number[];
  /** The label of each choice. */
  labels: Label[];
}

/** Runs `system` to its end under `strategy`. */
export function runOnce(system: SimSystem, strategy: Strategy, keepTrace = 0, chooser?: Chooser): RunResult {
  const ch = chooser ?? new Chooser(strategy);
  ch.reset(strategy);
  system.begin(ch, keepTrace);
  while (system.step()) {
    // the system runs its checks after every step and stops on a violation or a bound
  }
  return {
    violation: system.violation,
    violations: [...system.violations],
    outcome: system.outcome ? system.outcome() : null,
    steps: system.steps,
    time: system.now,
    traceHash: system.traceHash(),
    choices: ch.log.valuesArray(),
    labels: ch.log.labelsArray(),
  };
}
