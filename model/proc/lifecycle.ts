/**
 * A process's life (kernel.md §4.2): fork, exit, termination by a signal, reparenting, zombies and
 * reaping through wait / waitpid, kill, and the end of the workload (as xv6's proc.c).
 */
import { K_NONE, E_CPU_STEP } from './scheduler.js';
import { Loader } from './exec.js';
import { F_FRAME_SHORTAGE } from '../faults.js';
import * as C from '../coverage.js';
import * as P from '../probes.js';
import * as A from './abi.js';
import { B_FS, B_NONE, B_RECV, B_WAIT } from './process-table.js';
import { PROGRAMS } from './programs/registry.js';

export abstract class Lifecycle extends Loader {
  // ===========================================================================================
  // fork, exit, wait, kill (kernel.md §4.2)
  // ===========================================================================================

  /** fork: the child's PID in the parent, 0 in the child; an error when out of slots or frames. */
  protected fork(p: number): number {
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

  protected forkFailed(p: number, errno: number): number {
    this.cov.hit(errno === A.EAGAIN ? C.C_FORK_EAGAIN : C.C_FORK_ENOMEM);
    this.probes.add(P.P_PROC_FORK_FAIL, this.t.pid[p], errno, this.t.inUse());
    return this.err(errno);
  }

  /** exit(code) as a syscall: the status word is already (code & 0xFF) << 8. */
  protected exit(s: number, status: number): void {
    this.terminate(s, -1, status);
  }

  /**
   * The process dies: of exit (`sig` −1, `status` given) or of signal `sig`. reference: store the
   * status, release memory and fds, reparent the children to init in the same step, become a
   * Zombie, raise SIGCHLD at the parent and let a parent blocked in wait reap it. eclipse-b: mark
   * it Terminated and yield; nothing else.
   */
  protected terminate(s: number, sig: number, status = 0): void {
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
    this.cov.hit(sig < 0 ? C.C_DEATH_EXIT : sig === A.SIGKILL ? C.C_DEATH_SIGKILL : sig === A.SIGTERM ? C.C_DEATH_SIGTERM : C.C_DEATH_SIGSEGV);
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
    let children = 0;
    if (!this.noReparent) {
      for (let c = 0; c < A.MAX_PROCS; c++) {
        if (t.state[c] === A.PS_FREE || t.ppid[c] !== pid || c === s) continue;
        t.ppid[c] = 1;
        children++;
        this.probes.add(P.P_PROC_REPARENT, t.pid[c], 1, 0);
        if (t.state[c] === A.PS_ZOMBIE) zombieForInit = true;
      }
    }
    this.coverDeath(t.ppid[s], children, zombieForInit);
    this.childExited(t.ppid[s], pid);
    if (zombieForInit) this.childExited(1, -1);
    if (wasRunning) this.dispatchNext();
    this.checkHalt();
  }

  /** Coverage: a death with `children` handed to init (zombies among them or not), and its parent's state. */
  private coverDeath(parentPid: number, children: number, zombies: boolean): void {
    const t = this.t;
    if (children === 0) this.cov.hit(C.C_DEATH_NO_CHILDREN);
    else if (!zombies) this.cov.hit(C.C_DEATH_LIVE_CHILDREN);
    else this.cov.hit(this.blockedIn(1, B_WAIT) ? C.C_ZOMBIES_TO_INIT_WAITING : this.blockedIn(1, B_RECV) ? C.C_ZOMBIES_TO_INIT_RECEIVING : C.C_ZOMBIES_TO_INIT_BUSY);
    const p = t.slotOf(parentPid);
    if (p < 0 || t.state[p] === A.PS_ZOMBIE) return;
    this.cov.hit(this.blockedIn(p, B_WAIT) ? C.C_PARENT_WAITING : this.blockedIn(p, B_RECV) ? C.C_PARENT_RECEIVING : C.C_PARENT_BUSY);
  }

  private blockedIn(s: number, why: number): boolean {
    return this.t.state[s] === A.PS_BLOCKED && this.t.block[s] === why;
  }

  /** SIGCHLD at the parent; a parent blocked in wait for this child reaps it now. */
  protected childExited(parentPid: number, childPid: number): void {
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
    this.cov.hit(C.C_REAP_WOKEN);
    this.probes.add(P.P_PROC_WAIT, parentPid, t.waitPid[p], r);
    this.wake(p, r);
  }

  /** A zombie child of slot p matching `pid` (−1: any), or −1. */
  protected zombieChild(p: number, pid: number): number {
    const t = this.t;
    const me = t.pid[p];
    for (let c = 0; c < A.MAX_PROCS; c++) {
      if (t.state[c] === A.PS_ZOMBIE && t.ppid[c] === me && c !== p && (pid === -1 || t.pid[c] === pid)) return c;
    }
    return -1;
  }

  protected hasChild(p: number, pid: number): boolean {
    const t = this.t;
    const me = t.pid[p];
    for (let c = 0; c < A.MAX_PROCS; c++) {
      if (t.state[c] !== A.PS_FREE && t.ppid[c] === me && c !== p && (pid === -1 || t.pid[c] === pid)) return true;
    }
    return false;
  }

  /** Reaps zombie slot z for slot p: writes the status, frees the slot, returns the PID. */
  protected reap(p: number, z: number, ptr: number): number {
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
  protected waitpid(s: number, pid: number, ptr: number, flags: number): void {
    const t = this.t;
    const me = t.pid[s];
    let r: number;
    if (!Number.isInteger(pid) || pid === 0 || pid < -1 || !Number.isInteger(flags) || (flags & ~A.WNOHANG) !== 0) r = -A.EINVAL;
    else if (!this.hasChild(s, pid)) r = -A.ECHILD;
    else if (ptr !== 0 && this.badPtr(s, ptr, 4, true)) r = -A.EFAULT;
    else {
      const z = this.zombieChild(s, pid);
      if (z >= 0) {
        r = this.reap(s, z, ptr);
        this.cov.hit(C.C_REAP_FOUND);
      } else if ((flags & A.WNOHANG) !== 0) r = 0;
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
  protected waitEclipseB(s: number): number {
    const z = this.zombieChild(s, -1);
    const r = z < 0 ? -1 : this.t.pid[z];
    this.probes.add(P.P_PROC_WAIT, this.t.pid[s], -1, r);
    return r;
  }

  /** reference kill(pid, sig): SIGKILL and SIGTERM terminate; PID 0 and 1 are refused. */
  protected sysKill(s: number, pid: number, sig: number): void {
    const t = this.t;
    if (pid === 0 || pid === 1) {
      this.cov.hit(C.C_KILL_REFUSED);
      return this.resume(s, -A.EPERM);
    }
    if (sig !== 0 && sig !== A.SIGKILL && sig !== A.SIGTERM && sig !== A.SIGCHLD) return this.resume(s, -A.EINVAL);
    const v = Number.isInteger(pid) && pid > 0 ? t.slotOf(pid) : -1;
    if (v < 0) {
      this.cov.hit(C.C_KILL_NO_SUCH);
      return this.resume(s, -A.ESRCH);
    }
    this.coverKill(s, v, sig);
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

  /** Coverage: a kill by slot s of slot v, by v's state (model/coverage.ts). */
  private coverKill(s: number, v: number, sig: number): void {
    const t = this.t;
    if (sig === 0 || sig === A.SIGCHLD) return this.cov.hit(C.C_KILL_PROBE);
    if (t.state[v] === A.PS_ZOMBIE) return this.cov.hit(C.C_KILL_ZOMBIE);
    if (v === s) return this.cov.hit(C.C_KILL_SELF);
    if (t.state[v] !== A.PS_BLOCKED) return this.cov.hit(C.C_KILL_READY);
    const b = t.block[v];
    this.cov.hit(b === B_WAIT ? C.C_KILL_WAIT : b === B_RECV ? C.C_KILL_RECV : C.C_KILL_FS);
  }

  /**
   * The workload is over when init is idle, no other process is alive and no file-system call is
   * outstanding: the timer stops, and with it the run (the event queue drains).
   */
  protected checkHalt(): void {
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

}
