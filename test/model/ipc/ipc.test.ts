/**
 * The IPC model (model/ipc/ipc.ts, kernel.md §5) at its system-call boundary, driven end to end as
 * test/model/proc/processes.test.ts drives the process model, with the test programs of
 * test/helpers/program-harness.ts: they go on a disk image as ELF files, init forks a child that
 * execs /bin/ti-…, and each program logs every result it gets (also under tags, so a test reads the
 * results it cares about by name).
 * Runs use proc-small with no faults. Reference runs keep every check on and must end clean, with
 * the workload over; eclipse-b runs collect the IPC checks (S-IPC-02 and S-IPC-04 by design).
 */
import test, { type ExecutionContext } from 'ava';
import { messageType } from '../../../model/ipc/ipc.js';
import * as A from '../../../model/proc/abi.js';
import { B_RECV } from '../../../model/proc/process-table.js';
import type { Processes } from '../../../model/proc/processes.js';
import { store, sys } from '../../../model/proc/programs/program.js';
import { Hasher64 } from '../../../sim/hash.js';
import type { RunResult } from '../../../sim/run.js';
import { BUF, TEXT, UNMAPPED, burn, call, exit, fork, killKid, loadAt, loadU32, op, program, programRunner, tag, waitKid, type Op, type TestProgram } from '../../helpers/program-harness.js';

// ---------------------------------------------------------------------------------------------
// IPC operations for the test programs (test/helpers/program-harness.ts).
// ---------------------------------------------------------------------------------------------

/** send(dest, type, data_ptr, len); receive(buf, size, info_ptr, from, timeout). */
const snd = (dest: number, type: number, ptr: number, len: number): Op => call(A.SYS_SEND, dest, type, ptr, len);
const sndKid = (type: number, ptr: number, len: number): Op => op((o, s) => sys(o, A.SYS_SEND, s.kid, type, ptr, len));
const rcv = (buf: number, size: number, info: number, from: number, timeout: number): Op => call(A.SYS_RECEIVE, buf, size, info, from, timeout);
const rcvKid = (buf: number, timeout: number): Op => op((o, s) => sys(o, A.SYS_RECEIVE, buf, 8, INFO, s.kid, timeout));

/** Stores `bytes` from `addr` on as little-endian u32 words (the last one padded with zeros). */
function putBytes(addr: number, bytes: readonly number[]): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    const w = (bytes[i] ?? 0) | ((bytes[i + 1] ?? 0) << 8) | ((bytes[i + 2] ?? 0) << 16) | ((bytes[i + 3] ?? 0) << 24);
    ops.push(op((o) => store(o, addr + i, w >>> 0, 4)));
  }
  return ops;
}

/** Loads n bytes (n a multiple of 4) as u32 words, logged under `name`; `bytesOf` decodes them. */
const getBytes = (addr: number, n: number, name: string): Op[] => Array.from({ length: n / 4 }, (_, i) => tag(name, loadU32(addr + 4 * i)));
const bytesOf = (words: readonly number[] | undefined): number[] => (words ?? []).flatMap((w) => [w & 0xff, (w >>> 8) & 0xff, (w >>> 16) & 0xff, (w >>> 24) & 0xff]);
const seq = (n: number, from: number): number[] => Array.from({ length: n }, (_, i) => (from + i) & 0xff);
const fill = (n: number, v: number): number[] => new Array<number>(n).fill(v);

// ---- Running one: proc-small, the program's own disk, no faults.

/** The sender's data, the receiver's buffer and its info word pair. */
const SEND = BUF;
const SEND2 = BUF + 0x100;
const RECV = BUF + 0x400;
const INFO = BUF + 0x800;
/** The end of the data segment (the scratch buffer is its last two pages); beyond is unmapped. */
const DATA_END = A.BUF_BASE + A.BUF_BYTES;
const U = A.MT_USER;
/** The test program is init's first child: PID 2. Its children are 3, 4, … */
const MAIN = 2;

/**
 * Reference runs keep every check on and stop at the first violation; eclipse-b runs collect the
 * IPC checks and end after 30 ms of simulated time.
 */
const run = programRunner((profile) => (profile === 'reference' ? { checks: [] } : { checks: ['S-IPC-*', 'L-IPC-*'], collect: true, maxTime: 30_000 }));

/** A reference run that is clean: no check violated, and the workload ran to its end. */
function clean(t: ExecutionContext, result: RunResult, procs: Processes): void {
  t.deepEqual(result.violations.map((v) => `${v.check}: ${v.message}`), []);
  t.is(procs.halted, 1, 'every process exited and was reaped');
}

/** Is the process `pid` blocked in receive (and, if given, filtering on `from`)? */
function inRecv(p: Processes, pid: number, from?: number): boolean {
  const s = p.t.slotOf(pid);
  return s >= 0 && p.t.state[s] === A.PS_BLOCKED && p.t.block[s] === B_RECV && (from === undefined || p.ipc.rFrom[s] === from);
}

const dead = (p: Processes, pid: number): boolean => p.t.slotOf(pid) < 0 || p.t.state[p.t.slotOf(pid)] === A.PS_ZOMBIE;

// ---- 1. The payload is copied; info is (sender PID, type)

const P1 = seq(40, 0x10);
const P2 = seq(40, 0x80);
const P3 = seq(33, 0x30);
const RECV2 = RECV + 0x100;
const RECV3 = RECV + 0x200;

const COPY = program('ti-copy', {
  main: [
    ...[...putBytes(RECV, fill(64, 0xee)), ...putBytes(RECV2, fill(16, 0xee)), ...putBytes(RECV3, fill(64, 0xee))],
    // Two messages wait in the mailbox while the sender overwrites its buffer and exits.
    ...[tag('pid', fork('c')), tag('reaped', waitKid())],
    ...[tag('r', rcv(RECV, 64, INFO, 0, 0)), ...getBytes(RECV, 64, 'b1'), tag('info', loadU32(INFO)), tag('info', loadU32(INFO + 4))],
    ...[tag('r', rcv(RECV2, 10, INFO, 0, 0)), ...getBytes(RECV2, 16, 'b2'), tag('info', loadU32(INFO)), tag('info', loadU32(INFO + 4))],
    tag('r', rcv(RECV, 64, INFO, 0, 0)),
    // A message handed straight to a receiver blocked in receive.
    ...[tag('pid', fork('d')), tag('r', rcv(RECV3, 64, INFO, 0, -1)), ...getBytes(RECV3, 64, 'b3'), tag('info', loadU32(INFO)), tag('info', loadU32(INFO + 4))],
    ...[tag('reaped', waitKid()), exit()],
  ],
  c: [
    ...[...putBytes(SEND, P1), tag('s', snd(MAIN, U, SEND, 40)), ...putBytes(SEND, fill(40, 0x55))],
    ...[...putBytes(SEND2, P2), tag('s', snd(MAIN, A.MT_NETWORK, SEND2, 40)), ...putBytes(SEND2, fill(40, 0x55)), exit()],
  ],
  d: [burn(20), ...putBytes(SEND, P3), tag('s', snd(MAIN, A.MT_SYSTEM, SEND, 33)), ...putBytes(SEND, fill(36, 0x55)), exit()],
});

test('reference: send copies the payload; the receiver gets min(size, len) bytes and (sender, type)', (t) => {
  let blocked = 0;
  const { result, procs } = run(COPY, { watch: (p) => void (inRecv(p, MAIN, 0) && blocked++) });
  clean(t, result, procs);
  const g = COPY.tags;
  t.deepEqual(g.pid, [3, 4]);
  t.deepEqual(g.reaped, [3, 4]);
  t.deepEqual(g.s, [0, 0, 0]);
  t.deepEqual(g.r, [40, 10, -A.EAGAIN /* the truncated message was consumed */, 33]);
  t.deepEqual(bytesOf(g.b1), [...P1, ...fill(24, 0xee)], 'the bytes as sent, not as overwritten after the send');
  t.deepEqual(bytesOf(g.b2), [...P2.slice(0, 10), ...fill(6, 0xee)], 'only size bytes are written');
  t.deepEqual(bytesOf(g.b3), [...P3, ...fill(31, 0xee)]);
  t.deepEqual(g.info, [3, U, 3, A.MT_NETWORK, 4, A.MT_SYSTEM]);
  t.true(blocked > 0, 'the third message reached a receiver blocked in receive');
});

// ---- 2. FIFO per sender and receiver, also when a filtered receive takes from a wrapped mailbox

/** One message of `len` bytes of `v`; a receive (buffer zeroed first) and its first word. */
const one = (v: number, len: number): Op[] => [...putBytes(SEND, fill(len, v)), snd(MAIN, U, SEND, len)];
const take = (from: number): Op[] => [op((o) => store(o, RECV, 0, 4)), tag('r', rcv(RECV, 8, INFO, from, 0)), tag('w', loadU32(RECV))];

const WRAP = program('ti-wrap', {
  main: [
    ...[fork('a'), waitKid(), ...take(0), ...take(0), fork('b'), waitKid(), fork('c'), waitKid()],
    // The mailbox (4) now holds a3 b1 b2 c1 across the end of its ring; take b1 and c1 out of the middle.
    ...[...take(4), ...take(5), ...take(0), ...take(0), ...take(0), exit()],
  ],
  a: [...one(0xa1, 1), ...one(0xa2, 2), ...one(0xa3, 4), exit()],
  b: [...one(0xb1, 2), ...one(0xb2, 3), exit()],
  c: [...one(0xc1, 1), exit()],
});

test('reference: messages from one sender arrive in order; a filtered receive from a wrapped mailbox keeps the rest in order', (t) => {
  let wrapped = 0;
  const { result, procs } = run(WRAP, { mailboxSize: 4, watch: (p) => void (p.ipc.mbCount[p.t.slotOf(MAIN)] === 4 && p.ipc.mbHead[p.t.slotOf(MAIN)] === 2 && wrapped++) });
  clean(t, result, procs);
  t.true(wrapped > 0);
  t.deepEqual(WRAP.tags.r, [1, 2, 2, 1, 4, 3, -A.EAGAIN]);
  t.deepEqual(WRAP.tags.w.map((w) => w >>> 0), [0xa1, 0xa2a2, 0xb1b1, 0xc1, 0xa3a3a3a3, 0xb2b2b2, 0]);
});

// ---- 3. Errors: ESRCH, EINVAL, EFAULT (and nothing is sent by a failed send)

const ERR_CASES: Array<[string, Op, number]> = [
  ['getpid', call(A.SYS_GETPID), MAIN],
  ['send to PID 99999, which never existed', snd(99999, U, SEND, 4), -A.ESRCH],
  ['send len 257', snd(MAIN, U, SEND, 257), -A.EINVAL],
  ['send len -1', snd(MAIN, U, SEND, -1), -A.EINVAL],
  ['send from an unmapped buffer', snd(MAIN, U, UNMAPPED, 4), -A.EFAULT],
  ['send from a buffer that runs off the data segment', snd(MAIN, U, DATA_END - 2, 4), -A.EFAULT],
  ['receive: the failed sends left nothing', rcv(RECV, 8, INFO, 0, 0), -A.EAGAIN],
  ['send 256 bytes to itself', snd(MAIN, U, SEND, 256), 0],
  ['send from the read-only text', snd(MAIN, U, TEXT, 4), 0],
  ['send 0 bytes', snd(MAIN, U, SEND, 0), 0],
  ['receive the 256 bytes', rcv(RECV, 256, INFO, 0, 0), 256],
  ['receive the 4 bytes', rcv(RECV, 256, INFO, 0, 0), 4],
  ['receive the empty message', rcv(RECV, 256, INFO, 0, 0), 0],
  ['receive into an unmapped buffer', rcv(UNMAPPED, 8, 0, 0, 0), -A.EFAULT],
  ['receive into the read-only text', rcv(TEXT, 8, 0, 0, 0), -A.EFAULT],
  ['receive with info in the read-only text', rcv(RECV, 8, TEXT, 0, 0), -A.EFAULT],
  ['receive size -1', rcv(RECV, -1, 0, 0, 0), -A.EINVAL],
  ['receive from -1', rcv(RECV, 8, 0, -1, 0), -A.EINVAL],
  ['receive timeout -2', rcv(RECV, 8, 0, 0, -2), -A.EINVAL],
  ['receive from PID 99999 (would wait forever)', rcv(RECV, 8, 0, 99999, -1), -A.ESRCH],
  ['fork', fork('z'), 3],
  ['kill the child', killKid(A.SIGKILL), 0],
  ['send to the zombie child', sndKid(U, SEND, 4), -A.ESRCH],
  ['receive from the zombie child', rcvKid(RECV, -1), -A.ESRCH],
  ['reap it', waitKid(), 3],
  ['send to the reaped child', sndKid(U, SEND, 4), -A.ESRCH],
  ['receive: still nothing', rcv(RECV, 8, INFO, 0, 0), -A.EAGAIN],
];

const ERRS = program('ti-errors', { main: [...ERR_CASES.map((c) => c[1]), exit()], z: [] });

test('reference: send to a dead or unknown PID is ESRCH, len 257 EINVAL, a bad pointer EFAULT', (t) => {
  const { result, procs } = run(ERRS);
  clean(t, result, procs);
  t.deepEqual(
    ERRS.logs.main.map((r, i) => `${ERR_CASES[i]?.[0]}: ${r}`),
    ERR_CASES.map(([what, , want]) => `${what}: ${want}`),
  );
});

// ---- 4. A full mailbox: EAGAIN, and nothing is lost

function fullProgram(name: string, cap: number): TestProgram {
  const sends = cap + 2;
  return program(name, {
    // The receiver waits for the sender to finish, then drains its mailbox.
    main: [fork('s'), waitKid(), ...Array.from({ length: cap + 1 }, () => [tag('r', rcv(RECV, 8, INFO, 0, 0)), tag('b', loadAt(RECV))]).flat(), exit()],
    // Message i is the one byte i + 1.
    s: [...putBytes(SEND, seq(sends, 1)), ...Array.from({ length: sends }, (_, i) => tag('s', snd(MAIN, U, SEND + i, 1))), exit()],
  });
}

for (const cap of [16, 5]) {
  const prog = fullProgram(`ti-full-${cap}`, cap);
  test(`reference: a full mailbox (${cap}) rejects the send with EAGAIN, and the receiver gets exactly what was accepted`, (t) => {
    let most = 0;
    const { result, procs } = run(prog, { mailboxSize: cap === 16 ? undefined : cap, watch: (p) => void (most = Math.max(most, p.ipc.mbCount[p.t.slotOf(MAIN)] ?? 0)) });
    clean(t, result, procs);
    t.is(procs.ipc.cap, cap);
    t.deepEqual(prog.tags.s, [...fill(cap, 0), -A.EAGAIN, -A.EAGAIN]);
    t.deepEqual(prog.tags.r, [...fill(cap, 1), -A.EAGAIN]);
    t.deepEqual(prog.tags.b.slice(0, cap), seq(cap, 1), 'the accepted messages, in order');
    t.is(most, cap);
  });
}

// ---- 5. Polling, timeouts (simulated time via uptime), and the from-filter

const T = 5000;
const TIMEOUT = program('ti-timeout', {
  main: [
    ...[fork('c'), tag('t', call(A.SYS_UPTIME)), tag('r', rcv(RECV, 8, INFO, 0, 20_000)), tag('t', call(A.SYS_UPTIME))],
    // An untimed wait that outlives the deadline of the timed one that a message ended early.
    ...[tag('r', rcv(RECV, 8, INFO, 0, -1)), tag('t', call(A.SYS_UPTIME)), waitKid()],
    ...[tag('r', rcv(RECV, 8, INFO, 0, 0)), tag('t', call(A.SYS_UPTIME)), tag('r', rcv(RECV, 8, INFO, 0, T)), tag('t', call(A.SYS_UPTIME)), exit()],
  ],
  c: [burn(40), snd(MAIN, U, SEND, 1), burn(2500), snd(MAIN, U, SEND, 1), exit()],
});

test('reference: receive polls with timeout 0, and with timeout T blocks and fails with EAGAIN T µs later', (t) => {
  let timed = 0;
  const { result, procs } = run(TIMEOUT, { watch: (p) => void (inRecv(p, MAIN) && p.ipc.rTimer[p.t.slotOf(MAIN)] === 1 && timed++) });
  clean(t, result, procs);
  t.deepEqual(TIMEOUT.tags.r, [1 /* before the timeout */, 1 /* no stale timer ended it */, -A.EAGAIN, -A.EAGAIN]);
  const [t0, t1, t2, t3, t4] = TIMEOUT.tags.t;
  t.true(t1 - t0 > 0 && t1 - t0 < 20_000, `the message ended the wait early (${t1 - t0} µs)`);
  t.true(t2 - t0 > 20_000, `the untimed wait went past the first deadline (${t2 - t0} µs)`);
  t.true(t4 - t3 >= T && t4 - t3 <= T + 1000, `the wait lasted ${t4 - t3} µs: at least ${T}, at most a time slice more`);
  t.true(timed > 0, 'the receiver was blocked with a timer');
});

const FILTER = program('ti-filter', {
  main: [
    ...[tag('pid', fork('a')), tag('pid', fork('b')), tag('r', rcv(RECV, 8, INFO, 4, -1)), tag('b', loadAt(RECV)), tag('from', loadU32(INFO))],
    ...[call(A.SYS_WAIT, 0), call(A.SYS_WAIT, 0)],
    ...[tag('r', rcv(RECV, 8, INFO, 4, 0)), tag('r', rcv(RECV, 8, INFO, 0, 0)), tag('b', loadAt(RECV)), tag('from', loadU32(INFO))],
    ...[tag('r', rcv(RECV, 8, INFO, 0, 0)), exit()],
  ],
  // a stays alive (a timed receive) while main waits on b, so no SIGCHLD interrupts that wait.
  a: [...putBytes(SEND, [0xa1]), snd(MAIN, U, SEND, 1), rcv(RECV, 8, 0, 0, 20_000), exit()],
  b: [...putBytes(SEND, [0xb1]), burn(40), snd(MAIN, U, SEND, 1), exit()],
});

test('reference: receive with a from-filter skips messages from others and takes the one from that PID', (t) => {
  let skipping = 0;
  // Blocked waiting for 4 while a message from 3 sits in the mailbox.
  const { result, procs } = run(FILTER, { watch: (p) => void (inRecv(p, MAIN, 4) && p.ipc.mbCount[p.t.slotOf(MAIN)] === 1 && skipping++) });
  clean(t, result, procs);
  t.deepEqual(FILTER.tags.pid, [3, 4]);
  t.deepEqual(FILTER.tags.r, [1, -A.ESRCH /* nothing more from 4, which is gone */, 1, -A.EAGAIN]);
  t.deepEqual(FILTER.tags.b, [0xb1, 0xa1]);
  t.deepEqual(FILTER.tags.from, [4, 3]);
  t.true(skipping > 0, 'the receiver waited for PID 4 past a message from PID 3');
  t.deepEqual(FILTER.logs.a.slice(-2), [0, -A.EAGAIN]);
});

// ---- 6. A dead peer: a receiver waiting on it is failed with ESRCH in the step it dies

/** p (3) exits on its own; q (5) is killed. r (4) waits for p, r2 (6) for q; none is their parent. */
function deadPeerProgram(name: string): TestProgram {
  return program(name, {
    main: [
      ...[tag('pid', fork('p')), tag('pid', fork('r')), tag('pid', fork('q')), tag('pid', fork('r2')), burn(150)],
      ...[tag('kill', call(A.SYS_KILL, 5, A.SIGKILL)), ...fill(4, 0).map(() => call(A.SYS_WAIT, 0)), exit()],
    ],
    p: [burn(60), exit(7)],
    r: [tag('r', rcv(RECV, 8, INFO, 3, -1)), exit()],
    q: [],
    r2: [tag('r2', rcv(RECV, 8, INFO, 5, -1)), exit()],
  });
}

const DEAD_PEER = deadPeerProgram('ti-dead-peer');
const DEAD_PEER_MUTANT = deadPeerProgram('ti-dead-peer-mutant');
const DEAD_PEER_MUTANT_HANGS = deadPeerProgram('ti-dead-peer-mutant-hangs');

/** Steps after which a receiver still waited on a peer that had died. */
function stuckWatch() {
  const seen = { stuck: 0, waited3: 0, waited5: 0 };
  const watch = (p: Processes) => {
    if (inRecv(p, 4, 3)) seen.waited3++;
    if (inRecv(p, 6, 5)) seen.waited5++;
    if ((dead(p, 3) && inRecv(p, 4, 3)) || (dead(p, 5) && inRecv(p, 6, 5))) seen.stuck++;
  };
  return { seen, watch };
}

test('reference: a receiver waiting on a peer that exits or is killed fails with ESRCH at once', (t) => {
  const { seen, watch } = stuckWatch();
  const { result, procs } = run(DEAD_PEER, { watch });
  clean(t, result, procs);
  t.deepEqual(DEAD_PEER.tags.pid, [3, 4, 5, 6]);
  t.deepEqual(DEAD_PEER.tags.kill, [0]);
  t.deepEqual(DEAD_PEER.tags.r, [-A.ESRCH]);
  t.deepEqual(DEAD_PEER.tags.r2, [-A.ESRCH]);
  t.true(seen.waited3 > 0 && seen.waited5 > 0, 'both receivers were blocked before their peer died');
  t.is(seen.stuck, 0, 'no receiver was left waiting on a dead peer after any step');
});

test('mutant ipc-dead-peer-blocks: the waiting receiver is never failed, and S-IPC-03 catches it', (t) => {
  const { seen, watch } = stuckWatch();
  const { result } = run(DEAD_PEER_MUTANT, { mutants: ['ipc-dead-peer-blocks'], watch });
  t.is(result.violation?.check, 'S-IPC-03', result.violation?.message);
  t.regex(result.violation?.message ?? '', /PID 4 is still blocked receiving from PID 3/);
  t.true(seen.stuck > 0);
  t.false('r' in DEAD_PEER_MUTANT.tags, 'the receive never returned');
});

test('mutant ipc-dead-peer-blocks without the IPC checks: both receivers stay blocked for good', (t) => {
  const { seen, watch } = stuckWatch();
  const { result, procs } = run(DEAD_PEER_MUTANT_HANGS, { mutants: ['ipc-dead-peer-blocks'], checks: ['S-PM-*'], maxTime: 40_000, watch });
  t.is(result.violation, null, result.violation?.message);
  t.true(inRecv(procs, 4, 3) && inRecv(procs, 6, 5));
  t.true(dead(procs, 3) && dead(procs, 5));
  t.true(seen.stuck > 0);
  t.false('r' in DEAD_PEER_MUTANT_HANGS.tags || 'r2' in DEAD_PEER_MUTANT_HANGS.tags, 'neither receive returned');
});

// ---- 7. A parent blocked in receive is woken with EINTR when a child exits

const EINTR = program('ti-eintr', {
  main: [
    ...[tag('pid', fork('c')), tag('r', rcv(RECV, 8, INFO, 0, -1)), tag('reaped', waitKid())],
    // Waiting on the child itself: its death is ESRCH (the wait was for it), not EINTR.
    ...[tag('pid', fork('c')), tag('r', rcvKid(RECV, -1)), tag('reaped', waitKid()), exit()],
  ],
  c: [burn(40), exit(0)],
});

test('reference: a child exit wakes a parent blocked in receive with EINTR', (t) => {
  let blocked = 0;
  const { result, procs } = run(EINTR, { watch: (p) => void (inRecv(p, MAIN, 0) && !dead(p, 3) && blocked++) });
  clean(t, result, procs);
  t.deepEqual(EINTR.tags.pid, [3, 4]);
  t.deepEqual(EINTR.tags.r, [-A.EINTR, -A.ESRCH]);
  t.deepEqual(EINTR.tags.reaped, [3, 4]);
  t.true(blocked > 0, 'the parent was blocked in receive while the child lived');
});

// ---- 8. A message to a process that exits never reaches the next process in its slot

const SLOT = program('ti-slot', {
  main: [
    ...[tag('pid', fork('x')), tag('s', sndKid(U, SEND, 4)), tag('reaped', waitKid()), tag('s', sndKid(U, SEND, 4))],
    ...[tag('pid', fork('y')), tag('reaped', waitKid()), exit()],
  ],
  x: [burn(30), exit(0)],
  y: [tag('y', call(A.SYS_GETPID)), tag('y', rcv(RECV, 8, INFO, 0, 0)), tag('y', rcv(RECV, 8, INFO, 0, 2000)), exit()],
});

test('reference: a later process in the same slot never gets the dead one’s messages', (t) => {
  const slot = new Map<number, number>();
  const queued = new Map<number, number>();
  const { result, procs } = run(SLOT, {
    watch: (p) => {
      for (const pid of [3, 4]) {
        const s = p.t.slotOf(pid);
        if (s < 0) continue;
        slot.set(pid, s);
        queued.set(pid, Math.max(queued.get(pid) ?? 0, p.ipc.mbCount[s]));
      }
    },
  });
  clean(t, result, procs);
  t.deepEqual(SLOT.tags.pid, [3, 4]);
  t.deepEqual(SLOT.tags.s, [0, -A.ESRCH]);
  t.deepEqual(SLOT.tags.reaped, [3, 4]);
  t.is(slot.get(3), slot.get(4), 'the slot was reused');
  t.is(queued.get(3), 1, 'the message waited in the first process’s mailbox');
  t.is(queued.get(4), 0, 'the new process’s mailbox was always empty');
  t.deepEqual(SLOT.tags.y, [4, -A.EAGAIN, -A.EAGAIN]);
});

// ---- 9. Types at the syscall boundary

/** [type sent, type received]. */
const TYPES: Array<[number, number]> = [[255, A.MT_SIGNAL], [7, A.MT_USER], [A.MT_INPUT, A.MT_INPUT], [0, A.MT_USER], [A.MT_SIGNAL, A.MT_SIGNAL], [A.MT_SYSTEM, A.MT_SYSTEM], [0x100, A.MT_USER], [A.MT_USER, A.MT_USER]];

const TYPED = program('ti-types', {
  // (Filtered on the sender, which is gone by then: its messages are still delivered.)
  main: [fork('c'), waitKid(), ...TYPES.flatMap(() => [tag('r', rcv(RECV, 8, INFO, 3, 0)), tag('type', loadU32(INFO + 4))]), exit()],
  c: [...putBytes(SEND, [0x99]), ...TYPES.map(([ty]) => snd(MAIN, ty, SEND, 1)), exit()],
});

test('type mapping: 255 is Signal, a value that is not a type bit is User', (t) => {
  for (const bit of [A.MT_SYSTEM, A.MT_MEMORY, A.MT_FILESYSTEM, A.MT_NETWORK, A.MT_GRAPHICS, A.MT_AUDIO, A.MT_INPUT, A.MT_USER, A.MT_SIGNAL]) t.is(messageType(bit), bit);
  for (const other of [0, 3, 7, 0x80, 0x100, 0x800, 254, 256, -1]) t.is(messageType(other), A.MT_USER, `type ${other}`);
  t.is(messageType(255), A.MT_SIGNAL);
  const { result, procs } = run(TYPED);
  clean(t, result, procs);
  t.deepEqual(TYPED.tags.r, fill(TYPES.length, 1));
  t.deepEqual(TYPED.tags.type, TYPES.map(([, want]) => want));
});

// ---- 10, 11. eclipse-b

/** Receive, yielding between polls, until something arrives. */
const poll = (buf: number, size: number): Op => op((o, s) => (s.rep % 2 === 1 ? sys(o, A.SYS_YIELD) : sys(o, A.SYS_RECEIVE, buf, size, INFO, 0, 0)), (r) => r === 0, 400);
const yieldOp = (): Op => call(A.SYS_YIELD);

const EB_INPUT = program('ti-eb-input', {
  main: [
    ...[tag('empty', rcv(RECV, 64, INFO, 0, -1)), tag('empty', rcv(RECV, 64, INFO, 0, 5000))],
    ...[...putBytes(SEND, P1), ...putBytes(RECV, fill(64, 0xee)), tag('send', snd(MAIN, A.MT_INPUT, SEND, 40))],
    ...[yieldOp(), yieldOp(), yieldOp(), tag('got', poll(RECV, 64)), ...getBytes(RECV, 64, 'bytes')],
    ...[tag('info', loadU32(INFO)), tag('info', loadU32(INFO + 4)), tag('empty', rcv(RECV, 64, INFO, 0, -1)), tag('uptime', call(A.SYS_UPTIME))],
  ],
});

test('eclipse-b: receive never blocks; an Input message to itself arrives as 32 zero bytes (S-IPC-04)', (t) => {
  let blocked = 0;
  let routed = 0;
  const { result } = run(EB_INPUT, { profile: 'eclipse-b', watch: (p) => ((blocked += inRecv(p, MAIN) ? 1 : 0), (routed = Math.max(routed, p.ipc.ebCount[MAIN]))) });
  const g = EB_INPUT.tags;
  t.deepEqual(g.empty, [0, 0, 0], 'an empty receive returns 0 at once, whatever the timeout');
  t.is(blocked, 0);
  t.deepEqual(g.send, [0]);
  t.is(routed, 1, 'PID 0 routed the Input message to the mailbox of PID 2');
  t.deepEqual(g.got, [32]);
  t.deepEqual(bytesOf(g.bytes), [...fill(32, 0), ...fill(32, 0xee)], '32 zero bytes, not the payload');
  t.deepEqual(g.info, [MAIN, A.MT_INPUT]);
  t.deepEqual(g.uptime, [-1], 'uptime is reference only');
  t.deepEqual(result.violations.map((v) => v.check), ['S-IPC-04']);
  t.regex(result.violations[0]?.message ?? '', /all 32 bytes arrived as zeros/);
});

const EB_DROP = program('ti-eb-drop', { main: [tag('pid', fork('k')), tag('pid', fork('k')), tag('send', sndKid(U, SEND, 4))], k: [] });

test('eclipse-b: a User message to PID 4 has no route and is dropped silently (S-IPC-02)', (t) => {
  let queued = 0;
  let mailbox = 0;
  const { result, procs } = run(EB_DROP, { profile: 'eclipse-b', watch: (p) => ((queued = Math.max(queued, p.ipc.gCount)), (mailbox = Math.max(mailbox, p.ipc.ebCount[4]))) });
  t.deepEqual(EB_DROP.tags.pid, [3, 4]);
  t.deepEqual(EB_DROP.tags.send, [0], 'eclipse-b accepts the send');
  t.is(queued, 1, 'the message sat in the global ring');
  t.is(procs.ipc.gCount, 0, 'routing took it out of the ring');
  t.is(mailbox, 0, 'it never reached a mailbox');
  t.false(dead(procs, 4), 'PID 4 is alive');
  t.deepEqual(result.violations.map((v) => v.check), ['S-IPC-02']);
  t.regex(result.violations[0]?.message ?? '', /to 4 was dropped silently \(no route\)/);
});

// ---- The state fingerprint (architecture.md: it covers every field that can influence the future)

const FP = program('ti-fingerprint', { main: [fork('c'), rcvKid(RECV, -1), waitKid(), exit()], c: [burn(30), snd(MAIN, U, SEND, 1), exit()] });
let fpHashes: string[] | undefined;
/** The IPC fingerprint while PID 2 waits, untimed, for PID 3; and again with its filter set to 0. */
function fpRun(): string[] {
  if (fpHashes) return fpHashes;
  const hashes: string[] = [];
  const fp = (p: Processes, h = new Hasher64()): string => (p.ipc.fingerprint(h), h.hex());
  run(FP, {
    watch: (p) => {
      if (hashes.length > 0 || !inRecv(p, MAIN, 3) || p.ipc.rTimer[p.t.slotOf(MAIN)] !== 0) return;
      const s = p.t.slotOf(MAIN);
      hashes.push(fp(p));
      p.ipc.rFrom[s] = 0;
      hashes.push(fp(p));
      p.ipc.rFrom[s] = 3;
    },
  });
  return (fpHashes = hashes);
}

test('fingerprint: the probe below sees an untimed blocked receive', (t) => {
  t.is(fpRun().length, 2);
  t.deepEqual(FP.logs.main, [3, 1, 3]);
});

/*
 * Regression (found by this test): Ipc.fingerprint skipped every slot whose mailbox was empty and
 * that had no receive timer, so for a process blocked in an untimed receive (timeout −1) none of its
 * receive arguments were hashed — the from-filter decides whether a send wakes it and whether a
 * peer's death fails it — and the exhaustive explorer could merge two different states.
 */
test('fingerprint: the from-filter of a blocked receiver is part of the state', (t) => {
  const [before, after] = fpRun();
  t.not(before, after);
});
