/**
 * A tiny SimSystem with a known state space, for testing the engine's explorers without the
 * VirtIO model: each step draws one choice among `options`; the run lasts `length` steps.
 * Fingerprint "history" makes every path its own state (a complete `options`-ary tree);
 * "sum" merges paths by (step, sum of choices).
 */
import type { Chooser } from '../../sim/chooser.js';
import { Hasher64 } from '../../sim/hash.js';
import { label } from '../../sim/labels.js';
import type { SimSystem } from '../../sim/system.js';
import type { Violation } from '../../sim/violation.js';

const L_TOY = label('test.toy');

export interface ToyOptions {
  length: number;
  options?: number;
  fingerprint?: 'history' | 'sum';
  /** The run fails check TOY-BAD right after a step where this holds of the choices so far. */
  bad?: (choices: readonly number[]) => boolean;
}

export class ToySystem implements SimSystem {
  violation: Violation | null = null;
  get violations(): Violation[] {
    return this.violation ? [this.violation] : [];
  }
  steps = 0;
  now = 0;
  readonly choices: number[] = [];
  private chooser: Chooser | null = null;
  private readonly trace = new Hasher64();
  constructor(readonly opts: ToyOptions) {}

  begin(chooser: Chooser): void {
    this.chooser = chooser;
    this.violation = null;
    this.steps = 0;
    this.now = 0;
    this.choices.length = 0;
    this.trace.reset();
  }

  step(): boolean {
    if (this.violation || this.steps >= this.opts.length) return false;
    const c = this.chooser!.choose(L_TOY, this.opts.options ?? 2);
    this.choices.push(c);
    this.steps++;
    this.now += 10;
    this.trace.int(c);
    if (this.opts.bad?.(this.choices)) {
      this.violation = { check: 'TOY-BAD', step: this.steps, time: this.now, message: `bad after ${this.choices.join(',')}` };
      return false;
    }
    return true;
  }

  traceHash(): string {
    return this.trace.hex();
  }

  fingerprint(h: Hasher64): void {
    h.int(this.steps);
    if (this.opts.fingerprint === 'sum') h.int(this.choices.reduce((a, b) => a + b, 0));
    else for (const c of this.choices) h.int(c);
  }
}
