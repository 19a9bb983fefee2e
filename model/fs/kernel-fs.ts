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
import { EBADF, EINVAL, EIO, FIRST_FD, MAX_FDS } from '../proc/abi.js';
import { PH_MOUNT, PH_ENTRY, PH_READ, PH_WRITE_BLOCK, E_FS_CONTINUE, E_FS_RETURN, type FsCallSink } from './kernel-fs-state.js';
import { OP_MOUNT, OP_OPEN, OP_READ, OP_LSEEK, OP_WRITE, OP_CLOSE, SEEK_SET, SEEK_CUR, SEEK_END, MAX_READ, MAX_WRITE } from './fs-call-abi.js';
import { KernelFsWalk } from './kernel-fs-walk.js';
import { eventTable } from '../../sim/event-table.js';
import { P_FS_CALL_END, P_FS_CALL_START } from '../probes.js';
import { WAKE_EIO, type CacheClient } from './buffer-cache.js';
import { ROOT_INODE } from './format.js';

/** The file-system call port the process layer's syscalls and loader use. */
export type FsCallPort = Pick<KernelFs, 'clients' | 'fileRow' | 'fdLimit' | 'loaderRead' | 'readBuf' | 'writeSrc' | 'writePages' | 'openPath' | 'read' | 'write' | 'closeNow' | 'seekNow'>;

export class KernelFs extends KernelFsWalk implements CacheClient {
  // =====================================================================================
  // Calls
  // =====================================================================================

  /** `arg`: what the caller asked for, for the checks (the length of a read). */
  protected start(c: number, op: number, arg = 0): void {
    this.op[c] = op;
    this.ioError[c] = 0;
    this.probes.add(P_FS_CALL_START, c, op, arg);
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


  read(c: number, fd: number, len: number): void {
    this.start(c, OP_READ, len);
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
  protected seekFile(f: number, offset: number, whence: number): number {
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

  protected fdIndex(c: number, fd: number): number {
    if (!Number.isInteger(fd) || fd < FIRST_FD || fd >= this.fdLimit[c]) return -1;
    const f = this.fileRow[c] * MAX_FDS + fd;
    return this.fdOpen[f] === 1 ? f : -1;
  }

  /** Ends the call: the result reaches the caller in its own event. */
  protected finish(c: number, result: number): void {
    // eclipse-b returns −1 for every error (kernel.md §4.3).
    const r = result < 0 && !this.reference ? -1 : result;
    this.probes.add(P_FS_CALL_END, c, this.op[c], r);
    this.op[c] = 0;
    this.phase[c] = 0;
    this.engine.after(1, E_FS_RETURN, c, r);
  }


  // =====================================================================================
  // Suspension
  // =====================================================================================

  /** CacheClient: a block `c` waited for arrived (or failed). */
  wake(c: number, outcome: number): void {
    if (outcome === WAKE_EIO) this.ioError[c] = 1;
    if (this.op[c] === 0 || this.wakePending[c] === 1) return;
    this.wakePending[c] = 1;
    this.engine.after(1, E_FS_CONTINUE, c, 0);
  }

  /** Results of calls go to `sink`. */
  connect(sink: FsCallSink): void {
    this.returns = sink;
  }

  /** E_FS_RETURN: the caller of client `c`'s call gets `result`. */
  deliverReturn(c: number, result: number): void {
    // The caller takes the read's bytes now: from here on they are dead (readLen says so).
    this.readLen[c] = 0;
    this.returns!.returned(c, result);
  }

  /** E_FS_CONTINUE. */
  resume(c: number): void {
    this.wakePending[c] = 0;
    if (this.op[c] !== 0) this.run(c);
  }

  /** Are partition bytes [off, off+len) all in valid buffers? Requests what is missing. */
}


export const KERNEL_FS_EVENTS = eventTable<KernelFs>('fs', [
  [E_FS_CONTINUE, 'fs.continue', (k, a) => k.resume(a), ['client', '']],
  [E_FS_RETURN, 'fs.return', (k, a, b) => k.deliverReturn(a, b), ['client', 'returned']],
]);

