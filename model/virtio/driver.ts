/**
 * The kernel's VirtIO block driver, both profiles (kernel.md §2.1–2.4), over VirtIO 1.2 §3.1
 * (driver initialisation), §2.7.13 (supplying buffers), §2.7.14 (receiving used buffers), §2.7.10
 * (notification suppression) and §5.2.6 (block requests).
 *
 * Every step that touches memory the device also reads is its own event, in the order kernel.md
 * §2.2 lists, so the device can interleave between any two of them.
 *
 * reference: interrupts (acknowledge, then drain), up to N/3 requests in flight, callers short of
 *   descriptors wait, a polling fallback after `pollTimeoutMicros`, EVENT_IDX when negotiated, and
 *   recovery from DEVICE_NEEDS_RESET by reset and re-initialisation with in-flight requests failed
 *   back with IOERR.
 * eclipse-b: no features, one request at a time under a lock held until it completes, completion
 *   by spin-polling used.idx with a budget; on timeout the chain stays posted and is forgotten, and
 *   the next request takes the first used element it sees (kernel.md §2.4).
 */
import { C_DESC_SHORT, C_DESC_SHORT_BEHIND, C_DESC_WAKE, C_RECHECK_FOUND } from '../coverage.js';
import { BLOCK_BYTES, ISR_CONFIG_CHANGE, ISR_USED_BUFFER, SECTORS_PER_BLOCK, STATUS_DEVICE_NEEDS_RESET, STATUS_SENTINEL, VIRTIO_BLK_S_IOERR, VIRTIO_BLK_S_OK, VIRTIO_BLK_S_UNSUPP, VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT, VIRTQ_DESC_F_NEXT, VIRTQ_AVAIL_F_NO_INTERRUPT, VIRTQ_DESC_F_WRITE, VIRTQ_USED_F_NO_NOTIFY } from './constants.js';
import { needEvent } from './index-math.js';
import { PANIC_SPURIOUS_INTERRUPT, P_ABANDON, P_AVAIL_PUBLISH, P_COMPLETE, P_DESC_WAIT, P_DESC_WAKE, P_DRIVER_ALLOC, P_DRIVER_BAD_USED, P_DRIVER_CONSUME, P_DRIVER_FILL, P_DRIVER_FREE, P_DRIVER_NOTIFY, P_DRIVER_READ_USED, P_HANDLER_END, P_HANDLER_START, P_ISR_ACK, P_ISR_READ, P_KICK_DECISION, P_PANIC, P_REQUEST_START, P_SLOT_WRITE, P_STATUS_READ } from '../probes.js';
import type { InterruptTarget } from './interrupt.js';
import { eventTable } from '../../sim/event-table.js';
import { R_ERROR, R_IOERR, R_OK, R_UNSUPP, type BlockPort } from '../block/block-port.js';
import { E_CLIENT_DONE, E_DRV_DRAIN, E_DRV_HANDLER_ACK, E_DRV_HANDLER_ISR, E_DRV_INIT_STEP, E_DRV_NOTIFY, E_DRV_CB_DISABLE, E_DRV_CB_ENABLE, E_DRV_POLL_STATUS, E_DRV_POLL_TIMER, E_DRV_RECHECK, E_DRV_SPIN_POLL, E_DRV_SUBMIT_STEP, RQ_IDLE, RQ_WAIT_LOCK, RQ_WAIT_DESC, RQ_IN_FLIGHT, LOCK_NONE, LOCK_HANDLER, LOCK_SUBMIT, LOCK_POLL, DRAIN_HANDLER, DRAIN_POLL, PH_ALLOC, PH_FILL, PH_SLOT, PH_PUBLISH, PH_KICK } from './driver-state.js';
import { DriverInit } from './driver-init.js';
export class VirtioDriver extends DriverInit implements BlockPort, InterruptTarget {
  // =====================================================================================
  // Requests (kernel.md §2.2 "Driver submit", §2.3 block requests)
  // =====================================================================================

  /** Requester slot `c` asks for a block request (its `serial`-th). */
  request(c: number, type: number, block: number, serial: number): void {
    this.reqType[c] = type;
    this.reqBlock[c] = block;
    this.reqSerial[c] = serial;
    this.reqHead[c] = -1;
    this.reqState[c] = RQ_WAIT_LOCK;
    this.probes.add(P_REQUEST_START, c, block, type);
    this.acquire(LOCK_SUBMIT, c);
  }

  /** E_DRV_SUBMIT_STEP: one step of add_buf, under the lock. */
  submitStep(c: number, phase: number): void {
    const mutant = this.mutants.publishBeforeFill;
    let next: number;
    switch (phase) {
      case PH_ALLOC:
        if (!this.alloc(c)) return;
        if (mutant) {
          next = PH_PUBLISH;
        } else {
          this.fill(c);
          next = PH_SLOT;
        }
        break;
      case PH_FILL:
        this.fill(c);
        next = PH_SLOT;
        break;
      case PH_SLOT:
        this.writeSlot(c);
        next = mutant ? PH_KICK : PH_PUBLISH;
        break;
      case PH_PUBLISH:
        this.publish(c);
        // Mutant publish-before-fill: the index is bumped before descriptors and slot are written.
        next = mutant ? PH_FILL : PH_KICK;
        break;
      case PH_KICK:
        this.kickCheck(c);
        return;
      default:
        return;
    }
    this.engine.after(1, E_DRV_SUBMIT_STEP, c, next);
  }

  /**
   * Takes the descriptors for client c's request off the free list (§2.7.13.1). Short of them,
   * reference makes the caller wait (kernel.md §2.4) and eclipse-b fails the request.
   */
  protected alloc(c: number): boolean {
    const need = this.reqType[c] === VIRTIO_BLK_T_FLUSH ? 2 : 3;
    if (this.numFree < need) {
      if (this.reference) {
        this.cov.hit(this.descLen > 0 ? C_DESC_SHORT_BEHIND : C_DESC_SHORT);
        this.reqState[c] = RQ_WAIT_DESC;
        this.descWaiters[(this.descHead + this.descLen) % this.descWaiters.length] = c;
        this.descLen++;
        this.probes.add(P_DESC_WAIT, c, 0, 0);
      } else {
        this.completeRequest(c, R_ERROR);
      }
      if (this.lockKind === LOCK_SUBMIT) this.release();
      return false;
    }
    const mem = this.mem;
    const head = this.freeHead;
    const d1 = mem.descNext(head);
    const d2 = need === 3 ? mem.descNext(d1) : -1;
    this.freeHead = need === 3 ? mem.descNext(d2) : mem.descNext(d1);
    this.numFree -= need;
    this.reqHead[c] = head;
    this.reqD1[c] = d1;
    this.reqD2[c] = d2;
    this.reqPos[c] = this.availShadow;
    this.headClient[head] = c;
    this.probes.add(P_DRIVER_ALLOC, head, need, c);
    return true;
  }

  /**
   * Writes the request buffers and the chain (§5.2.6): header {type, reserved 0, sector}
   * (device-readable), data (device-writable for IN), status byte set to the sentinel
   * (device-writable), linked by NEXT.
   */
  protected fill(c: number): void {
    const mem = this.mem;
    const head = this.reqHead[c];
    const type = this.reqType[c];
    const block = this.reqBlock[c];
    const hdr = mem.offsetOf(mem.headerAddr(head), 16);
    mem.view.setUint32(hdr, type, true);
    mem.view.setUint32(hdr + 4, 0, true);
    // kernel.md §2.3: sector = block × 8 (sectors are always 512 bytes). Mutant: sector = block.
    const sector = type === VIRTIO_BLK_T_FLUSH ? 0 : this.mutants.sectorUnits ? block : block * SECTORS_PER_BLOCK;
    mem.view.setUint32(hdr + 8, sector, true);
    mem.view.setUint32(hdr + 12, 0, true);
    mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)] = STATUS_SENTINEL;
    if (type === VIRTIO_BLK_T_OUT) {
      const at = mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES);
      mem.touchData(at, BLOCK_BYTES);
      this.requester.fillOut(c, mem.bytes, at);
    }
    if (type === VIRTIO_BLK_T_FLUSH) {
      const d1 = this.reqD1[c];
      mem.writeDesc(head, mem.headerAddr(head), 16, VIRTQ_DESC_F_NEXT, d1);
      mem.writeDesc(d1, mem.statusAddr(head), 1, VIRTQ_DESC_F_WRITE, 0);
    } else {
      const d1 = this.reqD1[c];
      const d2 = this.reqD2[c];
      mem.writeDesc(head, mem.headerAddr(head), 16, VIRTQ_DESC_F_NEXT, d1);
      mem.writeDesc(d1, mem.dataAddr(head), BLOCK_BYTES, VIRTQ_DESC_F_NEXT | (type === VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0), d2);
      mem.writeDesc(d2, mem.statusAddr(head), 1, VIRTQ_DESC_F_WRITE, 0);
    }
    this.probes.add(P_DRIVER_FILL, head, 0, 0);
  }

  /** Writes the head into avail.ring[pos mod N] (§2.7.13.2). */
  protected writeSlot(c: number): void {
    const pos = this.reqPos[c];
    this.mem.setAvailRing(pos & (this.n - 1), this.reqHead[c]);
    this.probes.add(P_SLOT_WRITE, pos, this.reqHead[c], 0);
  }

  /** Barrier, then avail.idx += 1 (§2.7.13.3). Mutant modulo-index stores (idx + 1) mod N. */
  protected publish(_c: number): void {
    const old = this.availShadow;
    this.availShadow = this.mutants.moduloIndex ? (old + 1) % this.n : (old + 1) & this.indexMask;
    this.mem.setAvailIdx(this.availShadow);
    this.probes.add(P_AVAIL_PUBLISH, old, this.availShadow, 0);
  }

  /**
   * Barrier, then read the device's suppression state and decide whether to notify (§2.7.10,
   * §2.7.13.4): VIRTQ_USED_F_NO_NOTIFY, or with EVENT_IDX `vring_need_event(avail_event, new, old)`.
   * reference then drops the lock and notifies outside it; eclipse-b keeps the lock and spins.
   */
  protected kickCheck(c: number): void {
    const mem = this.mem;
    const newIdx = this.availShadow;
    const oldIdx = this.reqPos[c];
    const kick = this.eventIdx === 1 ? needEvent(mem.availEvent(), newIdx, oldIdx, this.indexMask) : (mem.usedFlags() & VIRTQ_USED_F_NO_NOTIFY) === 0;
    this.probes.add(P_KICK_DECISION, oldIdx, newIdx, kick ? 1 : 0);
    this.reqState[c] = RQ_IN_FLIGHT;
    this.reqSubmitTime[c] = this.engine.now;
    if (kick) {
      this.notifiesInFlight++;
      this.engine.after(1, E_DRV_NOTIFY, c, 0);
    }
    if (this.reference) {
      this.engine.after(this.params.pollTimeoutMicros, E_DRV_POLL_TIMER, c, this.reqSerial[c]);
      this.release();
    } else {
      this.engine.after(this.params.eclipseBPollIntervalMicros, E_DRV_SPIN_POLL, c, this.reqSerial[c]);
    }
  }

  /** E_DRV_NOTIFY: write QueueNotify. */
  notify(_c: number): void {
    this.notifiesInFlight--;
    this.notifyDevice();
  }

  protected notifyDevice(): void {
    this.probes.add(P_DRIVER_NOTIFY, this.device.status, 0, 0);
    this.device.notify();
  }


  // =====================================================================================
  // Completion, reference: interrupt handler, drain, polling fallback (§2.7.14, kernel.md §2.4)
  // =====================================================================================

  /** The CPU takes the device interrupt. Masked while the lock is held (spin_lock_irqsave). */
  onInterrupt(): void {
    if (this.ready === 0 && this.recovering === 0) return;
    if (this.lockKind === LOCK_NONE) this.grant(LOCK_HANDLER, 0);
    else this.irqWaiting = 1;
  }

  /** E_DRV_HANDLER_ISR: read InterruptStatus. */
  handlerIsr(): void {
    this.probes.add(P_HANDLER_START, 0, 0, 0);
    const bits = this.device.isr;
    this.probes.add(P_ISR_READ, bits, 0, 0);
    if (bits === 0) {
      // Nothing pending: a spurious interrupt, which must change nothing (S-VQ-23).
      if (this.mutants.spuriousIrqAssert) this.doPanic(PANIC_SPURIOUS_INTERRUPT);
      this.endHandler();
      return;
    }
    this.engine.after(1, E_DRV_HANDLER_ACK, bits, 0);
  }

  /** E_DRV_HANDLER_ACK: write InterruptACK with exactly the bits read, then act on them. */
  handlerAck(bits: number): void {
    const dev = this.device;
    dev.isr &= ~bits;
    this.probes.add(P_ISR_ACK, bits, 0, 0);
    if ((bits & ISR_CONFIG_CHANGE) !== 0) {
      const st = dev.status;
      this.probes.add(P_STATUS_READ, st, 0, 0);
      if ((st & STATUS_DEVICE_NEEDS_RESET) !== 0 && this.reference) {
        this.probes.add(P_HANDLER_END, 0, 0, 0);
        this.startRecovery();
        return;
      }
    }
    if ((bits & ISR_USED_BUFFER) !== 0) {
      this.drainConsumed = 0;
      this.startDrain(DRAIN_HANDLER);
      return;
    }
    this.endHandler();
  }

  protected endHandler(): void {
    this.probes.add(P_HANDLER_END, 0, 0, 0);
    this.release();
  }

  /** E_DRV_DRAIN: read used.idx; consume one new element per event until caught up. */
  drain(mode: number): void {
    const observed = this.mem.usedIdx();
    this.probes.add(P_DRIVER_READ_USED, observed, 0, 0);
    // Mutant wrap-compare: `last_used < used.idx`, which stops working when used.idx wraps.
    const hasNew = this.mutants.wrapCompare ? this.lastUsed < observed : observed !== this.lastUsed;
    if (hasNew) {
      this.consume(observed);
      this.drainConsumed++;
      // Mutant single-pop-per-irq: `if` instead of `while` in the handler.
      if (mode === DRAIN_HANDLER && this.mutants.singlePopPerIrq) {
        this.askForInterrupts();
        return this.endDrain(mode);
      }
      this.engine.after(1, E_DRV_DRAIN, mode, 0);
      return;
    }
    if (mode === DRAIN_HANDLER && this.drainConsumed === 0 && this.mutants.spuriousIrqAssert) {
      this.doPanic(PANIC_SPURIOUS_INTERRUPT);
    }
    // Caught up. With EVENT_IDX, or in the handler with the flag set, interrupts must be asked
    // for again, and that write is a step of its own: the device can publish between our read of
    // used.idx and it, and then sees suppression still on, so the re-check after it is what
    // catches that completion (§2.7.10; Linux's virtqueue_enable_cb returns whether to poll again).
    if (this.eventIdx === 1 || mode === DRAIN_HANDLER) {
      this.engine.after(1, E_DRV_CB_ENABLE, mode, 0);
      return;
    }
    this.endDrain(mode);
  }

  /** Next step: drain — in the handler without EVENT_IDX, after asking for no interrupts (§2.7.10). */
  protected startDrain(mode: number): void {
    this.engine.after(1, mode === DRAIN_HANDLER && this.eventIdx === 0 ? E_DRV_CB_DISABLE : E_DRV_DRAIN, mode, 0);
  }

  /** E_DRV_CB_DISABLE (handler, EVENT_IDX off): avail.flags = VIRTQ_AVAIL_F_NO_INTERRUPT, then drain. */
  cbDisable(mode: number): void {
    this.mem.setAvailFlags(VIRTQ_AVAIL_F_NO_INTERRUPT);
    this.engine.after(1, E_DRV_DRAIN, mode, 0);
  }

  /**
   * E_DRV_CB_ENABLE: ask for interrupts again — with EVENT_IDX an interrupt when used.idx passes
   * last_used (used_event = last_used), without it avail.flags = 0 — then look once more.
   */
  cbEnable(mode: number): void {
    this.askForInterrupts();
    this.engine.after(1, E_DRV_RECHECK, mode, 0);
  }

  protected askForInterrupts(): void {
    if (this.eventIdx === 1) this.mem.setUsedEvent(this.mutants.eventIdxOffByOne ? (this.lastUsed + 1) & this.indexMask : this.lastUsed);
    else this.mem.setAvailFlags(0);
  }

  /** E_DRV_RECHECK: after asking for interrupts again, one more look at used.idx. */
  recheck(mode: number): void {
    const observed = this.mem.usedIdx();
    this.probes.add(P_DRIVER_READ_USED, observed, 0, 0);
    const hasNew = this.mutants.wrapCompare ? this.lastUsed < observed : observed !== this.lastUsed;
    if (hasNew) {
      this.cov.hit(C_RECHECK_FOUND);
      // Found one the device published while interrupts were off: suppress again and drain.
      this.startDrain(mode);
    } else this.endDrain(mode);
  }

  protected endDrain(mode: number): void {
    if (mode === DRAIN_HANDLER) this.probes.add(P_HANDLER_END, 0, 0, 0);
    this.release();
  }

  /**
   * Consumes the used element at last_used (§2.7.14): check the id names a chain we have
   * outstanding, read its status byte, free the chain, advance last_used, wake the caller.
   */
  protected consume(observed: number): void {
    const mem = this.mem;
    const pos = this.lastUsed;
    const id = mem.usedElemId(pos & (this.n - 1));
    this.probes.add(P_DRIVER_CONSUME, pos, id, observed);
    if (id >= this.n || this.headClient[id] < 0) {
      // A device protocol error: skip the element rather than trust it.
      this.probes.add(P_DRIVER_BAD_USED, pos, id, 0);
      this.lastUsed = (pos + 1) & this.indexMask;
      return;
    }
    const c = this.headClient[id];
    const st = mem.bytes[mem.offsetOf(mem.statusAddr(id), 1)];
    let result = st === VIRTIO_BLK_S_OK ? R_OK : st === VIRTIO_BLK_S_IOERR ? R_IOERR : st === VIRTIO_BLK_S_UNSUPP ? R_UNSUPP : R_ERROR;
    // Mutant ioerr-as-ok: the status byte is ignored.
    if (this.mutants.ioerrAsOk) result = R_OK;
    const failed = result !== R_OK;
    // Mutant leak-on-error: the error path returns without freeing the chain.
    if (!(failed && this.mutants.leakOnError)) this.freeChain(id);
    this.headClient[id] = -1;
    // Mutant double-complete: the error path skips last_used += 1.
    if (!(failed && this.mutants.doubleComplete)) this.lastUsed = (pos + 1) & this.indexMask;
    if (!failed && this.reqType[c] === VIRTIO_BLK_T_IN) this.requester.takeIn(c, mem.bytes, mem.offsetOf(mem.dataAddr(id), BLOCK_BYTES));
    this.completeRequest(c, result);
    this.wakeDescWaiters();
  }

  /** Returns a chain to the free list, keeping its order (tail → old free head). */
  protected freeChain(head: number): void {
    const mem = this.mem;
    let d = head;
    let count = 1;
    while ((mem.descFlags(d) & VIRTQ_DESC_F_NEXT) !== 0 && count < this.n) {
      d = mem.descNext(d);
      count++;
    }
    mem.writeDescNext(d, this.freeHead);
    this.freeHead = head;
    this.numFree += count;
    this.probes.add(P_DRIVER_FREE, head, count, 0);
  }

  /**
   * Wakes, in FIFO order, every client waiting for descriptors that the free list can now serve
   * (L-VQ-04). A woken client queues for the lock; if someone else takes the descriptors first it
   * simply waits again.
   */
  protected wakeDescWaiters(): void {
    if (this.ready === 0) return;
    let budget = this.numFree;
    while (this.descLen > 0) {
      const c = this.descWaiters[this.descHead];
      const need = this.reqType[c] === VIRTIO_BLK_T_FLUSH ? 2 : 3;
      if (budget < need) return;
      budget -= need;
      this.descHead = (this.descHead + 1) % this.descWaiters.length;
      this.descLen--;
      this.probes.add(P_DESC_WAKE, c, 0, 0);
      this.cov.hit(C_DESC_WAKE);
      this.reqState[c] = RQ_WAIT_LOCK;
      this.acquire(LOCK_SUBMIT, c);
    }
  }

  /**
   * E_DRV_POLL_STATUS (reference): the polling fallback first reads the device status, because the
   * interrupt it stands in for may have been the configuration change announcing
   * DEVICE_NEEDS_RESET (found by exhaustive search: a device failure whose interrupt is lost
   * otherwise leaves the device unreset forever). Then it drains the used ring.
   */
  pollStatus(): void {
    const st = this.device.status;
    this.probes.add(P_STATUS_READ, st, 0, 0);
    if ((st & STATUS_DEVICE_NEEDS_RESET) !== 0) {
      this.startRecovery();
      return;
    }
    this.engine.after(1, E_DRV_DRAIN, DRAIN_POLL, 0);
  }

  /** E_DRV_POLL_TIMER (reference): a request outstanding too long; poll the device. */
  pollTimer(c: number, serial: number): void {
    if (this.reqSerial[c] !== serial || this.reqState[c] !== RQ_IN_FLIGHT) return;
    this.engine.after(this.params.pollTimeoutMicros, E_DRV_POLL_TIMER, c, serial);
    if (this.ready === 1) this.acquire(LOCK_POLL, c);
  }


  // =====================================================================================
  // Completion, eclipse-b: spin on used.idx (kernel.md §2.4)
  // =====================================================================================

  /** E_DRV_SPIN_POLL: one slice of eclipse-b's spin loop. */
  spinPoll(c: number, serial: number): void {
    if (this.reqSerial[c] !== serial || this.reqState[c] !== RQ_IN_FLIGHT) return;
    const mem = this.mem;
    const observed = mem.usedIdx();
    this.probes.add(P_DRIVER_READ_USED, observed, 0, 0);
    if (observed !== this.lastUsed) {
      // As built: the first used element is taken as this request's, whatever its id.
      const pos = this.lastUsed;
      const id = mem.usedElemId(pos & (this.n - 1));
      this.probes.add(P_DRIVER_CONSUME, pos, id, observed);
      const head = this.reqHead[c];
      const st = mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)];
      this.freeChain(head);
      this.headClient[head] = -1;
      this.lastUsed = (pos + 1) & this.indexMask;
      if (st === VIRTIO_BLK_S_OK && this.reqType[c] === VIRTIO_BLK_T_IN) this.requester.takeIn(c, mem.bytes, mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES));
      this.completeRequest(c, st === VIRTIO_BLK_S_OK ? R_OK : R_ERROR);
      this.release();
      return;
    }
    if (this.engine.now - this.reqSubmitTime[c] >= this.params.eclipseBSpinTimeoutMicros) {
      // As built: give up; the chain stays posted and its buffers are abandoned.
      this.probes.add(P_ABANDON, c, this.reqHead[c], 0);
      this.headClient[this.reqHead[c]] = -1;
      this.completeRequest(c, R_ERROR);
      this.release();
      return;
    }
    this.engine.after(this.params.eclipseBPollIntervalMicros, E_DRV_SPIN_POLL, c, serial);
  }


  protected completeRequest(c: number, result: number): void {
    // The polling fallback's timer has nothing left to do.
    if (this.reference) this.engine.cancel(E_DRV_POLL_TIMER, c, this.reqSerial[c]);
    this.probes.add(P_COMPLETE, c, this.reqHead[c], result);
    this.reqState[c] = RQ_IDLE;
    this.reqHead[c] = -1;
    this.engine.after(1, E_CLIENT_DONE, c, result);
  }

  /** E_CLIENT_DONE: the requester learns the result. */
  deliverDone(c: number, result: number): void {
    this.requester.done(c, result);
  }

  protected doPanic(code: number): void {
    this.panic = code;
    this.probes.add(P_PANIC, code, 0, 0);
  }

}


export const DRIVER_EVENTS = eventTable<VirtioDriver>('driver', [
  [E_DRV_INIT_STEP, 'drv.init-step', (d, a) => d.initStep(a), ['step', '']],
  [E_DRV_SUBMIT_STEP, 'drv.submit', (d, a, b) => d.submitStep(a, b), ['client', 'phase']],
  [E_DRV_NOTIFY, 'drv.notify', (d, a) => d.notify(a), ['client', '']],
  [E_DRV_HANDLER_ISR, 'drv.handler-isr', (d) => d.handlerIsr()],
  [E_DRV_HANDLER_ACK, 'drv.handler-ack', (d, a) => d.handlerAck(a), ['bits', '']],
  [E_DRV_DRAIN, 'drv.drain', (d, a) => d.drain(a), ['mode', '']],
  [E_DRV_RECHECK, 'drv.recheck', (d, a) => d.recheck(a), ['mode', '']],
  [E_DRV_CB_DISABLE, 'drv.cb-disable', (d, a) => d.cbDisable(a), ['mode', '']],
  [E_DRV_CB_ENABLE, 'drv.cb-enable', (d, a) => d.cbEnable(a), ['mode', '']],
  [E_DRV_POLL_TIMER, 'drv.poll-timer', (d, a, b) => d.pollTimer(a, b), ['client', 'serial']],
  [E_DRV_SPIN_POLL, 'drv.spin-poll', (d, a, b) => d.spinPoll(a, b), ['client', 'serial']],
  [E_DRV_POLL_STATUS, 'drv.poll-status', (d) => d.pollStatus()],
]);

/** E_CLIENT_DONE is the requester's step (actor client), scheduled and delivered by the driver. */
export const BLOCK_DONE_EVENTS = eventTable<VirtioDriver>('client', [
  [E_CLIENT_DONE, 'client.done', (d, a, b) => d.deliverDone(a, b), ['client', 'result']],
]);
