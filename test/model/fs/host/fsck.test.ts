/**
 * fsck on hand-corrupted images: each defect of S-FS-01 (header) and S-FS-02 (structure) is found,
 * under the right check id, with a message naming the inode and the field. Where the defect has
 * knock-on effects (an entry renamed away leaves its old target unreachable), the whole list of
 * findings is pinned, so a change in what fsck reports is a visible test change.
 */
import test from 'ava';
import { HDR_TABLE_OFFSET, HDR_TABLE_SIZE, HDR_TOTAL_INODES, HDR_VERSION, NODE_DIRECTORY, NODE_FILE, TAG_CONTENT, TAG_NLINK, TAG_NODE_TYPE, TAG_SIZE } from '../../../../model/fs/format.js';
import { fsck, type FsckReport } from '../../../../model/fs/host/fsck.js';
import { HostReader } from '../../../../model/fs/host/host-reader.js';
import { writeImage } from '../../../../model/fs/host/image-writer.js';
import { dir, file, symlink } from '../../../../model/fs/host/tree.js';
import { direntOf, getU32, layout, rawImage, setU32, setU64, tlvOf } from '../images.js';

const BIG = new Uint8Array(5000).map((_, i) => (i * 31) & 0xff);
const BASE = writeImage(
  dir({
    'hello.txt': file('hello, world'),
    a: dir({ b: dir({ 'deep.txt': file('deep') }), 'big.bin': file(BIG) }),
    link: symlink('a/b/deep.txt'),
    empty: dir({}),
  }),
);
const L = layout(BASE);
const reader = new HostReader(BASE);
const ino = (path: string): number => reader.lookup(path)!.inode;
const HELLO = ino('/hello.txt');
const A = ino('/a');
const B = ino('/a/b');
const DEEP = ino('/a/b/deep.txt');
const LINK = ino('/link');
const RECORDS_BASE = L.tableOffset + L.total * 8;

/** A copy of the base image with `edit` applied. */
function corrupt(edit: (img: Uint8Array) => void): Uint8Array {
  const img = BASE.slice();
  edit(img);
  return img;
}

const messages = (r: FsckReport, check?: string) => r.findings.filter((f) => !check || f.check === check).map((f) => f.message);

test('fsck: the base image is clean', (t) => {
  const r = fsck(BASE);
  t.true(r.readable);
  t.deepEqual(r.findings, []);
  t.is(r.inodes, 8);
  t.deepEqual([HELLO, A, LINK, B, DEEP], [2, 3, 4, 6, 8], 'breadth-first numbering (image-writer.ts)');
});

// ---- S-FS-01: the header ----

/** An unusable header: not readable, exactly one S-FS-01 finding, nothing else checked. */
function unusable(t: import('ava').ExecutionContext, img: Uint8Array, fragment: string): void {
  const r = fsck(img);
  t.false(r.readable);
  t.is(r.inodes, 0);
  t.is(r.findings.length, 1, messages(r).join('; '));
  t.is(r.findings[0].check, 'S-FS-01');
  t.true(r.findings[0].message.includes(fragment), r.findings[0].message);
  t.is(new HostReader(img).tree(), null);
  t.is(new HostReader(img).lookup('/hello.txt'), null);
}

test('fsck S-FS-01: bad magic', (t) => {
  unusable(t, corrupt((img) => (img[0] = 'e'.charCodeAt(0))), 'bad magic: the image does not start with "ECLIPSEFS"');
  unusable(t, corrupt((img) => (img[8] = 0)), 'bad magic');
});

test('fsck S-FS-01: bad version', (t) => {
  unusable(t, corrupt((img) => setU32(img, HDR_VERSION, 0x0001_0000)), 'unsupported version 1.0 (0x00010000); only 2.0 is supported');
  unusable(t, corrupt((img) => setU32(img, HDR_VERSION, 0x0002_0001)), 'unsupported version 2.1 (0x00020001)');
  unusable(t, corrupt((img) => setU32(img, HDR_VERSION, 0x0000_0200)), 'unsupported version 0.512');
});

test('fsck S-FS-01: total inodes 0', (t) => {
  unusable(
    t,
    corrupt((img) => setU32(img, HDR_TOTAL_INODES, 0)),
    'total inodes is 0',
  );
});

test('fsck S-FS-01: inode table size not total inodes × 8', (t) => {
  unusable(t, corrupt((img) => setU64(img, HDR_TABLE_SIZE, BigInt(L.total * 8 + 8))), `inode table size ${L.total * 8 + 8} is not total inodes × 8 = ${L.total * 8}`);
  unusable(t, corrupt((img) => setU32(img, HDR_TOTAL_INODES, L.total + 1)), `inode table size ${L.total * 8} is not total inodes × 8 = ${(L.total + 1) * 8}`);
});

test('fsck S-FS-01: inode table outside the image, a truncated header, an absurd inode count', (t) => {
  unusable(t, corrupt((img) => setU64(img, HDR_TABLE_OFFSET, BigInt(BASE.length))), `inode table [${BASE.length}, ${BASE.length + L.total * 8}) lies outside the ${BASE.length}-byte image`);
  unusable(t, corrupt((img) => setU64(img, HDR_TABLE_OFFSET, 0n)), 'inode table [0, ');
  unusable(t, corrupt((img) => setU64(img, HDR_TABLE_OFFSET, 0xffff_ffff_ffff_ffffn)), 'lies outside the');
  unusable(t, BASE.slice(0, 20), 'the image is 20 bytes, shorter than the 33-byte header');
  unusable(t, new Uint8Array(0), 'the image is 0 bytes');
  unusable(
    t,
    corrupt((img) => {
      setU32(img, HDR_TOTAL_INODES, 0xffff_ffff);
      setU64(img, HDR_TABLE_SIZE, 0xffff_ffffn * 8n);
    }),
    'total inodes 4294967295 is beyond what this tool reads',
  );
});

// ---- S-FS-02: structure ----

test('fsck S-FS-02: a table entry pointing outside the image', (t) => {
  const r = fsck(corrupt((img) => setU32(img, L.tableOffset + (HELLO - 1) * 8 + 4, 0xffff_ff00)));
  t.true(r.readable);
  t.deepEqual(r.findings, [
    { check: 'S-FS-02', message: `inode ${HELLO}: record at offset ${RECORDS_BASE + 0xffff_ff00} lies past the end of the ${BASE.length}-byte image` },
  ]);
});

test('fsck S-FS-02: a record size running past the end of the image', (t) => {
  const r = fsck(corrupt((img) => setU32(img, L.records[HELLO] + 4, 1 << 20)));
  t.deepEqual(messages(r), [`inode ${HELLO}: record size 1048576 runs past the end of the image (offset ${L.records[HELLO]}, image ${BASE.length} bytes)`]);
  t.is(r.findings[0].check, 'S-FS-02');
});

test('fsck S-FS-02: a record shorter than its TLVs', (t) => {
  const size = getU32(BASE, L.records[HELLO] + 4);
  // One byte short: the last TLV (CONTENT) runs out of the record; the file then has no content.
  let r = fsck(corrupt((img) => setU32(img, L.records[HELLO] + 4, size - 1)));
  t.deepEqual(messages(r), [`inode ${HELLO}: TLV 0x000a of 12 bytes runs past the end of its record`, `inode ${HELLO}: SIZE 12 but CONTENT holds 0 bytes`]);
  t.true(r.findings.every((f) => f.check === 'S-FS-02'));
  // Cut inside the last TLV's header.
  const content = tlvOf(L, HELLO, TAG_CONTENT);
  r = fsck(corrupt((img) => setU32(img, L.records[HELLO] + 4, content.header - L.records[HELLO] + 3)));
  t.is(messages(r)[0], `inode ${HELLO}: a TLV header at offset ${content.header} runs past the end of its record`);
  // A TLV length beyond the record.
  r = fsck(corrupt((img) => setU32(img, tlvOf(L, DEEP, TAG_SIZE).header + 2, 0x1_0000)));
  t.is(messages(r)[0], `inode ${DEEP}: TLV 0x0005 of 65536 bytes runs past the end of its record`);
});

test('fsck S-FS-02: a record smaller than its header, or naming another inode', (t) => {
  let r = fsck(corrupt((img) => setU32(img, L.records[HELLO] + 4, 7)));
  t.deepEqual(messages(r), [`inode ${HELLO}: record size 7 is smaller than its 8-byte header`]);
  r = fsck(corrupt((img) => setU32(img, L.records[HELLO], 77)));
  t.deepEqual(messages(r), [`inode ${HELLO}: the record at offset ${L.records[HELLO]} says it is inode 77`]);
});

test('fsck S-FS-02: an inode table that is not sorted and dense', (t) => {
  const r = fsck(corrupt((img) => setU32(img, L.tableOffset + (HELLO - 1) * 8, 5)));
  t.is(messages(r)[0], `inode table entry ${HELLO - 1} names inode 5; the table must be sorted and dense from 1`);
});

test('fsck S-FS-02: a directory entry naming a missing inode', (t) => {
  const r = fsck(corrupt((img) => setU32(img, direntOf(L, 1, 'hello.txt').header + 4, 99)));
  t.deepEqual(messages(r), [
    `inode 1: entry "hello.txt" names inode 99, which does not exist (1..${L.total})`,
    `inode ${HELLO} is not reachable from the root`,
    `inode ${HELLO}: NLINK 1 but 0 entries name it`,
  ]);
  t.true(r.findings.every((f) => f.check === 'S-FS-02'));
  const zero = fsck(corrupt((img) => setU32(img, direntOf(L, 1, 'hello.txt').header + 4, 0)));
  t.true(messages(zero)[0].includes('names inode 0, which does not exist'));
});

test('fsck S-FS-02: a directory cycle', (t) => {
  // a/b/deep.txt is made to name a: a → b → a.
  const r = fsck(corrupt((img) => setU32(img, direntOf(L, B, 'deep.txt').header + 4, A)));
  t.deepEqual(messages(r), [
    `directory cycle: inode ${B} entry "deep.txt" leads back to inode ${A}`,
    `inode ${A}: NLINK 1 but 2 entries name it`,
    `inode ${DEEP} is not reachable from the root`,
    `inode ${DEEP}: NLINK 1 but 0 entries name it`,
  ]);
  // The reader still returns (the cycle stops its walk), and lookups through it end.
  const rd = new HostReader(corrupt((img) => setU32(img, direntOf(L, B, 'deep.txt').header + 4, A)));
  t.not(rd.tree(), null);
  t.is(rd.lookup('/a/b/deep.txt/b/deep.txt')?.inode ?? null, null);
});

test('fsck S-FS-02: cycles through the root and self-loops (raw images)', (t) => {
  // 1 → a(2) → back(1): the root named by an entry; NLINK 1 is right for it then.
  let r = fsck(rawImage([{ type: NODE_DIRECTORY, nlink: 1, entries: [['a', 2]] }, { type: NODE_DIRECTORY, nlink: 1, entries: [['back', 1]] }]));
  t.deepEqual(messages(r), ['directory cycle: inode 2 entry "back" leads back to inode 1']);
  r = fsck(rawImage([{ type: NODE_DIRECTORY, nlink: 1, entries: [['a', 2]] }, { type: NODE_DIRECTORY, nlink: 2, entries: [['self', 2]] }]));
  t.deepEqual(messages(r), ['directory cycle: inode 2 entry "self" leads back to inode 2']);
  // A shared (hard-linked) directory is not a cycle.
  r = fsck(rawImage([{ type: NODE_DIRECTORY, nlink: 1, entries: [['x', 2], ['y', 2]] }, { type: NODE_DIRECTORY, nlink: 2 }]));
  t.deepEqual(messages(r), []);
});

test('fsck S-FS-02: an unreachable inode', (t) => {
  // The root's "hello.txt" is made to name the symlink: hello.txt's inode is left unnamed.
  const r = fsck(corrupt((img) => setU32(img, direntOf(L, 1, 'hello.txt').header + 4, LINK)));
  t.deepEqual(messages(r), [`inode ${HELLO} is not reachable from the root`, `inode ${HELLO}: NLINK 1 but 0 entries name it`, `inode ${LINK}: NLINK 1 but 2 entries name it`]);
  // Exactly one finding: an island inode with NLINK 0, and an unreachable two-directory cycle.
  t.deepEqual(messages(fsck(rawImage([{ type: NODE_DIRECTORY, nlink: 1 }, { type: NODE_FILE, nlink: 0, content: Uint8Array.of(1) }]))), ['inode 2 is not reachable from the root']);
  t.deepEqual(
    messages(fsck(rawImage([{ type: NODE_DIRECTORY, nlink: 1 }, { type: NODE_DIRECTORY, nlink: 1, entries: [['p', 3]] }, { type: NODE_DIRECTORY, nlink: 1, entries: [['q', 2]] }]))),
    ['inode 2 is not reachable from the root', 'inode 3 is not reachable from the root'],
  );
});

test('fsck S-FS-02: a wrong NLINK', (t) => {
  const r = fsck(corrupt((img) => setU32(img, tlvOf(L, DEEP, TAG_NLINK).value, 3)));
  t.deepEqual(r.findings, [{ check: 'S-FS-02', message: `inode ${DEEP}: NLINK 3 but 1 entry names it` }]);
  const root = fsck(corrupt((img) => setU32(img, tlvOf(L, 1, TAG_NLINK).value, 2)));
  t.deepEqual(messages(root), ['inode 1: NLINK 2 but 0 entries name it']);
  // An unknown tag is skipped: the record then has no NLINK.
  const none = fsck(corrupt((img) => img.set([0x77, 0x77], tlvOf(L, DEEP, TAG_NLINK).header)));
  t.deepEqual(messages(none), [`inode ${DEEP}: no NLINK`]);
});

test('fsck S-FS-02: SIZE not matching CONTENT', (t) => {
  const r = fsck(corrupt((img) => setU64(img, tlvOf(L, HELLO, TAG_SIZE).value, 5n)));
  t.deepEqual(r.findings, [{ check: 'S-FS-02', message: `inode ${HELLO}: SIZE 5 but CONTENT holds 12 bytes` }]);
  const link = fsck(corrupt((img) => setU64(img, tlvOf(L, LINK, TAG_SIZE).value, 0n)));
  t.deepEqual(messages(link), [`inode ${LINK}: SIZE 0 but CONTENT holds 12 bytes`]);
});

test('fsck S-FS-02: node types, entry names and the root', (t) => {
  t.deepEqual(messages(fsck(corrupt((img) => (img[tlvOf(L, HELLO, TAG_NODE_TYPE).value] = 9)))), [`inode ${HELLO}: unknown node type 9`]);
  t.deepEqual(messages(fsck(corrupt((img) => img.set([0x77, 0x77], tlvOf(L, HELLO, TAG_NODE_TYPE).header)))), [`inode ${HELLO}: no NODE_TYPE`]);
  t.deepEqual(messages(fsck(rawImage([{ type: NODE_DIRECTORY, nlink: 1, entries: [['f', 2]] }, { nlink: 1, size: 0 }]))), ['inode 2: no NODE_TYPE']);
  // The root made a file: nothing else is reachable then.
  const rootFile = messages(fsck(corrupt((img) => (img[tlvOf(L, 1, TAG_NODE_TYPE).value] = NODE_FILE))));
  for (const m of ['inode 1: a file with DIRECTORY_ENTRIES', 'the root inode 1 is a file, not a directory', `inode ${HELLO} is not reachable from the root`, `inode ${DEEP} is not reachable from the root`]) {
    t.true(rootFile.includes(m), m);
  }
  const names = rawImage([
    { type: NODE_DIRECTORY, nlink: 1, entries: [['..', 2], ['.', 3], ['a/b', 4]] },
    { type: NODE_FILE, nlink: 1 },
    { type: NODE_FILE, nlink: 1 },
    { type: NODE_FILE, nlink: 1 },
  ]);
  t.deepEqual(messages(fsck(names)), ['inode 1: entry name ".." is not allowed', 'inode 1: entry name "." is not allowed', 'inode 1: entry name "a/b" is not allowed']);
  const twin = rawImage([{ type: NODE_DIRECTORY, nlink: 1, entries: [['x', 2], ['x', 3]] }, { type: NODE_FILE, nlink: 1 }, { type: NODE_FILE, nlink: 1 }]);
  t.deepEqual(messages(fsck(twin)), ['inode 1: two entries are named "x"']);
});

test('fsck: names in findings are quoted and escaped, so a finding stays on one line', (t) => {
  const img = rawImage([
    { type: NODE_DIRECTORY, nlink: 1, entries: [['evil\nS-FS-01: forged', 9], ['q"uote', 2], ['q"uote', 2], ['\u001b[31mred', 3]] },
    { type: NODE_FILE, nlink: 2 },
    { type: NODE_DIRECTORY, nlink: 1, entries: [['up\\', 1]] },
  ]);
  const m = messages(fsck(img));
  t.deepEqual(m, [
    'inode 1: entry "evil\\nS-FS-01: forged" names inode 9, which does not exist (1..3)',
    'inode 1: two entries are named "q\\"uote"',
    'directory cycle: inode 3 entry "up\\\\" leads back to inode 1',
  ]);
  t.true(m.every((x) => !/[\u0000-\u001f]/.test(x)));
  // A plain name reads as before: "hello.txt".
  t.true(messages(fsck(corrupt((img2) => setU32(img2, direntOf(L, 1, 'hello.txt').header + 4, 99))))[0].includes('entry "hello.txt" names inode 99'));
});
