/**
 * What each event of a replayed run did, in words, for `replay --trace`: the trace's own records
 * say which event ran (a CPU step of PID 28); the probes the model recorded in that step say what
 * it amounted to (PID 28 forked PID 40; fork failed with 64 slots in use; a message was dropped),
 * and init's service table says which service changed state. Watched only when a trace is asked
 * for; nothing here is part of the run or its trace hash.
 */
import { serviceState, servicePid, serviceTable } from '../model/init/service-table.js';
import { escapeText } from './escape.js';
import * as A from '../model/proc/abi.js';
import { PROGRAMS } from '../model/proc/programs/registry.js';
import { SV_NAMES } from '../model/init/service-protocol.js';
import { DROP_NAMES } from '../model/ipc/ipc.js';
import { OP_NAMES } from '../model/fs/fs-call-abi.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
const SYSCALL_NAMES: Record<number, string> = {
  [A.SYS_EXIT]: 'exit', [A.SYS_WRITE]: 'write', [A.SYS_READ]: 'read', [A.SYS_SEND]: 'send', [A.SYS_RECEIVE]: 'receive',
  [A.SYS_YIELD]: 'yield', [A.SYS_GETPID]: 'getpid', [A.SYS_FORK]: 'fork', [A.SYS_EXEC]: 'exec', [A.SYS_WAIT]: 'wait',
  [A.SYS_GET_SERVICE_BINARY]: 'get_service_binary', [A.SYS_OPEN]: 'open', [A.SYS_CLOSE]: 'close', [A.SYS_GETPPID]: 'getppid',
  [A.SYS_LSEEK]: 'lseek', [A.SYS_WAITPID]: 'waitpid', [A.SYS_KILL]: 'kill', [A.SYS_EXEC_PATH]: 'exec_path', [A.SYS_UPTIME]: 'uptime',
};
/** Syscalls whose outcome a probe states (fork, wait, exit, exec): no line of their own. */
const SAID_BY_OUTCOME = new Set([A.SYS_FORK, A.SYS_WAIT, A.SYS_WAITPID, A.SYS_EXIT, A.SYS_EXEC, A.SYS_EXEC_PATH]);

const ERRNO_NAMES: Record<number, string> = {
  [A.EPERM]: 'EPERM', [A.ENOENT]: 'ENOENT', [A.ESRCH]: 'ESRCH', [A.EINTR]: 'EINTR', [A.EIO]: 'EIO', [A.ENOEXEC]: 'ENOEXEC',
  [A.EBADF]: 'EBADF', [A.ECHILD]: 'ECHILD', [A.EAGAIN]: 'EAGAIN', [A.ENOMEM]: 'ENOMEM', [A.EFAULT]: 'EFAULT', [A.EINVAL]: 'EINVAL',
  [A.EMFILE]: 'EMFILE', [A.ENOSYS]: 'ENOSYS',
};
const SIGNAL_NAMES: Record<number, string> = { [A.SIGKILL]: 'SIGKILL', [A.SIGSEGV]: 'SIGSEGV', [A.SIGTERM]: 'SIGTERM', [A.SIGCHLD]: 'SIGCHLD' };
const MOUNT_NAMES = ['mounted', 'refused: bad magic', 'refused: bad version', 'refused: bad geometry', 'refused: I/O error'];
const COMPLETION_NAMES = ['OK', 'IOERR', 'UNSUPP', 'error'];

/** A syscall result: a negative one named by its errno (reference) or shown as −1 (eclipse-b). */
function result(r: number): string {
  if (r >= 0 || r === -1) return String(r);
  const name = ERRNO_NAMES[-r];
  return name ? `−${name}` : String(r);
}

/** A wait status: `exit(n)` or the signal that ended the process. */
function status(st: number): string {
  const sig = st & 0x7f;
  if (sig !== 0) return `killed by ${SIGNAL_NAMES[sig] ?? `signal ${sig}`}`;
  return `exit(${(st >> 8) & 0xff})`;
}

function programName(i: number): string {
  return PROGRAMS[i]?.name ?? `program #${i}`;
}

/** One line per probe worth reading, or null for the ones that are not (byte loads and stores, ring indexes). */
function describe(kind: number, a: number, b: number, c: number): string | null {
  switch (kind) {
    case P.P_PROC_SPAWN:
      return `PID ${a} created by the kernel at boot`;
    case P.P_PROC_SCHED:
      return `scheduler: PID ${b} gets the CPU`;
    case P.P_PROC_SYSCALL:
      return SAID_BY_OUTCOME.has(b) ? null : `PID ${a}: ${SYSCALL_NAMES[b] ?? `syscall ${b}`}`;
    case P.P_PROC_FORK:
      return `PID ${b}: fork → child PID ${a}`;
    case P.P_PROC_FORK_FAIL:
      return `PID ${a}: fork fails (${ERRNO_NAMES[b] ?? b}), ${c} of ${A.MAX_PROCS} slots taken`;
    case P.P_PROC_EXIT:
      return `PID ${a} ends: ${status(b)} (parent PID ${c})`;
    case P.P_PROC_REPARENT:
      return `PID ${a} reparented to PID ${b}`;
    case P.P_PROC_REAP:
      return `PID ${c} reaps PID ${a} (${status(b)})`;
    case P.P_PROC_WAIT:
      return `PID ${a}: wait(${b === -1 ? 'any' : `PID ${b}`}) → ${result(c)}`;
    case P.P_PROC_WAIT_BLOCK:
      return `PID ${a}: wait(${b === -1 ? 'any' : `PID ${b}`}) blocks`;
    case P.P_PROC_EXEC:
      return b === 0 ? `PID ${a}: exec → now runs ${programName(c)}` : `PID ${a}: exec fails (${result(b)})`;
    case P.P_PROC_SIGCHLD:
      return `SIGCHLD to PID ${a} (child PID ${b})`;
    case P.P_IPC_SEND:
      return `IPC: PID ${b} sends message #${a} to PID ${c}`;
    case P.P_IPC_SEND_FAIL:
      return `IPC: PID ${a}: send to PID ${b} fails (${result(c)})`;
    case P.P_IPC_RECV:
      return `IPC: PID ${b} receives message #${a} from PID ${c}`;
    case P.P_IPC_DROP:
      return `IPC: message #${a} to PID ${c} dropped silently (${DROP_NAMES[b] || b})`;
    case P.P_IPC_DISCARD:
      return `IPC: message #${a} discarded: its receiver PID ${b} died`;
    case P.P_IPC_WAIT:
      return `IPC: PID ${a} waits in receive${b > 0 ? ` from PID ${b}` : ''}${c > 0 ? `, timeout ${c} µs` : ''}`;
    case P.P_IPC_WAIT_END:
      return `IPC: PID ${a}: receive returns ${result(b)}`;
    case P.P_IPC_SERVER:
      return `IPC: message #${a} consumed by kernel server ${b}`;
    case P.P_FS_MOUNT:
      return `fs: ${MOUNT_NAMES[b] ?? `mount ${a}`}`;
    case P.P_FS_CALL_START:
      return `fs: client ${a} calls ${OP_NAMES[b] || b}`;
    case P.P_FS_CALL_END:
      return `fs: client ${a}: ${OP_NAMES[b] || b} → ${result(c)}`;
    case P.P_COMPLETE:
      return `block: request of client ${a} (chain ${b}) completes ${COMPLETION_NAMES[c] ?? c}`;
    case P.P_POWER_LOSS:
      return `power lost (boot ${a + 1} ends); the machine boots again from the same disk`;
    case P.P_PANIC:
      return `kernel panic (reason ${a})`;
    default:
      return null;
  }
}

/**
 * What part of the machine a probe's line is about, for the HTML timeline's lanes: `proc`
 * (processes and the scheduler), `ipc`, `fs`, `block`, `power`, `kernel`; init's service lines
 * are `service:<name>`.
 */
export function probeTopic(kind: number): string {
  switch (kind) {
    case P.P_IPC_SEND:
    case P.P_IPC_SEND_FAIL:
    case P.P_IPC_RECV:
    case P.P_IPC_DROP:
    case P.P_IPC_DISCARD:
    case P.P_IPC_WAIT:
    case P.P_IPC_WAIT_END:
    case P.P_IPC_SERVER:
      return 'ipc';
    case P.P_FS_MOUNT:
    case P.P_FS_CALL_START:
    case P.P_FS_CALL_END:
      return 'fs';
    case P.P_COMPLETE:
      return 'block';
    case P.P_POWER_LOSS:
      return 'power';
    case P.P_PANIC:
      return 'kernel';
    default:
      return 'proc';
  }
}

/** Collects, per step, the lines that say what the step did. */
export class TraceAnnotator {
  /** step → its lines. */
  readonly lines = new Map<number, string[]>();
  /** step → the topic of each of its lines (probeTopic), in the same order. */
  readonly topics = new Map<number, string[]>();
  /** init's service table as last seen: each service's state (−1: not seen yet). */
  private readonly svState: number[] = new Array<number>(A.SERVICE_NAMES.length).fill(-1);

  /** Call after every step of the run (ScenarioSystem.observer). */
  readonly observe = (m: Machine): void => {
    const step = m.sim.steps;
    let out: string[] | undefined;
    let topics: string[] | undefined;
    const add = (line: string, topic: string) => {
      if (!out || !topics) {
        out = this.lines.get(step) ?? [];
        topics = this.topics.get(step) ?? [];
        this.lines.set(step, out);
        this.topics.set(step, topics);
      }
      out.push(line);
      topics.push(topic);
    };
    const { buf, count } = m.probes;
    for (let k = 0; k < count; k++) {
      const kind = buf[4 * k];
      if (kind === P.P_POWER_LOSS) this.svState.fill(-1);
      const line = describe(kind, buf[4 * k + 1], buf[4 * k + 2], buf[4 * k + 3]);
      if (line) add(line, probeTopic(kind));
    }
    this.serviceChanges(m, add);
  };

  /** init's service table (both inits keep it under the same keys): a line per state change. */
  private serviceChanges(m: Machine, add: (line: string, topic: string) => void): void {
    const t = m.procs?.t;
    const table = t ? serviceTable(t) : null;
    if (!table) return;
    for (let i = 0; i < A.SERVICE_NAMES.length; i++) {
      const st = serviceState(table, i);
      const pid = servicePid(table, i);
      if (st === undefined) continue;
      const was = this.svState[i];
      if (st === was) continue;
      if (was >= 0) add(`init: ${A.SERVICE_NAMES[i]} ${SV_NAMES[was]} → ${SV_NAMES[st]}${pid > 0 ? ` (PID ${pid})` : ''}`, `service:${A.SERVICE_NAMES[i]}`);
      this.svState[i] = st;
    }
  }

  /** The lines of `step`, if any. */
  at(step: number): readonly string[] {
    return this.lines.get(step) ?? [];
  }

  /** The topics of the lines of `step`, in the same order. */
  topicsAt(step: number): readonly string[] {
    return this.topics.get(step) ?? [];
  }
}

/** An annotation line under the event it belongs to. */
export function formatAnnotation(line: string): string {
  return `${' '.repeat(19)}· ${escapeText(line, 1000)}`;
}
