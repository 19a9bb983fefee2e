/**
 * The VirtIO block device's state (registers, the device half of the virtqueue, the request table
 * and the completion pipeline), its power-on values and its fingerprint. The behaviour is layered
 * on top in device.ts, as driver-state.ts / driver.ts are for the driver.
 */
import type { StateDecl } from '../../sim/state-walk.js';
import type { Hasher64 } from '../../sim/hash.js';
import { FEATURE_EVENT_IDX, FEATURE_VERSION_1 } from './constants.js';
import { ChainWalk } from './chain-walk.js';
import { indexMask } from './index-math.js';
import type { InterruptSink } from './interrupt.js';
import type { RingMemory } from './ring-memory.js';
import type { Engine } from '../../sim/engine.js';
import type { ModelContext, ProbeSink } from '../context.js';
import type { DiskModel } from '../disk/disk-model.js';
import type { Faults } from '../faults.js';
import type { Coverage } from '../coverage.js';
import type { MutantSet } from '../mutants.js';
import type { MachineParams } from '../params.js';

export type DeviceParams = Pick<MachineParams, 'queueSize' | 'indexBits' | 'latencyMicrosOptions' | 'latencySpikeMicros' | 'spuriousDelayMicrosOptions' | 'requestBoundMicros' | 'resetBoundMicros'>;

/** Device request-table slot states. */
export const SLOT_FREE = 0;
export const SLOT_IO = 1;
export const SLOT_DONE = 2;

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

export abstract class DeviceState {
  /** For the fingerprint audit: a free slot's fields and the chain-walk scratch (filled at each fetch) are dead; `cq` is a FIFO. */
  static readonly stateDecl: StateDecl = {
    fixed: ['featuresOffered', 'capacitySectors', 'mutants', 'indexMask', 'params'], dead: ['chain'], fifos: [{ head: 'cqHead', len: 'cqLen', arrays: ['cq'] }],
    deadIf: Object.fromEntries(['slotHead', 'slotType', 'slotSector', 'slotDataAddr', 'slotDataLen', 'slotDataWritable', 'slotStatusAddr', 'slotWritten', 'slotStatus'].map((f) => [f, (d: DeviceState, s: number) => d.slotState[s] === SLOT_FREE])),
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
  /**
   * The driver wrote 0 while I/O was under way: the reset completes (status reads 0, epoch + 1)
   * once that I/O has landed in memory (§2.4: until status reads back 0 the device may still act).
   */
  resetting = 0;
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
  protected readonly chain: ChainWalk;
  cqHead = 0;
  cqLen = 0;
  publishing = 0;

  protected readonly engine: Engine;
  protected readonly probes: ProbeSink;
  protected readonly faults: Faults;
  protected readonly mutants: MutantSet;
  protected readonly cov: Coverage;
  protected readonly indexMask: number;

  constructor(
    ctx: ModelContext,
    protected readonly params: DeviceParams,
    protected readonly mem: RingMemory,
    protected readonly disk: DiskModel,
    protected readonly irq: InterruptSink,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.faults = ctx.faults;
    this.mutants = ctx.mutants;
    this.cov = ctx.coverage;
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

  protected clearState(): void {
    this.status = 0;
    this.driverFeatures = 0;
    this.queueNum = 0;
    this.queueReady = 0;
    this.isr = 0;
    this.lastAvail = 0;
    this.usedShadow = 0;
    this.busy = 0;
    this.failed = 0;
    this.resetting = 0;
    this.eventIdx = 0;
    this.slotState.fill(SLOT_FREE);
    this.cqHead = 0;
    this.cqLen = 0;
    this.publishing = 0;
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
    h.int(this.resetting);
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
