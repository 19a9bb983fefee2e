/**
 * The kernel's EclipseFS path (kernel.md §3.3), as asynchronous calls over the buffer cache and
 * the VirtIO driver: mount, path lookup from inode 1, open, read, lseek, close, and in-place write
 * clipped to the file's size (read-modify-write of each block it spans).
 *
 * Each call is a small state machine kept in plain per-client arrays. A phase first declares the
 * partition bytes it needs (`need`); if a block is not in the cache the call is suspended and the
 * cache wakes it when the block arrives (or fails). A phase consumes its bytes and advances a
 * cursor, so resuming never repeats work. Every offset read from the image is checked against the
 * partition before use: a corrupt image makes a call fail with an error, never throw, never hang
 * (every scan advances by at least one header per phase and is bounded by the record it is in).
 *
 * eclipse-b (as built): uncached reads; `read` always reads from offset 0 of the file and then
 * advances the fd offset; `lseek` rejects SEEK_END; every error is −1.
 */
import type { Hasher64 } from '../../sim/hash.js';
import { E_FS_CONTINUE, E_FS_RETURN } from '../events.js';
import { P_FS_CALL_END, P_FS_CALL_START, P_FS_MOUNT, P_FS_READ, P_FS_WRITE } from '../probes.js';
import type { VirtioMachine } from '../virtio-machine.js';
import { WAKE_EIO, type BufferCache, type CacheClient } from './buffer-cache.js';
import {
  DIRENT_HEADER_BYTES,
  FS_BLOCK_BYTES,
  FS_MAGIC_BYTES,
  FS_VERSION_2_0,
  HDR_BYTES,
  HDR_TABLE_OFFSET,
  HDR_TABLE_SIZE,
  HDR_TOTAL_INODES,
  HDR_VERSION,
  MAX_NAME_BYTES,
  NODE_DIRECTORY,
  NODE_FILE,
  RECORD_HEADER_BYTES,
  ROOT_INODE,
  TABLE_ENTRY_BYTES,
  TAG_CONTENT,
  TAG_DIRECTORY_ENTRIES,
  TAG_NODE_TYPE,
  TLV_HEADER_BYTES,
} from './format.js';

/** The path of an open that names no file (see pathOf). */
const NO_COMPONENTS: readonly Uint8Array[] = [];

export const OP_MOUNT = 1;
export const OP_OPEN = 2;
export const OP_READ = 3;
export const OP_LSEEK = 4;
export const OP_WRITE = 5;
export const OP_CLOSE = 6;
export const OP_NAMES = ['', 'mount', 'open', 'read', 'lseek', 'write', 'close'];

export const SEEK_SET = 0;
export const SEEK_CUR = 1;
export const SEEK_END = 2;

/** errno values (kernel.md §4.3). */
export const ENOENT = 2;
export const EIO = 5;
export const EBADF = 9;
export const EINVAL = 22;
export const EMFILE = 24;

/** 64 fds per process, 0–2 reserved (kernel.md §4.3). */
export const MAX_FDS = 64;
export const FIRST_FD = 3;
/** A read returns at most one block (kernel.md §4.3: ≤ 4096 bytes). */
export const MAX_READ = FS_BLOCK_BYTES;
export const MAX_WRITE = 4 * FS_BLOCK_BYTES;

// phases
const PH_MOUNT = 1;
const PH_ENTRY = 2;
const PH_RECORD = 3;
const PH_TLV = 4;
const PH_TLV_VALUE = 5;
const PH_DIRENT = 6;
const PH_NAME = 7;
const PH_READ = 8;
const PH_WRITE_BLOCK = 9;
const PH_WRITE_WAIT = 10;

/** Result of `need`. */
const HAVE = 1;
const WAIT = 0;
const OUTSIDE = -1;

/** Mount refusal reasons (P_FS_MOUNT c). */
export const MOUNT_OK = 0;
export const MOUNT_BAD_MAGIC = 1;
export const MOUNT_BAD_VERSION = 2;
export const MOUNT_BAD_GEOMETRY = 3;
export const MOUNT_IO = 4;

export class KernelFs implements CacheClient {
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
  private readonly clientPath: (readonly Uint8Array[])[];
  readonly fdOpen: Uint8Array;
  /** Open fds per row (so the fingerprint skips empty rows). */
  private readonly rowOpen: Int32Array;
  readonly fdInode: Int32Array;
  readonly fdContent: Float64Array;
  readonly fdSize: Float64Array;
  readonly fdPos: Float64Array;

  constructor(
    private readonly m: VirtioMachine,
    private readonly cache: BufferCache,
    clients: number,
    partitionBlocks: number,
    private readonly paths: ReadonlyArray<readonly Uint8Array[]>,
    sharedRows = 0,
  ) {
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
    this.readLen = new Int32Array(n);
    this.askLen = new Int32Array(n);
    this.callPos = new Float64Array(n);
    this.writeSrc = new Uint8Array(n * MAX_WRITE);
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
    // reads a call's fields from its start.
    this.loaderRead.fill(0);
    this.clientPath.fill([]);
    for (const a of [this.argPath, this.argFd, this.argLen, this.argOff, this.argWhence, this.inode, this.comp, this.recOff, this.recEnd, this.tlvPos, this.tlvTag, this.tlvLen, this.ntype, this.contentOff, this.contentLen, this.entPos, this.entEnd, this.nameLen, this.child, this.readBuf, this.askLen, this.callPos, this.writeSrc, this.wDone, this.wTotal, this.wChunk, this.fdInode, this.fdContent, this.fdSize, this.fdPos]) a.fill(0);
  }

  private get reference(): boolean {
    return this.m.profile === 'reference';
  }

  // =====================================================================================
  // Calls
  // =====================================================================================

  private start(c: number, op: number): void {
    this.op[c] = op;
    this.ioError[c] = 0;
    this.m.probe(P_FS_CALL_START, c, op, 0);
  }

  mount(c: number): void {
    this.start(c, OP_MOUNT);
    this.phase[c] = PH_MOUNT;
    this.run(c);
  }

  open(c: number, pathIndex: number): void {
    this.start(c, OP_OPEN);
    this.argPath[c] = pathIndex;
    if (this.mounted === 0) return this.finish(c, -EIO);
    this.inode[c] = ROOT_INODE;
    this.comp[c] = 0;
    this.phase[c] = PH_ENTRY;
    this.run(c);
  }

  /** open by a path given as components (a process's own path), not by path-table index. */
  openPath(c: number, comps: readonly Uint8Array[]): void {
    this.clientPath[c] = comps;
    this.open(c, -1);
  }

  private pathOf(c: number): readonly Uint8Array[] {
    const i = this.argPath[c];
    // An index past the path list (no such file) is the root's empty path: open fails EINVAL.
    return (i < 0 ? this.clientPath[c] : this.paths[i]) ?? NO_COMPONENTS;
  }

  read(c: number, fd: number, len: number): void {
    this.start(c, OP_READ);
    this.argFd[c] = fd;
    this.argLen[c] = len;
    this.askLen[c] = len;
    const f = this.fdIndex(c, fd);
    if (f < 0) return this.finish(c, -EBADF);
    this.callPos[c] = this.fdPos[f];
    // eclipse-b reads from offset 0 of the file whatever the fd offset (kernel.md §3.3) — except
    // the kernel's own program loader, which reads a file whole, block after block.
    const pos = this.reference || this.loaderRead[c] === 1 ? this.fdPos[f] : 0;
    const n = Math.max(0, Math.min(len, MAX_READ, this.fdSize[f] - pos));
    this.argOff[c] = pos;
    this.argLen[c] = n;
    this.phase[c] = PH_READ;
    this.run(c);
  }

  lseek(c: number, fd: number, offset: number, whence: number): void {
    this.start(c, OP_LSEEK);
    const f = this.fdIndex(c, fd);
    if (f < 0) return this.finish(c, -EBADF);
    this.finish(c, this.seekFile(f, offset, whence));
  }

  /** Moves a file's offset; the new offset, or −EINVAL. */
  private seekFile(f: number, offset: number, whence: number): number {
    let pos: number;
    if (whence === SEEK_SET) pos = offset;
    else if (whence === SEEK_CUR) pos = this.fdPos[f] + offset;
    // eclipse-b's lseek rejects SEEK_END (kernel.md §3.3).
    else if (whence === SEEK_END && this.reference) pos = this.fdSize[f] + offset;
    else return -EINVAL;
    if (pos < 0 || !Number.isSafeInteger(pos)) return -EINVAL;
    this.fdPos[f] = pos;
    return pos;
  }

  /**
   * lseek and close for the process layer, which answers them in the syscall itself: no event,
   * the result returned. `fd` is in c's row. Errors are −errno (the caller maps them per profile).
   */
  seekNow(c: number, fd: number, offset: number, whence: number): number {
    const f = this.fdIndex(c, fd);
    return f < 0 ? -EBADF : this.seekFile(f, offset, whence);
  }

  closeNow(c: number, fd: number): number {
    const f = this.fdIndex(c, fd);
    if (f < 0) return -EBADF;
    this.fdOpen[f] = 0;
    this.rowOpen[(f / MAX_FDS) | 0]--;
    return 0;
  }

  /** Writes `len` bytes the caller put in `writeSrc` for `c`, in place, clipped to the size. */
  write(c: number, fd: number, len: number): void {
    this.start(c, OP_WRITE);
    const f = this.fdIndex(c, fd);
    if (f < 0) return this.finish(c, -EBADF);
    const pos = this.fdPos[f];
    this.callPos[c] = pos;
    this.argFd[c] = fd;
    this.wDone[c] = 0;
    this.wTotal[c] = Math.max(0, Math.min(len, MAX_WRITE, this.fdSize[f] - pos));
    this.phase[c] = PH_WRITE_BLOCK;
    this.run(c);
  }

  close(c: number, fd: number): void {
    this.start(c, OP_CLOSE);
    const f = this.fdIndex(c, fd);
    if (f < 0) return this.finish(c, -EBADF);
    this.fdOpen[f] = 0;
    this.rowOpen[(f / MAX_FDS) | 0]--;
    this.finish(c, 0);
  }

  private fdIndex(c: number, fd: number): number {
    if (!Number.isInteger(fd) || fd < FIRST_FD || fd >= this.fdLimit[c]) return -1;
    const f = this.fileRow[c] * MAX_FDS + fd;
    return this.fdOpen[f] === 1 ? f : -1;
  }

  /** Ends the call: the result reaches the caller in its own event. */
  private finish(c: number, result: number): void {
    // eclipse-b returns −1 for every error (kernel.md §4.3).
    const r = result < 0 && !this.reference ? -1 : result;
    this.m.probe(P_FS_CALL_END, c, this.op[c], r);
    this.op[c] = 0;
    this.phase[c] = 0;
    this.m.sim.after(1, E_FS_RETURN, c, r);
  }

  // =====================================================================================
  // Suspension
  // =====================================================================================

  /** CacheClient: a block `c` waited for arrived (or failed). */
  wake(c: number, outcome: number): void {
    if (outcome === WAKE_EIO) this.ioError[c] = 1;
    if (this.op[c] === 0 || this.wakePending[c] === 1) return;
    this.wakePending[c] = 1;
    this.m.sim.after(1, E_FS_CONTINUE, c, 0);
  }

  /** E_FS_CONTINUE. */
  resume(c: number): void {
    this.wakePending[c] = 0;
    if (this.op[c] !== 0) this.run(c);
  }

  /** Are partition bytes [off, off+len) all in valid buffers? Requests what is missing. */
  private need(c: number, off: number, len: number): number {
    if (len <= 0) return HAVE;
    if (off < 0 || off + len > this.partitionBytes) return OUTSIDE;
    const b0 = Math.floor(off / FS_BLOCK_BYTES);
    const b1 = Math.floor((off + len - 1) / FS_BLOCK_BYTES);
    let have = true;
    for (let b = b0; b <= b1; b++) if (this.cache.acquire(b, c) < 0) have = false;
    return have ? HAVE : WAIT;
  }

  /** eclipse-b: the blocks a phase used go back to the device's side (uncached). */
  private used(off: number, len: number): void {
    if (!this.cache.uncached || len <= 0) return;
    const b0 = Math.floor(off / FS_BLOCK_BYTES);
    const b1 = Math.floor((off + len - 1) / FS_BLOCK_BYTES);
    for (let b = b0; b <= b1; b++) this.cache.release(b);
  }

  private u8(off: number): number {
    const i = this.cache.peek(Math.floor(off / FS_BLOCK_BYTES));
    return this.cache.data[this.cache.offsetOf(i) + (off % FS_BLOCK_BYTES)];
  }

  private u32(off: number): number {
    return (this.u8(off) | (this.u8(off + 1) << 8) | (this.u8(off + 2) << 16) | (this.u8(off + 3) << 24)) >>> 0;
  }

  /** A u64 as a number, or −1 when it is past 2^53 (no partition is that large). */
  private u64(off: number): number {
    const lo = this.u32(off);
    const hi = this.u32(off + 4);
    return hi >= 0x200000 ? -1 : hi * 4294967296 + lo;
  }

  // =====================================================================================
  // The state machine
  // =====================================================================================

  /** Runs client `c`'s call until it waits for a block or finishes. */
  private run(c: number): void {
    for (;;) {
      if (this.ioError[c] === 1) return this.finish(c, -EIO);
      const step = this.stepOnce(c);
      if (step !== HAVE) return;
    }
  }

  /** One phase. Returns HAVE to go on, WAIT when suspended, OUTSIDE when the call ended. */
  private stepOnce(c: number): number {
    switch (this.phase[c]) {
      case PH_MOUNT:
        return this.phaseMount(c);
      case PH_ENTRY:
        return this.phaseEntry(c);
      case PH_RECORD:
        return this.phaseRecord(c);
      case PH_TLV:
        return this.phaseTlv(c);
      case PH_TLV_VALUE:
        return this.phaseTlvValue(c);
      case PH_DIRENT:
        return this.phaseDirent(c);
      case PH_NAME:
        return this.phaseName(c);
      case PH_READ:
        return this.phaseRead(c);
      case PH_WRITE_BLOCK:
        return this.phaseWriteBlock(c);
      case PH_WRITE_WAIT:
        return this.phaseWriteWait(c);
      default:
        this.finish(c, -EIO);
        return OUTSIDE;
    }
  }

  private fail(c: number, errno: number): number {
    this.finish(c, -errno);
    return OUTSIDE;
  }

  /** Waits, or ends the call with EIO when the bytes lie outside the partition (corrupt image). */
  private needOr(c: number, off: number, len: number): number {
    const r = this.need(c, off, len);
    if (r === OUTSIDE) return this.fail(c, EIO);
    return r;
  }

  /** mount: read block 0, validate the header (kernel.md §3.3). */
  private phaseMount(c: number): number {
    const r = this.need(c, 0, HDR_BYTES);
    if (r === WAIT) return WAIT;
    let reason = MOUNT_OK;
    if (r === OUTSIDE) reason = MOUNT_IO;
    else {
      for (let i = 0; i < FS_MAGIC_BYTES.length && reason === MOUNT_OK; i++) if (this.u8(i) !== FS_MAGIC_BYTES[i]) reason = MOUNT_BAD_MAGIC;
      if (reason === MOUNT_OK && this.u32(HDR_VERSION) !== FS_VERSION_2_0) reason = MOUNT_BAD_VERSION;
      if (reason === MOUNT_OK) {
        const tableOffset = this.u64(HDR_TABLE_OFFSET);
        const tableSize = this.u64(HDR_TABLE_SIZE);
        const total = this.u32(HDR_TOTAL_INODES);
        if (total === 0 || tableOffset < HDR_BYTES || tableSize !== total * TABLE_ENTRY_BYTES || tableOffset + tableSize > this.partitionBytes) reason = MOUNT_BAD_GEOMETRY;
        else {
          this.tableOffset = tableOffset;
          this.totalInodes = total;
          this.recordsBase = tableOffset + tableSize;
          this.mounted = 1;
        }
      }
      this.used(0, HDR_BYTES);
    }
    this.mountRefusal = reason;
    this.m.probe(P_FS_MOUNT, reason === MOUNT_OK ? 0 : -1, reason, 0);
    this.finish(c, reason === MOUNT_OK ? 0 : reason === MOUNT_IO ? -EIO : -EINVAL);
    return OUTSIDE;
  }

  /** Locate the record of `inode[c]` through the inode table (entry n − 1). */
  private phaseEntry(c: number): number {
    const n = this.inode[c];
    if (n < 1 || n > this.totalInodes) return this.fail(c, EIO);
    // kernel.md §3.2: the record of inode n is table entry n − 1. Mutant: entry n.
    const index = this.m.mutants.inodeOffByOne ? n : n - 1;
    const e = this.tableOffset + index * TABLE_ENTRY_BYTES;
    const r = this.needOr(c, e, TABLE_ENTRY_BYTES);
    if (r !== HAVE) return r;
    const entryInode = this.u32(e);
    const rel = this.u32(e + 4);
    this.used(e, TABLE_ENTRY_BYTES);
    if (!this.m.mutants.inodeOffByOne && entryInode !== n) return this.fail(c, EIO);
    this.recOff[c] = this.recordsBase + rel;
    this.phase[c] = PH_RECORD;
    return HAVE;
  }

  /** Read the record header {inode, record_size}; start the TLV scan. */
  private phaseRecord(c: number): number {
    const off = this.recOff[c];
    const r = this.needOr(c, off, RECORD_HEADER_BYTES);
    if (r !== HAVE) return r;
    const recInode = this.u32(off);
    const size = this.u32(off + 4);
    this.used(off, RECORD_HEADER_BYTES);
    if ((!this.m.mutants.inodeOffByOne && recInode !== this.inode[c]) || size < RECORD_HEADER_BYTES || off + size > this.partitionBytes) return this.fail(c, EIO);
    this.recEnd[c] = off + size;
    this.tlvPos[c] = off + RECORD_HEADER_BYTES;
    this.ntype[c] = 0;
    this.contentOff[c] = -1;
    this.contentLen[c] = 0;
    this.entPos[c] = -1;
    this.entEnd[c] = -1;
    this.phase[c] = PH_TLV;
    return HAVE;
  }

  /** Read one TLV header, or finish the record. */
  private phaseTlv(c: number): number {
    const pos = this.tlvPos[c];
    if (pos >= this.recEnd[c]) return this.recordDone(c);
    if (pos + TLV_HEADER_BYTES > this.recEnd[c]) return this.fail(c, EIO);
    const r = this.needOr(c, pos, TLV_HEADER_BYTES);
    if (r !== HAVE) return r;
    const tag = this.u8(pos) | (this.u8(pos + 1) << 8);
    const len = this.u32(pos + 2);
    this.used(pos, TLV_HEADER_BYTES);
    if (pos + TLV_HEADER_BYTES + len > this.recEnd[c]) return this.fail(c, EIO);
    this.tlvTag[c] = tag;
    this.tlvLen[c] = len;
    this.phase[c] = PH_TLV_VALUE;
    return HAVE;
  }

  /** Note where the values this call needs are; skip the rest. */
  private phaseTlvValue(c: number): number {
    const val = this.tlvPos[c] + TLV_HEADER_BYTES;
    const len = this.tlvLen[c];
    switch (this.tlvTag[c]) {
      case TAG_NODE_TYPE: {
        if (len !== 1) return this.fail(c, EIO);
        const r = this.needOr(c, val, 1);
        if (r !== HAVE) return r;
        this.ntype[c] = this.u8(val);
        this.used(val, 1);
        break;
      }
      case TAG_CONTENT:
        this.contentOff[c] = val;
        this.contentLen[c] = len;
        break;
      case TAG_DIRECTORY_ENTRIES:
        this.entPos[c] = val;
        this.entEnd[c] = val + len;
        break;
    }
    this.tlvPos[c] = val + len;
    this.phase[c] = PH_TLV;
    return HAVE;
  }

  /** The record is scanned: descend into the directory, or open the file at the end of the path. */
  private recordDone(c: number): number {
    const comps = this.pathOf(c);
    if (this.comp[c] < comps.length) {
      if (this.ntype[c] !== NODE_DIRECTORY || this.entPos[c] < 0) return this.fail(c, ENOENT);
      this.phase[c] = PH_DIRENT;
      return HAVE;
    }
    // The end of the path: open it.
    if (this.ntype[c] !== NODE_FILE) return this.fail(c, EINVAL);
    let fd = FIRST_FD;
    const row = this.fileRow[c] * MAX_FDS;
    const limit = this.fdLimit[c];
    while (fd < limit && this.fdOpen[row + fd] === 1) fd++;
    if (fd === limit) return this.fail(c, EMFILE);
    const f = row + fd;
    this.fdOpen[f] = 1;
    this.rowOpen[(f / MAX_FDS) | 0]++;
    this.fdInode[f] = this.inode[c];
    this.fdContent[f] = this.contentOff[c] < 0 ? 0 : this.contentOff[c];
    this.fdSize[f] = this.contentOff[c] < 0 ? 0 : this.contentLen[c];
    this.fdPos[f] = 0;
    this.finish(c, fd);
    return OUTSIDE;
  }

  /** Read one directory entry header {name_len, child_inode}. */
  private phaseDirent(c: number): number {
    const pos = this.entPos[c];
    if (pos >= this.entEnd[c]) return this.fail(c, ENOENT);
    if (pos + DIRENT_HEADER_BYTES > this.entEnd[c]) return this.fail(c, EIO);
    const r = this.needOr(c, pos, DIRENT_HEADER_BYTES);
    if (r !== HAVE) return r;
    const nameLen = this.u32(pos);
    const child = this.u32(pos + 4);
    this.used(pos, DIRENT_HEADER_BYTES);
    if (nameLen === 0 || nameLen > MAX_NAME_BYTES || pos + DIRENT_HEADER_BYTES + nameLen > this.entEnd[c]) return this.fail(c, EIO);
    this.nameLen[c] = nameLen;
    this.child[c] = child;
    this.phase[c] = PH_NAME;
    return HAVE;
  }

  /** Compare the entry's name with the next path component. */
  private phaseName(c: number): number {
    const pos = this.entPos[c] + DIRENT_HEADER_BYTES;
    const len = this.nameLen[c];
    const r = this.needOr(c, pos, len);
    if (r !== HAVE) return r;
    const want = this.pathOf(c)[this.comp[c]];
    let match = want.length === len;
    for (let i = 0; match && i < len; i++) if (this.u8(pos + i) !== want[i]) match = false;
    this.used(pos, len);
    if (match) {
      this.inode[c] = this.child[c];
      this.comp[c]++;
      this.phase[c] = PH_ENTRY;
    } else {
      this.entPos[c] = pos + len;
      this.phase[c] = PH_DIRENT;
    }
    return HAVE;
  }

  /** read: copy the requested range (≤ 4096 bytes, ≤ 2 blocks) out of the cache. */
  private phaseRead(c: number): number {
    const f = this.fileRow[c] * MAX_FDS + this.argFd[c];
    const n = this.argLen[c];
    const off = this.fdContent[f] + this.argOff[c];
    const r = this.needOr(c, off, n);
    if (r !== HAVE) return r;
    // Copy block by block out of the cache.
    const base = c * MAX_READ;
    for (let i = 0; i < n; ) {
      const within = (off + i) % FS_BLOCK_BYTES;
      const k = Math.min(FS_BLOCK_BYTES - within, n - i);
      const src = this.cache.offsetOf(this.cache.peek(Math.floor((off + i) / FS_BLOCK_BYTES))) + within;
      this.readBuf.set(this.cache.data.subarray(src, src + k), base + i);
      i += k;
    }
    this.used(off, n);
    this.readLen[c] = n;
    this.readCalls++;
    this.readBytes += n;
    this.fdPos[f] += n;
    this.m.probe(P_FS_READ, c, this.callPos[c], n);
    this.finish(c, n);
    return OUTSIDE;
  }

  /** write: read-modify-write the next block the range spans (kernel.md §3.2). */
  private phaseWriteBlock(c: number): number {
    const f = this.fileRow[c] * MAX_FDS + this.argFd[c];
    const done = this.wDone[c];
    if (done >= this.wTotal[c]) {
      this.fdPos[f] += this.wTotal[c];
      this.m.probe(P_FS_WRITE, c, this.callPos[c], this.wTotal[c]);
      this.finish(c, this.wTotal[c]);
      return OUTSIDE;
    }
    const off = this.fdContent[f] + this.callPos[c] + done;
    const block = Math.floor(off / FS_BLOCK_BYTES);
    const chunk = Math.min(FS_BLOCK_BYTES - (off % FS_BLOCK_BYTES), this.wTotal[c] - done);
    const r = this.needOr(c, block * FS_BLOCK_BYTES, FS_BLOCK_BYTES);
    if (r !== HAVE) return r;
    const i = this.cache.peek(block);
    const dst = this.cache.offsetOf(i) + (off % FS_BLOCK_BYTES);
    const src = c * MAX_WRITE + done;
    for (let k = 0; k < chunk; k++) this.cache.data[dst + k] = this.writeSrc[src + k];
    this.wChunk[c] = chunk;
    this.phase[c] = PH_WRITE_WAIT;
    this.cache.writeThrough(i, c);
    return WAIT;
  }

  /** The block write completed (an error ends the call through `ioError`). */
  private phaseWriteWait(c: number): number {
    this.wDone[c] += this.wChunk[c];
    this.phase[c] = PH_WRITE_BLOCK;
    return HAVE;
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
    }
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
}
