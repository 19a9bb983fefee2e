/**
 * The host-side parser, fsck and reader never throw, whatever the image: ≥ 10,000 mutants of
 * well-formed images per run (bit flips, byte writes, u32 edits aimed at header, table, record,
 * TLV and directory-entry fields, truncations, appended garbage), each fed to parseImage, fsck and
 * HostReader (lookup, read, tree). Beyond not throwing, the answers must agree with one another,
 * and an image fsck calls clean must hold a tree the writer can write back.
 */
import test from 'ava';
import fc from 'fast-check';
import { fsck, type FsckReport } from '../../../model/fs/host/fsck.js';
import { parseImage } from '../../../model/fs/host/host-image.js';
import { HostReader } from '../../../model/fs/host/host-reader.js';
import { ImageWriteError, writeImage } from '../../../model/fs/host/image-writer.js';
import { NODE_DIRECTORY, NODE_FILE } from '../../../model/fs/format.js';
import { dir, file, symlink, type TreeNode } from '../../../model/fs/host/tree.js';
import { holds } from '../../helpers/system.js';
import { applyInPlace, fieldOffsets, firstDifference, inPlaceArms, layout, paths, rawImage, type InPlaceMutation } from './images.js';

const BIG = new Uint8Array(4500).map((_, i) => (i * 13 + 5) & 0xff);

const TREES: TreeNode[] = [
  dir({
    'hello.txt': file('hello, world'),
    a: dir({ b: dir({ 'deep.txt': file('deep'), 'é中😀': symlink('../../hello.txt') }), 'big.bin': file(BIG), 'e': file('') }),
    link: symlink('a/b/deep.txt'),
    empty: dir({}),
  }),
  dir({}),
  dir({ only: file('x') }),
  dir({ d1: dir({ d2: dir({ d3: dir({ f: file('bottom') }) }) }), s: symlink('') }),
  dir(Array.from({ length: 12 }, (_, i): [string, TreeNode] => [`f${i}`, i % 3 === 0 ? dir({}) : file('y'.repeat(i * 40))])),
];

interface Base {
  image: Uint8Array;
  fields: number[];
  /** Where the table and the records are (for aimed bit flips). */
  tableStart: number;
  recordsStart: number;
  recordsEnd: number;
  paths: string[];
}

function base(image: Uint8Array, tree: TreeNode | null): Base {
  const l = layout(image);
  const recordsEnd = Math.max(...l.records.slice(1).map((r) => r + new DataView(image.buffer).getUint32(r + 4, true)));
  return {
    image,
    fields: fieldOffsets(image),
    tableStart: l.tableOffset,
    recordsStart: l.tableOffset + l.total * 8,
    recordsEnd,
    paths: tree ? paths(tree).map(([p]) => p) : [],
  };
}

const BASES: Base[] = [
  ...TREES.map((t) => base(writeImage(t), t)),
  // Shapes the writer cannot make: a shared directory and a cycle.
  base(rawImage([{ type: NODE_DIRECTORY, nlink: 1, entries: [['x', 2], ['y', 2]] }, { type: NODE_DIRECTORY, nlink: 2, entries: [['f', 3]] }, { type: NODE_FILE, nlink: 1, content: Uint8Array.of(1, 2) }]), null),
  base(rawImage([{ type: NODE_DIRECTORY, nlink: 2, entries: [['a', 2]] }, { type: NODE_DIRECTORY, nlink: 1, entries: [['up', 1]] }]), null),
];

const EXTRA_PATHS = ['/', '', '//', '/../x', '/.', '/hello.txt/', '/a//b', '/a/b/deep.txt/x', '/nope', '/d1/d2/d3/f', '/x/f', '/y/f', '/a/up/a/up'];

type Mutation = InPlaceMutation | { kind: 'truncate'; at: number } | { kind: 'append'; bytes: Uint8Array };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  ...inPlaceArms(5),
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('append' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 64 }) }) },
);

function mutate(b: Base, muts: Mutation[]): Uint8Array {
  let img = b.image.slice();
  for (const m of muts) {
    if (img.length === 0 && m.kind !== 'append') continue;
    switch (m.kind) {
      case 'flip':
      case 'byte':
      case 'field':
        applyInPlace(img, b, m);
        break;
      case 'truncate':
        // Mostly near the end (a torn tail), sometimes anywhere.
        img = img.slice(0, m.at % 2 ? img.length - 1 - (m.at % 64) : m.at % (img.length + 1));
        break;
      case 'append': {
        const out = new Uint8Array(img.length + m.bytes.length);
        out.set(img);
        out.set(m.bytes, img.length);
        img = out;
        break;
      }
    }
  }
  return img;
}

/** The same bytes at a non-zero byteOffset inside a larger buffer (DataView offsets must be honoured). */
function offsetCopy(img: Uint8Array): Uint8Array {
  const buf = new Uint8Array(img.length + 11).fill(0xa5);
  buf.set(img, 5);
  return buf.subarray(5, 5 + img.length);
}

const oneLineFindings = (r: FsckReport) => r.findings.every((f) => (f.check === 'S-FS-01' || f.check === 'S-FS-02') && f.message.length > 0 && !f.message.includes('\n'));

function hasOddName(t: TreeNode): boolean {
  return paths(t).some(([p]) => p.includes('\0') || p.includes('\ufffd'));
}

let seen = 0;
const stats = { unreadable: 0, damaged: 0, clean: 0 };

function check(img: Uint8Array, b: Base): void {
  seen++;
  const parsed = parseImage(img);
  const report = fsck(img);
  if (report.readable !== parsed.headerOk) throw new Error('fsck.readable disagrees with parseImage.headerOk');
  if (!oneLineFindings(report)) throw new Error(`a finding is not one line under S-FS-01/02: ${JSON.stringify(report.findings)}`);
  if (!report.readable) {
    stats.unreadable++;
    if (report.findings.length !== 1 || report.findings[0].check !== 'S-FS-01') throw new Error(`unreadable with findings ${JSON.stringify(report.findings)}`);
  } else if (report.findings.length > 0) stats.damaged++;
  else stats.clean++;
  const shifted = fsck(offsetCopy(img));
  if (JSON.stringify(shifted.findings) !== JSON.stringify(report.findings)) throw new Error('fsck of the same bytes at another byteOffset differs');

  const reader = new HostReader(img);
  const tree = reader.tree();
  if ((tree === null) !== (!parsed.headerOk || !parsed.nodes[1])) throw new Error('tree() is null exactly when there is no readable root');
  for (const p of [...b.paths, ...EXTRA_PATHS]) {
    const n = reader.lookup(p);
    const r1 = reader.read(p, 0, 1 << 20);
    reader.read(p, 4095, 3);
    reader.read(p, 2 ** 40, 10);
    if ((r1 !== null) !== (n !== null && n.type === NODE_FILE)) throw new Error(`read(${p}) and lookup(${p}) disagree`);
  }
  // An image fsck calls clean holds a tree: the writer writes it back, and it reads back the same.
  if (report.readable && report.findings.length === 0 && tree) {
    let again: Uint8Array;
    try {
      again = writeImage(tree);
    } catch (e) {
      if (e instanceof ImageWriteError && hasOddName(tree)) return;
      throw e;
    }
    const diff = firstDifference(new HostReader(again).tree(), tree);
    if (diff) throw new Error(`a clean image's tree does not survive a rewrite: ${diff}`);
    if (fsck(again).findings.length > 0) throw new Error('a clean tree rewritten is not clean');
  }
}

test('host parser, fsck and reader never throw on ≥ 10,000 mutated images', (t) => {
  const started = seen;
  holds(
    t,
    fc.property(fc.integer({ min: 0, max: BASES.length - 1 }), fc.array(mutation, { minLength: 1, maxLength: 4 }), (i, muts) => {
      check(mutate(BASES[i], muts), BASES[i]);
    }),
    { numRuns: 30_000, includeErrorInReport: true },
  );
  t.true(seen - started >= 10_000, `${seen - started} images`);
  // The mutants reach all three outcomes (else the fuzzer is not aimed where it should be).
  t.true(stats.unreadable > 100 && stats.damaged > 1000 && stats.clean > 100, JSON.stringify(stats));
  t.log(`${seen - started} images: ${JSON.stringify(stats)}`);
});

test('host parser, fsck and reader never throw on random bytes and on ECLIPSEFS-headed noise', (t) => {
  const magic = new TextEncoder().encode('ECLIPSEFS');
  holds(
    t,
    fc.property(fc.uint8Array({ maxLength: 200 }), fc.boolean(), fc.integer({ min: 1, max: 12 }), (bytes, headed, inodes) => {
      let img = bytes;
      if (headed) {
        // A valid header over noise: the table and records are garbage.
        img = new Uint8Array(4096 + inodes * 8 + bytes.length);
        const v = new DataView(img.buffer);
        img.set(magic);
        v.setUint32(9, 0x0002_0000, true);
        v.setBigUint64(13, 4096n, true);
        v.setBigUint64(21, BigInt(inodes * 8), true);
        v.setUint32(29, inodes, true);
        img.set(bytes, 4096);
        for (let n = 1; n <= inodes; n++) v.setUint32(4096 + (n - 1) * 8, n, true);
      }
      check(img, BASES[0]);
    }),
    { numRuns: 2000, includeErrorInReport: true },
  );
});
