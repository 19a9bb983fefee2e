/**
 * The image writer and the host-side reader are inverses: for random trees, writeImage then
 * HostReader.tree() gives back the same names in the same order, the same file bytes and the same
 * symlink targets, every file reads back by path, and fsck finds nothing.
 */
import test from 'ava';
import fc from 'fast-check';
import { FS_BLOCK_BYTES } from '../../../../model/fs/format.js';
import { fsck } from '../../../../model/fs/host/fsck.js';
import { HostReader } from '../../../../model/fs/host/host-reader.js';
import { ImageWriteError, writeImage } from '../../../../model/fs/host/image-writer.js';
import { dir, file, symlink, type DirNode, type TreeNode } from '../../../../model/fs/host/tree.js';
import { holds } from '../../../helpers/system.js';
import { firstDifference, paths } from '../images.js';

const SAFE = [...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+~ '];
/** UTF-8 of 2, 3 and 4 bytes (the last are surrogate pairs in JavaScript). */
const WIDE = ['é', 'ß', 'Ж', 'ü', 'π', '中', '文', '€', 'ア', '😀', '🐧', '𝄞'];

const name = fc
  .string({ unit: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SAFE) }, { weight: 1, arbitrary: fc.constantFrom(...WIDE) }), minLength: 1, maxLength: 20 })
  .filter((n) => n !== '.' && n !== '..');

const content = fc.oneof(
  { weight: 2, arbitrary: fc.constant(new Uint8Array(0)) },
  { weight: 6, arbitrary: fc.uint8Array({ maxLength: 64 }) },
  { weight: 1, arbitrary: fc.uint8Array({ minLength: 4000, maxLength: 9000 }) },
);

const target = fc.string({ unit: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...SAFE, '/') }, { weight: 1, arbitrary: fc.constantFrom(...WIDE) }), maxLength: 30 });

const leaf: fc.Arbitrary<TreeNode> = fc.oneof({ weight: 4, arbitrary: content.map((c) => file(c)) }, { weight: 1, arbitrary: target.map((t) => symlink(t)) });

/** A directory at `depth` (the root is 0): paths have at most 4 components ("/d1/d2/d3/leaf"). */
function dirAt(depth: number): fc.Arbitrary<DirNode> {
  const child: fc.Arbitrary<TreeNode> = depth >= 3 ? leaf : fc.oneof({ weight: 3, arbitrary: leaf }, { weight: 1, arbitrary: dirAt(depth + 1) });
  return fc.uniqueArray(fc.tuple(name, child), { selector: (e) => e[0], minLength: depth === 0 ? 1 : 0, maxLength: depth === 0 ? 8 : 5 }).map((entries) => dir(entries));
}

const tree = dirAt(0);

function count(n: TreeNode): number {
  return n.type === 'dir' ? 1 + [...n.entries.values()].reduce((a, c) => a + count(c), 0) : 1;
}

test('image writer → host reader: random trees come back unchanged, fsck clean', (t) => {
  holds(
    t,
    fc.property(tree, (root) => {
      const image = writeImage(root);
      if (image.length % FS_BLOCK_BYTES !== 0) throw new Error(`image of ${image.length} bytes is not whole blocks`);
      const reader = new HostReader(image);
      const back = reader.tree();
      const diff = firstDifference(root, back);
      if (diff) throw new Error(`tree differs at ${diff}`);
      const report = fsck(image);
      if (!report.readable || report.findings.length > 0) throw new Error(`fsck: ${report.findings.map((f) => `${f.check}: ${f.message}`).join('; ')}`);
      if (report.inodes !== count(root)) throw new Error(`fsck counted ${report.inodes} inodes, the tree has ${count(root)}`);
      for (const [p, n] of paths(root)) {
        const found = reader.lookup(p);
        if (!found) throw new Error(`lookup(${JSON.stringify(p)}) found nothing`);
        if (n.type !== 'file') continue;
        const whole = reader.read(p, 0, n.content.length + 10);
        if (!whole || Buffer.compare(whole, n.content) !== 0) throw new Error(`read(${JSON.stringify(p)}) differs`);
        const off = Math.floor(n.content.length / 3);
        const part = reader.read(p, off, 4097);
        if (!part || Buffer.compare(part, n.content.subarray(off, off + 4097)) !== 0) throw new Error(`read(${JSON.stringify(p)}, ${off}, 4097) differs`);
      }
      // Deterministic: the same tree gives the same bytes.
      if (Buffer.compare(writeImage(root), image) !== 0) throw new Error('two writes of one tree differ');
    }),
    { numRuns: 2000, includeErrorInReport: true },
  );
});

test('image writer: the example tree reads back by path', (t) => {
  const big = new Uint8Array(9000).map((_, i) => (i * 7) & 0xff);
  const image = writeImage(dir({ 'a.txt': file('hello'), empty: file(''), sub: dir({ 'big.bin': file(big), 'é 中 😀': symlink('../a.txt') }), nothing: dir({}) }));
  const r = new HostReader(image);
  t.is(new TextDecoder().decode(r.read('/a.txt', 0, 100)!), 'hello');
  t.is(r.read('/empty', 0, 100)!.length, 0);
  t.deepEqual(r.read('/sub/big.bin', 4090, 10), big.slice(4090, 4100));
  t.deepEqual(r.read('/sub/big.bin', 8995, 100), big.slice(8995));
  t.is(r.read('/sub/big.bin', 9000, 100)!.length, 0);
  t.is(r.read('/sub', 0, 10), null, 'a directory is not read as a file');
  t.is(r.read('/sub/é 中 😀', 0, 10), null, 'a symlink is not followed');
  t.is(r.lookup('/missing'), null);
  t.is(r.lookup('/a.txt/x'), null, 'a file has no entries');
  t.is(r.lookup('/')!.inode, 1);
  t.deepEqual(fsck(image).findings, []);
});

test('image writer: an empty root is one inode and reads back empty', (t) => {
  const image = writeImage(dir({}));
  t.is(image.length, 2 * FS_BLOCK_BYTES);
  const report = fsck(image);
  t.deepEqual(report.findings, []);
  t.is(report.inodes, 1);
  t.is(firstDifference(new HostReader(image).tree(), dir({})), null);
});

test('image writer: names it cannot write are an ImageWriteError', (t) => {
  for (const bad of ['', '.', '..', 'a/b', 'nul\0', 'x'.repeat(256), 'é'.repeat(128)]) {
    t.throws(() => writeImage(dir({ [bad]: file('') })), { instanceOf: ImageWriteError }, JSON.stringify(bad.slice(0, 10)));
  }
  t.throws(() => writeImage(dir({ ok: dir({ ['y'.repeat(300)]: file('') }) })), { instanceOf: ImageWriteError, message: /must be 1 to 255 bytes/ });
  t.throws(() => writeImage(file('x')), { instanceOf: ImageWriteError, message: /root .* must be a directory/ });
  // 255 bytes is allowed, in UTF-8 bytes, not characters: 85 three-byte characters.
  t.notThrows(() => writeImage(dir({ ['x'.repeat(255)]: file(''), ['中'.repeat(85)]: file('') })));
  t.deepEqual(fsck(writeImage(dir({ ['x'.repeat(255)]: file('') }))).findings, []);
});
