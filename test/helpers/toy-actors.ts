/**
 * A tiny event-driven SimSystem for testing tie strategies: `actors` actors (event kind k is actor
 * k) each act once per round, all due at the same instant, for `rounds` rounds, so every round is
 * a tie among all of them. `order` is who acted, in order; `bad` turns an order into a violation.
 */
import { SimToy } from './sim-toy.js';

export class ActorToy extends SimToy {
  constructor(
    readonly actors: number,
    readonly rounds: number,
    readonly bad?: (order: readonly number[]) => boolean,
  ) {
    super('TOY-ORDER');
    this.sim.handler = {
      dispatch: (kind: number, round: number): void => {
        this.order.push(kind);
        this.trace.int(kind);
        if (round + 1 < this.rounds) this.sim.after(10, kind, round + 1, 0);
      },
    };
  }

  protected start(): void {
    for (let k = 0; k < this.actors; k++) this.sim.after(10, k, 0, 0);
  }

  protected broken(): boolean {
    return this.bad?.(this.order) === true;
  }
}

/** Actor k of the toy is event kind k. */
export const toyActors = (n: number): Int32Array => Int32Array.from({ length: n }, (_, k) => k);
