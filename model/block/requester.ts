/**
 * Whoever submits block requests through the driver: the block workload (issue 2) or the file
 * system's buffer cache. Each requester slot has at most one request outstanding. The driver takes
 * an OUT request's bytes from the requester when it fills the chain's buffer, and hands an IN
 * request's bytes back when it consumes the used element — the buffer then belongs to the chain
 * again, as a real driver's bio does.
 */
export interface BlockRequester {
  /** Number of slots (the driver sizes its per-request tables from it). */
  readonly slots: number;
  /** OUT: write the 4096 bytes slot `c` is writing into `bytes` at `offset`. */
  fillOut(c: number, bytes: Uint8Array, offset: number): void;
  /** IN reported OK: the 4096 bytes read for slot `c` are in `bytes` at `offset`. */
  takeIn(c: number, bytes: Uint8Array, offset: number): void;
  /** Slot `c`'s request finished with `result` (R_OK, R_IOERR, R_UNSUPP, R_ERROR). */
  done(c: number, result: number): void;
}
