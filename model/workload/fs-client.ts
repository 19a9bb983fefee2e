/**
 * The file-system workload (issue 3): kernel-side clients calling the kernel path. Each client
 * opens files from the scenario's list, reads them in chunks, seeks, writes in place (the `write`
 * workload) and closes them. Every writable file has one writer (client c writes file c mod k), so
 * what a read must return is always defined; whether it is right is the checks' business (S-FS-03).
 *
 * Power loss (F_POWER_LOSS) may strike as a call starts, some microseconds later.
 */
import { label } from '../../sim/labels.js';
import type { Hasher64 } from '../../sim/hash.js';
import { fmix } from '../../sim/hash.js';
import type { Engine } from '../../sim/engine.js';
import { eventTable } from '../../sim/event-table.js';
import type { ModelContext } from '../context.js';
import { F_POWER_LOSS, type Faults } from '../faults.js';
import type { FsParams } from '../params.js';
import { E_POWER_LOSS, type PowerLossSite } from '../power.js';
import type { KernelFs } from '../fs/kernel-fs.js';
import { MAX_WRITE, OP_CLOSE, OP_LSEEK, OP_OPEN, OP_READ, OP_WRITE, SEEK_END, SEEK_SET } from '../fs/fs-call-abi.js';

const L_FS_FILE = label('fs.file');
const L_FS_ACTION = label('fs.action');
const L_FS_CHUNK = label('fs.chunk');
const L_FS_SEEK = label('fs.seek');
const L_POWER_DELAY = label('power.delay');
/** When power fails after a power-loss fault strikes, in microseconds. */
const POWER_DELAYS: readonly number[] = [1, 3, 10, 30];

// The file-system clients' event (kinds are machine-wide; see sim/event-table.ts).
export const E_FS_CLIENT_NEXT = 25; // a = fs client

/** The files a workload uses: paths (in the kernel's path table), sizes, and which are written. */
export interface FsFileList {
  paths: string[];
  sizes: number[];
  /** Indices into `paths` of files the write workload writes. */
  writable: number[];
}

const A_READ = 0;
const A_WRITE = 1;
const A_SEEK = 2;
const A_CLOSE = 3;
const READ_ACTIONS = [A_READ, A_READ, A_READ, A_SEEK, A_CLOSE];
const WRITE_ACTIONS = [A_READ, A_WRITE, A_WRITE, A_SEEK, A_CLOSE];

export class FsClients implements PowerLossSite {
  readonly count: number;
  readonly remaining: Int32Array;
  /** Open fd or −1, and the file it is for. */
  readonly fd: Int32Array;
  readonly file: Int32Array;
  /** The call in progress (OP_*), 0 when idle. */
  readonly call: Int32Array;
  readonly serial: Int32Array;
  /** Files nobody writes (all files in the read workload). */
  private readonly readOnly: number[];
  finished = 0;
  /**
   * Clients that make calls this run, at every boot (the first `active`; the rest have none). A
   * swarm knob (scenarios/swarm-knobs.ts) sets it before the run begins; by default every client.
   */
  active: number;
  boots = 0;
  powerLossPending = 0;

  private readonly engine: Engine;
  private readonly faults: Faults;

  constructor(
    ctx: ModelContext,
    private readonly kfs: KernelFs,
    private readonly p: FsParams,
    readonly files: FsFileList,
  ) {
    this.engine = ctx.engine;
    this.faults = ctx.faults;
    this.count = p.clients;
    this.active = p.clients;
    this.remaining = new Int32Array(p.clients);
    this.fd = new Int32Array(p.clients);
    this.file = new Int32Array(p.clients);
    this.call = new Int32Array(p.clients);
    this.serial = new Int32Array(p.clients);
    const written = p.workload === 'write' ? new Set(files.writable.slice(0, p.clients)) : new Set<number>();
    this.readOnly = files.paths.map((_, i) => i).filter((i) => !written.has(i));
  }

  /** Power on (boot 1). */
  begin(): void {
    this.boots = 1;
    this.serial.fill(0);
    this.reboot();
  }

  /** Every boot starts the clients afresh (open files do not survive a power loss). */
  reboot(): void {
    this.remaining.fill(this.p.opsPerClient);
    if (this.active < this.count) this.remaining.fill(0, Math.max(0, this.active));
    this.fd.fill(-1);
    this.file.fill(0);
    this.call.fill(0);
    this.finished = 0;
    this.powerLossPending = 0;
  }

  /** The file system is mounted: every client starts. */
  start(): void {
    for (let c = 0; c < this.count; c++) this.engine.after(1, E_FS_CLIENT_NEXT, c, 0);
  }

  /** E_FS_CLIENT_NEXT: the next call. */
  next(c: number): void {
    const ch = this.engine;
    if (this.p.workload === 'scan') return this.scanNext(c);
    if (this.remaining[c] === 0) {
      if (this.fd[c] >= 0) return this.issue(c, OP_CLOSE);
      this.finished++;
      return;
    }
    this.maybeLosePower();
    if (this.fd[c] < 0) {
      // A writer (client c < number of writable files) opens its own file half the time;
      // everyone else reads files nobody writes.
      const own = this.ownFile(c);
      const readable = this.readOnly;
      if (own < 0 && readable.length === 0) {
        // A (damaged) image with no file to open: the client has nothing to do.
        this.remaining[c] = 0;
        this.finished++;
        return;
      }
      this.file[c] = own >= 0 && (readable.length === 0 || ch.choose(L_FS_FILE, 2) === 0) ? own : readable[ch.choose(L_FS_FILE, readable.length)];
      return this.issue(c, OP_OPEN);
    }
    const actions = this.file[c] === this.ownFile(c) ? WRITE_ACTIONS : READ_ACTIONS;
    const a = actions[ch.choose(L_FS_ACTION, actions.length)];
    if (a === A_READ) return this.issue(c, OP_READ);
    if (a === A_WRITE) return this.issue(c, OP_WRITE);
    if (a === A_SEEK) return this.issue(c, OP_LSEEK);
    return this.issue(c, OP_CLOSE);
  }

  /**
   * The scan workload: client 0 opens every file in path order, reads it to the end in 4096-byte
   * calls, and closes it; a failed open or read moves on to the next file.
   */
  private scanNext(c: number): void {
    if (c !== 0 || this.file[c] >= this.files.paths.length) {
      this.finished++;
      return;
    }
    if (this.fd[c] < 0) return this.issue(c, OP_OPEN);
    this.call[c] = OP_READ;
    this.kfs.read(c, this.fd[c], 4096);
  }

  /** Scan bookkeeping after a call returned. */
  private scanReturned(c: number, op: number, r: number): void {
    if (op === OP_OPEN) {
      if (r >= 0) this.fd[c] = r;
      else this.file[c]++;
    } else if (op === OP_READ && r <= 0) {
      this.issue(c, OP_CLOSE);
      return;
    } else if (op === OP_CLOSE) {
      this.fd[c] = -1;
      this.file[c]++;
    }
    this.engine.after(1, E_FS_CLIENT_NEXT, c, 0);
  }

  /** The file client c writes, or −1. */
  private ownFile(c: number): number {
    return this.p.workload === 'write' && c < this.files.writable.length ? this.files.writable[c] : -1;
  }

  private issue(c: number, op: number): void {
    const ch = this.engine;
    const kfs = this.kfs;
    this.call[c] = op;
    switch (op) {
      case OP_OPEN:
        return kfs.open(c, this.file[c]);
      case OP_READ:
        return kfs.read(c, this.fd[c], this.p.readChunkOptions[ch.choose(L_FS_CHUNK, this.p.readChunkOptions.length)]);
      case OP_WRITE: {
        const len = Math.min(MAX_WRITE, this.p.writeChunkOptions[ch.choose(L_FS_CHUNK, this.p.writeChunkOptions.length)]);
        const s = ++this.serial[c];
        const base = c * MAX_WRITE;
        let x = fmix((c + 1) * 0x9e3779b1 + s) | 1;
        for (let i = 0; i < len; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          kfs.writeSrc[base + i] = x & 0xff;
        }
        kfs.writePages.touch(base, len);
        return kfs.write(c, this.fd[c], len);
      }
      case OP_LSEEK: {
        const size = this.files.sizes[this.file[c]];
        const k = ch.choose(L_FS_SEEK, 4);
        if (k === 3) return kfs.lseek(c, this.fd[c], -Math.min(size, 100), SEEK_END);
        const offset = k === 0 ? 0 : k === 1 ? Math.floor(size / 2) : size + 10;
        return kfs.lseek(c, this.fd[c], offset, SEEK_SET);
      }
      default:
        return kfs.close(c, this.fd[c]);
    }
  }

  /** E_FS_RETURN for a client: the call returned `r`. */
  returned(c: number, r: number): void {
    const op = this.call[c];
    this.call[c] = 0;
    if (this.p.workload === 'scan') return this.scanReturned(c, op, r);
    if (op === OP_OPEN && r >= 0) this.fd[c] = r;
    if (op === OP_CLOSE) this.fd[c] = -1;
    if (op === OP_OPEN && r < 0) this.fd[c] = -1;
    if (this.remaining[c] > 0) this.remaining[c]--;
    this.engine.after(1, E_FS_CLIENT_NEXT, c, 0);
  }

  /** F_POWER_LOSS: the machine will lose power a few microseconds from now. */
  maybeLosePower(): void {
    if (this.powerLossPending === 1 || this.boots >= this.p.maxBoots) return;
    if (!this.faults.strike(F_POWER_LOSS, this.p.callBoundMicros, this.boots)) return;
    this.powerLossPending = 1;
    this.engine.after(this.engine.delay(L_POWER_DELAY, POWER_DELAYS, E_POWER_LOSS, 0), E_POWER_LOSS, 0, 0);
  }

  allDone(): boolean {
    return this.finished === this.count;
  }

  fingerprint(h: Hasher64): void {
    h.int(this.active);
    h.int(this.boots);
    h.int(this.powerLossPending);
    for (let c = 0; c < this.count; c++) {
      h.int(this.remaining[c]);
      h.int(this.fd[c]);
      h.int(this.file[c]);
      h.int(this.call[c]);
      h.int(this.serial[c]);
    }
  }
}

export const FS_CLIENT_EVENTS = eventTable<FsClients>('client', [[E_FS_CLIENT_NEXT, 'fs.client-next', (c, a) => c.next(a), ['client', '']]]);
