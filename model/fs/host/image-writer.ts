/**
 * The host-side image writer: a file tree → an EclipseFS 2.0 image, byte for byte in the format of
 * kernel.md §3.2 (see format.ts). Inodes are numbered breadth-first from the root (1), so a
 * directory's children are numbered together; records follow the table in inode order, each at
 * its rel_offset; the image is padded to whole blocks.
 *
 * Written fields: NODE_TYPE, MODE, UID, GID, SIZE, ATIME, MTIME, CTIME, NLINK for every node;
 * CONTENT for non-empty files and symlinks (the target path); DIRECTORY_ENTRIES for non-empty
 * directories. NLINK is the number of directory entries naming the node (1 for every node in a
 * tree), and 1 for the root, which no entry names.
 */
import {
  DIRENT_HEADER_BYTES,
  FS_BLOCK_BYTES,
  FS_MAGIC_BYTES,
  FS_VERSION_2_0,
  HDR_TABLE_OFFSET,
  HDR_TABLE_SIZE,
  HDR_TOTAL_INODES,
  HDR_VERSION,
  MAX_NAME_BYTES,
  NODE_DIRECTORY,
  NODE_FILE,
  NODE_SYMLINK,
  RECORD_HEADER_BYTES,
  TABLE_ENTRY_BYTES,
  TABLE_OFFSET,
  TAG_ATIME,
  TAG_CONTENT,
  TAG_CTIME,
  TAG_DIRECTORY_ENTRIES,
  TAG_GID,
  TAG_MODE,
  TAG_MTIME,
  TAG_NLINK,
  TAG_NODE_TYPE,
  TAG_SIZE,
  TAG_UID,
  TLV_HEADER_BYTES,
} from '../format.js';
import type { TreeNode } from './tree.js';

/** The tree cannot be written (a name too long or empty, "." or "..", a "/" in a name). */
export class ImageWriteError extends Error {}

const utf8 = new TextEncoder();

const DEFAULT_MODE: Record<TreeNode['type'], number> = { file: 0o100644, dir: 0o040755, symlink: 0o120777 };

interface Placed {
  inode: number;
  node: TreeNode;
  children: Array<{ name: Uint8Array; inode: number }>;
}

/** Writes `root` as an EclipseFS image. */
export function writeImage(root: TreeNode): Uint8Array {
  if (root.type !== 'dir') throw new ImageWriteError('the root of an EclipseFS image must be a directory');
  // Breadth-first numbering from the root.
  const placed: Placed[] = [{ inode: 1, node: root, children: [] }];
  for (let i = 0; i < placed.length; i++) {
    const p = placed[i];
    if (p.node.type !== 'dir') continue;
    for (const [name, child] of p.node.entries) {
      const bytes = utf8.encode(name);
      if (bytes.length === 0 || bytes.length > MAX_NAME_BYTES) throw new ImageWriteError(`name "${name}" must be 1 to ${MAX_NAME_BYTES} bytes`);
      if (name === '.' || name === '..' || name.includes('/') || name.includes('\0')) throw new ImageWriteError(`name "${name}" is not allowed`);
      const inode = placed.length + 1;
      placed.push({ inode, node: child, children: [] });
      p.children.push({ name: bytes, inode });
    }
  }
  // In a tree every node is named by exactly one entry; the root by none, and counts 1.
  const records = placed.map((p) => encodeRecord(p, 1));
  const total = placed.length;
  const tableSize = total * TABLE_ENTRY_BYTES;
  const recordsStart = TABLE_OFFSET + tableSize;
  const recordsBytes = records.reduce((a, r) => a + r.length, 0);
  const size = Math.ceil((recordsStart + recordsBytes) / FS_BLOCK_BYTES) * FS_BLOCK_BYTES;
  const image = new Uint8Array(size);
  const v = new DataView(image.buffer);
  image.set(FS_MAGIC_BYTES, 0);
  v.setUint32(HDR_VERSION, FS_VERSION_2_0, true);
  v.setBigUint64(HDR_TABLE_OFFSET, BigInt(TABLE_OFFSET), true);
  v.setBigUint64(HDR_TABLE_SIZE, BigInt(tableSize), true);
  v.setUint32(HDR_TOTAL_INODES, total, true);
  let rel = 0;
  for (let i = 0; i < total; i++) {
    v.setUint32(TABLE_OFFSET + i * TABLE_ENTRY_BYTES, i + 1, true);
    v.setUint32(TABLE_OFFSET + i * TABLE_ENTRY_BYTES + 4, rel, true);
    image.set(records[i], recordsStart + rel);
    rel += records[i].length;
  }
  return image;
}

function encodeRecord(p: Placed, nlink: number): Uint8Array {
  const n = p.node;
  const tlvs: Array<[number, Uint8Array]> = [];
  const u8 = (x: number) => Uint8Array.of(x);
  const u32 = (x: number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, x >>> 0, true);
    return b;
  };
  const u64 = (x: number) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(x), true);
    return b;
  };
  let content: Uint8Array | null = null;
  let size = 0;
  let type: number;
  if (n.type === 'file') {
    type = NODE_FILE;
    content = n.content;
    size = n.content.length;
  } else if (n.type === 'symlink') {
    type = NODE_SYMLINK;
    content = utf8.encode(n.target);
    size = content.length;
  } else {
    type = NODE_DIRECTORY;
  }
  tlvs.push([TAG_NODE_TYPE, u8(type)]);
  tlvs.push([TAG_MODE, u32(n.mode ?? DEFAULT_MODE[n.type])]);
  tlvs.push([TAG_UID, u32(n.uid ?? 0)]);
  tlvs.push([TAG_GID, u32(n.gid ?? 0)]);
  let entries: Uint8Array | null = null;
  if (n.type === 'dir' && p.children.length > 0) {
    const len = p.children.reduce((a, c) => a + DIRENT_HEADER_BYTES + c.name.length, 0);
    entries = new Uint8Array(len);
    const dv = new DataView(entries.buffer);
    let o = 0;
    for (const c of p.children) {
      dv.setUint32(o, c.name.length, true);
      dv.setUint32(o + 4, c.inode, true);
      entries.set(c.name, o + DIRENT_HEADER_BYTES);
      o += DIRENT_HEADER_BYTES + c.name.length;
    }
    size = len;
  }
  tlvs.push([TAG_SIZE, u64(size)]);
  const t = n.mtime ?? 0;
  tlvs.push([TAG_ATIME, u64(t)]);
  tlvs.push([TAG_MTIME, u64(t)]);
  tlvs.push([TAG_CTIME, u64(t)]);
  tlvs.push([TAG_NLINK, u32(nlink)]);
  if (content && content.length > 0) tlvs.push([TAG_CONTENT, content]);
  if (entries) tlvs.push([TAG_DIRECTORY_ENTRIES, entries]);
  const body = tlvs.reduce((a, [, val]) => a + TLV_HEADER_BYTES + val.length, 0);
  const rec = new Uint8Array(RECORD_HEADER_BYTES + body);
  const rv = new DataView(rec.buffer);
  rv.setUint32(0, p.inode, true);
  rv.setUint32(4, rec.length, true);
  let o = RECORD_HEADER_BYTES;
  for (const [tag, val] of tlvs) {
    rv.setUint16(o, tag, true);
    rv.setUint32(o + 2, val.length, true);
    rec.set(val, o + TLV_HEADER_BYTES);
    o += TLV_HEADER_BYTES + val.length;
  }
  return rec;
}
