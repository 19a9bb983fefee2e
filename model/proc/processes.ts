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
import { K_OPEN, K_EXEC_OPEN, E_CPU_STEP, E_TIMER_TICK } from './scheduler.js';
import { Lifecycle } from './lifecycle.js';
import { eventTable } from '../../sim/event-table.js';
import type { ProcessPort } from '../ipc/ipc.js';
import { F_CRASH, F_HANG } from '../faults.js';
import * as C from '../coverage.js';
import * as P from '../probes.js';
import * as A from './abi.js';
import { B_RECV } from './process-table.js';
import { A_COMPUTE, A_CRASH, A_LOAD, A_STORE, type Action } from './programs/program.js';
import { PROGRAMS } from './programs/registry.js';

export class Processes extends Lifecycle implements ProcessPort {
  cpuStep(s: number, pid: number): void {
    const t = this.t;
    if (this.running !== s || t.pid[s] !== pid || t.state[s] !== A.PS_RUNNING) return;
    t.stepDue[s] = -1;
    // A program may crash at any step (kernel.md §7); init and PID 0 are the design's own.
    if (s !== 1 && this.faults.strike(F_CRASH, this.p.reapBoundMicros, pid)) return this.terminate(s, A.SIGSEGV);
    const def = PROGRAMS[t.program[s]];
    // A service may hang: it stays alive and on the CPU, and never answers again.
    if (this.hung[s] === 0 && def.service && this.faults.strike(F_HANG, this.hangRecovery(), pid)) this.hung[s] = 1;
    if (this.hung[s] === 1) return this.scheduleStep(s, 50 * this.stepTime(s));
    // A pending SIGCHLD is delivered now; its default action is to ignore it.
    t.sigPending[s] &= ~(1 << A.SIGCHLD);
    const out = this.action;
    this.programSteps++;
    def.step(t.progState[s]!, t.last[s], out, this.p.workload, this.env);
    switch (out.kind) {
      case A_COMPUTE:
        t.last[s] = 0;
        return this.scheduleStep(s, Math.max(1, out.a0) * this.stepTime(s));
      case A_LOAD: {
        if (out.a2 === 4) {
          if (!this.mem.valid(s, out.a0, 4, false)) return this.terminate(s, A.SIGSEGV);
          t.last[s] = this.mem.readU32(s, out.a0);
          return this.scheduleStep(s, this.stepTime(s));
        }
        const v = this.mem.readByte(s, out.a0);
        if (v < 0) return this.terminate(s, A.SIGSEGV);
        this.probes.add(P.P_PROC_LOAD, pid, out.a0, v);
        t.last[s] = v;
        return this.scheduleStep(s, this.stepTime(s));
      }
      case A_STORE:
        if (out.a2 === 4) {
          if (!this.mem.valid(s, out.a0, 4, true)) return this.terminate(s, A.SIGSEGV);
          this.mem.writeU32(s, out.a0, out.a1);
          t.last[s] = 0;
          return this.scheduleStep(s, this.stepTime(s));
        }
        if (!this.mem.valid(s, out.a0, 1, true)) return this.terminate(s, A.SIGSEGV);
        this.mem.writeByte(s, out.a0, out.a1);
        this.probes.add(P.P_PROC_STORE, pid, out.a0, out.a1 & 0xff);
        t.last[s] = 0;
        return this.scheduleStep(s, this.stepTime(s));
      case A_CRASH:
        return this.terminate(s, A.SIGSEGV);
      default:
        this.syscall(s, out);
        return this.coverSyscall(s, pid, out.nr);
    }
  }

  /** Coverage: how syscall `nr` of slot s (PID `pid`) ended its step (model/coverage.ts). */
  private coverSyscall(s: number, pid: number, nr: number): void {
    if (!(nr >= 0 && nr < C.SYSCALL_SLOTS)) return;
    const t = this.t;
    const st = t.state[s];
    const o = t.pid[s] !== pid || st === A.PS_ZOMBIE || st === A.PS_FREE ? C.SO_DIED : st === A.PS_BLOCKED ? C.SO_BLOCKED : t.last[s] >= 0 ? C.SO_OK : C.SO_ERROR;
    const id = C.SYSCALL_PROBE[nr * 4 + o];
    if (id >= 0) this.cov.hit(id);
  }

  /** After a syscall that returned `r` at once: the process goes on with its next step. */

  // ===========================================================================================
  // System calls (kernel.md §4.3)
  // ===========================================================================================

  /** An error result: −errno in reference, −1 in eclipse-b. */

  protected syscall(s: number, a: Action): void {
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

}


/** "/a/b" → ["a", "b"] as bytes (empty components dropped). */
export const PROCESS_EVENTS = eventTable<Processes>('cpu', [[E_CPU_STEP, 'cpu.step', (p, a, b) => p.cpuStep(a, b), ['slot', 'pid']]]);
export const TIMER_EVENTS = eventTable<Processes>('timer', [[E_TIMER_TICK, 'timer.tick', (p) => p.tick()]]);

