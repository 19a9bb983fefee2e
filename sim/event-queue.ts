import type { Chooser } from './chooser.js';
import { Hasher64, mix4 } from './hash.js';
import type { StateDecl } from './state-walk.js';

/**
 * Pending events in parallel typed arrays: (time, sequence, kind, a, b). An event is plain
 * numbers, so scheduling allocates nothing. Order is by time; when several events are due at the
 * same instant the chooser decides which fires (option 0 = the earliest scheduled), which is where
 * interleavings of driver, device and interrupt handler come from.
 *
 * The queue is unordered storage with a linear scan for the minimum: the model never has more than
 * a few dozen events pending, and the scan makes enumerating ties trivial.
 */
export class EventQueue {
  /**
   * For the audit's full digest: the pending events as a set, every field, times relative to now
   * (slots past `size` are garbage and the storage order is not state). Sequence numbers only
   * map tie choices to events, as in `fingerprint`; they are kept by snapshots.
   */
  static readonly stateDecl: StateDecl = {
    observed: ['ties', 'candidates', 'earliest'],
    fixed: ['timerKinds', 'delayBudget'],
    canonicalDigest: (q: EventQueue, h: Hasher64, now: number) => q.canonicalDigest(h, now),
  };

  time: Float64Array;
  seq: Float64Array;
  kind: Int32Array;
  a: Int32Array;
  b: Int32Array;
  size = 0;
  private nextSeq = 0;
  private readonly ties = new Int32Array(64);
  private readonly tieKinds = new Int32Array(64);

  // The event just popped (valid until the next pop).
  poppedTime = 0;
  poppedKind = 0;
  poppedA = 0;
  poppedB = 0;

  constructor(capacity = 64) {
    this.time = new Float64Array(capacity);
    this.seq = new Float64Array(capacity);
    this.kind = new Int32Array(capacity);
    this.a = new Int32Array(capacity);
    this.b = new Int32Array(capacity);
  }

  clear(): void {
    this.size = 0;
    this.nextSeq = 0;
    this.delaysLeft = this.delayBudget;
  }

  push(time: number, kind: number, a: number, b: number): void {
    if (this.size === this.time.length) this.grow();
    const i = this.size++;
    this.time[i] = time;
    this.seq[i] = this.nextSeq++;
    this.kind[i] = kind;
    this.a[i] = a;
    this.b[i] = b;
  }

  /**
   * Removes the next event into `popped*`. With several due at the earliest time, asks the chooser
   * (label `engine.tie`, with the tied events' kinds) which one, counting in scheduling order. Returns false when empty.
   */
  pop(chooser: Chooser): boolean {
    const n = this.size;
    if (n === 0) return false;
    if (this.timerKinds !== null) return this.popAnyOrder(chooser);
    const time = this.time;
    let best = 0;
    let bestTime = time[0];
    let tieCount = 1;
    for (let i = 1; i < n; i++) {
      const t = time[i];
      if (t < bestTime) {
        bestTime = t;
        best = i;
        tieCount = 1;
      } else if (t === bestTime) {
        tieCount++;
      }
    }
    if (tieCount > 1) best = this.pickTie(chooser, bestTime, tieCount);
    this.take(best, bestTime);
    return true;
  }

  /** Event `i` becomes the popped one (at clock `poppedTime`) and leaves the queue. */
  private take(i: number, poppedTime: number): void {
    this.poppedTime = poppedTime;
    this.poppedKind = this.kind[i];
    this.poppedA = this.a[i];
    this.poppedB = this.b[i];
    this.removeAt(i);
  }

  /** Removes slot `i`, moving the last event into it (the queue is unordered). */
  private removeAt(i: number): void {
    const last = --this.size;
    if (i !== last) {
      this.time[i] = this.time[last];
      this.seq[i] = this.seq[last];
      this.kind[i] = this.kind[last];
      this.a[i] = this.a[last];
      this.b[i] = this.b[last];
    }
  }

  /**
   * orders=all (set by `allOrders`): kinds marked in it are timeouts; every other kind is a step.
   * Null: time order (the default).
   */
  private timerKinds: Uint8Array | null = null;
  private candidates = new Int32Array(64);
  /**
   * orders=all with a delay bound (MachineParams.orderDelays): how many times a run may take a
   * step before the earliest pending event (a "delay", as in delay-bounded scheduling), and how
   * many it has left — state, fingerprinted. −1: no bound.
   */
  private delayBudget = -1;
  delaysLeft = -1;

  /** Switches to orders=all with these timeout kinds (null: back to time order) and delay bound. */
  allOrders(timerKinds: Uint8Array | null, delayBudget = -1): void {
    this.timerKinds = timerKinds;
    this.delayBudget = timerKinds === null ? -1 : delayBudget;
    this.delaysLeft = this.delayBudget;
  }

  /** May event i go next in orders=all (see popAnyOrder)? */
  private eligible(i: number, minTime: number): boolean {
    if (this.time[i] === minTime) return true;
    return this.timerKinds![this.kind[i] & 255] === 0 && this.delaysLeft !== 0;
  }

  /**
   * orders=all: any pending step may go next — its time is when it is due at the latest, and a
   * step may happen earlier than that, never later — and a timeout only when its deadline is the
   * earliest pending time (no step can be delayed past a time it is due by). The candidates are
   * sorted by (time, sequence), so option 0 is what time order picks. `poppedTime` is the earliest
   * pending time when the chosen event is due then, else −1: the clock stays where it is
   * (Simulation.step), so it never passes the time a pending step is due by.
   */
  private popAnyOrder(chooser: Chooser): boolean {
    const n = this.size;
    const minTime = this.peekTime();
    if (this.candidates.length < n) this.candidates = new Int32Array(n * 2);
    const c = this.candidates;
    let k = 0;
    for (let i = 0; i < n; i++) if (this.eligible(i, minTime)) c[k++] = i;
    const best = k > 1 ? this.chooseAmong(chooser, c, k) : c[0];
    const early = this.time[best] !== minTime;
    if (early && this.delaysLeft > 0) this.delaysLeft--;
    this.take(best, early ? -1 : minTime);
    return true;
  }

  /**
   * How many events `pop` would choose among now (1 for a lone earliest event; 0 when empty).
   * When it is 1, that event is `earliest`.
   */
  choiceCount(): number {
    const n = this.size;
    if (n === 0) return 0;
    const time = this.time;
    let best = 0;
    let ties = 1;
    for (let i = 1; i < n; i++) {
      if (time[i] < time[best]) {
        best = i;
        ties = 1;
      } else if (time[i] === time[best]) ties++;
    }
    this.earliest = best;
    if (this.timerKinds === null) return ties;
    let k = 0;
    for (let i = 0; i < n; i++) if (this.eligible(i, time[best])) k++;
    return k;
  }

  /** Set by `choiceCount`: an event due at the earliest pending time. */
  earliest = 0;

  /** Rare path, kept out of `pop` so that stays small: the tied events, chooser picks. */
  private pickTie(chooser: Chooser, t: number, count: number): number {
    const ties = count <= this.ties.length ? this.ties : new Int32Array(count);
    let k = 0;
    for (let i = 0; i < this.size; i++) if (this.time[i] === t) ties[k++] = i;
    return this.chooseAmong(chooser, ties, k);
  }

  /**
   * Sorts the k events listed by (time, sequence) — option i is the i-th in time order, then
   * scheduling order — and asks the chooser which, with their kinds (`chooseTie`).
   */
  private chooseAmong(chooser: Chooser, list: Int32Array, k: number): number {
    const time = this.time;
    const seq = this.seq;
    // insertion sort (k is small)
    for (let i = 1; i < k; i++) {
      const x = list[i];
      const tx = time[x];
      const sx = seq[x];
      let j = i - 1;
      while (j >= 0 && (time[list[j]] > tx || (time[list[j]] === tx && seq[list[j]] > sx))) {
        list[j + 1] = list[j];
        j--;
      }
      list[j + 1] = x;
    }
    const kinds = k <= this.tieKinds.length ? this.tieKinds : new Int32Array(k);
    for (let i = 0; i < k; i++) kinds[i] = this.kind[list[i]];
    return list[chooser.chooseTie(kinds, k)];
  }

  /** Earliest pending time, or Infinity. */
  peekTime(): number {
    let best = Infinity;
    for (let i = 0; i < this.size; i++) if (this.time[i] < best) best = this.time[i];
    return best;
  }

  /**
   * Removes the pending event (kind, a, b), if any — a timer whose reason is gone. Keeping dead
   * timers would make otherwise equal states differ by their deadlines. Returns whether one was.
   */
  remove(kind: number, a: number, b: number): boolean {
    for (let i = 0; i < this.size; i++) {
      if (this.kind[i] !== kind || this.a[i] !== a || this.b[i] !== b) continue;
      this.removeAt(i);
      return true;
    }
    return false;
  }

  /** True when an event of `kind` with argument `a` is pending. */
  has(kind: number, a: number): boolean {
    for (let i = 0; i < this.size; i++) if (this.kind[i] === kind && this.a[i] === a) return true;
    return false;
  }

  /**
   * Order-independent fingerprint of the pending events, with times relative to `now`. Sequence
   * numbers are left out: they only map tie choices to events, and every tie order is explored.
   */
  fingerprint(h: Hasher64, now: number): void {
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < this.size; i++) {
      const x = mix4(this.kind[i], this.a[i], this.b[i], this.time[i] - now);
      s1 = (s1 + x) | 0;
      s2 = (s2 + Math.imul(x, x | 1)) | 0;
    }
    h.int(this.size);
    h.int(s1);
    h.int(s2);
    if (this.delayBudget >= 0) h.int(this.delaysLeft);
  }

  /** Every pending event, sorted, with times relative to now (the audit's digest). */
  canonicalDigest(h: Hasher64, now: number): void {
    const rows: number[][] = [];
    for (let i = 0; i < this.size; i++) rows.push([this.time[i] - now, this.kind[i], this.a[i], this.b[i]]);
    rows.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2] || x[3] - y[3]);
    h.int(this.delaysLeft);
    h.int(rows.length);
    for (const r of rows) {
      h.num(r[0]);
      h.int(r[1]);
      h.int(r[2]);
      h.int(r[3]);
    }
  }

  private grow(): void {
    const cap = this.time.length * 2;
    const t = new Float64Array(cap);
    t.set(this.time);
    this.time = t;
    const s = new Float64Array(cap);
    s.set(this.seq);
    this.seq = s;
    const k = new Int32Array(cap);
    k.set(this.kind);
    this.kind = k;
    const a = new Int32Array(cap);
    a.set(this.a);
    this.a = a;
    const b = new Int32Array(cap);
    b.set(this.b);
    this.b = b;
  }
}
