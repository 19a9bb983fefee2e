/**
 * Free-running W-bit ring indices (VirtIO 1.2 §2.7: idx fields "wrap naturally at 65536"). W is a
 * model parameter (kernel.md §2.2) so that small scenarios wrap after 2^W requests. Every index is
 * kept in 0..2^W−1 and all comparisons go through `distance`, never `<`.
 */

/** The W-bit mask. */
export function indexMask(bits: number): number {
  return (1 << bits) - 1;
}

/** (a + b) mod 2^W. */
export function indexAdd(a: number, b: number, mask: number): number {
  return (a + b) & mask;
}

/** (a − b) mod 2^W: how far `a` is ahead of `b`. */
export function distance(a: number, b: number, mask: number): number {
  return (a - b) & mask;
}

/**
 * `vring_need_event` (§2.7.10): with EVENT_IDX the other side is notified iff the event index lies
 * in the window of entries just published: (new − event − 1) mod 2^W < (new − old) mod 2^W.
 */
export function needEvent(eventIdx: number, newIdx: number, oldIdx: number, mask: number): boolean {
  return ((newIdx - eventIdx - 1) & mask) < ((newIdx - oldIdx) & mask);
}

/** N must be a power of two with N ≤ 2^(W−1) (invariants.md "Modelling"). */
export function validGeometry(queueSize: number, bits: number): boolean {
  return queueSize >= 1 && (queueSize & (queueSize - 1)) === 0 && bits >= 1 && bits <= 16 && queueSize <= 1 << (bits - 1);
}
