/**
 * File-system invariants, S-FS-01…05 and L-FS-01 (invariants.md "File system"; kernel.md §3).
 *
 * What it verifies:
 * - S-FS-01/02: fsck of the partition as it is on the disk, at mount, after every completed block
 *   write, and after a power loss.
 * - S-FS-03: every open and read through the kernel path against an independent host-side parser
 *   (HostReader) of the expected image: the initial image with every completed block write applied.
 *   Not on an image fsck finds damaged before the run starts (S-FS-01/02 report that at mount).
 * - S-FS-04: a buffer becomes valid only in the step an OK completion for its request arrives; at
 *   most one device request per block; a buffer with a request in flight is never recycled.
 * - S-FS-05: after a power loss every sector of the partition holds either what the last completed
 *   write put there or what the write in flight at that moment was writing (torn at sector
 *   granularity), and the partition still passes fsck.
 * - L-FS-01: every call returns within its bound after the last fault settled.
 *
 * What it does not verify: the meaning of a read that failed (an error is allowed under faults; the
 * caller sees it), and timing of individual block reads (checks/virtqueue-progress.ts does).
 */
import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import { fsck } from '../model/fs/host/fsck.js';
import { HostReader } from '../model/fs/host/host-reader.js';
import { FS_BLOCK_BYTES, NODE_FILE } from '../model/fs/format.js';
import { MAX_FDS } from '../model/proc/abi.js';
import { MAX_READ, OP_CLOSE, OP_LSEEK, OP_NAMES, OP_OPEN, OP_READ } from '../model/fs/fs-call-abi.js';
import { SparseDisk } from '../model/disk/sparse-disk.js';
import { SECTOR_BYTES, VIRTIO_BLK_T_OUT } from '../model/virtio/constants.js';
import { R_OK } from '../model/block/block-port.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
import type { StateDecl } from '../sim/state-walk.js';
import { CheckFamilyBase, type CheckInfo, type ProbeHandler } from './check.js';

const fs = (id: string, kind: 'safety' | 'progress', title: string): CheckInfo => ({ id, subsystem: 'file system', kind, title });

export const FS_CHECKS: readonly CheckInfo[] = [
  fs('S-FS-01', 'safety', 'header: magic, version 2.0, table offset and size, inode count, all within the disk'),
  fs('S-FS-02', 'safety', 'structure (fsck): table, records, TLVs, entries, reachability, no cycles, NLINK'),
  fs('S-FS-03', 'safety', 'differential read: the kernel path returns what an independent host parser returns'),
  fs('S-FS-04', 'safety', 'buffer cache: valid only after an OK completion, one request per block, no recycling in use'),
  fs('S-FS-05', 'safety', 'crash consistency: after power loss the image passes fsck and completed writes survive'),
  fs('L-FS-01', 'progress', 'every file-system call eventually returns data or an error'),
];

const NONE = -1;

export class FsChecks extends CheckFamilyBase {
  /**
   * For the fingerprint audit: times relative to now (NONE, −1, stays as it is); the oracle is a
   * parse of `expected`, which is compared.
   */
  static override readonly stateDecl: StateDecl = {
    fixed: ['imageDamaged', 'partitionBytes', 'partitionStart'],
    dead: ['oracle'],
    times: ['lastEval', 'callStart'],
    // As the fingerprint: a client's offset only while it holds a file, its asked length only in a call.
    deadIf: {
      gPos: (f: FsChecks, c: number) => f.gFd[c] < 0,
      gAsk: (f: FsChecks, c: number) => f.callStart[c] === NONE,
    },
  };

  readonly checks = FS_CHECKS;
  private readonly expected: Uint8Array;
  private oracle: HostReader;
  private readonly partitionBytes: number;
  private readonly partitionStart: number;
  /** Per buffer: the block its request is for, or −1; whether its last completion was OK and not yet used. */
  private readonly reqBlock: Int32Array;
  private readonly completedOk: Uint8Array;
  /** Per partition block: device requests in flight. */
  private readonly inflight: Int32Array;
  private readonly callStart: Float64Array;
  /**
   * Per client, the ghost of its open file: the fd its open returned (−1: none), the offset it
   * is at (0 at open, + what each read or write returned, what lseek returned), and the length
   * its current read asked for — from the call probes, never the kernel's fd table or askLen.
   */
  private readonly gFd: Int32Array;
  private readonly gPos: Float64Array;
  private readonly gAsk: Int32Array;
  /**
   * Calls started and not yet returned. With none, L-FS-01 has nothing to look at, and the scan
   * (one client per process slot) is skipped.
   */
  private openCalls = 0;
  /**
   * Writes issued and not yet acknowledged to the cache, by block: the bytes being written. After a
   * power loss such a block may hold the old bytes, the new ones, or a sector-wise mix.
   */
  private readonly pending = new Map<number, Uint8Array>();
  private lastEval = -1;
  /**
   * fsck finds the image the run boots from damaged (a user's --image): S-FS-01/02 report that at
   * mount, and S-FS-03 does not judge how the kernel and the host parser each read around damage
   * (the format leaves it undefined: one may refuse a record the other accepts).
   */
  private readonly imageDamaged: boolean;

  constructor(m: Machine) {
    super(m);
    const image = m.image!;
    this.imageDamaged = fsck(image).findings.length > 0;
    this.partitionBytes = Math.ceil(image.length / FS_BLOCK_BYTES) * FS_BLOCK_BYTES;
    this.partitionStart = m.partitionStartBlock * FS_BLOCK_BYTES;
    this.expected = new Uint8Array(this.partitionBytes);
    this.oracle = new HostReader(this.expected);
    this.reqBlock = new Int32Array(m.cache!.slots);
    this.completedOk = new Uint8Array(m.cache!.slots);
    this.inflight = new Int32Array(this.partitionBytes / FS_BLOCK_BYTES);
    this.callStart = new Float64Array(m.kfs!.clients);
    this.gFd = new Int32Array(m.kfs!.clients);
    this.gPos = new Float64Array(m.kfs!.clients);
    this.gAsk = new Int32Array(m.kfs!.clients);
  }

  begin(): void {
    this.expected.set(this.m.image!);
    // The oracle parses `expected` once per run; file contents are views into it, so applying a
    // completed write to `expected` updates what the oracle returns.
    this.oracle = new HostReader(this.expected);
    this.perBoot();
  }

  private perBoot(): void {
    this.reqBlock.fill(NONE);
    this.completedOk.fill(0);
    this.inflight.fill(0);
    this.callStart.fill(NONE);
    this.gFd.fill(-1);
    this.gPos.fill(0);
    this.gAsk.fill(0);
    this.openCalls = 0;
    this.pending.clear();
    this.lastEval = -1;
  }


  private readonly handle: ProbeHandler = (kind, a, b, c) => this.onProbe(kind, a, b, c);

  afterStep(): Violation | null {
    const first = this.readStepProbes(this.handle);
    if (first) return first;
    const now = this.m.sim.now;
    if (now !== this.lastEval) {
      this.lastEval = now;
      return this.deadlines(now, false);
    }
    return null;
  }

  private onProbe(kind: number, a: number, b: number, c: number): Violation | null {
    const m = this.m;
    switch (kind) {
      case P.P_FS_MOUNT:
        return this.fsckDisk(a === 0 ? 'at mount' : 'after the kernel refused to mount it');
      case P.P_CACHE_REQUEST: {
        const twice = this.inflight[b] > 0;
        this.inflight[b]++;
        this.reqBlock[a] = b;
        if (c === VIRTIO_BLK_T_OUT) {
          const cache = m.cache!;
          this.pending.set(b, cache.data.slice(cache.offsetOf(a), cache.offsetOf(a) + FS_BLOCK_BYTES));
        }
        return twice ? this.fail('S-FS-04', `a second device request for block ${b} while one is in flight`) : null;
      }
      case P.P_COMPLETE:
        if (a < this.reqBlock.length && this.reqBlock[a] !== NONE) {
          this.inflight[this.reqBlock[a]]--;
          this.reqBlock[a] = NONE;
          this.completedOk[a] = c === R_OK ? 1 : 0;
        }
        return null;
      case P.P_CACHE_VALID: {
        const unearned = this.completedOk[a] !== 1;
        this.completedOk[a] = 0;
        if (c === 1) {
          // A completed write: the expected image now holds the block as written.
          const cache = m.cache!;
          this.expected.set(cache.data.subarray(cache.offsetOf(a), cache.offsetOf(a) + FS_BLOCK_BYTES), b * FS_BLOCK_BYTES);
          this.pending.delete(b);
        }
        if (unearned) return this.fail('S-FS-04', `buffer ${a} (block ${b}) became valid without an OK completion for it`);
        return c === 1 ? this.fsckDisk(`after the write of block ${b}`) : null;
      }
      case P.P_CACHE_INVALID:
        // A failed write: the device wrote nothing (an I/O error is decided before the transfer).
        this.pending.delete(b);
        return null;
      case P.P_CACHE_EVICT:
        if (this.reqBlock[a] !== NONE) return this.fail('S-FS-04', `buffer ${a} (block ${b}) was recycled with a device request in flight`);
        return null;
      case P.P_FS_CALL_START:
        if (this.callStart[a] === NONE) this.openCalls++;
        this.callStart[a] = m.sim.now;
        if (b === OP_READ) this.gAsk[a] = c;
        return null;
      case P.P_FS_CALL_END:
        if (this.callStart[a] !== NONE) this.openCalls--;
        this.callStart[a] = NONE;
        if (b === OP_OPEN && c >= 0) {
          this.gFd[a] = c;
          this.gPos[a] = 0;
        } else if (b === OP_LSEEK && c >= 0) this.gPos[a] = c;
        else if (b === OP_CLOSE && c >= 0) this.gFd[a] = -1;
        if (b === OP_OPEN && a < m.fsClients!.count) return this.openResult(a, c);
        return null;
      case P.P_FS_READ: {
        const at = this.gPos[a];
        this.gPos[a] = at + c;
        return this.readResult(a, b, c, at);
      }
      case P.P_FS_WRITE:
        this.gPos[a] += c;
        return null;
      case P.P_POWER_LOSS: {
        const v = this.crashConsistent();
        this.perBoot();
        return v;
      }
      default:
        return null;
    }
  }

  /** S-FS-01/02 on the partition as the disk holds it now. */
  private fsckDisk(when: string): Violation | null {
    const disk = this.m.disk as SparseDisk;
    const report = fsck(disk.slice(this.partitionStart, this.partitionBytes));
    if (report.findings.length === 0) return null;
    const f = report.findings[0];
    return this.fail(f.check, `fsck ${when}: ${f.message}${report.findings.length > 1 ? ` (and ${report.findings.length - 1} more)` : ''}`);
  }

  /** S-FS-03 for open: the kernel finds a file iff the host parser does (I/O errors aside). */
  private openResult(c: number, r: number): Violation | null {
    if (this.imageDamaged) return null;
    const m = this.m;
    const path = m.fsClients!.files.paths[m.fsClients!.file[c]];
    const node = this.oracle.lookup(path);
    const exists = node !== null && node.type === NODE_FILE;
    if (exists && r < 0 && m.faults.total === 0) return this.fail('S-FS-03', `open("${path}") failed with ${r}, but the image has that file`);
    if (!exists && r >= 0) return this.fail('S-FS-03', `open("${path}") returned fd ${r}, but the image has no such file`);
    return null;
  }

  /**
   * S-FS-03 for read: the bytes returned for (file, offset the caller is at, length asked). For a
   * workload client the offset is the ghost's (its open, reads, writes and seeks as their probes
   * returned them), so a kernel that reads from a wrong offset — or forgets to advance one — is
   * seen; `pos` is the offset the kernel says it read from. A process's file is known only by the
   * kernel's fd table (its inode) and the kernel's offset (fds are shared across fork and exec):
   * that part still reads the kernel's record.
   */
  private readResult(c: number, pos: number, n: number, ghostPos: number): Violation | null {
    if (this.imageDamaged) return null;
    const m = this.m;
    const kfs = m.kfs!;
    // A workload client names its file by path; a process's file is known by its inode.
    const workload = c < m.fsClients!.count;
    const at = workload ? ghostPos : pos;
    const ask = Math.min(this.gAsk[c], MAX_READ);
    const inode = workload ? 0 : kfs.fdInode[kfs.fileRow[c] * MAX_FDS + kfs.argFd[c]];
    const path = workload ? m.fsClients!.files.paths[m.fsClients!.file[c]] : `inode ${inode}`;
    const want = workload ? this.oracle.read(path, at, ask) : this.oracle.readInode(inode, at, ask);
    const where = at === pos ? `offset ${at}` : `offset ${at} (the kernel read from ${pos})`;
    if (!want) return this.fail('S-FS-03', `read of "${path}" returned ${n} bytes, but the host parser finds no such file`);
    if (want.length !== n) return this.fail('S-FS-03', `read of "${path}" at ${where} returned ${n} bytes; the host parser returns ${want.length}`);
    const base = c * MAX_READ;
    for (let i = 0; i < n; i++) {
      if (kfs.readBuf[base + i] !== want[i]) return this.fail('S-FS-03', `read of "${path}" at ${where}: byte ${i} is 0x${kfs.readBuf[base + i].toString(16)}, the host parser says 0x${want[i].toString(16)}`);
    }
    return null;
  }

  /**
   * S-FS-05 at a power loss: every sector holds the last acknowledged write's bytes, or belongs to
   * a write issued and not yet acknowledged and holds its new bytes (torn at sector granularity).
   * What the disk holds for such blocks then becomes the truth the next boot must read.
   */
  private crashConsistent(): Violation | null {
    const m = this.m;
    const disk = m.disk as SparseDisk;
    const now = disk.slice(this.partitionStart, this.partitionBytes);
    for (let s = 0; s < this.partitionBytes / SECTOR_BYTES; s++) {
      const o = s * SECTOR_BYTES;
      let same = true;
      for (let i = 0; i < SECTOR_BYTES && same; i++) if (now[o + i] !== this.expected[o + i]) same = false;
      if (same) continue;
      const block = Math.floor(o / FS_BLOCK_BYTES);
      const data = this.pending.get(block);
      let explained = data !== undefined;
      const within = o - block * FS_BLOCK_BYTES;
      for (let i = 0; i < SECTOR_BYTES && explained; i++) if (now[o + i] !== data![within + i]) explained = false;
      if (!explained) return this.fail('S-FS-05', `after power loss, sector ${s} of the partition (block ${block}) holds neither the last completed write nor a write in flight`);
    }
    for (const block of this.pending.keys()) this.expected.set(now.subarray(block * FS_BLOCK_BYTES, (block + 1) * FS_BLOCK_BYTES), block * FS_BLOCK_BYTES);
    return this.fsckDisk('after power loss');
  }

  private deadlines(now: number, quiescent: boolean): Violation | null {
    const m = this.m;
    const bound = m.params.fs!.callBoundMicros;
    const settle = m.faults.settleUntil;
    if (this.openCalls === 0) return null;
    for (let c = 0; c < this.callStart.length; c++) {
      const t = this.callStart[c];
      if (t === NONE) continue;
      const op = OP_NAMES[m.kfs!.op[c]] || 'call';
      if (quiescent && this.selected('L-FS-01')) return this.fail('L-FS-01', `the run ended with client ${c}'s ${op} (started at ${t} µs) never returning`);
      if ((t > settle ? t : settle) + bound < now) return this.fail('L-FS-01', `client ${c}'s ${op}, started at ${t} µs, did not return within ${bound} µs`);
    }
    return null;
  }

  atEnd(quiescent: boolean): Violation | null {
    return this.deadlines(this.m.sim.now, quiescent);
  }

  fingerprint(h: Hasher64, now: number): void {
    for (let i = 0; i < this.reqBlock.length; i++) h.int(this.reqBlock[i] * 2 + this.completedOk[i]);
    for (let c = 0; c < this.callStart.length; c++) {
      h.num(this.callStart[c] === NONE ? 0 : now - this.callStart[c] + 1);
      h.int(this.gFd[c]);
      if (this.gFd[c] >= 0) h.num(this.gPos[c]);
      if (this.callStart[c] !== NONE) h.int(this.gAsk[c]);
    }
    // The expected image changes only by completed writes, which the disk hash already reflects.
  }
}
