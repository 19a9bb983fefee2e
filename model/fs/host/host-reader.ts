/**
 * The host-side reader: an image → the file tree it holds, by path. The oracle the kernel path is
 * compared with (S-FS-03), and the inverse of the image writer (a property test checks both agree).
 */
import { NODE_DIRECTORY, NODE_FILE, NODE_SYMLINK, ROOT_INODE } from '../format.js';
import { parseImage, type ParsedImage, type ParsedNode } from './host-image.js';
import type { TreeNode } from './tree.js';

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder();

export class HostReader {
  readonly parsed: ParsedImage;

  constructor(image: Uint8Array) {
    this.parsed = parseImage(image);
  }

  /** The node at `path` ("/a/b"), or null. Follows no symlinks. */
  lookup(path: string): ParsedNode | null {
    const p = this.parsed;
    if (!p.headerOk || typeof path !== 'string') return null;
    let node = p.nodes[ROOT_INODE] ?? null;
    const seen = new Set<number>();
    for (const part of path.split('/')) {
      if (part === '') continue;
      if (!node || node.type !== NODE_DIRECTORY || seen.has(node.inode)) return null;
      seen.add(node.inode);
      const e = node.entries?.find((x) => x.name === part);
      if (!e) return null;
      node = p.nodes[e.inode] ?? null;
    }
    return node;
  }

  /** `length` bytes of the file at `path` from `offset` (clipped to its size), or null. */
  read(path: string, offset: number, length: number): Uint8Array | null {
    const n = this.lookup(path);
    if (!n || n.type !== NODE_FILE) return null;
    const c = n.content ?? EMPTY;
    return c.slice(Math.min(offset, c.length), Math.min(offset + length, c.length));
  }

  /** Like `read`, for the file with inode number `inode` (a process's open file), or null. */
  readInode(inode: number, offset: number, length: number): Uint8Array | null {
    const n = this.parsed.headerOk ? this.parsed.nodes[inode] : undefined;
    if (!n || n.type !== NODE_FILE) return null;
    const c = n.content ?? EMPTY;
    return c.slice(Math.min(offset, c.length), Math.min(offset + length, c.length));
  }

  /**
   * The whole tree (cycles and unreachable nodes are fsck's business; an entry leading back to a
   * directory on the current path is left out). Each inode is built once: an inode named by several
   * entries (a hard link, a shared directory) appears as one shared object, so the walk is linear in
   * the image even when sharing would make the expanded tree exponential; and it is iterative, so a
   * deep chain of directories cannot exhaust the stack.
   */
  tree(): TreeNode | null {
    const p = this.parsed;
    if (!p.headerOk || !p.nodes[ROOT_INODE]) return null;
    const built = new Map<number, TreeNode>();
    const onPath = new Set<number>();
    const make = (n: ParsedNode): TreeNode => {
      const t: TreeNode =
        n.type === NODE_FILE
          ? { type: 'file', content: (n.content ?? EMPTY).slice() }
          : n.type === NODE_SYMLINK
            ? { type: 'symlink', target: utf8.decode(n.content ?? EMPTY) }
            : { type: 'dir', entries: new Map() };
      built.set(n.inode, t);
      return t;
    };
    const root = make(p.nodes[ROOT_INODE]!);
    const stack: Array<{ n: ParsedNode; t: TreeNode; next: number }> = [{ n: p.nodes[ROOT_INODE]!, t: root, next: 0 }];
    onPath.add(ROOT_INODE);
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const entries = top.t.type === 'dir' ? (top.n.entries ?? []) : [];
      if (top.next >= entries.length) {
        onPath.delete(top.n.inode);
        stack.pop();
        continue;
      }
      const e = entries[top.next++];
      const child = p.nodes[e.inode];
      if (!child || onPath.has(e.inode) || top.t.type !== 'dir') continue;
      const done = built.get(e.inode);
      if (done) {
        top.t.entries.set(e.name, done);
        continue;
      }
      const t = make(child);
      top.t.entries.set(e.name, t);
      if (t.type === 'dir') {
        onPath.add(e.inode);
        stack.push({ n: child, t, next: 0 });
      }
    }
    return root;
  }
}
