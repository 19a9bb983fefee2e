/**
 * Progress properties of the virtqueue, L-VQ-01…08 (invariants.md), checked as bounded response:
 * every obligation (a published entry to fetch, a used element to consume, a request to finish, a
 * waiter to wake, a reset to complete) must be met within its bound, measured from the later of
 * when it arose and when the last fault settled (`Faults.settleUntil`). When the run goes quiet
 * with an obligation still open, nothing can ever meet it: that is reported at once.
 *
 * What it does not do: lasso detection over the state graph (exhaustive runs here are finite, so
 * a cycle without progress shows up as the depth bound or as quiescence with open obligations).
 */
import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import { STATUS_DRIVER_OK, STATUS_FAILED, VIRTIO_BLK_T_FLUSH } from '../model/virtio/constants.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
import { CheckFamilyBase, type CheckInfo } from './check.js';
import { VIRTQUEUE_CHECKS } from './virtqueue-catalogue.js';
import type { StateDecl } from '../sim/state-walk.js';

const NONE = -1;

export class VirtqueueProgressChecks extends CheckFamilyBase {
  static override readonly stateDecl: StateDecl = { times: ['publishedAt', 'usedAt', 'requestAt', 'enoughSince', 'resetAt', 'needsResetAt', 'lastEval'] };

  readonly checks: readonly CheckInfo[] = VIRTQUEUE_CHECKS.filter((c) => c.id.startsWith('L-VQ'));
  private readonly n: number;
  /** Per avail slot: when its entry was published (NONE = fetched or never published). */
  private readonly publishedAt: Float64Array;
  /** Per used slot: when its element was published (NONE = consumed). */
  private readonly usedAt: Float64Array;
  /** Per client: when its request started (NONE = none open). */
  private readonly requestAt: Float64Array;
  /** Per client: waiting for descriptors. */
  private readonly waiting: Uint8Array;
  /**
   * Per client: its place in the ghost's own FIFO of descriptor waiters (from P_DESC_WAIT, not
   * the driver's queue) as a rank, 1 for the first, 0 when not waiting — canonical, so runs that
   * reach the same queue by different histories are the same state — and the type of its request.
   */
  private readonly waitSeq: Float64Array;
  private readonly reqType: Int32Array;
  /** Free descriptors as the allocation and free probes count them; chain length per head. */
  private free = 0;
  private readonly chainLen: Uint8Array;
  /** DRIVER_OK written since the last reset; the device reported a failure since then. */
  private driverOk = 0;
  private failed = 0;
  /** Since when enough descriptors are free for the first waiter (NONE = not the case). */
  private enoughSince = NONE;
  private resetAt = NONE;
  private needsResetAt = NONE;
  /** Reads of used.idx in the current handler invocation. */
  private handlerReads = 0;
  private inHandler = 0;
  /** The avail index has wrapped at least once (L-VQ-08). */
  private wrapped = 0;
  private lastEval = -1;

  constructor(m: Machine) {
    super(m);
    this.n = m.params.queueSize;
    this.publishedAt = new Float64Array(this.n);
    this.usedAt = new Float64Array(this.n);
    this.requestAt = new Float64Array(m.requester.slots);
    this.waiting = new Uint8Array(m.requester.slots);
    this.waitSeq = new Float64Array(m.requester.slots);
    this.reqType = new Int32Array(m.requester.slots);
    this.chainLen = new Uint8Array(this.n);
  }

  begin(): void {
    this.publishedAt.fill(NONE);
    this.usedAt.fill(NONE);
    this.requestAt.fill(NONE);
    this.waiting.fill(0);
    this.waitSeq.fill(0);
    this.reqType.fill(0);
    this.free = this.n;
    this.chainLen.fill(0);
    this.driverOk = 0;
    this.failed = 0;
    this.enoughSince = NONE;
    this.resetAt = NONE;
    this.needsResetAt = NONE;
    this.handlerReads = 0;
    this.inHandler = 0;
    this.wrapped = 0;
    this.lastEval = -1;
  }

  protected override fail(id: string, message: string): Violation {
    // L-VQ-08: a progress failure once the indices have wrapped is reported as such.
    if (this.wrapped === 1 && (id === 'L-VQ-01' || id === 'L-VQ-02' || id === 'L-VQ-03' || id === 'L-VQ-04')) {
      return { check: 'L-VQ-08', step: this.m.sim.steps, time: this.m.sim.now, message: `after the indices wrapped, ${id} failed: ${message}` };
    }
    return { check: id, step: this.m.sim.steps, time: this.m.sim.now, message };
  }

  /**
   * Is `id` (as it would be reported: L-VQ-08 once wrapped) let through? A deadline already
   * reported, or filtered out, must not hide the next one: each is asked before it is returned.
   */
  private on(id: string): boolean {
    const wrappedId = this.wrapped === 1 && (id === 'L-VQ-01' || id === 'L-VQ-02' || id === 'L-VQ-03' || id === 'L-VQ-04');
    return this.selected(wrappedId ? 'L-VQ-08' : id);
  }

  afterStep(): Violation | null {
    const m = this.m;
    const now = m.sim.now;
    const probes = m.probes;
    const buf = probes.buf;
    const n = this.n;
    let livelock: Violation | null = null;
    let powerLost = false;
    for (let i = 0; i < probes.count; i++) {
      const k = i * 4;
      const a = buf[k + 1];
      const b = buf[k + 2];
      switch (buf[k]) {
        case P.P_AVAIL_PUBLISH:
          this.publishedAt[a & (n - 1)] = now;
          if (b < a) this.wrapped = 1;
          break;
        case P.P_DEVICE_FETCH:
          this.publishedAt[b & (n - 1)] = NONE;
          break;
        case P.P_USED_PUBLISH:
          this.usedAt[a & (n - 1)] = now;
          break;
        case P.P_DRIVER_CONSUME:
          this.usedAt[a & (n - 1)] = NONE;
          break;
        case P.P_QUEUE_RESET:
          this.publishedAt.fill(NONE);
          this.usedAt.fill(NONE);
          this.free = n;
          this.chainLen.fill(0);
          break;
        case P.P_DRIVER_ALLOC:
          this.free -= b;
          this.chainLen[a] = b;
          break;
        case P.P_DRIVER_FREE:
          this.free += this.chainLen[a];
          this.chainLen[a] = 0;
          break;
        case P.P_REQUEST_START:
          this.requestAt[a] = now;
          this.reqType[a] = buf[k + 3];
          break;
        case P.P_COMPLETE:
          this.requestAt[a] = NONE;
          this.stopWaiting(a);
          break;
        case P.P_DESC_WAIT: {
          this.stopWaiting(a);
          let rank = 1;
          for (let d = 0; d < this.waiting.length; d++) if (this.waiting[d] === 1) rank++;
          this.waiting[a] = 1;
          this.waitSeq[a] = rank;
          break;
        }
        case P.P_DESC_WAKE:
          this.stopWaiting(a);
          break;
        case P.P_DEVICE_RESET:
          this.resetAt = now;
          this.needsResetAt = NONE;
          this.driverOk = 0;
          this.failed = 0;
          break;
        case P.P_STATUS_WRITE:
          // Writing 0 is the driver's reset (L-VQ-06 met); the device may finish it later.
          if (b === 0) this.needsResetAt = NONE;
          if ((b & (STATUS_DRIVER_OK | STATUS_FAILED)) !== 0) this.resetAt = NONE;
          this.driverOk = (b & STATUS_DRIVER_OK) !== 0 ? 1 : 0;
          break;
        case P.P_DEVICE_NEEDS_RESET:
          if (this.needsResetAt === NONE) this.needsResetAt = now;
          this.failed = 1;
          break;
        case P.P_POWER_LOSS:
          // Nothing of the old boot can happen any more: its obligations end with it (the rest
          // of the step's probes, if any, belong to the new boot).
          this.begin();
          powerLost = true;
          break;
        case P.P_HANDLER_START:
          this.inHandler = 1;
          this.handlerReads = 0;
          break;
        case P.P_HANDLER_END:
          this.inHandler = 0;
          break;
        case P.P_DRIVER_READ_USED:
          if (this.inHandler === 1 && ++this.handlerReads > 2 * n + 4 && livelock === null) {
            livelock = this.fail('L-VQ-07', `the interrupt handler has read used.idx ${this.handlerReads} times in one invocation without finishing`);
          }
          break;
      }
    }
    if (powerLost) {
      this.lastEval = now;
      return null;
    }
    if (livelock && this.selected(livelock.check)) return livelock;
    this.trackWaiters(now);
    if (now !== this.lastEval) {
      this.lastEval = now;
      return this.deadlines(now);
    }
    return null;
  }

  /**
   * L-VQ-04 bookkeeping: since when could the first waiter have been served? The first waiter, its
   * need and the free count are the ghost's (the wait, allocation and free probes), not the
   * driver's waiter queue and free counter, so a driver that loses a waiter or miscounts is seen.
   */
  private trackWaiters(now: number): void {
    let first = -1;
    for (let c = 0; c < this.waiting.length; c++) {
      if (this.waiting[c] === 1 && (first < 0 || this.waitSeq[c] < this.waitSeq[first])) first = c;
    }
    if (first < 0 || this.driverOk === 0) {
      this.enoughSince = NONE;
      return;
    }
    const need = this.reqType[first] === VIRTIO_BLK_T_FLUSH ? 2 : 3;
    if (this.free >= need) {
      if (this.enoughSince === NONE) this.enoughSince = now;
    } else this.enoughSince = NONE;
  }

  /** Past its bound, measured from the later of when it arose and when the last fault settled? */
  private due(since: number, bound: number, settle: number, now: number): boolean {
    return (since > settle ? since : settle) + bound < now;
  }

  private deadlines(now: number): Violation | null {
    const m = this.m;
    const p = m.params;
    const settle = m.faults.settleUntil;
    const deviceLive = this.driverOk === 1 && this.failed === 0;
    for (let s = 0; s < this.n; s++) {
      const t = this.publishedAt[s];
      if (t !== NONE && deviceLive && this.due(t, p.fetchBoundMicros, settle, now) && this.on('L-VQ-01')) {
        return this.fail('L-VQ-01', `the entry in avail slot ${s}, published at ${t} µs, was not fetched by the device within ${p.fetchBoundMicros} µs`);
      }
      const u = this.usedAt[s];
      if (u !== NONE && this.due(u, p.consumeBoundMicros, settle, now) && this.on('L-VQ-02')) {
        return this.fail('L-VQ-02', `the used element in slot ${s}, published at ${u} µs, was not consumed by the driver within ${p.consumeBoundMicros} µs`);
      }
    }
    for (let c = 0; c < this.requestAt.length; c++) {
      const t = this.requestAt[c];
      if (t !== NONE && this.due(t, p.requestBoundMicros, settle, now) && this.on('L-VQ-03')) {
        return this.fail('L-VQ-03', `client ${c}'s request, started at ${t} µs, neither completed nor failed within ${p.requestBoundMicros} µs`);
      }
    }
    if (this.enoughSince !== NONE && this.due(this.enoughSince, p.consumeBoundMicros, settle, now) && this.on('L-VQ-04')) {
      return this.fail('L-VQ-04', `a client waiting for descriptors was not woken within ${p.consumeBoundMicros} µs although ${this.free} are free`);
    }
    if (this.resetAt !== NONE && this.due(this.resetAt, p.resetBoundMicros, settle, now) && this.on('L-VQ-05')) {
      return this.fail('L-VQ-05', `the device was reset at ${this.resetAt} µs and reached neither DRIVER_OK nor FAILED within ${p.resetBoundMicros} µs`);
    }
    if (this.needsResetAt !== NONE && this.due(this.needsResetAt, p.resetBoundMicros, settle, now) && this.on('L-VQ-06')) {
      return this.fail('L-VQ-06', `the device set DEVICE_NEEDS_RESET at ${this.needsResetAt} µs and the driver did not reset it within ${p.resetBoundMicros} µs`);
    }
    return null;
  }

  /** Client `c` leaves the waiters' FIFO: those behind it move up one place. */
  private stopWaiting(c: number): void {
    if (this.waiting[c] === 0) return;
    const rank = this.waitSeq[c];
    this.waiting[c] = 0;
    this.waitSeq[c] = 0;
    for (let d = 0; d < this.waiting.length; d++) if (this.waiting[d] === 1 && this.waitSeq[d] > rank) this.waitSeq[d]--;
  }

  /** With no event left, every open obligation is a violation now. */
  atEnd(quiescent: boolean): Violation | null {
    const m = this.m;
    const now = m.sim.now;
    if (!quiescent) return this.deadlines(now);
    for (let s = 0; s < this.n; s++) {
      if (this.publishedAt[s] !== NONE && this.driverOk === 1 && this.failed === 0 && this.on('L-VQ-01')) return this.fail('L-VQ-01', `the run ended with the entry in avail slot ${s} (published at ${this.publishedAt[s]} µs) never fetched`);
      if (this.usedAt[s] !== NONE && this.on('L-VQ-02')) return this.fail('L-VQ-02', `the run ended with the used element in slot ${s} (published at ${this.usedAt[s]} µs) never consumed`);
    }
    for (let c = 0; c < this.requestAt.length; c++) {
      if (this.requestAt[c] !== NONE && this.on('L-VQ-03')) return this.fail('L-VQ-03', `the run ended with client ${c}'s request (started at ${this.requestAt[c]} µs) neither completed nor failed`);
    }
    for (let c = 0; c < this.waiting.length; c++) {
      if (this.waiting[c] === 1 && this.on('L-VQ-04')) return this.fail('L-VQ-04', `the run ended with client ${c} still waiting for descriptors (${this.free} free)`);
    }
    if (this.resetAt !== NONE && this.on('L-VQ-05')) return this.fail('L-VQ-05', `the run ended with the device reset at ${this.resetAt} µs but never re-initialised`);
    if (this.needsResetAt !== NONE && this.on('L-VQ-06')) return this.fail('L-VQ-06', `the run ended with DEVICE_NEEDS_RESET (set at ${this.needsResetAt} µs) never handled`);
    return null;
  }

  fingerprint(h: Hasher64, now: number): void {
    const rel = (t: number) => (t === NONE ? -1 : now - t);
    for (let s = 0; s < this.n; s++) {
      h.num(rel(this.publishedAt[s]) + 1);
      h.num(rel(this.usedAt[s]) + 1);
    }
    for (let c = 0; c < this.requestAt.length; c++) {
      h.num(rel(this.requestAt[c]) + 1);
      h.int(this.waiting[c]);
      if (this.requestAt[c] !== NONE) h.int(this.reqType[c]);
      if (this.waiting[c] === 1) {
        // The waiter's place in the FIFO (how many wait before it), not its sequence number.
        let before = 0;
        for (let d = 0; d < this.waiting.length; d++) if (this.waiting[d] === 1 && this.waitSeq[d] < this.waitSeq[c]) before++;
        h.int(before);
      }
    }
    h.int(this.free | (this.driverOk << 16) | (this.failed << 17));
    h.num(rel(this.enoughSince) + 1);
    h.num(rel(this.resetAt) + 1);
    h.num(rel(this.needsResetAt) + 1);
    h.int(this.handlerReads | (this.inHandler << 16) | (this.wrapped << 17));
  }
}
