/**
 * A tiny event-driven SimSystem for testing tie strategies: `actors` actors (event kind k is actor
 * k) each act once per round, all due at the same instant, for `rounds` rounds, so every round is
 * a tie among all of them. `order` is who acted, in order; `bad` turns an order into a violation.
 */
import { Chooser } from '../../sim/chooser.js';
import { Hasher64 } from '../../sim/hash.js';
import { Simulation } from '../../sim/simulation.js';
import type { SimSystem } from '../../sim/system.js';
import type { Violation } from '../../sim/violation.js';
import { RandomStrategy } from '../../sim/strategy/random.js';

export class ActorToy implements SimSystem {
  violation: Violation | null = null;
  get violations(): Violation[] {
    return this.violation ? [this.violation] : [];
  }
  readonly order: number[] = [];
  readonly sim = new Simulation(new Chooser(new RandomStrategy(0)));
  private readonly trace = new Hasher64();

  constructor(
    readonly actors: number,
    readonly rounds: number,
    readonly bad?: (order: readonly number[]) => boolean,
  ) {
    this.sim.handler = {
      dispatch: (kind: number, round: number): void => {
        this.order.push(kind);
        this.trace.int(kind);
        if (round + 1 < this.rounds) this.sim.after(10, kind, round + 1, 0);
      },
    };
  }

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
    for (let k = 0; k < this.actors; k++) this.sim.after(10, k, 0, 0);
  }

  step(): boolean {
    if (this.violation || !this.sim.step()) return false;
    if (this.bad?.(this.order)) {
      this.violation = { check: 'TOY-ORDER', step: this.sim.steps, time: this.sim.now, message: `bad order ${this.order.join(',')}` };
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

/** Actor k of the toy is event kind k. */
export const toyActors = (n: number): Int32Array => Int32Array.from({ length: n }, (_, k) => k);
