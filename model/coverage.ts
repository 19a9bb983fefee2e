/**
 * Coverage probes, as FoundationDB's CODE_PROBE and TigerBeetle's coverage marks: a named site in
 * the model for every situation worth reaching (each syscall × each outcome, a kill × the state of
 * its target, a death with live or zombie children × the state of the new parent, descriptor
 * shortage, a fault × what the block requests were doing, buffer-cache and service transitions,
 * power loss × what was in flight). `--coverage` on run, explore and check prints how often each
 * was hit and which never were; the JSON carries them.
 *
 * This file is the one catalogue of names. A site records a hit as one increment of a counter in a
 * typed array indexed by a constant id (`coverage.hit(C_…)`): no string is built per event.
 *
 * Coverage counters are NOT model state. They are observation only: no part reads them, so they
 * cannot influence the future, and they are deliberately left out of every fingerprint (two
 * states that differ only in what was counted on the way to them are the same state). They are
 * also not reset by `Machine.begin`: they add up over every run a system makes until its owner
 * (a campaign, an explorer, a single run) reads and clears them.
 */
import type { StateDecl } from '../sim/state-walk.js';
import { FAULT_KINDS } from './faults.js';

const names: string[] = [];

function probe(name: string): number {
  names.push(name);
  return names.length - 1;
}

// ---- system calls × outcome (kernel.md §4.3) ----------------------------------------------

/** Outcomes of a syscall as its step ends: a result ≥ 0, an error, the caller blocked, or it died. */
export const SO_OK = 0;
export const SO_ERROR = 1;
export const SO_BLOCKED = 2;
export const SO_DIED = 3;
const SO_NAMES = ['ok', 'error', 'blocked', 'died'];
export const SYSCALL_SLOTS = 19;
const SYSCALL_NAMES = ['exit', 'write', 'read', 'send', 'receive', 'yield', 'getpid', 'fork', 'exec', 'wait', 'get_service_binary', 'open', 'close', 'getppid', 'lseek', 'waitpid', 'kill', 'exec_path', 'uptime'];
/**
 * The outcomes each syscall can have in reference (kernel.md §4.3): the grid leaves out the ones
 * the design rules out (getpid never fails or blocks, exit always dies, …), so a never-hit entry
 * is a real gap, not an impossibility.
 */
const SYSCALL_OUTCOMES: Record<string, string> = {
  exit: 'died',
  write: 'ok error blocked',
  read: 'ok error blocked',
  send: 'ok error',
  receive: 'ok error blocked',
  yield: 'ok',
  getpid: 'ok',
  fork: 'ok error',
  exec: 'ok error',
  wait: 'ok error blocked',
  get_service_binary: 'ok error',
  open: 'error blocked',
  close: 'ok error',
  getppid: 'ok',
  lseek: 'ok error',
  waitpid: 'ok error blocked',
  kill: 'ok error died',
  exec_path: 'error blocked',
  uptime: 'ok',
};
/** Syscall number × outcome → probe id, or −1 where the grid has no entry. */
export const SYSCALL_PROBE = new Int16Array(SYSCALL_SLOTS * 4).fill(-1);
for (let nr = 0; nr < SYSCALL_SLOTS; nr++) {
  const n = SYSCALL_NAMES[nr];
  for (const o of SYSCALL_OUTCOMES[n].split(' ')) SYSCALL_PROBE[nr * 4 + SO_NAMES.indexOf(o)] = probe(`syscall.${n}.${o}`);
}
/** A call that blocked returns later: by what it waited for × result. */
export const C_WAKE_FS_OK = probe('syscall.returns-after-block.fs-call.ok');
export const C_WAKE_FS_ERROR = probe('syscall.returns-after-block.fs-call.error');
export const C_WAKE_WAIT_REAPED = probe('syscall.returns-after-block.wait.reaped');
export const C_WAKE_RECV_MESSAGE = probe('syscall.returns-after-block.receive.message');
export const C_WAKE_RECV_ERROR = probe('syscall.returns-after-block.receive.error');
export const C_FORK_EAGAIN = probe('fork.fails.no-slot');
export const C_FORK_ENOMEM = probe('fork.fails.no-frames');

// ---- kill × the target's state (kernel.md §4.2) ------------------------------------------------

export const C_KILL_REFUSED = probe('kill.target.pid-0-or-1');
export const C_KILL_NO_SUCH = probe('kill.target.no-such-pid');
export const C_KILL_PROBE = probe('kill.signal-0-or-sigchld');
export const C_KILL_ZOMBIE = probe('kill.target.zombie');
export const C_KILL_SELF = probe('kill.target.self');
export const C_KILL_READY = probe('kill.target.ready');
export const C_KILL_WAIT = probe('kill.target.blocked-in-wait');
export const C_KILL_RECV = probe('kill.target.blocked-in-receive');
export const C_KILL_FS = probe('kill.target.blocked-in-fs-call');
/** A kill that waited for the file-system call to return took effect there. */
export const C_KILL_FS_DIES_ON_RETURN = probe('kill.pending.dies-when-fs-call-returns');

// ---- death × children × the new parent (kernel.md §4.2) ----------------------------------------

export const C_DEATH_EXIT = probe('death.by-exit');
export const C_DEATH_SIGKILL = probe('death.by-signal.sigkill');
export const C_DEATH_SIGTERM = probe('death.by-signal.sigterm');
export const C_DEATH_SIGSEGV = probe('death.by-signal.sigsegv');
export const C_DEATH_NO_CHILDREN = probe('death.children.none');
export const C_DEATH_LIVE_CHILDREN = probe('death.children.live-only');
/** The dying process hands zombies to init: init's state at that moment. */
export const C_ZOMBIES_TO_INIT_WAITING = probe('death.children.zombies-to-init.init-blocked-in-wait');
export const C_ZOMBIES_TO_INIT_RECEIVING = probe('death.children.zombies-to-init.init-blocked-in-receive');
export const C_ZOMBIES_TO_INIT_BUSY = probe('death.children.zombies-to-init.init-ready-or-in-fs-call');
/** The parent at the death of its child. */
export const C_PARENT_WAITING = probe('death.parent.blocked-in-wait');
export const C_PARENT_RECEIVING = probe('death.parent.blocked-in-receive');
export const C_PARENT_BUSY = probe('death.parent.ready-or-in-fs-call');
/** A zombie is reaped: by a wait that found it, or by the wait it woke. */
export const C_REAP_FOUND = probe('reap.by-wait-that-found-a-zombie');
export const C_REAP_WOKEN = probe('reap.by-wait-the-death-woke');

// ---- descriptor shortage (kernel.md §2.2, VirtIO 1.2 §2.7.13) ----------------------------------

export const C_DESC_SHORT = probe('descriptors.short.request-waits');
export const C_DESC_SHORT_BEHIND = probe('descriptors.short.behind-another-waiter');
export const C_DESC_WAKE = probe('descriptors.freed.waiter-resumes');

// ---- interrupt suppression (VirtIO 1.2 §2.7.10) ------------------------------------------------

/** The driver's look at used.idx after asking for interrupts again found a new element. */
export const C_RECHECK_FOUND = probe('virtqueue.recheck-after-enable-found-new');

// ---- device reset and failure with I/O under way (VirtIO 1.2 §2.4, §2.1.2) ---------------------

/** The driver wrote 0 while I/O was under way: the reset completes only once that I/O lands. */
export const C_RESET_WAITS_FOR_IO = probe('device.reset.waits-for-io-under-way');
/** I/O under way at a failure, or at a reset, lands in its buffers without being published. */
export const C_LATE_IO_AFTER_FAILURE = probe('device.late-io.after-failure');
export const C_LATE_IO_IN_RESET = probe('device.late-io.during-reset');

// ---- a fault × what the block requests were doing ----------------------------------------------

/** What the driver's requests were doing when a fault struck. */
export const PH_NONE = 0;
export const PH_ONE = 1;
export const PH_SEVERAL = 2;
export const PH_DESC_SHORT = 3;
const PHASE_NAMES = ['no-request-outstanding', 'one-request-outstanding', 'several-requests-outstanding', 'a-request-short-of-descriptors'];
/** The phases each block-layer fault can meet (ioError … strike a request at the device). */
const FAULT_PHASES: Record<string, number[]> = {
  ioError: [PH_ONE, PH_SEVERAL, PH_DESC_SHORT],
  unsupported: [PH_ONE, PH_SEVERAL, PH_DESC_SHORT],
  latencySpike: [PH_ONE, PH_SEVERAL, PH_DESC_SHORT],
  irqDelay: [PH_ONE, PH_SEVERAL],
  irqCoalesce: [PH_ONE, PH_SEVERAL],
  irqLost: [PH_ONE, PH_SEVERAL],
  irqSpurious: [PH_NONE, PH_ONE, PH_SEVERAL],
  // The device fails as it finishes a request's I/O (virtio/device.ts ioDone): never with none.
  deviceFailure: [PH_ONE, PH_SEVERAL, PH_DESC_SHORT],
};
export const FAULT_PHASE_SLOTS = 4;
/** Fault kind × phase → probe id, or −1; kinds without phases have one probe at PHASE_NONE. */
export const FAULT_PROBE = new Int16Array(FAULT_KINDS.length * FAULT_PHASE_SLOTS).fill(-1);
/** Fault kinds whose probe is split by phase. */
export const FAULT_HAS_PHASES = new Uint8Array(FAULT_KINDS.length);
for (let k = 0; k < FAULT_KINDS.length; k++) {
  const kind = FAULT_KINDS[k];
  const phases = FAULT_PHASES[kind];
  if (!phases) {
    FAULT_PROBE[k * FAULT_PHASE_SLOTS] = probe(`fault.${kind}`);
    continue;
  }
  FAULT_HAS_PHASES[k] = 1;
  for (const ph of phases) FAULT_PROBE[k * FAULT_PHASE_SLOTS + ph] = probe(`fault.${kind}.${PHASE_NAMES[ph]}`);
}

// ---- power loss × what was in flight (kernel.md §3.1) ------------------------------------------

export const C_POWER_IDLE = probe('power-loss.nothing-at-the-device');
export const C_POWER_READ = probe('power-loss.a-read-at-the-device');
export const C_POWER_WRITE_NOT_TAKEN = probe('power-loss.a-write-still-in-the-driver');
export const C_POWER_TORN_NONE = probe('power-loss.write-in-io.no-sector-reached-the-disk');
export const C_POWER_TORN_PART = probe('power-loss.write-in-io.torn');
export const C_POWER_TORN_ALL = probe('power-loss.write-in-io.every-sector-reached-the-disk');

// ---- the buffer cache (kernel.md §3.2) ---------------------------------------------------------

export const C_CACHE_HIT = probe('cache.hit');
export const C_CACHE_MISS = probe('cache.miss.read-started');
export const C_CACHE_JOIN = probe('cache.miss.joins-a-request-in-flight');
export const C_CACHE_FULL = probe('cache.miss.no-free-buffer.waits');
export const C_CACHE_EVICT = probe('cache.evicts-a-valid-buffer');
export const C_CACHE_READ_OK = probe('cache.read.valid');
export const C_CACHE_READ_RETRY = probe('cache.read.error.retried');
export const C_CACHE_READ_EIO = probe('cache.read.error.retries-exhausted');
export const C_CACHE_WRITE = probe('cache.write-through.started');
export const C_CACHE_WRITE_OK = probe('cache.write-through.acknowledged');
export const C_CACHE_WRITE_EIO = probe('cache.write-through.error');

// ---- init's service table (kernel.md §6) -------------------------------------------------------

/** Allowed transitions of a service's state (S-SM-01), and a restart on a new PID. */
export const C_SERVICE_STOPPED_STARTING = probe('service.stopped-to-starting');
export const C_SERVICE_STARTING_RUNNING = probe('service.starting-to-running');
export const C_SERVICE_RUNNING_STARTING = probe('service.running-to-starting');
export const C_SERVICE_STARTING_RESTART = probe('service.starting-restarted-on-a-new-pid');
export const C_SERVICE_STARTING_FAILED = probe('service.starting-to-failed');
export const C_SERVICE_RUNNING_FAILED = probe('service.running-to-failed');
/** Two services dead at once before init has run again. */
export const C_SERVICE_TWO_DEAD = probe('service.two-dead-before-init-runs');

/** How many probes there are. */
export const PROBE_COUNT = names.length;

/** The name of probe `id`. */
export function probeName(id: number): string {
  return names[id];
}

/** Every probe name, by id. */
export function probeNames(): readonly string[] {
  return names;
}

/** The counters. One per model; see the header: observation only, never fingerprinted. */
export class Coverage {
  static readonly stateDecl: StateDecl = { observed: ['counts'] };
  readonly counts = new Float64Array(PROBE_COUNT);

  hit(id: number): void {
    this.counts[id]++;
  }

  clear(): void {
    this.counts.fill(0);
  }
}
