/**
 * The kernel path's state (kernel.md §3.3): per-client call state and cursors, the fd table, and
 * the bounds-checked reads of partition bytes the phases use; and its fingerprint. The behaviour is
 * layered on top: kernel-fs-walk.ts (the phases of a call), kernel-fs.ts (the calls). See
 * kernel-fs.ts for the design summary.
 */
import { MAX_READ, MAX_WRITE, MOUNT_OK, OP_OPEN, OP_READ, OP_WRITE } from './fs-call-abi.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { Engine } from '../../sim/engine.js';
import type { ModelContext, ProbeSink } from '../context.js';
import type { MutantSet } from '../mutants.js';
import type { BufferCache } from './buffer-cache.js';
import { FS_BLOCK_BYTES } from './format.js';
import { MAX_FDS } from '../proc/abi.js';
import { PageVersions } from '../../sim/page-versions.js';

/** Page size of the transfer buffers' page versions. */
const TRANSFER_PAGE = 4096;
import type { StateDecl } from '../../sim/state-walk.js';


// phases
export const PH_MOUNT = 1;
export const PH_ENTRY = 2;
export const PH_RECORD = 3;
export const PH_TLV = 4;
export const PH_TLV_VALUE = 5;
export const PH_DIRENT = 6;
export const PH_NAME = 7;
export const PH_READ = 8;
export const PH_WRITE_BLOCK = 9;
export const PH_WRITE_WAIT = 10;

/** Result of `need`. */
export const HAVE = 1;
export const WAIT = 0;
export const OUTSIDE = -1;



// The kernel path's events (kinds are machine-wide; see sim/event-table.ts).
export const E_FS_CONTINUE = 23; // a = fs client: a block it waited for arrived
export const E_FS_RETURN = 24; // a = fs client, b = result of its call


/** Who hears that a file-system call returned (the kernel's mount, a process, a workload client). */
export interface FsCallSink {
  returned(client: number, result: number): void;
}

/** Ascending disjoint [start, end) pairs → the ascending pairs covering the rest of [0, size). */
function complementOf(live: readonly number[], size: number): number[] {
  const dead: number[] = [];
  let at = 0;
  for (let i = 0; i < live.length; i += 2) {
    if (live[i] > at) dead.push(at, live[i]);
    at = live[i + 1];
  }
  if (at < size) dead.push(at, size);
  return dead;
}

/** The path of an open that names no file (see pathOf). */
const NO_COMPONENTS: readonly Uint8Array[] = [];

/** An idle client's call fields mean nothing (the next call sets what it reads). */
function idle(k: KernelFsState, c: number): boolean {
  return k.op[c] === 0;
}

/** A closed fd's fields mean nothing (open rewrites them); the fingerprint skips them. */
function closedFd(k: KernelFsState, f: number): boolean {
  return k.fdOpen[f] === 0;
}

export abstract class KernelFsState {
  /**
   * For the fingerprint audit: what `fingerprint` leaves out. The read statistics; an idle
   * client's call fields (and those of other calls than the one that reads them); a closed fd's fields; `readBuf` but for the bytes a caller has yet to
   * take, and `writeSrc` but for the bytes a write in progress has yet to copy.
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['clients', 'partitionBytes', 'paths', 'referenceProfile', 'mutants'],
    dead: ['readCalls', 'readBytes'],
    deadRanges: (k: KernelFsState, field: string) => (field === 'readBuf' ? k.untakenReadRanges(true) : field === 'writeSrc' ? k.pendingWriteRanges(true) : null),
    // For snapshots the transfer buffers are paged (sim/page-versions.ts): every write stamps its pages.
    observed: ['readPages', 'writePages'],
    paged: [
      { buffer: 'readBuf', versions: 'readPages' },
      { buffer: 'writeSrc', versions: 'writePages' },
    ],
    deadIf: {
      argPath: idle,
      argFd: idle,
      argLen: idle,
      argOff: idle,
      argWhence: idle,
      inode: idle,
      comp: idle,
      recOff: idle,
      recEnd: idle,
      tlvPos: idle,
      tlvTag: idle,
      tlvLen: idle,
      ntype: idle,
      contentOff: idle,
      contentLen: idle,
      entPos: idle,
      entEnd: idle,
      nameLen: idle,
      child: idle,
      askLen: (k: KernelFsState, c: number) => k.op[c] !== OP_READ,
      callPos: (k: KernelFsState, c: number) => k.op[c] !== OP_READ && k.op[c] !== OP_WRITE,
      wDone: idle,
      wTotal: idle,
      wChunk: (k: KernelFsState, c: number) => k.phase[c] !== PH_WRITE_WAIT,
      fdInode: closedFd,
      fdContent: closedFd,
      fdSize: closedFd,
      fdPos: closedFd,
    },
  };

  readonly clients: number;
  // ---- the mounted file system. Invariant: mounted ⇒ the header was valid.
  mounted = 0;
  /** Why the last mount was refused (MOUNT_*), MOUNT_OK if it was not. */
  mountRefusal = MOUNT_OK;
  tableOffset = 0;
  totalInodes = 0;
  recordsBase = 0;
  readonly partitionBytes: number;

  /** Reads completed and bytes returned since boot (statistics; never influence the future). */
  readCalls = 0;
  readBytes = 0;

  // ---- per-client call state
  readonly op: Int32Array;
  readonly phase: Int32Array;
  /** A wake is scheduled; an I/O error arrived while waiting. */
  readonly wakePending: Uint8Array;
  readonly ioError: Uint8Array;
  readonly argPath: Int32Array;
  readonly argFd: Int32Array;
  readonly argLen: Int32Array;
  readonly argOff: Float64Array;
  readonly argWhence: Int32Array;
  // cursor of lookup / record scans (partition byte offsets fit in doubles)
  readonly inode: Int32Array;
  readonly comp: Int32Array;
  readonly recOff: Float64Array;
  readonly recEnd: Float64Array;
  readonly tlvPos: Float64Array;
  readonly tlvTag: Int32Array;
  readonly tlvLen: Float64Array;
  readonly ntype: Int32Array;
  readonly contentOff: Float64Array;
  readonly contentLen: Float64Array;
  readonly entPos: Float64Array;
  readonly entEnd: Float64Array;
  readonly nameLen: Int32Array;
  readonly child: Int32Array;
  // read / write
  readonly readBuf: Uint8Array;
  /** Page versions of `readBuf` and `writeSrc`: whoever writes them stamps the bytes written. */
  readonly readPages: PageVersions;
  readonly writePages: PageVersions;
  /** Bytes of a client's `readBuf` its caller has yet to take (from the read's end to its return). */
  readonly readLen: Int32Array;
  /** The length the caller asked a read for. */
  readonly askLen: Int32Array;
  /** The fd offset the caller's read or write was at (what it asked for). */
  readonly callPos: Float64Array;
  readonly writeSrc: Uint8Array;
  readonly wDone: Float64Array;
  readonly wTotal: Float64Array;
  readonly wChunk: Int32Array;
  // fd tables: one row of MAX_FDS entries per client, plus shared rows (see `fileRow`)
  /**
   * Which row of the fd tables a client's fds live in: its own by default. Process clients share
   * one row, which is then the kernel's table of open file descriptions (fork shares them).
   */
  readonly fileRow: Int32Array;
  /** How many fds a client's row holds: MAX_FDS, or more for a shared table spanning several rows. */
  readonly fdLimit: Int32Array;
  /** Reads by this client are the kernel loader's (see `read`). */
  readonly loaderRead: Uint8Array;
  /** A client's own path for `openPath` (argPath −1). */
  protected readonly clientPath: (readonly Uint8Array[])[];
  readonly fdOpen: Uint8Array;
  /** Open fds per row (so the fingerprint skips empty rows). */
  protected readonly rowOpen: Int32Array;
  readonly fdInode: Int32Array;
  readonly fdContent: Float64Array;
  readonly fdSize: Float64Array;
  readonly fdPos: Float64Array;

  protected readonly engine: Engine;
  protected readonly probes: ProbeSink;
  protected readonly mutants: MutantSet;
  protected readonly referenceProfile: boolean;
  /** Who hears a call's result (model/machine.ts routes it to the kernel, a process or a client). */
  protected returns: FsCallSink | null = null;

  constructor(
    ctx: ModelContext,
    protected readonly cache: BufferCache,
    clients: number,
    partitionBlocks: number,
    protected readonly paths: ReadonlyArray<readonly Uint8Array[]>,
    sharedRows = 0,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.mutants = ctx.mutants;
    this.referenceProfile = ctx.profile === 'reference';
    this.clients = clients;
    this.fileRow = new Int32Array(clients);
    for (let c = 0; c < clients; c++) this.fileRow[c] = c;
    this.fdLimit = new Int32Array(clients).fill(MAX_FDS);
    this.clientPath = new Array<readonly Uint8Array[]>(clients).fill([]);
    this.loaderRead = new Uint8Array(clients);
    this.partitionBytes = partitionBlocks * FS_BLOCK_BYTES;
    const n = clients;
    this.op = new Int32Array(n);
    this.phase = new Int32Array(n);
    this.wakePending = new Uint8Array(n);
    this.ioError = new Uint8Array(n);
    this.argPath = new Int32Array(n);
    this.argFd = new Int32Array(n);
    this.argLen = new Int32Array(n);
    this.argOff = new Float64Array(n);
    this.argWhence = new Int32Array(n);
    this.inode = new Int32Array(n);
    this.comp = new Int32Array(n);
    this.recOff = new Float64Array(n);
    this.recEnd = new Float64Array(n);
    this.tlvPos = new Float64Array(n);
    this.tlvTag = new Int32Array(n);
    this.tlvLen = new Float64Array(n);
    this.ntype = new Int32Array(n);
    this.contentOff = new Float64Array(n);
    this.contentLen = new Float64Array(n);
    this.entPos = new Float64Array(n);
    this.entEnd = new Float64Array(n);
    this.nameLen = new Int32Array(n);
    this.child = new Int32Array(n);
    this.readBuf = new Uint8Array(n * MAX_READ);
    this.readPages = new PageVersions(this.readBuf.length, TRANSFER_PAGE);
    this.readLen = new Int32Array(n);
    this.askLen = new Int32Array(n);
    this.callPos = new Float64Array(n);
    this.writeSrc = new Uint8Array(n * MAX_WRITE);
    this.writePages = new PageVersions(this.writeSrc.length, TRANSFER_PAGE);
    this.wDone = new Float64Array(n);
    this.wTotal = new Float64Array(n);
    this.wChunk = new Int32Array(n);
    const rows = n + sharedRows;
    this.fdOpen = new Uint8Array(rows * MAX_FDS);
    this.rowOpen = new Int32Array(rows);
    this.fdInode = new Int32Array(rows * MAX_FDS);
    this.fdContent = new Float64Array(rows * MAX_FDS);
    this.fdSize = new Float64Array(rows * MAX_FDS);
    this.fdPos = new Float64Array(rows * MAX_FDS);
  }

  /** Boot: nothing mounted, no calls, no open files. */

  begin(): void {
    this.mounted = 0;
    this.mountRefusal = MOUNT_OK;
    this.tableOffset = 0;
    this.totalInodes = 0;
    this.recordsBase = 0;
    this.op.fill(0);
    this.phase.fill(0);
    this.wakePending.fill(0);
    this.ioError.fill(0);
    this.fdOpen.fill(0);
    this.rowOpen.fill(0);
    this.readLen.fill(0);
    this.readCalls = 0;
    this.readBytes = 0;
    // Every per-call and per-fd field starts from zero too, not from the previous run's (or boot's)
    // last call: a load cut short by the end of a run left loaderRead set, and the fingerprint
    // reads a call's fields from its start. (readBuf and writeSrc are not: a call writes the bytes it
    // hands over before anyone reads them, and clearing their 1 MiB at every run start made the
    // process scenarios a fifth slower.)
    this.loaderRead.fill(0);
    this.clientPath.fill([]);
    for (const a of [this.argPath, this.argFd, this.argLen, this.argOff, this.argWhence, this.inode, this.comp, this.recOff, this.recEnd, this.tlvPos, this.tlvTag, this.tlvLen, this.ntype, this.contentOff, this.contentLen, this.entPos, this.entEnd, this.nameLen, this.child, this.askLen, this.callPos, this.wDone, this.wTotal, this.wChunk, this.fdInode, this.fdContent, this.fdSize, this.fdPos]) a.fill(0);
  }


  protected get reference(): boolean {
    return this.referenceProfile;
  }


  protected need(c: number, off: number, len: number): number {
    if (len <= 0) return HAVE;
    if (off < 0 || off + len > this.partitionBytes) return OUTSIDE;
    const b0 = Math.floor(off / FS_BLOCK_BYTES);
    const b1 = Math.floor((off + len - 1) / FS_BLOCK_BYTES);
    let have = true;
    for (let b = b0; b <= b1; b++) if (this.cache.acquire(b, c) < 0) have = false;
    return have ? HAVE : WAIT;
  }

  /** eclipse-b: the blocks a phase used go back to the device's side (uncached). */
  protected used(off: number, len: number): void {
    if (!this.cache.uncached || len <= 0) return;
    const b0 = Math.floor(off / FS_BLOCK_BYTES);
    const b1 = Math.floor((off + len - 1) / FS_BLOCK_BYTES);
    for (let b = b0; b <= b1; b++) this.cache.release(b);
  }

  protected u8(off: number): number {
    const i = this.cache.peek(Math.floor(off / FS_BLOCK_BYTES));
    return this.cache.data[this.cache.offsetOf(i) + (off % FS_BLOCK_BYTES)];
  }

  protected u32(off: number): number {
    return (this.u8(off) | (this.u8(off + 1) << 8) | (this.u8(off + 2) << 16) | (this.u8(off + 3) << 24)) >>> 0;
  }

  /** A u64 as a number, or −1 when it is past 2^53 (no partition is that large). */
  protected u64(off: number): number {
    const lo = this.u32(off);
    const hi = this.u32(off + 4);
    return hi >= 0x200000 ? -1 : hi * 4294967296 + lo;
  }


  fingerprint(h: Hasher64): void {
    h.int(this.mounted);
    h.num(this.tableOffset);
    h.int(this.totalInodes);
    for (let c = 0; c < this.clients; c++) {
      h.int(this.op[c]);
      if (this.op[c] === 0) continue;
      h.int(this.phase[c] | (this.wakePending[c] << 8) | (this.ioError[c] << 9));
      h.int(this.argPath[c]);
      if (this.argPath[c] < 0 && this.op[c] === OP_OPEN) for (const comp of this.clientPath[c]) h.bytes(comp, 0, comp.length);
      h.int(this.argFd[c]);
      h.int(this.argLen[c]);
      h.num(this.argOff[c]);
      h.int(this.inode[c]);
      h.int(this.comp[c]);
      h.num(this.recOff[c]);
      h.num(this.tlvPos[c] + 1);
      h.num(this.entPos[c] + 1);
      h.num(this.wDone[c]);
      h.num(this.wTotal[c]);
      // Read later in the call: the offset it started at (reads report it, writes write there),
      // the length asked for (the checks compare the read with it), the chunk being written.
      if (this.op[c] === OP_READ || this.op[c] === OP_WRITE) h.num(this.callPos[c]);
      if (this.op[c] === OP_READ) h.int(this.askLen[c]);
      if (this.phase[c] === PH_WRITE_WAIT) h.int(this.wChunk[c]);
      // The bytes a write in progress has yet to copy to the cache.
      if (this.op[c] === OP_WRITE && this.wDone[c] < this.wTotal[c]) h.bytes(this.writeSrc, c * MAX_WRITE + this.wDone[c], this.wTotal[c] - this.wDone[c]);
    }
    // A finished read's bytes, until its caller takes them (at the return).
    for (let c = 0; c < this.clients; c++) if (this.readLen[c] > 0) h.bytes(this.readBuf, c * MAX_READ, this.readLen[c]);
    for (let f = 0; f < this.fdOpen.length; f++) {
      if (f % MAX_FDS === 0 && this.rowOpen[f / MAX_FDS] === 0) {
        f += MAX_FDS - 1;
        continue;
      }
      if (this.fdOpen[f] === 0) continue;
      h.int(f);
      h.int(this.fdInode[f]);
      h.num(this.fdPos[f]);
    }
  }

  /** Per client, the [start, end) range of `readBuf` its caller has yet to take; with `complement`, the rest. */
  untakenReadRanges(complement: boolean): number[] {
    const live: number[] = [];
    for (let c = 0; c < this.clients; c++) if (this.readLen[c] > 0) live.push(c * MAX_READ, c * MAX_READ + this.readLen[c]);
    return complement ? complementOf(live, this.readBuf.length) : live;
  }

  /** Per client, the range of `writeSrc` its write in progress has yet to copy; with `complement`, the rest. */
  pendingWriteRanges(complement: boolean): number[] {
    const live: number[] = [];
    for (let c = 0; c < this.clients; c++) if (this.op[c] === OP_WRITE && this.wDone[c] < this.wTotal[c]) live.push(c * MAX_WRITE + this.wDone[c], c * MAX_WRITE + this.wTotal[c]);
    return complement ? complementOf(live, this.writeSrc.length) : live;
  }

  protected pathOf(c: number): readonly Uint8Array[] {
    const i = this.argPath[c];
    // An index past the path list (no such file) is the root's empty path: open fails EINVAL.
    return (i < 0 ? this.clientPath[c] : this.paths[i]) ?? NO_COMPONENTS;
  }

  /** Ends the call with `result` (kernel-fs.ts). */
  protected abstract finish(c: number, result: number): void;
}
