import type { Label } from './labels.js';

/**
 * The choice sequence of one run: for each `choose` with more than one option, its label, the
 * value taken and the number of options. Grows by doubling and is reused across runs (reset, not
 * reallocated), so recording costs three typed-array stores per choice.
 */
export class ChoiceLog {
  labels = new Int32Array(256);
  values = new Int32Array(256);
  counts = new Int32Array(256);
  length = 0;

  reset(): void {
    this.length = 0;
  }

  push(label: Label, value: number, count: number): void {
    if (this.length === this.labels.length) this.grow();
    const i = this.length++;
    this.labels[i] = label;
    this.values[i] = value;
    this.counts[i] = count;
  }

  private grow(): void {
    const size = this.labels.length * 2;
    const l = new Int32Array(size);
    l.set(this.labels);
    this.labels = l;
    const v = new Int32Array(size);
    v.set(this.values);
    this.values = v;
    const c = new Int32Array(size);
    c.set(this.counts);
    this.counts = c;
  }

  /** A copy of the values taken. */
  valuesArray(): number[] {
    return Array.from(this.values.subarray(0, this.length));
  }

  /** A copy of the labels met. */
  labelsArray(): Label[] {
    return Array.from(this.labels.subarray(0, this.length));
  }
}
