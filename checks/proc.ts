/**
 * Process checks (invariants.md "Processes"): S-PM-01…13 and L-PM-01…03.
 *
 * The family keeps its own ghost of the process tree from the model's probes — who was born of
 * whom, who exited with which status, who was reaped by whom — and judges the kernel's table, page
 * maps and fd tables against it, so a check never trusts the bookkeeping it judges. Ghost state is
 * per slot (64 of them), bounded, and part of the fingerprint.
 *
 * Readings where the catalogue leaves room:
 * - S-PM-13: a slot is "in use" while its process is alive or is a zombie that no wait has yet
 *   returned. (In reference a wait that returns a PID has reaped it; eclipse-b's wait returns a
 *   terminated child without freeing its slot, so its table fills with processes their parents
 *   have already collected.) fork failing for lack of a slot while fewer than 64 are in use
 *   violates it.
 * - S-PM-05 in eclipse-b: −1 is its only error, so −1 from wait is read as "no children".
 * - L-PM-03 is judged for init, the reaper: once a wait has returned a child, init makes no other
 *   system call while it still has a zombie child.
 *
 * What it does not verify, and why: what the programs compute (they are the scenarios' own
 * workloads, not the subject); the results of file-system calls (checks/fs.ts judges the kernel
 * path against its own oracle); message passing (checks/ipc.ts); the service manager's decisions
 * (checks/services.ts); and page contents beyond frame ownership and reference counts (memory is
 * copied eagerly at fork in both profiles, so there is no copy-on-write state to judge).
 */
import { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import { ECHILD, EAGAIN, MAX_FDS, MAX_PAGES, OPEN_FILES, MAX_PROCS, PS_FREE, PS_READY, PS_RUNNING, SIGCHLD, STATE_NAMES, SYS_UPTIME, SYS_WAIT, SYS_WAITPID, WNOHANG } from '../model/proc/abi.js';
import { SCRATCH } from '../model/proc/memory.js';
import { K_EXEC_OPEN, K_OPEN } from '../model/proc/scheduler.js';
import { OP_OPEN } from '../model/fs/fs-call-abi.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
import type { StateDecl } from '../sim/state-walk.js';
import { CheckFamilyBase, type CheckInfo, type ProbeHandler } from './check.js';

const pm = (id: string, kind: 'safety' | 'progress', title: string): CheckInfo => ({ id, subsystem: 'processes', kind, title });

export const PROC_CHECKS: readonly CheckInfo[] = [
  pm('S-PM-01', 'safety', 'tree: every live process but PID 0 and init has a live parent; init never exits'),
  pm('S-PM-02', 'safety', 'reparenting: an exiting process’s children have parent = init in the same step'),
  pm('S-PM-03', 'safety', 'zombie shape: no address space, no fds, PID and status kept, slot not reused until reaped'),
  pm('S-PM-04', 'safety', 'reap once: each zombie is reaped by exactly one wait, which returns the status given to exit'),
  pm('S-PM-05', 'safety', 'wait semantics: ECHILD iff no such child; WNOHANG never blocks'),
  pm('S-PM-06', 'safety', 'fork: child PID unique, parent is the caller, inherited fds counted'),
  pm('S-PM-07', 'safety', 'reference counts: frames and open files referenced exactly as counted, never negative, freed at zero'),
  pm('S-PM-08', 'safety', 'exec atomicity: exec replaces the image or fails with the old image intact and nothing leaked'),
  pm('S-PM-09', 'safety', 'SIGCHLD: a child’s exit makes SIGCHLD pending at its parent'),
  pm('S-PM-10', 'safety', 'conservation: with only PID 0 and init left, slots, frames and open files are back to init’s'),
  pm('S-PM-11', 'safety', 'isolation: a write by one process is never visible in another’s address space'),
  pm('S-PM-12', 'safety', 'scheduler: the running process is Running; every Ready process is queued exactly once; no zombie is scheduled'),
  pm('S-PM-13', 'safety', 'capacity: live + unreaped ≤ 64; fork does not fail for lack of a slot while fewer than 64 are in use'),
  pm('L-PM-01', 'progress', 'a parent blocked in wait with a zombie child eventually returns'),
  pm('L-PM-02', 'progress', 'every zombie is eventually reaped'),
  pm('L-PM-03', 'progress', 'a reaper woken for child exits drains all reapable children, not only one'),
];

const FREE = 0;
const LIVE = 1;
const ZOMBIE = 2;
/** Remembered stores per process (the programs tag one or two addresses). */
const STORES = 4;

export class ProcChecks extends CheckFamilyBase {
  /**
   * For the fingerprint audit: what `fingerprint` leaves out. A free slot's ghost; a live
   * process's exit time; remembered stores past the count; the per-step flags and lists (reset
   * at the start of every step), the scratch arrays, and the address space kept at an exec's start
   * (the model's load starts and ends an exec in one step); `lastEval`, which only spares a second
   * evaluation of the deadlines at the same time (one that could find nothing new: whatever is
   * late now was late at the first, and the settle time only grows).
   */
  static override readonly stateDecl: StateDecl = {
    dead: ['touched', 'refsTouched', 'exited', 'sigchld', 'reapedPid', 'reapedBy', 'h', 'lastEval', 'seen', 'named', 'queued', 'execHash', 'execFree'],
    times: ['gExitAt', 'gWaitAt'],
    deadIf: {
      gPid: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gParent: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gStatus: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gReported: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gWaitAt: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gWaitFor: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gStores: (c: ProcChecks, s: number) => c.gLife[s] === FREE,
      gExitAt: (c: ProcChecks, s: number) => c.gLife[s] !== ZOMBIE,
      gStoreAddr: (c: ProcChecks, i: number) => c.gLife[(i / STORES) | 0] === FREE || i % STORES >= c.gStores[(i / STORES) | 0],
      gStoreVal: (c: ProcChecks, i: number) => c.gLife[(i / STORES) | 0] === FREE || i % STORES >= c.gStores[(i / STORES) | 0],
    },
  };

  readonly checks = PROC_CHECKS;
  // ghost, per slot
  private readonly gPid = new Int32Array(MAX_PROCS);
  private readonly gParent = new Int32Array(MAX_PROCS);
  private readonly gLife = new Uint8Array(MAX_PROCS);
  private readonly gStatus = new Int32Array(MAX_PROCS);
  private readonly gExitAt = new Float64Array(MAX_PROCS);
  /** A wait has returned this zombie's PID (eclipse-b returns it without reaping). */
  private readonly gReported = new Uint8Array(MAX_PROCS);
  /** When the process blocked in wait (−1: not blocked), and for which PID. */
  private readonly gWaitAt = new Float64Array(MAX_PROCS);
  private readonly gWaitFor = new Int32Array(MAX_PROCS);
  private readonly gStoreAddr = new Float64Array(MAX_PROCS * STORES);
  private readonly gStoreVal = new Int32Array(MAX_PROCS * STORES);
  private readonly gStores = new Uint8Array(MAX_PROCS);
  private maxPid = 0;
  /** The process on the CPU as the dispatch probes reported it (slot, PID), not the scheduler's field. */
  private gRunSlot = 0;
  private gRunPid = 0;
  private zombies = 0;
  /** init has reaped and must drain (L-PM-03). */
  private initDraining = 0;
  // per step
  private touched = false;
  private refsTouched = false;
  private readonly exited: number[] = [];
  private readonly sigchld: number[] = [];
  private reapedPid = -1;
  private reapedBy = -1;
  private execHash = '';
  private execFree = 0;
  private readonly h = new Hasher64();
  private lastEval = -1;
  /** Scratch for S-PM-07: page-map entries per frame, fds per open file. */
  private readonly seen: Int32Array;
  private readonly named = new Int32Array(OPEN_FILES);
  /**
   * Open files the file system has opened for a process's open() or exec whose return is still
   * due: the caller's slot + 1 (0: none). Between the file system's answer (P_FS_CALL_END) and the
   * return that puts it in an fd (P_PROC_OFD_REF to 1) or in exec's hands, an open file is rightly
   * named by no fd; with a small buffer cache another client's return can come in between.
   */
  private readonly openDue = new Int8Array(OPEN_FILES);
  /** Entries of openDue that are not 0. */
  private openDueCount = 0;
  /** Entries of each slot in the ready ring (S-PM-12), recounted after every step. */
  private readonly queued = new Int32Array(MAX_PROCS);

  constructor(m: Machine) {
    super(m);
    this.seen = new Int32Array(m.procs!.mem.frames);
  }

  begin(): void {
    this.gPid.fill(0);
    this.gParent.fill(0);
    this.gLife.fill(FREE);
    this.gStatus.fill(0);
    this.gExitAt.fill(0);
    this.gReported.fill(0);
    this.gWaitAt.fill(-1);
    this.gWaitFor.fill(0);
    this.gStores.fill(0);
    this.openDue.fill(0);
    this.openDueCount = 0;
    this.maxPid = 0;
    this.gRunSlot = 0;
    this.gRunPid = 0;
    this.zombies = 0;
    this.initDraining = 0;
    this.lastEval = -1;
  }


  private slotOf(pid: number): number {
    for (let s = 0; s < MAX_PROCS; s++) if (this.gLife[s] !== FREE && this.gPid[s] === pid) return s;
    return -1;
  }

  /** Does `pid` have a ghost child (alive or zombie) matching `which` (−1 any)? */
  private hasChild(pid: number, which: number): boolean {
    for (let s = 0; s < MAX_PROCS; s++) if (this.gLife[s] !== FREE && this.gParent[s] === pid && this.gPid[s] !== pid && (which === -1 || this.gPid[s] === which)) return true;
    return false;
  }

  private zombieChild(pid: number, which: number): number {
    for (let s = 0; s < MAX_PROCS; s++) if (this.gLife[s] === ZOMBIE && this.gParent[s] === pid && (which === -1 || this.gPid[s] === which)) return s;
    return -1;
  }

  private readonly handle: ProbeHandler = (kind, a, b, c) => this.onProbe(kind, a, b, c);

  afterStep(): Violation | null {
    this.touched = false;
    this.refsTouched = false;
    if (this.exited.length > 0) this.exited.length = 0;
    if (this.sigchld.length > 0) this.sigchld.length = 0;
    this.reapedPid = -1;
    const first = this.readStepProbes(this.handle);
    // The structural checks run after a probe's violation too (what exited in this step is judged
    // in this step or never).
    if (this.touched) {
      const v = this.pass(this.structure());
      if (first || v) return first ?? v;
    } else if (this.m.bootFailure === 0 && this.gLife[0] !== FREE) {
      // (Once the kernel's own loop, PID 0, exists: before that there is no CPU to judge.)
      const v = this.pass(this.readyRing());
      if (first || v) return first ?? v;
    }
    if (first) return first;
    const now = this.m.sim.now;
    if (now !== this.lastEval && (this.zombies > 0 || this.touched)) {
      this.lastEval = now;
      return this.deadlines(now, false);
    }
    return null;
  }

  private onProbe(kind: number, a: number, b: number, c: number): Violation | null {
    if (kind < P.P_PROC_SPAWN || kind > P.P_PROC_OFD_REF) {
      if (kind === P.P_POWER_LOSS) this.begin();
      else if (kind === P.P_FS_CALL_END && b === OP_OPEN) this.openAnswered(a, c);
      return null;
    }
    // Loads, stores, syscall entries and a wait's result change no table, map or queue (a wait
    // that reaps says so with P_PROC_REAP): no structural check.
    if (kind !== P.P_PROC_SYSCALL && kind !== P.P_PROC_LOAD && kind !== P.P_PROC_STORE && kind !== P.P_PROC_WAIT) this.touched = true;
    switch (kind) {
      case P.P_PROC_SPAWN:
        return this.born(a, b, c, false);
      case P.P_PROC_FORK:
        return this.born(a, b, c, true);
      case P.P_PROC_FORK_FAIL:
        return this.forkFailed(a, b);
      case P.P_PROC_EXIT:
        return this.exit(a, b, c);
      case P.P_PROC_REPARENT: {
        const s = this.slotOf(a);
        if (s >= 0) this.gParent[s] = b;
        if (b !== 1) return this.fail('S-PM-02', `PID ${a} was reparented to ${b}, not to init`);
        return null;
      }
      case P.P_PROC_REAP:
        return this.reaped(a, b, c);
      case P.P_PROC_WAIT:
        return this.waitReturned(a, b, c);
      case P.P_PROC_WAIT_BLOCK:
        return this.waitBlocked(a, b, c);
      case P.P_PROC_SCHED:
        this.gRunSlot = a;
        this.gRunPid = b;
        if (c !== PS_READY) return this.fail('S-PM-12', `slot ${a} (PID ${b}) was scheduled while ${STATE_NAMES[c] ?? c}`);
        return null;
      case P.P_PROC_EXEC_START:
        this.snapshot(a);
        return null;
      case P.P_PROC_EXEC:
        return this.execEnded(a, b);
      case P.P_PROC_STORE:
        this.remember(this.slotOf(a), b, c);
        return null;
      case P.P_PROC_LOAD:
        return this.loaded(a, b, c);
      case P.P_PROC_SIGCHLD:
        this.sigchld.push(a);
        return null;
      case P.P_PROC_SYSCALL:
        // (Reading the clock between reaps is still reaping.)
        if (a === 1 && this.initDraining === 1 && b !== SYS_WAIT && b !== SYS_WAITPID && b !== SYS_UPTIME && this.zombieChild(1, -1) >= 0) {
          return this.fail('L-PM-03', `init reaped a child and then made system call ${b} while child PID ${this.gPid[this.zombieChild(1, -1)]} was still a zombie`);
        }
        return null;
      case P.P_PROC_OFD_REF:
        this.refsTouched = true;
        if (b === 1 && a >= 0 && a < OPEN_FILES) this.clearDue(a);
        if (b < 0) return this.fail('S-PM-07', `open file description ${a} has reference count ${b}`);
        return null;
      default:
        return null;
    }
  }

  private born(pid: number, parent: number, slot: number, fork: boolean): Violation | null {
    let v: Violation | null = null;
    if (this.gLife[slot] === ZOMBIE) v = this.fail('S-PM-03', `slot ${slot} was reused for PID ${pid} while PID ${this.gPid[slot]} in it was still an unreaped zombie`);
    else if (this.gLife[slot] === LIVE) v = this.fail('S-PM-06', `slot ${slot} was given to PID ${pid} while PID ${this.gPid[slot]} still lives in it`);
    if (this.gLife[slot] === ZOMBIE) this.zombies--;
    if (!v && pid !== 0 && pid <= this.maxPid) v = this.fail('S-PM-06', `PID ${pid} was handed out again (PIDs only increase; the last was ${this.maxPid})`);
    this.maxPid = Math.max(this.maxPid, pid);
    this.gPid[slot] = pid;
    this.gParent[slot] = parent;
    this.gLife[slot] = LIVE;
    this.gStatus[slot] = 0;
    this.gReported[slot] = 0;
    this.gWaitAt[slot] = -1;
    this.gStores[slot] = 0;
    if (!fork) return v;
    const procs = this.m.procs!;
    // The caller is the process on the CPU: the one the last dispatch probe named.
    const caller = this.gRunPid;
    if (!v && parent !== caller) v = this.fail('S-PM-06', `fork by PID ${caller} made PID ${pid} with parent ${parent}`);
    if (!v && procs.t.ppid[slot] !== caller) v = this.fail('S-PM-06', `the kernel records PID ${pid}'s parent as ${procs.t.ppid[slot]}, but PID ${caller} forked it`);
    // The child starts with the parent's memory, so it inherits what the parent stored.
    const ps = this.gRunSlot;
    this.gStores[slot] = this.gStores[ps];
    for (let i = 0; i < STORES; i++) {
      this.gStoreAddr[slot * STORES + i] = this.gStoreAddr[ps * STORES + i];
      this.gStoreVal[slot * STORES + i] = this.gStoreVal[ps * STORES + i];
    }
    // Inherited fds counted (S-PM-06): each open file the child got is referenced as counted.
    if (!v) {
      const t = procs.t;
      for (let fd = 0; fd < MAX_FDS && !v; fd++) {
        const o = t.fds[slot * MAX_FDS + fd];
        if (o < 0) continue;
        const n = this.fdsNaming(o);
        if (procs.ofdRefs[o] !== n) v = this.fail('S-PM-06', `PID ${pid} inherited fd ${fd} (open file ${o}), which ${n} fds name, but its reference count is ${procs.ofdRefs[o]}`);
      }
    }
    return v;
  }

  private fdsNaming(o: number): number {
    const t = this.m.procs!.t;
    let n = 0;
    for (let s = 0; s < MAX_PROCS; s++) {
      if (t.state[s] === PS_FREE) continue;
      for (let fd = 0; fd < MAX_FDS; fd++) if (t.fds[s * MAX_FDS + fd] === o) n++;
    }
    return n;
  }

  /** Slots in use per the ghost: alive, or a zombie no wait has returned (see the header). */
  private inUse(): number {
    let n = 0;
    for (let s = 0; s < MAX_PROCS; s++) if (this.gLife[s] === LIVE || (this.gLife[s] === ZOMBIE && this.gReported[s] === 0)) n++;
    return n;
  }

  private forkFailed(caller: number, errno: number): Violation | null {
    if (errno !== EAGAIN) return null;
    const used = this.inUse();
    if (used < MAX_PROCS) return this.fail('S-PM-13', `fork by PID ${caller} failed for lack of a process slot with only ${used} of ${MAX_PROCS} slots in use (the table holds ${this.m.procs!.t.inUse()}: terminated processes nobody will free)`);
    return null;
  }

  private exit(pid: number, status: number, parent: number): Violation | null {
    // init's exit is recorded like any other (the ghost follows what happened), then reported.
    let v = pid === 1 ? this.fail('S-PM-01', `init (PID 1) exited with status ${status}`) : null;
    const s = this.slotOf(pid);
    if (s < 0) return v ?? this.fail('S-PM-03', `PID ${pid} exited but is not a live process`);
    if (this.gLife[s] === ZOMBIE) return v; // eclipse-b: a second exit of a terminated process
    this.gLife[s] = ZOMBIE;
    this.gStatus[s] = status;
    this.gExitAt[s] = this.m.sim.now;
    this.gWaitAt[s] = -1;
    this.zombies++;
    this.exited.push(s);
    if (!v && parent !== this.gParent[s]) v = this.fail('S-PM-06', `PID ${pid} exited with parent ${parent}, but its parent is ${this.gParent[s]}`);
    return v;
  }

  private reaped(pid: number, status: number, reaper: number): Violation | null {
    const s = this.slotOf(pid);
    if (s < 0 || this.gLife[s] !== ZOMBIE) return this.fail('S-PM-04', `PID ${pid} was reaped by ${reaper} but is not a zombie (reaped twice, or never exited)`);
    let v: Violation | null = null;
    if (status !== this.gStatus[s]) v = this.fail('S-PM-04', `PID ${pid} exited with status 0x${this.gStatus[s].toString(16)} but its reaper got 0x${status.toString(16)}`);
    else if (reaper !== this.gParent[s]) v = this.fail('S-PM-04', `PID ${pid} was reaped by PID ${reaper}, not by its parent ${this.gParent[s]}`);
    this.gLife[s] = FREE;
    this.zombies--;
    this.gStores[s] = 0;
    this.reapedPid = pid;
    this.reapedBy = reaper;
    return v;
  }

  private waitReturned(caller: number, which: number, r: number): Violation | null {
    const cs = this.slotOf(caller);
    if (cs >= 0) this.gWaitAt[cs] = -1;
    const reference = this.m.profile === 'reference';
    const noChild = reference ? r === -ECHILD : r === -1;
    const has = this.hasChild(caller, which);
    if (caller === 1) this.initDraining = r > 0 ? 1 : 0;
    if (noChild && has) {
      const z = this.zombieChild(caller, which);
      return this.fail('S-PM-05', `wait by PID ${caller} reported no child${which > 0 ? ` ${which}` : ''}, but it has ${z >= 0 ? `zombie child ${this.gPid[z]}` : 'live children'}`);
    }
    if (r === 0 && !has) return this.fail('S-PM-05', `wait by PID ${caller} returned 0 (WNOHANG) but it has no children: ECHILD was due`);
    if (r > 0) {
      // reference: the child was reaped by this very wait (its REAP came first in this step).
      if (this.reapedPid === r && this.reapedBy === caller) return null;
      // eclipse-b: a PID returned without reaping stays a zombie; returning it again is a second "reap".
      const z = this.slotOf(r);
      if (z < 0 || this.gParent[z] !== caller || this.gLife[z] !== ZOMBIE) return this.fail('S-PM-05', `wait by PID ${caller} returned ${r}, which is not its exited child`);
      if (this.gReported[z] === 1) return this.fail('S-PM-04', `wait by PID ${caller} returned PID ${r} again: it was never reaped`);
      this.gReported[z] = 1;
    }
    return null;
  }

  private waitBlocked(caller: number, which: number, flags: number): Violation | null {
    const cs = this.slotOf(caller);
    if (cs >= 0) {
      this.gWaitAt[cs] = this.m.sim.now;
      this.gWaitFor[cs] = which;
    }
    if ((flags & WNOHANG) !== 0) return this.fail('S-PM-05', `waitpid with WNOHANG blocked PID ${caller}`);
    const z = this.zombieChild(caller, which);
    if (z >= 0) return this.fail('S-PM-05', `wait by PID ${caller} blocked although child ${this.gPid[z]} is a zombie`);
    if (!this.hasChild(caller, which)) return this.fail('S-PM-05', `wait by PID ${caller} blocked but it has no such child (ECHILD was due)`);
    return null;
  }

  private spaceHash(slot: number): string {
    const h = this.h;
    h.reset();
    this.m.procs!.mem.fingerprint(h as Hasher64, slot);
    return h.hex();
  }

  private snapshot(pid: number): void {
    const s = this.slotOf(pid);
    this.execHash = s >= 0 ? this.spaceHash(s) : '';
    this.execFree = this.m.procs!.mem.freeCount;
  }

  private execEnded(pid: number, r: number): Violation | null {
    const s = this.slotOf(pid);
    if (s < 0) return null;
    const mem = this.m.procs!.mem;
    if (r < 0) {
      if (this.spaceHash(s) !== this.execHash) return this.fail('S-PM-08', `a failed exec (${r}) changed PID ${pid}'s address space`);
      if (mem.freeCount !== this.execFree || mem.pageCount[SCRATCH] !== 0) return this.fail('S-PM-08', `a failed exec (${r}) by PID ${pid} leaked ${this.execFree - mem.freeCount} frames`);
      return null;
    }
    this.gStores[s] = 0;
    return null;
  }

  private remember(s: number, addr: number, v: number): void {
    if (s < 0) return;
    const n = this.gStores[s];
    for (let i = 0; i < n; i++) {
      if (this.gStoreAddr[s * STORES + i] === addr) {
        this.gStoreVal[s * STORES + i] = v;
        return;
      }
    }
    if (n === STORES) return;
    this.gStoreAddr[s * STORES + n] = addr;
    this.gStoreVal[s * STORES + n] = v;
    this.gStores[s] = n + 1;
  }

  private loaded(pid: number, addr: number, v: number): Violation | null {
    const s = this.slotOf(pid);
    if (s < 0) return null;
    for (let i = 0; i < this.gStores[s]; i++) {
      if (this.gStoreAddr[s * STORES + i] !== addr) continue;
      const want = this.gStoreVal[s * STORES + i];
      if (want !== v) return this.fail('S-PM-11', `PID ${pid} stored 0x${want.toString(16)} at 0x${addr.toString(16)} and read back 0x${v.toString(16)}: another process's write is visible`);
    }
    return null;
  }

  /** The model's table, page maps and fd tables against the ghost, after a step that touched them. */
  private structure(): Violation | null {
    // A failed boot (init missing or not loadable) leaves nothing to judge.
    if (this.m.bootFailure !== 0) return null;
    const procs = this.m.procs!;
    const t = procs.t;
    const reference = this.m.profile === 'reference';
    // S-PM-02, S-PM-03, S-PM-09 for the processes that exited in this step.
    for (const s of this.exited) {
      const pid = this.gPid[s];
      if (reference) {
        for (let c = 0; c < MAX_PROCS; c++) {
          if (t.state[c] !== PS_FREE && t.ppid[c] === pid && c !== s) return this.fail('S-PM-02', `PID ${pid} exited, but its child PID ${t.pid[c]} still has it as parent`);
        }
      }
      if (procs.mem.pageCount[s] !== 0) return this.fail('S-PM-03', `zombie PID ${pid} still holds ${procs.mem.pageCount[s]} pages`);
      for (let fd = 0; fd < MAX_FDS; fd++) if (t.fds[s * MAX_FDS + fd] >= 0) return this.fail('S-PM-03', `zombie PID ${pid} still holds fd ${fd}`);
      if (t.status[s] !== this.gStatus[s]) return this.fail('S-PM-03', `zombie PID ${pid} keeps status 0x${t.status[s].toString(16)}, but it exited with 0x${this.gStatus[s].toString(16)}`);
      const parent = this.gParent[s];
      const ps = this.slotOf(parent);
      if (ps >= 0 && this.gLife[ps] === LIVE && !this.sigchld.includes(parent)) return this.fail('S-PM-09', `PID ${pid} exited, but no SIGCHLD was raised at its parent ${parent}`);
      if (ps >= 0 && this.gLife[ps] === LIVE && (t.sigPending[t.slotOf(parent)] & (1 << SIGCHLD)) === 0) return this.fail('S-PM-09', `PID ${pid} exited, but SIGCHLD is not pending at its parent ${parent}`);
    }
    // S-PM-01: every live process but PID 0 and init has a live parent.
    if (this.exited.length > 0) {
      for (let s = 0; s < MAX_PROCS; s++) {
        if (this.gLife[s] !== LIVE || this.gPid[s] <= 1) continue;
        const p = this.slotOf(this.gParent[s]);
        if (p < 0 || this.gLife[p] !== LIVE) return this.fail('S-PM-01', `PID ${this.gPid[s]} is alive but its parent ${this.gParent[s]} is not`);
      }
    }
    const ring = this.readyRing();
    if (ring) return ring;
    // S-PM-13: the table against the ghost.
    const inTable = t.inUse();
    if (inTable > MAX_PROCS) return this.fail('S-PM-13', `${inTable} processes in a ${MAX_PROCS}-slot table`);
    if (this.refsTouched || this.exited.length > 0) {
      const v = this.counts();
      if (v) return v;
    }
    return this.conservation();
  }

  /**
   * S-PM-12: the process on the CPU is Running and every Ready process is in the ready ring once.
   * Cheap (one pass over the ring and the table), so it runs after every step, not only after
   * the steps whose probes say the table changed: a ring damaged by a step without one is seen
   * before the damage can heal.
   */
  private readyRing(): Violation | null {
    const procs = this.m.procs!;
    const t = procs.t;
    if (!procs.halted && procs.booting === 0 && t.state[procs.running] !== PS_RUNNING) {
      return this.fail('S-PM-12', `the process on the CPU (slot ${procs.running}, PID ${t.pid[procs.running]}) is ${STATE_NAMES[t.state[procs.running]]}, not Running`);
    }
    const queued = this.queued;
    queued.fill(0);
    for (let i = 0; i < t.ringCount; i++) queued[t.ring[(t.ringHead + i) % MAX_PROCS]]++;
    for (let s = 0; s < MAX_PROCS; s++) {
      if (t.state[s] !== PS_READY) continue;
      const q = queued[s];
      if (q !== 1) return this.fail('S-PM-12', `Ready PID ${t.pid[s]} is in the ready queue ${q} times`);
    }
    return null;
  }

  /** S-PM-07: every frame and open file is referenced exactly as counted. */
  private counts(): Violation | null {
    const procs = this.m.procs!;
    const mem = procs.mem;
    const t = procs.t;
    const kfs = this.m.kfs!;
    const seen = this.seen;
    seen.fill(0);
    for (let s = 0; s <= MAX_PROCS; s++) for (let i = 0; i < mem.pageCount[s]; i++) seen[mem.frameOf[s * MAX_PAGES + i]]++;
    let free = 0;
    for (let f = 0; f < mem.frames; f++) {
      if (seen[f] !== mem.refs[f]) return this.fail('S-PM-07', `frame ${f} is mapped ${seen[f]} times but counted ${mem.refs[f]}`);
      if (mem.refs[f] === 0) free++;
    }
    if (free !== mem.freeCount) return this.fail('S-PM-07', `${free} frames are free but the pool counts ${mem.freeCount}`);
    const row = kfs.fileRow[procs.kfsBase] * MAX_FDS;
    const named = this.named;
    named.fill(0);
    for (let s = 0; s < MAX_PROCS; s++) {
      if (t.state[s] === PS_FREE) continue;
      for (let fd = 0; fd < MAX_FDS; fd++) if (t.fds[s * MAX_FDS + fd] >= 0) named[t.fds[s * MAX_FDS + fd]]++;
    }
    for (let o = 0; o < OPEN_FILES; o++) {
      const n = named[o];
      if (n !== procs.ofdRefs[o]) return this.fail('S-PM-07', `open file ${o} is named by ${n} fds but counted ${procs.ofdRefs[o]}`);
      if (n > 0 && kfs.fdOpen[row + o] !== 1) return this.fail('S-PM-07', `open file ${o} is named by ${n} fds but was released`);
      if (kfs.fdOpen[row + o] !== 1) this.clearDue(o);
      else if (n === 0 && !this.execFile(o) && !this.returnDue(o)) return this.fail('S-PM-07', `open file ${o} is named by no fd but was never released`);
    }
    return null;
  }

  /** The file system answered file-system client `client`'s open with `result`: if a process's open() or exec's open, its return is due. */
  private openAnswered(client: number, result: number): void {
    const procs = this.m.procs;
    if (!procs || result < 0 || result >= OPEN_FILES) return;
    const s = client - procs.kfsBase;
    if (s < 0 || s >= MAX_PROCS || (procs.kop[s] !== K_OPEN && procs.kop[s] !== K_EXEC_OPEN)) return;
    if (this.openDue[result] === 0) this.openDueCount++;
    this.openDue[result] = s + 1;
  }

  private clearDue(o: number): void {
    if (this.openDue[o] === 0) return;
    this.openDue[o] = 0;
    this.openDueCount--;
  }

  /** Is open file `o` the answer to an open (open() or exec's) whose caller is still waiting for its return? */
  private returnDue(o: number): boolean {
    const due = this.openDue[o];
    if (due === 0) return false;
    const op = this.m.procs!.kop[due - 1];
    return op === K_OPEN || op === K_EXEC_OPEN;
  }

  /** Is open file `o` one that exec_path holds while it reads an ELF file (not a process fd)? */
  private execFile(o: number): boolean {
    const procs = this.m.procs!;
    for (let s = 0; s < MAX_PROCS; s++) if (procs.kop[s] !== 0 && procs.kfd[s] === o) return true;
    return false;
  }

  /** S-PM-10: once only PID 0 and init are left, nothing else holds a slot, a frame or a file. */
  private conservation(): Violation | null {
    if (this.m.profile !== 'reference') return null;
    for (let s = 0; s < MAX_PROCS; s++) if (this.gLife[s] !== FREE && this.gPid[s] > 1) return null;
    const procs = this.m.procs!;
    const t = procs.t;
    if (t.inUse() !== 2 && procs.booting === 0) return this.fail('S-PM-10', `only PID 0 and init are left, but ${t.inUse()} slots are in use`);
    const initSlot = t.slotOf(1);
    const held = initSlot >= 0 ? procs.mem.pageCount[initSlot] + procs.mem.pageCount[SCRATCH] : 0;
    if (procs.mem.frames - procs.mem.freeCount !== held) return this.fail('S-PM-10', `only PID 0 and init are left, but ${procs.mem.frames - procs.mem.freeCount} frames are in use and init holds ${held}`);
    let files = 0;
    for (let o = 0; o < OPEN_FILES; o++) if (procs.ofdRefs[o] > 0) files++;
    let initFiles = 0;
    if (initSlot >= 0) for (let fd = 0; fd < MAX_FDS; fd++) if (t.fds[initSlot * MAX_FDS + fd] >= 0) initFiles++;
    if (files > initFiles) return this.fail('S-PM-10', `only PID 0 and init are left, but ${files} files are open and init holds ${initFiles}`);
    return null;
  }

  private deadlines(now: number, quiescent: boolean): Violation | null {
    const bound = this.m.params.proc!.reapBoundMicros;
    const settle = this.m.faults.settleUntil;
    for (let s = 0; s < MAX_PROCS; s++) {
      if (this.gLife[s] !== ZOMBIE) continue;
      const from = Math.max(this.gExitAt[s], settle);
      if (quiescent || from + bound < now) {
        const parent = this.gParent[s];
        const ps = this.slotOf(parent);
        const waiting = ps >= 0 && this.gWaitAt[ps] >= 0 && (this.gWaitFor[ps] === -1 || this.gWaitFor[ps] === this.gPid[s]);
        if (waiting && this.selected('L-PM-01')) return this.fail('L-PM-01', `PID ${parent} has been blocked in wait since ${this.gWaitAt[ps]} µs with zombie child ${this.gPid[s]} (exited at ${this.gExitAt[s]} µs)`);
        return this.fail('L-PM-02', `zombie PID ${this.gPid[s]} (exited at ${this.gExitAt[s]} µs, parent ${parent}) was ${quiescent ? 'never reaped' : `not reaped within ${bound} µs`}`);
      }
    }
    return null;
  }

  atEnd(quiescent: boolean): Violation | null {
    return this.deadlines(this.m.sim.now, quiescent);
  }

  fingerprint(h: Hasher64, now: number): void {
    if (this.openDueCount > 0) for (let o = 0; o < OPEN_FILES; o++) if (this.openDue[o] !== 0) h.int(o | (this.openDue[o] << 16));
    h.int(this.maxPid);
    h.int(this.initDraining);
    h.int(this.gRunSlot);
    h.int(this.gRunPid);
    for (let s = 0; s < MAX_PROCS; s++) {
      if (this.gLife[s] === FREE) continue;
      h.int(s);
      h.int(this.gPid[s]);
      h.int(this.gParent[s]);
      h.int(this.gLife[s] | (this.gReported[s] << 2));
      h.int(this.gStatus[s]);
      if (this.gLife[s] === ZOMBIE) h.num(now - this.gExitAt[s]);
      h.num(this.gWaitAt[s] < 0 ? -1 : now - this.gWaitAt[s]);
      h.int(this.gWaitFor[s]);
      for (let i = 0; i < this.gStores[s]; i++) {
        h.num(this.gStoreAddr[s * STORES + i]);
        h.int(this.gStoreVal[s * STORES + i]);
      }
    }
  }
}
