/**
 * The services.
 *
 * reference (/sbin/filesystem, …): send READY (with its PID) to init, then serve: answer PING with
 * PONG and REQ with REPLY; between messages (a receive timeout of `requestPeriod`) do some work —
 * filesystem rewrites a record in /data/fslog; a service with a dependency asks init for its PID
 * and sends it a request, waiting for the reply from that PID only; every fourth pause it forks a
 * short-lived helper, which it reaps when SIGCHLD interrupts its receive.
 *
 * eclipse-b as shipped (kernel.md §6, the kernel's built-in binaries): 50 iterations (a scenario
 * parameter), printing every 10th, yielding each time, then exit(0). Modelling assumptions, so that
 * whole-system runs exercise what eclipse-b's kernel does with them:
 * - at start each sends itself one Input message and polls for it (an IPC self-test);
 * - when the scenario sets `serviceHelperEvery` (0 by default: exactly §6), every that many
 *   iterations it forks a helper that exits at once, calls `wait` once to collect a terminated
 *   child (the way the reference services collect theirs), and yields. init alone forks at most
 *   20 processes (five services, three restarts each), so without process churn of this kind
 *   eclipse-b's table can never fill in a whole-system run.
 */
import * as A from '../proc/abi.js';
import { compute, layoutStrings, load, store, sys, type ProgramDef } from '../proc/programs/program.js';
import { CALLS, INFO, MESSAGE_BYTES, OP_LOOKUP, OP_LOOKUP_REPLY, OP_PING, OP_PONG, OP_READY, OP_REPLY, OP_REQ, RECV_BUF, SEND_BUF, SERVICE_TYPE, SHIPPED_NAMES } from './service-protocol.js';

const STR = layoutStrings(['/data/fslog']);

// reference service phases
const S_START = 0;
const S_READY_OP = 1;
const S_READY_PID = 2;
const S_READY_SEND = 3;
const S_OPENED = 4;
const S_RECV = 5;
const S_GOT = 6;
const S_OP = 7;
const S_FROM = 8;
const S_PONG = 9;
const S_REQ_ARG = 10;
const S_REQ_OP = 11;
const S_REQ_SEND = 12;
const S_REAPED = 13;
const S_WRITE = 14;
const S_LOOKUP_ARG = 15;
const S_LOOKUP_SEND = 16;
const S_LOOKUP_RECV = 17;
const S_LOOKUP_GOT = 18;
const S_LOOKUP_OP = 19;
const S_LOOKUP_PID = 20;
const S_CALL_ARG = 21;
const S_CALL_SEND = 22;
const S_CALL_RECV = 23;
const S_HELPER = 24;
const S_HELPER_CHILD = 25;
const S_PONG_SEND = 26;
const S_OPEN_DONE = 27;

function referenceService(id: number): ProgramDef {
  return {
    name: A.SERVICE_NAMES[id],
    strings: ['/data/fslog'],
    service: true,
    start: () => ({ pc: S_START, me: 0, n: 0, fd: -1, op: 0, from: 0, dep: 0, seq: 0, work: 0 }),
    step(s, last, out, _w, env) {
      const period = env.services ? env.services.requestPeriod : 1000;
      switch (s.pc) {
        case S_START:
          s.pc = S_READY_OP;
          return sys(out, A.SYS_GETPID);
        case S_READY_OP:
          s.me = last;
          s.pc = S_READY_PID;
          return store(out, SEND_BUF, OP_READY, 4);
        case S_READY_PID:
          s.pc = S_READY_SEND;
          return store(out, SEND_BUF + 4, s.me, 4);
        case S_READY_SEND:
          s.pc = id === 0 ? S_OPENED : S_RECV;
          return sys(out, A.SYS_SEND, 1, A.MT_SYSTEM, SEND_BUF, MESSAGE_BYTES);
        case S_OPENED:
          s.pc = S_OPEN_DONE;
          return sys(out, A.SYS_OPEN, STR.addr[0], STR.len[0], 0);
        case S_OPEN_DONE:
          s.fd = last >= 0 ? last : -1;
          s.pc = S_GOT;
          return sys(out, A.SYS_RECEIVE, RECV_BUF, 256, INFO, 0, period);
        case S_RECV:
          s.pc = S_GOT;
          return sys(out, A.SYS_RECEIVE, RECV_BUF, 256, INFO, 0, period);
        case S_GOT:
          if (last >= MESSAGE_BYTES) {
            s.pc = S_OP;
            return load(out, RECV_BUF, 4);
          }
          // SIGCHLD (EINTR) or a pause (EAGAIN): reap finished helpers; after a pause, work.
          s.work = last === -A.EINTR ? 0 : 1;
          s.pc = S_REAPED;
          return sys(out, A.SYS_WAITPID, -1, 0, A.WNOHANG);
        case S_OP:
          s.op = last;
          s.pc = S_FROM;
          return load(out, INFO, 4);
        case S_FROM:
          s.from = last;
          if (s.op === OP_PING) {
            s.pc = S_PONG;
            return store(out, SEND_BUF, OP_PONG, 4);
          }
          if (s.op === OP_REQ) {
            s.pc = S_REQ_ARG;
            return load(out, RECV_BUF + 4, 4);
          }
          s.pc = S_RECV;
          return compute(out, 1);
        case S_PONG:
          s.pc = S_PONG_SEND;
          return store(out, SEND_BUF + 4, s.me, 4);
        case S_PONG_SEND:
          s.pc = S_RECV;
          return sys(out, A.SYS_SEND, s.from, A.MT_SYSTEM, SEND_BUF, MESSAGE_BYTES);
        case S_REQ_ARG:
          s.pc = S_REQ_OP;
          return store(out, SEND_BUF + 4, last, 4);
        case S_REQ_OP:
          s.pc = S_REQ_SEND;
          return store(out, SEND_BUF, OP_REPLY, 4);
        case S_REQ_SEND:
          s.pc = S_RECV;
          return sys(out, A.SYS_SEND, s.from, SERVICE_TYPE[id], SEND_BUF, MESSAGE_BYTES);
        case S_REAPED:
          if (last > 0) return sys(out, A.SYS_WAITPID, -1, 0, A.WNOHANG);
          if (s.work === 1) {
            s.work = 0;
            return work(s, out);
          }
          s.pc = S_RECV;
          return compute(out, 1);
        case S_WRITE:
          s.pc = S_RECV;
          return sys(out, A.SYS_WRITE, s.fd, SEND_BUF, MESSAGE_BYTES);
        case S_LOOKUP_ARG:
          s.pc = S_LOOKUP_SEND;
          return store(out, SEND_BUF + 4, CALLS[id], 4);
        case S_LOOKUP_SEND:
          s.pc = S_LOOKUP_RECV;
          return sys(out, A.SYS_SEND, 1, A.MT_SYSTEM, SEND_BUF, MESSAGE_BYTES);
        case S_LOOKUP_RECV:
          if (last < 0) {
            s.pc = S_RECV;
            return compute(out, 1);
          }
          s.pc = S_LOOKUP_GOT;
          return sys(out, A.SYS_RECEIVE, RECV_BUF, 256, INFO, 1, period);
        case S_LOOKUP_GOT:
          if (last < MESSAGE_BYTES) {
            s.pc = last === -A.EINTR ? S_REAPED : S_RECV;
            return last === -A.EINTR ? sys(out, A.SYS_WAITPID, -1, 0, A.WNOHANG) : compute(out, 1);
          }
          s.pc = S_LOOKUP_OP;
          return load(out, RECV_BUF, 4);
        case S_LOOKUP_OP:
          s.op = last;
          s.from = 1;
          if (s.op === OP_PING) {
            // init's health check came first: answer it; the lookup is abandoned.
            s.pc = S_PONG;
            return store(out, SEND_BUF, OP_PONG, 4);
          }
          if (s.op !== OP_LOOKUP_REPLY) {
            s.pc = S_RECV;
            return compute(out, 1);
          }
          s.pc = S_LOOKUP_PID;
          return load(out, RECV_BUF + 4, 4);
        case S_LOOKUP_PID:
          if (last <= 0) {
            s.pc = S_RECV;
            return compute(out, 1);
          }
          s.dep = last;
          s.pc = S_CALL_ARG;
          return store(out, SEND_BUF, OP_REQ, 4);
        case S_CALL_ARG:
          s.pc = S_CALL_SEND;
          return store(out, SEND_BUF + 4, ++s.seq, 4);
        case S_CALL_SEND:
          s.pc = S_CALL_RECV;
          return sys(out, A.SYS_SEND, s.dep, SERVICE_TYPE[CALLS[id]], SEND_BUF, MESSAGE_BYTES);
        case S_CALL_RECV:
          if (last < 0) {
            s.pc = S_RECV;
            return compute(out, 1);
          }
          // Wait for the reply from that service only (ESRCH if it dies meanwhile).
          s.pc = S_RECV;
          return sys(out, A.SYS_RECEIVE, RECV_BUF, 256, INFO, s.dep, period);
        case S_HELPER:
          if (last === 0) {
            s.pc = S_HELPER_CHILD;
            return compute(out, 3);
          }
          s.pc = S_RECV;
          return compute(out, 1);
        case S_HELPER_CHILD:
          return sys(out, A.SYS_EXIT, 0);
        default:
          return sys(out, A.SYS_EXIT, 1);
      }
    },
  };
}

/** Between messages: the service's own work. */
function work(s: Record<string, number>, out: Parameters<ProgramDef['step']>[2]): void {
  s.n++;
  if (s.fd >= 0) {
    s.pc = S_WRITE;
    return sys(out, A.SYS_LSEEK, s.fd, 0, 0);
  }
  if (s.n % 4 === 1) {
    s.pc = S_HELPER;
    return sys(out, A.SYS_FORK);
  }
  if (s.call >= 0) {
    s.pc = S_LOOKUP_ARG;
    return store(out, SEND_BUF, OP_LOOKUP, 4);
  }
  s.pc = S_RECV;
  return compute(out, 1);
}

// eclipse-b's shipped services
const B_SELF_OP = 0;
const B_SELF_SEND = 1;
const B_SELF_RECV = 2;
const B_LOOP = 3;
const B_HELPER = 4;
const B_HELPER_CHILD = 5;
const B_HELPER_WAITED = 6;

function shippedService(id: number): ProgramDef {
  return {
    name: SHIPPED_NAMES[id],
    strings: [],
    service: true,
    start: () => ({ pc: B_SELF_OP, k: 0 }),
    step(s, last, out, w) {
      switch (s.pc) {
        case B_SELF_OP:
          s.pc = B_SELF_SEND;
          return store(out, SEND_BUF, 0x5e1f0000 + id, 4);
        case B_SELF_SEND:
          s.pc = B_SELF_RECV;
          return sys(out, A.SYS_GETPID);
        case B_SELF_RECV:
          // send(self, Input, "self-test", 8); the reply is polled on the next iterations.
          s.pc = B_LOOP;
          return sys(out, A.SYS_SEND, last, A.MT_INPUT, SEND_BUF, MESSAGE_BYTES);
        case B_HELPER:
          // fork's result: the helper exits at once; the service collects one terminated child.
          if (last === 0) {
            s.pc = B_HELPER_CHILD;
            return compute(out, 1);
          }
          s.pc = B_HELPER_WAITED;
          return sys(out, A.SYS_WAIT, A.STACK_PAGE);
        case B_HELPER_WAITED:
          // The iteration ends with its yield, as every iteration does.
          s.pc = B_LOOP;
          return sys(out, A.SYS_YIELD);
        case B_HELPER_CHILD:
          return sys(out, A.SYS_EXIT, 0);
        default:
          if (s.k >= w.serviceIterations) return sys(out, A.SYS_EXIT, 0);
          s.k++;
          if (s.k % 10 === 0) return sys(out, A.SYS_WRITE, 1, SEND_BUF, 1);
          if (s.k % 10 === 5) return sys(out, A.SYS_RECEIVE, RECV_BUF, 256, INFO);
          if (w.serviceHelperEvery > 0 && s.k % w.serviceHelperEvery === 0) {
            s.pc = B_HELPER;
            return sys(out, A.SYS_FORK);
          }
          return sys(out, A.SYS_YIELD);
      }
    },
  };
}

export const REFERENCE_SERVICES: ProgramDef[] = A.SERVICE_NAMES.map((_, i) => {
  const def = referenceService(i);
  const start = def.start;
  // The service's id and whom it calls are part of its state (work() reads them).
  def.start = () => ({ ...start(), id: i, call: CALLS[i] });
  return def;
});
export const SHIPPED_SERVICES: ProgramDef[] = A.SERVICE_NAMES.map((_, i) => shippedService(i));
