/**
 * IPC (kernel.md §5), both profiles.
 *
 * reference: messages are addressed by PID; `send` copies the payload (≤ 256 bytes) into the
 * receiver's mailbox (bounded: a full one fails the send with EAGAIN, nothing is dropped), fails
 * with ESRCH for a dead PID, and hands the message straight to a receiver blocked in `receive`.
 * `receive(buf, size, info_ptr, from, timeout)` takes the oldest message (from `from` only, if not
 * 0), polls (timeout 0: EAGAIN when empty) or blocks up to `timeout` µs (−1: no limit). It fails
 * with ESRCH when `from` is dead or dies while the caller waits, and with EINTR when SIGCHLD
 * arrives. A process's mailbox dies with it, so a later process in the same slot never sees its
 * messages. Delivery is FIFO per sender and receiver, at most once.
 *
 * eclipse-b: `send` appends to a global ring of 1024 (full: −1). PID 0's loop routes up to 10
 * messages per pass: Signal and Input messages with 0 < to < 64 go to the mailbox of PID `to`
 * (32, extra dropped), other types to the kernel server whose id is `to` (1–3, rings of 64, extra
 * dropped), anything else is dropped. `receive` pops the caller's mailbox, else takes the first
 * message in the global ring addressed to it; it never blocks and returns 0 when there is none.
 * The payload is not copied: 32 zero bytes arrive.
 *
 * `info_ptr` (reference and eclipse-b) receives two u32: the sender's PID and the message type.
 * At the syscall boundary type 255 means Signal and other values that are not a type bit mean User.
 */
import type { Hasher64 } from '../../sim/hash.js';
import type { StateDecl } from '../../sim/state-walk.js';
import type { Engine } from '../../sim/engine.js';
import { eventTable } from '../../sim/event-table.js';
import type { ModelContext, ProbeSink } from '../context.js';
import * as P from '../probes.js';
import * as A from '../proc/abi.js';
import type { Memory } from '../proc/memory.js';
import { PageVersions } from '../../sim/page-versions.js';
import { B_RECV, type ProcessTable } from '../proc/process-table.js';

// IPC's event (kinds are machine-wide; see sim/event-table.ts).
export const E_IPC_TIMEOUT = 30; // a = slot, b = pid: a blocking receive timed out

/** The user-memory port: IPC copies payloads in and out of a process's address space. */
export type UserMemory = Pick<Memory, 'copyIn' | 'copyOut' | 'writeU32'>;

/** What IPC sees of the process layer (model/proc/processes.ts implements it). */
export interface ProcessPort {
  /** Who is alive and blocked where (IPC reads PIDs and states, and marks receivers B_RECV). */
  readonly t: ProcessTable;
  readonly mem: UserMemory;
  /** An error result in the profile's convention (−errno or −1). */
  err(errno: number): number;
  /** reference: a user pointer outside the caller's address space. */
  badPtr(s: number, addr: number, len: number, write: boolean): boolean;
  /** A blocked process gets its result and is Ready again. */
  wake(s: number, r: number): void;
}

const TYPES = [A.MT_SYSTEM, A.MT_MEMORY, A.MT_FILESYSTEM, A.MT_NETWORK, A.MT_GRAPHICS, A.MT_AUDIO, A.MT_INPUT, A.MT_USER, A.MT_SIGNAL];
/** eclipse-b sizes (kernel.md §5). */
const GLOBAL_RING = 1024;
const EB_MAILBOX = 32;
const SERVER_RING = 64;
const ROUTE_PER_PASS = 10;
const EB_PAYLOAD = 32;

/** Silent drops (P_IPC_DROP reasons). */
export const DROP_MAILBOX_FULL = 1;
export const DROP_SERVER_FULL = 2;
export const DROP_UNROUTABLE = 3;
/** The drop reasons in words, by their constant (for messages and traces). */
export const DROP_NAMES: readonly string[] = ['', 'mailbox full', 'kernel server ring full', 'no route'];

/** Type at the syscall boundary: a type bit, 255 → Signal, anything else → User. */
export function messageType(t: number): number {
  if (t === 255) return A.MT_SIGNAL;
  return TYPES.includes(t) ? t : A.MT_USER;
}

/** A slot not blocked in receive: its receive's arguments mean nothing (the next receive sets them). */
function notReceiving(ipc: Ipc, s: number): boolean {
  const t = ipc.table();
  return !(t.state[s] === A.PS_BLOCKED && t.block[s] === B_RECV);
}

export class Ipc {
  /**
   * For the fingerprint audit: what `fingerprint` leaves out. The mailboxes and rings as FIFOs
   * (a message's bytes up to its size); a receive's arguments while the slot is not blocked in
   * receive; the bytes of a step's send and delivery (read by the checks
   * within the step); the delivery count (statistics).
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['cap', 'reference'],
    observed: ['dataPages'],
    paged: [{ buffer: 'mData', versions: 'dataPages' }],
    dead: ['sentBytes', 'sentLen', 'gotBytes', 'gotLen', 'delivered'],
    deadIf: { rBuf: notReceiving, rSize: notReceiving, rInfo: notReceiving, rFrom: notReceiving },
    fifos: [
      { head: 'mbHead', len: 'mbCount', row: 'cap', arrays: ['mId', 'mFrom', 'mType', 'mSize', 'mData'], strides: { mData: A.MAX_PAYLOAD }, sizes: { mData: 'mSize' } },
      { head: 'gHead', len: 'gCount', arrays: ['gId', 'gFrom', 'gTo', 'gType'] },
      { head: 'ebHead', len: 'ebCount', row: EB_MAILBOX, arrays: ['ebId', 'ebFrom', 'ebType'] },
    ],
  };

  readonly cap: number;
  nextId = 1;
  // reference mailboxes: per slot, a ring of `cap` messages
  readonly mbHead = new Int32Array(A.MAX_PROCS);
  readonly mbCount = new Int32Array(A.MAX_PROCS);
  readonly mId: Float64Array;
  readonly mFrom: Int32Array;
  readonly mType: Int32Array;
  readonly mSize: Int32Array;
  readonly mData: Uint8Array;
  /** Page versions of `mData` (sim/page-versions.ts): every write stamps the bytes written. */
  readonly dataPages: PageVersions;
  // a receiver blocked in receive
  readonly rBuf = new Float64Array(A.MAX_PROCS);
  readonly rSize = new Int32Array(A.MAX_PROCS);
  readonly rInfo = new Float64Array(A.MAX_PROCS);
  readonly rFrom = new Int32Array(A.MAX_PROCS);
  readonly rTimer = new Uint8Array(A.MAX_PROCS);
  // eclipse-b: the global ring, per-PID mailboxes, kernel server rings
  gHead = 0;
  gCount = 0;
  readonly gId = new Float64Array(GLOBAL_RING);
  readonly gFrom = new Int32Array(GLOBAL_RING);
  readonly gTo = new Int32Array(GLOBAL_RING);
  readonly gType = new Int32Array(GLOBAL_RING);
  readonly ebHead = new Int32Array(A.MAX_PROCS);
  readonly ebCount = new Int32Array(A.MAX_PROCS);
  readonly ebId = new Float64Array(A.MAX_PROCS * EB_MAILBOX);
  readonly ebFrom = new Int32Array(A.MAX_PROCS * EB_MAILBOX);
  readonly ebType = new Int32Array(A.MAX_PROCS * EB_MAILBOX);
  readonly serverCount = new Int32Array(4);
  /** The bytes of this step's send and of this step's delivery (the payload checks read them). */
  readonly sentBytes = new Uint8Array(A.MAX_PAYLOAD);
  sentLen = 0;
  readonly gotBytes = new Uint8Array(A.MAX_PAYLOAD);
  gotLen = 0;
  /** Messages delivered (statistics). */
  delivered = 0;
  private readonly reference: boolean;

  private readonly engine: Engine;
  private readonly probes: ProbeSink;

  constructor(
    ctx: ModelContext,
    private readonly procs: ProcessPort,
    mailboxSize: number,
  ) {
    this.engine = ctx.engine;
    this.probes = ctx.probes;
    this.cap = mailboxSize;
    const n = A.MAX_PROCS * mailboxSize;
    this.mId = new Float64Array(n);
    this.mFrom = new Int32Array(n);
    this.mType = new Int32Array(n);
    this.mSize = new Int32Array(n);
    this.mData = new Uint8Array(n * A.MAX_PAYLOAD);
    this.dataPages = new PageVersions(this.mData.length, 4096);
    this.reference = ctx.profile === 'reference';
  }

  begin(): void {
    this.nextId = 1;
    this.mbHead.fill(0);
    this.mbCount.fill(0);
    this.rTimer.fill(0);
    this.gHead = 0;
    this.gCount = 0;
    this.ebHead.fill(0);
    this.ebCount.fill(0);
    this.serverCount.fill(0);
    this.delivered = 0;
  }

  // ===========================================================================================
  // send
  // ===========================================================================================

  send(s: number, dest: number, type: number, ptr: number, len: number): number {
    const procs = this.procs;
    const t = procs.t;
    const me = t.pid[s];
    if (!Number.isSafeInteger(len) || len < 0 || len > A.MAX_PAYLOAD) return this.sendFailed(me, dest, procs.err(A.EINVAL));
    if (procs.badPtr(s, ptr, len, false)) return this.sendFailed(me, dest, procs.err(A.EFAULT));
    const mt = messageType(type);
    procs.mem.copyIn(s, ptr, len, this.sentBytes, 0);
    this.sentLen = len;
    if (!this.reference) return this.sendEclipseB(me, dest, mt, len);
    const d = Number.isInteger(dest) && dest > 0 ? t.slotOf(dest) : -1;
    if (d < 0 || t.state[d] === A.PS_ZOMBIE) return this.sendFailed(me, dest, -A.ESRCH);
    const id = this.nextId++;
    // A receiver waiting for this sender (or anyone) gets it at once.
    // (It has nothing in its mailbox that it would take: that is why it waits.)
    if (t.state[d] === A.PS_BLOCKED && t.block[d] === B_RECV && (this.rFrom[d] === 0 || this.rFrom[d] === me)) {
      this.probeSend(id, me, dest, mt, len);
      this.deliver(d, id, me, mt, this.sentBytes, 0, len);
      return 0;
    }
    if (this.mbCount[d] === this.cap) return this.sendFailed(me, dest, -A.EAGAIN);
    const i = d * this.cap + ((this.mbHead[d] + this.mbCount[d]) % this.cap);
    this.mbCount[d]++;
    this.mId[i] = id;
    this.mFrom[i] = me;
    this.mType[i] = mt;
    this.mSize[i] = len;
    this.mData.set(this.sentBytes.subarray(0, len), i * A.MAX_PAYLOAD);
    this.dataPages.touch(i * A.MAX_PAYLOAD, len);
    this.probeSend(id, me, dest, mt, len);
    return 0;
  }

  private probeSend(id: number, from: number, to: number, type: number, len: number): void {
    this.probes.add(P.P_IPC_SEND, id, from, to);
    this.probes.add(P.P_IPC_PAYLOAD, id, len, type);
  }

  private sendFailed(from: number, to: number, r: number): number {
    this.probes.add(P.P_IPC_SEND_FAIL, from, to, r);
    return r;
  }

  private sendEclipseB(me: number, dest: number, mt: number, len: number): number {
    if (this.gCount === GLOBAL_RING) return this.sendFailed(me, dest, -1);
    const id = this.nextId++;
    const i = (this.gHead + this.gCount) % GLOBAL_RING;
    this.gCount++;
    this.gId[i] = id;
    this.gFrom[i] = me;
    this.gTo[i] = Number.isInteger(dest) ? dest : -1;
    this.gType[i] = mt;
    this.probeSend(id, me, dest, mt, len);
    return 0;
  }

  // ===========================================================================================
  // receive
  // ===========================================================================================

  /** receive(buf, size, info_ptr, from, timeout). Returns the result, or null when it blocked. */
  receive(s: number, buf: number, size: number, info: number, from: number, timeout: number): number | null {
    const procs = this.procs;
    const t = procs.t;
    const me = t.pid[s];
    if (!Number.isSafeInteger(size) || size < 0) return procs.err(A.EINVAL);
    if (!this.reference) return this.receiveEclipseB(s, buf, size, info);
    if (procs.badPtr(s, buf, Math.min(size, A.MAX_PAYLOAD), true) || (info !== 0 && procs.badPtr(s, info, 8, true))) return -A.EFAULT;
    if (!Number.isInteger(from) || from < 0 || !Number.isInteger(timeout) || timeout < -1) return -A.EINVAL;
    // The oldest message from `from` (or anyone).
    const n = this.mbCount[s];
    for (let k = 0; k < n; k++) {
      const i = s * this.cap + ((this.mbHead[s] + k) % this.cap);
      if (from !== 0 && this.mFrom[i] !== from) continue;
      const id = this.mId[i];
      const sender = this.mFrom[i];
      const type = this.mType[i];
      const len = this.mSize[i];
      this.rBuf[s] = buf;
      this.rSize[s] = size;
      this.rInfo[s] = info;
      const r = this.copyToReceiver(s, id, sender, type, this.mData, i * A.MAX_PAYLOAD, len);
      this.removeAt(s, k);
      return r;
    }
    if (from !== 0) {
      const f = t.slotOf(from);
      if (f < 0 || t.state[f] === A.PS_ZOMBIE) return -A.ESRCH;
    }
    if (timeout === 0) return -A.EAGAIN;
    this.rBuf[s] = buf;
    this.rSize[s] = size;
    this.rInfo[s] = info;
    this.rFrom[s] = from;
    this.probes.add(P.P_IPC_WAIT, me, from, timeout);
    if (timeout > 0) {
      this.rTimer[s] = 1;
      this.engine.after(timeout, E_IPC_TIMEOUT, s, me);
    }
    return null;
  }

  /** Removes the k-th message of a slot's mailbox, keeping the order of the rest. */
  private removeAt(s: number, k: number): void {
    const cap = this.cap;
    const base = s * cap;
    for (let j = k; j > 0; j--) {
      const to = base + ((this.mbHead[s] + j) % cap);
      const fromI = base + ((this.mbHead[s] + j - 1) % cap);
      this.mId[to] = this.mId[fromI];
      this.mFrom[to] = this.mFrom[fromI];
      this.mType[to] = this.mType[fromI];
      this.mSize[to] = this.mSize[fromI];
      this.mData.copyWithin(to * A.MAX_PAYLOAD, fromI * A.MAX_PAYLOAD, fromI * A.MAX_PAYLOAD + this.mSize[fromI]);
      this.dataPages.touch(to * A.MAX_PAYLOAD, this.mSize[fromI]);
    }
    this.mbHead[s] = (this.mbHead[s] + 1) % cap;
    this.mbCount[s]--;
  }

  /** Copies a message into the receiver's buffer (its recorded buf/size/info); returns the length. */
  private copyToReceiver(s: number, id: number, sender: number, type: number, src: Uint8Array, off: number, len: number): number {
    const procs = this.procs;
    const n = Math.min(len, this.rSize[s]);
    procs.mem.copyOut(s, this.rBuf[s], src, off, n);
    if (this.rInfo[s] !== 0) {
      procs.mem.writeU32(s, this.rInfo[s], sender);
      procs.mem.writeU32(s, this.rInfo[s] + 4, type);
    }
    this.gotBytes.set(src.subarray(off, off + n), 0);
    this.gotLen = n;
    this.delivered++;
    this.probes.add(P.P_IPC_RECV, id, procs.t.pid[s], sender);
    this.probes.add(P.P_IPC_RECV_PAYLOAD, id, n, type);
    return n;
  }

  /** A message handed straight to a blocked receiver. */
  private deliver(d: number, id: number, sender: number, type: number, src: Uint8Array, off: number, len: number): void {
    const r = this.copyToReceiver(d, id, sender, type, src, off, len);
    this.endWait(d, r);
  }

  private endWait(d: number, r: number): void {
    if (this.rTimer[d] === 1) {
      this.engine.cancel(E_IPC_TIMEOUT, d, this.procs.t.pid[d]);
      this.rTimer[d] = 0;
    }
    this.probes.add(P.P_IPC_WAIT_END, this.procs.t.pid[d], r, 0);
    this.procs.wake(d, r);
  }

  /** E_IPC_TIMEOUT: the wait is over, nothing came. */
  timeout(s: number, pid: number): void {
    const t = this.procs.t;
    this.rTimer[s] = 0;
    if (t.pid[s] !== pid || t.state[s] !== A.PS_BLOCKED || t.block[s] !== B_RECV) return;
    this.endWait(s, -A.EAGAIN);
  }

  /** SIGCHLD at a process blocked in receive: the receive ends with EINTR. */
  interrupt(s: number): void {
    const t = this.procs.t;
    if (t.state[s] === A.PS_BLOCKED && t.block[s] === B_RECV) this.endWait(s, -A.EINTR);
  }

  /**
   * A process died (reference): its undelivered messages are discarded with it (so a later process
   * in the slot never gets them), and receivers waiting for it are failed with ESRCH.
   */
  died(s: number, pid: number, deadPeerBlocks: boolean): void {
    const t = this.procs.t;
    for (let k = 0; k < this.mbCount[s]; k++) this.probes.add(P.P_IPC_DISCARD, this.mId[s * this.cap + ((this.mbHead[s] + k) % this.cap)], pid, 0);
    this.mbCount[s] = 0;
    this.mbHead[s] = 0;
    if (this.rTimer[s] === 1) {
      this.engine.cancel(E_IPC_TIMEOUT, s, pid);
      this.rTimer[s] = 0;
    }
    // ipc-dead-peer-blocks (bug-zoo.md): a receiver waiting on the dead peer is never failed.
    if (deadPeerBlocks) return;
    for (let r = 0; r < A.MAX_PROCS; r++) {
      if (r !== s && t.state[r] === A.PS_BLOCKED && t.block[r] === B_RECV && this.rFrom[r] === pid) this.endWait(r, -A.ESRCH);
    }
  }

  // ===========================================================================================
  // eclipse-b
  // ===========================================================================================

  private receiveEclipseB(s: number, buf: number, size: number, info: number): number {
    const procs = this.procs;
    const me = procs.t.pid[s];
    let id = -1;
    let from = 0;
    let type = 0;
    if (me > 0 && me < A.MAX_PROCS && this.ebCount[me] > 0) {
      const i = me * EB_MAILBOX + this.ebHead[me];
      id = this.ebId[i];
      from = this.ebFrom[i];
      type = this.ebType[i];
      this.ebHead[me] = (this.ebHead[me] + 1) % EB_MAILBOX;
      this.ebCount[me]--;
    } else {
      for (let k = 0; k < this.gCount; k++) {
        const i = (this.gHead + k) % GLOBAL_RING;
        if (this.gTo[i] !== me) continue;
        id = this.gId[i];
        from = this.gFrom[i];
        type = this.gType[i];
        this.removeGlobal(k);
        break;
      }
    }
    if (id < 0) return 0;
    // The payload is not copied: 32 zero bytes arrive (kernel.md §5), through an unchecked pointer.
    this.rBuf[s] = buf;
    this.rSize[s] = size;
    this.rInfo[s] = info;
    return this.copyToReceiver(s, id, from, type, ZEROS, 0, EB_PAYLOAD);
  }

  private removeGlobal(k: number): void {
    for (let j = k; j > 0; j--) {
      const to = (this.gHead + j) % GLOBAL_RING;
      const from = (this.gHead + j - 1) % GLOBAL_RING;
      this.gId[to] = this.gId[from];
      this.gFrom[to] = this.gFrom[from];
      this.gTo[to] = this.gTo[from];
      this.gType[to] = this.gType[from];
    }
    this.gHead = (this.gHead + 1) % GLOBAL_RING;
    this.gCount--;
  }

  /** eclipse-b PID 0: one routing pass of at most 10 messages from the global ring. */
  route(): void {
    if (this.reference) return;
    for (let n = 0; n < ROUTE_PER_PASS && this.gCount > 0; n++) {
      const i = this.gHead;
      const id = this.gId[i];
      const to = this.gTo[i];
      const type = this.gType[i];
      const from = this.gFrom[i];
      this.gHead = (this.gHead + 1) % GLOBAL_RING;
      this.gCount--;
      if ((type === A.MT_SIGNAL || type === A.MT_INPUT) && to > 0 && to < A.MAX_PROCS) {
        if (this.ebCount[to] === EB_MAILBOX) {
          this.probes.add(P.P_IPC_DROP, id, DROP_MAILBOX_FULL, to);
          continue;
        }
        const j = to * EB_MAILBOX + ((this.ebHead[to] + this.ebCount[to]) % EB_MAILBOX);
        this.ebCount[to]++;
        this.ebId[j] = id;
        this.ebFrom[j] = from;
        this.ebType[j] = type;
      } else if (to >= 1 && to <= 3) {
        // A kernel server (FileSystem, Graphics, Network): it consumes the message.
        if (this.serverCount[to] === SERVER_RING) this.probes.add(P.P_IPC_DROP, id, DROP_SERVER_FULL, to);
        else {
          this.serverCount[to]++;
          this.probes.add(P.P_IPC_SERVER, id, to, 0);
        }
      } else this.probes.add(P.P_IPC_DROP, id, DROP_UNROUTABLE, to);
    }
  }

  /** The process table (for the audit's declarations). */
  table(): ProcessTable {
    return this.procs.t;
  }

  fingerprint(h: Hasher64): void {
    h.int(this.gCount);
    for (let k = 0; k < this.gCount; k++) {
      const i = (this.gHead + k) % GLOBAL_RING;
      h.int(this.gFrom[i]);
      h.int(this.gTo[i]);
      h.int(this.gType[i]);
    }
    const t = this.procs.t;
    for (let s = 0; s < A.MAX_PROCS; s++) {
      const n = this.reference ? this.mbCount[s] : this.ebCount[s];
      const waiting = t.state[s] === A.PS_BLOCKED && t.block[s] === B_RECV;
      if (n === 0 && !waiting) continue;
      h.int(s);
      h.int(n | (this.rTimer[s] << 16));
      // A blocked receive's arguments decide who wakes it and where the message lands.
      if (waiting) {
        h.int(this.rFrom[s]);
        h.num(this.rBuf[s]);
        h.int(this.rSize[s]);
        h.num(this.rInfo[s]);
      }
      for (let k = 0; k < n; k++) {
        if (this.reference) {
          const i = s * this.cap + ((this.mbHead[s] + k) % this.cap);
          h.int(this.mFrom[i]);
          h.int(this.mType[i]);
          h.bytes(this.mData, i * A.MAX_PAYLOAD, this.mSize[i]);
        } else {
          const i = s * EB_MAILBOX + ((this.ebHead[s] + k) % EB_MAILBOX);
          h.int(this.ebFrom[i]);
          h.int(this.ebType[i]);
        }
      }
    }
    for (let k = 1; k <= 3; k++) h.int(this.serverCount[k]);
  }
}

const ZEROS = new Uint8Array(A.MAX_PAYLOAD);

export const IPC_EVENTS = eventTable<Ipc>('ipc', [[E_IPC_TIMEOUT, 'ipc.timeout', (ipc, a, b) => ipc.timeout(a, b), ['slot', 'pid']]]);
