/**
 * A tiny event-driven SimSystem for testing delay strategies: two actors, A (kind 0) and B
 * (kind 1), each take one step a round, `rounds` rounds. A round starts with a clock event
 * (kind 2, actor 2) at which A and then B draw the delay of their step among `options`
 * (`Engine.delay`, one thread each); the next round starts 100 µs after both stepped. Nothing else
 * orders the two steps: whether B's comes before A's is decided by the two delays (and the tie,
 * when they are equal). `order` is who stepped, in order, and `times[r]` when A and B stepped in
 * round r; `bad` turns them into a violation.
 */
import { Chooser } from '../../sim/chooser.js';
import { Hasher64 } from '../../sim/hash.js';
import { label } from '../../sim/labels.js';
import { Simulation } from '../../sim/simulation.js';
import type { SimSystem } from '../../sim/system.js';
import type { Violation } from '../../sim/violation.js';
import { RandomStrategy } from '../../sim/strategy/random.js';

export const L_TOY_DELAY = label('test.delay-toy.delay');
export const K_A = 0;
export const K_B = 1;
export const K_ROUND = 2;

export class DelayToy implements SimSystem {
  violation: Violation | null = null;
  get violations(): Violation[] {
    return this.violation ? [this.violation] : [];
  }
  readonly order: number[] = [];
  readonly times: Array<[number, number]> = [];
  readonly sim = new Simulation(new Chooser(new RandomStrategy(0)));
  private readonly trace = new Hasher64();
  private stepped = 0;

  constructor(
    readonly rounds: number,
    readonly options: readonly number[],
    readonly bad?: (toy: DelayToy) => boolean,
  ) {
    this.sim.handler = {
      dispatch: (kind: number, round: number): void => {
        this.trace.int(kind);
        this.trace.int(this.sim.now);
        if (kind === K_ROUND) {
          this.sim.after(this.sim.delay(L_TOY_DELAY, this.options, K_A, 0), K_A, round, 0);
          this.sim.after(this.sim.delay(L_TOY_DELAY, this.options, K_B, 0), K_B, round, 0);
          return;
        }
        this.order.push(kind);
        (this.times[round] ??= [-1, -1])[kind] = this.sim.now;
        if (++this.stepped % 2 === 0 && round + 1 < this.rounds) this.sim.after(100, K_ROUND, round + 1, 0);
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
    this.times.length = 0;
    this.stepped = 0;
    this.trace.reset();
    this.sim.after(10, K_ROUND, 0, 0);
  }

  step(): boolean {
    if (this.violation || !this.sim.step()) return false;
    if (this.bad?.(this)) {
      this.violation = { check: 'TOY-DELAY', step: this.sim.steps, time: this.sim.now, message: `bad order ${this.order.join(',')}` };
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

/** The toy's actors: kind k is actor k. */
export const DELAY_TOY_ACTORS = Int32Array.from([0, 1, 2]);

/**
 * Every round, B stepped at an earlier time than A (not at the same instant: a tie cannot do it,
 * only the delays): one ordering held over all rounds.
 */
export const bEarlierEveryRound =
  (rounds: number) =>
  (toy: DelayToy): boolean => {
    if (toy.order.length < 2 * rounds) return false;
    for (let r = 0; r < rounds; r++) if (!(toy.times[r][K_B] < toy.times[r][K_A])) return false;
    return true;
  };
