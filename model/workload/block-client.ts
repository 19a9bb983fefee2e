/**
 * The block workload (issue 2, until the file system exists): kernel-side clients, each with at
 * most one request outstanding, submitting reads, writes and flushes through the driver.
 *
 * Block ownership keeps requests from overlapping (S-BLK-06): blocks 0..readOnlyBlocks−1 are read
 * by anyone and written by no one; each client then owns `blocksPerClient` blocks it alone reads
 * and writes. Whether what comes back is right is the checks' business (S-BLK-04), not the
 * client's: the client only counts outcomes.
 */
import { label } from '../../sim/labels.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { Engine } from '../../sim/engine.js';
import { eventTable } from '../../sim/event-table.js';
import type { ModelContext } from '../context.js';
import type { MachineParams } from '../params.js';
import { VIRTIO_BLK_T_FLUSH, VIRTIO_BLK_T_IN, VIRTIO_BLK_T_OUT } from '../virtio/constants.js';
import { R_OK } from '../block/block-port.js';
import type { BlockPort, BlockRequester } from '../block/block-port.js';
import { fillBlockPattern } from './block-pattern.js';
import type { StateDecl } from '../../sim/state-walk.js';

const L_OP = label('client.op');
const L_BLOCK = label('client.block');
const L_THINK = label('client.think');

// The block clients' event (kinds are machine-wide; see sim/event-table.ts).
export const E_CLIENT_NEXT = 20; // a = client

export type BlockClientParams = Pick<MachineParams, 'clients' | 'requestsPerClient' | 'diskBlocks' | 'readOnlyBlocks' | 'blocksPerClient' | 'opMix' | 'thinkMicrosOptions'>;

export class BlockClients implements BlockRequester {
  /**
   * For the fingerprint audit: the outcome counters are statistics nothing reads (`finished` is
   * only counted); `serial` only numbers a client's requests for the driver, which compares it
   * with its own poll timers' copy (DriverState.reqSerial, dead there too).
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['count', 'slots', 'params'],
    dead: ['ok', 'failed', 'finished', 'serial'],
  };

  readonly count: number;
  readonly slots: number;
  /** Requests each client still has to make. */
  readonly remaining: Int32Array;
  readonly serial: Int32Array;
  /** The block each client's current request is for. */
  readonly block: Int32Array;
  readonly type: Int32Array;
  /** Write version per block (what the next OUT writes). */
  readonly version: Int32Array;
  /** Outcome counters (not part of the state: they never influence the future). */
  ok = 0;
  failed = 0;
  finished = 0;
  /**
   * Clients that make requests this run (the first `active`; the rest have none). A swarm knob
   * (scenarios/swarm-knobs.ts) sets it before the run begins; by default every client.
   */
  active: number;

  private readonly engine: Engine;
  /** The driver, connected when the machine is wired (it is built after its requester). */
  private driver: BlockPort | null = null;

  constructor(
    ctx: ModelContext,
    private readonly params: BlockClientParams,
  ) {
    this.engine = ctx.engine;
    const p = params;
    this.count = p.clients;
    this.active = p.clients;
    this.slots = p.clients;
    this.remaining = new Int32Array(p.clients);
    this.serial = new Int32Array(p.clients);
    this.block = new Int32Array(p.clients);
    this.type = new Int32Array(p.clients);
    this.version = new Int32Array(p.diskBlocks);
  }

  /** Requests go to `driver`. */
  connect(driver: BlockPort): void {
    this.driver = driver;
  }

  begin(): void {
    this.remaining.fill(this.params.requestsPerClient);
    if (this.active < this.count) this.remaining.fill(0, Math.max(0, this.active));
    this.serial.fill(0);
    this.block.fill(0);
    this.type.fill(0);
    this.version.fill(0);
    this.ok = 0;
    this.failed = 0;
    this.finished = 0;
  }

  /** The driver is up: every client starts. */
  start(): void {
    for (let c = 0; c < this.count; c++) this.engine.after(1, E_CLIENT_NEXT, c, 0);
  }

  /** E_CLIENT_NEXT: pick the next operation and submit it. */
  next(c: number): void {
    if (this.remaining[c] === 0) return;
    const p = this.params;
    const ch = this.engine;
    const op = p.opMix[ch.choose(L_OP, p.opMix.length)];
    const own = p.readOnlyBlocks + c * p.blocksPerClient;
    let type: number;
    let block: number;
    if (op === 'in') {
      type = VIRTIO_BLK_T_IN;
      const k = ch.choose(L_BLOCK, p.readOnlyBlocks + p.blocksPerClient);
      block = k < p.readOnlyBlocks ? k : own + (k - p.readOnlyBlocks);
    } else if (op === 'out') {
      type = VIRTIO_BLK_T_OUT;
      block = own + ch.choose(L_BLOCK, p.blocksPerClient);
    } else {
      type = VIRTIO_BLK_T_FLUSH;
      block = 0;
    }
    if (type === VIRTIO_BLK_T_OUT) this.version[block]++;
    this.block[c] = block;
    this.type[c] = type;
    const serial = ++this.serial[c];
    this.driver!.request(c, type, block, serial);
  }

  /** OUT: the pattern for (block, version) of this client's request. */
  fillOut(c: number, bytes: Uint8Array, offset: number): void {
    fillBlockPattern(bytes, offset, this.block[c], this.version[this.block[c]]);
  }

  /** IN: nothing to keep; the checks compare the chain's buffer with the disk (S-BLK-04). */
  takeIn(): void {}

  /** E_CLIENT_DONE: the request returned `result`; think, then go on. */
  done(c: number, result: number): void {
    if (result === R_OK) this.ok++;
    else this.failed++;
    this.remaining[c]--;
    if (this.remaining[c] === 0) {
      this.finished++;
      return;
    }
    this.engine.after(this.engine.delay(L_THINK, this.params.thinkMicrosOptions, E_CLIENT_NEXT, c), E_CLIENT_NEXT, c, 0);
  }

  fingerprint(h: Hasher64): void {
    h.int(this.active);
    for (let c = 0; c < this.count; c++) {
      h.int(this.remaining[c]);
      h.int(this.block[c]);
      h.int(this.type[c]);
    }
    const p = this.params;
    for (let b = p.readOnlyBlocks; b < p.readOnlyBlocks + p.clients * p.blocksPerClient; b++) h.int(this.version[b]);
  }
}

export const BLOCK_CLIENT_EVENTS = eventTable<BlockClients>('client', [[E_CLIENT_NEXT, 'client.next', (c, a) => c.next(a), ['client', '']]]);
