/**
 * A check that failed: which check (stable id from invariants.md), at which step and simulated
 * time, and what was seen. The message is built only when a check fails, never in the hot loop.
 */
export interface Violation {
  check: string;
  step: number;
  time: number;
  message: string;
}

/** Check id used when the model itself threw: a model bug, reported with its replay file. */
export const MODEL_CRASH = 'MODEL-CRASH';

/**
 * Check id used when the model would have hung: a loop inside an event exceeded its work bound
 * (sim/work-bound.ts), or, in a campaign, a run outlived the wall-clock watchdog. A model bug,
 * reported with its replay file like MODEL-CRASH.
 */
export const MODEL_HANG = 'MODEL-HANG';
