/**
 * Page versions for large buffers in the model (guest memory, the disk): a part stamps each page
 * it writes with a fresh version, and snapshots (sim/snapshot.ts) copy, and restore, only the
 * pages whose version differs from the one they hold. Versions come from one counter that only
 * grows — restoring a snapshot never winds it back — so two equal versions always mean equal
 * contents. A write that forgets to stamp would make a restore miss that page: the tests compare
 * the stateful search with the stateless one, state for state, to catch it.
 */
let counter = 0;

export class PageVersions {
  readonly versions: Float64Array;

  constructor(
    readonly bytes: number,
    readonly pageBytes: number,
  ) {
    this.versions = new Float64Array(Math.ceil(bytes / pageBytes));
    this.touchAll();
  }

  /**
   * Pages below `bytes` are copied by every snapshot without being stamped (the rings of guest
   * memory change at almost every step, through many small writes): their version is NaN, which
   * equals nothing, not even itself.
   */
  alwaysCopyBelow(bytes: number): void {
    for (let p = 0; p * this.pageBytes < bytes && p < this.versions.length; p++) this.versions[p] = NaN;
  }

  /** Bytes [offset, offset + len) change in this step. */
  touch(offset: number, len: number): void {
    if (len <= 0) return;
    const v = ++counter;
    const last = Math.min(this.versions.length - 1, Math.floor((offset + len - 1) / this.pageBytes));
    for (let p = Math.max(0, Math.floor(offset / this.pageBytes)); p <= last; p++) {
      if (this.versions[p] === this.versions[p]) this.versions[p] = v;
    }
  }

  /** Page `p` changes in this step (the fast path for one-byte writes). */
  touchPage(p: number): void {
    if (this.versions[p] === this.versions[p]) this.versions[p] = ++counter;
  }

  touchAll(): void {
    const v = ++counter;
    for (let p = 0; p < this.versions.length; p++) if (this.versions[p] === this.versions[p]) this.versions[p] = v;
  }
}
