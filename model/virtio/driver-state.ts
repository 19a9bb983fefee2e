/**
 * The virtio block driver's state (kernel.md §2.1–2.4), grouped by what governs it, and its
 * fingerprint. The behaviour is layered on top: driver-init.ts (initialisation, recovery, the
 * lock), driver.ts (requests and completions). See driver.ts for the protocol summary.
 */
import type { Coverage } from '../coverage.js';
import type { Hasher64 } from '../../sim/hash.js';
import { indexMask } from './index-math.js';
import type { DeviceRegisters } from './device.js';
import type { RingMemory } from './ring-memory.js';
import type { Engine } from '../../sim/engine.js';
import type { BlockRequester } from '../block/block-port.js';
import type { ModelContext, ProbeSink } from '../context.js';
import type { MutantSet } from '../mutants.js';
import type { MachineParams } from '../params.js';
import type { StateDecl } from '../../sim/state-walk.js';
// The driver's events (kinds are machine-wide; see sim/event-table.ts).
export const E_DRV_INIT_STEP = 10; // a = step
export const E_DRV_SUBMIT_STEP = 12; // a = client, b = phase
export const E_DRV_NOTIFY = 13; // a = client
export const E_DRV_HANDLER_ISR = 14;
export const E_DRV_HANDLER_ACK = 15; // a = bits read
export const E_DRV_DRAIN = 16; // a = drain mode
export const E_DRV_RECHECK = 17; // a = drain mode
export const E_DRV_POLL_TIMER = 18; // a = client, b = request serial
export const E_DRV_SPIN_POLL = 19; // a = client, b = request serial
/** A request's result reaches its requester (BlockRequester.done), one step after completion. */
export const E_CLIENT_DONE = 21; // a = client, b = result
export const E_DRV_POLL_STATUS = 22;
/** The handler's interrupt suppression (§2.7.10), each a write the device can see in between. */
export const E_DRV_CB_DISABLE = 31; // a = drain mode: avail.flags = NO_INTERRUPT (EVENT_IDX off)
export const E_DRV_CB_ENABLE = 32; // a = drain mode: avail.flags = 0, or used_event = last_used

export type DriverParams = Pick<MachineParams, 'queueSize' | 'indexBits' | 'pollTimeoutMicros' | 'eclipseBPollIntervalMicros' | 'eclipseBSpinTimeoutMicros'>;

/** Request states, per client (each client has at most one request). */
export const RQ_IDLE = 0;
export const RQ_WAIT_LOCK = 1;
export const RQ_WAIT_DESC = 2;
export const RQ_SUBMITTING = 3;
export const RQ_IN_FLIGHT = 4;
/** reference, kick-before-driver-ok mutant: kept across a reset for resubmission. */
export const RQ_HELD = 5;

/** Lock holders. The lock is the virtqueue lock (reference) or the whole-request lock (eclipse-b). */
export const LOCK_NONE = 0;
export const LOCK_INIT = 1;
export const LOCK_HANDLER = 2;
export const LOCK_SUBMIT = 3;
export const LOCK_POLL = 4;

/** Drain modes. */
export const DRAIN_HANDLER = 0;
export const DRAIN_POLL = 1;

/** Submit phases (kernel.md §2.2 "Driver submit"). */
export const PH_ALLOC = 0;
export const PH_FILL = 1;
export const PH_SLOT = 2;
export const PH_PUBLISH = 3;
export const PH_KICK = 4;

/** Init steps (VirtIO 1.2 §3.1.1), also the recovery sequence after DEVICE_NEEDS_RESET. */
export const INIT_RESET = 0;
export const INIT_WAIT_RESET = 1;
export const INIT_ACK = 2;
export const INIT_DRIVER = 3;
export const INIT_FEATURES = 4;
export const INIT_FEATURES_OK = 5;
export const INIT_CHECK_FEATURES = 6;
export const INIT_QUEUE = 7;
export const INIT_DRIVER_OK = 8;

function idleRequest(d: DriverState, c: number): boolean {
  return d.reqState[c] === RQ_IDLE;
}

export abstract class DriverState {
  /**
   * What the fingerprint leaves out (`fingerprint` below), for the audit: a client's request
   * fields while it has none open; the submit time, read only by eclipse-b's spin timeout; the
   * request serial, compared only with the serial its own poll timer carries (timers of finished
   * requests are cancelled, so the two always agree). The wait queues count in FIFO order.
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['reference', 'n', 'engine', 'probes', 'mutants', 'indexMask', 'params', 'onReady'],
    dead: ['reqSerial'],
    times: ['reqSubmitTime'],
    deadIf: {
      reqType: idleRequest,
      reqBlock: idleRequest,
      reqHead: idleRequest,
      reqPos: idleRequest,
      reqD1: idleRequest,
      reqD2: idleRequest,
      reqSubmitTime: (d: DriverState, c: number) => d.reference || idleRequest(d, c),
    },
    fifos: [
      { head: 'waitHead', len: 'waitLen', arrays: ['waitKind', 'waitArg'] },
      { head: 'descHead', len: 'descLen', arrays: ['descWaiters'] },
    ],
  };

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
  /**
   * reference: notifies decided under the lock and not yet written (the write is outside it).
   * Recovery waits for them before it resets the device, as Linux quiesces the queue first.
   */
  notifiesInFlight = 0;
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

  protected readonly engine: Engine;
  protected readonly probes: ProbeSink;
  /** Coverage probe counters: observation only (model/coverage.ts). */
  protected readonly cov: Coverage;
  protected readonly mutants: MutantSet;
  protected readonly indexMask: number;

  constructor(
    ctx: ModelContext,
    protected readonly params: DriverParams,
    protected readonly mem: RingMemory,
    protected readonly device: DeviceRegisters,
    protected readonly requester: BlockRequester,
    /** Called at the first DRIVER_OK: the workload may start. */
    protected readonly onReady: () => void,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.cov = ctx.coverage;
    this.mutants = ctx.mutants;
    this.indexMask = indexMask(params.indexBits);
    this.reference = ctx.profile === 'reference';
    this.n = params.queueSize;
    const clients = requester.slots;
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

  fingerprint(h: Hasher64, now: number): void {
    h.int(this.ready);
    h.int(this.recovering);
    h.int(this.started);
    h.int(this.dead);
    // Chosen at power-on and read at feature negotiation (init step 4) and at every recovery: until
    // then runs that asked for EVENT_IDX and runs that did not are different states.
    h.int(this.wantEventIdx);
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
    h.int(this.notifiesInFlight);
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
