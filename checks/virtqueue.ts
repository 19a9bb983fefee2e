/**
 * Safety invariants of the split virtqueue, S-VQ-01…23 (invariants.md "VirtIO split virtqueue";
 * VirtIO 1.2 §2.1, §2.4, §2.7, §4.2).
 *
 * What it verifies: the protocol between driver and device as seen in ring memory and in the
 * probes both sides emit, with ghost state of its own (who owns each chain, which slot was written
 * for which position, which used element was written when, the device epoch).
 *
 * What it does not verify, and why: the block request's contents (checks/block.ts), and anything
 * about timing (checks/virtqueue-progress.ts). Store-buffer reorderings are not modelled: each
 * step is sequentially consistent, so "missing barrier" bugs show up as steps in the wrong order,
 * which is how the zoo's mutants are planted.
 */
import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import {
  FEATURE_EVENT_IDX,
  ISR_USED_BUFFER,
  STATUS_ACKNOWLEDGE,
  STATUS_DEVICE_NEEDS_RESET,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
  VIRTQ_AVAIL_F_NO_INTERRUPT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_USED_F_NO_NOTIFY,
} from '../model/virtio/constants.js';
import { distance, needEvent, validGeometry } from '../model/virtio/index-math.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
import type { StateDecl } from '../sim/state-walk.js';
import { CheckFamilyBase, type CheckInfo, type ProbeHandler } from './check.js';
import { VIRTQUEUE_CHECKS } from './virtqueue-catalogue.js';

/** Ghost owner of a chain, by head. */
const OWN_NONE = 0;
const OWN_DRIVER = 1;
const OWN_DEVICE = 2;

export class VirtqueueChecks extends CheckFamilyBase {
  /** For the fingerprint audit: `marks` is scratch, cleared before each use within one step. */
  static override readonly stateDecl: StateDecl = { fixed: ['n', 'mask'], dead: ['marks'] };

  readonly checks: readonly CheckInfo[] = VIRTQUEUE_CHECKS.filter((c) => c.id.startsWith('S-VQ'));
  private readonly n: number;
  private readonly mask: number;

  // ---- ghost state. Invariant: reflects only what the probes reported.
  /** Chain owner and length, by head. */
  private readonly owner: Uint8Array;
  private readonly chainLen: Uint8Array;
  private readonly filled: Uint8Array;
  /** Position last written into each avail slot, and the head written. */
  private readonly slotPos: Int32Array;
  private readonly slotHead: Int32Array;
  /** Whether the device has read the entry in each avail slot. */
  private readonly slotFetched: Uint8Array;
  /** Position and epoch of the last id / len write into each used slot. */
  private readonly elemIdPos: Int32Array;
  private readonly elemLenPos: Int32Array;
  private readonly elemEpoch: Int32Array;
  /** Per head: device epoch at allocation; used elements written for it since publication. */
  private readonly headEpoch: Int32Array;
  private readonly headElems: Uint8Array;
  /** Per head: the device wrote the status byte / the data since it fetched the chain. */
  private readonly statusWritten: Uint8Array;
  /** Per client: a request outstanding (reported to the caller at most once). */
  private readonly outstanding: Uint8Array;
  private expectAvail = 0;
  private expectUsed = 0;
  private expectConsume = 0;
  private isrRead = 0;
  private inHandler = 0;
  private acked = 0;
  /** Reset seen, status 0 not yet read back by the driver. */
  private resetUnconfirmed = 0;
  /** Reset seen, DRIVER_OK not yet written. */
  private resetQuiet = 0;
  private featuresOkSet = 0;
  private featuresOkReread = 0;
  private queueLive = 0;
  /**
   * The device epoch as the ghost counts it (one per P_DEVICE_RESET), never the device's own
   * counter: a device that forgets to advance its epoch is still judged by the resets it had.
   */
  private epoch = 0;
  /** Device status as the driver wrote it since the last reset (NEEDS_RESET from the device's probe). */
  private gStatus = 0;
  /** The device reported a failure (DEVICE_NEEDS_RESET) since the last reset. */
  private gFailed = 0;
  /** EVENT_IDX as the driver accepted it (P_FEATURES), and as the device took it at DRIVER_OK. */
  private featEventIdx = 0;
  private devEventIdx = 0;
  /** The next avail position the device will read, from its fetches (not its last_avail). */
  private fetchPos = 0;
  private descsDirty = 0;
  private usedDirty = 0;
  private readonly marks: Uint8Array;

  constructor(m: Machine) {
    super(m);
    const n = m.params.queueSize;
    this.n = n;
    this.mask = m.indexMask;
    this.owner = new Uint8Array(n);
    this.chainLen = new Uint8Array(n);
    this.filled = new Uint8Array(n);
    this.slotPos = new Int32Array(n);
    this.slotHead = new Int32Array(n);
    this.slotFetched = new Uint8Array(n);
    this.elemIdPos = new Int32Array(n);
    this.elemLenPos = new Int32Array(n);
    this.elemEpoch = new Int32Array(n);
    this.headEpoch = new Int32Array(n);
    this.headElems = new Uint8Array(n);
    this.statusWritten = new Uint8Array(n);
    this.outstanding = new Uint8Array(m.requester.slots);
    this.marks = new Uint8Array(n);
  }

  begin(): void {
    this.clearQueueGhost();
    this.outstanding.fill(0);
    this.isrRead = 0;
    this.inHandler = 0;
    this.acked = 0;
    this.resetUnconfirmed = 0;
    this.resetQuiet = 0;
    this.featuresOkSet = 0;
    this.featuresOkReread = 0;
    this.queueLive = 0;
    this.epoch = 0;
    this.gStatus = 0;
    this.gFailed = 0;
    this.featEventIdx = 0;
    this.devEventIdx = 0;
  }

  private clearQueueGhost(): void {
    this.owner.fill(OWN_NONE);
    this.chainLen.fill(0);
    this.filled.fill(0);
    this.slotPos.fill(-1);
    this.slotHead.fill(-1);
    this.slotFetched.fill(0);
    this.elemIdPos.fill(-1);
    this.elemLenPos.fill(-1);
    this.elemEpoch.fill(-1);
    this.headEpoch.fill(-1);
    this.headElems.fill(0);
    this.statusWritten.fill(0);
    this.expectAvail = 0;
    this.expectUsed = 0;
    this.expectConsume = 0;
    this.fetchPos = 0;
    this.descsDirty = 0;
    this.usedDirty = 0;
  }


  private readonly handle: ProbeHandler = (kind, a, b, c) => this.onProbe(kind, a, b, c);

  afterStep(): Violation | null {
    const first = this.readStepProbes(this.handle);
    // The state checks run even after a probe's violation: they keep their dirty flags in step.
    const v = this.stateChecks();
    return first ?? v;
  }

  /**
   * Checks over the state after the step: cheap ones always, walks only when their subject changed.
   * Ring memory is the shared truth; the positions it is compared with are the ghost's (what the
   * driver published and consumed, what the device fetched and published), never the driver's or
   * the device's own counters. Returns the first violation the filter lets through, after running
   * all of them (a check already reported does not hide the others).
   */
  private stateChecks(): Violation | null {
    const mem = this.m.mem;
    let v: Violation | null = null;
    const hit = (w: Violation | null): void => {
      if (w && v === null && this.selected(w.check)) v = w;
    };
    if (this.queueLive === 1) {
      // S-VQ-05 / S-VQ-10: nobody but the driver moved avail.idx, nobody but the device used.idx.
      const avail = mem.availIdx();
      const used = mem.usedIdx();
      if (avail !== this.expectAvail && this.selected('S-VQ-05')) hit(this.fail('S-VQ-05', `avail.idx is ${avail} but the driver published up to ${this.expectAvail}`));
      if (used !== this.expectUsed && this.selected('S-VQ-10')) hit(this.fail('S-VQ-10', `used.idx is ${used} but the device published up to ${this.expectUsed}`));
      // S-VQ-06: index windows, the device's and the driver's positions as their probes reported them.
      if (this.gFailed === 0 && this.selected('S-VQ-06')) {
        const a = distance(avail, this.fetchPos, this.mask);
        const b = distance(this.fetchPos, used, this.mask);
        const c = distance(used, this.expectConsume, this.mask);
        if (a > this.n) hit(this.fail('S-VQ-06', `avail.idx − last_avail = ${a} > N = ${this.n} (avail.idx ${avail}, the device has read up to ${this.fetchPos})`));
        else if (b > this.n) hit(this.fail('S-VQ-06', `last_avail − used.idx = ${b} > N = ${this.n} (the device has read up to ${this.fetchPos}, used.idx ${used})`));
        else if (c > this.n) hit(this.fail('S-VQ-06', `used.idx − last_used = ${c} > N = ${this.n} (used.idx ${used}, the driver has read up to ${this.expectConsume})`));
      }
      // S-VQ-15: flags domain (EVENT_IDX as negotiated).
      const af = mem.availFlags();
      const uf = mem.usedFlags();
      if (this.devEventIdx === 1) {
        if (af !== 0 || uf !== 0) hit(this.fail('S-VQ-15', `with EVENT_IDX both flags must be 0: avail.flags ${af}, used.flags ${uf}`));
      } else if (af > 1 || uf > 1) {
        hit(this.fail('S-VQ-15', `flags out of domain: avail.flags ${af}, used.flags ${uf}`));
      }
    }
    if (this.descsDirty === 1) {
      this.descsDirty = 0;
      hit(this.conservation());
    }
    if (this.usedDirty === 1) {
      this.usedDirty = 0;
      hit(this.usedWindowValid());
    }
    return v;
  }

  /** S-VQ-02: walk the free list and every live chain; each descriptor exactly once, N in all. */
  private conservation(): Violation | null {
    const m = this.m;
    const mem = m.mem;
    const drv = m.driver;
    const marks = this.marks;
    marks.fill(0);
    let d = drv.freeHead;
    for (let i = 0; i < drv.numFree; i++) {
      if (d >= this.n) return this.fail('S-VQ-02', `free list reaches descriptor ${d} ≥ N after ${i} entries`);
      if (marks[d] !== 0) return this.fail('S-VQ-02', `descriptor ${d} is on the free list twice`);
      marks[d] = 1;
      d = mem.descNext(d);
    }
    for (let head = 0; head < this.n; head++) {
      if (this.owner[head] === OWN_NONE) continue;
      let x = head;
      for (let j = 0; j < this.chainLen[head]; j++) {
        if (x >= this.n) return this.fail('S-VQ-02', `chain ${head} links to descriptor ${x} ≥ N`);
        if (marks[x] === 1) return this.fail('S-VQ-02', `descriptor ${x} of the live chain at head ${head} is also on the free list`);
        if (marks[x] === 2) return this.fail('S-VQ-02', `descriptor ${x} is in two live chains`);
        marks[x] = 2;
        x = mem.descNext(x);
      }
    }
    for (let i = 0; i < this.n; i++) {
      if (marks[i] === 0) return this.fail('S-VQ-02', `descriptor ${i} is neither free nor in a live chain (leaked): free ${drv.numFree} + live < N = ${this.n}`);
    }
    return null;
  }

  /** S-VQ-08: every used element not yet consumed names a distinct head owned by the device. */
  private usedWindowValid(): Violation | null {
    const mem = this.m.mem;
    // Unconsumed: from the position the driver's consume probes reached, not its last_used.
    const from = this.expectConsume;
    const k = distance(mem.usedIdx(), from, this.mask);
    if (k > this.n) return null; // S-VQ-06 reports this
    const marks = this.marks;
    marks.fill(0);
    for (let i = 0; i < k; i++) {
      const pos = (from + i) & this.mask;
      const id = mem.usedElemId(pos & (this.n - 1));
      if (id >= this.n) return this.fail('S-VQ-08', `used element at position ${pos} has id ${id} ≥ N`);
      if (this.owner[id] !== OWN_DEVICE) return this.fail('S-VQ-08', `used element at position ${pos} names head ${id}, which the device does not own (already consumed)`);
      if (marks[id] !== 0) return this.fail('S-VQ-08', `head ${id} appears twice among unconsumed used elements`);
      marks[id] = 1;
    }
    return null;
  }

  private onProbe(kind: number, a: number, b: number, c: number): Violation | null {
    const m = this.m;
    const mem = m.mem;
    const n = this.n;
    const mask = this.mask;
    // Each case first brings the ghost state up to what the probe reports, then judges: a
    // violation never leaves the ghost behind the model (no cascade of later false reports).
    switch (kind) {
      case P.P_STATUS_WRITE:
        return this.statusWrite(b);
      case P.P_STATUS_READ:
        if (a === 0) this.resetUnconfirmed = 0;
        if (this.featuresOkSet === 1 && (a & STATUS_FEATURES_OK) !== 0) this.featuresOkReread = 1;
        return null;
      case P.P_FEATURES:
        this.featEventIdx = (a & FEATURE_EVENT_IDX) !== 0 ? 1 : 0;
        return null;
      case P.P_DEVICE_RESET:
        // The ghost counts resets itself (the probe's epoch is the device's own counter).
        this.epoch++;
        this.gStatus = 0;
        this.gFailed = 0;
        this.devEventIdx = 0;
        this.fetchPos = 0;
        this.resetUnconfirmed = 1;
        this.resetQuiet = 1;
        this.featuresOkSet = 0;
        this.featuresOkReread = 0;
        this.queueLive = 0;
        return null;
      case P.P_DEVICE_NEEDS_RESET:
        this.gFailed = 1;
        this.gStatus |= STATUS_DEVICE_NEEDS_RESET;
        return null;
      case P.P_QUEUE_RESET: {
        const v = this.resetUnconfirmed === 1 ? this.fail('S-VQ-20', 'the driver reinitialised the ring before reading status 0 after the reset') : null;
        this.clearQueueGhost();
        this.descsDirty = 1;
        return v;
      }
      case P.P_QUEUE_READY: {
        this.queueLive = 1;
        // S-VQ-01
        if (!validGeometry(a, b)) return this.fail('S-VQ-01', `queue size ${a} with ${b}-bit indices: N must be a power of two and ≤ 2^(W−1)`);
        if (mem.descOffset % 16 !== 0 || mem.availOffset % 2 !== 0 || mem.usedOffset % 4 !== 0) return this.fail('S-VQ-01', 'ring areas misaligned');
        if (mem.descOffset + 16 * n > mem.availOffset || mem.availOffset + 6 + 2 * n > mem.usedOffset) return this.fail('S-VQ-01', 'ring areas overlap');
        if (this.featuresOkReread === 0) return this.fail('S-VQ-19', 'queue set up before FEATURES_OK was read back');
        return null;
      }
      case P.P_DRIVER_ALLOC: {
        const live = this.owner[a] !== OWN_NONE;
        this.owner[a] = OWN_DRIVER;
        this.chainLen[a] = b;
        this.filled[a] = 0;
        this.headEpoch[a] = this.epoch;
        this.headElems[a] = 0;
        this.descsDirty = 1;
        if (this.resetUnconfirmed === 1) return this.fail('S-VQ-20', `descriptor ${a} reused before the driver saw status 0 after a reset`);
        if (live) return this.fail('S-VQ-02', `head ${a} allocated while its chain is still live`);
        return null;
      }
      case P.P_DRIVER_FILL:
        this.filled[a] = 1;
        if (this.owner[a] === OWN_DEVICE) return this.fail('S-VQ-04', `the driver rewrote the chain or buffers of head ${a} while the device owns it`);
        if (this.resetUnconfirmed === 1) return this.fail('S-VQ-20', `request buffers of head ${a} reused before the driver saw status 0`);
        return null;
      case P.P_SLOT_WRITE: {
        // S-VQ-04 for ring slots: the slot is frozen from publication until the device has read it
        // (fetched the entry). Completion order does not matter: a slot whose entry was fetched may
        // be reused while that request is still in flight, as Linux's virtio_ring does; with N
        // descriptors an unfetched entry N positions back cannot exist in a correct driver.
        const slot = a & (n - 1);
        const prev = this.slotHead[slot];
        const prevPos = this.slotPos[slot];
        const overwrote = prev >= 0 && this.slotFetched[slot] === 0 && prevPos !== a;
        this.slotPos[slot] = a;
        this.slotHead[slot] = b;
        this.slotFetched[slot] = 0;
        // A slot written for a position avail.idx has already passed (S-VQ-07 reported the
        // publication): the head it names is exposed from now on.
        const behind = distance(this.expectAvail, a, mask);
        if (behind >= 1 && behind <= n && b < n) {
          this.owner[b] = OWN_DEVICE;
          this.headElems[b] = 0;
        }
        if (overwrote) return this.fail('S-VQ-04', `avail slot ${slot} rewritten for position ${a} while entry ${prevPos} (head ${prev}) has not been read by the device`);
        return null;
      }
      case P.P_AVAIL_PUBLISH: {
        const expected = this.expectAvail;
        this.expectAvail = b;
        const slot = a & (n - 1);
        const slotWritten = this.slotPos[slot] === a;
        const head = this.slotHead[slot];
        // The entry is exposed: the device owns the head the slot names (if the slot was written).
        if (slotWritten && head >= 0 && head < n) {
          this.owner[head] = OWN_DEVICE;
          this.headElems[head] = 0;
        }
        // S-VQ-05: advances by exactly the one head added.
        if (a !== expected || b !== ((a + 1) & mask)) {
          return this.fail('S-VQ-05', `avail.idx went from ${a} to ${b}; expected ${(expected + 1) & mask} (one head added, ${mask + 1}-wrapping)`);
        }
        // S-VQ-07: the slot for position a names a filled chain, written before this bump.
        if (!slotWritten) return this.fail('S-VQ-07', `avail.idx passed position ${a} before its ring slot ${slot} was written`);
        if (head >= 0 && head < n && this.filled[head] !== 1) return this.fail('S-VQ-07', `avail.idx passed head ${head} before its descriptors were written`);
        return null;
      }
      case P.P_KICK_DECISION: {
        // S-VQ-17, with EVENT_IDX as the driver negotiated it (P_FEATURES), not as it remembers it.
        const need = this.featEventIdx === 1 ? needEvent(mem.availEvent(), b, a, mask) : (mem.usedFlags() & VIRTQ_USED_F_NO_NOTIFY) === 0;
        if (need && c === 0) return this.fail('S-VQ-17', `the device did not suppress notifications but the driver did not notify after publishing ${a}→${b}`);
        return null;
      }
      case P.P_DRIVER_NOTIFY:
        if ((a & STATUS_DRIVER_OK) === 0) return this.fail('S-VQ-18', `the driver notified the device before DRIVER_OK (status ${a})`);
        return null;
      case P.P_DEVICE_FETCH: {
        const expected = this.fetchPos;
        this.statusWritten[a] = 0;
        this.slotFetched[b & (n - 1)] = 1;
        this.fetchPos = (b + 1) & mask;
        // S-VQ-06: the device reads the avail ring in order, from where it last read (its
        // last_avail as its fetches show it; a position skipped or read again moved it by itself).
        if (b !== expected) return this.fail('S-VQ-06', `the device read avail position ${b}, but its last_avail was ${expected} (it moved without a fetch)`);
        if ((this.gStatus & STATUS_DRIVER_OK) === 0) return this.fail('S-VQ-18', `the device consumed avail position ${b} without DRIVER_OK`);
        if (this.resetQuiet === 1) return this.fail('S-VQ-20', 'the device consumed the ring before re-initialisation');
        return this.chainWellFormed(a);
      }
      case P.P_DEVICE_BAD_CHAIN:
        return this.fail('S-VQ-03', `the device refused the chain at head ${a} (reason ${a >= n ? 'head ≥ N' : b})`);
      case P.P_DEVICE_WRITE:
        if (this.resetQuiet === 1) return this.fail('S-VQ-20', 'the device wrote guest memory before re-initialisation');
        return this.writePermission(a, b, c);
      case P.P_DEVICE_STATUS:
        this.statusWritten[a] = 1;
        if (this.resetQuiet === 1) return this.fail('S-VQ-20', 'the device wrote a status byte before re-initialisation');
        return null;
      case P.P_USED_ELEM_ID: {
        const slot = a & (n - 1);
        this.elemIdPos[slot] = a;
        this.elemEpoch[slot] = this.epoch;
        const second = b < n && this.headElems[b] !== 0;
        if (b < n) this.headElems[b] = 1;
        if (this.resetQuiet === 1) return this.fail('S-VQ-20', 'the device wrote the used ring before re-initialisation');
        // S-VQ-09: one used element per request per epoch.
        if (second) return this.fail('S-VQ-09', `head ${b} got a second used element in device epoch ${this.epoch}`);
        return null;
      }
      case P.P_USED_ELEM_LEN: {
        const slot = a & (n - 1);
        this.elemLenPos[slot] = a;
        // S-VQ-12: len ≤ total device-writable length of the chain.
        const id = mem.usedElemId(slot);
        if (id < n) {
          let total = 0;
          let d = id;
          for (let j = 0; j < n; j++) {
            const f = mem.descFlags(d);
            if ((f & VIRTQ_DESC_F_WRITE) !== 0) total += mem.descLen(d);
            if ((f & VIRTQ_DESC_F_NEXT) === 0) break;
            d = mem.descNext(d);
            if (d >= n) break;
          }
          if (b > total) return this.fail('S-VQ-12', `used.len ${b} for head ${id} exceeds its ${total} device-writable bytes`);
        }
        return null;
      }
      case P.P_USED_PUBLISH: {
        const expected = this.expectUsed;
        this.expectUsed = b;
        this.usedDirty = 1;
        if ((this.gStatus & STATUS_DRIVER_OK) === 0) return this.fail('S-VQ-18', 'the device published a used element without DRIVER_OK');
        if (this.resetQuiet === 1) return this.fail('S-VQ-20', 'the device published used elements before re-initialisation');
        // S-VQ-10: only advances, by one element, from where it was.
        if (a !== expected || b !== ((a + 1) & mask)) return this.fail('S-VQ-10', `used.idx went from ${a} to ${b}; expected ${(expected + 1) & mask}`);
        // S-VQ-11: id, len and status byte written before the index passed the element.
        const slot = a & (n - 1);
        if (this.elemIdPos[slot] !== a) return this.fail('S-VQ-11', `used.idx passed position ${a} before its id was written`);
        if (this.elemLenPos[slot] !== a) return this.fail('S-VQ-11', `used.idx passed position ${a} before its len was written`);
        const id = mem.usedElemId(slot);
        if (id < n && this.statusWritten[id] === 0) return this.fail('S-VQ-11', `used.idx passed head ${id} before its status byte was written`);
        return null;
      }
      case P.P_NOTIFY_DECISION: {
        // S-VQ-16: notify unless the driver suppressed it (EVENT_IDX as negotiated at DRIVER_OK).
        const need = this.devEventIdx === 1 ? needEvent(mem.usedEvent(), b, a, mask) : (mem.availFlags() & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
        if (need && c === 0) return this.fail('S-VQ-16', `used.idx ${a}→${b} not suppressed by the driver, but the device raised no interrupt`);
        return null;
      }
      case P.P_IRQ_RAISE:
        if ((a & ISR_USED_BUFFER) !== 0 && (this.gStatus & STATUS_DRIVER_OK) === 0) return this.fail('S-VQ-18', 'used-buffer interrupt without DRIVER_OK');
        if (this.resetQuiet === 1) return this.fail('S-VQ-20', 'the device interrupted before re-initialisation');
        return null;
      case P.P_HANDLER_START:
        this.inHandler = 1;
        this.acked = 0;
        this.isrRead = 0;
        return null;
      case P.P_ISR_READ:
        this.isrRead = a;
        return null;
      case P.P_ISR_ACK: {
        const read = this.isrRead;
        this.acked = 1;
        // S-VQ-22: acknowledge only bits read.
        if ((a & ~read) !== 0) return this.fail('S-VQ-22', `the handler acknowledged bits ${a} but read ${read}`);
        return null;
      }
      case P.P_HANDLER_END:
        this.inHandler = 0;
        return null;
      case P.P_DRIVER_CONSUME: {
        const expected = this.expectConsume;
        this.expectConsume = (a + 1) & mask;
        this.descsDirty = 1;
        this.usedDirty = 1;
        const slot = a & (n - 1);
        const owned = b < n && this.owner[b] === OWN_DEVICE;
        const crossEpoch = owned && this.elemEpoch[slot] !== this.headEpoch[b];
        if (owned) this.owner[b] = OWN_NONE;
        // S-VQ-22: in the handler, the used ring is scanned only after the acknowledgement.
        if (this.inHandler === 1 && this.acked === 0) return this.fail('S-VQ-22', 'the handler scanned the used ring before acknowledging the interrupt');
        // S-VQ-14: below the observed used.idx, each element once, in order.
        if (a !== expected) return this.fail('S-VQ-14', `the driver read used position ${a} but the next unread one is ${expected}`);
        const ahead = distance(c, a, mask);
        if (ahead < 1 || ahead > n) return this.fail('S-VQ-14', `the driver read used position ${a}, not below the used.idx ${c} it observed`);
        // S-VQ-21: the element was written in the epoch the request was submitted in (both epochs
        // are the ghost's own count of device resets).
        if (crossEpoch) return this.fail('S-VQ-21', `a used element of device epoch ${this.elemEpoch[slot]} completed head ${b} submitted in epoch ${this.headEpoch[b]}`);
        return null;
      }
      case P.P_DRIVER_FREE: {
        const devOwned = this.owner[a] === OWN_DEVICE;
        this.owner[a] = OWN_NONE;
        this.descsDirty = 1;
        if (devOwned) return this.fail('S-VQ-04', `the driver freed (rewrote) the chain at head ${a} while the device owns it`);
        return null;
      }
      case P.P_ABANDON:
        return null;
      case P.P_REQUEST_START:
        this.outstanding[a] = 1;
        return null;
      case P.P_COMPLETE: {
        // S-VQ-09: each request reported to its caller at most once.
        const was = this.outstanding[a];
        this.outstanding[a] = 0;
        if (was === 0) return this.fail('S-VQ-09', `client ${a}'s request was reported complete a second time (head ${b})`);
        return null;
      }
      case P.P_POWER_LOSS:
        // The machine stops and boots again: the queue, the device and every request are new.
        this.begin();
        return null;
      case P.P_PANIC:
        return this.fail('S-VQ-23', 'the interrupt handler treated an interrupt with nothing new as an error (kernel panic)');
      default:
        return null;
    }
  }

  /**
   * S-VQ-19: status changes only by reset, by the next init bit, or FAILED. The old value is the
   * ghost's (what the driver wrote since the last reset, plus NEEDS_RESET when the device failed),
   * not the device's register.
   */
  private statusWrite(value: number): Violation | null {
    const o = this.gStatus & ~STATUS_DEVICE_NEEDS_RESET;
    if (value === 0) {
      // A reset: the device reports it done (P_DEVICE_RESET) at once or once its I/O under way has
      // landed; from this write the driver owes a read of status 0 before reusing anything (§2.4).
      this.resetUnconfirmed = 1;
      return null;
    }
    this.gStatus = value | (this.gStatus & STATUS_DEVICE_NEEDS_RESET);
    const added = value & ~o;
    if (added === STATUS_FEATURES_OK) this.featuresOkSet = 1;
    let driverOkEarly = false;
    if ((added & STATUS_DRIVER_OK) !== 0) {
      // The device takes EVENT_IDX from the features at DRIVER_OK.
      this.devEventIdx = this.featEventIdx;
      driverOkEarly = this.featuresOkReread === 0;
      this.resetQuiet = 0;
    }
    if (this.resetUnconfirmed === 1) return this.fail('S-VQ-20', `status written (${value}) before the driver read back 0 after the reset`);
    const lost = o & ~value;
    if (lost !== 0) return this.fail('S-VQ-19', `status ${o} → ${value} clears bits ${lost} without a reset`);
    if (added === STATUS_FAILED) return null;
    const expected =
      (o & STATUS_ACKNOWLEDGE) === 0 ? STATUS_ACKNOWLEDGE : (o & STATUS_DRIVER) === 0 ? STATUS_DRIVER : (o & STATUS_FEATURES_OK) === 0 ? STATUS_FEATURES_OK : STATUS_DRIVER_OK;
    if (added !== expected) return this.fail('S-VQ-19', `status ${o} → ${value}: the next bit in init order is ${expected}`);
    if (driverOkEarly) return this.fail('S-VQ-19', 'DRIVER_OK set before FEATURES_OK was read back');
    return null;
  }

  /** S-VQ-03: the chain at `head` ends within N hops, every next < N, readable before writable. */
  private chainWellFormed(head: number): Violation | null {
    const mem = this.m.mem;
    const n = this.n;
    if (head >= n) return this.fail('S-VQ-03', `published head ${head} ≥ N`);
    let d = head;
    let writable = false;
    for (let hops = 0; hops < n; hops++) {
      const f = mem.descFlags(d);
      const w = (f & VIRTQ_DESC_F_WRITE) !== 0;
      if (writable && !w) return this.fail('S-VQ-03', `chain at head ${head}: descriptor ${d} is device-readable after a device-writable one`);
      writable = writable || w;
      if ((f & VIRTQ_DESC_F_NEXT) === 0) return null;
      d = mem.descNext(d);
      if (d >= n) return this.fail('S-VQ-03', `chain at head ${head}: next ${d} ≥ N`);
    }
    return this.fail('S-VQ-03', `chain at head ${head} does not end within N = ${n} hops`);
  }

  /** S-VQ-13: [addr, addr+len) lies in a device-writable descriptor of the chain at `head`. */
  private writePermission(head: number, addr: number, len: number): Violation | null {
    const mem = this.m.mem;
    const n = this.n;
    let d = head;
    for (let hops = 0; hops < n && d < n; hops++) {
      const f = mem.descFlags(d);
      const da = mem.descAddr(d);
      if ((f & VIRTQ_DESC_F_WRITE) !== 0 && addr >= da && addr + len <= da + mem.descLen(d)) return null;
      if ((f & VIRTQ_DESC_F_NEXT) === 0) break;
      d = mem.descNext(d);
    }
    return this.fail('S-VQ-13', `the device wrote ${len} bytes at 0x${addr.toString(16)}, not inside a device-writable buffer of the chain at head ${head}`);
  }

  atEnd(): Violation | null {
    return null;
  }

  fingerprint(h: Hasher64): void {
    for (let i = 0; i < this.n; i++) {
      h.int(this.owner[i] | (this.filled[i] << 2) | (this.slotFetched[i] << 5) | (this.headElems[i] << 3) | (this.statusWritten[i] << 4) | (this.chainLen[i] << 8));
      h.int(this.slotPos[i]);
      h.int(this.slotHead[i]);
      h.int(this.elemIdPos[i]);
      h.int(this.elemLenPos[i]);
      // Epochs relative to the ghost's current one (how many resets ago), so that runs apart only
      // by how many resets they had merge where nothing else tells them apart.
      h.int(this.elemEpoch[i] < 0 ? -1 : this.epoch - this.elemEpoch[i]);
      h.int(this.headEpoch[i] < 0 ? -1 : this.epoch - this.headEpoch[i]);
    }
    for (let c = 0; c < this.outstanding.length; c++) h.int(this.outstanding[c]);
    h.int(this.expectAvail);
    h.int(this.expectUsed);
    h.int(this.expectConsume);
    h.int(this.isrRead | (this.inHandler << 8) | (this.acked << 9) | (this.resetUnconfirmed << 10) | (this.resetQuiet << 11));
    h.int(this.featuresOkSet | (this.featuresOkReread << 1) | (this.queueLive << 2) | (this.gFailed << 3) | (this.featEventIdx << 4) | (this.devEventIdx << 5) | (this.gStatus << 8));
    h.int(this.fetchPos);
  }
}
