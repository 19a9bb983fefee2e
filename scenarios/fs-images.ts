/**
 * Built-in EclipseFS images for the file-system scenarios, made by the host-side image writer
 * from trees described here. Contents are deterministic byte patterns, so any misread is visible.
 */
import { fmix, Hasher64 } from '../sim/hash.js';
import { writeImage } from '../model/fs/host/image-writer.js';
import { HostReader } from '../model/fs/host/host-reader.js';
import { NODE_FILE } from '../model/fs/format.js';
import { dir, file, symlink, type TreeNode } from '../model/fs/host/tree.js';
import type { FsFileList } from '../model/workload/fs-client.js';
import { PROC_IMAGES } from './proc-images.js';

function bytes(seed: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  let x = fmix(seed * 0x9e3779b1 + 17) | 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Files of many sizes (empty, tiny, across block boundaries, several blocks), nested directories. */
function sampleTree(): TreeNode {
  return dir({
    etc: dir({ hosts: file('127.0.0.1 localhost\n::1 localhost\n'), motd: file('Welcome to Eclipse OS\n'), empty: file('') }),
    bin: dir({ sh: file(bytes(1, 3000)), ls: file(bytes(2, 5200)), cat: file(bytes(3, 700)) }),
    docs: dir({ guide: dir({ intro: file(bytes(4, 9000)) }), readme: file(bytes(5, 4096)) }),
    data: dir({ log: file(bytes(6, 6000)), table: file(bytes(7, 2500)), state: file(bytes(8, 4500)) }),
    tmp: dir({}),
    link: symlink('/etc/hosts'),
  });
}

/**
 * Two small files, one in a subdirectory: the whole image is two blocks (header; table, records
 * and contents), small enough to explore every interleaving of two clients.
 */
function smallTree(): TreeNode {
  return dir({ a: file(bytes(11, 300)), d: dir({ b: file(bytes(12, 200)) }) });
}

const BUILT_IN: Record<string, () => TreeNode> = { sample: sampleTree, small: smallTree, ...PROC_IMAGES };

const cache = new Map<string, Uint8Array>();

/**
 * The bytes of a built-in image (made once per process). An image may have a variant for a
 * profile, named "<name>@<profile>": the disk that kernel was shipped with (eclipse-b's carries its
 * own /sbin/init).
 */
export function builtInImage(name: string, profile?: string): Uint8Array | undefined {
  const key = profile !== undefined && BUILT_IN[`${name}@${profile}`] ? `${name}@${profile}` : name;
  const make = BUILT_IN[key];
  if (!make) return undefined;
  let img = cache.get(key);
  if (!img) {
    img = writeImage(make());
    cache.set(key, img);
  }
  return img;
}

/** A 64-bit content hash of an image (16 hex digits), recorded in replay files. */
export function imageHash(bytes: Uint8Array): string {
  const h = new Hasher64();
  h.bytes(bytes, 0, bytes.length);
  return h.hex();
}

/**
 * The regular files of an image, sorted by path, for a workload: writable are those under
 * /data (or, with no /data, none). Files below a name that is not UTF-8 are left out.
 */
export function fileList(image: Uint8Array): FsFileList {
  const r = new HostReader(image);
  const paths: string[] = [];
  const sizes: number[] = [];
  const walk = (node: number, prefix: string, seen: Set<number>) => {
    const n = r.parsed.nodes[node];
    if (!n) return;
    for (const e of n.entries ?? []) {
      const child = r.parsed.nodes[e.inode];
      // Paths are strings: a name that is not UTF-8 (fsck reports it) cannot be named by one.
      if (!child || seen.has(e.inode) || !e.utf8) continue;
      const path = `${prefix}/${e.name}`;
      if (child.type === NODE_FILE) {
        paths.push(path);
        sizes.push(child.content?.length ?? 0);
      } else if (child.entries) {
        seen.add(e.inode);
        walk(e.inode, path, seen);
      }
    }
  };
  if (r.parsed.headerOk) walk(1, '', new Set([1]));
  const order = paths.map((_, i) => i).sort((a, b) => (paths[a] < paths[b] ? -1 : 1));
  const sorted = order.map((i) => paths[i]);
  const sortedSizes = order.map((i) => sizes[i]);
  const writable = sorted.map((p, i) => (p.startsWith('/data/') ? i : -1)).filter((i) => i >= 0);
  return { paths: sorted, sizes: sortedSizes, writable };
}
