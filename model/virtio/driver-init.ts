/**
 * The driver's initialisation sequence (VirtIO 1.2 §3.1.1; kernel.md §2.1), one register access
 * per event, the same sequence as recovery after DEVICE_NEEDS_RESET (kernel.md §2.4), and the
 * virtqueue lock that serialises submit, handler, poll and recovery.
 */
import { FEATURE_EVENT_IDX, FEATURE_VERSION_1, STATUS_ACKNOWLEDGE, STATUS_DRIVER, STATUS_DRIVER_OK, STATUS_FAILED, STATUS_FEATURES_OK } from './constants.js';
import { P_FEATURES, P_QUEUE_READY, P_QUEUE_RESET, P_STATUS_READ, P_STATUS_WRITE } from '../probes.js';
import { R_IOERR } from '../block/block-port.js';
import { DriverState, E_DRV_HANDLER_ISR, E_DRV_INIT_STEP, E_DRV_POLL_STATUS, E_DRV_SUBMIT_STEP, RQ_IDLE, RQ_SUBMITTING, RQ_IN_FLIGHT, RQ_HELD, LOCK_NONE, LOCK_INIT, LOCK_HANDLER, LOCK_SUBMIT, LOCK_POLL, PH_ALLOC, INIT_RESET, INIT_WAIT_RESET, INIT_ACK, INIT_DRIVER, INIT_FEATURES, INIT_FEATURES_OK, INIT_CHECK_FEATURES, INIT_QUEUE, INIT_DRIVER_OK } from './driver-state.js';
export abstract class DriverInit extends DriverState {
  begin(wantEventIdx: boolean): void {
    this.ready = 0;
    this.recovering = 0;
    this.started = 0;
    this.dead = 0;
    this.wantEventIdx = wantEventIdx ? 1 : 0;
    this.eventIdx = 0;
    this.freeHead = 0;
    this.numFree = 0;
    this.availShadow = 0;
    this.lastUsed = 0;
    this.headClient.fill(-1);
    this.lockKind = LOCK_INIT;
    this.lockArg = 0;
    this.waitHead = 0;
    this.waitLen = 0;
    this.irqWaiting = 0;
    this.notifiesInFlight = 0;
    this.descHead = 0;
    this.descLen = 0;
    this.reqState.fill(RQ_IDLE);
    this.reqSerial.fill(0);
    this.reqHead.fill(-1);
    // Every per-request field starts from zero, not from the previous run's last request: the
    // state fingerprint (and anything reading a field before its phase sets it) sees them.
    this.reqType.fill(0);
    this.reqBlock.fill(0);
    this.reqPos.fill(0);
    this.reqD1.fill(0);
    this.reqD2.fill(0);
    this.reqSubmitTime.fill(0);
    this.waitKind.fill(0);
    this.waitArg.fill(0);
    this.descWaiters.fill(0);
    this.drainConsumed = 0;
    this.panic = 0;
    this.engine.after(1, E_DRV_INIT_STEP, INIT_RESET, 0);
  }


  // =====================================================================================
  // Initialisation (VirtIO 1.2 §3.1.1; kernel.md §2.1), one register access per event.
  // =====================================================================================

  protected writeStatus(value: number): void {
    const dev = this.device;
    this.probes.add(P_STATUS_WRITE, dev.status, value, 0);
    dev.writeStatus(value);
  }

  /** E_DRV_INIT_STEP. */
  initStep(step: number): void {
    const dev = this.device;
    let next = step + 1;
    switch (step) {
      case INIT_RESET:
        // A submitter that decided to notify under the lock writes QueueNotify after dropping
        // it; resetting before that write lands would have it notify a device without DRIVER_OK
        // (S-VQ-18; found by orders=all). Wait for those writes first.
        if (this.notifiesInFlight > 0) {
          next = INIT_RESET;
          break;
        }
        // §3.1.1 step 1: reset the device.
        this.ready = 0;
        this.writeStatus(0);
        break;
      case INIT_WAIT_RESET: {
        // §2.4.2: after writing 0 the driver waits for status to read 0 before reusing the queue.
        const st = dev.status;
        this.probes.add(P_STATUS_READ, st, 0, 0);
        if (st !== 0) {
          next = INIT_WAIT_RESET;
          break;
        }
        if (this.recovering === 1) this.abandonInFlight();
        this.resetQueueMemory();
        break;
      }
      case INIT_ACK:
        this.writeStatus(STATUS_ACKNOWLEDGE);
        break;
      case INIT_DRIVER:
        this.writeStatus(STATUS_ACKNOWLEDGE | STATUS_DRIVER);
        break;
      case INIT_FEATURES: {
        // §3.1.1 step 4: read the device's features, write the subset understood.
        // eclipse-b accepts nothing (writes 0); reference accepts VERSION_1 and, when asked, EVENT_IDX.
        const offered = dev.featuresOffered;
        const accepted = this.reference ? offered & (FEATURE_VERSION_1 | (this.wantEventIdx === 1 ? FEATURE_EVENT_IDX : 0)) : 0;
        dev.driverFeatures = accepted;
        this.probes.add(P_FEATURES, accepted, 0, 0);
        this.eventIdx = (accepted & FEATURE_EVENT_IDX) !== 0 ? 1 : 0;
        break;
      }
      case INIT_FEATURES_OK:
        this.writeStatus(dev.status | STATUS_FEATURES_OK);
        break;
      case INIT_CHECK_FEATURES: {
        // §3.1.1 step 6: re-read status; FEATURES_OK must still be set.
        const st = dev.status;
        this.probes.add(P_STATUS_READ, st, 0, 0);
        if ((st & STATUS_FEATURES_OK) === 0) {
          this.writeStatus(st | STATUS_FAILED);
          this.dead = 1;
          this.release();
          return;
        }
        break;
      }
      case INIT_QUEUE: {
        // §4.2.3.2: select queue 0, size, ring addresses, QueueReady. eclipse-b takes the device's
        // size; reference asks for its configured N (the same value here: one device, one N).
        dev.setupQueue(this.n);
        this.probes.add(P_QUEUE_READY, this.n, this.params.indexBits, 0);
        if (this.mutants.kickBeforeDriverOk && this.recovering === 1) this.resubmitHeld();
        break;
      }
      case INIT_DRIVER_OK:
        this.writeStatus(dev.status | STATUS_DRIVER_OK);
        this.ready = 1;
        this.recovering = 0;
        if (this.started === 0) {
          this.started = 1;
          this.onReady();
        }
        this.release();
        this.wakeDescWaiters();
        return;
      default:
        return;
    }
    this.engine.after(1, E_DRV_INIT_STEP, next, 0);
  }

  /** Lays out an empty queue: rings zeroed, all N descriptors on the free list in order. */
  protected resetQueueMemory(): void {
    const mem = this.mem;
    mem.clearRings();
    for (let i = 0; i < this.n; i++) mem.writeDesc(i, 0, 0, 0, (i + 1) % this.n);
    this.freeHead = 0;
    this.numFree = this.n;
    this.availShadow = 0;
    this.lastUsed = 0;
    this.headClient.fill(-1);
    this.probes.add(P_QUEUE_RESET, 0, 0, 0);
  }

  /**
   * Recovery after DEVICE_NEEDS_RESET (kernel.md §2.4): requests in flight fail back with IOERR —
   * nothing from before the reset may complete them later. (kick-before-driver-ok mutant: they are
   * held to be resubmitted instead.)
   */
  protected abandonInFlight(): void {
    const clients = this.reqState.length;
    for (let c = 0; c < clients; c++) {
      if (this.reqState[c] !== RQ_IN_FLIGHT) continue;
      if (this.mutants.kickBeforeDriverOk) this.reqState[c] = RQ_HELD;
      else this.completeRequest(c, R_IOERR);
    }
  }

  /** Mutant kick-before-driver-ok: re-posts held requests and notifies before DRIVER_OK. */
  protected resubmitHeld(): void {
    const clients = this.reqState.length;
    let any = false;
    for (let c = 0; c < clients; c++) {
      if (this.reqState[c] !== RQ_HELD) continue;
      this.reqState[c] = RQ_SUBMITTING;
      if (!this.alloc(c)) continue;
      this.fill(c);
      this.writeSlot(c);
      this.publish(c);
      this.reqState[c] = RQ_IN_FLIGHT;
      any = true;
    }
    if (any) this.notifyDevice();
  }


  // =====================================================================================
  // The lock
  // =====================================================================================

  protected acquire(kind: number, arg: number): void {
    if (this.lockKind === LOCK_NONE) {
      this.grant(kind, arg);
      return;
    }
    const i = (this.waitHead + this.waitLen) % this.waitKind.length;
    this.waitKind[i] = kind;
    this.waitArg[i] = arg;
    this.waitLen++;
  }

  protected grant(kind: number, arg: number): void {
    this.lockKind = kind;
    this.lockArg = arg;
    const sim = this.engine;
    switch (kind) {
      case LOCK_SUBMIT:
        this.reqState[arg] = RQ_SUBMITTING;
        sim.after(1, E_DRV_SUBMIT_STEP, arg, PH_ALLOC);
        break;
      case LOCK_HANDLER:
        sim.after(1, E_DRV_HANDLER_ISR, 0, 0);
        break;
      case LOCK_POLL:
        this.drainConsumed = 0;
        sim.after(1, E_DRV_POLL_STATUS, 0, 0);
        break;
    }
  }

  /** Releases the lock: a waiting interrupt first (it was only masked), then the FIFO. */
  protected release(): void {
    this.lockKind = LOCK_NONE;
    this.lockArg = 0;
    if (this.irqWaiting === 1 && this.ready === 1) {
      this.irqWaiting = 0;
      this.grant(LOCK_HANDLER, 0);
      return;
    }
    if (this.waitLen > 0) {
      const kind = this.waitKind[this.waitHead];
      const arg = this.waitArg[this.waitHead];
      this.waitHead = (this.waitHead + 1) % this.waitKind.length;
      this.waitLen--;
      this.grant(kind, arg);
    }
  }


  // =====================================================================================
  // Recovery (kernel.md §2.4; VirtIO 1.2 §2.1.2 DEVICE_NEEDS_RESET)
  // =====================================================================================


  protected startRecovery(): void {
    this.lockKind = LOCK_INIT;
    this.recovering = 1;
    this.ready = 0;
    this.engine.after(1, E_DRV_INIT_STEP, INIT_RESET, 0);
  }


  // Steps of requests and completions that initialisation and the lock call (driver.ts).
  protected abstract alloc(c: number): boolean;
  protected abstract fill(c: number): void;
  protected abstract writeSlot(c: number): void;
  protected abstract publish(c: number): void;
  protected abstract notifyDevice(): void;
  protected abstract completeRequest(c: number, result: number): void;
  protected abstract wakeDescWaiters(): void;
}
