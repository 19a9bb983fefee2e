/**
 * reference init (kernel.md §6): the service manager, PID 1, as /sbin/init of the boot images.
 *
 * Services start in dependency order, each only when everything it needs is Running. A service is
 * Running only after its READY (carrying its PID, the incarnation) reaches init; a READY from
 * another PID is ignored. A start that is not READY within the start timeout is killed and counts
 * as a crash. init pings each Running service every health period; no PONG within two periods
 * means hung: init kills it (SIGKILL) and counts a crash. A crash restarts the service after
 * min(base · 2^(k−1), cap) for the k-th consecutive failure; k resets once the service has been
 * Running for the stable period. A restart that would make more than MaxR restarts within MaxT
 * makes the service Failed instead, and Failed is sticky. init is the single reaper: on every pass
 * it loops waitpid(−1, WNOHANG) until nothing is left, and it reaps the orphans it inherits. Its
 * receive blocks until the next deadline, a message, or SIGCHLD. init never exits.
 *
 * The table lives in the state as st<i>, pid<i>, … for service i; the service-manager checks read
 * it and judge it against what the kernel saw happen. The four service-manager mutants of the bug
 * zoo are read here (env.mutants).
 */
import * as A from '../proc/abi.js';
import type { ServiceParams } from '../params.js';
import { execStep, startExec } from '../proc/programs/exec-helper.js';
import { compute, layoutStrings, load, store, sys, type Action, type ProgramDef, type ProgramEnv, type ProgramState } from '../proc/programs/program.js';
import { DEPENDS, INFO, MESSAGE_BYTES, OP_LOOKUP, OP_LOOKUP_REPLY, OP_PONG, OP_READY, OP_PING, RECV_BUF, SEND_BUF, SERVICE_PATHS, SERVICES, SV_FAILED, SV_RUNNING, SV_STARTING, SV_STOPPED } from './service-protocol.js';

const STR = layoutStrings(SERVICE_PATHS);
/** Restart times remembered per service (MaxR + 1 ≤ this). */
export const RESTART_RING = 16;

const keys = (p: string): string[] => Array.from({ length: SERVICES }, (_, i) => `${p}${i}`);
/** State field names per service, made once (no string building in the loop). */
export const K = {
  st: keys('st'),
  pid: keys('pid'),
  k: keys('k'),
  at: keys('at'),
  sd: keys('sd'),
  rdy: keys('rdy'),
  ps: keys('ps'),
  np: keys('np'),
  kl: keys('kl'),
  starts: keys('starts'),
  rn: keys('rn'),
  rt: Array.from({ length: SERVICES }, (_, i) => Array.from({ length: RESTART_RING }, (_, j) => `rt${i}_${j}`)),
};

// phases
const P_LOOP = 0;
const P_REAP = 1;
const P_REAPED = 2;
const P_DEATH = 3;
const P_DECIDE = 4;
const P_KILLED = 5;
const P_PING_PID = 6;
const P_PING_SEND = 7;
const P_FORKED = 8;
const P_CHILD = 9;
const P_RECEIVED = 10;
const P_MSG_TIME = 11;
const P_MSG_OP = 12;
const P_MSG_ARG = 13;
const P_MSG_FROM = 14;
const P_REPLY_PID = 15;
const P_REPLY_SEND = 16;

// decisions
const D_NONE = 0;
const D_KILL = 1;
const D_PING = 2;
const D_START = 3;

function start(): ProgramState {
  const s: ProgramState = { pc: P_LOOP, now: 0, iter: 0, rp: 0, act: 0, op: 0, arg: 0, from: 0, child: -1, xpc: 0, xfd: -1, xlen: 0 };
  for (let i = 0; i < SERVICES; i++) {
    s[K.st[i]] = SV_STOPPED;
    s[K.pid[i]] = 0;
    s[K.k[i]] = 0;
    s[K.at[i]] = 0;
    s[K.sd[i]] = 0;
    s[K.rdy[i]] = 0;
    s[K.ps[i]] = -1;
    s[K.np[i]] = 0;
    s[K.kl[i]] = 0;
    s[K.starts[i]] = 0;
    s[K.rn[i]] = 0;
    for (let j = 0; j < RESTART_RING; j++) s[K.rt[i][j]] = -1;
  }
  return s;
}

/** Is service i's dependency set satisfied? (dependency-not-ready: Starting is enough.) */
function depsReady(s: ProgramState, i: number, env: ProgramEnv): boolean {
  for (const d of DEPENDS[i]) {
    const st = s[K.st[d]];
    if (st === SV_RUNNING) continue;
    if (env.mutants.dependencyNotReady && st === SV_STARTING && s[K.pid[d]] > 0) continue;
    return false;
  }
  return true;
}

/** The first thing due now, as D_* with the service in s.act; and the next deadline in s.arg. */
function decide(s: ProgramState, sv: ServiceParams, env: ProgramEnv): number {
  const now = s.now;
  let next = Infinity;
  for (let i = 0; i < sv.count; i++) {
    const st = s[K.st[i]];
    const pid = s[K.pid[i]];
    if (st === SV_STARTING && pid > 0 && s[K.kl[i]] === 0) {
      if (now >= s[K.sd[i]]) return due(s, i, D_KILL);
      next = Math.min(next, s[K.sd[i]]);
    } else if (st === SV_RUNNING && s[K.kl[i]] === 0) {
      const ps = s[K.ps[i]];
      if (ps >= 0) {
        if (now >= ps + 2 * sv.healthPeriod) return due(s, i, D_KILL);
        next = Math.min(next, ps + 2 * sv.healthPeriod);
      } else {
        if (now >= s[K.np[i]]) return due(s, i, D_PING);
        next = Math.min(next, s[K.np[i]]);
      }
    } else if ((st === SV_STOPPED || (st === SV_STARTING && pid === 0)) && depsReady(s, i, env)) {
      if (now >= s[K.at[i]]) return due(s, i, D_START);
      next = Math.min(next, s[K.at[i]]);
    }
  }
  s.arg = next === Infinity ? -1 : Math.max(1, next - now);
  return D_NONE;
}

function due(s: ProgramState, i: number, d: number): number {
  s.act = i;
  return d;
}

/** Restarts of service i within the last MaxT (the ring holds their times). */
function restartsWithin(s: ProgramState, i: number, now: number, window: number): number {
  let n = 0;
  for (let j = 0; j < RESTART_RING; j++) {
    const t = s[K.rt[i][j]];
    if (t >= 0 && now - t < window) n++;
  }
  return n;
}

/** A service's process died (reaped at s.now): count the crash, schedule the restart or fail. */
function died(s: ProgramState, pid: number, sv: ServiceParams, env: ProgramEnv): void {
  for (let i = 0; i < sv.count; i++) {
    if (s[K.pid[i]] !== pid) continue;
    const st = s[K.st[i]];
    // crash-in-starting-stuck: only a Running service's death is noticed.
    if (st !== SV_RUNNING && !(st === SV_STARTING && !env.mutants.crashInStartingStuck)) return;
    const now = s.now;
    // The failure count resets after the stable period of uninterrupted Running.
    if (!env.mutants.backoffResetOnStart && st === SV_RUNNING && now - s[K.rdy[i]] >= sv.stablePeriod) s[K.k[i]] = 0;
    s[K.k[i]]++;
    s[K.pid[i]] = 0;
    s[K.kl[i]] = 0;
    s[K.ps[i]] = -1;
    // More than MaxR restarts within MaxT: Failed, for good (intensity-off-by-one: at MaxR).
    const restarts = restartsWithin(s, i, now, sv.maxRestartWindow) + 1;
    if (env.mutants.intensityOffByOne ? restarts >= sv.maxRestarts : restarts > sv.maxRestarts) {
      s[K.st[i]] = SV_FAILED;
      return;
    }
    s[K.st[i]] = SV_STARTING;
    s[K.at[i]] = now + Math.min(sv.backoffBase * 2 ** (s[K.k[i]] - 1), sv.backoffCap);
    return;
  }
}

function step(s: ProgramState, last: number, out: Action, _w: unknown, env: ProgramEnv): void {
  const sv = env.services!;
  switch (s.pc) {
    case P_LOOP:
      s.iter++;
      s.pc = P_REAP;
      return sys(out, A.SYS_UPTIME);
    case P_REAP:
      s.now = last;
      s.pc = P_REAPED;
      return sys(out, A.SYS_WAITPID, -1, A.STACK_PAGE, A.WNOHANG);
    case P_REAPED:
      if (last > 0) {
        s.rp = last;
        s.pc = P_DEATH;
        return sys(out, A.SYS_UPTIME);
      }
      s.pc = P_DECIDE;
      return compute(out, 1);
    case P_DEATH:
      s.now = last;
      died(s, s.rp, sv, env);
      s.pc = P_REAPED;
      return sys(out, A.SYS_WAITPID, -1, A.STACK_PAGE, A.WNOHANG);
    case P_DECIDE: {
      const d = decide(s, sv, env);
      const i = s.act;
      if (d === D_KILL) {
        s[K.kl[i]] = 1;
        s.pc = P_KILLED;
        return sys(out, A.SYS_KILL, s[K.pid[i]], A.SIGKILL);
      }
      if (d === D_PING) {
        s.pc = P_PING_PID;
        return store(out, SEND_BUF, OP_PING, 4);
      }
      if (d === D_START) {
        s.pc = P_FORKED;
        return sys(out, A.SYS_FORK);
      }
      // Nothing due: wait for a message, SIGCHLD, or the next deadline.
      s.pc = P_RECEIVED;
      return sys(out, A.SYS_RECEIVE, RECV_BUF, 256, INFO, 0, s.arg);
    }
    case P_KILLED:
      // The death is handled when the process is reaped.
      s.pc = P_LOOP;
      return compute(out, 1);
    case P_PING_PID:
      s.pc = P_PING_SEND;
      return store(out, SEND_BUF + 4, 1, 4);
    case P_PING_SEND: {
      const i = s.act;
      s[K.ps[i]] = s.now;
      s[K.np[i]] = s.now + sv.healthPeriod;
      s.pc = P_LOOP;
      return sys(out, A.SYS_SEND, s[K.pid[i]], A.MT_SYSTEM, SEND_BUF, MESSAGE_BYTES);
    }
    case P_FORKED: {
      const i = s.act;
      if (last === 0) {
        s.pc = P_CHILD;
        s.child = i;
        startExec(s);
        return execStep(s, 0, out, STR.addr[i], STR.len[i]);
      }
      if (last > 0) {
        if (s[K.starts[i]] > 0) {
          // A restart: remember when, for the intensity limit.
          s[K.rt[i][s[K.rn[i]]]] = s.now;
          s[K.rn[i]] = (s[K.rn[i]] + 1) % RESTART_RING;
        }
        s[K.starts[i]]++;
        s[K.pid[i]] = last;
        s[K.st[i]] = SV_STARTING;
        s[K.sd[i]] = s.now + sv.startTimeout;
        s[K.kl[i]] = 0;
      } else {
        // fork failed (no slot or frames): a failed start, retried after the backoff.
        s[K.st[i]] = SV_STARTING;
        s[K.k[i]]++;
        s[K.at[i]] = s.now + Math.min(sv.backoffBase * 2 ** (s[K.k[i]] - 1), sv.backoffCap);
      }
      s.pc = P_LOOP;
      return compute(out, 1);
    }
    case P_CHILD:
      return execStep(s, last, out, STR.addr[s.child], STR.len[s.child]);
    case P_RECEIVED:
      if (last < MESSAGE_BYTES) {
        s.pc = P_LOOP;
        return compute(out, 1);
      }
      s.pc = P_MSG_TIME;
      return sys(out, A.SYS_UPTIME);
    case P_MSG_TIME:
      s.now = last;
      s.pc = P_MSG_OP;
      return load(out, RECV_BUF, 4);
    case P_MSG_OP:
      s.op = last;
      s.pc = P_MSG_ARG;
      return load(out, RECV_BUF + 4, 4);
    case P_MSG_ARG:
      s.arg = last;
      s.pc = P_MSG_FROM;
      return load(out, INFO, 4);
    case P_MSG_FROM: {
      s.from = last;
      if (s.op === OP_READY) {
        // Running only on READY from the incarnation init started (its PID).
        for (let i = 0; i < sv.count; i++) {
          if (s[K.st[i]] === SV_STARTING && s[K.pid[i]] > 0 && s[K.pid[i]] === s.arg && s.from === s.arg) {
            s[K.st[i]] = SV_RUNNING;
            s[K.rdy[i]] = s.now;
            s[K.ps[i]] = -1;
            s[K.np[i]] = s.now + sv.healthPeriod;
            if (env.mutants.backoffResetOnStart) s[K.k[i]] = 0;
          }
        }
      } else if (s.op === OP_PONG) {
        for (let i = 0; i < sv.count; i++) if (s[K.pid[i]] === s.from && s[K.st[i]] === SV_RUNNING) s[K.ps[i]] = -1;
      } else if (s.op === OP_LOOKUP && s.arg >= 0 && s.arg < SERVICES) {
        s.pc = P_REPLY_PID;
        return store(out, SEND_BUF, OP_LOOKUP_REPLY, 4);
      }
      s.pc = P_LOOP;
      return compute(out, 1);
    }
    case P_REPLY_PID: {
      const i = s.arg;
      s.pc = P_REPLY_SEND;
      return store(out, SEND_BUF + 4, i < sv.count && s[K.st[i]] === SV_RUNNING ? s[K.pid[i]] : 0, 4);
    }
    case P_REPLY_SEND:
      s.pc = P_LOOP;
      return sys(out, A.SYS_SEND, s.from, A.MT_SYSTEM, SEND_BUF, MESSAGE_BYTES);
    default:
      s.pc = P_LOOP;
      return compute(out, 1);
  }
}

export const SVCINIT: ProgramDef = {
  name: 'svcinit',
  strings: SERVICE_PATHS,
  start,
  step,
};
