/**
 * Probes: the model's ghost channel to the checks. At each significant action the model records a
 * numeric fact (kind, a, b, c) in a per-step buffer; the check families read the buffer after the
 * step and keep whatever ghost state they need, so a check never trusts the bookkeeping of the
 * code it judges. Recording a probe is four integer stores.
 */
import type { StateDecl } from '../sim/state-walk.js';
export const P_STATUS_WRITE = 1; // a = old status, b = new status (driver writes device status)
export const P_STATUS_READ = 2; // a = status read by the driver
export const P_QUEUE_READY = 3; // a = queue size, b = index bits
export const P_QUEUE_RESET = 4; // driver rebuilt its ring memory and free list
export const P_DEVICE_RESET = 5; // device reset, a = new epoch
export const P_DEVICE_NEEDS_RESET = 6; // device failed
export const P_DRIVER_ALLOC = 7; // a = head, b = descriptor count, c = client
export const P_DRIVER_FILL = 8; // a = head (descriptors and buffers written)
export const P_SLOT_WRITE = 9; // a = avail position (full index), b = head
export const P_AVAIL_PUBLISH = 10; // a = old avail.idx, b = new avail.idx
export const P_KICK_DECISION = 11; // a = old idx, b = new idx, c = 1 if the driver will notify
export const P_DRIVER_NOTIFY = 12; // a = device status at the notify
export const P_DEVICE_FETCH = 13; // a = head, b = avail position, c = request type
export const P_DEVICE_BAD_CHAIN = 14; // a = head, b = reason code
export const P_DEVICE_WRITE = 15; // a = head, b = guest address, c = length
export const P_DEVICE_STATUS = 16; // a = head, b = status byte written
export const P_USED_ELEM_ID = 17; // a = used position, b = id
export const P_USED_ELEM_LEN = 18; // a = used position, b = len
export const P_USED_PUBLISH = 19; // a = old used.idx, b = new used.idx
export const P_NOTIFY_DECISION = 20; // a = old used idx, b = new used idx, c = 1 if interrupt raised
export const P_IRQ_RAISE = 21; // a = bits
export const P_ISR_READ = 22; // a = bits
export const P_ISR_ACK = 23; // a = bits acknowledged
export const P_HANDLER_START = 24;
export const P_HANDLER_END = 25;
export const P_DRIVER_READ_USED = 26; // a = used.idx observed
export const P_DRIVER_CONSUME = 27; // a = used position, b = id, c = observed used.idx
export const P_DRIVER_FREE = 28; // a = head
export const P_COMPLETE = 29; // a = client, b = head, c = result (0 OK, 1 IOERR, 2 UNSUPP, 3 other error)
export const P_REQUEST_START = 30; // a = requester slot, b = block, c = request type
export const P_DESC_WAIT = 31; // a = client
export const P_DESC_WAKE = 32; // a = client
export const P_PANIC = 33; // a = reason code
export const P_ABANDON = 34; // a = client, b = head (eclipse-b spin timeout)
export const P_DEVICE_NOTIFIED = 35; // a = 1 if accepted, 0 if ignored
export const P_DRIVER_BAD_USED = 36; // a = used position, b = id
export const P_FEATURES = 37; // a = the feature bits the driver accepted (written to the device)
// file system (kernel.md §3)
export const P_CACHE_REQUEST = 40; // a = buffer, b = partition block, c = request type
export const P_CACHE_VALID = 41; // a = buffer, b = partition block, c = 1 after a write
export const P_CACHE_INVALID = 42; // a = buffer, b = partition block
export const P_CACHE_EVICT = 43; // a = buffer, b = partition block, c = its state
export const P_FS_CALL_START = 44; // a = client, b = operation, c = length asked (read), else 0
export const P_FS_CALL_END = 45; // a = client, b = operation, c = result (≥ 0 or −errno)
export const P_FS_READ = 46; // a = client, b = file offset read from, c = bytes returned
export const P_FS_WRITE = 47; // a = client, b = file offset written at, c = bytes written
export const P_FS_MOUNT = 48; // a = result
export const P_POWER_LOSS = 49; // a = boot number
// processes (kernel.md §4)
export const P_PROC_SPAWN = 50; // a = pid, b = parent pid, c = slot (PID 0 and init at boot)
export const P_PROC_FORK = 51; // a = child pid, b = parent pid, c = child slot
export const P_PROC_FORK_FAIL = 52; // a = caller pid, b = errno, c = slots in use
export const P_PROC_EXIT = 53; // a = pid, b = wait status, c = parent pid
export const P_PROC_REPARENT = 54; // a = child pid, b = new parent pid
export const P_PROC_REAP = 55; // a = pid, b = status written, c = reaper pid
export const P_PROC_WAIT = 56; // a = caller pid, b = pid argument, c = result
export const P_PROC_WAIT_BLOCK = 57; // a = caller pid, b = pid argument, c = flags
export const P_PROC_SCHED = 58; // a = slot, b = pid, c = its state when dispatched
export const P_PROC_EXEC_START = 59; // a = pid
export const P_PROC_EXEC = 60; // a = pid, b = 0 or −errno, c = program index
export const P_PROC_STORE = 61; // a = pid, b = address, c = byte
export const P_PROC_LOAD = 62; // a = pid, b = address, c = byte
export const P_PROC_SIGCHLD = 63; // a = parent pid, b = child pid
export const P_PROC_SYSCALL = 64; // a = pid, b = number
export const P_PROC_OFD_REF = 65; // a = open file description, b = its new count
// IPC (kernel.md §5); the bytes of a step's send / delivery are in Ipc.sentBytes / gotBytes
export const P_IPC_SEND = 66; // a = message id, b = sender pid, c = destination
export const P_IPC_PAYLOAD = 67; // a = message id, b = length, c = type
export const P_IPC_SEND_FAIL = 68; // a = sender pid, b = destination, c = result
export const P_IPC_RECV = 69; // a = message id, b = receiver pid, c = sender pid
export const P_IPC_RECV_PAYLOAD = 70; // a = message id, b = bytes delivered, c = type
export const P_IPC_DROP = 71; // a = message id, b = reason, c = destination (eclipse-b, silent)
export const P_IPC_DISCARD = 72; // a = message id, b = dead receiver pid (its mailbox died with it)
export const P_IPC_WAIT = 73; // a = receiver pid, b = from filter, c = timeout
export const P_IPC_WAIT_END = 74; // a = receiver pid, b = result
export const P_IPC_SERVER = 75; // a = message id, b = kernel server id (eclipse-b: consumed there)

export const PANIC_SPURIOUS_INTERRUPT = 1;

export class Probes {
  /** Emptied before every step and read by the checks within it: observation, not state. */
  static readonly stateDecl: StateDecl = { observed: ['buf', 'count'] };

  buf = new Int32Array(4 * 64);
  count = 0;

  clear(): void {
    this.count = 0;
  }

  add(kind: number, a: number, b: number, c: number): void {
    let i = this.count * 4;
    if (i === this.buf.length) {
      const g = new Int32Array(this.buf.length * 2);
      g.set(this.buf);
      this.buf = g;
    }
    this.buf[i++] = kind;
    this.buf[i++] = a;
    this.buf[i++] = b;
    this.buf[i] = c;
    this.count++;
  }
}
