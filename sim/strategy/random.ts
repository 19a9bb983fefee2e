import seedrandom from 'seedrandom';
import type { Label } from '../labels.js';
import type { Strategy } from './strategy.js';

/**
 * A seeded stream of numbers in [0, 1) named by `key` (seedrandom's Alea). The one PRNG of the
 * tool: every other strategy that draws (PCT) takes its streams from here.
 */
export function prng(key: string): () => number {
  return seedrandom.alea(key);
}

/**
 * Random exploration: every choice from one seeded PRNG (seedrandom's Alea), so a seed names a run
 * exactly. Uniform choices are uniform; `chance` choices honour their probability.
 */
export class RandomStrategy implements Strategy {
  private readonly rng: () => number;

  constructor(readonly seed: number) {
    this.rng = prng(`eclipse-sim:${seed}`);
  }

  next(_label: Label, n: number, probability: number): number {
    const r = this.rng();
    if (probability >= 0) return r < probability ? 1 : 0;
    return Math.floor(r * n);
  }
}
