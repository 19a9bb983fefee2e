import type { StateStore } from './state-store.js';

/**
 * The explored-state store of a parallel search: FingerprintSet's open-addressed table of 64-bit
 * fingerprints with their smallest depth, in one SharedArrayBuffer that every worker thread wraps
 * (`new SharedFingerprintTable(buffer)`), with lock-free insertion. It cannot grow while shared,
 * so its capacity is fixed when it is made, from the state bound and the memory budget.
 *
 * Layout: a header of 16 words (size, full flag, log2 of the capacity, the state bound, the memory
 * limit), then 3 words a slot: [depth << 16 | status, hi, lo]. Status 0 is empty, 1 claimed (being
 * written), 2 stored. Insertion at the first empty slot of a fingerprint's probe sequence:
 *  1. claim it: compareExchange(status 0 → 1); losing the race means someone else claimed it,
 *     and the slot is read again (it may hold this very fingerprint);
 *  2. take a ticket: compareExchange on the size (size < bound → size + 1); without one (the
 *     bound is reached) the slot is put back to empty and the state is refused;
 *  3. write hi and lo, then publish with Atomics.store(status 2 and the depth): a thread that
 *     Atomics.loads status 2 then sees hi and lo (the store–load pair orders them).
 * A reader that meets a claimed slot reads it again until it is stored or empty (the window is a
 * few stores long). So a fingerprint is never stored twice: every thread probing for it passes
 * the same slots, and none passes a slot before it is settled. Stored slots never change key.
 *
 * The depth is lowered by compareExchange on the status word: exactly one visitor wins each
 * lowering, and `visit` returns true to it alone, as FingerprintSet does to a shallower revisit.
 * The size never passes the bound (tickets are taken under compareExchange), which makes
 * `--max-states` exact with any number of workers: a refusal means the table held the bound.
 */
const HEADER = 16;
const H_SIZE = 0;
const H_FULL = 1;
const H_LOG2 = 2;
const H_BOUND = 3;
const H_MEMORY = 4;
const EMPTY = 0;
const CLAIMED = 1;
const STORED = 2;
const BYTES_PER_SLOT = 12;
/** The largest table: 2^28 slots, 3 GiB. */
const MAX_LOG2 = 28;
const MIN_LOG2 = 12;

export class SharedFingerprintTable implements StateStore {
  readonly buffer: SharedArrayBuffer;
  private readonly head: Int32Array;
  private readonly slots: Int32Array;
  private readonly mask: number;
  /** Most states stored: the state bound or the memory limit, whichever is smaller. */
  private readonly limit: number;
  private readonly memoryLimit: number;

  /**
   * A table for a search of at most `maxStates` states in `budgetBytes`: room for the whole state
   * bound at most three quarters full if the budget allows, else as many slots as fit in it (and
   * reaching three quarters of them is the memory stop).
   */
  static create(maxStates: number, budgetBytes: number): SharedFingerprintTable {
    let log2 = MIN_LOG2;
    while (log2 < MAX_LOG2 && Math.floor(((1 << log2) * 3) / 4) < maxStates && (2 << log2) * BYTES_PER_SLOT <= budgetBytes) log2++;
    const cap = 2 ** log2;
    const buffer = new SharedArrayBuffer((HEADER + cap * 3) * 4);
    const head = new Int32Array(buffer, 0, HEADER);
    head[H_LOG2] = log2;
    head[H_MEMORY] = Math.floor((cap * 3) / 4);
    head[H_BOUND] = Math.min(maxStates, 0x7fffffff);
    return new SharedFingerprintTable(buffer);
  }

  /** Wraps a table made by `create` (in this thread or another). */
  constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.head = new Int32Array(buffer, 0, HEADER);
    const cap = 2 ** this.head[H_LOG2];
    this.slots = new Int32Array(buffer, HEADER * 4, cap * 3);
    this.mask = cap - 1;
    this.memoryLimit = this.head[H_MEMORY];
    this.limit = Math.min(this.head[H_BOUND], this.memoryLimit);
  }

  get size(): number {
    return Atomics.load(this.head, H_SIZE);
  }

  get full(): boolean {
    return Atomics.load(this.head, H_FULL) === 1;
  }

  /** Slots in the table. */
  get capacity(): number {
    return this.mask + 1;
  }

  bytes(): number {
    return this.buffer.byteLength;
  }

  visit(hi: number, lo: number, depth: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) lo = 1;
    const h = hi | 0;
    const l = lo | 0;
    const d = depth > 0xffff ? 0xffff : depth;
    const s = this.slots;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const at = i * 3;
      let w = Atomics.load(s, at);
      const status = w & 3;
      if (status === EMPTY) {
        if (Atomics.compareExchange(s, at, EMPTY, CLAIMED) !== EMPTY) continue;
        if (!this.ticket()) {
          Atomics.store(s, at, EMPTY);
          return true; // refused: the caller sees size or full and stops
        }
        s[at + 1] = h;
        s[at + 2] = l;
        Atomics.store(s, at, (d << 16) | STORED);
        return true;
      }
      if (status === CLAIMED) continue;
      if (s[at + 1] === h && s[at + 2] === l) {
        for (;;) {
          if (w >>> 16 <= d) return false;
          const seen = Atomics.compareExchange(s, at, w, (d << 16) | STORED);
          if (seen === w) return true;
          w = seen;
        }
      }
      i = (i + 1) & this.mask;
    }
  }

  /**
   * Whether some stored state's least depth is `depth` or more (depths are kept up to 65535). For
   * a search that ran to its end, with the depth bound: a state whose least depth is the bound had
   * its successors cut, and a table with none covers everything reachable, whatever order the
   * workers visited states in. Call when no thread is inserting.
   */
  reachedDepth(depth: number): boolean {
    const s = this.slots;
    const d = depth > 0xffff ? 0xffff : depth;
    for (let at = 0; at < s.length; at += 3) {
      const w = s[at];
      if ((w & 3) === STORED && w >>> 16 >= d) return true;
    }
    return false;
  }

  /** Counts one more state if the bound allows it; sets `full` when the memory limit is reached. */
  private ticket(): boolean {
    const head = this.head;
    for (;;) {
      const n = Atomics.load(head, H_SIZE);
      if (n >= this.limit) {
        if (n >= this.memoryLimit) Atomics.store(head, H_FULL, 1);
        return false;
      }
      if (Atomics.compareExchange(head, H_SIZE, n, n + 1) === n) {
        if (n + 1 >= this.memoryLimit) Atomics.store(head, H_FULL, 1);
        return true;
      }
    }
  }
}
