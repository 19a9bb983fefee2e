/**
 * /bin/pair (scenario proc-small): forks one child that exits with 3, waits for it, exits with 0.
 * The smallest fork/exit/wait there is, for exhaustive exploration.
 */
import { STACK_PAGE, SYS_EXIT, SYS_FORK, SYS_WAIT } from '../abi.js';
import { sys, type ProgramDef } from './program.js';

export const PAIR: ProgramDef = {
  name: 'pair',
  strings: [],
  start: () => ({ pc: 0 }),
  step(s, last, out) {
    switch (s.pc) {
      case 0:
        s.pc = 1;
        return sys(out, SYS_FORK);
      case 1:
        s.pc = last === 0 ? 9 : 2;
        if (last === 0) return sys(out, SYS_EXIT, 3);
        return sys(out, SYS_WAIT, STACK_PAGE);
      case 2:
        // reference: the wait blocked until the child exited. eclipse-b: it may come back −1.
        if (last < 0 && last !== -10) return sys(out, SYS_WAIT, STACK_PAGE);
        s.pc = 9;
        return sys(out, SYS_EXIT, 0);
      default:
        return sys(out, SYS_EXIT, 0);
    }
  },
};
