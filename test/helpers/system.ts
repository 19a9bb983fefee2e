/**
 * Builders shared by the tests: targets, systems stepped by hand to a chosen state, and a small
 * wrapper running a fast-check property under ava.
 */
import type { ExecutionContext } from 'ava';
import fc from 'fast-check';
import { Chooser } from '../../sim/chooser.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import type { MachineParams } from '../../model/params.js';
import type { Machine } from '../../model/machine.js';
import { makeSystem, resolveTarget, type Target } from '../../scenarios/operations.js';
import type { ScenarioSystem } from '../../scenarios/system.js';

export interface TargetSpec {
  scenario: string;
  profile?: string;
  mutants?: string[];
  overrides?: Partial<MachineParams>;
}

export function target(spec: TargetSpec): Target {
  const t = resolveTarget(spec.scenario, spec.profile ?? 'reference', spec.mutants ?? []);
  return spec.overrides ? { ...t, overrides: spec.overrides } : t;
}

/** A system that has begun a run of `seed` and not stepped yet. */
export function begun(spec: TargetSpec, seed: number): ScenarioSystem {
  const system = makeSystem(target(spec));
  system.begin(new Chooser(new RandomStrategy(seed)), 0);
  return system;
}

export interface Reached {
  system: ScenarioSystem;
  machine: Machine;
  seed: number;
}

/**
 * Steps runs of seeds 1, 2, … until, right after some step (whose checks all passed), `pred` holds
 * of the machine. The returned system is paused there with that step's probes already judged; a
 * test clears the probes before adding its own. Throws if no seed in the range gets there.
 */
export function reach(spec: TargetSpec, pred: (m: Machine) => boolean, maxSeed = 100): Reached {
  for (let seed = 1; seed <= maxSeed; seed++) {
    const system = begun(spec, seed);
    while (system.step()) {
      if (pred(system.machine)) return { system, machine: system.machine, seed };
    }
  }
  throw new Error(`no seed in 1..${maxSeed} of ${spec.scenario} reached the wanted state`);
}

/** Runs a fast-check property as one ava assertion (fast-check's report, with seed and path, on failure). */
export function holds(t: ExecutionContext, property: fc.IProperty<unknown> | fc.IPropertyWithHooks<unknown>, params: fc.Parameters<unknown> = {}): void {
  try {
    fc.assert(property as fc.IProperty<unknown>, params);
    t.pass();
  } catch (e) {
    t.fail((e as Error).message);
  }
}
