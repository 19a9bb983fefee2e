/**
 * The VirtIO block device: status register, queue configuration, and the device half of the split
 * virtqueue, acting on guest memory in its own events so the driver can interleave with every step.
 * Models VirtIO 1.2 §2.1 (status), §2.4 (reset), §2.7.13 (device side of split virtqueues), §4.2
 * (MMIO registers), §5.2 (block device) as kernel.md §2.1–2.4 summarise them.
 */
import { label } from '../../sim/labels.js';
import type { Micros } from '../../sim/clock.js';
import { BLK_HEADER_BYTES, FEATURE_EVENT_IDX, ISR_CONFIG_CHANGE, ISR_USED_BUFFER, SECTOR_BYTES, STATUS_DEVICE_NEEDS_RESET, STATUS_DRIVER_OK, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_USED_F_NO_NOTIFY } from './constants.js';
import { BAD_HEAD, BAD_SHAPE } from './chain-walk.js';
import { distance, needEvent } from './index-math.js';
import { E_IRQ_SPURIOUS } from './interrupt.js';
import { P_DEVICE_BAD_CHAIN, P_DEVICE_FETCH, P_DEVICE_NEEDS_RESET, P_DEVICE_NOTIFIED, P_DEVICE_RESET, P_DEVICE_STATUS, P_DEVICE_WRITE, P_NOTIFY_DECISION, P_USED_ELEM_ID, P_USED_ELEM_LEN, P_USED_PUBLISH } from '../probes.js';
import { F_DEVICE_FAILURE, F_IO_ERROR, F_IRQ_SPURIOUS, F_LATENCY_SPIKE, F_UNSUPPORTED } from '../faults.js';
import { eventTable } from '../../sim/event-table.js';
import { workBoundExceeded } from '../../sim/work-bound.js';
import { C_LATE_IO_AFTER_FAILURE, C_LATE_IO_IN_RESET, C_RESET_WAITS_FOR_IO } from '../coverage.js';

// The device's events (kinds are machine-wide; see sim/event-table.ts).
export const E_DEV_FETCH = 0; // a = epoch
export const E_DEV_RECHECK = 1; // a = epoch
export const E_DEV_IO_DONE = 2; // a = device slot, b = epoch
export const E_DEV_PUBLISH_ELEM = 3; // a = epoch
export const E_DEV_PUBLISH_IDX = 4; // a = epoch, b = device slot
export const E_DEV_NOTIFY_CHECK = 5; // a = epoch, b = old used idx
export const E_DEV_LATE_STATUS = 6; // a = device slot, b = epoch (idx-before-status mutant)
export const E_DEV_RESET_DONE = 33; // a = epoch: the I/O under way at a reset has landed

const L_LATENCY = label('device.latency');
const L_SPURIOUS_DELAY = label('irq.spurious-delay');

import { DeviceState, SLOT_DONE, SLOT_FREE, SLOT_IO, type DeviceRegisters } from './device-state.js';
export { SLOT_IO, type DeviceParams, type DeviceRegisters } from './device-state.js';

export class VirtioDevice extends DeviceState implements DeviceRegisters {
  // ---- status register (§2.1, §2.4) ----

  /**
   * Driver writes the status register. Writing 0 resets the device (§2.4). A reset is not
   * instantaneous on real hardware: I/O already under way still finishes into the request's
   * buffers, and the device reports the reset done by reading back 0 only after that (§2.4.2:
   * the driver must wait for status 0 before reusing the queue memory — the driver's
   * INIT_WAIT_RESET). With nothing under way it completes at once.
   */
  writeStatus(value: number): void {
    if (value === 0) {
      if (this.ioUnderWay()) {
        this.cov.hit(C_RESET_WAITS_FOR_IO);
        this.resetting = 1;
        this.busy = 0;
        return;
      }
      this.completeReset();
      return;
    }
    if (this.resetting === 1) return; // ignored until the reset is done (a driver bug to write it)
    // A failed device keeps NEEDS_RESET until reset (§2.1.2).
    this.status = value | (this.status & STATUS_DEVICE_NEEDS_RESET);
    if ((value & STATUS_DRIVER_OK) !== 0) this.eventIdx = (this.driverFeatures & FEATURE_EVENT_IDX) !== 0 ? 1 : 0;
  }

  private ioUnderWay(): boolean {
    for (let s = 0; s < this.slotState.length; s++) if (this.slotState[s] === SLOT_IO) return true;
    return false;
  }

  private completeReset(): void {
    this.epoch++;
    this.clearState();
    this.probes.add(P_DEVICE_RESET, this.epoch, 0, 0);
  }

  /** E_DEV_RESET_DONE: the I/O under way at the reset has landed; the reset completes. */
  resetDone(epoch: number): void {
    if (epoch !== this.epoch || this.resetting === 0) return;
    this.completeReset();
  }

  /** Driver sets up queue 0 (§4.2.3.2): size, then QueueReady. */
  setupQueue(size: number): void {
    this.queueNum = size;
    this.queueReady = 1;
  }

  /** True when the device may touch the rings: DRIVER_OK set, queue ready, not failed (§2.1.2). */
  private live(): boolean {
    return (this.status & STATUS_DRIVER_OK) !== 0 && this.queueReady === 1 && this.failed === 0 && this.resetting === 0;
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
    if (epoch !== this.epoch || this.slotState[slot] !== SLOT_IO) return;
    const p = this.params;
    const head = this.slotHead[slot];
    const quiescing = this.failed === 1 || this.resetting === 1;
    if (!quiescing && this.faults.strike(F_DEVICE_FAILURE, p.resetBoundMicros + p.requestBoundMicros, head)) {
      // This request's I/O is what failed: nothing of it lands, and nothing of it is under way.
      this.slotState[slot] = SLOT_FREE;
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
    if (!this.mutants.idxBeforeStatus || quiescing) this.writeStatusByte(slot);
    if (quiescing) {
      // A failed or resetting device publishes nothing: the I/O landed in memory, and that is all.
      this.cov.hit(this.resetting === 1 ? C_LATE_IO_IN_RESET : C_LATE_IO_AFTER_FAILURE);
      this.slotState[slot] = SLOT_FREE;
      if (this.resetting === 1 && !this.ioUnderWay()) this.engine.after(1, E_DEV_RESET_DONE, this.epoch, 0);
      return;
    }
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
    if (epoch !== this.epoch || this.failed === 1 || this.resetting === 1 || this.cqLen === 0) {
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
    if (epoch !== this.epoch || this.failed === 1 || this.resetting === 1) return;
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
    if (epoch !== this.epoch || this.failed === 1 || this.resetting === 1) return;
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
   * The device then processes nothing until it is reset: nothing is fetched or published, and
   * requests in flight never complete; I/O already under way still lands in its buffers.
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
}

export const DEVICE_EVENTS = eventTable<VirtioDevice>('device', [
  [E_DEV_FETCH, 'dev.fetch', (d, a) => d.fetch(a), ['epoch', '']],
  [E_DEV_RECHECK, 'dev.recheck', (d, a) => d.recheck(a), ['epoch', '']],
  [E_DEV_IO_DONE, 'dev.io-done', (d, a, b) => d.ioDone(a, b), ['slot', 'epoch']],
  [E_DEV_PUBLISH_ELEM, 'dev.publish-elem', (d, a) => d.publishElem(a), ['epoch', '']],
  [E_DEV_PUBLISH_IDX, 'dev.publish-idx', (d, a, b) => d.publishIdx(a, b), ['epoch', 'slot']],
  [E_DEV_NOTIFY_CHECK, 'dev.notify-check', (d, a, b) => d.notifyCheck(a, b), ['epoch', 'old-used']],
  [E_DEV_LATE_STATUS, 'dev.late-status', (d, a, b) => d.lateStatus(a, b), ['slot', 'epoch']],
  [E_DEV_RESET_DONE, 'dev.reset-done', (d, a) => d.resetDone(a), ['epoch', '']],
]);
