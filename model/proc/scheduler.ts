/**
 * Processes, the bottom layer (kernel.md §4.1): the process table and memory, the CPU, the timer
 * and the round-robin scheduler, and the helpers every system call uses. The layers above:
 * file-syscalls.ts (sysfile), exec.ts (the loader and boot), lifecycle.ts (fork, exit, wait,
 * kill) and processes.ts (the CPU step and the system-call boundary). See processes.ts for the
 * design summary.
 */
import { label } from '../../sim/labels.js';
import type { Hasher64 } from '../../sim/hash.js';
import type { Engine } from '../../sim/engine.js';
import type { ModelContext, ProbeSink } from '../context.js';
import * as C from '../coverage.js';
import type { PowerLossSite } from '../power.js';
import type { MutantSet } from '../mutants.js';
import type { Faults } from '../faults.js';
import { Ipc } from '../ipc/ipc.js';
import type { FsCallPort } from '../fs/kernel-fs.js';
import type { ProcParams } from '../params.js';
import * as P from '../probes.js';
import * as A from './abi.js';
import type { StateDecl } from '../../sim/state-walk.js';
import { PageVersions } from '../../sim/page-versions.js';
import { Memory } from './memory.js';
import { B_FS, B_NONE, B_RECV, B_WAIT, ProcessTable } from './process-table.js';
import { newAction, type Action, type ProgramEnv } from './programs/program.js';

export const L_STEP = label('cpu.step-time');

// The CPU's and the timer's events (kinds are machine-wide; see sim/event-table.ts).
export const E_CPU_STEP = 28; // a = process slot, b = pid: the running process's next action
export const E_TIMER_TICK = 29; // IRQ0

/** The kernel operation a process blocked in a file-system call is in. */
export const K_NONE = 0;
export const K_OPEN = 1;
export const K_READ = 2;
export const K_WRITE = 3;
export const K_EXEC_OPEN = 4;
export const K_EXEC_READ = 5;

/** A blocked read's user buffer, and an exec's fd and bytes read so far, mean nothing outside those calls. */
function notRead(p: Scheduler, s: number): boolean {
  return p.kop[s] !== K_READ;
}
function notExecRead(p: Scheduler, s: number): boolean {
  return p.kop[s] !== K_EXEC_READ;
}

export abstract class Scheduler {
  /**
   * For the fingerprint audit: what `fingerprint` leaves out. The statistics; the action scratch
   * (filled by every program step before it is read); the tick count but for its place in the
   * slice; a blocked call's arguments outside the call that reads them; exec's buffer but for the
   * bytes an exec in progress has read so far.
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['kfsBase', 'reference', 'noReparent', 'forkFdNoIncref', 'env', 'p', 'power', 'bootFailed', 'mutants'],
    dead: ['consoleBytes', 'programSteps', 'action'],
    modulo: { ticks: A.TICKS_PER_SLICE },
    deadIf: { kbuf: notRead, kfd: notExecRead, klen: notExecRead },
    deadRanges: (p: Scheduler, field: string) => (field === 'execBuf' ? p.idleExecRanges() : null),
    // For snapshots the loader's staging buffer is paged (sim/page-versions.ts): every write stamps it.
    paged: [{ buffer: 'execBuf', versions: 'execPages' }],
    observed: ['execPages'],
  };

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
  protected readonly execBuf = new Uint8Array(A.MAX_PROCS * A.MAX_ELF_FILE);
  protected readonly execPages = new PageVersions(A.MAX_PROCS * A.MAX_ELF_FILE, A.PAGE);
  protected readonly action: Action = newAction();
  readonly ipc: Ipc;
  /** A hung process (F_HANG): alive, burning CPU, never taking another program step. */
  readonly hung = new Uint8Array(A.MAX_PROCS);
  protected readonly env: ProgramEnv;
  protected readonly reference: boolean;
  protected readonly noReparent: boolean;
  protected readonly forkFdNoIncref: boolean;

  protected readonly engine: Engine;
  protected readonly probes: ProbeSink;
  /** Coverage probe counters: observation only (model/coverage.ts). */
  protected readonly cov: C.Coverage;
  protected readonly faults: Faults;
  protected readonly mutants: MutantSet;

  constructor(
    ctx: ModelContext,
    protected readonly kfs: FsCallPort,
    protected readonly p: ProcParams,
    /** kfs client of slot 0; slot s is client kfsBase + s. */
    readonly kfsBase: number,
    /** Where power may fail at a timer tick (power-loss scenarios). */
    protected readonly power: PowerLossSite,
    /** Boot failed: init is missing or cannot be loaded (BOOT_INIT_*). */
    protected readonly bootFailed: (failure: number) => void,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.cov = ctx.coverage;
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

  protected preempt(): void {
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
  protected reschedule(): void {
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
  protected dispatchNext(): void {
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

  protected dispatch(s: number): void {
    const t = this.t;
    this.probes.add(P.P_PROC_SCHED, s, t.pid[s], t.state[s]);
    this.running = s;
    t.state[s] = A.PS_RUNNING;
    if (s === 0) {
      // PID 0: process IPC messages, halt until the next interrupt.
      this.ipc.route();
      return;
    }
    const d = t.burstLeft[s] > 0 ? t.burstLeft[s] : this.stepTime(s);
    t.burstLeft[s] = 0;
    this.scheduleStep(s, d);
  }

  /** The CPU time of process slot s's next action: one of the step options (the process is named by its pid). */
  protected stepTime(s: number): number {
    return this.engine.delay(L_STEP, this.p.stepMicrosOptions, E_CPU_STEP, this.t.pid[s]);
  }

  protected scheduleStep(s: number, d: number): void {
    this.t.stepDue[s] = this.engine.now + d;
    this.engine.after(d, E_CPU_STEP, s, this.t.pid[s]);
  }

  protected makeReady(s: number): void {
    this.t.state[s] = A.PS_READY;
    this.t.enqueue(s);
  }

  /** E_CPU_STEP: the running process takes its next action. */

  resume(s: number, r: number): void {
    const t = this.t;
    t.last[s] = r;
    if (t.state[s] !== A.PS_RUNNING || this.running !== s) return;
    // (A slow start set by exec is CPU time before the new image's first step.)
    const d = t.burstLeft[s] > 0 ? t.burstLeft[s] : this.stepTime(s);
    t.burstLeft[s] = 0;
    this.scheduleStep(s, d);
  }

  /** How long the design may take to notice a hung service and restart it (L-SM-04). */
  protected hangRecovery(): number {
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
    this.coverWake(t.block[s], r);
    t.last[s] = r;
    t.block[s] = B_NONE;
    this.makeReady(s);
  }

  /** Coverage: a blocked call returns `r` (model/coverage.ts). */
  private coverWake(block: number, r: number): void {
    if (block === B_FS) this.cov.hit(r >= 0 ? C.C_WAKE_FS_OK : C.C_WAKE_FS_ERROR);
    else if (block === B_WAIT) this.cov.hit(C.C_WAKE_WAIT_REAPED);
    else if (block === B_RECV) this.cov.hit(r >= 0 ? C.C_WAKE_RECV_MESSAGE : C.C_WAKE_RECV_ERROR);
  }

  err(errno: number): number {
    return this.reference ? -errno : -1;
  }

  /** reference checks every user pointer against the caller's address space. */
  badPtr(s: number, addr: number, len: number, write: boolean): boolean {
    return this.reference && !this.mem.valid(s, addr, len, write);
  }

  /** The [start, end) ranges of `execBuf` no exec in progress has filled (for the audit). */
  idleExecRanges(): number[] {
    const out: number[] = [];
    for (let s = 0; s < A.MAX_PROCS; s++) {
      const start = s * A.MAX_ELF_FILE;
      const from = this.kop[s] === K_EXEC_READ ? start + this.klen[s] : start;
      out.push(from, start + A.MAX_ELF_FILE);
    }
    return out;
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
      // A blocked call's arguments, read when it returns: where a read's bytes go; the loader's
      // fd and the image read so far.
      if (this.kop[s] === K_READ) h.num(this.kbuf[s]);
      if (this.kop[s] === K_EXEC_READ) {
        h.int(this.kfd[s]);
        h.int(this.klen[s]);
        h.bytes(this.execBuf, s * A.MAX_ELF_FILE, this.klen[s]);
      }
    }
    for (let f = 0; f < A.OPEN_FILES; f++) if (this.ofdRefs[f] !== 0) h.int(f * 256 + this.ofdRefs[f]);
    for (let s = 0; s < A.MAX_PROCS; s++) if (this.hung[s] !== 0) h.int(s);
    this.ipc.fingerprint(h);
  }
}
