/**
 * /bin/forktree (scenario fork-wait): a tree of forks. Every node tags its memory with its own
 * PID, opens /etc/motd (the fd is inherited by its children in reference), forks `fanout`
 * children while above `depth`, reads its tag back, closes the file, waits for all its children
 * and exits with its depth. A leaf execs /bin/worker from the disk. The root sends SIGKILL to its
 * last child before it waits (whatever that child is doing then: running, blocked in a
 * file-system call, or already a zombie).
 */
import { BUF_BASE, SIGKILL, STACK_PAGE, SYS_CLOSE, SYS_EXIT, SYS_FORK, SYS_GETPID, SYS_KILL, SYS_OPEN, SYS_WAIT, SYS_YIELD } from '../abi.js';
import { execStep, startExec } from './exec-helper.js';
import { layoutStrings, load, store, sys, type ProgramDef } from './program.js';

const STR = layoutStrings(['/etc/motd', '/bin/worker']);
const MOTD = 0;
const WORKER = 1;

const P_START = 0;
const P_TAG = 1;
const P_OPEN = 2;
const P_FORK = 3;
const P_FORKED = 4;
const P_LEAF = 5;
const P_CHECK = 6;
const P_CLOSE = 7;
const P_WAIT = 8;
const P_WAITED = 9;
const P_KILLED = 10;

export const FORKTREE: ProgramDef = {
  name: 'forktree',
  strings: ['/etc/motd', '/bin/worker'],
  start: () => ({ pc: P_START, depth: 0, i: 0, kids: 0, waits: 0, me: 0, fd: -1, last: 0, xpc: 0, xfd: -1, xlen: 0 }),
  step(s, last, out, w) {
    switch (s.pc) {
      case P_START:
        s.pc = P_TAG;
        return sys(out, SYS_GETPID);
      case P_TAG:
        s.me = last;
        s.pc = P_OPEN;
        return store(out, BUF_BASE, last & 0xff);
      case P_OPEN:
        s.pc = P_FORK;
        return sys(out, SYS_OPEN, STR.addr[MOTD], STR.len[MOTD], 0);
      case P_FORK:
        if (s.i === 0) s.fd = last;
        if (s.depth >= w.depth) {
          s.pc = P_LEAF;
          startExec(s);
          return execStep(s, 0, out, STR.addr[WORKER], STR.len[WORKER]);
        }
        if (s.i >= w.fanout) {
          s.pc = P_CHECK;
          return load(out, BUF_BASE);
        }
        s.pc = P_FORKED;
        return sys(out, SYS_FORK);
      case P_FORKED:
        if (last === 0) {
          // The child: one level deeper, its own children to make.
          s.depth++;
          s.i = 0;
          s.kids = 0;
          s.waits = 0;
          s.pc = P_TAG;
          return sys(out, SYS_GETPID);
        }
        if (last > 0) {
          s.kids++;
          s.last = last;
        }
        s.i++;
        s.pc = P_FORK;
        return sys(out, SYS_YIELD);
      case P_LEAF:
        return execStep(s, last, out, STR.addr[WORKER], STR.len[WORKER]);
      case P_CHECK:
        s.pc = P_CLOSE;
        return sys(out, SYS_CLOSE, s.fd);
      case P_CLOSE:
        if (s.depth === 0 && s.last > 0) {
          s.pc = P_KILLED;
          return sys(out, SYS_KILL, s.last, SIGKILL);
        }
        s.pc = P_WAIT;
        return sys(out, SYS_YIELD);
      case P_KILLED:
      case P_WAIT:
        if (s.waits >= s.kids) return sys(out, SYS_EXIT, s.depth);
        s.pc = P_WAITED;
        return sys(out, SYS_WAIT, STACK_PAGE);
      case P_WAITED:
        // A reaped child, or none left (ECHILD; eclipse-b −1 also while children still run).
        if (last > 0) s.waits++;
        else if (last === -10) s.waits = s.kids;
        s.pc = P_WAIT;
        return sys(out, SYS_YIELD);
      default:
        return sys(out, SYS_EXIT, 1);
    }
  },
};
