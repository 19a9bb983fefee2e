/**
 * A tiny event-driven SimSystem for testing delay strategies: two actors, A (kind 0) and B
 * (kind 1), each take one step a round, `rounds` rounds. A round starts with a clock event
 * (kind 2, actor 2) at which A and then B draw the delay of their step among `options`
 * (`Engine.delay`, one thread each); the next round starts 100 µs after both stepped. Nothing else
 * orders the two steps: whether B's comes before A's is decided by the two delays (and the tie,
 * when they are equal). `order` is who stepped, in order, and `times[r]` when A and B stepped in
 * round r; `bad` turns them into a violation.
 */
import { label } from '../../sim/labels.js';
import { SimToy } from './sim-toy.js';

export const L_TOY_DELAY = label('test.delay-toy.delay');
export const K_A = 0;
export const K_B = 1;
export const K_ROUND = 2;

export class DelayToy extends SimToy {
  readonly times: Array<[number, number]> = [];
  private stepped = 0;

  constructor(
    readonly rounds: number,
    readonly options: readonly number[],
    readonly bad?: (toy: DelayToy) => boolean,
  ) {
    super('TOY-DELAY');
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

  protected start(): void {
    this.times.length = 0;
    this.stepped = 0;
    this.sim.after(10, K_ROUND, 0, 0);
  }

  protected broken(): boolean {
    return this.bad?.(this) === true;
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
