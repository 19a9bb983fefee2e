/**
 * /bin/storm (scenario zombie-storm): `rounds` times, forks `children` children that all exit at
 * once, then waits for each of them. A zombie storm for the reaper and the process table.
 */
import { STACK_PAGE, SYS_EXIT, SYS_FORK, SYS_WAIT, SYS_YIELD } from '../abi.js';
import { compute, sys, type ProgramDef } from './program.js';

const P_FORK = 0;
const P_FORKED = 1;
const P_WAIT = 2;
const P_WAITED = 3;
const P_CHILD = 4;

export const STORM: ProgramDef = {
  name: 'storm',
  strings: [],
  start: () => ({ pc: P_FORK, round: 0, i: 0, kids: 0, waits: 0 }),
  step(s, last, out, w) {
    switch (s.pc) {
      case P_FORK:
        if (s.i >= w.children) {
          // Let the children run and exit together, then reap them.
          s.pc = P_WAIT;
          return compute(out, w.compute);
        }
        s.i++;
        s.pc = P_FORKED;
        return sys(out, SYS_FORK);
      case P_FORKED:
        if (last === 0) {
          s.pc = P_CHILD;
          return compute(out, 1);
        }
        if (last > 0) s.kids++;
        s.pc = P_FORK;
        return compute(out, 1);
      case P_CHILD:
        return sys(out, SYS_EXIT, 2);
      case P_WAIT:
        if (s.waits >= s.kids) {
          if (++s.round >= w.rounds) return sys(out, SYS_EXIT, 0);
          s.i = 0;
          s.kids = 0;
          s.waits = 0;
          s.pc = P_FORK;
          return compute(out, 1);
        }
        s.pc = P_WAITED;
        return sys(out, SYS_WAIT, STACK_PAGE);
      case P_WAITED:
        if (last > 0) s.waits++;
        else if (last === -10) s.waits = s.kids;
        s.pc = P_WAIT;
        return last > 0 ? compute(out, 1) : sys(out, SYS_YIELD);
      default:
        return sys(out, SYS_EXIT, 1);
    }
  },
};
