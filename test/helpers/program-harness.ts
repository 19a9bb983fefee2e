/**
 * Scripted test programs for the tests that drive the process and IPC models end to end at their
 * system-call boundary (test/model/proc/processes.test.ts, test/model/ipc/ipc.test.ts). A test
 * program is one script of operations per role, registered with the program registry so that it
 * goes on a disk image as a real ELF file; a fork switches the child to its own role, and every
 * result the program gets is logged per role, in order across processes, and (for tagged
 * operations) under its tag. `programRunner` builds a file's `run`: it boots proc-small from a disk
 * holding init, the program in /bin and /etc/rc naming it, with no faults, runs it to its end on a
 * system that lets a test watch the processes after every step, and fills in what a test leaves
 * out (checks, collect mode, time bound, extra files) from that file's own defaults per profile.
 */
import { writeImage } from '../../model/fs/host/image-writer.js';
import { dir, file, type TreeNode } from '../../model/fs/host/tree.js';
import { NO_FAULTS } from '../../model/params.js';
import type { Profile } from '../../model/profile.js';
import * as A from '../../model/proc/abi.js';
import type { Processes } from '../../model/proc/processes.js';
import { compute, load, sys, type Action, type ProgramState } from '../../model/proc/programs/program.js';
import { programElf, registerProgram } from '../../model/proc/programs/registry.js';
import { imageHash } from '../../scenarios/fs-images.js';
import { findScenario } from '../../scenarios/registry.js';
import { ScenarioSystem, type SystemConfig } from '../../scenarios/system.js';
import { runOnce } from '../../sim/run.js';
import { RandomStrategy } from '../../sim/strategy/random.js';

// ---------------------------------------------------------------------------------------------
// Operations: one script of them per role.
// ---------------------------------------------------------------------------------------------

/**
 * One operation: `act` fills the action (it may read the state: `kid` is the last fork's result).
 * While `again(result)` holds the operation is repeated (unlogged, at most `max` times).
 * `fork`: the operation is a fork, and the child (result 0) continues with that role's script.
 * `tag`: the result is also logged under this name (in the parent only, for a fork).
 */
export interface Op {
  act: (out: Action, s: ProgramState) => void;
  again?: (r: number) => boolean;
  max?: number;
  fork?: string;
  tag?: string;
}

export const op = (act: Op['act'], again?: Op['again'], max = 2000): Op => ({ act, again, max });
/** `o`, with its result also logged under `name`. */
export const tag = (name: string, o: Op): Op => ({ ...o, tag: name });
export const call = (nr: number, a0 = 0, a1 = 0, a2 = 0, a3 = 0, a4 = 0): Op => op((o) => sys(o, nr, a0, a1, a2, a3, a4));
export const fork = (child: string, again?: Op['again']): Op => ({ act: (o) => sys(o, A.SYS_FORK), fork: child, again, max: 64 });
/** `steps` program steps of computation, no system call. */
export const burn = (steps: number): Op => op((o) => compute(o, steps));
export const exit = (code = 0): Op => call(A.SYS_EXIT, code);
export const loadAt = (addr: number): Op => op((o) => load(o, addr));
export const loadU32 = (addr: number): Op => op((o) => load(o, addr, 4));
/** waitpid on the last forked child. */
export const waitKid = (ptr = 0, flags = 0): Op => op((o, s) => sys(o, A.SYS_WAITPID, s.kid, ptr, flags));
export const killKid = (sig: number): Op => op((o, s) => sys(o, A.SYS_KILL, s.kid, sig));

// ---------------------------------------------------------------------------------------------
// Test programs
// ---------------------------------------------------------------------------------------------

export interface TestProgram {
  name: string;
  /** Per role, each result in order; a child's log starts with its fork result (0). */
  logs: Record<string, number[]>;
  /** "role#index" of every logged result, in the order they were logged (across processes). */
  order: string[];
  /** Per tag, the results of the operations carrying it, in the order they were logged. */
  tags: Record<string, number[]>;
}

/**
 * Registers program `name` running `roles.main`. After a role's last operation the process yields
 * forever (end a script with exit to end the process). Results go to module-level logs through
 * the closure, so they survive the process (runs are deterministic).
 */
export function program(name: string, roles: Record<string, Op[]>): TestProgram {
  const names = Object.keys(roles);
  const logs: Record<string, number[]> = Object.fromEntries(names.map((r) => [r, [] as number[]]));
  const order: string[] = [];
  const tags: Record<string, number[]> = {};
  registerProgram({
    name,
    strings: [],
    start: () => ({ role: names.indexOf('main'), pc: 0, rep: 0, kid: 0 }),
    step(s, last, out) {
      const done = roles[names[s.role]];
      if (s.pc > 0 && s.pc <= done.length) {
        const prev = done[s.pc - 1];
        if (prev.again?.(last) && s.rep < (prev.max ?? 2000)) {
          s.rep++;
          return prev.act(out, s);
        }
        s.rep = 0;
        const forkedChild = prev.fork !== undefined && last === 0;
        if (forkedChild) {
          s.role = names.indexOf(prev.fork!);
          s.pc = 0;
        } else if (prev.fork !== undefined) s.kid = last;
        const role = names[s.role];
        logs[role].push(last);
        order.push(`${role}#${logs[role].length - 1}`);
        if (prev.tag !== undefined && !forkedChild) (tags[prev.tag] ??= []).push(last);
      }
      const ops = roles[names[s.role]];
      if (s.pc < ops.length) return ops[s.pc++].act(out, s);
      s.pc = ops.length + 1;
      sys(out, A.SYS_YIELD);
    },
  });
  return { name, logs, order, tags };
}

// ---------------------------------------------------------------------------------------------
// Addresses every test program may use
// ---------------------------------------------------------------------------------------------

/** The scratch buffer at the end of the data segment. */
export const BUF = A.BUF_BASE;
/** Below the text segment: never mapped. */
export const UNMAPPED = 0x1000;
/** Mapped read-only (the text segment of every model program starts here). */
export const TEXT = A.TEXT_BASE + 0x200;

// ---------------------------------------------------------------------------------------------
// Running one: proc-small, the program's own disk, no faults.
// ---------------------------------------------------------------------------------------------

/** A ScenarioSystem that lets a test look at the processes after every step. */
class WatchedSystem extends ScenarioSystem {
  constructor(config: SystemConfig, private readonly watch?: (p: Processes) => void) {
    super(config);
  }

  override step(): boolean {
    const more = super.step();
    this.watch?.(this.machine.procs!);
    return more;
  }
}

/** Files the disk holds besides init, the program and /etc/rc: more of /bin and of /etc. */
export interface ExtraFiles {
  bin?: Record<string, TreeNode>;
  etc?: Record<string, TreeNode>;
}

/** How to run a test program; what is left out is the scenario's (or, for checks, all of them). */
export interface RunOpts {
  profile?: Profile;
  mutants?: string[];
  /** Which checks may end (or, collecting, are reported by) the run; see SystemConfig.checks. */
  checks?: string[];
  /** Keep going after a violation and report every check violated. */
  collect?: boolean;
  /** Physical frames (proc.frames). */
  frames?: number;
  /** Mailbox capacity (proc.mailboxSize). */
  mailboxSize?: number;
  /** Device latency of every block request (default: the scenario's 2 µs). */
  latency?: number;
  /** The run's bound in simulated µs (maxTimeMicros). */
  maxTime?: number;
  files?: ExtraFiles;
  /** Called with the processes after every step. */
  watch?: (p: Processes) => void;
}

/**
 * Boots proc-small from a disk with /sbin/init, the program in /bin, /etc/rc naming it (and any
 * `files`), with no faults, and runs it to its end with seed 1.
 */
export function runProgram(prog: TestProgram, opts: RunOpts = {}) {
  const profile = opts.profile ?? 'reference';
  const scenario = findScenario('proc-small')!;
  const image = writeImage(
    dir({
      sbin: dir({ init: file(programElf('init')) }),
      bin: dir({ [prog.name]: file(programElf(prog.name)), ...opts.files?.bin }),
      etc: dir({ rc: file(`/bin/${prog.name}\n`), ...opts.files?.etc }),
    }),
  );
  const params = scenario.params;
  const system = new WatchedSystem(
    {
      scenario,
      profile,
      mutants: opts.mutants ?? [],
      image,
      checks: opts.checks,
      collect: opts.collect,
      overrides: {
        faults: { ...NO_FAULTS },
        faultBudget: 0,
        maxTimeMicros: opts.maxTime ?? params.maxTimeMicros,
        latencyMicrosOptions: opts.latency === undefined ? params.latencyMicrosOptions : [opts.latency],
        fs: { ...params.fs!, image: `file:${prog.name}.img`, imageHash: imageHash(image) },
        proc: { ...params.proc!, frames: opts.frames ?? params.proc!.frames, mailboxSize: opts.mailboxSize ?? params.proc!.mailboxSize },
      },
    },
    opts.watch,
  );
  const result = runOnce(system, new RandomStrategy(1));
  return { system, result, procs: system.machine.procs! };
}

/** What a test file's runs use, per profile, where a test does not say. */
export type RunDefaults = (profile: Profile) => Pick<RunOpts, 'checks' | 'collect' | 'maxTime' | 'files'>;

/** `runProgram` with a test file's own defaults for what its tests leave out. */
export function programRunner(defaults: RunDefaults) {
  return (prog: TestProgram, opts: RunOpts = {}) => {
    const d = defaults(opts.profile ?? 'reference');
    return runProgram(prog, { ...opts, checks: opts.checks ?? d.checks, collect: opts.collect ?? d.collect, maxTime: opts.maxTime ?? d.maxTime, files: opts.files ?? d.files });
  };
}
