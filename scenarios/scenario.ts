import type { MachineParams } from '../model/params.js';
import type { SwarmKnob } from './swarm-knobs.js';

/**
 * A named scenario: the workload, fault plan and bounds of a run, as data (in the manner of
 * FoundationDB's tests/fast/*.toml). Profile and mutants are chosen per run, not per scenario.
 */
export interface Scenario {
  name: string;
  description: string;
  /** What it is for, shown by `list`. */
  purpose: string;
  params: MachineParams;
  /** Seeds the default campaign (`check`, `npm start`) runs. */
  campaignSeeds: number;
  /** Small enough for `explore` to finish; `check` explores it. */
  explorable: boolean;
  /** Default bounds for `explore`. */
  exploreMaxDepth: number;
  exploreMaxStates: number;
  /**
   * Workload knobs each seed of a random campaign draws (scenarios/swarm-knobs.ts), when `swarm`
   * is on. None: every seed runs the workload as `params` give it.
   */
  swarmKnobs?: readonly SwarmKnob[];
}
