/**
 * The explored-state store of exhaustive mode: 64-bit fingerprints (two 32-bit halves) with the
 * smallest depth each was reached at, in open-addressed typed arrays (10 bytes a slot, kept at most
 * half full: about 20 bytes a stored state, against 60–80 for a JS Map). Fingerprint 0:0 marks an
 * empty slot, so a real 0:0 is stored as 0:1.
 */
export class FingerprintSet {
  private hi: Uint32Array;
  private lo: Uint32Array;
  private depth: Uint16Array;
  private mask: number;
  size = 0;
  /**
   * With `trackIds`, each stored state's number (0, 1, 2 … in the order stored) and, after a
   * `visit`, the number of the state visited (new or not): the audit's handle on a state.
   */
  private ids: Int32Array | null = null;
  visitedId = -1;
  /** Set when the table needed to grow past its byte budget: the search must stop. */
  full = false;

  constructor(initialCapacity = 1 << 16, readonly budgetBytes = Infinity) {
    let cap = 1;
    while (cap < initialCapacity) cap <<= 1;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.depth = new Uint16Array(cap);
    this.mask = cap - 1;
  }

  /** Numbers stored states (see `visitedId`); call before the first visit. */
  trackIds(): void {
    this.ids = new Int32Array(this.hi.length);
  }

  /** Bytes held by the table. */
  bytes(): number {
    return this.hi.byteLength + this.lo.byteLength + this.depth.byteLength + (this.ids?.byteLength ?? 0);
  }

  /**
   * Records (hi, lo) reached at `depth`. Returns true when the state is new or is now reached
   * shallower than before (so its subtree must be explored again under the depth bound), false
   * when it was already explored at this depth or shallower.
   */
  visit(hi: number, lo: number, depth: number): boolean {
    hi >>>= 0;
    lo >>>= 0;
    if (hi === 0 && lo === 0) lo = 1;
    // Past the budget the table keeps taking states up to three quarters full (so probing always
    // ends at an empty slot), then refuses them; `full` tells the explorer to stop.
    const refuse = this.full && this.size * 4 >= (this.mask + 1) * 3;
    const d = depth > 0xffff ? 0xffff : depth;
    let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
    for (;;) {
      const h = this.hi[i];
      const l = this.lo[i];
      if (h === 0 && l === 0) break;
      if (h === hi && l === lo) {
        if (this.ids !== null) this.visitedId = this.ids[i];
        if (this.depth[i] <= d) return false;
        this.depth[i] = d;
        return true;
      }
      i = (i + 1) & this.mask;
    }
    if (refuse) return true;
    this.hi[i] = hi;
    this.lo[i] = lo;
    this.depth[i] = d;
    if (this.ids !== null) this.ids[i] = this.visitedId = this.size;
    this.size++;
    if (this.size * 2 > this.mask + 1) {
      if (this.bytes() * 2 > this.budgetBytes) this.full = true;
      else this.grow();
    }
    return true;
  }

  private grow(): void {
    const oldHi = this.hi;
    const oldLo = this.lo;
    const oldDepth = this.depth;
    const oldIds = this.ids;
    const cap = oldHi.length * 2;
    this.hi = new Uint32Array(cap);
    this.lo = new Uint32Array(cap);
    this.depth = new Uint16Array(cap);
    if (oldIds) this.ids = new Int32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldHi.length; j++) {
      const hi = oldHi[j];
      const lo = oldLo[j];
      if (hi === 0 && lo === 0) continue;
      let i = (lo ^ Math.imul(hi, 0x9e3779b1)) & this.mask;
      while (this.hi[i] !== 0 || this.lo[i] !== 0) i = (i + 1) & this.mask;
      this.hi[i] = hi;
      this.lo[i] = lo;
      this.depth[i] = oldDepth[j];
      if (oldIds) this.ids![i] = oldIds[j];
    }
  }
}
