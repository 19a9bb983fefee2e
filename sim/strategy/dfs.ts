import type { Label } from '../labels.js';
import type { Strategy } from './strategy.js';

/**
 * Depth-first enumeration of choice sequences (stateless model checking, as in VeriSoft and CHESS):
 * a run follows a fixed prefix, then takes 0 at every new choice point. The explorer
 * (`sim/explore.ts`) reads the run's choice log to backtrack: the deepest choice point with an
 * untried option is bumped and everything after it dropped.
 */
export class DfsStrategy implements Strategy {
  prefix: Int32Array = new Int32Array(0);
  prefixLength = 0;

  setPrefix(prefix: Int32Array, length: number): void {
    this.prefix = prefix;
    this.prefixLength = length;
  }

  next(_label: Label, n: number, _probability: number, index: number): number {
    if (index < this.prefixLength) {
      const v = this.prefix[index];
      return v < n ? v : n - 1;
    }
    return 0;
  }
}
