/**
 * /bin/worker: what a leaf of the fork tree execs. It computes, tags its memory, reads /etc/motd
 * to the console, reads its tag back and exits with 7.
 */
import { BUF_BASE, SYS_CLOSE, SYS_EXIT, SYS_GETPID, SYS_OPEN, SYS_READ, SYS_WRITE } from '../abi.js';
import { compute, layoutStrings, load, store, sys, type ProgramDef } from './program.js';

const STR = layoutStrings(['/etc/motd']);
const TEXT = BUF_BASE + 64;

export const WORKER: ProgramDef = {
  name: 'worker',
  strings: ['/etc/motd'],
  start: () => ({ pc: 0, fd: -1 }),
  step(s, last, out, w) {
    switch (s.pc++) {
      case 0:
        return compute(out, w.compute);
      case 1:
        return sys(out, SYS_GETPID);
      case 2:
        return store(out, BUF_BASE, (last + 1) & 0xff);
      case 3:
        return sys(out, SYS_OPEN, STR.addr[0], STR.len[0], 0);
      case 4:
        s.fd = last;
        return sys(out, SYS_READ, s.fd, TEXT, 100);
      case 5:
        return sys(out, SYS_WRITE, 1, TEXT, last > 0 ? last : 0);
      case 6:
        return load(out, BUF_BASE);
      case 7:
        return sys(out, SYS_CLOSE, s.fd);
      default:
        return sys(out, SYS_EXIT, 7);
    }
  },
};
