/**
 * Service-manager checks (invariants.md "Service manager"): S-SM-01…09 and L-SM-01…05.
 *
 * The subject is init's service table (state and PID per service, in init's program state). The
 * judge is a ghost built from what the kernel saw: which PID exec'd which service's program, when
 * each died, which READY messages reached init and from whom, when init forked. The intensity and
 * backoff rules are recomputed here from those times (restart times, deaths, READY times), never
 * read from init, so a bug in init's arithmetic cannot agree with itself.
 *
 * Readings:
 * - A start is the moment the table records a new PID for a service; a restart is any start after
 *   the first. A fork that fails counts as a failure at that moment (there is no death).
 * - S-SM-04 is judged at each decision: when the table makes a service Failed, more than MaxR
 *   restarts must lie within MaxT before it; when it schedules a restart instead, not. init decides
 *   a step after it saw the death, so the window is taken at the decision and 1 ms earlier, and
 *   only a decision wrong for both is reported.
 * - S-SM-05: the k-th consecutive failure's restart waits at least min(base · 2^(k−1), cap) after
 *   the failure; k resets when the service had been Running (its READY seen) for the stable period.
 * - L-SM-03 is judged at the end of a run that lasted long enough after the last fault settled,
 *   for the services that do not need a Failed one (those can never start, and S-SM-04 forbids
 *   making them Failed).
 * - L-SM-05 watches init while it is busy: blocked in receive, waiting for its next deadline or a
 *   message, it is idle by design.
 *
 * What it does not verify, and why: the services' own work (their requests to a dependency are
 * messages, judged by checks/ipc.ts); the processes behind them (checks/proc.ts sees forks, exits
 * and reaping); and the numbers init is configured with (they come from the scenario, and the
 * rules are recomputed here from observed times, so only init's decisions are judged).
 */
import * as C from '../model/coverage.js';
import type { Hasher64 } from '../sim/hash.js';
import type { StateDecl } from '../sim/state-walk.js';
import type { Violation } from '../sim/violation.js';
import * as A from '../model/proc/abi.js';
import * as P from '../model/probes.js';
import { F_HANG } from '../model/faults.js';
import { serviceState, servicePid, serviceTable } from '../model/init/service-table.js';
import { E_CPU_STEP } from '../model/proc/scheduler.js';
import { B_RECV } from '../model/proc/process-table.js';
import { programIndex, PROGRAMS } from '../model/proc/programs/registry.js';
import { DEPENDS, OP_READY, SERVICES, SHIPPED_NAMES, SV_FAILED, SV_NAMES, SV_RUNNING, SV_STARTING, SV_STOPPED } from '../model/init/service-protocol.js';
import { CheckFamilyBase, type CheckInfo, type ProbeHandler } from './check.js';
const sm = (id: string, kind: 'safety' | 'progress', title: string): CheckInfo => ({ id, subsystem: 'service manager', kind, title });

export const SERVICE_CHECKS: readonly CheckInfo[] = [
  sm('S-SM-01', 'safety', 'state machine: only the allowed transitions; never Stopped → Running'),
  sm('S-SM-02', 'safety', 'single instance: one live process per service; a recorded PID exists and runs that service'),
  sm('S-SM-03', 'safety', 'state follows reality: a dead service leaves Running within one reaper pass'),
  sm('S-SM-04', 'safety', 'restart intensity: Failed iff more than MaxR restarts within MaxT'),
  sm('S-SM-05', 'safety', 'backoff: the k-th consecutive restart waits min(base · 2^(k−1), cap); k resets after the stable period'),
  sm('S-SM-06', 'safety', 'dependencies: a service starts only when everything it needs is Running'),
  sm('S-SM-07', 'safety', 'readiness: Starting → Running only on READY from the current incarnation'),
  sm('S-SM-08', 'safety', 'Failed is sticky: no automatic restart from Failed'),
  sm('S-SM-09', 'safety', 'init duties: init never exits and reaps every child it owns or inherits'),
  sm('L-SM-01', 'progress', 'Starting is left within the start timeout'),
  sm('L-SM-02', 'progress', 'a crashed service that is not Failed is restarted after its delay'),
  sm('L-SM-03', 'progress', 'when faults stop, every service that is not Failed reaches Running and stays there'),
  sm('L-SM-04', 'progress', 'a hung service is detected and restarted within about two health periods'),
  sm('L-SM-05', 'progress', 'init’s main loop keeps making progress'),
];

const N = SERVICES;
const NONE = -1;
/** Restart times kept per service (enough for MaxR ≤ 15 within MaxT). */
const RING = 32;
/** Decision-time tolerance for S-SM-04 (see the header). */
const TOLERANCE = 1000;

export class ServiceChecks extends CheckFamilyBase {
  /**
   * For the fingerprint audit: times relative to now (NONE, −1, stays as it is); the program
   * indices, looked up once; `liveCount` is scratch for one count; `receiver` links a receive to
   * its payload probe within one step; `lastEval` only spares a second evaluation of the
   * deadlines at the same time, which could find nothing new.
   */
  static override readonly stateDecl: StateDecl = {
    fixed: ['serviceProgram'],
    dead: ['liveCount', 'receiver', 'lastEval'],
    times: ['startAt', 'restartAt', 'failAt', 'readyAt', 'diedAt', 'hungAt', 'depsDownAt', 'initClockAt', 'iterAt'],
  };

  readonly checks = SERVICE_CHECKS;
  // the table as last seen
  private readonly st = new Int32Array(N);
  private readonly pid = new Int32Array(N);
  // ghost per service
  private readonly starts = new Int32Array(N);
  private readonly startAt = new Float64Array(N);
  private readonly restartAt = new Float64Array(N * RING);
  private readonly restartN = new Int32Array(N);
  /**
   * Consecutive failures, and when the last one happened (death or failed fork). init's count lies
   * between k (reset wherever a correct init may reset) and kHigh (reset only where it must).
   */
  private readonly k = new Int32Array(N);
  private readonly kHigh = new Int32Array(N);
  private readonly failAt = new Float64Array(N);
  /** When init received READY from the current incarnation (NONE: not yet). */
  private readonly readyAt = new Float64Array(N);
  /** The current incarnation's process has died (at that time), NONE while alive. */
  private readonly diedAt = new Float64Array(N);
  private readonly hungAt = new Float64Array(N);
  /** The last time service i's dependencies were not all Running (L-SM-02). */
  private readonly depsDownAt = new Float64Array(N);
  // ghost per PID
  /** PID → service whose program it exec'd. */
  private readonly serviceOf = new Map<number, number>();
  private readonly deadPids = new Set<number>();
  /**
   * PIDs alive as the spawn, fork and exit probes reported them, with the program each last
   * exec'd (−1: none yet, it runs what its parent ran): S-SM-02 asks these, not the process table.
   */
  private readonly liveProgram = new Map<number, number>();
  /** PIDs whose READY reached init. */
  private readonly readyFrom = new Set<number>();
  /** init's children that exited and are not yet reaped. */
  private readonly initZombies = new Set<number>();
  /** PIDs init reaped in its current pass. */
  private readonly reapedThisPass: number[] = [];
  private lastIter = 0;
  private receiver = -1;
  private initClockAt = 0;
  /** Between a power loss and the next boot. */
  private down = false;
  /** init's reaper pass ended in this step (S-SM-03 is judged after the table is read). */
  private passEnd = false;
  private iterAt = 0;
  private initProgram = -1;
  private lastEval = -1;
  private readonly serviceProgram: number[] = [];
  /** The programs that keep a service table: reference init and eclipse-b's init v0.2.0. */


  private get sv() {
    return this.m.params.proc!.services!;
  }

  begin(): void {
    this.st.fill(0);
    this.pid.fill(0);
    this.starts.fill(0);
    this.restartN.fill(0);
    this.restartAt.fill(NONE);
    this.k.fill(0);
    this.kHigh.fill(0);
    this.failAt.fill(NONE);
    this.readyAt.fill(NONE);
    this.diedAt.fill(NONE);
    this.hungAt.fill(NONE);
    this.depsDownAt.fill(0);
    this.startAt.fill(0);
    this.initClockAt = 0;
    this.down = false;
    this.serviceOf.clear();
    this.deadPids.clear();
    this.liveProgram.clear();
    this.liveDirty = false;
    this.recordDirty = true;
    this.seenTable = null;
    this.hangsSeen = this.m.faults.counts[F_HANG];
    this.readyFrom.clear();
    this.initZombies.clear();
    this.reapedThisPass.length = 0;
    this.passEnd = false;
    this.receiver = -1;
    this.lastIter = 0;
    this.iterAt = this.m.sim.now;
    this.initProgram = -1;
    this.lastEval = -1;
    if (this.serviceProgram.length === 0) {
      for (let i = 0; i < N; i++) this.serviceProgram.push(programIndex(A.SERVICE_NAMES[i]), programIndex(SHIPPED_NAMES[i]));
    }
  }


  private readonly handle: ProbeHandler = (kind, a, b, c) => this.onProbe(kind, a, b, c);

  /** init's program state, when init runs a service manager. */
  private table(): Record<string, number> | null {
    const t = this.m.procs!.t;
    const table = serviceTable(t);
    if (table) this.initProgram = t.program[1];
    return table;
  }

  afterStep(): Violation | null {
    // A probe's violation does not skip reading the table: its transitions are judged only in the
    // step init made them, and the ghost (starts, deaths, READYs) must follow them.
    const first = this.readStepProbes(this.handle);
    const s = this.down ? null : this.table();
    if (!s) return first;
    let v: Violation | null = first;
    let changed = false;
    // init's table changes only when init's program takes a step (or a new one is loaded): the
    // keyed reads below are most of this family's time, so skip them on every other event.
    const q = this.m.sim.queue;
    const initStepped = (q.poppedKind === E_CPU_STEP && q.poppedA === 1) || s !== this.seenTable;
    this.seenTable = s;
    for (let i = 0; initStepped && i < this.sv.count; i++) {
      const st = serviceState(s, i);
      const pid = servicePid(s, i);
      if (st !== this.st[i] || pid !== this.pid[i]) {
        changed = true;
        const w = this.transition(i, this.st[i], st, this.pid[i], pid);
        if (w && !v && this.selected(w.check)) v = w;
        this.st[i] = st;
        this.pid[i] = pid;
      }
    }
    if (this.passEnd) {
      this.passEnd = false;
      // S-SM-03: by the end of the pass, a service whose process init reaped is not Running.
      for (const z of this.reapedThisPass) {
        for (let i = 0; i < this.sv.count; i++) {
          if (this.pid[i] === z && (this.st[i] === SV_RUNNING || this.st[i] === SV_STARTING) && !v && this.selected('S-SM-03')) {
            v = this.fail('S-SM-03', `init reaped ${A.SERVICE_NAMES[i]}'s PID ${z} and ended its reaper pass with the service still ${SV_NAMES[this.st[i]]} on that PID`);
          }
        }
      }
      this.reapedThisPass.length = 0;
    }
    const now = this.m.sim.now;
    // L-SM-05 watches a busy init: waiting in receive for the next deadline or message is idle.
    const t = this.m.procs!.t;
    if (s.iter !== this.lastIter || (t.state[1] === A.PS_BLOCKED && t.block[1] === B_RECV)) {
      this.lastIter = s.iter;
      this.iterAt = now;
    }
    // A service is newly hung only when a hang fault struck or a service got another PID.
    const hangs = this.m.faults.counts[F_HANG];
    if (changed) this.recordDirty = true;
    if (changed || hangs !== this.hangsSeen) {
      this.hangsSeen = hangs;
      this.noteHangs();
    }
    if (v) return v;
    if (now !== this.lastEval) {
      this.lastEval = now;
      return this.deadlines(now, s);
    }
    return null;
  }

  private onProbe(kind: number, a: number, b: number, c: number): Violation | null {
    switch (kind) {
      case P.P_PROC_EXEC:
        this.recordDirty = true;
        if (b === 0 && this.liveProgram.has(a)) this.liveProgram.set(a, c);
        if (b === 0) {
          const i = this.serviceProgram.indexOf(c);
          if (i >= 0) {
            this.serviceOf.set(a, i >> 1);
            this.liveDirty = true;
          }
        }
        return null;
      case P.P_PROC_EXIT: {
        this.liveProgram.delete(a);
        if (a === 1) return this.fail('S-SM-09', `init exited (status 0x${b.toString(16)})`);
        this.deadPids.add(a);
        this.liveDirty = true;
        this.recordDirty = true;
        if (c === 1) this.initZombies.add(a);
        let dead = 0;
        for (let i = 0; i < N; i++) {
          if (this.pid[i] === a && this.diedAt[i] === NONE) this.diedAt[i] = this.m.sim.now;
          if (this.pid[i] > 0 && this.diedAt[i] !== NONE) dead++;
        }
        // Coverage (model/coverage.ts): a second service dead before init has acted on the first.
        if (dead >= 2) this.m.coverage.hit(C.C_SERVICE_TWO_DEAD);
        return null;
      }
      case P.P_PROC_REPARENT:
        if (b === 1 && this.deadPids.has(a)) this.initZombies.add(a);
        return null;
      case P.P_PROC_REAP:
        this.recordDirty = true;
        if (c === 1) {
          this.initZombies.delete(a);
          this.reapedThisPass.push(a);
        }
        return null;
      case P.P_PROC_WAIT:
        // init's reaper pass ends when its waitpid(WNOHANG) finds nothing more (0 or ECHILD).
        if (a === 1 && this.m.profile === 'reference' && c <= 0) return this.passEnded();
        return null;
      case P.P_PROC_SYSCALL:
        if (a === 1 && b === A.SYS_UPTIME) this.initClockAt = this.m.sim.now;
        return null;
      case P.P_PROC_FORK_FAIL:
        if (a === 1) this.forkFailed();
        return null;
      case P.P_IPC_RECV:
        this.receiver = b;
        return null;
      case P.P_IPC_RECV_PAYLOAD: {
        // READY reaching init: the incarnation is the sender's PID, carried in the message.
        const ipc = this.m.procs!.ipc;
        if (this.receiver === 1 && b >= 8 && ipc.gotBytes[0] === OP_READY && ipc.gotBytes[1] === 0) {
          const arg = ipc.gotBytes[4] | (ipc.gotBytes[5] << 8) | (ipc.gotBytes[6] << 16) | (ipc.gotBytes[7] << 24);
          this.readyFrom.add(arg);
        }
        return null;
      }
      case P.P_POWER_LOSS:
        // Until the machine is up again, init's table is the dead machine's.
        this.begin();
        this.down = true;
        return null;
      case P.P_PROC_SPAWN:
        this.down = false;
        this.liveProgram.set(a, -1);
        this.recordDirty = true;
        return null;
      case P.P_PROC_FORK:
        // The child runs its parent's program until it execs.
        this.liveProgram.set(a, this.liveProgram.get(b) ?? -1);
        this.recordDirty = true;
        return null;
      default:
        return null;
    }
  }

  private passEnded(): Violation | null {
    this.passEnd = true;
    for (const z of this.initZombies) {
      const t = this.m.procs!.t;
      const slot = t.slotOf(z);
      if (slot >= 0 && t.state[slot] === A.PS_ZOMBIE && t.ppid[slot] === 1) return this.fail('S-SM-09', `init ended a reaper pass with its child PID ${z} still a zombie`);
    }
    return null;
  }

  /**
   * init's fork for a service failed: a failure now (there is no death). Which service it was
   * starting is read from init's state (identification only; the rules are judged here).
   */
  private forkFailed(): void {
    const s = this.table();
    if (!s || this.m.profile !== 'reference') return;
    const i = s.act;
    if (i < 0 || i >= N) return;
    this.k[i]++;
    this.kHigh[i]++;
    // The failure is when init decided to start, i.e. when it last read the clock.
    this.failAt[i] = this.initClockAt;
  }

  /** A table change of service i: judge it (all rules; the first selected violation is returned). */
  private transition(i: number, from: number, to: number, oldPid: number, newPid: number): Violation | null {
    const now = this.m.sim.now;
    const sv = this.sv;
    const name = A.SERVICE_NAMES[i];
    let v: Violation | null = null;
    coverTransition(this.m.coverage, from, to, oldPid, newPid);
    const hit = (id: string, msg: string): void => {
      if (!v && this.selected(id)) v = this.fail(id, msg);
    };
    if (from === SV_FAILED && to !== SV_FAILED) hit('S-SM-08', `${name} left Failed (to ${SV_NAMES[to]}): Failed is sticky`);
    if (from === 0 && to === SV_RUNNING) hit('S-SM-01', `${name} went from Stopped to Running`);
    if (to === 0 && from !== 0) hit('S-SM-01', `${name} went from ${SV_NAMES[from]} back to Stopped`);
    // A failure the table has taken note of: to Failed, or to a pending restart (no process).
    const failure = (to === SV_FAILED && from !== SV_FAILED) || (oldPid > 0 && newPid === 0 && to === SV_STARTING);
    if (failure) {
      const failedAt = this.diedAt[i] !== NONE ? this.diedAt[i] : now;
      // k: reset after the stable period of Running, then one more. (init measures from a little
      // after it saw READY to a little after the death: allow it the slack, so the ghost's count
      // is never above init's where a correct init could reset.)
      if (this.readyAt[i] !== NONE && failedAt - this.readyAt[i] >= sv.stablePeriod - sv.slackMicros) this.k[i] = 0;
      if (this.readyAt[i] !== NONE && failedAt - this.readyAt[i] >= sv.stablePeriod) this.kHigh[i] = 0;
      this.k[i]++;
      this.kHigh[i]++;
      this.failAt[i] = failedAt;
      const w = this.intensity(i, to === SV_FAILED, now, sv);
      if (w) hit(w.check, w.message);
    }
    // A new process for the service: a start.
    if (newPid > 0 && newPid !== oldPid) {
      const w = this.started(i, now, sv);
      if (w) hit(w.check, w.message);
    }
    // S-SM-07: Running only on READY from the current incarnation.
    if (to === SV_RUNNING && from !== SV_RUNNING) {
      if (!this.readyFrom.has(newPid)) hit('S-SM-07', `${name} (PID ${newPid}) was marked Running without a READY from that incarnation${this.serviceOf.get(newPid) === undefined ? ' (it has not even exec’d its program yet)' : ''}`);
      this.readyAt[i] = now;
    }
    if (newPid !== oldPid) {
      this.diedAt[i] = newPid > 0 && this.deadPids.has(newPid) ? now : NONE;
      if (to !== SV_RUNNING) this.readyAt[i] = NONE;
      this.hungAt[i] = NONE;
    }
    return v;
  }

  /** Restarts of service i within MaxT before `at`. */
  private restartsBefore(i: number, at: number, window: number): number {
    let n = 0;
    for (let j = 0; j < RING; j++) {
      const t = this.restartAt[i * RING + j];
      if (t !== NONE && at - t < window) n++;
    }
    return n;
  }

  /** S-SM-04 at a decision: Failed iff more than MaxR restarts within MaxT (counting this one). */
  private intensity(i: number, failed: boolean, now: number, sv: { maxRestarts: number; maxRestartWindow: number }): Violation | null {
    const over = (at: number) => this.restartsBefore(i, at, sv.maxRestartWindow) + 1 > sv.maxRestarts;
    const a = over(now);
    const b = over(now - TOLERANCE);
    const n = this.restartsBefore(i, now, sv.maxRestartWindow);
    if (failed && !a && !b) return this.fail('S-SM-04', `${A.SERVICE_NAMES[i]} was made Failed after ${n} restart(s) within ${sv.maxRestartWindow} µs; MaxR is ${sv.maxRestarts}`);
    if (!failed && a && b) return this.fail('S-SM-04', `${A.SERVICE_NAMES[i]} is restarted again after ${n} restarts within ${sv.maxRestartWindow} µs; MaxR is ${sv.maxRestarts}`);
    return null;
  }

  /** A start of service i (a new PID in the table): judged, and always recorded. */
  private started(i: number, now: number, sv: { backoffBase: number; backoffCap: number; stablePeriod: number }): Violation | null {
    const name = A.SERVICE_NAMES[i];
    let v: Violation | null = null;
    // S-SM-06: everything it needs is Running: in the table, with READY seen from that
    // incarnation. (A dependency that died a moment ago, before init could reap it, is still
    // Running as far as anyone can know: that race is not a violation.)
    for (const d of DEPENDS[i]) {
      if (d >= this.sv.count || v) continue;
      if (this.st[d] !== SV_RUNNING || this.readyAt[d] === NONE) {
        if (this.selected('S-SM-06')) v = this.fail('S-SM-06', `${name} was started while ${A.SERVICE_NAMES[d]}, which it needs, is ${SV_NAMES[this.st[d]]}${this.readyAt[d] === NONE ? ' (no READY yet)' : ''}`);
      }
    }
    // S-SM-05: the backoff before a restart.
    // (A start after a failure is a restart, even if the failure was the first fork's.)
    if (!v && this.k[i] > 0 && this.failAt[i] !== NONE && this.selected('S-SM-05')) {
      const need = Math.min(sv.backoffBase * 2 ** (this.k[i] - 1), sv.backoffCap);
      const waited = now - this.failAt[i];
      if (waited < need) v = this.fail('S-SM-05', `${name} was restarted ${waited} µs after its failure #${this.k[i]} in a row; the backoff is ${need} µs`);
    }
    if (this.starts[i] > 0) {
      this.restartAt[i * RING + this.restartN[i]] = now;
      this.restartN[i] = (this.restartN[i] + 1) % RING;
    }
    this.starts[i]++;
    this.startAt[i] = now;
    return v;
  }

  /** Notices a service process that hung (the model's flag is the fault's mark). */
  private noteHangs(): void {
    const procs = this.m.procs!;
    for (let i = 0; i < this.sv.count; i++) {
      if (this.pid[i] <= 0 || this.hungAt[i] !== NONE) continue;
      const slot = procs.t.slotOf(this.pid[i]);
      if (slot >= 0 && procs.hung[slot] === 1) this.hungAt[i] = this.m.sim.now;
    }
  }

  private deadlines(now: number, s: Record<string, number>): Violation | null {
    const sv = this.sv;
    const p = this.m.params.proc!;
    const reference = this.m.profile === 'reference';
    const on = this.selected;
    // L-SM-05: init's main loop advances.
    const loopBound = 2 * sv.healthPeriod + sv.slackMicros + p.reapBoundMicros;
    if (now - this.iterAt > loopBound && on('L-SM-05')) return this.fail('L-SM-05', `init's main loop has not advanced since ${this.iterAt} µs (iteration ${this.lastIter})`);
    for (let i = 0; i < sv.count; i++) {
      const name = A.SERVICE_NAMES[i];
      // L-SM-01: Starting with a process is left within the start timeout.
      if (this.st[i] === SV_STARTING && this.pid[i] > 0 && now - this.startAt[i] > sv.startTimeout + sv.slackMicros + p.reapBoundMicros && on('L-SM-01')) {
        return this.fail('L-SM-01', `${name} (PID ${this.pid[i]}) has been Starting since ${this.startAt[i]} µs; the start timeout is ${sv.startTimeout} µs`);
      }
      // L-SM-02: a pending restart happens once its delay has passed and its dependencies run.
      // (Counted from the later of the delay's end and when its dependencies last ran again.)
      if (!this.depsRunning(i)) this.depsDownAt[i] = now;
      if (reference && this.st[i] === SV_STARTING && this.pid[i] === 0 && this.failAt[i] !== NONE && this.depsRunning(i)) {
        const delay = Math.min(sv.backoffBase * 2 ** (Math.max(1, this.kHigh[i]) - 1), sv.backoffCap);
        const from = Math.max(this.failAt[i] + delay, this.depsDownAt[i]);
        if (now - from > sv.slackMicros + p.reapBoundMicros && on('L-SM-02')) return this.fail('L-SM-02', `${name} failed at ${this.failAt[i]} µs and has not been restarted (backoff ${delay} µs)`);
      }
      // L-SM-04: a hung service is killed within about two health periods (plus one for the ping).
      if (this.hungAt[i] !== NONE && now - this.hungAt[i] > 3 * sv.healthPeriod + sv.slackMicros + p.reapBoundMicros && on('L-SM-04')) {
        return this.fail('L-SM-04', `${name} (PID ${this.pid[i]}) hung at ${this.hungAt[i]} µs and is still not restarted`);
      }
      // S-SM-02: one live process per service; the recorded PID exists and runs that service.
      // (Its answer changes only with a recorded PID, an exec, an exit or a reap: recordDirty.)
      // (Who exists and what it runs: the family's own record from the process probes.)
      if (this.recordDirty && this.pid[i] > 0 && on('S-SM-02')) {
        const prog = this.liveProgram.get(this.pid[i]);
        if (prog === undefined && !this.deadPids.has(this.pid[i])) return this.fail('S-SM-02', `${name} records PID ${this.pid[i]}, which does not exist`);
        if (prog !== undefined) {
          const ok = prog === -1 || prog === this.initProgram || this.serviceProgram[2 * i] === prog || this.serviceProgram[2 * i + 1] === prog;
          if (!ok) return this.fail('S-SM-02', `${name} records PID ${this.pid[i]}, which runs ${PROGRAMS[prog]?.name ?? 'nothing'}`);
        }
      }
    }
    this.recordDirty = false;
    // S-SM-02: at most one live process per service. The count changes only when a service's
    // program is exec'd or a process exits, so it is taken again only then.
    if (!this.liveDirty) return null;
    this.liveDirty = false;
    const live = this.liveCount;
    live.fill(0);
    for (const [pid, i] of this.serviceOf) if (!this.deadPids.has(pid)) live[i]++;
    for (let i = 0; i < N; i++) if (live[i] > 1 && on('S-SM-02')) return this.fail('S-SM-02', `${live[i]} live processes run ${A.SERVICE_NAMES[i]}`);
    return null;
  }

  private readonly liveCount = new Int32Array(N);
  /** init's table as of the last step (a new object when init is loaded again). */
  private seenTable: Record<string, number> | null = null;
  /** A recorded PID changed, or a process exec'd, exited or was reaped, since the last S-SM-02 pass. */
  private recordDirty = false;
  /** Hang faults seen so far (noteHangs runs when this changes). */
  private hangsSeen = 0;
  /** A service program was exec'd or a process exited since live processes were last counted. */
  private liveDirty = false;

  /**
   * Does service i need (directly or not) a Failed service? It can never start then, and L-SM-03
   * does not expect it to run (S-SM-04 forbids making it Failed: it had no restarts).
   */
  private needsFailed(i: number): boolean {
    for (const d of DEPENDS[i]) if (d < this.sv.count && (this.st[d] === SV_FAILED || this.needsFailed(d))) return true;
    return false;
  }

  private depsRunning(i: number): boolean {
    for (const d of DEPENDS[i]) if (d < this.sv.count && (this.st[d] !== SV_RUNNING || this.diedAt[d] !== NONE)) return false;
    return true;
  }

  atEnd(quiescent: boolean): Violation | null {
    const s = this.table();
    if (!s) return null;
    const now = this.m.sim.now;
    const v = this.deadlines(now, s);
    if (v) return v;
    // L-SM-03: long enough after the last fault, every service that is not Failed is Running.
    const sv = this.sv;
    const settle = Math.max(this.m.faults.settleUntil, 0);
    const enough = sv.backoffCap + sv.startTimeout + 3 * sv.healthPeriod + sv.slackMicros + this.m.params.proc!.reapBoundMicros;
    if (this.m.profile === 'reference' && !quiescent && now - settle < enough) return null;
    for (let i = 0; i < sv.count; i++) {
      if (this.st[i] !== SV_FAILED && this.st[i] !== SV_RUNNING && !this.needsFailed(i) && this.selected('L-SM-03')) return this.fail('L-SM-03', `${A.SERVICE_NAMES[i]} is ${SV_NAMES[this.st[i]]} at the end of the run, ${now - settle} µs after the last fault settled`);
    }
    return null;
  }

  fingerprint(h: Hasher64, now: number): void {
    for (let i = 0; i < N; i++) {
      h.int(this.st[i]);
      h.int(this.pid[i]);
      h.int(this.starts[i]);
      h.int(this.k[i]);
      h.int(this.kHigh[i]);
      h.num(this.failAt[i] === NONE ? -1 : now - this.failAt[i]);
      h.num(this.readyAt[i] === NONE ? -1 : now - this.readyAt[i]);
      h.num(this.diedAt[i] === NONE ? -1 : now - this.diedAt[i]);
      h.num(this.hungAt[i] === NONE ? -1 : now - this.hungAt[i]);
      h.num(Math.min(now - this.depsDownAt[i], 10_000_000));
      h.num(now - this.startAt[i]);
      for (let j = 0; j < RING; j++) {
        const t = this.restartAt[i * RING + j];
        if (t !== NONE) h.num(now - t);
      }
    }
    h.num(now - this.iterAt);
    // When init last read the clock: a failed fork of init's dates its failure from it.
    h.num(now - this.initClockAt);
    h.int(this.readyFrom.size);
    h.int(this.initZombies.size);
    h.int(this.serviceOf.size);
    const live = [...this.liveProgram.keys()].sort((x, y) => x - y);
    h.int(live.length);
    for (const pid of live) {
      h.int(pid);
      h.int(this.liveProgram.get(pid)!);
    }
    h.int((this.liveDirty ? 1 : 0) | (this.recordDirty ? 2 : 0));
  }
}

/** Coverage (model/coverage.ts): an allowed transition of a service in init's table. */
function coverTransition(cov: C.Coverage, from: number, to: number, oldPid: number, newPid: number): void {
  if (from === SV_STOPPED && to === SV_STARTING) cov.hit(C.C_SERVICE_STOPPED_STARTING);
  else if (from === SV_STARTING && to === SV_RUNNING) cov.hit(C.C_SERVICE_STARTING_RUNNING);
  else if (from === SV_RUNNING && to === SV_STARTING) cov.hit(C.C_SERVICE_RUNNING_STARTING);
  else if (from === SV_STARTING && to === SV_STARTING && newPid > 0 && newPid !== oldPid) cov.hit(C.C_SERVICE_STARTING_RESTART);
  else if (from === SV_STARTING && to === SV_FAILED) cov.hit(C.C_SERVICE_STARTING_FAILED);
  else if (from === SV_RUNNING && to === SV_FAILED) cov.hit(C.C_SERVICE_RUNNING_FAILED);
}
