/**
 * What the main thread and the workers of a parallel exploration tell each other
 * (cli/explore-pool.ts, cli/explore-worker.ts): the setup each worker starts from, the messages,
 * and the layout of the shared control words.
 */
import type { MachineParams } from '../model/params.js';
import type { ExploreOptions, ExploreResult } from '../sim/explore.js';
import type { Violation } from '../sim/violation.js';

export interface ExploreWorkerSetup {
  index: number;
  target: { scenario: string; profile: string; mutants: string[]; overrides?: Partial<MachineParams>; image?: Uint8Array; checks?: string[] };
  opts: Omit<ExploreOptions, 'store' | 'audit'>;
  search: 'stateful' | 'stateless';
  /** The SharedFingerprintTable's buffer. */
  table: SharedArrayBuffer;
  /** Int32 control words (see below). */
  control: SharedArrayBuffer;
  /** Send the coverage probe counters with each result. */
  coverage: boolean;
}

export type ToExploreWorker = { kind: 'piece'; prefix: number[] };

export interface WorkerTotals {
  transitions: number;
  executedSteps: number;
  runs: number;
  maxDepth: number;
  snapshot: { bytes: number; stride: number } | null;
}

export type FromExploreWorker =
  /** Subtrees given away on request. */
  | { kind: 'pieces'; prefixes: number[][] }
  /**
   * A subtree is done: how it ended (`halted`: the stop flag ended it), the violations it found
   * (labels by name: label ids are per thread), and the worker's counters so far.
   */
  | { kind: 'done'; stoppedBy: ExploreResult['stoppedBy'] | 'halted'; violations: Array<{ violation: Violation; choices: number[]; labels: string[] }>; totals: WorkerTotals; coverage: number[] | null };

/** Control word 0: nonzero stops every worker at its next slice. */
export const CONTROL_STOP = 0;
/** Each worker's words start on a line of their own (16 words, 64 bytes), after the stop flag's. */
const STRIDE = 16;

export function controlWords(workers: number): number {
  return STRIDE * (workers + 1);
}

/** Nonzero: the main thread asks this worker to give work away. */
export function stealWord(index: number): number {
  return STRIDE * (index + 1);
}

/** Where a worker publishes its path depth, stack size and deepest path (for the progress line). */
export function statsWords(index: number): { depth: number; stack: number; deepest: number } {
  const at = STRIDE * (index + 1);
  return { depth: at + 1, stack: at + 2, deepest: at + 3 };
}
