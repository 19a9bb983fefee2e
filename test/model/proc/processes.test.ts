/**
 * The process model (model/proc/processes.ts) at its system-call boundary, driven end to end:
 * test programs registered here go on a disk image as real ELF files, init (PID 1) forks a child
 * that execs /bin/t-…, and the program records every result it gets. Covers the errno values of
 * kernel.md §4.3 (reference) and eclipse-b's −1, fork (return values, PIDs, memory copy and
 * isolation, fd inheritance), exit / wait / kill and the wait status word, reparenting of orphans,
 * frame and slot exhaustion, a kill during a file-system call, the fd limit, and the frame pool
 * (model/proc/memory.ts) as a unit. Two tests pin a model bug these tests found (the fd limit was
 * system-wide).
 *
 * Runs use the proc-small scenario with no faults, so every result is the model's own answer.
 */
import test from 'ava';
import { file } from '../../../model/fs/host/tree.js';
import * as A from '../../../model/proc/abi.js';
import { Memory } from '../../../model/proc/memory.js';
import { B_WAIT } from '../../../model/proc/process-table.js';
import { compute, load, store, sys } from '../../../model/proc/programs/program.js';
import { programElf, programIndex } from '../../../model/proc/programs/registry.js';
import { SHIPPED_NAMES } from '../../../model/init/service-protocol.js';
import { BUF, TEXT, UNMAPPED, call, fork, killKid, loadAt, op, program, programRunner, waitKid, type Op, type TestProgram } from '../../helpers/program-harness.js';

// ---------------------------------------------------------------------------------------------
// Running one (test/helpers/program-harness.ts): proc-small, the program's own disk, no faults.
// ---------------------------------------------------------------------------------------------

const MOTD = 'hello\n';
/** /etc/big: ten blocks of 'b', so a read far into it misses the buffer cache and goes to the disk. */
const BIG = 10 * A.PAGE;
/** The wait status word goes here. */
const ST = BUF + 16;

/**
 * Runs a test program from a disk with init, the program in /bin (plus /bin/notelf, not an ELF),
 * /etc/rc naming it, /etc/motd and /etc/big. Reference runs keep the process safety checks (S-PM-*)
 * on, so a test also learns whether they passed; eclipse-b breaks them by design.
 */
const run = programRunner((profile) => ({
  checks: profile === 'reference' ? ['S-PM-*'] : ['none'],
  files: {
    bin: { notelf: file('#!/bin/sh\necho not an ELF file\n') },
    etc: { motd: file(MOTD), big: file(new Uint8Array(BIG).fill(0x62)) },
  },
}));

// ---------------------------------------------------------------------------------------------
// 1, 2. errno values (reference) and −1 (eclipse-b) at the system-call boundary
// ---------------------------------------------------------------------------------------------

/**
 * Paths the programs name, stored into the buffer by the program itself. (A program's own string
 * constants are in its data segment, at file offset 4096 of its ELF file; eclipse-b's user read
 * always reads from offset 0, so after an eclipse-b exec from disk they hold the ELF header.)
 */
const PATHS = ['/nope', '/etc/motd', '/bin/notelf', '/etc/big'];
const PATH_AT = BUF + 0x800;
const path = (i: number): number => PATH_AT + 16 * i;
const plen = (i: number): number => PATHS[i].length;
const [NOPE, MOTD_PATH, NOTELF, BIG_PATH] = [0, 1, 2, 3];
const PUT_PATHS: Op[] = PATHS.flatMap((p, i) => [...new TextEncoder().encode(p + '\0')].map((b, j) => op((o) => store(o, path(i) + j, b))));

/** [what, operation, reference result, eclipse-b result]. The test program is PID 2, init's child. */
const ERRNO_CASES: Array<[string, Op, number, number]> = [
  ['store a byte to the buffer', op((o) => store(o, BUF, 0x77)), 0, 0],
  ['write(1) from an unmapped buffer', call(A.SYS_WRITE, 1, UNMAPPED, 10), -A.EFAULT, 10 /* unchecked */],
  ['write(2) from the read-only text', call(A.SYS_WRITE, 2, TEXT, 16), 16, 16],
  ['write(1, len -1)', call(A.SYS_WRITE, 1, BUF, -1), -A.EINVAL, -1],
  ['read(0)', call(A.SYS_READ, 0, BUF + 64, 10), 0, 0],
  ['read of closed fd 7', call(A.SYS_READ, 7, BUF + 64, 10), -A.EBADF, -1],
  ['close(1)', call(A.SYS_CLOSE, 1), -A.EBADF, -1],
  ['close(7), never opened', call(A.SYS_CLOSE, 7), -A.EBADF, -1],
  ['open with path length 0', call(A.SYS_OPEN, path(NOPE), 0, 0), -A.EINVAL, -1],
  ['open of an unmapped path', call(A.SYS_OPEN, UNMAPPED, 5, 0), -A.EFAULT, -1],
  ['open /nope', call(A.SYS_OPEN, path(NOPE), plen(NOPE), 0), -A.ENOENT, -1],
  ['waitpid(-1, 0, 0) with no children', call(A.SYS_WAITPID, -1, 0, 0), -A.ECHILD, -1],
  ['waitpid with flags 2', call(A.SYS_WAITPID, -1, 0, 2), -A.EINVAL, -1],
  ['waitpid(-1, WNOHANG) with no children', call(A.SYS_WAITPID, -1, 0, A.WNOHANG), -A.ECHILD, -1],
  ['wait(0) with no children', call(A.SYS_WAIT, 0), -A.ECHILD, -1],
  ['kill(1, 9)', call(A.SYS_KILL, 1, A.SIGKILL), -A.EPERM, -1],
  ['kill(0, 9)', call(A.SYS_KILL, 0, A.SIGKILL), -A.EPERM, -1],
  ['kill(99999, 9)', call(A.SYS_KILL, 99999, A.SIGKILL), -A.ESRCH, -1],
  ['kill(self, 5): not a signal it knows', call(A.SYS_KILL, 2, 5), -A.EINVAL, -1],
  ['kill(self, 0): a probe', call(A.SYS_KILL, 2, 0), 0, -1],
  ['exec(ptr, 0)', call(A.SYS_EXEC, BUF, 0), -A.EINVAL, -1],
  ['exec of an unmapped buffer', call(A.SYS_EXEC, UNMAPPED, 64), -A.EFAULT, -1],
  ['exec of a buffer that is not an ELF', call(A.SYS_EXEC, BUF, 64), -A.ENOEXEC, -1],
  ['load the byte back after the failed execs', op((o) => load(o, BUF)), 0x77, 0x77],
  ['syscall 99', call(99), -A.ENOSYS, -1],
  ['getpid', call(A.SYS_GETPID), 2, 2],
  ['getppid', call(A.SYS_GETPPID), 1, 1],
  ['exec_path /nope', call(A.SYS_EXEC_PATH, path(NOPE), plen(NOPE)), -A.ENOENT, -1],
  ['exec_path /bin/notelf', call(A.SYS_EXEC_PATH, path(NOTELF), plen(NOTELF)), -A.ENOEXEC, -1],
  ['open /etc/motd', call(A.SYS_OPEN, path(MOTD_PATH), plen(MOTD_PATH), 0), 3, 3],
  ['lseek(3, 0, whence 2)', call(A.SYS_LSEEK, 3, 0, 2), -A.EINVAL, -1],
  ['lseek(3, 2, SET)', call(A.SYS_LSEEK, 3, 2, 0), 2, 2],
  ['lseek(3, 1, CUR)', call(A.SYS_LSEEK, 3, 1, 1), 3, 3],
  ['lseek(3, -1, SET)', call(A.SYS_LSEEK, 3, -1, 0), -A.EINVAL, -1],
  ['read(3) into the read-only text', call(A.SYS_READ, 3, TEXT, 100), -A.EFAULT, MOTD.length /* unchecked, from offset 0 */],
  ['read(3) from offset 3', call(A.SYS_READ, 3, BUF + 100, 100), 3, MOTD.length /* always from offset 0 */],
  ['load the first byte read', op((o) => load(o, BUF + 100)), 'l'.charCodeAt(0), 'h'.charCodeAt(0)],
  ['read(3) at the end of the file', call(A.SYS_READ, 3, BUF + 100, 100), 0, MOTD.length],
  ['close(3)', call(A.SYS_CLOSE, 3), 0, 0],
  ['close(3) again', call(A.SYS_CLOSE, 3), -A.EBADF, -1],
  ['the program still runs: getpid', call(A.SYS_GETPID), 2, 2],
];

function errnoProgram(name: string): TestProgram {
  return program(name, { main: [...PUT_PATHS, ...ERRNO_CASES.map((c) => c[1]), call(A.SYS_EXIT, 0)] });
}

const ERRNO_REF = errnoProgram('t-errno-ref');
const ERRNO_EB = errnoProgram('t-errno-eb');

test('reference: a bad argument is the negative errno of kernel.md §4.3, and the program goes on', (t) => {
  const { result } = run(ERRNO_REF);
  t.is(result.violation, null, result.violation?.message);
  t.deepEqual(
    ERRNO_REF.logs.main.slice(PUT_PATHS.length).map((r, i) => `${ERRNO_CASES[i]?.[0]}: ${r}`),
    ERRNO_CASES.map(([what, , ref]) => `${what}: ${ref}`),
  );
});

test('eclipse-b: every error is −1, and pointers are not checked', (t) => {
  run(ERRNO_EB, { profile: 'eclipse-b' });
  t.deepEqual(
    ERRNO_EB.logs.main.slice(PUT_PATHS.length).map((r, i) => `${ERRNO_CASES[i]?.[0]}: ${r}`),
    ERRNO_CASES.map(([what, , , eb]) => `${what}: ${eb}`),
  );
});

// ---------------------------------------------------------------------------------------------
// 3. fork: return values, PIDs, memory copy and isolation, fds
// ---------------------------------------------------------------------------------------------

function forkProgram(name: string): TestProgram {
  return program(name, {
    main: [
      ...[...PUT_PATHS, op((o) => store(o, BUF, 0x41)), call(A.SYS_OPEN, path(MOTD_PATH), plen(MOTD_PATH), 0), fork('child')],
      // The parent writes after the fork: the child must still see 0x41.
      ...[op((o) => store(o, BUF, 0x43)), call(A.SYS_WAIT, ST), op((o) => sys(o, A.SYS_WAIT, ST), (r) => r < 0 && r !== -A.ECHILD)],
      ...[loadAt(BUF), loadAt(ST + 1), call(A.SYS_READ, 3, BUF + 300, 100)],
      ...[fork('child2'), op((o) => sys(o, A.SYS_WAIT, 0), (r) => r < 0 && r !== -A.ECHILD), call(A.SYS_GETPID)],
    ],
    child: [
      ...[loadAt(BUF), op((o) => compute(o, 60)), op((o) => store(o, BUF, 0x42)), loadAt(BUF)],
      ...[call(A.SYS_READ, 3, BUF + 200, 100), loadAt(BUF + 200), call(A.SYS_GETPPID), call(A.SYS_GETPID), call(A.SYS_EXIT, 5)],
    ],
    child2: [call(A.SYS_EXIT, 1)],
  });
}

const FORK_REF = forkProgram('t-fork-ref');
const FORK_EB = forkProgram('t-fork-eb');

for (const [profile, prog] of [['reference', FORK_REF], ['eclipse-b', FORK_EB]] as const) {
  test(`${profile}: fork returns 0 in the child and its PID in the parent; memory is copied, not shared`, (t) => {
    const ref = profile === 'reference';
    const slots = new Map<number, number>();
    const { result } = run(prog, {
      profile,
      watch: (p) => {
        for (let s = 0; s < A.MAX_PROCS; s++) if (p.t.state[s] !== A.PS_FREE && !slots.has(p.t.pid[s])) slots.set(p.t.pid[s], s);
      },
    });
    if (ref) t.is(result.violation, null, result.violation?.message);
    const main = prog.logs.main.slice(PUT_PATHS.length);
    const child = prog.logs.child;
    const C = main[2];
    t.is(C, 3, 'init is PID 1, the program 2: its first child is 3');
    t.deepEqual(main, [
      ...[0 /* store */, 3 /* open */, C, 0 /* store 0x43 */],
      ref ? C : -1, // wait: reference blocks until the child exits; eclipse-b never blocks
      ref ? -A.ECHILD : C, // wait again: reaped once (reference); eclipse-b hands back the same child
      0x43, // the child's store of 0x42 is not visible here
      ref ? 5 : 0, // status byte 1: exit(5) << 8 (eclipse-b writes no status)
      ref ? 0 : MOTD.length, // reference shares the fd's offset with the child, which read to the end
      C + 1, // the second child: PIDs only increase
      ref ? C + 1 : C, // reference reaps the second child; eclipse-b returns the first terminated one
      2,
    ]);
    t.deepEqual(child, [
      ...[0 /* fork */, 0x41 /* the parent's memory at the fork */, 0, 0, 0x42 /* its own store */],
      ref ? MOTD.length : -1, // reference inherits fd 3; eclipse-b does not (EBADF → −1)
      ref ? 'h'.charCodeAt(0) : 0,
      ...[2 /* getppid */, C /* getpid */],
    ]);
    // reference frees a reaped slot and hands it out again (with a new PID); eclipse-b never frees one.
    if (ref) t.is(slots.get(C + 1), slots.get(C));
    else t.not(slots.get(C + 1), slots.get(C));
  });
}

// ---------------------------------------------------------------------------------------------
// 4. exit, wait, kill (reference)
// ---------------------------------------------------------------------------------------------

const WAIT = program('t-wait', {
  main: [
    ...[fork('a'), waitKid(ST, A.WNOHANG), waitKid(UNMAPPED, 0), waitKid(TEXT, 0), call(A.SYS_WAITPID, 1, ST, 0)],
    ...[waitKid(ST, 0), loadAt(ST), loadAt(ST + 1), loadAt(ST + 2), waitKid(ST, A.WNOHANG), call(A.SYS_WAIT, 0)],
    ...[fork('k'), killKid(A.SIGKILL), call(A.SYS_WAITPID, -1, ST, A.WNOHANG), loadAt(ST), loadAt(ST + 1)],
    ...[fork('seg'), call(A.SYS_WAIT, ST), loadAt(ST)],
    ...[fork('t'), killKid(A.SIGTERM), killKid(A.SIGKILL), call(A.SYS_WAIT, ST), loadAt(ST), killKid(A.SIGKILL), call(A.SYS_EXIT, 0)],
  ],
  a: [op((o) => compute(o, 100)), call(A.SYS_GETPID), call(A.SYS_EXIT, 0x134)],
  k: [],
  seg: [op((o) => store(o, TEXT, 1))],
  t: [],
});

test('reference: wait blocks until the child exits, writes (code & 0xFF) << 8 or the signal, and reaps once', (t) => {
  let blockedWhileChildLives = 0;
  const { result, procs } = run(WAIT, {
    watch: (p) => {
      if (p.t.state[2] !== A.PS_BLOCKED || p.t.block[2] !== B_WAIT) return;
      const a = WAIT.logs.main[0];
      const s = p.t.slotOf(a);
      if (s >= 0 && p.t.state[s] !== A.PS_ZOMBIE) blockedWhileChildLives++;
    },
  });
  t.is(result.violation, null, result.violation?.message);
  const m = WAIT.logs.main;
  const [a, k, seg, tt] = [m[0], m[11], m[16], m[19]];
  t.deepEqual([a, k, seg, tt], [3, 4, 5, 6]);
  t.deepEqual(m, [
    ...[a, 0 /* WNOHANG while the child computes */, -A.EFAULT /* unmapped */, -A.EFAULT /* read-only */, -A.ECHILD /* init is not its child */],
    ...[a /* blocked, then reaped */, 0, 0x34 /* (0x134 & 0xFF) << 8 */, 0, -A.ECHILD /* reaped exactly once */, -A.ECHILD],
    ...[k, 0 /* kill(k, SIGKILL) */, k /* already a zombie: WNOHANG reaps it */, A.SIGKILL, 0],
    ...[seg, seg, A.SIGSEGV /* it stored to its text */],
    ...[tt, 0 /* SIGTERM */, 0 /* kill of a zombie */, tt, A.SIGTERM, -A.ESRCH /* reaped: no such process */],
  ]);
  t.deepEqual(WAIT.logs.a, [0, 0, a]);
  t.true(blockedWhileChildLives > 0, 'the parent was blocked in wait while the child was alive');
  t.true(WAIT.order.indexOf('a#2') < WAIT.order.indexOf('main#5'), 'wait returned only after the child exited');
  // Everything reaped: only PID 0 and init hold slots; the program itself was reaped by init.
  t.is(procs.t.inUse(), 2);
  t.is(procs.mem.freeCount, procs.mem.frames - procs.mem.framesOf(1));
});

// ---------------------------------------------------------------------------------------------
// 5. Orphans
// ---------------------------------------------------------------------------------------------

function orphanProgram(name: string): TestProgram {
  return program(name, {
    main: [fork('c'), call(A.SYS_EXIT, 0)],
    c: [op((o) => sys(o, A.SYS_GETPPID), (r) => r === 2, 300), call(A.SYS_GETPID)],
  });
}

const ORPHAN_REF = orphanProgram('t-orphan-ref');
const ORPHAN_EB = orphanProgram('t-orphan-eb');

for (const [profile, prog] of [['reference', ORPHAN_REF], ['eclipse-b', ORPHAN_EB]] as const) {
  test(`${profile}: a child whose parent exits first ${profile === 'reference' ? 'is reparented to init in the same step' : 'keeps its dead parent'}`, (t) => {
    const ref = profile === 'reference';
    let ppidAtParentExit = -100;
    const { result, procs } = run(prog, {
      profile,
      watch: (p) => {
        if (ppidAtParentExit !== -100) return;
        const parent = p.t.slotOf(2);
        if (parent >= 0 && p.t.state[parent] !== A.PS_ZOMBIE) return;
        const c = p.t.slotOf(3);
        if (c >= 0) ppidAtParentExit = p.t.ppid[c];
      },
    });
    if (ref) t.is(result.violation, null, result.violation?.message);
    t.deepEqual(prog.logs.main, [3]);
    t.deepEqual(prog.logs.c, [0, ref ? 1 : 2, 3]);
    t.is(ppidAtParentExit, ref ? 1 : 2);
    const c = procs.t.slotOf(3);
    t.true(c >= 0 && procs.t.state[c] !== A.PS_ZOMBIE, 'the orphan is still alive');
    t.is(procs.t.ppid[c], ref ? 1 : 2);
    // reference: init reaped the parent; eclipse-b: it stays Terminated forever.
    t.is(procs.t.slotOf(2) >= 0, !ref);
  });
}

// ---------------------------------------------------------------------------------------------
// 6. Frame exhaustion (reference)
// ---------------------------------------------------------------------------------------------

const SERVICE_ELF = programElf(SHIPPED_NAMES[0]).length;
const ELF_AT = BUF + 0x400;
const FRAMES = 30;
const PAGES = 5; // a model program: text, three data pages, a stack

const FRAMES_PROG = program('t-frames', {
  main: [
    ...[op((o) => store(o, BUF, 0x66)), fork('c', (r) => r > 0), loadAt(BUF)],
    ...[call(A.SYS_GET_SERVICE_BINARY, 0, ELF_AT, ST), loadAt(ST), call(A.SYS_EXEC, ELF_AT, SERVICE_ELF), loadAt(BUF)],
    op((o) => sys(o, A.SYS_WAIT, 0), (r) => r > 0),
    // Frames are back: the same exec now succeeds, and the service runs and exits(0).
    call(A.SYS_EXEC, ELF_AT, SERVICE_ELF),
  ],
  c: [op((o) => compute(o, 300)), call(A.SYS_EXIT, 0)],
});

test('reference: fork fails with ENOMEM when the frames run out, exec too, and nothing leaks', (t) => {
  const children = new Set<number>();
  let minFree = Infinity;
  let freeWhileAllAlive = -1;
  let fresh: number[] = [];
  const { result, procs } = run(FRAMES_PROG, {
    frames: FRAMES,
    watch: (p) => {
      if (fresh.length === 0 && p.t.program[2] === programIndex(SHIPPED_NAMES[0])) fresh = [p.mem.readByte(2, BUF), p.mem.readByte(2, ELF_AT), p.mem.framesOf(2)];
      minFree = Math.min(minFree, p.mem.freeCount);
      for (let s = 0; s < A.MAX_PROCS; s++) if (p.t.state[s] !== A.PS_FREE && p.t.ppid[s] === 2) children.add(p.t.pid[s]);
      if (freeWhileAllAlive < 0 && FRAMES_PROG.logs.main.length === 2) freeWhileAllAlive = p.mem.freeCount;
    },
  });
  t.is(result.violation, null, result.violation?.message);
  const forks = (FRAMES - 2 * PAGES) / PAGES;
  t.is(children.size, forks, 'init and the program hold 10 frames; each child 5');
  t.deepEqual(FRAMES_PROG.logs.main, [0, -A.ENOMEM, 0x66, 0, SERVICE_ELF & 0xff, -A.ENOMEM, 0x66, -A.ECHILD]);
  t.is(FRAMES_PROG.logs.c.length, forks * 2);
  t.is(minFree, 0);
  t.is(freeWhileAllAlive, 0, 'a failed fork takes no frame');
  t.deepEqual(fresh, [0, 0, PAGES], 'the successful exec gave a fresh, zero-filled image');
  // Everything reaped: only init's frames are taken, and every frame's count says so.
  t.deepEqual([procs.t.inUse(), procs.mem.framesOf(1), procs.mem.freeCount], [2, PAGES, FRAMES - PAGES]);
  t.is(procs.mem.refs.reduce((n, r) => n + r, 0), PAGES);
});

const SLOTS = program('t-slots', {
  main: [fork('c', (r) => r > 0), call(A.SYS_GETPID)],
  c: [],
});

test('reference: fork fails with EAGAIN only when all 64 slots are in use', (t) => {
  let most = 0;
  const { result } = run(SLOTS, { watch: (p) => (most = Math.max(most, p.t.inUse())) });
  t.is(result.violation, null, result.violation?.message);
  t.deepEqual(SLOTS.logs.main, [-A.EAGAIN, 2]);
  t.is(SLOTS.logs.c.length, A.MAX_PROCS - 3, 'PID 0, init and the program hold three slots');
  t.is(most, A.MAX_PROCS);
});

// ---------------------------------------------------------------------------------------------
// Kill during a file-system call, and the fd limit
// ---------------------------------------------------------------------------------------------

const KILL_FS = program('t-kill-fs', {
  main: [
    ...[...PUT_PATHS, fork('c')],
    // A few yields let the child reach its read, which waits for the (slow) disk much longer.
    ...[op((o) => sys(o, A.SYS_YIELD), () => true, 3), killKid(A.SIGKILL), call(A.SYS_WAIT, ST), loadAt(ST)],
  ],
  c: [call(A.SYS_OPEN, path(BIG_PATH), plen(BIG_PATH), 0), call(A.SYS_LSEEK, 3, BIG - 100, 0), call(A.SYS_READ, 3, BUF + 64, 100), call(A.SYS_GETPID)],
});

test('reference: a kill during a file-system call takes effect when the call returns, and the file is closed', (t) => {
  let pendingSeen = 0;
  const { result, procs } = run(KILL_FS, {
    latency: 3000,
    watch: (p) => {
      const c = p.t.slotOf(3);
      if (c >= 0 && p.t.killPending[c] === A.SIGKILL) pendingSeen++;
    },
  });
  t.is(result.violation, null, result.violation?.message);
  t.true(pendingSeen > 0, 'the kill arrived while the child was in its read');
  t.deepEqual(KILL_FS.logs.main.slice(PUT_PATHS.length), [3, 0, 0, 3, A.SIGKILL]);
  t.deepEqual(KILL_FS.logs.c, [0, 3, BIG - 100], 'the child never ran again after its read');
  t.true(procs.ofdRefs.every((n) => n === 0), 'the file it opened is closed');
});

const openMotd = (again?: Op['again'], max?: number): Op => op((o) => sys(o, A.SYS_OPEN, path(MOTD_PATH), plen(MOTD_PATH), 0), again, max);

const FDS = program('t-fds', {
  main: [
    ...[...PUT_PATHS, openMotd((r) => r >= 0, 60), openMotd(), call(A.SYS_CLOSE, 10), openMotd(), call(A.SYS_CLOSE, 10)],
    ...[call(A.SYS_EXEC_PATH, path(NOTELF), plen(NOTELF)), call(A.SYS_EXIT, 0)],
  ],
});

test('reference: a process has fds 3..63, then EMFILE; the lowest free fd is reused; exit closes them all', (t) => {
  const { result, procs } = run(FDS);
  t.is(result.violation, null, result.violation?.message);
  t.deepEqual(FDS.logs.main.slice(PUT_PATHS.length), [63, -A.EMFILE, 0, 10, 0, -A.ENOEXEC]);
  t.true(procs.ofdRefs.every((n) => n === 0));
});

/*
 * Regression (reference): kernel.md §4.3 gives every process 64 fds (0–2 reserved). All processes
 * once shared one 64-entry row of the kernel file system's fd table, so 61 open files was a
 * system-wide limit: below, the parent holds 40 open files and the child, holding none, got only 21.
 * And exec_path, which takes its file from the same table, answered EMFILE (an errno exec does not
 * have) to a process holding its 61 fds.
 */
const FD_LIMIT = program('t-fd-limit', {
  main: [...PUT_PATHS, openMotd((r) => r >= 0, 39), fork('c')],
  c: [op((o, s) => sys(o, A.SYS_CLOSE, 3 + s.rep), (r) => r === 0, 39), openMotd((r) => r >= 0, 60), openMotd(), call(A.SYS_CLOSE, 63)],
});

test('reference: the 64-fd limit is per process, not shared with other processes', (t) => {
  run(FD_LIMIT);
  t.deepEqual(FD_LIMIT.logs.main.slice(PUT_PATHS.length), [42, 3]);
  // fork 0; the 40 inherited fds closed; 61 opens (fds 3..63); the next one EMFILE; close(63) fine.
  t.deepEqual(FD_LIMIT.logs.c, [0, 0, 63, -A.EMFILE, 0]);
});

const FD_EXEC = program('t-fd-exec', {
  main: [...PUT_PATHS, openMotd((r) => r >= 0, 60), call(A.SYS_EXEC_PATH, path(NOTELF), plen(NOTELF)), call(A.SYS_EXIT, 0)],
});

test('reference: exec_path does not need a free fd of the caller', (t) => {
  run(FD_EXEC);
  // 61 fds open (3..63), then exec_path of a file that is not an ELF: ENOEXEC.
  t.deepEqual(FD_EXEC.logs.main.slice(PUT_PATHS.length), [63, -A.ENOEXEC]);
});

// ---------------------------------------------------------------------------------------------
// 7. The frame pool and page maps (model/proc/memory.ts)
// ---------------------------------------------------------------------------------------------

/** A memory whose slot 0 maps `pages` writable pages from 0x400000 on. */
function mapped(frames: number, pages: number): Memory {
  const m = new Memory(frames);
  m.begin();
  for (let i = 0; i < pages; i++) m.map(0, 0x400 + i, m.allocFrame(), true);
  return m;
}

test('memory: copyMap is all or nothing when the pool is short', (t) => {
  const m = mapped(8, 5);
  m.writeByte(0, 0x400123, 9);
  const refs = [...m.refs];
  t.false(m.copyMap(0, 1));
  t.deepEqual([m.freeCount, m.pageCount[1], m.readByte(1, 0x400123)], [3, 0, -1], 'nothing taken, nothing mapped');
  t.deepEqual([...m.refs], refs);

  const big = mapped(10, 5);
  big.writeByte(0, 0x400123, 9);
  big.writeByte(0, 0x404fff, 7);
  t.true(big.copyMap(0, 1));
  t.deepEqual([big.freeCount, big.pageCount[1], big.readByte(1, 0x400123), big.readByte(1, 0x404fff)], [0, 5, 9, 7]);
  const own = new Set(Array.from({ length: 5 }, (_, i) => big.frameOf[0 * A.MAX_PAGES + i]));
  for (let i = 0; i < 5; i++) t.false(own.has(big.frameOf[1 * A.MAX_PAGES + i]), 'the copy has frames of its own');
  // Isolation: a write on either side stays there.
  big.writeByte(1, 0x400123, 10);
  big.writeByte(0, 0x404fff, 8);
  t.deepEqual([big.readByte(0, 0x400123), big.readByte(1, 0x400123), big.readByte(0, 0x404fff), big.readByte(1, 0x404fff)], [9, 10, 8, 7]);
});

test('memory: a released frame is zeroed and free again', (t) => {
  const m = mapped(4, 2);
  const f = m.frameOf[1];
  for (let i = 0; i < A.PAGE; i += 97) m.writeByte(0, 0x401000 + i, (i % 255) + 1);
  t.not(m.sum[f], 0);
  m.releaseFrame(f);
  t.deepEqual([m.refs[f], m.freeCount, m.sum[f]], [0, 3, 0]);
  t.true(m.bytes.subarray(f * A.PAGE, (f + 1) * A.PAGE).every((b) => b === 0));
  t.is(m.allocFrame(), f, 'the lowest free frame is handed out again');
  t.is(m.freeCount, 2);
  // unmapAll releases every page of a map.
  m.unmapAll(0);
  t.deepEqual([m.pageCount[0], m.freeCount], [0, 4]);
});

test('memory: the checksum follows the contents, not the frame', (t) => {
  const m = new Memory(4);
  m.begin();
  const [f, g, h] = [m.allocFrame(), m.allocFrame(), m.allocFrame()];
  t.deepEqual([f, g, h], [0, 1, 2]);
  const bytes: Array<[number, number]> = [[0, 1], [5, 200], [4095, 33], [1000, 7]];
  for (const [off, v] of bytes) m.poke(f, off, v);
  for (const [off, v] of [...bytes].reverse()) m.poke(g, off, v);
  t.is(m.sum[f], m.sum[g], 'same contents, written in another order to another frame');
  t.not(m.sum[f], 0);
  // Same bytes at other offsets differ.
  for (const [off, v] of bytes) m.poke(h, (off + 1) % A.PAGE, v);
  t.not(m.sum[h], m.sum[f]);
  // Overwriting and restoring a byte restores the checksum; zeroing everything brings it to 0.
  const before = m.sum[f];
  m.poke(f, 5, 201);
  t.not(m.sum[f], before);
  m.poke(f, 5, 200);
  t.is(m.sum[f], before);
  for (const [off] of bytes) m.poke(f, off, 0);
  t.is(m.sum[f], 0);
});

test('memory: valid() checks every page of a range, and writability when asked', (t) => {
  const m = new Memory(4);
  m.begin();
  m.map(0, 0x400, m.allocFrame(), false);
  m.map(0, 0x401, m.allocFrame(), true);
  t.true(m.valid(0, 0x400ff0, 0x20, false));
  t.false(m.valid(0, 0x400ff0, 0x20, true), 'the first page is read-only');
  t.true(m.valid(0, 0x401000, A.PAGE, true));
  t.false(m.valid(0, 0x401001, A.PAGE, false), 'runs into an unmapped page');
  t.true(m.valid(0, 0, 0, true), 'an empty range is always valid');
  t.false(m.valid(0, -1, 1, false));
  m.writeU32(0, 0x401010, 0x12345678);
  t.is(m.readU32(0, 0x401010), 0x12345678);
  t.deepEqual([0, 1, 2, 3].map((i) => m.readByte(0, 0x401010 + i)), [0x78, 0x56, 0x34, 0x12]);
});
