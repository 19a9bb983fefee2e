/**
 * The way the built-in programs start another program from the disk: `exec_path` (reference), and
 * where that is missing (eclipse-b answers −1) or fails, the eclipse-b way: open the file, read it
 * into memory, `exec(ptr, len)`. On failure the child exits with 127 (not found) or 126 (not
 * executable), as a shell does. Uses the state fields xpc, xfd, xlen.
 */
import { BUF_BASE, BUF_BYTES, SYS_CLOSE, SYS_EXEC, SYS_EXEC_PATH, SYS_EXIT, SYS_OPEN, SYS_READ } from '../abi.js';
import { sys, type Action, type ProgramState } from './program.js';

/** Where the fallback reads the ELF file: the buffer's tail (its head may hold the path). */
export const ELF_BUF = BUF_BASE + 1024;
const ELF_BUF_BYTES = BUF_BYTES - 1024;

export function startExec(s: ProgramState): void {
  s.xpc = 1;
  s.xfd = -1;
  s.xlen = 0;
}

/** One step of exec-from-disk of the path at (addr, len); `last` is the previous call's result. */
export function execStep(s: ProgramState, last: number, out: Action, pathAddr: number, pathLen: number): void {
  switch (s.xpc) {
    case 1:
      s.xpc = 2;
      return sys(out, SYS_EXEC_PATH, pathAddr, pathLen);
    case 2:
      // exec_path returned, so it failed: try open + read + exec.
      s.xpc = 3;
      return sys(out, SYS_OPEN, pathAddr, pathLen, 0);
    case 3:
      if (last < 0) return sys(out, SYS_EXIT, 127);
      s.xfd = last;
      s.xpc = 4;
      return sys(out, SYS_READ, s.xfd, ELF_BUF, Math.min(4096, ELF_BUF_BYTES));
    case 4:
      if (last < 0) return sys(out, SYS_EXIT, 127);
      if (last > 0 && s.xlen + last < ELF_BUF_BYTES) {
        s.xlen += last;
        return sys(out, SYS_READ, s.xfd, ELF_BUF + s.xlen, Math.min(4096, ELF_BUF_BYTES - s.xlen));
      }
      s.xlen += last;
      s.xpc = 5;
      return sys(out, SYS_CLOSE, s.xfd);
    case 5:
      s.xpc = 6;
      return sys(out, SYS_EXEC, ELF_BUF, s.xlen);
    default:
      return sys(out, SYS_EXIT, 126);
  }
}
