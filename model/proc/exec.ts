/**
 * exec and the ELF loader (kernel.md §4.2, §4.3), and boot's load of /sbin/init through the same
 * loader (kernel.md §1), as xv6's exec.c.
 */
import { K_EXEC_OPEN, E_TIMER_TICK } from './scheduler.js';
import { FileSyscalls, splitPath } from './file-syscalls.js';
import { F_FRAME_SHORTAGE, F_SLOW_START } from '../faults.js';
import * as P from '../probes.js';
import * as A from './abi.js';
import { parseElf } from './elf.js';
import { SCRATCH } from './memory.js';
import { B_FS, B_NONE } from './process-table.js';
import { PROGRAMS, programElf, programIndex } from './programs/registry.js';
import { SHIPPED_NAMES } from '../init/service-protocol.js';

/** Boot outcome (bootFailure of the machine). */
export const BOOT_INIT_MISSING = -100;
export const BOOT_INIT_BAD = -101;

const INIT_PATH = '/sbin/init';

export abstract class Loader extends FileSyscalls {
  // ===========================================================================================
  // Boot (kernel.md §1): PID 0 in slot 0, then /sbin/init loaded through the file system.
  // ===========================================================================================

  /** The root is mounted: create PID 0 and start loading init. */
  boot(): void {
    const t = this.t;
    t.pid[0] = 0;
    t.ppid[0] = 0;
    t.state[0] = A.PS_RUNNING;
    this.running = 0;
    this.probes.add(P.P_PROC_SPAWN, 0, 0, 0);
    const s = 1;
    t.pid[s] = t.nextPid++;
    t.ppid[s] = 0;
    t.state[s] = A.PS_BLOCKED;
    t.block[s] = B_FS;
    this.probes.add(P.P_PROC_SPAWN, t.pid[s], 0, s);
    this.kop[s] = K_EXEC_OPEN;
    this.klen[s] = 0;
    this.booting = 1;
    this.kfs.openPath(this.kfsBase + s, splitPath(new TextEncoder().encode(INIT_PATH)));
  }

  /** init's image is loaded (or not): start the clock, or fail the boot. */
  protected initLoaded(r: number): void {
    this.booting = 0;
    if (r < 0) {
      this.bootFailed(r === -A.ENOENT || r === -1 ? BOOT_INIT_MISSING : BOOT_INIT_BAD);
      this.t.state[1] = A.PS_FREE;
      return;
    }
    this.t.block[1] = B_NONE;
    this.makeReady(1);
    this.engine.after(this.p.tickMicros, E_TIMER_TICK, 0, 0);
  }


  protected execDone(s: number, r: number): void {
    const t = this.t;
    if (this.booting === 1 && s === 1) return this.initLoaded(r);
    // kfs and load already answer in the profile's terms (exec_path is reference only).
    this.fsDone(s, r < 0 ? r : 0);
  }

  protected sysExec(s: number, ptr: number, len: number): void {
    if (!Number.isSafeInteger(len) || len <= 0 || len > A.MAX_EXEC_LEN) return this.resume(s, this.err(A.EINVAL));
    if (this.badPtr(s, ptr, len, false)) return this.resume(s, this.err(A.EFAULT));
    // The model's programs are a few KiB; its loader buffer holds MAX_ELF_FILE.
    if (len > A.MAX_ELF_FILE) return this.resume(s, this.err(A.ENOMEM));
    const at = s * A.MAX_ELF_FILE;
    this.mem.copyIn(s, ptr, len, this.execBuf, at);
    this.execPages.touch(at, len);
    const r = this.load(s, this.execBuf.subarray(at, at + len));
    if (r < 0) return this.resume(s, this.err(-r));
    this.resume(s, 0);
  }

  /**
   * Loads an ELF image into slot s (kernel.md §4.2): validate, build the new address space aside,
   * then switch. All or nothing: on failure the old image is intact and nothing leaks. Returns 0,
   * or −errno.
   */
  protected load(s: number, bytes: Uint8Array): number {
    const t = this.t;
    const mem = this.mem;
    this.probes.add(P.P_PROC_EXEC_START, t.pid[s], 0, 0);
    const r = this.build(bytes);
    if (r.error !== 0) {
      mem.unmapAll(SCRATCH);
      this.probes.add(P.P_PROC_EXEC, t.pid[s], -r.error, 0);
      return -r.error;
    }
    mem.unmapAll(s);
    mem.moveMap(SCRATCH, s);
    t.program[s] = r.program;
    t.progState[s] = PROGRAMS[r.program].start();
    t.last[s] = 0;
    this.hung[s] = 0;
    if (PROGRAMS[r.program].service && this.faults.strike(F_SLOW_START, this.p.slowStartMicros + this.hangRecovery(), t.pid[s])) t.burstLeft[s] = this.p.slowStartMicros;
    this.probes.add(P.P_PROC_EXEC, t.pid[s], 0, r.program);
    return 0;
  }

  protected build(bytes: Uint8Array): { error: number; program: number } {
    const mem = this.mem;
    const parsed = parseElf(bytes);
    if (!parsed.ok) return { error: A.ENOEXEC, program: -1 };
    const img = parsed.image;
    const program = img.name === null ? -1 : programIndex(img.name);
    if (program < 0) return { error: A.ENOEXEC, program: -1 };
    // Pages needed: every PT_LOAD's pages (parseElf refused overlaps) and one stack page.
    let pages = 1;
    for (const seg of img.segments) {
      if (seg.memsz === 0) continue;
      const first = Math.floor(seg.vaddr / A.PAGE);
      const last = Math.floor((seg.vaddr + seg.memsz - 1) / A.PAGE);
      if (last >= A.STACK_PAGE / A.PAGE && first <= A.STACK_PAGE / A.PAGE) return { error: A.ENOEXEC, program: -1 };
      pages += last - first + 1;
    }
    if (pages > A.MAX_PAGES) return { error: A.ENOMEM, program: -1 };
    // (The frame-shortage fault spares init's load at boot: the pool is untouched then.)
    if (mem.freeCount < pages || (this.booting === 0 && this.faults.strike(F_FRAME_SHORTAGE, this.p.reapBoundMicros, 1))) return { error: A.ENOMEM, program: -1 };
    mem.pageCount[SCRATCH] = 0;
    for (const seg of img.segments) {
      if (seg.memsz === 0) continue;
      const first = Math.floor(seg.vaddr / A.PAGE);
      const last = Math.floor((seg.vaddr + seg.memsz - 1) / A.PAGE);
      for (let vp = first; vp <= last; vp++) mem.map(SCRATCH, vp, mem.allocFrame(), (seg.flags & 2) !== 0);
      // File bytes, then zeros (fresh frames are zero).
      for (let i = 0; i < seg.filesz; i++) {
        const b = bytes[seg.offset + i];
        if (b !== 0) mem.writeByte(SCRATCH, seg.vaddr + i, b);
      }
    }
    mem.map(SCRATCH, A.STACK_PAGE / A.PAGE, mem.allocFrame(), true);
    return { error: 0, program };
  }

  protected getServiceBinary(s: number, id: number, outPtr: number, outLenPtr: number): number {
    if (!Number.isInteger(id) || id < 0 || id >= A.SERVICE_NAMES.length) return this.err(A.EINVAL);
    const elf = programElf(SHIPPED_NAMES[id]);
    if (this.badPtr(s, outPtr, elf.length, true) || this.badPtr(s, outLenPtr, 8, true)) return this.err(A.EFAULT);
    this.mem.copyOut(s, outPtr, elf, 0, elf.length);
    this.mem.writeU32(s, outLenPtr, elf.length);
    this.mem.writeU32(s, outLenPtr + 4, 0);
    return 0;
  }

}
