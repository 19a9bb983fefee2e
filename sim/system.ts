import type { Chooser } from './chooser.js';
import type { Hasher64 } from './hash.js';
import type { Violation } from './violation.js';

/**
 * What the explorers drive: a model with its checks, as one steppable system. The scenario layer
 * builds these; sim/ only sees this interface, so it stays free of any kernel knowledge.
 */
export interface SimSystem {
  /** Starts a fresh run answering choices from `chooser`, keeping `keepTrace` trace records. */
  begin(chooser: Chooser, keepTrace: number): void;
  /**
   * Executes one event and runs the checks. Returns false when the run is over: a violation was
   * found, the model is quiescent, or a bound (steps, simulated time) was reached.
   */
  step(): boolean;
  /** The first violation of this run, if any. */
  readonly violation: Violation | null;
  /**
   * Every distinct check this run violated, first one first (a system that keeps going after a
   * violation reports more than one; otherwise this is just the first).
   */
  readonly violations: readonly Violation[];
  /** How the run ended when not by running its course (a machine that did not boot), or null. */
  outcome?(): string | null;
  /** Events executed in this run. */
  readonly steps: number;
  /** Simulated time now, in microseconds. */
  readonly now: number;
  /** Running trace hash, 16 hex digits. */
  traceHash(): string;
  /**
   * Coverage probe counters, added up over every run since the owner last cleared them
   * (observation only: never part of the fingerprint). Absent when the system has none.
   */
  coverageCounts?(): Float64Array;
  /** Mixes everything that can still influence the future into `h` (exhaustive mode). */
  fingerprint(h: Hasher64): void;
  /**
   * The objects all of the system's state is reachable from, for the generic walk of
   * sim/state-walk.ts: the fingerprint audit's full digest, and snapshots.
   */
  stateRoots?(): readonly object[];
  /**
   * Whether the next step may make a choice (a tie between due events, or an event of a kind that
   * has chosen before). A stateful search snapshots only before such steps and re-executes from an
   * earlier snapshot when a guess was wrong, so a wrong answer costs time, never soundness.
   */
  nextStepMayChoose?(): boolean;
}
