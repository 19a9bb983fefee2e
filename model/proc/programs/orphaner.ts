/**
 * /bin/orphaner (scenario orphans): forks `children` children and exits at once, before them. Each
 * child computes for a while, tags and reads back its memory, and exits with 1 — as an orphan,
 * reparented to init, which must reap it.
 */
import { BUF_BASE, SYS_EXIT, SYS_FORK } from '../abi.js';
import { compute, load, store, sys, type ProgramDef } from './program.js';

export const ORPHANER: ProgramDef = {
  name: 'orphaner',
  strings: [],
  start: () => ({ pc: 0, i: 0, child: 0 }),
  step(s, last, out, w) {
    if (s.child === 1) {
      switch (s.pc++) {
        case 0:
          return compute(out, w.compute);
        case 1:
          return store(out, BUF_BASE, 0x5a);
        case 2:
          return load(out, BUF_BASE);
        default:
          return sys(out, SYS_EXIT, 1);
      }
    }
    if (s.pc === 1 && last === 0) {
      s.child = 1;
      s.pc = 0;
      return compute(out, 1);
    }
    if (s.i < w.children) {
      s.i++;
      s.pc = 1;
      return sys(out, SYS_FORK);
    }
    return sys(out, SYS_EXIT, 0);
  },
};
