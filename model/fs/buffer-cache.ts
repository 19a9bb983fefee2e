/**
 * The block buffer cache between the file system and the VirtIO driver (kernel.md §3.3; S-FS-04).
 *
 * reference: `capacity` buffers of 4096 bytes, least recently used evicted first. A buffer becomes
 * valid only when an OK completion for its block arrives; at most one device request per block is
 * in flight (a second reader waits for the first request); a buffer with a request in flight is
 * never recycled; a failed read is retried `readRetries` times and then fails back to every waiter
 * as EIO — nothing read with an error is ever valid. Writes are write-through: the caller modifies
 * a valid buffer and writes it; a failed write invalidates the buffer, since it no longer says
 * what the disk holds.
 *
 * eclipse-b reads uncached (kernel.md §3.3): the same buffers serve only as the landing place of
 * one device read, and `release` drops a block as soon as the step that needed it is over.
 *
 * Buffer index = requester slot: each buffer has at most one device request outstanding.
 */
import * as C from '../coverage.js';
import type { Coverage } from '../coverage.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { StateDecl } from '../../sim/state-walk.js';
import { BLOCK_BYTES, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT } from '../virtio/constants.js';
import { R_OK } from '../block/block-port.js';
import type { BlockPort, BlockRequester } from '../block/block-port.js';
import type { ModelContext, ProbeSink } from '../context.js';
import { P_CACHE_EVICT, P_CACHE_INVALID, P_CACHE_REQUEST, P_CACHE_VALID } from '../probes.js';

export const BUF_FREE = 0;
export const BUF_READING = 1;
export const BUF_VALID = 2;
export const BUF_WRITING = 3;

/** What a waiter learns when it is woken. */
export const WAKE_OK = 0;
export const WAKE_EIO = 1;

/** Who is told when a block arrives or fails (the file system). */
export interface CacheClient {
  /** Client `c` was waiting on a buffer; `outcome` is WAKE_OK or WAKE_EIO. */
  wake(c: number, outcome: number): void;
}

export class BufferCache implements BlockRequester {
  /**
   * For the fingerprint audit: LRU stamps count by their order only, and `clock` is always at or
   * above every stamp (the next stamp is the newest, whatever its value); a free buffer's bytes
   * are rewritten before they are read; `serial` only numbers requests for the driver, which
   * compares it with its own poll timers' copy (DriverState.reqSerial, dead there too).
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['slots', 'partitionStartBlock', 'readRetries', 'client'],
    dead: ['clock', 'serial'],
    ranks: ['used'],
    deadRanges: (b: BufferCache, field: string) => (field === 'data' ? b.freeRanges() : null),
  };

  readonly slots: number;
  readonly data: Uint8Array;
  /** `data` as 32-bit words (for fingerprints). */
  private readonly words: Int32Array;
  /** Per buffer. Invariant: block ≥ 0 iff state ≠ FREE. */
  readonly block: Int32Array;
  readonly state: Int32Array;
  /** LRU stamp (bigger = more recent). */
  readonly used: Float64Array;
  readonly retries: Int32Array;
  /** Clients waiting on each buffer, as a bit mask (≤ 31 clients). */
  readonly waiters: Int32Array;
  /** Clients waiting for any buffer to become free. */
  fullWaiters = 0;
  /** Partition block → buffer, or −1. */
  private readonly map: Int32Array;
  private clock = 0;
  private serial = 0;
  uncached = false;

  private readonly probes: ProbeSink;
  /** Coverage probe counters: observation only (model/coverage.ts). */
  private readonly cov: Coverage;
  /** The driver, connected when the machine is wired (it is built after its requester). */
  private driver: BlockPort | null = null;

  constructor(
    ctx: ModelContext,
    capacity: number,
    private readonly partitionStartBlock: number,
    partitionBlocks: number,
    private readonly readRetries: number,
    private readonly client: CacheClient,
  ) {
    this.slots = capacity;
    this.data = new Uint8Array(capacity * BLOCK_BYTES);
    this.words = new Int32Array(this.data.buffer);
    this.block = new Int32Array(capacity);
    this.state = new Int32Array(capacity);
    this.used = new Float64Array(capacity);
    this.retries = new Int32Array(capacity);
    this.waiters = new Int32Array(capacity);
    this.map = new Int32Array(partitionBlocks);
    this.probes = ctx.probes;
    this.cov = ctx.coverage;
  }

  /** Requests go to `driver`. */
  connect(driver: BlockPort): void {
    this.driver = driver;
  }

  /** Empty cache (boot). */
  begin(uncached: boolean): void {
    this.uncached = uncached;
    this.block.fill(-1);
    this.state.fill(BUF_FREE);
    this.used.fill(0);
    this.retries.fill(0);
    this.waiters.fill(0);
    this.map.fill(-1);
    this.fullWaiters = 0;
    this.clock = 0;
    // Request serials reach events (eclipse-b's spin polls): a run must not depend on the last.
    this.serial = 0;
    this.data.fill(0);
  }

  /**
   * The buffer holding partition block `b` if it is valid (and marks it recently used); otherwise
   * starts or joins a read and registers client `c` to be woken, and returns −1.
   */
  acquire(b: number, c: number): number {
    const i = this.map[b];
    if (i >= 0) {
      if (this.state[i] === BUF_VALID) {
        this.cov.hit(C.C_CACHE_HIT);
        this.used[i] = ++this.clock;
        return i;
      }
      this.cov.hit(C.C_CACHE_JOIN);
      this.waiters[i] |= 1 << c; // a request for this block is in flight: wait for it
      return -1;
    }
    const j = this.allocate();
    if (j < 0) {
      this.cov.hit(C.C_CACHE_FULL);
      this.fullWaiters |= 1 << c;
      return -1;
    }
    this.block[j] = b;
    this.map[b] = j;
    this.retries[j] = 0;
    this.waiters[j] = 1 << c;
    this.cov.hit(C.C_CACHE_MISS);
    this.startRead(j);
    return -1;
  }

  /** A free buffer, or the least recently used valid one with no request in flight; −1 if none. */
  private allocate(): number {
    let victim = -1;
    for (let i = 0; i < this.slots; i++) {
      if (this.state[i] === BUF_FREE) return i;
      if (this.state[i] === BUF_VALID && this.waiters[i] === 0 && (victim < 0 || this.used[i] < this.used[victim])) victim = i;
    }
    if (victim >= 0) {
      this.cov.hit(C.C_CACHE_EVICT);
      this.probes.add(P_CACHE_EVICT, victim, this.block[victim], this.state[victim]);
      this.map[this.block[victim]] = -1;
      this.block[victim] = -1;
      this.state[victim] = BUF_FREE;
    }
    return victim;
  }

  private startRead(i: number): void {
    this.state[i] = BUF_READING;
    this.probes.add(P_CACHE_REQUEST, i, this.block[i], VIRTIO_BLK_T_IN);
    this.driver!.request(i, VIRTIO_BLK_T_IN, this.partitionStartBlock + this.block[i], ++this.serial);
  }

  /** Writes valid buffer `i` through to the disk; client `c` is woken when it completes. */
  writeThrough(i: number, c: number): void {
    this.state[i] = BUF_WRITING;
    this.waiters[i] |= 1 << c;
    this.cov.hit(C.C_CACHE_WRITE);
    this.probes.add(P_CACHE_REQUEST, i, this.block[i], VIRTIO_BLK_T_OUT);
    this.driver!.request(i, VIRTIO_BLK_T_OUT, this.partitionStartBlock + this.block[i], ++this.serial);
  }

  /** eclipse-b (uncached): the step that needed block `b` is over; drop it. */
  release(b: number): void {
    if (!this.uncached) return;
    const i = this.map[b];
    if (i < 0 || this.state[i] !== BUF_VALID || this.waiters[i] !== 0) return;
    this.drop(i);
  }

  private drop(i: number): void {
    this.probes.add(P_CACHE_INVALID, i, this.block[i], 0);
    this.map[this.block[i]] = -1;
    this.block[i] = -1;
    this.state[i] = BUF_FREE;
    this.wakeFull();
  }

  // ---- BlockRequester ----

  fillOut(i: number, bytes: Uint8Array, offset: number): void {
    bytes.set(this.data.subarray(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES), offset);
  }

  takeIn(i: number, bytes: Uint8Array, offset: number): void {
    this.data.set(bytes.subarray(offset, offset + BLOCK_BYTES), i * BLOCK_BYTES);
  }

  done(i: number, result: number): void {
    const st = this.state[i];
    if (st === BUF_READING) {
      if (result === R_OK) {
        this.state[i] = BUF_VALID;
        this.used[i] = ++this.clock;
        this.cov.hit(C.C_CACHE_READ_OK);
        this.probes.add(P_CACHE_VALID, i, this.block[i], 0);
        this.wakeAll(i, WAKE_OK);
        return;
      }
      // An error is never cached: retry, then fail back to every waiter.
      if (this.retries[i] < this.readRetries) {
        this.retries[i]++;
        this.cov.hit(C.C_CACHE_READ_RETRY);
        this.startRead(i);
        return;
      }
      const w = this.waiters[i];
      this.waiters[i] = 0;
      this.cov.hit(C.C_CACHE_READ_EIO);
      this.drop(i);
      this.wakeMask(w, WAKE_EIO);
      return;
    }
    if (st === BUF_WRITING) {
      if (result === R_OK) {
        this.state[i] = BUF_VALID;
        this.cov.hit(C.C_CACHE_WRITE_OK);
        this.probes.add(P_CACHE_VALID, i, this.block[i], 1);
        this.wakeAll(i, WAKE_OK);
        if (this.uncached) this.release(this.block[i]);
        return;
      }
      const w = this.waiters[i];
      this.waiters[i] = 0;
      this.cov.hit(C.C_CACHE_WRITE_EIO);
      this.drop(i);
      this.wakeMask(w, WAKE_EIO);
    }
  }

  private wakeAll(i: number, outcome: number): void {
    const w = this.waiters[i];
    this.waiters[i] = 0;
    this.wakeMask(w, outcome);
  }

  private wakeMask(w: number, outcome: number): void {
    for (let c = 0; w !== 0; c++, w >>>= 1) if ((w & 1) !== 0) this.client.wake(c, outcome);
    this.wakeFull();
  }

  private wakeFull(): void {
    const w = this.fullWaiters;
    if (w === 0) return;
    this.fullWaiters = 0;
    for (let c = 0, x = w; x !== 0; c++, x >>>= 1) if ((x & 1) !== 0) this.client.wake(c, WAKE_OK);
  }

  /** The buffer's bytes start here in `data`. */
  offsetOf(i: number): number {
    return i * BLOCK_BYTES;
  }

  /** The [start, end) ranges of `data` in free buffers (for the audit). */
  freeRanges(): number[] {
    const out: number[] = [];
    for (let i = 0; i < this.slots; i++) if (this.state[i] === BUF_FREE) out.push(i * BLOCK_BYTES, (i + 1) * BLOCK_BYTES);
    return out;
  }

  /** Buffer of a valid block, or −1 (no side effects). */
  peek(b: number): number {
    const i = this.map[b];
    return i >= 0 && this.state[i] === BUF_VALID ? i : -1;
  }

  fingerprint(h: Hasher64): void {
    // LRU order matters, not the stamps: hash each buffer's rank among valid buffers.
    for (let i = 0; i < this.slots; i++) {
      h.int(this.block[i]);
      h.int(this.state[i]);
      h.int(this.waiters[i]);
      h.int(this.retries[i]);
      let rank = 0;
      for (let j = 0; j < this.slots; j++) if (this.used[j] < this.used[i]) rank++;
      h.int(rank);
      if (this.state[i] !== BUF_FREE) h.words(this.words, (i * BLOCK_BYTES) >> 2, BLOCK_BYTES >> 2);
    }
    h.int(this.fullWaiters);
  }
}
