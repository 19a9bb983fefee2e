/**
 * The services as eclipse-b ships them (kernel.md §6): run `serviceIterations` iterations, print
 * every 10th, yield each time, then exit(0). One definition per service name, so
 * get_service_binary(id) hands out a binary whose note names that service.
 */
import { BUF_BASE, SERVICE_NAMES, SYS_EXIT, SYS_WRITE, SYS_YIELD } from '../abi.js';
import { store, sys, type ProgramDef } from './program.js';

function service(name: string): ProgramDef {
  return {
    name,
    strings: [],
    start: () => ({ pc: 0, k: 0 }),
    step(s, _last, out, w) {
      if (s.pc === 0) {
        s.pc = 1;
        return store(out, BUF_BASE, 0x2e); // '.'
      }
      if (s.k >= w.serviceIterations) return sys(out, SYS_EXIT, 0);
      s.k++;
      if (s.k % 10 === 0) return sys(out, SYS_WRITE, 1, BUF_BASE, 1);
      return sys(out, SYS_YIELD);
    },
  };
}

export const SERVICES: ProgramDef[] = SERVICE_NAMES.map(service);
