/**
 * The shared skeleton of the tests' tiny event-driven systems (toy-actors.ts, delay-toy.ts): a
 * Simulation whose events the subclass handles, a trace hash, `order` (the kinds that acted, in
 * order), and a violation named `check` as soon as `broken()` holds after a step.
 */
import { Chooser } from '../../sim/chooser.js';
import { Hasher64 } from '../../sim/hash.js';
import { Simulation } from '../../sim/simulation.js';
import type { SimSystem } from '../../sim/system.js';
import type { Violation } from '../../sim/violation.js';
import { RandomStrategy } from '../../sim/strategy/random.js';

export abstract class SimToy implements SimSystem {
  violation: Violation | null = null;
  get violations(): Violation[] {
    return this.violation ? [this.violation] : [];
  }
  readonly order: number[] = [];
  readonly sim = new Simulation(new Chooser(new RandomStrategy(0)));
  protected readonly trace = new Hasher64();

  constructor(private readonly check: string) {}

  /** Schedules the run's first events (after the reset of `begin`). */
  protected abstract start(): void;
  /** Does the run break its rule now? */
  protected abstract broken(): boolean;

  get steps(): number {
    return this.sim.steps;
  }

  get now(): number {
    return this.sim.now;
  }

  begin(chooser: Chooser): void {
    this.sim.reset(chooser, 0);
    this.violation = null;
    this.order.length = 0;
    this.trace.reset();
    this.start();
  }

  step(): boolean {
    if (this.violation || !this.sim.step()) return false;
    if (this.broken()) {
      this.violation = { check: this.check, step: this.sim.steps, time: this.sim.now, message: `bad order ${this.order.join(',')}` };
      return false;
    }
    return true;
  }

  traceHash(): string {
    return this.trace.hex();
  }

  fingerprint(h: Hasher64): void {
    h.int(this.sim.steps);
  }
}
