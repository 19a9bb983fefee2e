/**
 * /sbin/init for the process scenarios (PID 1). It reads /etc/rc — one program path per line —
 * and for each line forks a child that execs that path from the disk. Then it is the reaper: it
 * loops `wait` and reaps every child it has or inherits (orphans are reparented to it).
 *
 * reference: `wait` blocks; ECHILD means nothing is left, and init is idle. eclipse-b: `wait`
 * never blocks and never reaps, so init loops `while (wait() >= 0) {}` then yields (kernel.md §6),
 * and gets the same terminated child back forever.
 */
import { BUF_BASE, BUF_BYTES, STACK_PAGE, SYS_EXIT, SYS_FORK, SYS_OPEN, SYS_READ, SYS_CLOSE, SYS_WAIT, SYS_YIELD } from '../proc/abi.js';
import { execStep, startExec } from '../proc/programs/exec-helper.js';
import { compute, layoutStrings, load, sys, type ProgramDef } from '../proc/programs/program.js';

const STR = layoutStrings(['/etc/rc']);
const RC = 0;
const RC_MAX = 1000;
const FORK_TRIES = 3;

const P_OPEN = 0;
const P_READ = 1;
const P_CLOSE = 2;
const P_SCAN = 3;
const P_SCANNED = 4;
const P_FORKED = 5;
const P_CHILD = 6;
const P_REAP = 7;
const P_REAPED = 8;

export const INIT: ProgramDef = {
  name: 'init',
  strings: ['/etc/rc'],
  start: () => ({ pc: P_OPEN, fd: -1, n: 0, pos: 0, line: 0, tries: 0, idle: 0, xpc: 0, xfd: -1, xlen: 0 }),
  idle: (s) => s.idle === 1,
  step(s, last, out) {
    switch (s.pc) {
      case P_OPEN:
        s.pc = P_READ;
        return sys(out, SYS_OPEN, STR.addr[RC], STR.len[RC], 0);
      case P_READ:
        if (last < 0) {
          s.pc = P_REAP;
          return compute(out, 1);
        }
        s.fd = last;
        s.pc = P_CLOSE;
        return sys(out, SYS_READ, s.fd, BUF_BASE, Math.min(RC_MAX, BUF_BYTES));
      case P_CLOSE:
        s.n = last > 0 ? last : 0;
        s.pc = P_SCAN;
        return sys(out, SYS_CLOSE, s.fd);
      case P_SCAN:
        // Look at the next byte of the rc text.
        if (s.pos >= s.n) {
          s.pc = P_REAP;
          return compute(out, 1);
        }
        s.pc = P_SCANNED;
        return load(out, BUF_BASE + s.pos);
      case P_SCANNED:
        if (last !== 10 && s.pos + 1 < s.n) {
          s.pos++;
          s.pc = P_SCAN;
          return compute(out, 1);
        }
        // End of a line: [line, end) names a program.
        if (last !== 10) s.pos++;
        if (s.pos === s.line) {
          s.pos++;
          s.line = s.pos;
          s.pc = P_SCAN;
          return compute(out, 1);
        }
        s.tries = 0;
        s.pc = P_FORKED;
        return sys(out, SYS_FORK);
      case P_FORKED:
        if (last === 0) {
          s.pc = P_CHILD;
          startExec(s);
          return execStep(s, 0, out, BUF_BASE + s.line, s.pos - s.line);
        }
        if (last < 0 && ++s.tries < FORK_TRIES) return sys(out, SYS_FORK);
        s.pos++;
        s.line = s.pos;
        s.pc = P_SCAN;
        return compute(out, 1);
      case P_CHILD:
        return execStep(s, last, out, BUF_BASE + s.line, s.pos - s.line);
      case P_REAP:
        s.pc = P_REAPED;
        return sys(out, SYS_WAIT, STACK_PAGE);
      case P_REAPED:
        if (last > 0) {
          s.idle = 0;
          s.pc = P_REAPED;
          return sys(out, SYS_WAIT, STACK_PAGE);
        }
        // Nothing to reap now (ECHILD, or −1 in eclipse-b): idle until something happens.
        s.idle = 1;
        s.pc = P_REAP;
        return sys(out, SYS_YIELD);
      default:
        return sys(out, SYS_EXIT, 1);
    }
  },
};
