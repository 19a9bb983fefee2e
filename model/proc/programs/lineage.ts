/**
 * /bin/lineage (scenario lineage): three generations, and a kill of a process in each blocked state.
 *
 * The top process A (init's child) forks a middle process B, which forks `children` grandchildren
 * that exit at once; B computes until they are zombies and exits without waiting, handing them to
 * init while A lives on: init must be woken by B's death, not by a death of its own child (A, the
 * only one, lives past the reap bound). Then A forks, in turn, a child D that forks a long-lived
 * E and blocks in `wait`, a child R that blocks in `receive`, and a child F that blocks in a
 * file-system call (reads of /data/big, which A opened); after each fork A yields so the child can block,
 * kills it (SIGKILL, SIGTERM, SIGKILL), and reaps it. It also kills init (EPERM), a reaped PID
 * (ESRCH) and itself with signal 0, makes the calls a kernel must refuse (bad descriptors, empty
 * paths, a poll of an empty mailbox, a wait for no child), computes for LINEAGE_LONG_STEPS steps and
 * kills itself.
 */
import { BUF_BASE, SIGKILL, SIGTERM, STACK_PAGE, SYS_CLOSE, SYS_EXEC_PATH, SYS_EXIT, SYS_FORK, SYS_GET_SERVICE_BINARY, SYS_GETPID, SYS_GETPPID, SYS_KILL, SYS_LSEEK, SYS_OPEN, SYS_READ, SYS_RECEIVE, SYS_WAIT, SYS_WAITPID, SYS_WRITE, SYS_YIELD } from '../abi.js';
import { SEEK_SET } from '../../fs/fs-call-abi.js';
import { compute, layoutStrings, sys, type Action, type ProgramDef, type ProgramState } from './program.js';

const STR = layoutStrings(['/data/big']);

/** Steps A and E compute before exiting: past the reap bound at the shortest step time. */
export const LINEAGE_LONG_STEPS = 8000;

const ROLE_A = 0;
const ROLE_B = 1;
const ROLE_C = 2;
const ROLE_D = 3;
const ROLE_E = 4;
const ROLE_R = 5;
const ROLE_F = 6;

/** A forks child `role` at `pc`; the child starts that role, A yields, then kills it with `sig` and reaps it. */
function forkKillReap(s: ProgramState, last: number, out: Action, pc: number, role: number, sig: number): boolean {
  switch (s.pc - pc) {
    case 0:
      s.pc++;
      sys(out, SYS_FORK);
      return true;
    case 1:
      if (last === 0) {
        s.role = role;
        s.pc = 0;
        compute(out, 1);
        return true;
      }
      s.victim = last;
      s.pc++;
      sys(out, SYS_YIELD);
      return true;
    case 2:
      s.pc++;
      sys(out, SYS_KILL, s.victim, sig);
      return true;
    case 3:
      s.pc++;
      sys(out, SYS_WAITPID, s.victim, STACK_PAGE, 0);
      return true;
    default:
      return false;
  }
}

export const LINEAGE: ProgramDef = {
  name: 'lineage',
  strings: ['/data/big'],
  start: () => ({ role: ROLE_A, pc: 0, i: 0, b: 0, victim: 0, fd: -1 }),
  step(s, last, out, w) {
    switch (s.role) {
      case ROLE_B:
        if (s.pc === 1 && last === 0) {
          s.role = ROLE_C;
          s.pc = 0;
          return compute(out, 1);
        }
        if (s.i < w.children) {
          s.i++;
          s.pc = 1;
          return sys(out, SYS_FORK);
        }
        // Long enough for the grandchildren to be zombies; then exit without reaping them.
        if (s.pc !== 2) {
          s.pc = 2;
          return compute(out, 20 * Math.max(1, w.compute));
        }
        return sys(out, SYS_EXIT, 2);
      case ROLE_C:
        if (s.pc++ === 0) return compute(out, w.compute);
        return sys(out, SYS_EXIT, 1);
      case ROLE_D:
        switch (s.pc++) {
          case 0:
            return sys(out, SYS_FORK);
          case 1:
            if (last === 0) {
              s.role = ROLE_E;
              s.pc = 0;
              return compute(out, 1);
            }
            return sys(out, SYS_WAIT, STACK_PAGE);
          default:
            return sys(out, SYS_EXIT, 0);
        }
      case ROLE_E:
        if (s.pc++ === 0) return compute(out, LINEAGE_LONG_STEPS);
        return sys(out, SYS_EXIT, 0);
      case ROLE_R:
        if (s.pc++ === 0) return sys(out, SYS_RECEIVE, BUF_BASE, 64, 0, 0, -1);
        return sys(out, SYS_EXIT, 0);
      case ROLE_F:
        switch (s.pc++) {
          case 0:
            // Reads of /data/big (A opened it; F shares the open file), which no one has read:
            // each is a cache miss, so F is inside the call, waiting for the disk, when A's kill comes.
            return sys(out, SYS_READ, s.fd, BUF_BASE, 4096);
          case 1:
            if (last > 0) {
              s.pc = 1;
              return sys(out, SYS_READ, s.fd, BUF_BASE, 4096);
            }
            return sys(out, SYS_CLOSE, s.fd);
          default:
            return sys(out, SYS_EXIT, 0);
        }
      default:
        break;
    }
    // ROLE_A
    switch (s.pc) {
      case 0:
        s.pc = 1;
        return sys(out, SYS_FORK);
      case 1:
        if (last === 0) {
          s.role = ROLE_B;
          s.pc = 0;
          return compute(out, 1);
        }
        s.b = last;
        s.pc = 2;
        return sys(out, SYS_WAITPID, s.b, STACK_PAGE, 0);
      default:
        break;
    }
    if (forkKillReap(s, last, out, 2, ROLE_D, SIGKILL)) return;
    if (forkKillReap(s, last, out, 6, ROLE_R, SIGTERM)) return;
    if (s.pc === 10) {
      s.pc = 11;
      return sys(out, SYS_OPEN, STR.addr[0], STR.len[0], 0);
    }
    if (s.pc === 11) s.fd = last;
    if (forkKillReap(s, last, out, 11, ROLE_F, SIGKILL)) return;
    switch (s.pc++) {
      case 15:
        return sys(out, SYS_KILL, 1, SIGTERM);
      case 16:
        return sys(out, SYS_KILL, s.b, SIGKILL);
      case 17:
        return sys(out, SYS_GETPID);
      case 18:
        return sys(out, SYS_KILL, last, 0);
      // Each syscall's other outcomes, with arguments the kernel must refuse (kernel.md §4.3).
      case 19:
        return sys(out, SYS_READ, 0, BUF_BASE, 16); // end of input: 0
      case 20:
        return sys(out, SYS_READ, 99, BUF_BASE, 16); // EBADF
      case 21:
        return sys(out, SYS_WRITE, 99, BUF_BASE, 16); // EBADF
      case 22:
        return sys(out, SYS_CLOSE, 99); // EBADF
      case 23:
        return sys(out, SYS_LSEEK, s.fd, 0, SEEK_SET); // 0
      case 24:
        return sys(out, SYS_LSEEK, 99, 0, SEEK_SET); // EBADF
      case 25:
        return sys(out, SYS_OPEN, STR.addr[0], 0, 0); // EINVAL (empty path)
      case 26:
        return sys(out, SYS_EXEC_PATH, STR.addr[0], 0); // EINVAL
      case 27:
        return sys(out, SYS_RECEIVE, BUF_BASE, 64, 0, 0, 0); // EAGAIN: nothing to poll
      case 28:
        return sys(out, SYS_WAITPID, 99_999, 0, 0); // ECHILD
      case 29:
        return sys(out, SYS_GETPPID);
      case 30:
        return sys(out, SYS_GET_SERVICE_BINARY, 0, BUF_BASE, STACK_PAGE);
      case 31:
        return sys(out, SYS_GET_SERVICE_BINARY, 99, BUF_BASE, STACK_PAGE); // EINVAL
      case 32:
        return compute(out, LINEAGE_LONG_STEPS);
      case 33:
        return sys(out, SYS_GETPID);
      default:
        // The end: A kills itself.
        return sys(out, SYS_KILL, last, SIGTERM);
    }
  },
};
