/**
 * File system calls (kernel.md §4.3: open, read, write, close, lseek) over the kernel's EclipseFS
 * path, and the return of every file-system call a process is blocked in (as xv6's sysfile.c).
 */
import { Scheduler, K_NONE, K_OPEN, K_READ, K_WRITE, K_EXEC_OPEN, K_EXEC_READ } from './scheduler.js';
import { MAX_READ, MAX_WRITE, SEEK_CUR, SEEK_SET } from '../fs/fs-call-abi.js';
import { C_KILL_FS_DIES_ON_RETURN } from '../coverage.js';
import * as P from '../probes.js';
import * as A from './abi.js';
import { B_FS, B_NONE } from './process-table.js';

export abstract class FileSyscalls extends Scheduler {
  protected fdOk(s: number, fd: number): number {
    if (!Number.isInteger(fd) || fd < A.FIRST_FD || fd >= A.MAX_FDS) return -1;
    return this.t.fds[s * A.MAX_FDS + fd];
  }

  protected sysWrite(s: number, fd: number, buf: number, len: number): void {
    if (!Number.isSafeInteger(len) || len < 0) return this.resume(s, this.err(A.EINVAL));
    if (fd === 1 || fd === 2) {
      if (this.badPtr(s, buf, len, false)) return this.resume(s, this.err(A.EFAULT));
      this.consoleBytes += len;
      return this.resume(s, len);
    }
    const ofd = this.fdOk(s, fd);
    if (ofd < 0) return this.resume(s, this.err(A.EBADF));
    const n = Math.min(len, MAX_WRITE);
    if (this.badPtr(s, buf, n, false)) return this.resume(s, this.err(A.EFAULT));
    const c = this.kfsBase + s;
    this.mem.copyIn(s, buf, n, this.kfs.writeSrc, c * MAX_WRITE);
    this.kfs.writePages.touch(c * MAX_WRITE, n);
    this.kop[s] = K_WRITE;
    this.blockRunning(s, B_FS);
    this.kfs.write(c, ofd, n);
  }

  protected sysRead(s: number, fd: number, buf: number, len: number): void {
    if (!Number.isSafeInteger(len) || len < 0) return this.resume(s, this.err(A.EINVAL));
    if (fd === 0) return this.resume(s, 0); // end of input
    const ofd = this.fdOk(s, fd);
    if (ofd < 0) return this.resume(s, this.err(A.EBADF));
    if (this.badPtr(s, buf, Math.min(len, MAX_READ), true)) return this.resume(s, this.err(A.EFAULT));
    this.kop[s] = K_READ;
    this.kbuf[s] = buf;
    this.blockRunning(s, B_FS);
    this.kfs.read(this.kfsBase + s, ofd, len);
  }

  /** open, or the first part of exec_path: look the path up through the file system. */
  protected sysOpen(s: number, ptr: number, len: number, op: number): void {
    if (!Number.isSafeInteger(len) || len < 1 || len > A.MAX_PATH) return this.resume(s, this.err(A.EINVAL));
    if (this.badPtr(s, ptr, len, false)) return this.resume(s, this.err(A.EFAULT));
    if (op === K_OPEN && this.freeFd(s) < 0) return this.resume(s, this.err(A.EMFILE));
    const path = new Uint8Array(len);
    this.mem.copyIn(s, ptr, len, path, 0);
    this.kop[s] = op;
    this.klen[s] = 0;
    this.blockRunning(s, B_FS);
    this.kfs.openPath(this.kfsBase + s, splitPath(path));
  }

  protected freeFd(s: number): number {
    for (let fd = A.FIRST_FD; fd < A.MAX_FDS; fd++) if (this.t.fds[s * A.MAX_FDS + fd] < 0) return fd;
    return -1;
  }

  protected sysClose(s: number, fd: number): number {
    const ofd = this.fdOk(s, fd);
    if (ofd < 0) return this.err(A.EBADF);
    this.t.fds[s * A.MAX_FDS + fd] = -1;
    this.releaseOfd(ofd);
    return 0;
  }

  protected releaseOfd(ofd: number): void {
    this.ofdRefs[ofd]--;
    this.probes.add(P.P_PROC_OFD_REF, ofd, this.ofdRefs[ofd], 0);
    if (this.ofdRefs[ofd] === 0) this.kfs.closeNow(this.kfsBase, ofd);
  }

  protected sysLseek(s: number, fd: number, offset: number, whence: number): number {
    const ofd = this.fdOk(s, fd);
    if (ofd < 0) return this.err(A.EBADF);
    // kernel.md §4.3: SET and CUR.
    if (whence !== SEEK_SET && whence !== SEEK_CUR) return this.err(A.EINVAL);
    const r = this.kfs.seekNow(this.kfsBase + s, ofd, offset, whence);
    return r < 0 ? this.err(-r) : r;
  }

  /** E_FS_RETURN for a process's file-system call. */
  fsReturned(s: number, r: number): void {
    const t = this.t;
    const c = this.kfsBase + s;
    switch (this.kop[s]) {
      case K_OPEN: {
        this.kop[s] = K_NONE;
        if (r < 0) return this.fsDone(s, r);
        const fd = this.freeFd(s);
        if (fd < 0) {
          this.kfs.closeNow(c, r);
          return this.fsDone(s, this.err(A.EMFILE));
        }
        t.fds[s * A.MAX_FDS + fd] = r;
        this.ofdRefs[r] = 1;
        this.probes.add(P.P_PROC_OFD_REF, r, 1, 0);
        return this.fsDone(s, fd);
      }
      case K_READ:
        this.kop[s] = K_NONE;
        // eclipse-b copies without looking where (unmapped bytes are lost); reference checked.
        if (r > 0) this.mem.copyOut(s, this.kbuf[s], this.kfs.readBuf, c * MAX_READ, r);
        return this.fsDone(s, r);
      case K_WRITE:
        this.kop[s] = K_NONE;
        return this.fsDone(s, r);
      case K_EXEC_OPEN:
        if (r < 0) {
          this.kop[s] = K_NONE;
          return this.execDone(s, r);
        }
        this.kfd[s] = r;
        this.kop[s] = K_EXEC_READ;
        this.klen[s] = 0;
        this.kfs.loaderRead[c] = 1;
        this.kfs.read(c, r, MAX_READ);
        return;
      case K_EXEC_READ:
        if (r > 0) {
          const room = A.MAX_ELF_FILE - this.klen[s];
          this.execBuf.set(this.kfs.readBuf.subarray(c * MAX_READ, c * MAX_READ + Math.min(r, room)), s * A.MAX_ELF_FILE + this.klen[s]);
          this.execPages.touch(s * A.MAX_ELF_FILE + this.klen[s], Math.min(r, room));
          this.klen[s] += Math.min(r, room);
          if (room > r) {
            this.kfs.read(c, this.kfd[s], MAX_READ);
            return;
          }
        }
        this.kop[s] = K_NONE;
        this.kfs.loaderRead[c] = 0;
        this.kfs.closeNow(c, this.kfd[s]);
        if (r < 0) return this.execDone(s, r);
        return this.execDone(s, this.load(s, this.execBuf.subarray(s * A.MAX_ELF_FILE, s * A.MAX_ELF_FILE + this.klen[s])));
      default:
        throw new Error(`file-system return for slot ${s} with no call in progress`);
    }
  }

  /** A blocking file-system call is over: deliver a kill that came meanwhile, or wake. */
  protected fsDone(s: number, r: number): void {
    if (this.t.killPending[s] !== 0) {
      const sig = this.t.killPending[s];
      this.t.killPending[s] = 0;
      this.t.block[s] = B_NONE;
      this.cov.hit(C_KILL_FS_DIES_ON_RETURN);
      return this.terminate(s, sig);
    }
    this.wake(s, r);
  }

  /** exec_path finished reading and loading (or failed); init's load at boot ends here too. */

  // The loader's continuation of exec_path and of init's load (exec.ts).
  protected abstract execDone(s: number, r: number): void;
  protected abstract initLoaded(r: number): void;
  protected abstract load(s: number, bytes: Uint8Array): number;
  protected abstract terminate(s: number, sig: number, status?: number): void;
}

export function splitPath(path: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  let start = 0;
  for (let i = 0; i <= path.length; i++) {
    if (i === path.length || path[i] === 0x2f) {
      if (i > start) out.push(path.subarray(start, i));
      start = i + 1;
    }
  }
  return out;
}

