/**
 * The process table and the ready ring (kernel.md §4.1): 64 slots of plain per-slot arrays, PIDs
 * that only increase, and a 64-entry ring of slots waiting for the CPU.
 *
 * eclipse-b's ring drops a slot silently when full and hands out whatever it dequeues; reference
 * never holds a slot twice and skips anything that is no longer Ready (the checks judge both).
 */
import type { Hasher64 } from '../../sim/hash.js';
import { MAX_FDS, MAX_PROCS, PS_FREE, PS_READY } from './abi.js';
import type { ProgramState } from './programs/program.js';
import type { StateDecl } from '../../sim/state-walk.js';

/** Why a process is Blocked. */
export const B_NONE = 0;
export const B_WAIT = 1;
/** In a file-system call (open, read, write, exec_path): not interruptible until it returns. */
export const B_FS = 2;
/** In a blocking IPC receive. */
export const B_RECV = 3;

/** A free slot's fields mean nothing (a new process sets them); the fingerprint skips them. */
function freeSlot(t: ProcessTable, s: number): boolean {
  return t.state[s] === PS_FREE;
}

export class ProcessTable {
  /**
   * For the fingerprint audit: what `fingerprint` leaves out. A free slot's fields (the fd table
   * by rows of MAX_FDS); the ready ring as a FIFO; `dropped`, a statistic nothing reads.
   */
  static readonly stateDecl: StateDecl = {
    dead: ['dropped'],
    times: ['stepDue'],
    deadIf: {
      pid: freeSlot,
      ppid: freeSlot,
      status: freeSlot,
      program: freeSlot,
      progState: freeSlot,
      last: freeSlot,
      sigPending: freeSlot,
      killPending: freeSlot,
      block: freeSlot,
      waitPid: freeSlot,
      waitPtr: freeSlot,
      stepDue: freeSlot,
      burstLeft: freeSlot,
      fds: (t: ProcessTable, i: number) => t.state[(i / MAX_FDS) | 0] === PS_FREE,
    },
    fifos: [{ head: 'ringHead', len: 'ringCount', arrays: ['ring'] }],
  };

  readonly pid = new Int32Array(MAX_PROCS);
  readonly ppid = new Int32Array(MAX_PROCS);
  readonly state = new Uint8Array(MAX_PROCS);
  /** wait status: (code & 0xFF) << 8 after exit(code), or the signal that terminated it. */
  readonly status = new Int32Array(MAX_PROCS);
  readonly program = new Int32Array(MAX_PROCS);
  readonly progState: (ProgramState | null)[] = new Array<ProgramState | null>(MAX_PROCS).fill(null);
  /** The result of the process's last action, handed to its next step. */
  readonly last = new Float64Array(MAX_PROCS);
  /** Pending signals (bit n = signal n). */
  readonly sigPending = new Int32Array(MAX_PROCS);
  /** A kill that arrived during an uninterruptible call: the signal to die of when it returns. */
  readonly killPending = new Int32Array(MAX_PROCS);
  readonly block = new Uint8Array(MAX_PROCS);
  readonly waitPid = new Int32Array(MAX_PROCS);
  readonly waitPtr = new Float64Array(MAX_PROCS);
  /** Time of the process's pending CPU step (while Running), and CPU time left when preempted. */
  readonly stepDue = new Float64Array(MAX_PROCS);
  readonly burstLeft = new Float64Array(MAX_PROCS);
  /** fd → open file description (−1 closed); fds 0–2 are the console. */
  readonly fds = new Int16Array(MAX_PROCS * MAX_FDS);
  nextPid = 1;

  readonly ring = new Int32Array(MAX_PROCS);
  ringHead = 0;
  ringCount = 0;
  /** Slots dropped because the ring was full (eclipse-b). */
  dropped = 0;

  begin(): void {
    this.pid.fill(0);
    this.ppid.fill(0);
    this.state.fill(PS_FREE);
    this.status.fill(0);
    this.program.fill(-1);
    this.progState.fill(null);
    this.last.fill(0);
    this.sigPending.fill(0);
    this.killPending.fill(0);
    this.block.fill(B_NONE);
    this.waitPid.fill(0);
    this.waitPtr.fill(0);
    this.stepDue.fill(-1);
    this.burstLeft.fill(0);
    this.fds.fill(-1);
    this.nextPid = 1;
    this.ringHead = 0;
    this.ringCount = 0;
    this.dropped = 0;
  }

  /** The lowest free slot, or −1. */
  freeSlot(): number {
    for (let s = 0; s < MAX_PROCS; s++) if (this.state[s] === PS_FREE) return s;
    return -1;
  }

  /** The slot of a process by PID (any state but free), or −1. */
  slotOf(pid: number): number {
    if (pid < 0) return -1;
    for (let s = 0; s < MAX_PROCS; s++) if (this.state[s] !== PS_FREE && this.pid[s] === pid) return s;
    return -1;
  }

  /** Slots in use (live or unreaped). */
  inUse(): number {
    let n = 0;
    for (let s = 0; s < MAX_PROCS; s++) if (this.state[s] !== PS_FREE) n++;
    return n;
  }

  /** Appends to the ready ring; false (and the slot dropped) when the ring is full. */
  enqueue(slot: number): boolean {
    if (this.ringCount === MAX_PROCS) {
      this.dropped++;
      return false;
    }
    this.ring[(this.ringHead + this.ringCount) % MAX_PROCS] = slot;
    this.ringCount++;
    return true;
  }

  /** Takes the head of the ring, or −1. */
  dequeue(): number {
    if (this.ringCount === 0) return -1;
    const s = this.ring[this.ringHead];
    this.ringHead = (this.ringHead + 1) % MAX_PROCS;
    this.ringCount--;
    return s;
  }

  /** Removes every occurrence of a slot from the ring (reference, when a Ready process dies). */
  unqueue(slot: number): void {
    let w = 0;
    for (let i = 0; i < this.ringCount; i++) {
      const s = this.ring[(this.ringHead + i) % MAX_PROCS];
      if (s !== slot) this.ring[(this.ringHead + w++) % MAX_PROCS] = s;
    }
    this.ringCount = w;
  }

  /** How many times a slot is in the ring. */
  queued(slot: number): number {
    let n = 0;
    for (let i = 0; i < this.ringCount; i++) if (this.ring[(this.ringHead + i) % MAX_PROCS] === slot) n++;
    return n;
  }

  isReady(slot: number): boolean {
    return this.state[slot] === PS_READY;
  }

  fingerprint(h: Hasher64, now: number): void {
    h.int(this.nextPid);
    h.int(this.ringCount);
    for (let i = 0; i < this.ringCount; i++) h.int(this.ring[(this.ringHead + i) % MAX_PROCS]);
    for (let s = 0; s < MAX_PROCS; s++) {
      if (this.state[s] === PS_FREE) continue;
      h.int(s);
      h.int(this.pid[s]);
      h.int(this.ppid[s]);
      h.int(this.state[s] | (this.block[s] << 4));
      h.int(this.status[s]);
      h.int(this.program[s]);
      h.num(this.last[s]);
      h.int(this.sigPending[s]);
      h.int(this.killPending[s]);
      h.int(this.waitPid[s]);
      h.num(this.waitPtr[s]);
      h.num(this.stepDue[s] < 0 ? -1 : this.stepDue[s] - now);
      h.num(this.burstLeft[s]);
      const ps = this.progState[s];
      if (ps) for (const k in ps) h.num(ps[k]);
      for (let f = 0; f < MAX_FDS; f++) if (this.fds[s * MAX_FDS + f] >= 0) h.int(f * 256 + this.fds[s * MAX_FDS + f]);
    }
  }
}
