/**
 * What every model part is given (and all it may see of the rest of the world): the engine's small
 * interface, the probe sink, the fault plan, the profile and the planted bugs. Parts that talk to a
 * neighbour get that neighbour as an explicit port next to this (model/machine.ts wires them);
 * no part holds the machine.
 */
import type { Engine } from '../sim/engine.js';
import type { Coverage } from './coverage.js';
import type { Faults } from './faults.js';
import type { MutantSet } from './mutants.js';
import type { Profile } from './profile.js';

/** Where parts record probes for the checks (model/probes.ts). */
export interface ProbeSink {
  add(kind: number, a: number, b: number, c: number): void;
}

export interface ModelContext {
  readonly engine: Engine;
  readonly probes: ProbeSink;
  /** Coverage probe counters (model/coverage.ts): observation only, never read by the model. */
  readonly coverage: Coverage;
  readonly faults: Faults;
  readonly profile: Profile;
  readonly mutants: MutantSet;
}
