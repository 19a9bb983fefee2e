/**
 * The block-request port between the driver and whoever submits block requests (kernel.md §2.3):
 * the block workload or the file system's buffer cache. Requesters call `BlockPort.request`; the
 * driver calls back through `BlockRequester`. Each requester slot has at most one request
 * outstanding. The driver takes an OUT request's bytes from the requester when it fills the
 * chain's buffer, and hands an IN request's bytes back when it consumes the used element — the
 * buffer then belongs to the chain again, as a real driver's bio does.
 */

/** What a request returns to its caller. */
export const R_OK = 0;
export const R_IOERR = 1;
export const R_UNSUPP = 2;
/** Any other failure: no descriptors (eclipse-b), spin timeout, a status byte never written. */
export const R_ERROR = 3;

/** What a requester sees of the driver. */
export interface BlockPort {
  /** Slot `c` asks for a request of `type` (VIRTIO_BLK_T_*) on `block`, its `serial`-th. */
  request(c: number, type: number, block: number, serial: number): void;
}

/** What the driver sees of a requester. */
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
