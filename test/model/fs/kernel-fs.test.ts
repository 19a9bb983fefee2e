/**
 * The kernel's EclipseFS path (model/fs/kernel-fs.ts) end to end: an image made by the host-side
 * writer is put on the simulated disk, mounted at boot and read through the buffer cache, the
 * VirtIO driver and the device. What the kernel returns is compared with the tree the image was
 * made from, independently of the S-FS-03 oracle (the host-side parser).
 *
 * Also: mount refuses a bad magic, a bad version and a bad geometry with its reason; lseek's
 * whence handling per profile, driven by a scripted client in place of the random workload.
 */
import test from 'ava';
import { Chooser } from '../../../sim/chooser.js';
import { RandomStrategy } from '../../../sim/strategy/random.js';
import { runOnce } from '../../../sim/run.js';
import { FS_BLOCK_BYTES, HDR_TOTAL_INODES, HDR_VERSION, PARTITION_BLOCK_ECLIPSE_B } from '../../../model/fs/format.js';
import { writeImage } from '../../../model/fs/host/image-writer.js';
import { dir, file, symlink, type TreeNode } from '../../../model/fs/host/tree.js';
import { type KernelFs } from '../../../model/fs/kernel-fs.js';
import { EBADF, EINVAL } from '../../../model/proc/abi.js';
import { MOUNT_BAD_GEOMETRY, MOUNT_BAD_MAGIC, MOUNT_BAD_VERSION, MOUNT_OK, OP_READ, SEEK_CUR, SEEK_END, SEEK_SET } from '../../../model/fs/fs-call-abi.js';
import { NO_FAULTS } from '../../../model/params.js';
import { P_FS_CALL_END, P_FS_CALL_START, P_FS_MOUNT, P_FS_READ, P_REQUEST_START } from '../../../model/probes.js';
import type { Profile } from '../../../model/profile.js';
import { makeSystem, withImage, type Target } from '../../../scenarios/operations.js';
import type { ScenarioSystem } from '../../../scenarios/system.js';
import { target } from '../../helpers/system.js';
import { paths, setU32 } from './images.js';

/** Deterministic bytes, different for each k, with no short period (a read from the wrong offset shows). */
const pattern = (n: number, k: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * k + (i >> 8) + k) % 251);

const SIZES = [0, 1, 4095, 4096, 4097, 9000];

/** Nested directories, files of every size around the block boundary, a symlink, an empty dir. */
const TREE = dir({
  top: dir({
    'f0-empty': file(pattern(0, 3)),
    'f1-one': file(pattern(1, 5)),
    deeper: dir({ 'f4095': file(pattern(4095, 7)), 'f4096': file(pattern(4096, 11)), leaf: dir({ 'f9000': file(pattern(9000, 13)) }) }),
  }),
  'f4097': file(pattern(4097, 17)),
  link: symlink('/top/f1-one'),
  empty: dir({}),
});
const IMAGE = writeImage(TREE);
const IMAGE_BLOCKS = IMAGE.length / FS_BLOCK_BYTES;

/** path → content of every regular file of a tree. */
function filesOf(tree: TreeNode): Map<string, Uint8Array> {
  const out = new Map<string, Uint8Array>();
  for (const [p, n] of paths(tree)) if (n.type === 'file') out.set(p, n.content);
  return out;
}
const FILES = filesOf(TREE);

/**
 * `scenario` on `profile` with `image` (through withImage, as --image does), the scan workload and
 * no faults. withImage puts fs.image / fs.imageHash into the overrides; the scan is merged on top.
 */
function scanTarget(profile: Profile, image: Uint8Array, opts: { scenario?: string; checks?: string[]; mutants?: string[] } = {}): Target {
  const base = withImage(target({ scenario: opts.scenario ?? 'fs-read', profile, mutants: opts.mutants }), image, 'test.img');
  const fs = base.overrides!.fs!;
  return {
    ...base,
    checks: opts.checks,
    overrides: { ...base.overrides, faults: { ...NO_FAULTS }, faultBudget: 0, swarm: false, fs: { ...fs, workload: 'scan' } },
  };
}

interface Read {
  offset: number;
  bytes: Uint8Array;
}

/** What a scan run did, as seen through the probes after every step. */
interface ScanLog {
  system: ScenarioSystem;
  /** Client 0's reads per file path, in order. */
  reads: Map<string, Read[]>;
  /** P_FS_MOUNT: [result, reason]. */
  mounts: Array<[number, number]>;
  /** Device blocks the driver was asked for. */
  blocks: number[];
  /** Calls started by workload clients (not the kernel's boot mount). */
  clientCalls: number;
  /** Clients (the boot client included) with a call started and not ended, at the end. */
  unreturned: Set<number>;
}

/** Steps a run of `tg` (seed 1) to its end, recording every step's probes. */
function scan(tg: Target, seed = 1): ScanLog {
  const system = makeSystem(tg);
  const m = system.machine;
  const log: ScanLog = { system, reads: new Map(), mounts: [], blocks: [], clientCalls: 0, unreturned: new Set() };
  const observe = () => {
    const { buf, count } = m.probes;
    for (let i = 0; i < count; i++) {
      const [kind, a, b, c] = [buf[4 * i], buf[4 * i + 1], buf[4 * i + 2], buf[4 * i + 3]];
      if (kind === P_FS_READ && a === 0) {
        const path = m.fsClients!.files.paths[m.fsClients!.file[0]];
        const list = log.reads.get(path) ?? [];
        list.push({ offset: b, bytes: m.kfs!.readBuf.slice(0, c) });
        log.reads.set(path, list);
      } else if (kind === P_FS_MOUNT) log.mounts.push([a, b]);
      else if (kind === P_REQUEST_START) log.blocks.push(b);
      else if (kind === P_FS_CALL_START) {
        log.unreturned.add(a);
        if (a < m.fsClients!.count) log.clientCalls++;
      } else if (kind === P_FS_CALL_END) log.unreturned.delete(a);
    }
  };
  system.begin(new Chooser(new RandomStrategy(seed)), 0);
  while (system.step()) observe();
  observe(); // the last step's probes (the one a violation stopped at)
  return log;
}

const concat = (rs: readonly Read[]): Uint8Array => Uint8Array.from(rs.flatMap((r) => [...r.bytes]));

const describe = (s: ScenarioSystem) => (s.violation ? `${s.violation.check} at step ${s.violation.step}: ${s.violation.message}` : 'no violation');

test('kernel fs: the test tree is what the test thinks (sizes, and the scan reads files in path order)', (t) => {
  t.deepEqual([...FILES.values()].map((c) => c.length).sort((a, b) => a - b), SIZES);
  const tg = scanTarget('reference', IMAGE);
  const system = makeSystem(tg);
  t.deepEqual(system.machine.fsClients!.files.paths, [...FILES.keys()].sort());
  t.is(system.params.fs!.workload, 'scan');
  t.is(system.params.fs!.image, 'file:test.img', 'withImage and the scan override both apply');
  t.regex(system.params.fs!.imageHash, /^[0-9a-f]{16}$/);
  t.is(system.params.faultBudget, 0);
});

test('kernel fs: mkfs then read through the kernel path (reference): every file, byte for byte', (t) => {
  const tg = scanTarget('reference', IMAGE);
  // runOnce, as the tools run it: no violation, the scan finished.
  const once = makeSystem(tg);
  const r = runOnce(once, new RandomStrategy(1));
  t.is(r.violation, null, describe(once));
  t.true(once.machine.fsClients!.finished >= 1, 'the scan client finished');

  // Stepped by hand: what the kernel returned, file by file.
  const log = scan(tg);
  const m = log.system.machine;
  t.is(log.system.violation, null, describe(log.system));
  t.true(m.quiescent(), 'the run ended because nothing was left to do');
  t.is(m.bootFailure, 0);
  t.deepEqual(log.mounts, [[0, MOUNT_OK]]);
  t.is(m.fsClients!.finished, m.fsClients!.count, 'every client finished');
  t.deepEqual([...log.reads.keys()].sort(), [...FILES.keys()].sort(), 'every regular file was read (and nothing else)');
  for (const [path, content] of FILES) {
    const rs = log.reads.get(path) ?? [];
    let at = 0;
    for (const rd of rs) {
      t.is(rd.offset, at, `${path}: reads follow one another`);
      at += rd.bytes.length;
    }
    t.deepEqual(concat(rs), content, `${path}: ${content.length} bytes`);
    t.is(rs[rs.length - 1]?.bytes.length, 0, `${path}: the last read returns 0 (end of file)`);
    t.true(rs.slice(0, -1).every((rd) => rd.bytes.length > 0 && rd.bytes.length <= 4096), `${path}: reads return 1..4096 bytes until the end`);
  }
  // The partition starts at block 0: every device request lies inside the image.
  t.true(log.blocks.length > 0);
  t.true(log.blocks.every((b) => b >= 0 && b < IMAGE_BLOCKS), `blocks ${[...new Set(log.blocks)].join(',')}`);
});

test('kernel fs: mkfs then read through the kernel path (eclipse-b): partition at 131,328; a read ignores the fd offset (S-FS-03)', (t) => {
  const log = scan(scanTarget('eclipse-b', IMAGE));
  const m = log.system.machine;
  t.is(m.partitionStartBlock, PARTITION_BLOCK_ECLIPSE_B);
  t.deepEqual(log.mounts, [[0, MOUNT_OK]], 'the header is found at the partition start');
  t.true(log.blocks.length > 0);
  t.true(
    log.blocks.every((b) => b >= PARTITION_BLOCK_ECLIPSE_B && b < PARTITION_BLOCK_ECLIPSE_B + IMAGE_BLOCKS),
    `every request inside the partition: ${[...new Set(log.blocks)].join(',')}`,
  );
  t.is(log.system.violation?.check, 'S-FS-03', describe(log.system));
  // Whatever the fd offset, each read returned the start of the file.
  for (const [path, rs] of log.reads) {
    const content = FILES.get(path)!;
    for (const rd of rs) t.deepEqual(rd.bytes, content.slice(0, rd.bytes.length), `${path} at fd offset ${rd.offset}: bytes from offset 0`);
  }
  // The empty file reads correctly; the first non-empty file in path order is where it fails.
  const firstNonEmpty = [...FILES.keys()].sort().find((p) => FILES.get(p)!.length > 0)!;
  t.true(log.system.violation!.message.includes(`"${firstNonEmpty}"`), log.system.violation!.message);
});

// One file per image, so each size fails (or not) on its own: eclipse-b reads from offset 0 again.
for (const size of SIZES) {
  // A file of ≤ 4096 bytes comes back whole from the first read; the next read, at the end of the
  // file, returns it again. A larger file's second read, at offset 4096, returns the first block.
  const failsAt = size === 0 ? null : size <= 4096 ? size : 4096;
  test(`kernel fs: eclipse-b scan of a single ${size}-byte file: ${failsAt === null ? 'clean' : `S-FS-03 at offset ${failsAt}`}; reference: clean`, (t) => {
    const image = writeImage(dir({ d: dir({ f: file(pattern(size, 19)) }) }));
    const ref = scan(scanTarget('reference', image));
    t.is(ref.system.violation, null, describe(ref.system));
    t.deepEqual(concat(ref.reads.get('/d/f') ?? []), pattern(size, 19));
    const b = scan(scanTarget('eclipse-b', image));
    if (failsAt === null) {
      t.is(b.system.violation, null, describe(b.system));
      t.is(b.system.machine.fsClients!.finished, b.system.machine.fsClients!.count);
      return;
    }
    t.is(b.system.violation?.check, 'S-FS-03', describe(b.system));
    t.regex(b.system.violation!.message, new RegExp(`read of "/d/f" at offset ${failsAt}\\b`));
    const rs = b.reads.get('/d/f')!;
    t.deepEqual(rs[0].bytes, pattern(size, 19).slice(0, 4096), 'the first read is right');
    t.is(rs[rs.length - 1].offset, failsAt);
  });
}

// ---- mount ----

const corrupt = (edit: (img: Uint8Array) => void): Uint8Array => {
  const img = IMAGE.slice();
  edit(img);
  return img;
};

const REFUSED: Array<[string, Uint8Array, number]> = [
  ['a bad magic', corrupt((img) => (img[0] ^= 0x20)), MOUNT_BAD_MAGIC],
  ['a bad version (1.0)', corrupt((img) => setU32(img, HDR_VERSION, 0x0001_0000)), MOUNT_BAD_VERSION],
  ['a bad version (2.1)', corrupt((img) => setU32(img, HDR_VERSION, 0x0002_0001)), MOUNT_BAD_VERSION],
  ['zero inodes', corrupt((img) => setU32(img, HDR_TOTAL_INODES, 0)), MOUNT_BAD_GEOMETRY],
];

// Regression (was a bug in checks/fs.ts, FsChecks.afterStep, with the `checks` filter of
// scenarios/system.ts): afterStep stopped at the first violation among a step's probes. At a
// refused mount the step records P_FS_MOUNT (fsck: S-FS-01) and then the mount's P_FS_CALL_END;
// with S-FS-01 filtered out the end went unseen and the run ended with a false L-FS-01 ("the run
// ended with client 4's  (started at 9 µs) never returning", with an empty op name as well).
for (const [what, image, reason] of REFUSED) {
  for (const profile of ['reference', 'eclipse-b'] as const) {
    test(`kernel fs: mount refuses ${what} with reason ${reason} (${profile}); the boot stops there, every call returned`, (t) => {
      // fsck's S-FS-01 at the refused mount must not stop the run; a hang or a crash would.
      const log = scan(scanTarget(profile, image, { checks: ['L-FS-01', 'MODEL-CRASH'] }));
      const m = log.system.machine;
      t.is(log.system.violation, null, describe(log.system));
      t.deepEqual(log.mounts, [[-1, reason]], 'P_FS_MOUNT: refused, with the reason');
      t.true(m.bootFailure < 0, `bootFailure ${m.bootFailure}`);
      t.is(m.bootFailure, profile === 'reference' ? -EINVAL : -1);
      t.is(log.clientCalls, 0, 'no client starts on an unmounted file system');
      t.deepEqual([...log.unreturned], [], 'the mount call returned');
      t.is(m.kfs!.mounted, 0);
      t.true(m.quiescent());
      t.true(log.system.steps < log.system.params.maxSteps);
      // With every check on, fsck at the refused mount reports the header (S-FS-01).
      const all = runOnce(makeSystem(scanTarget(profile, image)), new RandomStrategy(1));
      t.is(all.violation?.check, 'S-FS-01');
    });
  }
}

// ---- lseek and read, by a scripted client ----

/** One call of the script: issues a kernel call for client `c`; `prev` holds the results so far. */
type Step = (kfs: KernelFs, c: number, prev: readonly number[]) => void;

interface Scripted {
  /** The results of the script's calls, in order (P_FS_CALL_END). */
  results: number[];
  /** The bytes each read returned, in order. */
  reads: Uint8Array[];
  system: ScenarioSystem;
}

/**
 * Runs `script` as client 0 in place of the scan workload (the other clients finish at once). Each
 * call is issued from the client's own E_FS_CLIENT_NEXT event, as the workload issues its calls, so
 * the checks see every probe; the next call goes out when the previous one has returned.
 */
function scripted(profile: Profile, image: Uint8Array, script: readonly Step[], checks?: string[]): Scripted {
  const system = makeSystem(scanTarget(profile, image, { checks }));
  const m = system.machine;
  const fsc = m.fsClients!;
  const kfs = m.kfs!;
  const out: Scripted = { results: [], reads: [], system };
  const queue = [...script];
  fsc.next = (c: number) => {
    if (c !== 0 || queue.length === 0) {
      fsc.finished++;
      return;
    }
    queue.shift()!(kfs, c, out.results);
  };
  const observe = () => {
    const { buf, count } = m.probes;
    for (let i = 0; i < count; i++) {
      if (buf[4 * i] !== P_FS_CALL_END || buf[4 * i + 1] !== 0) continue;
      const r = buf[4 * i + 3];
      out.results.push(r);
      if (buf[4 * i + 2] === OP_READ) out.reads.push(kfs.readBuf.slice(0, Math.max(0, r)));
    }
  };
  system.begin(new Chooser(new RandomStrategy(3)), 0);
  while (system.step()) observe();
  observe();
  return out;
}

const F = pattern(5000, 23);
const ONE_FILE = writeImage(dir({ f: file(F) }));
const fdOf = (prev: readonly number[]) => prev[0];

/** The lseek script both profiles run: open, then seeks of every kind, each followed by a read. */
const LSEEK_SCRIPT: Step[] = [
  (k, c) => k.open(c, 0), // 0: fd
  (k, c, p) => k.lseek(c, fdOf(p), -100, SEEK_END), // 1
  (k, c, p) => k.read(c, fdOf(p), 4096), // 2
  (k, c, p) => k.lseek(c, fdOf(p), 10, SEEK_END), // 3
  (k, c, p) => k.read(c, fdOf(p), 4096), // 4
  (k, c, p) => k.lseek(c, fdOf(p), 6000, SEEK_SET), // 5
  (k, c, p) => k.read(c, fdOf(p), 100), // 6
  (k, c, p) => k.lseek(c, fdOf(p), -5990, SEEK_CUR), // 7
  (k, c, p) => k.read(c, fdOf(p), 5), // 8
  (k, c, p) => k.lseek(c, fdOf(p), 0, SEEK_CUR), // 9
  (k, c, p) => k.lseek(c, fdOf(p), -1, SEEK_SET), // 10
  (k, c, p) => k.lseek(c, fdOf(p), -5001, SEEK_END), // 11
  (k, c, p) => k.lseek(c, fdOf(p), 0, 7), // 12: no such whence
  (k, c, p) => k.lseek(c, fdOf(p), 0, SEEK_CUR), // 13
  (k, c, p) => k.close(c, fdOf(p)), // 14
  (k, c, p) => k.lseek(c, fdOf(p), 0, SEEK_SET), // 15: closed
  (k, c, p) => k.read(c, fdOf(p), 10), // 16: closed
];

test('kernel fs: lseek (reference): SEEK_SET, SEEK_CUR and SEEK_END; a read past the end returns 0; bad arguments fail', (t) => {
  const { results, reads, system } = scripted('reference', ONE_FILE, LSEEK_SCRIPT);
  t.is(system.violation, null, describe(system));
  t.is(results.length, LSEEK_SCRIPT.length, 'every call returned');
  const fd = results[0];
  t.true(fd >= 3, `open returned fd ${fd}`);
  t.deepEqual(results.slice(1), [
    4900, // SEEK_END −100
    100, // the last 100 bytes
    5010, // SEEK_END +10: past the end is allowed
    0, // and reads nothing
    6000, // SEEK_SET past the end
    0,
    10, // SEEK_CUR −5990
    5,
    15, // SEEK_CUR 0: where the read left it
    -EINVAL, // a negative position
    -EINVAL, // SEEK_END before the start
    -EINVAL, // unknown whence
    15, // the failed seeks did not move it
    0, // close
    -EBADF,
    -EBADF,
  ]);
  t.deepEqual(reads[0], F.slice(4900));
  t.is(reads[1].length, 0);
  t.is(reads[2].length, 0);
  t.deepEqual(reads[3], F.slice(10, 15));
});

test('kernel fs: lseek (eclipse-b): SEEK_END is rejected with −1 and moves nothing; every error is −1; reads start at 0', (t) => {
  // The read bug would stop the run at S-FS-03; here only a hang or a crash may.
  const { results, reads, system } = scripted('eclipse-b', ONE_FILE, LSEEK_SCRIPT, ['L-FS-01', 'MODEL-CRASH']);
  t.is(system.violation, null, describe(system));
  t.is(results.length, LSEEK_SCRIPT.length, 'every call returned');
  t.true(results[0] >= 3);
  t.deepEqual(results.slice(1), [
    -1, // SEEK_END rejected
    4096, // read at fd offset 0: the first block
    -1, // SEEK_END rejected
    4096, // read from offset 0 again (fd offset now 4096)
    6000,
    100, // past the end, yet it returns the file's first 100 bytes
    110, // SEEK_CUR −5990: the read past the end advanced the offset to 6100
    5,
    115,
    -1,
    -1, // SEEK_END
    -1,
    115,
    0,
    -1,
    -1,
  ]);
  t.deepEqual(reads[0], F.slice(0, 4096));
  t.deepEqual(reads[1], F.slice(0, 4096));
  t.deepEqual(reads[2], F.slice(0, 100));
  t.deepEqual(reads[3], F.slice(0, 5));
  // With every check on, the differential read catches it at the second read.
  const all = scripted('eclipse-b', ONE_FILE, LSEEK_SCRIPT);
  t.is(all.system.violation?.check, 'S-FS-03', describe(all.system));
  t.regex(all.system.violation!.message, /read of "\/f" at offset 4096/);
});
