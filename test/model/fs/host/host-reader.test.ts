/**
 * The host-side reader on images the tree writer cannot make: shared (hard-linked) directories,
 * very deep directory chains and cycles. tree() must return promptly in every case: once per inode,
 * without recursion.
 */
import test from 'ava';
import { NODE_DIRECTORY, NODE_FILE } from '../../../../model/fs/format.js';
import { fsck } from '../../../../model/fs/host/fsck.js';
import { HostReader } from '../../../../model/fs/host/host-reader.js';
import type { TreeNode } from '../../../../model/fs/host/tree.js';
import { rawImage, type RawNode } from '../images.js';

test('host reader: a chain of shared directories (exponential when expanded) is walked once per inode', (t) => {
  // Directory i names directory i+1 twice, as "x" and "y": 2^40 paths reach the file at the bottom.
  const depth = 40;
  const nodes: RawNode[] = [];
  for (let i = 1; i <= depth; i++) nodes.push({ type: NODE_DIRECTORY, nlink: i === 1 ? 1 : 2, entries: [['x', i + 1], ['y', i + 1]] });
  nodes.push({ type: NODE_FILE, nlink: 2, content: Uint8Array.of(42) });
  const image = rawImage(nodes);
  t.deepEqual(fsck(image).findings, [], 'shared directories are not a defect of S-FS-02');
  const r = new HostReader(image);
  const root = r.tree()!;
  t.is(root.type, 'dir');
  let n: TreeNode = root;
  for (let i = 0; i < depth; i++) {
    if (n.type !== 'dir') return t.fail(`level ${i} is a ${n.type}`);
    t.is(n.entries.get('x'), n.entries.get('y'), 'one object for the shared directory');
    n = n.entries.get(i % 2 ? 'x' : 'y')!;
  }
  t.deepEqual(n, { type: 'file', content: Uint8Array.of(42) });
  t.deepEqual(r.read(`/${'x/y/'.repeat(depth / 2)}`.slice(0, -1), 0, 10), Uint8Array.of(42));
});

test('host reader: a 20,000-deep directory chain does not exhaust the stack', (t) => {
  const depth = 20_000;
  const nodes: RawNode[] = [];
  for (let i = 1; i <= depth; i++) nodes.push({ type: NODE_DIRECTORY, nlink: 1, entries: [['d', i + 1]] });
  nodes.push({ type: NODE_FILE, nlink: 1, content: Uint8Array.of(7) });
  const image = rawImage(nodes);
  t.deepEqual(fsck(image).findings, []);
  const r = new HostReader(image);
  let n: TreeNode | null = null;
  t.notThrows(() => {
    n = r.tree();
  });
  let levels = 0;
  while (n && (n as TreeNode).type === 'dir') {
    n = (n as TreeNode & { type: 'dir' }).entries.get('d') ?? null;
    levels++;
  }
  t.is(levels, depth);
  t.deepEqual(n, { type: 'file', content: Uint8Array.of(7) });
  t.deepEqual(r.read('/d'.repeat(depth), 0, 1), Uint8Array.of(7));
});

test('host reader: cycles end the walk and the lookups', (t) => {
  // 1 → a(2) → b(3) → back(2), and b → up(1).
  const image = rawImage([
    { type: NODE_DIRECTORY, nlink: 2, entries: [['a', 2]] },
    { type: NODE_DIRECTORY, nlink: 2, entries: [['b', 3]] },
    { type: NODE_DIRECTORY, nlink: 1, entries: [['back', 2], ['up', 1], ['f', 4]] },
    { type: NODE_FILE, nlink: 1, content: Uint8Array.of(1, 2, 3) },
  ]);
  t.true(fsck(image).findings.some((f) => f.message.startsWith('directory cycle:')));
  const r = new HostReader(image);
  const tree = r.tree()!;
  t.is(tree.type, 'dir');
  const b = ((tree as TreeNode & { type: 'dir' }).entries.get('a') as TreeNode & { type: 'dir' }).entries.get('b') as TreeNode & { type: 'dir' };
  t.deepEqual([...b.entries.keys()], ['f'], 'entries leading back onto the path are left out');
  t.deepEqual(r.read('/a/b/f', 0, 10), Uint8Array.of(1, 2, 3));
  t.is(r.lookup('/a/b/back/b/f'), null, 'a lookup that goes round a cycle finds nothing');
  t.is(r.lookup('/a/b/up/a'), null);
});
