/**
 * eclipse-b's init v0.2.0 (kernel.md §6), exactly as described: start filesystem, yield
 * `initYields` times, then start the other four without waiting. Starting a service: state
 * Starting, fork; the child calls get_service_binary and exec, and exits with 1 on failure; the
 * parent records the PID and sets Running at once (before exec has succeeded), or Failed when fork
 * fails. Main loop, one iteration per yield: every iteration reap — loop `wait` until it returns
 * < 0, marking the matching Running service Failed; every `restartEvery` iterations restart each
 * Failed service whose restart_count < 3 (then count + 1; the count never resets; no backoff).
 *
 * With eclipse-b's `wait` (returns the first terminated child, never reaps it) the reap loop never
 * ends once any child has exited: init is stuck there for good.
 */
import * as A from '../proc/abi.js';
import { ELF_BUF } from '../proc/programs/exec-helper.js';
import { compute, load, sys, type Action, type ProgramDef, type ProgramEnv, type ProgramState } from '../proc/programs/program.js';
import { SV_FAILED, SV_RUNNING, SV_STARTING, SV_STOPPED } from './service-protocol.js';
import { K } from './service-manager.js';

const LEN_PTR = A.STACK_PAGE + 64;
const MAX_RESTARTS = 3;

const P_BOOT = 0;
const P_FORKED = 1;
const P_YIELDS = 2;
const P_REST = 3;
const P_REAP = 4;
const P_REAPED = 5;
const P_RESTART = 6;
const P_CHILD_BIN = 7;
const P_CHILD_LEN = 8;
const P_CHILD_EXEC = 9;
const P_CHILD_FAIL = 10;
const P_YIELD = 11;

const RC = ['rc0', 'rc1', 'rc2', 'rc3', 'rc4'];

function start(): ProgramState {
  const s: ProgramState = { pc: P_BOOT, iter: 0, y: 0, cur: 0, scan: 0, next: P_YIELDS, child: -1 };
  for (let i = 0; i < 5; i++) {
    s[K.st[i]] = SV_STOPPED;
    s[K.pid[i]] = 0;
    s[RC[i]] = 0;
  }
  return s;
}


/** Starting service i: state Starting, fork (the result arrives in P_FORKED). */
function startService(s: ProgramState, i: number, then: number, out: Action): void {
  s.cur = i;
  s.next = then;
  s[K.st[i]] = SV_STARTING;
  s.pc = P_FORKED;
  return sys(out, A.SYS_FORK);
}

function step(s: ProgramState, last: number, out: Action, _w: unknown, env: ProgramEnv): void {
  const sv = env.services!;
  switch (s.pc) {
    case P_BOOT:
      return startService(s, 0, P_YIELDS, out);
    case P_FORKED: {
      const i = s.cur;
      if (last === 0) {
        s.child = i;
        s.pc = P_CHILD_LEN;
        return sys(out, A.SYS_GET_SERVICE_BINARY, i, ELF_BUF, LEN_PTR);
      }
      // Running at once, before the child's exec has happened.
      if (last > 0) {
        s[K.pid[i]] = last;
        s[K.st[i]] = SV_RUNNING;
      } else s[K.st[i]] = SV_FAILED;
      s.pc = s.next;
      return compute(out, 1);
    }
    case P_CHILD_LEN:
      if (last < 0) {
        s.pc = P_CHILD_FAIL;
        return compute(out, 1);
      }
      s.pc = P_CHILD_EXEC;
      return load(out, LEN_PTR, 4);
    case P_CHILD_EXEC:
      s.pc = P_CHILD_FAIL;
      return sys(out, A.SYS_EXEC, ELF_BUF, last);
    case P_CHILD_FAIL:
      return sys(out, A.SYS_EXIT, 1);
    case P_YIELDS:
      if (s.y < sv.initYields) {
        s.y++;
        return sys(out, A.SYS_YIELD);
      }
      s.scan = 1;
      s.pc = P_REST;
      return compute(out, 1);
    case P_REST:
      // The other four, without waiting.
      if (s.scan < sv.count) return startService(s, s.scan++, P_REST, out);
      s.pc = P_REAP;
      return compute(out, 1);
    case P_REAP:
      s.pc = P_REAPED;
      return sys(out, A.SYS_WAIT, A.STACK_PAGE);
    case P_REAPED:
      if (last >= 0) {
        for (let i = 0; i < sv.count; i++) if (s[K.st[i]] === SV_RUNNING && s[K.pid[i]] === last) s[K.st[i]] = SV_FAILED;
        return sys(out, A.SYS_WAIT, A.STACK_PAGE);
      }
      s.iter++;
      if (s.iter % sv.restartEvery === 0) {
        s.scan = 0;
        s.pc = P_RESTART;
        return compute(out, 1);
      }
      s.pc = P_YIELD;
      return compute(out, 1);
    case P_RESTART:
      while (s.scan < sv.count && !(s[K.st[s.scan]] === SV_FAILED && s[RC[s.scan]] < MAX_RESTARTS)) s.scan++;
      if (s.scan < sv.count) {
        const i = s.scan++;
        s[RC[i]]++;
        return startService(s, i, P_RESTART, out);
      }
      s.pc = P_YIELD;
      return compute(out, 1);
    case P_YIELD:
    default:
      s.pc = P_REAP;
      return sys(out, A.SYS_YIELD);
  }
}

export const INIT_V020: ProgramDef = { name: 'init-v0.2.0', strings: [], start, step };
