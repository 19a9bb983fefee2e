import { Hasher64 } from './hash.js';

/**
 * The run's trace. Every event updates a running 64-bit hash of (step, time, kind, a, b); two runs
 * are the same run iff their hashes agree after every event. The event records themselves are kept
 * only when asked for (replay with --trace, or a ring of the last K events): nothing is formatted
 * in the hot loop; `reports/trace-text.ts` renders records to text on demand.
 *
 * Besides events, the model may add notes (a fault striking, a request completing): numeric
 * records with a negative kind, hashed the same way.
 */
export class Trace {
  readonly hash = new Hasher64();
  /** Number of records kept when recording; 0 = keep none, Infinity = keep all. */
  keep = 0;
  step = new Float64Array(0);
  time = new Float64Array(0);
  kind = new Int32Array(0);
  a = new Int32Array(0);
  b = new Int32Array(0);
  c = new Int32Array(0);
  /** Total records seen (may exceed the ring size). */
  count = 0;

  reset(keep: number): void {
    this.hash.reset();
    this.count = 0;
    this.keep = keep;
    if (keep > 0) {
      const cap = Number.isFinite(keep) ? keep : 1024;
      if (this.step.length < cap) this.allocate(cap);
    }
  }

  record(step: number, time: number, kind: number, a: number, b: number, c: number): void {
    const h = this.hash;
    h.int(step);
    h.num(time);
    h.int(kind);
    h.int(a);
    h.int(b);
    h.int(c);
    if (this.keep > 0) this.store(step, time, kind, a, b, c);
    this.count++;
  }

  private store(step: number, time: number, kind: number, a: number, b: number, c: number): void {
    let i: number;
    if (Number.isFinite(this.keep)) {
      i = this.count % this.keep;
    } else {
      if (this.count === this.step.length) this.allocate(this.step.length * 2);
      i = this.count;
    }
    this.step[i] = step;
    this.time[i] = time;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
    this.c[i] = c;
  }

  private allocate(cap: number): void {
    const grow = <T extends Float64Array | Int32Array>(old: T, make: (n: number) => T): T => {
      const x = make(cap);
      x.set(old.subarray(0, Math.min(old.length, cap)) as never);
      return x;
    };
    this.step = grow(this.step, (n) => new Float64Array(n));
    this.time = grow(this.time, (n) => new Float64Array(n));
    this.kind = grow(this.kind, (n) => new Int32Array(n));
    this.a = grow(this.a, (n) => new Int32Array(n));
    this.b = grow(this.b, (n) => new Int32Array(n));
    this.c = grow(this.c, (n) => new Int32Array(n));
  }

  /** The kept records in order, oldest first. */
  *records(): Generator<TraceRecord> {
    if (this.keep <= 0) return;
    const n = Number.isFinite(this.keep) ? Math.min(this.count, this.keep) : this.count;
    const start = Number.isFinite(this.keep) && this.count > this.keep ? this.count % this.keep : 0;
    for (let j = 0; j < n; j++) {
      const i = Number.isFinite(this.keep) ? (start + j) % this.keep : j;
      yield { step: this.step[i], time: this.time[i], kind: this.kind[i], a: this.a[i], b: this.b[i], c: this.c[i] };
    }
  }

  hex(): string {
    return this.hash.hex();
  }
}

/** One trace record. Negative kinds are model notes, others are events. */
export interface TraceRecord {
  step: number;
  time: number;
  kind: number;
  a: number;
  b: number;
  c: number;
}
