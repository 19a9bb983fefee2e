/**
 * IPC checks (invariants.md "IPC"): S-IPC-01…04 and L-IPC-01.
 *
 * The family keeps every message that was sent and not yet delivered or discarded: who sent it to
 * whom, in which order, and a copy of its bytes as the sender had them (read at the send, before
 * the kernel could touch them). Deliveries are judged against that: at most once, FIFO per sender
 * and receiver, to the PID it was sent to (PIDs are never reused, so a later process in the same
 * slot is another PID), and the bytes that arrive are the bytes sent.
 *
 * Readings: L-IPC-01 is bounded response — a message to a live process that has called receive
 * since it was sent must arrive within the scenario's bound (the reap bound, plus two request
 * periods and the slack with services) of being sent, measured from when the last fault settled. A message consumed by an eclipse-b kernel server (it was
 * addressed to a server id) is delivered, not lost.
 *
 * What it does not verify, and why: what a payload means to its receiver (READY and health
 * replies are the service manager's business, checks/services.ts); what eclipse-b's kernel
 * servers do with a message they consumed (kernel.md does not say); and a receiver's wake-up on a
 * dead peer beyond S-IPC-03's "fails, never blocks forever" (the process checks see the process).
 */
import type { Hasher64 } from '../sim/hash.js';
import type { Violation } from '../sim/violation.js';
import * as A from '../model/proc/abi.js';
import { DROP_NAMES } from '../model/ipc/ipc.js';
import * as P from '../model/probes.js';
import type { Machine } from '../model/machine.js';
import type { StateDecl } from '../sim/state-walk.js';
import { CheckFamilyBase, type CheckInfo, type ProbeHandler } from './check.js';

const ipc = (id: string, kind: 'safety' | 'progress', title: string): CheckInfo => ({ id, subsystem: 'IPC', kind, title });

export const IPC_CHECKS: readonly CheckInfo[] = [
  ipc('S-IPC-01', 'safety', 'delivery: at most once, FIFO per sender and receiver, never to another incarnation'),
  ipc('S-IPC-02', 'safety', 'bounded queues: a full queue rejects the sender; nothing is dropped silently'),
  ipc('S-IPC-03', 'safety', 'dead peers: sending to a dead process fails, and a receiver waiting on it is unblocked'),
  ipc('S-IPC-04', 'safety', 'payload: the bytes received equal the bytes sent, up to the size'),
  ipc('L-IPC-01', 'progress', 'a message sent to a live process that keeps receiving is eventually received'),
];

/** A message sent and not yet delivered (`at`: when, compared relative to now by the audit). */
class Sent {
  static readonly stateDecl: StateDecl = { times: ['at'] };

  constructor(
    readonly from: number,
    readonly to: number,
    readonly at: number,
    public bytes: Uint8Array,
  ) {}
}

export class IpcChecks extends CheckFamilyBase {
  /**
   * For the fingerprint audit: `dead` lists a step's exits (reset at every step) and `pendingId`
   * links a receive to its payload probe, both of one step; `lastEval` only spares a second
   * evaluation of the deadlines at the same time, which could find nothing new. `lastReceive`
   * is read only as "after the send" of an outstanding message, which the fingerprint keeps per
   * message (a later message is sent after every receive so far).
   */
  static override readonly stateDecl: StateDecl = { dead: ['dead', 'pendingId', 'lastEval', 'lastReceive'] };

  readonly checks = IPC_CHECKS;
  /** Messages sent and not yet delivered or discarded, by id (insertion order = send order). */
  private readonly out = new Map<number, Sent>();
  /** When each PID last called receive. */
  private readonly lastReceive = new Map<number, number>();
  private pendingId = -1;
  private readonly dead: number[] = [];
  /**
   * PIDs alive as the process probes reported them (born at spawn or fork, dead at exit), and the
   * receivers blocked in a receive (PID → the sender it waits for, 0 for any) from the wait
   * probes: the family's own view, never the process table's states or the kernel's wait records.
   */
  private readonly live = new Set<number>();
  private readonly waits = new Map<number, number>();
  private lastEval = -1;


  begin(): void {
    this.out.clear();
    this.lastReceive.clear();
    this.live.clear();
    this.waits.clear();
    this.pendingId = -1;
    this.lastEval = -1;
  }


  private readonly handle: ProbeHandler = (kind, a, b, c) => this.onProbe(kind, a, b, c);

  afterStep(): Violation | null {
    if (this.dead.length > 0) this.dead.length = 0;
    const first = this.readStepProbes(this.handle);
    if (this.dead.length > 0) {
      const v = this.pass(this.waitersUnblocked());
      if (first || v) return first ?? v;
    }
    if (first) return first;
    const now = this.m.sim.now;
    if (this.out.size > 0 && now !== this.lastEval) {
      this.lastEval = now;
      return this.deadlines(now, false);
    }
    return null;
  }

  private onProbe(kind: number, a: number, b: number, c: number): Violation | null {
    switch (kind) {
      case P.P_IPC_SEND:
        return this.sent(a, b, c);
      case P.P_IPC_PAYLOAD: {
        // The sender's bytes, copied at the send (eclipse-b never copies them itself).
        const msg = this.out.get(a);
        const ipcm = this.m.procs!.ipc;
        if (msg) msg.bytes = ipcm.sentBytes.slice(0, b);
        return null;
      }
      case P.P_IPC_RECV:
        this.pendingId = a;
        return this.received(a, b, c);
      case P.P_IPC_RECV_PAYLOAD:
        return this.payload(a, b);
      case P.P_IPC_DROP:
        this.out.delete(a);
        return this.fail('S-IPC-02', `message ${a} to ${c} was dropped silently (${DROP_NAMES[b] || 'no route'})`);
      case P.P_IPC_DISCARD:
      case P.P_IPC_SERVER:
        this.out.delete(a);
        return null;
      case P.P_PROC_SYSCALL:
        if (b === A.SYS_RECEIVE) this.lastReceive.set(a, this.m.sim.now);
        return null;
      case P.P_PROC_SPAWN:
      case P.P_PROC_FORK:
        this.live.add(a);
        return null;
      case P.P_PROC_EXIT:
        this.dead.push(a);
        this.live.delete(a);
        this.waits.delete(a);
        return null;
      case P.P_IPC_WAIT:
        this.waits.set(a, b);
        return null;
      case P.P_IPC_WAIT_END:
        this.waits.delete(a);
        return null;
      case P.P_POWER_LOSS:
        this.begin();
        return null;
      default:
        return null;
    }
  }

  private alive(pid: number): boolean {
    return pid > 0 && this.live.has(pid);
  }

  private sent(id: number, from: number, to: number): Violation | null {
    this.out.set(id, new Sent(from, to, this.m.sim.now, EMPTY));
    // (eclipse-b's kernel servers 1–3 are addressed by id for most types: not a process.)
    if (!this.alive(to) && !(this.m.profile === 'eclipse-b' && to >= 1 && to <= 3)) return this.fail('S-IPC-03', `send from PID ${from} to ${to} succeeded, but ${to} is not a live process`);
    return null;
  }

  private received(id: number, receiver: number, sender: number): Violation | null {
    const msg = this.out.get(id);
    if (!msg) return this.fail('S-IPC-01', `message ${id} from ${sender} was delivered to PID ${receiver} but is not outstanding (delivered twice, or never sent)`);
    if (msg.to !== receiver) return this.fail('S-IPC-01', `message ${id} sent to PID ${msg.to} was delivered to PID ${receiver}`);
    if (msg.from !== sender) return this.fail('S-IPC-01', `message ${id} from PID ${msg.from} arrived as from ${sender}`);
    // FIFO: no older message from the same sender to the same receiver is still outstanding.
    for (const [oid, o] of this.out) {
      if (oid >= id) break;
      if (o.from === sender && o.to === receiver) return this.fail('S-IPC-01', `message ${id} from PID ${sender} to ${receiver} overtook message ${oid}`);
    }
    return null;
  }

  private payload(id: number, n: number): Violation | null {
    const msg = this.out.get(id);
    if (!msg || id !== this.pendingId) return null;
    this.out.delete(id);
    const got = this.m.procs!.ipc.gotBytes;
    const want = msg.bytes;
    for (let i = 0; i < n && i < want.length; i++) {
      if (got[i] !== want[i]) {
        let zeros = true;
        for (let j = 0; j < n && zeros; j++) if (got[j] !== 0) zeros = false;
        return this.fail('S-IPC-04', `message ${id} from PID ${msg.from} to ${msg.to}: byte ${i} arrived as 0x${got[i].toString(16)}, was sent as 0x${want[i].toString(16)}${zeros ? ` (all ${n} bytes arrived as zeros)` : ''}`);
      }
    }
    if (n > want.length) return this.fail('S-IPC-04', `message ${id} (${want.length} bytes from PID ${msg.from}) arrived as ${n} bytes`);
    return null;
  }

  /** S-IPC-03: nobody is still blocked in a receive from a process that died in this step. */
  private waitersUnblocked(): Violation | null {
    for (const [pid, from] of this.waits) {
      if (from !== 0 && this.dead.includes(from)) return this.fail('S-IPC-03', `PID ${pid} is still blocked receiving from PID ${from}, which died`);
    }
    return null;
  }

  private deadlines(now: number, quiescent: boolean): Violation | null {
    const p = this.m.params.proc!;
    // A receiver may be busy in filtered waits (a reply it waits for) for a few request periods.
    const bound = p.reapBoundMicros + (p.services ? p.services.slackMicros + 2 * p.services.requestPeriod : 0);
    const settle = this.m.faults.settleUntil;
    for (const [id, msg] of this.out) {
      const from = Math.max(msg.at, settle);
      if (!quiescent && from + bound >= now) break; // later messages were sent later
      if (!this.alive(msg.to)) continue;
      const r = this.lastReceive.get(msg.to);
      if (r === undefined || r <= msg.at) continue;
      return this.fail('L-IPC-01', `message ${id} from PID ${msg.from} to ${msg.to} (sent at ${msg.at} µs) was not received though ${msg.to} keeps receiving`);
    }
    return null;
  }

  atEnd(quiescent: boolean): Violation | null {
    return this.deadlines(this.m.sim.now, quiescent);
  }

  fingerprint(h: Hasher64, now: number): void {
    // The live set and the waits, in PID order (insertion order differs between equal states).
    const live = [...this.live].sort((x, y) => x - y);
    h.int(live.length);
    for (const pid of live) h.int(pid);
    const waits = [...this.waits.keys()].sort((x, y) => x - y);
    h.int(waits.length);
    for (const pid of waits) {
      h.int(pid);
      h.int(this.waits.get(pid)!);
    }
    h.int(this.out.size);
    for (const msg of this.out.values()) {
      h.int(msg.from);
      h.int(msg.to);
      h.num(now - msg.at);
      const r = this.lastReceive.get(msg.to);
      h.int(r !== undefined && r > msg.at ? 1 : 0);
      h.bytes(msg.bytes, 0, msg.bytes.length);
    }
  }
}

const EMPTY = new Uint8Array(0);
