/**
 * What the explorers need of their store of explored states: `visit` with FingerprintSet's
 * meaning (true when the state is new or now reached shallower, so its successors must be
 * explored), the number stored, and whether the memory budget stopped it taking more. The
 * single-threaded FingerprintSet (sim/fingerprint-set.ts) and the table shared between worker
 * threads (sim/shared-fingerprint-table.ts) both are one.
 */
export interface StateStore {
  visit(hi: number, lo: number, depth: number): boolean;
  /** Distinct states stored. */
  readonly size: number;
  /** The memory budget is reached: the search must stop. */
  readonly full: boolean;
  /** Bytes held by the store. */
  bytes(): number;
}
