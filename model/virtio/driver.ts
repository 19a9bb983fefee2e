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
import type { Hasher64 } from '../../sim/hash.js';
import {
  BLOCK_BYTES,
  FEATURE_EVENT_IDX,
  FEATURE_VERSION_1,
  ISR_CONFIG_CHANGE,
  ISR_USED_BUFFER,
  SECTORS_PER_BLOCK,
  STATUS_ACKNOWLEDGE,
  STATUS_DEVICE_NEEDS_RESET,
  STATUS_DRIVER,
  STATUS_DRIVER_OK,
  STATUS_FAILED,
  STATUS_FEATURES_OK,
  STATUS_SENTINEL,
  VIRTIO_BLK_S_IOERR,
  VIRTIO_BLK_S_OK,
  VIRTIO_BLK_S_UNSUPP,
  VIRTIO_BLK_T_FLUSH,
  VIRTIO_BLK_T_IN,
  VIRTIO_BLK_T_OUT,
  VIRTQ_DESC_F_NEXT,
  VIRTQ_DESC_F_WRITE,
  VIRTQ_USED_F_NO_NOTIFY,
} from './constants.js';
import { needEvent } from './index-math.js';
import {
  E_CLIENT_DONE,
  E_DRV_DRAIN,
  E_DRV_HANDLER_ACK,
  E_DRV_HANDLER_ISR,
  E_DRV_INIT_STEP,
  E_DRV_NOTIFY,
  E_DRV_POLL_STATUS,
  E_DRV_POLL_TIMER,
  E_DRV_RECHECK,
  E_DRV_SPIN_POLL,
  E_DRV_SUBMIT_STEP,
} from '../events.js';
import {
  PANIC_SPURIOUS_INTERRUPT,
  P_ABANDON,
  P_AVAIL_PUBLISH,
  P_COMPLETE,
  P_DESC_WAIT,
  P_DESC_WAKE,
  P_DRIVER_ALLOC,
  P_DRIVER_BAD_USED,
  P_DRIVER_CONSUME,
  P_DRIVER_FILL,
  P_DRIVER_FREE,
  P_DRIVER_NOTIFY,
  P_DRIVER_READ_USED,
  P_HANDLER_END,
  P_HANDLER_START,
  P_ISR_ACK,
  P_ISR_READ,
  P_KICK_DECISION,
  P_PANIC,
  P_QUEUE_READY,
  P_QUEUE_RESET,
  P_REQUEST_START,
  P_SLOT_WRITE,
  P_STATUS_READ,
  P_STATUS_WRITE,
} from '../probes.js';
import type { VirtioMachine } from '../virtio-machine.js';

/** What a request returns to its caller. */
export const R_OK = 0;
export const R_IOERR = 1;
export const R_UNSUPP = 2;
/** Any other failure: no descriptors (eclipse-b), spin timeout, a status byte never written. */
export const R_ERROR = 3;

/** Request states, per client (each client has at most one request). */
export const RQ_IDLE = 0;
export const RQ_WAIT_LOCK = 1;
export const RQ_WAIT_DESC = 2;
export const RQ_SUBMITTING = 3;
export const RQ_IN_FLIGHT = 4;
/** reference, kick-before-driver-ok mutant: kept across a reset for resubmission. */
export const RQ_HELD = 5;

/** Lock holders. The lock is the virtqueue lock (reference) or the whole-request lock (eclipse-b). */
const LOCK_NONE = 0;
const LOCK_INIT = 1;
const LOCK_HANDLER = 2;
const LOCK_SUBMIT = 3;
const LOCK_POLL = 4;

/** Drain modes. */
const DRAIN_HANDLER = 0;
const DRAIN_POLL = 1;

/** Submit phases (kernel.md §2.2 "Driver submit"). */
const PH_ALLOC = 0;
const PH_FILL = 1;
const PH_SLOT = 2;
const PH_PUBLISH = 3;
const PH_KICK = 4;

/** Init steps (VirtIO 1.2 §3.1.1), also the recovery sequence after DEVICE_NEEDS_RESET. */
const INIT_RESET = 0;
const INIT_WAIT_RESET = 1;
const INIT_ACK = 2;
const INIT_DRIVER = 3;
const INIT_FEATURES = 4;
const INIT_FEATURES_OK = 5;
const INIT_CHECK_FEATURES = 6;
const INIT_QUEUE = 7;
const INIT_DRIVER_OK = 8;

export class VirtioDriver {
  readonly reference: boolean;
  readonly n: number;
  // ---- lifecycle. Invariant: ready ⇔ DRIVER_OK written since the last reset and not FAILED.
  ready = 0;
  recovering = 0;
  started = 0;
  dead = 0;
  wantEventIdx = 0;
  eventIdx = 0;

  // ---- ring bookkeeping (driver-private; §2.7.13). Invariant: numFree descriptors on the list
  // from freeHead; availShadow = avail.idx as last written; lastUsed = next used position to read.
  freeHead = 0;
  numFree = 0;
  availShadow = 0;
  lastUsed = 0;
  /** Client owning the chain at each head, or −1. */
  readonly headClient: Int32Array;

  // ---- the lock and who waits for it (FIFO). Invariant: lockKind ≠ NONE while any step of a
  // submit, drain, handler or recovery is in progress.
  lockKind = LOCK_NONE;
  lockArg = 0;
  readonly waitKind: Int32Array;
  readonly waitArg: Int32Array;
  waitHead = 0;
  waitLen = 0;
  /** An interrupt arrived while the lock was held; the handler runs at release. */
  irqWaiting = 0;
  /** Clients waiting for descriptors (reference), FIFO. */
  readonly descWaiters: Int32Array;
  descHead = 0;
  descLen = 0;

  // ---- per-client request
  readonly reqState: Int32Array;
  readonly reqType: Int32Array;
  readonly reqBlock: Int32Array;
  readonly reqSerial: Int32Array;
  readonly reqHead: Int32Array;
  readonly reqPos: Int32Array;
  readonly reqD1: Int32Array;
  readonly reqD2: Int32Array;
  readonly reqSubmitTime: Float64Array;

  // ---- handler state
  drainConsumed = 0;
  panic = 0;

  constructor(private readonly m: VirtioMachine) {
    this.reference = m.profile === 'reference';
    this.n = m.params.queueSize;
    const clients = m.requester.slots;
    this.headClient = new Int32Array(this.n);
    this.waitKind = new Int32Array(clients * 2 + 8);
    this.waitArg = new Int32Array(clients * 2 + 8);
    this.descWaiters = new Int32Array(clients + 1);
    this.reqState = new Int32Array(clients);
    this.reqType = new Int32Array(clients);
    this.reqBlock = new Int32Array(clients);
    this.reqSerial = new Int32Array(clients);
    this.reqHead = new Int32Array(clients);
    this.reqPos = new Int32Array(clients);
    this.reqD1 = new Int32Array(clients);
    this.reqD2 = new Int32Array(clients);
    this.reqSubmitTime = new Float64Array(clients);
  }

  /** Boot: start the initialisation sequence under the lock. */
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
    this.m.sim.after(1, E_DRV_INIT_STEP, INIT_RESET, 0);
  }

  // =====================================================================================
  // Initialisation (VirtIO 1.2 §3.1.1; kernel.md §2.1), one register access per event.
  // =====================================================================================

  private writeStatus(value: number): void {
    const dev = this.m.device;
    this.m.probe(P_STATUS_WRITE, dev.status, value, 0);
    dev.writeStatus(value);
  }

  /** E_DRV_INIT_STEP. */
  initStep(step: number): void {
    const m = this.m;
    const dev = m.device;
    let next = step + 1;
    switch (step) {
      case INIT_RESET:
        // §3.1.1 step 1: reset the device.
        this.ready = 0;
        this.writeStatus(0);
        break;
      case INIT_WAIT_RESET: {
        // §2.4.2: after writing 0 the driver waits for status to read 0 before reusing the queue.
        const st = dev.status;
        m.probe(P_STATUS_READ, st, 0, 0);
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
        this.eventIdx = (accepted & FEATURE_EVENT_IDX) !== 0 ? 1 : 0;
        break;
      }
      case INIT_FEATURES_OK:
        this.writeStatus(dev.status | STATUS_FEATURES_OK);
        break;
      case INIT_CHECK_FEATURES: {
        // §3.1.1 step 6: re-read status; FEATURES_OK must still be set.
        const st = dev.status;
        m.probe(P_STATUS_READ, st, 0, 0);
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
        m.probe(P_QUEUE_READY, this.n, m.params.indexBits, 0);
        if (m.mutants.kickBeforeDriverOk && this.recovering === 1) this.resubmitHeld();
        break;
      }
      case INIT_DRIVER_OK:
        this.writeStatus(dev.status | STATUS_DRIVER_OK);
        this.ready = 1;
        this.recovering = 0;
        if (this.started === 0) {
          this.started = 1;
          m.startWorkload();
        }
        this.release();
        this.wakeDescWaiters();
        return;
      default:
        return;
    }
    m.sim.after(1, E_DRV_INIT_STEP, next, 0);
  }

  /** Lays out an empty queue: rings zeroed, all N descriptors on the free list in order. */
  private resetQueueMemory(): void {
    const mem = this.m.mem;
    mem.clearRings();
    for (let i = 0; i < this.n; i++) mem.writeDesc(i, 0, 0, 0, (i + 1) % this.n);
    this.freeHead = 0;
    this.numFree = this.n;
    this.availShadow = 0;
    this.lastUsed = 0;
    this.headClient.fill(-1);
    this.m.probe(P_QUEUE_RESET, 0, 0, 0);
  }

  /**
   * Recovery after DEVICE_NEEDS_RESET (kernel.md §2.4): requests in flight fail back with IOERR —
   * nothing from before the reset may complete them later. (kick-before-driver-ok mutant: they are
   * held to be resubmitted instead.)
   */
  private abandonInFlight(): void {
    const clients = this.reqState.length;
    for (let c = 0; c < clients; c++) {
      if (this.reqState[c] !== RQ_IN_FLIGHT) continue;
      if (this.m.mutants.kickBeforeDriverOk) this.reqState[c] = RQ_HELD;
      else this.completeRequest(c, R_IOERR);
    }
  }

  /** Mutant kick-before-driver-ok: re-posts held requests and notifies before DRIVER_OK. */
  private resubmitHeld(): void {
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

  private acquire(kind: number, arg: number): void {
    if (this.lockKind === LOCK_NONE) {
      this.grant(kind, arg);
      return;
    }
    const i = (this.waitHead + this.waitLen) % this.waitKind.length;
    this.waitKind[i] = kind;
    this.waitArg[i] = arg;
    this.waitLen++;
  }

  private grant(kind: number, arg: number): void {
    this.lockKind = kind;
    this.lockArg = arg;
    const sim = this.m.sim;
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
  private release(): void {
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
  // Requests (kernel.md §2.2 "Driver submit", §2.3 block requests)
  // =====================================================================================

  /** Requester slot `c` asks for a block request (its `serial`-th). */
  request(c: number, type: number, block: number, serial: number): void {
    this.reqType[c] = type;
    this.reqBlock[c] = block;
    this.reqSerial[c] = serial;
    this.reqHead[c] = -1;
    this.reqState[c] = RQ_WAIT_LOCK;
    this.m.probe(P_REQUEST_START, c, block, type);
    this.acquire(LOCK_SUBMIT, c);
  }

  /** E_DRV_SUBMIT_STEP: one step of add_buf, under the lock. */
  submitStep(c: number, phase: number): void {
    const m = this.m;
    const mutant = m.mutants.publishBeforeFill;
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
    m.sim.after(1, E_DRV_SUBMIT_STEP, c, next);
  }

  /**
   * Takes the descriptors for client c's request off the free list (§2.7.13.1). Short of them,
   * reference makes the caller wait (kernel.md §2.4) and eclipse-b fails the request.
   */
  private alloc(c: number): boolean {
    const m = this.m;
    const need = this.reqType[c] === VIRTIO_BLK_T_FLUSH ? 2 : 3;
    if (this.numFree < need) {
      if (this.reference) {
        this.reqState[c] = RQ_WAIT_DESC;
        this.descWaiters[(this.descHead + this.descLen) % this.descWaiters.length] = c;
        this.descLen++;
        m.probe(P_DESC_WAIT, c, 0, 0);
      } else {
        this.completeRequest(c, R_ERROR);
      }
      if (this.lockKind === LOCK_SUBMIT) this.release();
      return false;
    }
    const mem = m.mem;
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
    m.probe(P_DRIVER_ALLOC, head, need, c);
    return true;
  }

  /**
   * Writes the request buffers and the chain (§5.2.6): header {type, reserved 0, sector}
   * (device-readable), data (device-writable for IN), status byte set to the sentinel
   * (device-writable), linked by NEXT.
   */
  private fill(c: number): void {
    const m = this.m;
    const mem = m.mem;
    const head = this.reqHead[c];
    const type = this.reqType[c];
    const block = this.reqBlock[c];
    const hdr = mem.offsetOf(mem.headerAddr(head), 16);
    mem.view.setUint32(hdr, type, true);
    mem.view.setUint32(hdr + 4, 0, true);
    // kernel.md §2.3: sector = block × 8 (sectors are always 512 bytes). Mutant: sector = block.
    const sector = type === VIRTIO_BLK_T_FLUSH ? 0 : m.mutants.sectorUnits ? block : block * SECTORS_PER_BLOCK;
    mem.view.setUint32(hdr + 8, sector, true);
    mem.view.setUint32(hdr + 12, 0, true);
    mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)] = STATUS_SENTINEL;
    if (type === VIRTIO_BLK_T_OUT) m.requester.fillOut(c, mem.bytes, mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES));
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
    m.probe(P_DRIVER_FILL, head, 0, 0);
  }

  /** Writes the head into avail.ring[pos mod N] (§2.7.13.2). */
  private writeSlot(c: number): void {
    const m = this.m;
    const pos = this.reqPos[c];
    m.mem.setAvailRing(pos & (this.n - 1), this.reqHead[c]);
    m.probe(P_SLOT_WRITE, pos, this.reqHead[c], 0);
  }

  /** Barrier, then avail.idx += 1 (§2.7.13.3). Mutant modulo-index stores (idx + 1) mod N. */
  private publish(_c: number): void {
    const m = this.m;
    const old = this.availShadow;
    this.availShadow = m.mutants.moduloIndex ? (old + 1) % this.n : (old + 1) & m.indexMask;
    m.mem.setAvailIdx(this.availShadow);
    m.probe(P_AVAIL_PUBLISH, old, this.availShadow, 0);
  }

  /**
   * Barrier, then read the device's suppression state and decide whether to notify (§2.7.10,
   * §2.7.13.4): VIRTQ_USED_F_NO_NOTIFY, or with EVENT_IDX `vring_need_event(avail_event, new, old)`.
   * reference then drops the lock and notifies outside it; eclipse-b keeps the lock and spins.
   */
  private kickCheck(c: number): void {
    const m = this.m;
    const mem = m.mem;
    const newIdx = this.availShadow;
    const oldIdx = this.reqPos[c];
    const kick = this.eventIdx === 1 ? needEvent(mem.availEvent(), newIdx, oldIdx, m.indexMask) : (mem.usedFlags() & VIRTQ_USED_F_NO_NOTIFY) === 0;
    m.probe(P_KICK_DECISION, oldIdx, newIdx, kick ? 1 : 0);
    this.reqState[c] = RQ_IN_FLIGHT;
    this.reqSubmitTime[c] = m.sim.now;
    if (kick) m.sim.after(1, E_DRV_NOTIFY, c, 0);
    if (this.reference) {
      m.sim.after(m.params.pollTimeoutMicros, E_DRV_POLL_TIMER, c, this.reqSerial[c]);
      this.release();
    } else {
      m.sim.after(m.params.eclipseBPollIntervalMicros, E_DRV_SPIN_POLL, c, this.reqSerial[c]);
    }
  }

  /** E_DRV_NOTIFY: write QueueNotify. */
  notify(_c: number): void {
    this.notifyDevice();
  }

  private notifyDevice(): void {
    const m = this.m;
    m.probe(P_DRIVER_NOTIFY, m.device.status, 0, 0);
    m.device.notify();
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
    const m = this.m;
    m.probe(P_HANDLER_START, 0, 0, 0);
    const bits = m.device.isr;
    m.probe(P_ISR_READ, bits, 0, 0);
    if (bits === 0) {
      // Nothing pending: a spurious interrupt, which must change nothing (S-VQ-23).
      if (m.mutants.spuriousIrqAssert) this.doPanic(PANIC_SPURIOUS_INTERRUPT);
      this.endHandler();
      return;
    }
    m.sim.after(1, E_DRV_HANDLER_ACK, bits, 0);
  }

  /** E_DRV_HANDLER_ACK: write InterruptACK with exactly the bits read, then act on them. */
  handlerAck(bits: number): void {
    const m = this.m;
    const dev = m.device;
    dev.isr &= ~bits;
    m.probe(P_ISR_ACK, bits, 0, 0);
    if ((bits & ISR_CONFIG_CHANGE) !== 0) {
      const st = dev.status;
      m.probe(P_STATUS_READ, st, 0, 0);
      if ((st & STATUS_DEVICE_NEEDS_RESET) !== 0 && this.reference) {
        m.probe(P_HANDLER_END, 0, 0, 0);
        this.startRecovery();
        return;
      }
    }
    if ((bits & ISR_USED_BUFFER) !== 0) {
      this.drainConsumed = 0;
      m.sim.after(1, E_DRV_DRAIN, DRAIN_HANDLER, 0);
      return;
    }
    this.endHandler();
  }

  private endHandler(): void {
    this.m.probe(P_HANDLER_END, 0, 0, 0);
    this.release();
  }

  /** E_DRV_DRAIN: read used.idx; consume one new element per event until caught up. */
  drain(mode: number): void {
    const m = this.m;
    const observed = m.mem.usedIdx();
    m.probe(P_DRIVER_READ_USED, observed, 0, 0);
    // Mutant wrap-compare: `last_used < used.idx`, which stops working when used.idx wraps.
    const hasNew = m.mutants.wrapCompare ? this.lastUsed < observed : observed !== this.lastUsed;
    if (hasNew) {
      this.consume(observed);
      this.drainConsumed++;
      // Mutant single-pop-per-irq: `if` instead of `while` in the handler.
      if (mode === DRAIN_HANDLER && m.mutants.singlePopPerIrq) return this.endDrain(mode);
      m.sim.after(1, E_DRV_DRAIN, mode, 0);
      return;
    }
    if (mode === DRAIN_HANDLER && this.drainConsumed === 0 && m.mutants.spuriousIrqAssert) {
      this.doPanic(PANIC_SPURIOUS_INTERRUPT);
    }
    if (this.eventIdx === 1) {
      // §2.7.10: ask for an interrupt when used.idx passes last_used, then look once more, since
      // the device may have published after our read but before seeing the new used_event.
      m.mem.setUsedEvent(m.mutants.eventIdxOffByOne ? (this.lastUsed + 1) & m.indexMask : this.lastUsed);
      m.sim.after(1, E_DRV_RECHECK, mode, 0);
      return;
    }
    this.endDrain(mode);
  }

  /** E_DRV_RECHECK: after writing used_event, one more look at used.idx. */
  recheck(mode: number): void {
    const m = this.m;
    const observed = m.mem.usedIdx();
    m.probe(P_DRIVER_READ_USED, observed, 0, 0);
    const hasNew = m.mutants.wrapCompare ? this.lastUsed < observed : observed !== this.lastUsed;
    if (hasNew) m.sim.after(1, E_DRV_DRAIN, mode, 0);
    else this.endDrain(mode);
  }

  private endDrain(mode: number): void {
    if (mode === DRAIN_HANDLER) this.m.probe(P_HANDLER_END, 0, 0, 0);
    this.release();
  }

  /**
   * Consumes the used element at last_used (§2.7.14): check the id names a chain we have
   * outstanding, read its status byte, free the chain, advance last_used, wake the caller.
   */
  private consume(observed: number): void {
    const m = this.m;
    const mem = m.mem;
    const pos = this.lastUsed;
    const id = mem.usedElemId(pos & (this.n - 1));
    m.probe(P_DRIVER_CONSUME, pos, id, observed);
    if (id >= this.n || this.headClient[id] < 0) {
      // A device protocol error: skip the element rather than trust it.
      m.probe(P_DRIVER_BAD_USED, pos, id, 0);
      this.lastUsed = (pos + 1) & m.indexMask;
      return;
    }
    const c = this.headClient[id];
    const st = mem.bytes[mem.offsetOf(mem.statusAddr(id), 1)];
    let result = st === VIRTIO_BLK_S_OK ? R_OK : st === VIRTIO_BLK_S_IOERR ? R_IOERR : st === VIRTIO_BLK_S_UNSUPP ? R_UNSUPP : R_ERROR;
    // Mutant ioerr-as-ok: the status byte is ignored.
    if (m.mutants.ioerrAsOk) result = R_OK;
    const failed = result !== R_OK;
    // Mutant leak-on-error: the error path returns without freeing the chain.
    if (!(failed && m.mutants.leakOnError)) this.freeChain(id);
    this.headClient[id] = -1;
    // Mutant double-complete: the error path skips last_used += 1.
    if (!(failed && m.mutants.doubleComplete)) this.lastUsed = (pos + 1) & m.indexMask;
    if (!failed && this.reqType[c] === VIRTIO_BLK_T_IN) m.requester.takeIn(c, mem.bytes, mem.offsetOf(mem.dataAddr(id), BLOCK_BYTES));
    this.completeRequest(c, result);
    this.wakeDescWaiters();
  }

  /** Returns a chain to the free list, keeping its order (tail → old free head). */
  private freeChain(head: number): void {
    const m = this.m;
    const mem = m.mem;
    let d = head;
    let count = 1;
    while ((mem.descFlags(d) & VIRTQ_DESC_F_NEXT) !== 0 && count < this.n) {
      d = mem.descNext(d);
      count++;
    }
    mem.writeDescNext(d, this.freeHead);
    this.freeHead = head;
    this.numFree += count;
    m.probe(P_DRIVER_FREE, head, count, 0);
  }

  /**
   * Wakes, in FIFO order, every client waiting for descriptors that the free list can now serve
   * (L-VQ-04). A woken client queues for the lock; if someone else takes the descriptors first it
   * simply waits again.
   */
  private wakeDescWaiters(): void {
    if (this.ready === 0) return;
    let budget = this.numFree;
    while (this.descLen > 0) {
      const c = this.descWaiters[this.descHead];
      const need = this.reqType[c] === VIRTIO_BLK_T_FLUSH ? 2 : 3;
      if (budget < need) return;
      budget -= need;
      this.descHead = (this.descHead + 1) % this.descWaiters.length;
      this.descLen--;
      this.m.probe(P_DESC_WAKE, c, 0, 0);
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
    const m = this.m;
    const st = m.device.status;
    m.probe(P_STATUS_READ, st, 0, 0);
    if ((st & STATUS_DEVICE_NEEDS_RESET) !== 0) {
      this.startRecovery();
      return;
    }
    m.sim.after(1, E_DRV_DRAIN, DRAIN_POLL, 0);
  }

  /** E_DRV_POLL_TIMER (reference): a request outstanding too long; poll the device. */
  pollTimer(c: number, serial: number): void {
    if (this.reqSerial[c] !== serial || this.reqState[c] !== RQ_IN_FLIGHT) return;
    this.m.sim.after(this.m.params.pollTimeoutMicros, E_DRV_POLL_TIMER, c, serial);
    if (this.ready === 1) this.acquire(LOCK_POLL, c);
  }

  // =====================================================================================
  // Completion, eclipse-b: spin on used.idx (kernel.md §2.4)
  // =====================================================================================

  /** E_DRV_SPIN_POLL: one slice of eclipse-b's spin loop. */
  spinPoll(c: number, serial: number): void {
    if (this.reqSerial[c] !== serial || this.reqState[c] !== RQ_IN_FLIGHT) return;
    const m = this.m;
    const mem = m.mem;
    const observed = mem.usedIdx();
    m.probe(P_DRIVER_READ_USED, observed, 0, 0);
    if (observed !== this.lastUsed) {
      // As built: the first used element is taken as this request's, whatever its id.
      const pos = this.lastUsed;
      const id = mem.usedElemId(pos & (this.n - 1));
      m.probe(P_DRIVER_CONSUME, pos, id, observed);
      const head = this.reqHead[c];
      const st = mem.bytes[mem.offsetOf(mem.statusAddr(head), 1)];
      this.freeChain(head);
      this.headClient[head] = -1;
      this.lastUsed = (pos + 1) & m.indexMask;
      if (st === VIRTIO_BLK_S_OK && this.reqType[c] === VIRTIO_BLK_T_IN) m.requester.takeIn(c, mem.bytes, mem.offsetOf(mem.dataAddr(head), BLOCK_BYTES));
      this.completeRequest(c, st === VIRTIO_BLK_S_OK ? R_OK : R_ERROR);
      this.release();
      return;
    }
    if (m.sim.now - this.reqSubmitTime[c] >= m.params.eclipseBSpinTimeoutMicros) {
      // As built: give up; the chain stays posted and its buffers are abandoned.
      m.probe(P_ABANDON, c, this.reqHead[c], 0);
      this.headClient[this.reqHead[c]] = -1;
      this.completeRequest(c, R_ERROR);
      this.release();
      return;
    }
    m.sim.after(m.params.eclipseBPollIntervalMicros, E_DRV_SPIN_POLL, c, serial);
  }

  // =====================================================================================
  // Recovery (kernel.md §2.4; VirtIO 1.2 §2.1.2 DEVICE_NEEDS_RESET)
  // =====================================================================================

  private startRecovery(): void {
    this.lockKind = LOCK_INIT;
    this.recovering = 1;
    this.ready = 0;
    this.m.sim.after(1, E_DRV_INIT_STEP, INIT_RESET, 0);
  }

  private completeRequest(c: number, result: number): void {
    const m = this.m;
    // The polling fallback's timer has nothing left to do.
    if (this.reference) m.sim.queue.remove(E_DRV_POLL_TIMER, c, this.reqSerial[c]);
    m.probe(P_COMPLETE, c, this.reqHead[c], result);
    this.reqState[c] = RQ_IDLE;
    this.reqHead[c] = -1;
    m.sim.after(1, E_CLIENT_DONE, c, result);
  }

  private doPanic(code: number): void {
    this.panic = code;
    this.m.probe(P_PANIC, code, 0, 0);
  }

  fingerprint(h: Hasher64, now: number): void {
    h.int(this.ready);
    h.int(this.recovering);
    h.int(this.started);
    h.int(this.dead);
    h.int(this.eventIdx);
    h.int(this.freeHead);
    h.int(this.numFree);
    h.int(this.availShadow);
    h.int(this.lastUsed);
    for (let i = 0; i < this.n; i++) h.int(this.headClient[i]);
    h.int(this.lockKind);
    h.int(this.lockArg);
    h.int(this.waitLen);
    for (let i = 0; i < this.waitLen; i++) {
      const j = (this.waitHead + i) % this.waitKind.length;
      h.int(this.waitKind[j]);
      h.int(this.waitArg[j]);
    }
    h.int(this.irqWaiting);
    h.int(this.descLen);
    for (let i = 0; i < this.descLen; i++) h.int(this.descWaiters[(this.descHead + i) % this.descWaiters.length]);
    for (let c = 0; c < this.reqState.length; c++) {
      const st = this.reqState[c];
      h.int(st);
      if (st === RQ_IDLE) continue;
      h.int(this.reqType[c]);
      h.int(this.reqBlock[c]);
      h.int(this.reqHead[c]);
      h.int(this.reqPos[c]);
      h.int(this.reqD1[c]);
      h.int(this.reqD2[c]);
      if (!this.reference) h.num(now - this.reqSubmitTime[c]);
    }
    h.int(this.drainConsumed);
    h.int(this.panic);
  }
}
