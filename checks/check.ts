import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import type { Probes } from '../model/probes.js';
import type { Simulation } from '../sim/simulation.js';
import type { Machine } from '../model/machine.js';
import type { StateDecl } from '../sim/state-walk.js';

/** One check of invariants.md, by its stable id. */
export interface CheckInfo {
  id: string;
  subsystem: string;
  kind: 'safety' | 'progress';
  title: string;
}

/**
 * A family of checks in one file (as TigerBeetle keeps state_checker.zig and storage_checker.zig
 * apart). After every step the family reads the step's probes and the model state and returns the
 * first violation it sees; at the end of a run it judges what was left undone. Its ghost state is
 * part of the state fingerprint.
 */
export interface CheckFamily {
  readonly checks: readonly CheckInfo[];
  /**
   * Which violations may end the run (the `--only` filter). A family reads every probe of a step
   * whatever it finds, so its ghost state stays in step when a violation is filtered out.
   */
  selected: (id: string) => boolean;
  begin(): void;
  afterStep(): Violation | null;
  /** `quiescent`: no event is pending, so nothing outstanding can ever happen. */
  atEnd(quiescent: boolean): Violation | null;
  fingerprint(h: Hasher64, now: number): void;
}

/** A violation of check `id`, at the simulation's current step and time. */
export function violationAt(sim: Simulation, id: string, message: string): Violation {
  return { check: id, step: sim.steps, time: sim.now, message };
}

/** A family's per-probe handler: returns a violation the probe reveals, or null. */
export type ProbeHandler = (kind: number, a: number, b: number, c: number) => Violation | null;

/**
 * Hands every probe of the step to `onProbe` — all of them, even after a violation, so the
 * family's ghost state stays in step — and returns the first violation `selected` lets through.
 */
export function readProbes(probes: Probes, onProbe: ProbeHandler, selected: (id: string) => boolean): Violation | null {
  const buf = probes.buf;
  let first: Violation | null = null;
  for (let i = 0; i < probes.count; i++) {
    const k = i * 4;
    const v = onProbe(buf[k], buf[k + 1], buf[k + 2], buf[k + 3]);
    if (v && first === null && selected(v.check)) first = v;
  }
  return first;
}

/**
 * The skeleton every family shares: the `--only` filter (`selected`), violations stamped with the
 * current step and time (`fail`), and reading every probe of a step (`readStepProbes`). A family
 * extends it and implements begin, afterStep, atEnd and fingerprint.
 */
export abstract class CheckFamilyBase implements CheckFamily {
  /** For the fingerprint audit: a family's catalogue and its selection are fixed for the run. */
  static readonly stateDecl: StateDecl = { fixed: ['checks', 'selected'] };

  abstract readonly checks: readonly CheckInfo[];
  selected: (id: string) => boolean = () => true;

  constructor(protected readonly m: Machine) {}

  /** A violation of check `id` now. */
  protected fail(id: string, message: string): Violation {
    return violationAt(this.m.sim, id, message);
  }

  /** Every probe of the step through `onProbe`; the first violation the filter lets through. */
  protected readStepProbes(onProbe: ProbeHandler): Violation | null {
    return readProbes(this.m.probes, onProbe, this.selected);
  }

  /** `v` if the filter lets it through, else null. */
  protected pass(v: Violation | null): Violation | null {
    return v && this.selected(v.check) ? v : null;
  }

  abstract begin(): void;
  abstract afterStep(): Violation | null;
  abstract atEnd(quiescent: boolean): Violation | null;
  abstract fingerprint(h: Hasher64, now: number): void;
}
