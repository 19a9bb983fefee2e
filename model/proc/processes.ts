/**
 * Processes (kernel.md §4): one CPU, the scheduler, fork / exec / exit / wait / kill, and the
 * system-call boundary (§4.3), for both profiles.
 *
 * Time: a timer interrupt every `tickMicros`; every 10th runs the scheduler (the only time slice).
 * The running process takes one action per CPU step (an event `stepMicros` later, one option
 * chosen per step): a syscall, a load, a store, a crash, or a compute burst of several steps.
 * Timer and device interrupts fall between steps, and when they are due at the same instant the
 * chooser orders them. A syscall runs inside its step, so it is never preempted; one that must
 * wait (a file-system call, wait) blocks the process and the CPU goes to the next in the ring.
 *
 * File-system syscalls go through the kernel's EclipseFS path (model/fs/kernel-fs.ts): each
 * process slot is a client of it, and all process clients share one row of its fd table, which is
 * the kernel's table of open file descriptions: a process fd names one of them, fork shares them
 * (reference, reference-counted), and the last close releases it.
 *
 * PID 0 is the kernel's own loop (slot 0): an ordinary member of the round robin that, when it
 * runs, halts until the next interrupt. init (PID 1) is loaded from /sbin/init at boot.
 */
import { label } from '../../sim/labels.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { Engine } from '../../sim/engine.js';
import { eventTable } from '../../sim/event-table.js';
import type { ModelContext, ProbeSink } from '../context.js';
import type { PowerLossSite } from '../power.js';
import type { MutantSet } from '../mutants.js';
import { F_CRASH, F_FRAME_SHORTAGE, F_HANG, F_SLOW_START, type Faults } from '../faults.js';
import { Ipc, type ProcessPort } from '../ipc/ipc.js';
import { MAX_READ, MAX_WRITE, SEEK_CUR, SEEK_SET, type FsCallPort } from '../fs/kernel-fs.js';
import type { ProcParams } from '../params.js';
import * as P from '../probes.js';
import * as A from './abi.js';
import { parseElf } from './elf.js';
import { Memory, SCRATCH } from './memory.js';
import { B_FS, B_NONE, B_RECV, B_WAIT, ProcessTable } from './process-table.js';
import { A_COMPUTE, A_CRASH, A_LOAD, A_STORE, newAction, type Action, type ProgramEnv } from './programs/program.js';
import { PROGRAMS, programElf, programIndex } from './programs/registry.js';
import { SHIPPED_NAMES } from './programs/service-protocol.js';

const L_STEP = label('cpu.step-time');

// The CPU's and the timer's events (kinds are machine-wide; see sim/event-table.ts).
export const E_CPU_STEP = 28; // a = process slot, b = pid: the running process's next action
export const E_TIMER_TICK = 29; // IRQ0

/** The kernel operation a process blocked in a file-system call is in. */
const K_NONE = 0;
const K_OPEN = 1;
const K_READ = 2;
const K_WRITE = 3;
const K_EXEC_OPEN = 4;
const K_EXEC_READ = 5;

/** Boot outcome (bootFailure of the machine). */
export const BOOT_INIT_MISSING = -100;
export const BOOT_INIT_BAD = -101;

const INIT_PATH = '/sbin/init';

export class Processes implements ProcessPort {
  readonly t = new ProcessTable();
  readonly mem: Memory;
  /** The slot on the CPU. */
  running = 0;
  ticks = 0;
  /** init is being loaded from the disk. */
  booting = 0;
  /** The workload is over (init idle, nothing else alive): the timer stops and the run ends. */
  halted = 0;
  /** Bytes written to the console (statistics). */
  consoleBytes = 0;
  /** Program steps executed (statistics, for the bench). */
  programSteps = 0;
  // Per slot: the kernel operation of a blocked file-system call, and its arguments.
  readonly kop = new Uint8Array(A.MAX_PROCS);
  readonly kfd = new Int32Array(A.MAX_PROCS);
  readonly kbuf = new Float64Array(A.MAX_PROCS);
  readonly klen = new Int32Array(A.MAX_PROCS);
  /** Open file descriptions (fds of the shared kfs row): how many process fds name each. */
  readonly ofdRefs = new Int32Array(A.OPEN_FILES);
  /** exec_path's kernel buffer, per slot. */
  private readonly execBuf = new Uint8Array(A.MAX_PROCS * A.MAX_ELF_FILE);
  private readonly action: Action = newAction();
  readonly ipc: Ipc;
  /** A hung process (F_HANG): alive, burning CPU, never taking another program step. */
  readonly hung = new Uint8Array(A.MAX_PROCS);
  private readonly env: ProgramEnv;
  private readonly reference: boolean;
  private readonly noReparent: boolean;
  private readonly forkFdNoIncref: boolean;

  private readonly engine: Engine;
  private readonly probes: ProbeSink;
  private readonly faults: Faults;
  private readonly mutants: MutantSet;

  constructor(
    ctx: ModelContext,
    private readonly kfs: FsCallPort,
    private readonly p: ProcParams,
    /** kfs client of slot 0; slot s is client kfsBase + s. */
    readonly kfsBase: number,
    /** Where power may fail at a timer tick (power-loss scenarios). */
    private readonly power: PowerLossSite,
    /** Boot failed: init is missing or cannot be loaded (BOOT_INIT_*). */
    private readonly bootFailed: (failure: number) => void,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.faults = ctx.faults;
    this.mutants = ctx.mutants;
    this.mem = new Memory(p.frames);
    this.reference = ctx.profile === 'reference';
    this.noReparent = this.mutants.noReparent;
    this.forkFdNoIncref = this.mutants.forkFdNoIncref;
    this.ipc = new Ipc(ctx, this, p.mailboxSize);
    this.env = { services: p.services, mutants: this.mutants };
    // Every process client uses the shared rows after the clients' own: one table of OPEN_FILES.
    for (let s = 0; s < A.MAX_PROCS; s++) {
      kfs.fileRow[kfsBase + s] = kfs.clients;
      kfs.fdLimit[kfsBase + s] = A.OPEN_FILES;
    }
  }

  begin(): void {
    this.t.begin();
    this.mem.begin();
    this.running = 0;
    this.ticks = 0;
    this.halted = 0;
    this.booting = 0;
    this.consoleBytes = 0;
    this.programSteps = 0;
    this.kop.fill(K_NONE);
    this.ofdRefs.fill(0);
    this.hung.fill(0);
    this.ipc.begin();
  }

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
  private initLoaded(r: number): void {
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

  // ===========================================================================================
  // CPU and scheduler (kernel.md §4.1)
  // ===========================================================================================

  /** E_TIMER_TICK: every 10th tick the running process goes to the back of the ring. */
  tick(): void {
    if (this.halted) return;
    this.ticks++;
    // Power may fail at any tick (power-loss scenarios); the machine reboots from the same disk.
    if (this.p.powerLossAtTick) this.power.maybeLosePower();
    // PID 0's loop: each interrupt wakes it to route IPC messages (eclipse-b), then it halts.
    if (this.running === 0) this.ipc.route();
    if (this.ticks % A.TICKS_PER_SLICE === 0) this.preempt();
    if (!this.halted) this.engine.after(this.p.tickMicros, E_TIMER_TICK, 0, 0);
  }

  private preempt(): void {
    const t = this.t;
    const s = this.running;
    if (s > 0 && t.stepDue[s] >= 0) {
      // Mid-burst: keep the CPU time it still needs.
      this.engine.cancel(E_CPU_STEP, s, t.pid[s]);
      t.burstLeft[s] = t.stepDue[s] - this.engine.now;
      t.stepDue[s] = -1;
    }
    this.reschedule();
  }

  /** The running process gives up the CPU (yield, time slice): back of the ring, next one in. */
  private reschedule(): void {
    const t = this.t;
    const s = this.running;
    // Both profiles requeue a process that was running; in eclipse-b a full ring drops it
    // silently (enqueue counts the drop), and S-PM-12 sees a Ready process in no queue.
    if (t.state[s] === A.PS_RUNNING) {
      t.state[s] = A.PS_READY;
      t.enqueue(s);
    }
    this.dispatchNext();
  }

  /** Takes the next process from the ring and gives it the CPU. */
  private dispatchNext(): void {
    const t = this.t;
    for (;;) {
      const s = t.dequeue();
      if (s < 0) {
        // Nothing runnable (cannot happen while PID 0 is in the round robin, but stay safe).
        this.running = 0;
        return;
      }
      // reference skips anything that is no longer Ready; eclipse-b runs what it dequeued.
      if (this.reference && t.state[s] !== A.PS_READY) continue;
      return this.dispatch(s);
    }
  }

  private dispatch(s: number): void {
    const t = this.t;
    this.probes.add(P.P_PROC_SCHED, s, t.pid[s], t.state[s]);
    this.running = s;
    t.state[s] = A.PS_RUNNING;
    if (s === 0) {
      // PID 0: process IPC messages, halt until the next interrupt.
      this.ipc.route();
      return;
    }
    const d = t.burstLeft[s] > 0 ? t.burstLeft[s] : this.stepTime();
    t.burstLeft[s] = 0;
    this.scheduleStep(s, d);
  }

  private stepTime(): number {
    const o = this.p.stepMicrosOptions;
    return o[this.engine.choose(L_STEP, o.length)];
  }

  private scheduleStep(s: number, d: number): void {
    this.t.stepDue[s] = this.engine.now + d;
    this.engine.after(d, E_CPU_STEP, s, this.t.pid[s]);
  }

  private makeReady(s: number): void {
    this.t.state[s] = A.PS_READY;
    this.t.enqueue(s);
  }

  /** E_CPU_STEP: the running process takes its next action. */
  cpuStep(s: number, pid: number): void {
    const t = this.t;
    if (this.running !== s || t.pid[s] !== pid || t.state[s] !== A.PS_RUNNING) return;
    t.stepDue[s] = -1;
    // A program may crash at any step (kernel.md §7); init and PID 0 are the design's own.
    if (s !== 1 && this.faults.strike(F_CRASH, this.p.reapBoundMicros, pid)) return this.terminate(s, A.SIGSEGV);
    const def = PROGRAMS[t.program[s]];
    // A service may hang: it stays alive and on the CPU, and never answers again.
    if (this.hung[s] === 0 && def.service && this.faults.strike(F_HANG, this.hangRecovery(), pid)) this.hung[s] = 1;
    if (this.hung[s] === 1) return this.scheduleStep(s, 50 * this.stepTime());
    // A pending SIGCHLD is delivered now; its default action is to ignore it.
    t.sigPending[s] &= ~(1 << A.SIGCHLD);
    const out = this.action;
    this.programSteps++;
    def.step(t.progState[s]!, t.last[s], out, this.p.workload, this.env);
    switch (out.kind) {
      case A_COMPUTE:
        t.last[s] = 0;
        return this.scheduleStep(s, Math.max(1, out.a0) * this.stepTime());
      case A_LOAD: {
        if (out.a2 === 4) {
          if (!this.mem.valid(s, out.a0, 4, false)) return this.terminate(s, A.SIGSEGV);
          t.last[s] = this.mem.readU32(s, out.a0);
          return this.scheduleStep(s, this.stepTime());
        }
        const v = this.mem.readByte(s, out.a0);
        if (v < 0) return this.terminate(s, A.SIGSEGV);
        this.probes.add(P.P_PROC_LOAD, pid, out.a0, v);
        t.last[s] = v;
        return this.scheduleStep(s, this.stepTime());
      }
      case A_STORE:
        if (out.a2 === 4) {
          if (!this.mem.valid(s, out.a0, 4, true)) return this.terminate(s, A.SIGSEGV);
          this.mem.writeU32(s, out.a0, out.a1);
          t.last[s] = 0;
          return this.scheduleStep(s, this.stepTime());
        }
        if (!this.mem.valid(s, out.a0, 1, true)) return this.terminate(s, A.SIGSEGV);
        this.mem.writeByte(s, out.a0, out.a1);
        this.probes.add(P.P_PROC_STORE, pid, out.a0, out.a1 & 0xff);
        t.last[s] = 0;
        return this.scheduleStep(s, this.stepTime());
      case A_CRASH:
        return this.terminate(s, A.SIGSEGV);
      default:
        return this.syscall(s, out);
    }
  }

  /** After a syscall that returned `r` at once: the process goes on with its next step. */
  resume(s: number, r: number): void {
    const t = this.t;
    t.last[s] = r;
    if (t.state[s] !== A.PS_RUNNING || this.running !== s) return;
    // (A slow start set by exec is CPU time before the new image's first step.)
    const d = t.burstLeft[s] > 0 ? t.burstLeft[s] : this.stepTime();
    t.burstLeft[s] = 0;
    this.scheduleStep(s, d);
  }

  /** How long the design may take to notice a hung service and restart it (L-SM-04). */
  private hangRecovery(): number {
    const sv = this.p.services;
    return sv ? 3 * sv.healthPeriod + sv.startTimeout + sv.backoffCap : this.p.reapBoundMicros;
  }

  /** The running process blocks: the CPU goes to the next one. */
  blockRunning(s: number, why: number): void {
    this.t.state[s] = A.PS_BLOCKED;
    this.t.block[s] = why;
    this.dispatchNext();
  }

  /** A blocked process gets its result and is Ready again. */
  wake(s: number, r: number): void {
    const t = this.t;
    t.last[s] = r;
    t.block[s] = B_NONE;
    this.makeReady(s);
  }

  // ===========================================================================================
  // System calls (kernel.md §4.3)
  // ===========================================================================================

  /** An error result: −errno in reference, −1 in eclipse-b. */
  err(errno: number): number {
    return this.reference ? -errno : -1;
  }

  /** reference checks every user pointer against the caller's address space. */
  badPtr(s: number, addr: number, len: number, write: boolean): boolean {
    return this.reference && !this.mem.valid(s, addr, len, write);
  }

  private syscall(s: number, a: Action): void {
    const t = this.t;
    this.probes.add(P.P_PROC_SYSCALL, t.pid[s], a.nr, 0);
    switch (a.nr) {
      case A.SYS_EXIT:
        return this.exit(s, (a.a0 & 0xff) << 8);
      case A.SYS_WRITE:
        return this.sysWrite(s, a.a0, a.a1, a.a2);
      case A.SYS_READ:
        return this.sysRead(s, a.a0, a.a1, a.a2);
      case A.SYS_YIELD:
        t.last[s] = 0;
        this.reschedule();
        // init yields when it has nothing to reap: maybe the workload is over.
        return this.checkHalt();
      case A.SYS_GETPID:
        return this.resume(s, t.pid[s]);
      case A.SYS_GETPPID:
        return this.resume(s, t.ppid[s]);
      case A.SYS_FORK:
        return this.resume(s, this.fork(s));
      case A.SYS_EXEC:
        return this.sysExec(s, a.a0, a.a1);
      case A.SYS_WAIT:
        if (this.reference) return this.waitpid(s, -1, a.a0, 0);
        return this.resume(s, this.waitEclipseB(s));
      case A.SYS_WAITPID:
        if (!this.reference) return this.resume(s, -1);
        return this.waitpid(s, a.a0, a.a1, a.a2);
      case A.SYS_GET_SERVICE_BINARY:
        return this.resume(s, this.getServiceBinary(s, a.a0, a.a1, a.a2));
      case A.SYS_OPEN:
        return this.sysOpen(s, a.a0, a.a1, K_OPEN);
      case A.SYS_CLOSE:
        return this.resume(s, this.sysClose(s, a.a0));
      case A.SYS_LSEEK:
        return this.resume(s, this.sysLseek(s, a.a0, a.a1, a.a2));
      case A.SYS_KILL:
        if (!this.reference) return this.resume(s, -1);
        return this.sysKill(s, a.a0, a.a1);
      case A.SYS_EXEC_PATH:
        if (!this.reference) return this.resume(s, -1);
        return this.sysOpen(s, a.a0, a.a1, K_EXEC_OPEN);
      case A.SYS_SEND:
        return this.resume(s, this.ipc.send(s, a.a0, a.a1, a.a2, a.a3));
      case A.SYS_RECEIVE: {
        const r = this.ipc.receive(s, a.a0, a.a1, a.a2, a.a3, a.a4);
        if (r === null) return this.blockRunning(s, B_RECV);
        return this.resume(s, r);
      }
      case A.SYS_UPTIME:
        return this.resume(s, this.reference ? this.engine.now : -1);
      default:
        return this.resume(s, this.err(A.ENOSYS));
    }
  }

  private fdOk(s: number, fd: number): number {
    if (!Number.isInteger(fd) || fd < A.FIRST_FD || fd >= A.MAX_FDS) return -1;
    return this.t.fds[s * A.MAX_FDS + fd];
  }

  private sysWrite(s: number, fd: number, buf: number, len: number): void {
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
    this.kop[s] = K_WRITE;
    this.blockRunning(s, B_FS);
    this.kfs.write(c, ofd, n);
  }

  private sysRead(s: number, fd: number, buf: number, len: number): void {
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
  private sysOpen(s: number, ptr: number, len: number, op: number): void {
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

  private freeFd(s: number): number {
    for (let fd = A.FIRST_FD; fd < A.MAX_FDS; fd++) if (this.t.fds[s * A.MAX_FDS + fd] < 0) return fd;
    return -1;
  }

  private sysClose(s: number, fd: number): number {
    const ofd = this.fdOk(s, fd);
    if (ofd < 0) return this.err(A.EBADF);
    this.t.fds[s * A.MAX_FDS + fd] = -1;
    this.releaseOfd(ofd);
    return 0;
  }

  private releaseOfd(ofd: number): void {
    this.ofdRefs[ofd]--;
    this.probes.add(P.P_PROC_OFD_REF, ofd, this.ofdRefs[ofd], 0);
    if (this.ofdRefs[ofd] === 0) this.kfs.closeNow(this.kfsBase, ofd);
  }

  private sysLseek(s: number, fd: number, offset: number, whence: number): number {
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
  private fsDone(s: number, r: number): void {
    if (this.t.killPending[s] !== 0) {
      const sig = this.t.killPending[s];
      this.t.killPending[s] = 0;
      this.t.block[s] = B_NONE;
      return this.terminate(s, sig);
    }
    this.wake(s, r);
  }

  /** exec_path finished reading and loading (or failed); init's load at boot ends here too. */
  private execDone(s: number, r: number): void {
    const t = this.t;
    if (this.booting === 1 && s === 1) return this.initLoaded(r);
    // kfs and load already answer in the profile's terms (exec_path is reference only).
    this.fsDone(s, r < 0 ? r : 0);
  }

  private sysExec(s: number, ptr: number, len: number): void {
    if (!Number.isSafeInteger(len) || len <= 0 || len > A.MAX_EXEC_LEN) return this.resume(s, this.err(A.EINVAL));
    if (this.badPtr(s, ptr, len, false)) return this.resume(s, this.err(A.EFAULT));
    // The model's programs are a few KiB; its loader buffer holds MAX_ELF_FILE.
    if (len > A.MAX_ELF_FILE) return this.resume(s, this.err(A.ENOMEM));
    const at = s * A.MAX_ELF_FILE;
    this.mem.copyIn(s, ptr, len, this.execBuf, at);
    const r = this.load(s, this.execBuf.subarray(at, at + len));
    if (r < 0) return this.resume(s, this.err(-r));
    this.resume(s, 0);
  }

  /**
   * Loads an ELF image into slot s (kernel.md §4.2): validate, build the new address space aside,
   * then switch. All or nothing: on failure the old image is intact and nothing leaks. Returns 0,
   * or −errno.
   */
  private load(s: number, bytes: Uint8Array): number {
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

  private build(bytes: Uint8Array): { error: number; program: number } {
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

  private getServiceBinary(s: number, id: number, outPtr: number, outLenPtr: number): number {
    if (!Number.isInteger(id) || id < 0 || id >= A.SERVICE_NAMES.length) return this.err(A.EINVAL);
    const elf = programElf(SHIPPED_NAMES[id]);
    if (this.badPtr(s, outPtr, elf.length, true) || this.badPtr(s, outLenPtr, 8, true)) return this.err(A.EFAULT);
    this.mem.copyOut(s, outPtr, elf, 0, elf.length);
    this.mem.writeU32(s, outLenPtr, elf.length);
    this.mem.writeU32(s, outLenPtr + 4, 0);
    return 0;
  }

  // ===========================================================================================
  // fork, exit, wait, kill (kernel.md §4.2)
  // ===========================================================================================

  /** fork: the child's PID in the parent, 0 in the child; an error when out of slots or frames. */
  private fork(p: number): number {
    const t = this.t;
    const c = t.freeSlot();
    if (c < 0) return this.forkFailed(p, A.EAGAIN);
    if (this.faults.strike(F_FRAME_SHORTAGE, this.p.reapBoundMicros, 0) || !this.mem.copyMap(p, c)) return this.forkFailed(p, A.ENOMEM);
    const pid = t.nextPid++;
    t.pid[c] = pid;
    t.ppid[c] = t.pid[p];
    t.status[c] = 0;
    t.program[c] = t.program[p];
    t.progState[c] = { ...t.progState[p]! };
    t.last[c] = 0;
    t.sigPending[c] = 0;
    t.killPending[c] = 0;
    t.block[c] = B_NONE;
    t.stepDue[c] = -1;
    t.burstLeft[c] = 0;
    this.hung[c] = 0;
    // reference inherits the fd table and counts the references; eclipse-b does not inherit it.
    for (let fd = 0; fd < A.MAX_FDS; fd++) {
      const ofd = this.reference ? t.fds[p * A.MAX_FDS + fd] : -1;
      t.fds[c * A.MAX_FDS + fd] = ofd;
      if (ofd >= 0 && !this.forkFdNoIncref) {
        this.ofdRefs[ofd]++;
        this.probes.add(P.P_PROC_OFD_REF, ofd, this.ofdRefs[ofd], 0);
      }
    }
    this.probes.add(P.P_PROC_FORK, pid, t.pid[p], c);
    this.makeReady(c);
    return pid;
  }

  private forkFailed(p: number, errno: number): number {
    this.probes.add(P.P_PROC_FORK_FAIL, this.t.pid[p], errno, this.t.inUse());
    return this.err(errno);
  }

  /** exit(code) as a syscall: the status word is already (code & 0xFF) << 8. */
  private exit(s: number, status: number): void {
    this.terminate(s, -1, status);
  }

  /**
   * The process dies: of exit (`sig` −1, `status` given) or of signal `sig`. reference: store the
   * status, release memory and fds, reparent the children to init in the same step, become a
   * Zombie, raise SIGCHLD at the parent and let a parent blocked in wait reap it. eclipse-b: mark
   * it Terminated and yield; nothing else.
   */
  private terminate(s: number, sig: number, status = 0): void {
    const t = this.t;
    const pid = t.pid[s];
    const wasRunning = this.running === s && t.state[s] === A.PS_RUNNING;
    if (t.stepDue[s] >= 0) {
      this.engine.cancel(E_CPU_STEP, s, pid);
      t.stepDue[s] = -1;
    }
    t.burstLeft[s] = 0;
    if (!this.reference) {
      t.state[s] = A.PS_ZOMBIE;
      this.probes.add(P.P_PROC_EXIT, pid, 0, t.ppid[s]);
      if (wasRunning) this.reschedule();
      return this.checkHalt();
    }
    const st = sig >= 0 ? sig : status;
    if (t.state[s] === A.PS_READY) t.unqueue(s);
    t.state[s] = A.PS_ZOMBIE;
    t.block[s] = B_NONE;
    t.status[s] = st;
    this.mem.unmapAll(s);
    for (let fd = 0; fd < A.MAX_FDS; fd++) {
      const ofd = t.fds[s * A.MAX_FDS + fd];
      if (ofd < 0) continue;
      t.fds[s * A.MAX_FDS + fd] = -1;
      this.releaseOfd(ofd);
    }
    t.progState[s] = null;
    this.hung[s] = 0;
    this.ipc.died(s, pid, this.mutants.ipcDeadPeerBlocks);
    this.probes.add(P.P_PROC_EXIT, pid, st, t.ppid[s]);
    // Reparent every child to init, in this same step (S-PM-02).
    let zombieForInit = false;
    if (!this.noReparent) {
      for (let c = 0; c < A.MAX_PROCS; c++) {
        if (t.state[c] === A.PS_FREE || t.ppid[c] !== pid || c === s) continue;
        t.ppid[c] = 1;
        this.probes.add(P.P_PROC_REPARENT, t.pid[c], 1, 0);
        if (t.state[c] === A.PS_ZOMBIE) zombieForInit = true;
      }
    }
    this.childExited(t.ppid[s], pid);
    if (zombieForInit) this.childExited(1, -1);
    if (wasRunning) this.dispatchNext();
    this.checkHalt();
  }

  /** SIGCHLD at the parent; a parent blocked in wait for this child reaps it now. */
  private childExited(parentPid: number, childPid: number): void {
    const t = this.t;
    const p = t.slotOf(parentPid);
    if (p < 0 || t.state[p] === A.PS_ZOMBIE) return;
    t.sigPending[p] |= 1 << A.SIGCHLD;
    this.probes.add(P.P_PROC_SIGCHLD, parentPid, childPid, 0);
    // A parent blocked in receive is woken (EINTR) to reap (kernel.md §6: init reaps on wake).
    if (t.state[p] === A.PS_BLOCKED && t.block[p] === B_RECV) return this.ipc.interrupt(p);
    if (t.state[p] !== A.PS_BLOCKED || t.block[p] !== B_WAIT) return;
    const z = this.zombieChild(p, t.waitPid[p]);
    if (z < 0) return;
    const r = this.reap(p, z, t.waitPtr[p]);
    this.probes.add(P.P_PROC_WAIT, parentPid, t.waitPid[p], r);
    this.wake(p, r);
  }

  /** A zombie child of slot p matching `pid` (−1: any), or −1. */
  private zombieChild(p: number, pid: number): number {
    const t = this.t;
    const me = t.pid[p];
    for (let c = 0; c < A.MAX_PROCS; c++) {
      if (t.state[c] === A.PS_ZOMBIE && t.ppid[c] === me && c !== p && (pid === -1 || t.pid[c] === pid)) return c;
    }
    return -1;
  }

  private hasChild(p: number, pid: number): boolean {
    const t = this.t;
    const me = t.pid[p];
    for (let c = 0; c < A.MAX_PROCS; c++) {
      if (t.state[c] !== A.PS_FREE && t.ppid[c] === me && c !== p && (pid === -1 || t.pid[c] === pid)) return true;
    }
    return false;
  }

  /** Reaps zombie slot z for slot p: writes the status, frees the slot, returns the PID. */
  private reap(p: number, z: number, ptr: number): number {
    const t = this.t;
    const pid = t.pid[z];
    if (ptr !== 0) this.mem.writeU32(p, ptr, t.status[z]);
    this.probes.add(P.P_PROC_REAP, pid, t.status[z], t.pid[p]);
    t.state[z] = A.PS_FREE;
    t.pid[z] = 0;
    t.ppid[z] = 0;
    t.program[z] = -1;
    t.progState[z] = null;
    return pid;
  }

  /** reference wait / waitpid. */
  private waitpid(s: number, pid: number, ptr: number, flags: number): void {
    const t = this.t;
    const me = t.pid[s];
    let r: number;
    if (!Number.isInteger(pid) || pid === 0 || pid < -1 || !Number.isInteger(flags) || (flags & ~A.WNOHANG) !== 0) r = -A.EINVAL;
    else if (!this.hasChild(s, pid)) r = -A.ECHILD;
    else if (ptr !== 0 && this.badPtr(s, ptr, 4, true)) r = -A.EFAULT;
    else {
      const z = this.zombieChild(s, pid);
      if (z >= 0) r = this.reap(s, z, ptr);
      else if ((flags & A.WNOHANG) !== 0) r = 0;
      else {
        t.waitPid[s] = pid;
        t.waitPtr[s] = ptr;
        this.probes.add(P.P_PROC_WAIT_BLOCK, me, pid, flags);
        return this.blockRunning(s, B_WAIT);
      }
    }
    this.probes.add(P.P_PROC_WAIT, me, pid, r);
    this.resume(s, r);
    this.checkHalt();
  }

  /** eclipse-b wait: the PID of the first Terminated child, not reaped, no status; else −1. */
  private waitEclipseB(s: number): number {
    const z = this.zombieChild(s, -1);
    const r = z < 0 ? -1 : this.t.pid[z];
    this.probes.add(P.P_PROC_WAIT, this.t.pid[s], -1, r);
    return r;
  }

  /** reference kill(pid, sig): SIGKILL and SIGTERM terminate; PID 0 and 1 are refused. */
  private sysKill(s: number, pid: number, sig: number): void {
    const t = this.t;
    if (pid === 0 || pid === 1) return this.resume(s, -A.EPERM);
    if (sig !== 0 && sig !== A.SIGKILL && sig !== A.SIGTERM && sig !== A.SIGCHLD) return this.resume(s, -A.EINVAL);
    const v = Number.isInteger(pid) && pid > 0 ? t.slotOf(pid) : -1;
    if (v < 0) return this.resume(s, -A.ESRCH);
    if (sig === 0 || sig === A.SIGCHLD || t.state[v] === A.PS_ZOMBIE) return this.resume(s, 0);
    if (v === s) return this.terminate(s, sig);
    if (t.block[v] === B_FS) {
      // In an uninterruptible file-system call: it dies when the call returns.
      t.killPending[v] = sig;
      return this.resume(s, 0);
    }
    this.terminate(v, sig);
    this.resume(s, 0);
  }

  /**
   * The workload is over when init is idle, no other process is alive and no file-system call is
   * outstanding: the timer stops, and with it the run (the event queue drains).
   */
  private checkHalt(): void {
    const t = this.t;
    if (this.halted || t.program[1] < 0) return;
    const init = PROGRAMS[t.program[1]];
    if (!init.idle || !init.idle(t.progState[1]!)) return;
    for (let s = 2; s < A.MAX_PROCS; s++) {
      if (t.state[s] === A.PS_FREE) continue;
      // eclipse-b never frees a slot: done when the rest are terminated and none is init's to
      // collect (init would spin on it forever, and the run goes on to its time bound).
      if (this.reference || t.state[s] !== A.PS_ZOMBIE || t.ppid[s] === 1 || this.kop[s] !== K_NONE) return;
    }
    this.halted = 1;
    for (let s = 1; s < A.MAX_PROCS; s++) {
      if (t.stepDue[s] >= 0) {
        this.engine.cancel(E_CPU_STEP, s, t.pid[s]);
        t.stepDue[s] = -1;
      }
    }
  }

  fingerprint(h: Hasher64, now: number): void {
    this.t.fingerprint(h, now);
    h.int(this.running);
    h.int(this.ticks % A.TICKS_PER_SLICE);
    h.int(this.halted | (this.booting << 1));
    for (let s = 0; s < A.MAX_PROCS; s++) {
      if (this.t.state[s] === A.PS_FREE) continue;
      this.mem.fingerprint(h, s);
      h.int(this.kop[s]);
    }
    for (let f = 0; f < A.OPEN_FILES; f++) if (this.ofdRefs[f] !== 0) h.int(f * 256 + this.ofdRefs[f]);
    for (let s = 0; s < A.MAX_PROCS; s++) if (this.hung[s] !== 0) h.int(s);
    this.ipc.fingerprint(h);
  }
}

/** "/a/b" → ["a", "b"] as bytes (empty components dropped). */
export const PROCESS_EVENTS = eventTable<Processes>('cpu', [[E_CPU_STEP, 'cpu.step', (p, a, b) => p.cpuStep(a, b), ['slot', 'pid']]]);
export const TIMER_EVENTS = eventTable<Processes>('timer', [[E_TIMER_TICK, 'timer.tick', (p) => p.tick()]]);

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
