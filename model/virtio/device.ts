/**
 * The VirtIO block device: status register, queue configuration, and the device half of the split
 * virtqueue, acting on guest memory in its own events so the driver can interleave with every step.
 * Models VirtIO 1.2 §2.1 (status), §2.4 (reset), §2.7.13 (device side of split virtqueues), §4.2
 * (MMIO registers), §5.2 (block device) as kernel.md §2.1–2.4 summarise them.
 */
import type { StateDecl } from '../../sim/state-walk.js';
import { label } from '../../sim/labels.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { Micros } from '../../sim/clock.js';
import { BLK_HEADER_BYTES, FEATURE_EVENT_IDX, FEATURE_VERSION_1, ISR_CONFIG_CHANGE, ISR_USED_BUFFER, SECTOR_BYTES, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY } from './constants.js';
import { BAD_HEAD, BAD_SHAPE, ChainWalk } from './chain-walk.js';
import { distance, indexMask, needEvent } from './index-math.js';
import { E_IRQ_SPURIOUS, type InterruptSink } from './interrupt.js';
import type { RingMemory } from './ring-memory.js';
import { P_DEVICE_BAD_CHAIN, P_DEVICE_FETCH, P_DEVICE_NEEDS_RESET, P_DEVICE_NOTIFIED, P_DEVICE_RESET, P_DEVICE_STATUS, P_DEVICE_WRITE, P_NOTIFY_DECISION, P_USED_ELEM_ID, P_USED_ELEM_LEN, P_USED_PUBLISH } from '../probes.js';
import { F_DEVICE_FAILURE, F_IO_ERROR, F_IRQ_SPURIOUS, F_LATENCY_SPIKE, F_UNSUPPORTED, type Faults } from '../faults.js';
import type { Engine } from '../../sim/engine.js';
import { eventTable } from '../../sim/event-table.js';
import type { ModelContext, ProbeSink } from '../context.js';
import type { DiskModel } from '../disk/disk-model.js';
import type { MutantSet } from '../mutants.js';
import type { MachineParams } from '../params.js';
import { workBoundExceeded } from '../../sim/work-bound.js';

// The device's events (kinds are machine-wide; see sim/event-table.ts).
export const E_DEV_FETCH = 0; // a = epoch
export const E_DEV_RECHECK = 1; // a = epoch
export const E_DEV_IO_DONE = 2; // a = device slot, b = epoch
export const E_DEV_PUBLISH_ELEM = 3; // a = epoch
export const E_DEV_PUBLISH_IDX = 4; // a = epoch, b = device slot
export const E_DEV_NOTIFY_CHECK = 5; // a = epoch, b = old used idx
export const E_DEV_LATE_STATUS = 6; // a = device slot, b = epoch (idx-before-status mutant)

export type DeviceParams = Pick<MachineParams, 'queueSize' | 'indexBits' | 'latencyMicrosOptions' | 'latencySpikeMicros' | 'spuriousDelayMicrosOptions' | 'requestBoundMicros' | 'resetBoundMicros'>;
const L_LATENCY = label('device.latency');
const L_SPURIOUS_DELAY = label('irq.spurious-delay');

/** Device request-table slot states. */
const SLOT_FREE = 0;
export const SLOT_IO = 1;
const SLOT_DONE = 2;

/** The registers the driver reads and writes (VirtIO 1.2 §4.2.2), as the driver's port. */
export interface DeviceRegisters {
  readonly status: number;
  writeStatus(value: number): void;
  readonly featuresOffered: number;
  driverFeatures: number;
  setupQueue(size: number): void;
  notify(): void;
  /** InterruptStatus; the driver acknowledges by clearing the bits it read. */
  isr: number;
}

export class VirtioDevice implements DeviceRegisters {
  /** For the fingerprint audit: a free slot's fields and the chain-walk scratch (filled at each fetch) are dead; `cq` is a FIFO. */
  static readonly stateDecl: StateDecl = {
    fixed: ['featuresOffered', 'capacitySectors', 'mutants', 'indexMask', 'params'], dead: ['chain'], fifos: [{ head: 'cqHead', len: 'cqLen', arrays: ['cq'] }],
    deadIf: Object.fromEntries(['slotHead', 'slotType', 'slotSector', 'slotDataAddr', 'slotDataLen', 'slotDataWritable', 'slotStatusAddr', 'slotWritten', 'slotStatus'].map((f) => [f, (d: VirtioDevice, s: number) => d.slotState[s] === SLOT_FREE])),
  };
  // ---- registers (§4.2.2). Invariant: status only changes by driver writes, reset and failure.
  status = 0;
  readonly featuresOffered: number;
  driverFeatures = 0;
  queueNum = 0;
  queueReady = 0;
  isr = 0;
  /** Capacity in 512-byte sectors (§5.2.4), from the disk. */
  readonly capacitySectors: number;

  // ---- device-private virtqueue state (§2.7.13). Invariant: lastAvail − used ≤ N.
  /** Bumped at every reset; events of an older epoch are dropped (the device forgot them). */
  epoch = 0;
  lastAvail = 0;
  usedShadow = 0;
  /** The fetch loop is running (notifications suppressed while it runs). */
  busy = 0;
  failed = 0;
  eventIdx = 0;

  // ---- requests being served, by slot. Invariant: a slot is SLOT_IO from fetch to I/O done,
  // SLOT_DONE while queued for or in used-ring publication.
  readonly slotState: Int32Array;
  readonly slotHead: Int32Array;
  readonly slotType: Int32Array;
  readonly slotSector: Int32Array;
  readonly slotDataAddr: Int32Array;
  readonly slotDataLen: Int32Array;
  readonly slotDataWritable: Int32Array;
  readonly slotStatusAddr: Int32Array;
  readonly slotWritten: Int32Array;
  readonly slotStatus: Int32Array;
  /** Completion pipeline: slots whose I/O finished, in finishing order, published one at a time. */
  readonly cq: Int32Array;
  /** Scratch for walking one chain. */
  private readonly chain: ChainWalk;
  cqHead = 0;
  cqLen = 0;
  publishing = 0;

  private readonly engine: Engine;
  private readonly probes: ProbeSink;
  private readonly faults: Faults;
  private readonly mutants: MutantSet;
  private readonly indexMask: number;

  constructor(
    ctx: ModelContext,
    private readonly params: DeviceParams,
    private readonly mem: RingMemory,
    private readonly disk: DiskModel,
    private readonly irq: InterruptSink,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.faults = ctx.faults;
    this.mutants = ctx.mutants;
    this.indexMask = indexMask(params.indexBits);
    const n = params.queueSize;
    this.featuresOffered = FEATURE_VERSION_1 | FEATURE_EVENT_IDX;
    this.capacitySectors = disk.sectors;
    this.slotState = new Int32Array(n);
    this.slotHead = new Int32Array(n);
    this.slotType = new Int32Array(n);
    this.slotSector = new Int32Array(n);
    this.slotDataAddr = new Int32Array(n);
    this.slotDataLen = new Int32Array(n);
    this.slotDataWritable = new Int32Array(n);
    this.slotStatusAddr = new Int32Array(n);
    this.slotWritten = new Int32Array(n);
    this.slotStatus = new Int32Array(n);
    this.cq = new Int32Array(n);
    this.chain = new ChainWalk(n);
  }

  /** Power-on state. */
  begin(): void {
    this.epoch = 0;
    this.clearState();
    // Zeroed slots for a new run (a fetch writes every field the fingerprint reads of a taken slot).
    for (const a of [this.slotHead, this.slotType, this.slotSector, this.slotDataAddr, this.slotDataLen, this.slotDataWritable, this.slotStatusAddr, this.slotWritten, this.slotStatus, this.cq, this.chain.addr, this.chain.len, this.chain.writable]) a.fill(0);
  }

  private clearState(): void {
    this.status = 0;
    this.driverFeatures = 0;
    this.queueNum = 0;
    this.queueReady = 0;
    this.isr = 0;
    this.lastAvail = 0;
    this.usedShadow = 0;
    this.busy = 0;
    this.failed = 0;
    this.eventIdx = 0;
    this.slotState.fill(SLOT_FREE);
    this.cqHead = 0;
    this.cqLen = 0;
    this.publishing = 0;
  }

  // ---- status register (§2.1, §2.4) ----

  /** Driver writes the status register. Writing 0 resets the device (§2.4.1). */
  writeStatus(value: number): void {
    if (value === 0) {
      this.epoch++;
      this.clearState();
      this.probes.add(P_DEVICE_RESET, this.epoch, 0, 0);
      return;
    }
    // A failed device keeps NEEDS_RESET until reset (§2.1.2).
    this.status = value | (this.status & STATUS_DEVICE_NEEDS_RESET);
    if ((value & STATUS_DRIVER_OK) !== 0) this.eventIdx = (this.driverFeatures & FEATURE_EVENT_IDX) !== 0 ? 1 : 0;
  }

  /** Driver sets up queue 0 (§4.2.3.2): size, then QueueReady. */
  setupQueue(size: number): void {
    this.queueNum = size;
    this.queueReady = 1;
  }

  /** True when the device may touch the rings: DRIVER_OK set, queue ready, not failed (§2.1.2). */
  private live(): boolean {
    return (this.status & STATUS_DRIVER_OK) !== 0 && this.queueReady === 1 && this.failed === 0;
  }

  // ---- notification (§2.7.13.x "driver notifies the device") ----

  /** The driver wrote QueueNotify. Ignored before DRIVER_OK (§2.1.2: the device must not consume). */
  notify(): void {
    if (!this.live()) {
      this.probes.add(P_DEVICE_NOTIFIED, 0, 0, 0);
      return;
    }
    this.probes.add(P_DEVICE_NOTIFIED, 1, 0, 0);
    if (this.busy === 1) return; // the running fetch loop re-reads avail.idx anyway
    this.startFetchLoop();
  }

  private startFetchLoop(): void {
    this.busy = 1;
    // While the loop runs the device asks not to be notified (§2.7.10): flag, or avail_event.
    if (this.eventIdx === 0) this.mem.setUsedFlags(VIRTQ_USED_F_NO_NOTIFY);
    this.engine.after(1, E_DEV_FETCH, this.epoch, 0);
  }

  /**
   * E_DEV_FETCH: read avail.idx; if an entry is new, read its ring slot, walk the chain, parse the
   * block header and start the I/O with a chosen latency. Otherwise re-enable notifications and
   * re-check once (the device half of the lost-kick handshake, §2.7.10).
   */
  fetch(epoch: number): void {
    if (epoch !== this.epoch || !this.live()) {
      if (epoch === this.epoch) this.busy = 0;
      return;
    }
    const mem = this.mem;
    const availIdx = mem.availIdx();
    if (distance(availIdx, this.lastAvail, this.indexMask) === 0) {
      if (this.eventIdx === 1) mem.setAvailEvent(this.lastAvail);
      else mem.setUsedFlags(0);
      this.engine.after(1, E_DEV_RECHECK, this.epoch, 0);
      return;
    }
    const pos = this.lastAvail;
    const head = mem.availRing(pos & (this.params.queueSize - 1));
    this.lastAvail = (this.lastAvail + 1) & this.indexMask;
    this.serve(head, pos);
    this.engine.after(1, E_DEV_FETCH, this.epoch, 0);
  }

  /** E_DEV_RECHECK: after re-enabling notifications, look once more; idle if still nothing. */
  recheck(epoch: number): void {
    if (epoch !== this.epoch || !this.live()) {
      if (epoch === this.epoch) this.busy = 0;
      return;
    }
    if (distance(this.mem.availIdx(), this.lastAvail, this.indexMask) !== 0) {
      if (this.eventIdx === 0) this.mem.setUsedFlags(VIRTQ_USED_F_NO_NOTIFY);
      this.engine.after(1, E_DEV_FETCH, this.epoch, 0);
      return;
    }
    this.busy = 0;
  }

  /**
   * Walks the chain at `head` (§2.7.5: NEXT links, device-readable before device-writable) and
   * parses the block request (§5.2.6). A malformed chain is a driver error the device reports by
   * failing (DEVICE_NEEDS_RESET, §2.1.2).
   */
  private serve(head: number, pos: number): void {
    const mem = this.mem;
    const n = this.params.queueSize;
    if (head >= n) return this.refuse(head, BAD_HEAD);
    const chain = this.chain;
    const count = chain.walk(mem, head, n);
    if (count < 0) return this.refuse(head, -count);
    const ca = chain.addr;
    const cl = chain.len;
    const cw = chain.writable;
    // A block request is header, optional data, status (§5.2.6).
    if (count < 2 || count > 3 || cw[0] === 1 || cw[count - 1] === 0 || cl[count - 1] < 1 || cl[0] < BLK_HEADER_BYTES) {
      return this.refuse(head, BAD_SHAPE);
    }
    const hdrAddr = ca[0];
    const statusAddr = ca[count - 1];
    const dataAddr = count === 3 ? ca[1] : 0;
    const dataLen = count === 3 ? cl[1] : 0;
    const dataWritable = count === 3 ? cw[1] : 0;
    const hdrOff = mem.offsetOf(hdrAddr, BLK_HEADER_BYTES);
    if (hdrOff < 0 || mem.offsetOf(statusAddr, 1) < 0 || (count === 3 && mem.offsetOf(dataAddr, dataLen) < 0)) {
      return this.refuse(head, BAD_SHAPE);
    }
    const type = mem.view.getUint32(hdrOff, true);
    // Sectors above 2^31 are out of range for any disk the model builds; keep them as −1.
    const sectorHigh = mem.view.getUint32(hdrOff + 12, true);
    const sectorLow = mem.view.getUint32(hdrOff + 8, true);
    const sector = sectorHigh !== 0 || sectorLow > 0x7fffffff ? -1 : sectorLow;

    // Work bound: the request table has N slots (a driver has at most N chains in flight).
    let slot = 0;
    while (this.slotState[slot] !== SLOT_FREE) if (++slot === n) workBoundExceeded('device', 'searching for a free request slot', n, "the request table's size");
    this.slotState[slot] = SLOT_IO;
    this.slotHead[slot] = head;
    this.slotType[slot] = type;
    this.slotSector[slot] = sector;
    this.slotDataAddr[slot] = dataAddr;
    this.slotDataLen[slot] = dataLen;
    this.slotDataWritable[slot] = dataWritable;
    this.slotStatusAddr[slot] = statusAddr;
    this.slotWritten[slot] = this.slotStatus[slot] = 0; // set at I/O done, not the last request's
    this.probes.add(P_DEVICE_FETCH, head, pos, type);

    const p = this.params;
    // Each request the device serves is an activity of its own (named by its avail position).
    let latency: Micros = this.engine.delay(L_LATENCY, p.latencyMicrosOptions, E_DEV_IO_DONE, pos);
    if (this.faults.strike(F_LATENCY_SPIKE, p.latencySpikeMicros, head)) latency += p.latencySpikeMicros;
    this.engine.after(latency, E_DEV_IO_DONE, slot, this.epoch);
  }

  private refuse(head: number, reason: number): void {
    this.probes.add(P_DEVICE_BAD_CHAIN, head, reason, 0);
    this.fail();
  }

  /**
   * E_DEV_IO_DONE: the I/O finishes. Transfers data between the disk and the chain's buffers,
   * writes the status byte (§5.2.6), then queues the request for used-ring publication.
   * Faults: the device may fail here instead, or return IOERR / UNSUPP.
   */
  ioDone(slot: number, epoch: number): void {
    if (epoch !== this.epoch || this.failed === 1 || this.slotState[slot] !== SLOT_IO) return;
    const p = this.params;
    const head = this.slotHead[slot];
    if (this.faults.strike(F_DEVICE_FAILURE, p.resetBoundMicros + p.requestBoundMicros, head)) {
      this.fail();
      return;
    }
    const type = this.slotType[slot];
    const sector = this.slotSector[slot];
    const len = this.slotDataLen[slot];
    let status = VIRTIO_BLK_S_OK;
    let written = 0;
    if (this.faults.strike(F_IO_ERROR, 0, head)) status = VIRTIO_BLK_S_IOERR;
    else if (this.faults.strike(F_UNSUPPORTED, 0, head)) status = VIRTIO_BLK_S_UNSUPP;
    else if (type === VIRTIO_BLK_T_IN || type === VIRTIO_BLK_T_OUT) {
      const sectors = len / SECTOR_BYTES;
      // §5.2.6.1: a request past the capacity or not whole sectors fails with IOERR.
      if (sector < 0 || len % SECTOR_BYTES !== 0 || sector + sectors > this.capacitySectors) status = VIRTIO_BLK_S_IOERR;
      else if (type === VIRTIO_BLK_T_IN) {
        if (this.slotDataWritable[slot] === 0) status = VIRTIO_BLK_S_IOERR;
        else {
          const off = this.mem.touchData(this.mem.offsetOf(this.slotDataAddr[slot], len), len);
          this.disk.read(sector, sectors, this.mem.bytes, off);
          this.probes.add(P_DEVICE_WRITE, head, this.slotDataAddr[slot], len);
          written = len;
        }
      } else {
        if (this.slotDataWritable[slot] === 1) status = VIRTIO_BLK_S_IOERR;
        else this.disk.write(sector, sectors, this.mem.bytes, this.mem.offsetOf(this.slotDataAddr[slot], len));
      }
    } else if (type !== VIRTIO_BLK_T_FLUSH) {
      status = VIRTIO_BLK_S_UNSUPP;
    }
    this.slotStatus[slot] = status;
    this.slotWritten[slot] = written + 1; // data plus the status byte
    if (!this.mutants.idxBeforeStatus) this.writeStatusByte(slot);
    this.slotState[slot] = SLOT_DONE;
    this.cq[(this.cqHead + this.cqLen) % this.cq.length] = slot;
    this.cqLen++;
    if (this.publishing === 0) {
      this.publishing = 1;
      this.engine.after(1, E_DEV_PUBLISH_ELEM, this.epoch, 0);
    }
  }

  private writeStatusByte(slot: number): void {
    this.mem.bytes[this.mem.offsetOf(this.slotStatusAddr[slot], 1)] = this.slotStatus[slot];
    this.probes.add(P_DEVICE_STATUS, this.slotHead[slot], this.slotStatus[slot], 0);
  }

  /** E_DEV_PUBLISH_ELEM: write the used element {id = head, len = bytes written} (§2.7.8). */
  publishElem(epoch: number): void {
    if (epoch !== this.epoch || this.failed === 1 || this.cqLen === 0) {
      if (epoch === this.epoch) this.publishing = 0;
      return;
    }
    const slot = this.cq[this.cqHead];
    this.cqHead = (this.cqHead + 1) % this.cq.length;
    this.cqLen--;
    const pos = this.usedShadow;
    const ringSlot = pos & (this.params.queueSize - 1);
    this.mem.setUsedElemId(ringSlot, this.slotHead[slot]);
    this.probes.add(P_USED_ELEM_ID, pos, this.slotHead[slot], 0);
    if (!this.mutants.idxBeforeStatus) {
      this.mem.setUsedElemLen(ringSlot, this.slotWritten[slot]);
      this.probes.add(P_USED_ELEM_LEN, pos, this.slotWritten[slot], 0);
    }
    this.engine.after(1, E_DEV_PUBLISH_IDX, this.epoch, slot);
  }

  /** E_DEV_PUBLISH_IDX: barrier, then used.idx += 1 (§2.7.8: the device publishes by the index). */
  publishIdx(epoch: number, slot: number): void {
    if (epoch !== this.epoch || this.failed === 1) return;
    const old = this.usedShadow;
    this.usedShadow = (old + 1) & this.indexMask;
    this.mem.setUsedIdx(this.usedShadow);
    this.probes.add(P_USED_PUBLISH, old, this.usedShadow, 0);
    if (this.mutants.idxBeforeStatus) {
      // Mutant: the status byte and len are written only after used.idx has passed the element.
      this.engine.after(1, E_DEV_LATE_STATUS, slot, this.epoch);
    } else {
      this.slotState[slot] = SLOT_FREE;
    }
    this.engine.after(1, E_DEV_NOTIFY_CHECK, this.epoch, old);
  }

  /** E_DEV_LATE_STATUS (idx-before-status mutant only): the writes that should have come first. */
  lateStatus(slot: number, epoch: number): void {
    if (epoch !== this.epoch || this.slotState[slot] !== SLOT_DONE) return;
    this.writeStatusByte(slot);
    // The element's position is the one before the current used index at the time of the bump;
    // find it by id among the published window.
    const n = this.params.queueSize;
    for (let k = 1; k <= n; k++) {
      const pos = (this.usedShadow - k) & this.indexMask;
      if (this.mem.usedElemId(pos & (n - 1)) === this.slotHead[slot]) {
        this.mem.setUsedElemLen(pos & (n - 1), this.slotWritten[slot]);
        this.probes.add(P_USED_ELEM_LEN, pos, this.slotWritten[slot], 0);
        break;
      }
    }
    this.slotState[slot] = SLOT_FREE;
  }

  /**
   * E_DEV_NOTIFY_CHECK: barrier, read the driver's suppression state and interrupt unless
   * suppressed (§2.7.10): VIRTQ_AVAIL_F_NO_INTERRUPT, or with EVENT_IDX `vring_need_event`.
   */
  notifyCheck(epoch: number, oldIdx: number): void {
    if (epoch !== this.epoch || this.failed === 1) return;
    const mem = this.mem;
    const newIdx = this.usedShadow;
    const raise =
      this.eventIdx === 1
        ? needEvent(mem.usedEvent(), newIdx, oldIdx, this.indexMask)
        : (mem.availFlags() & VIRTQ_AVAIL_F_NO_INTERRUPT) === 0;
    this.probes.add(P_NOTIFY_DECISION, oldIdx, newIdx, raise ? 1 : 0);
    if (raise) {
      this.isr |= ISR_USED_BUFFER;
      this.irq.raise(ISR_USED_BUFFER);
    }
    if (this.faults.strike(F_IRQ_SPURIOUS, 0)) {
      this.engine.after(this.engine.delay(L_SPURIOUS_DELAY, this.params.spuriousDelayMicrosOptions, E_IRQ_SPURIOUS, 0), E_IRQ_SPURIOUS, 0, 0);
    }
    if (this.cqLen > 0) this.engine.after(1, E_DEV_PUBLISH_ELEM, this.epoch, 0);
    else this.publishing = 0;
  }

  /**
   * Device failure (§2.1.2): set DEVICE_NEEDS_RESET and send a configuration-change interrupt.
   * The device then processes nothing until it is reset; requests in flight are dropped.
   */
  fail(): void {
    if (this.failed === 1) return;
    this.failed = 1;
    this.busy = 0;
    this.status |= STATUS_DEVICE_NEEDS_RESET;
    this.probes.add(P_DEVICE_NEEDS_RESET, this.epoch, 0, 0);
    this.isr |= ISR_CONFIG_CHANGE;
    this.irq.raise(ISR_CONFIG_CHANGE);
  }

  isSlotBusy(slot: number): boolean {
    return this.slotState[slot] !== SLOT_FREE;
  }

  fingerprint(h: Hasher64): void {
    h.int(this.status);
    h.int(this.driverFeatures);
    h.int(this.queueNum);
    h.int(this.queueReady);
    h.int(this.isr);
    h.int(this.lastAvail);
    h.int(this.usedShadow);
    h.int(this.busy);
    h.int(this.failed);
    h.int(this.eventIdx);
    h.int(this.publishing);
    // Pending events carry the epoch they were scheduled in; stale ones are dropped on arrival.
    h.int(this.epoch);
    for (let s = 0; s < this.slotState.length; s++) {
      h.int(this.slotState[s]);
      if (this.slotState[s] === SLOT_FREE) continue;
      h.int(this.slotHead[s]);
      h.int(this.slotType[s]);
      h.int(this.slotSector[s]);
      h.int(this.slotDataAddr[s]);
      h.int(this.slotDataLen[s]);
      h.int(this.slotDataWritable[s]);
      h.int(this.slotStatusAddr[s]);
      h.int(this.slotWritten[s]);
      h.int(this.slotStatus[s]);
    }
    h.int(this.cqLen);
    for (let i = 0; i < this.cqLen; i++) h.int(this.cq[(this.cqHead + i) % this.cq.length]);
  }
}

export const DEVICE_EVENTS = eventTable<VirtioDevice>('device', [
  [E_DEV_FETCH, 'dev.fetch', (d, a) => d.fetch(a), ['epoch', '']],
  [E_DEV_RECHECK, 'dev.recheck', (d, a) => d.recheck(a), ['epoch', '']],
  [E_DEV_IO_DONE, 'dev.io-done', (d, a, b) => d.ioDone(a, b), ['slot', 'epoch']],
  [E_DEV_PUBLISH_ELEM, 'dev.publish-elem', (d, a) => d.publishElem(a), ['epoch', '']],
  [E_DEV_PUBLISH_IDX, 'dev.publish-idx', (d, a, b) => d.publishIdx(a, b), ['epoch', 'slot']],
  [E_DEV_NOTIFY_CHECK, 'dev.notify-check', (d, a, b) => d.notifyCheck(a, b), ['epoch', 'old-used']],
  [E_DEV_LATE_STATUS, 'dev.late-status', (d, a, b) => d.lateStatus(a, b), ['slot', 'epoch']],
]);
