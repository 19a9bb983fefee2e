/**
 * User programs as state machines over plain data (architecture.md "Model style"). A program's
 * state is a flat object of numbers, so fork clones it and the fingerprint hashes it. Each CPU
 * step the kernel calls `step(state, lastResult, action, workload)`: the program updates its state
 * in place and fills in the one action it takes next. (In place, rather than returning
 * `{state, action}`, so the hot loop allocates nothing; fork copies the state object.)
 *
 * A program's string constants (paths) live in its data segment: the ELF file on the disk carries
 * them, exec maps them, and syscalls name them by address — the kernel reads them from the
 * process's memory like any user pointer.
 */
import { DATA_BASE } from '../abi.js';
import type { MutantSet } from '../../mutants.js';
import type { ServiceParams, Workload } from '../../params.js';

export const A_SYSCALL = 0;
export const A_COMPUTE = 1;
/** Load one byte, or a little-endian u32 (0 … 2^32 − 1) if a2 = 4 (a0 = address); the result is the value. */
export const A_LOAD = 2;
/** Store one byte, or a little-endian u32 if a2 = 4 (a0 = address, a1 = value). */
export const A_STORE = 3;
/** The program faults (a wild pointer): it dies of SIGSEGV. */
export const A_CRASH = 4;

/** What a program does next. For A_SYSCALL, `nr` and arguments a0..a4 (rdi, rsi, rdx, r10, r8). */
export interface Action {
  kind: number;
  nr: number;
  a0: number;
  a1: number;
  a2: number;
  a3: number;
  a4: number;
}

export function newAction(): Action {
  return { kind: 0, nr: 0, a0: 0, a1: 0, a2: 0, a3: 0, a4: 0 };
}


export type ProgramState = Record<string, number>;

/** What else a program is built with: the service manager's numbers and the planted bugs in init. */
export interface ProgramEnv {
  services: ServiceParams | undefined;
  mutants: MutantSet;
}

export interface ProgramDef {
  name: string;
  /** String constants, laid out NUL-terminated from DATA_BASE in this order. */
  strings: readonly string[];
  start(): ProgramState;
  step(s: ProgramState, last: number, out: Action, w: Workload, env: ProgramEnv): void;
  /** A service (kernel.md §6): subject to the hang and slow-start faults. */
  service?: boolean;
  /** init only: it has started everything it was told to and found nothing left to reap. */
  idle?(s: ProgramState): boolean;
}

/** Addresses and lengths of string constants laid out NUL-terminated from DATA_BASE. */
export function layoutStrings(strings: readonly string[]): { addr: number[]; len: number[] } {
  const addr: number[] = [];
  const len: number[] = [];
  let at = DATA_BASE;
  for (const s of strings) {
    const n = new TextEncoder().encode(s).length;
    addr.push(at);
    len.push(n);
    at += n + 1;
  }
  return { addr, len };
}

// Small helpers to fill the action.
export function sys(out: Action, nr: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0): void {
  out.kind = A_SYSCALL;
  out.nr = nr;
  out.a0 = a0;
  out.a1 = a1;
  out.a2 = a2;
  out.a3 = a3;
  out.a4 = a4;
}

export function compute(out: Action, steps: number): void {
  out.kind = A_COMPUTE;
  out.a0 = steps;
}

export function load(out: Action, addr: number, width = 1): void {
  out.kind = A_LOAD;
  out.a0 = addr;
  out.a2 = width;
}

export function store(out: Action, addr: number, value: number, width = 1): void {
  out.kind = A_STORE;
  out.a0 = addr;
  out.a1 = value;
  out.a2 = width;
}
