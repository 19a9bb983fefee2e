import fc from 'fast-check';
/**
 * Test-side helpers for EclipseFS images: a raw image builder for arbitrary inode graphs (cycles,
 * unreachable inodes, shared directories: what the tree writer cannot make), an independent walk of
 * a well-formed image's field offsets (the targets of hand corruption and of the mutation fuzzer),
 * and a comparison of trees that names the first difference.
 */
import {
  FS_BLOCK_BYTES,
  FS_MAGIC_BYTES,
  FS_VERSION_2_0,
  HDR_TABLE_OFFSET,
  HDR_TABLE_SIZE,
  HDR_TOTAL_INODES,
  HDR_VERSION,
  NODE_DIRECTORY,
  TABLE_OFFSET,
  TAG_CONTENT,
  TAG_DIRECTORY_ENTRIES,
  TAG_NLINK,
  TAG_NODE_TYPE,
  TAG_SIZE,
} from '../../../model/fs/format.js';
import type { TreeNode } from '../../../model/fs/host/tree.js';

const utf8 = new TextEncoder();

/** One inode of a raw image: fields left undefined are not written. */
export interface RawNode {
  type?: number;
  nlink?: number;
  size?: number;
  content?: Uint8Array;
  entries?: Array<[string, number]>;
}

/** An image holding exactly `nodes` (nodes[i] is inode i + 1), laid out as the writer does. */
export function rawImage(nodes: RawNode[]): Uint8Array {
  const records = nodes.map((n, i) => {
    const tlvs: Array<[number, Uint8Array]> = [];
    if (n.type !== undefined) tlvs.push([TAG_NODE_TYPE, Uint8Array.of(n.type)]);
    let entries: Uint8Array | undefined;
    if (n.entries && n.entries.length > 0) {
      const parts = n.entries.map(([name, inode]) => {
        const nb = utf8.encode(name);
        const b = new Uint8Array(8 + nb.length);
        const v = new DataView(b.buffer);
        v.setUint32(0, nb.length, true);
        v.setUint32(4, inode, true);
        b.set(nb, 8);
        return b;
      });
      entries = concat(parts);
    }
    const size = n.size ?? (n.type === NODE_DIRECTORY ? (entries?.length ?? 0) : (n.content?.length ?? 0));
    const s = new Uint8Array(8);
    new DataView(s.buffer).setBigUint64(0, BigInt(size), true);
    tlvs.push([TAG_SIZE, s]);
    if (n.nlink !== undefined) {
      const l = new Uint8Array(4);
      new DataView(l.buffer).setUint32(0, n.nlink, true);
      tlvs.push([TAG_NLINK, l]);
    }
    if (n.content && n.content.length > 0) tlvs.push([TAG_CONTENT, n.content]);
    if (entries) tlvs.push([TAG_DIRECTORY_ENTRIES, entries]);
    const body = concat(
      tlvs.map(([tag, val]) => {
        const b = new Uint8Array(6 + val.length);
        const v = new DataView(b.buffer);
        v.setUint16(0, tag, true);
        v.setUint32(2, val.length, true);
        b.set(val, 6);
        return b;
      }),
    );
    const rec = new Uint8Array(8 + body.length);
    const rv = new DataView(rec.buffer);
    rv.setUint32(0, i + 1, true);
    rv.setUint32(4, rec.length, true);
    rec.set(body, 8);
    return rec;
  });
  const total = nodes.length;
  const recordsStart = TABLE_OFFSET + total * 8;
  const all = concat(records);
  const image = new Uint8Array(Math.ceil((recordsStart + all.length) / FS_BLOCK_BYTES) * FS_BLOCK_BYTES);
  const v = new DataView(image.buffer);
  image.set(FS_MAGIC_BYTES, 0);
  v.setUint32(HDR_VERSION, FS_VERSION_2_0, true);
  v.setBigUint64(HDR_TABLE_OFFSET, BigInt(TABLE_OFFSET), true);
  v.setBigUint64(HDR_TABLE_SIZE, BigInt(total * 8), true);
  v.setUint32(HDR_TOTAL_INODES, total, true);
  let rel = 0;
  records.forEach((r, i) => {
    v.setUint32(TABLE_OFFSET + i * 8, i + 1, true);
    v.setUint32(TABLE_OFFSET + i * 8 + 4, rel, true);
    image.set(r, recordsStart + rel);
    rel += r.length;
  });
  return image;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Where a TLV sits: its header, its value and the value's length. */
export interface TlvAt {
  tag: number;
  header: number;
  value: number;
  len: number;
}

/** Where a directory entry sits: its header (name_len @0, child_inode @4) and its name. */
export interface DirentAt {
  name: string;
  header: number;
  child: number;
}

/** The layout of a well-formed image, walked independently of host-image.ts. */
export interface Layout {
  tableOffset: number;
  total: number;
  /** Absolute record offset by inode (index 0 unused). */
  records: number[];
  tlvs: TlvAt[][];
  dirents: DirentAt[][];
}

export function layout(image: Uint8Array): Layout {
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  const tableOffset = Number(v.getBigUint64(HDR_TABLE_OFFSET, true));
  const total = v.getUint32(HDR_TOTAL_INODES, true);
  const base = tableOffset + total * 8;
  const out: Layout = { tableOffset, total, records: [0], tlvs: [[]], dirents: [[]] };
  const dec = new TextDecoder();
  for (let n = 1; n <= total; n++) {
    const rec = base + v.getUint32(tableOffset + (n - 1) * 8 + 4, true);
    const end = rec + v.getUint32(rec + 4, true);
    const tlvs: TlvAt[] = [];
    const dirents: DirentAt[] = [];
    for (let p = rec + 8; p < end; ) {
      const t: TlvAt = { tag: v.getUint16(p, true), header: p, value: p + 6, len: v.getUint32(p + 2, true) };
      tlvs.push(t);
      if (t.tag === TAG_DIRECTORY_ENTRIES) {
        for (let q = t.value; q < t.value + t.len; ) {
          const nl = v.getUint32(q, true);
          dirents.push({ name: dec.decode(image.subarray(q + 8, q + 8 + nl)), header: q, child: v.getUint32(q + 4, true) });
          q += 8 + nl;
        }
      }
      p = t.value + t.len;
    }
    out.records.push(rec);
    out.tlvs.push(tlvs);
    out.dirents.push(dirents);
  }
  return out;
}

/** The TLV `tag` of inode `n` (throws if absent: the test's image is not what it thinks). */
export function tlvOf(l: Layout, n: number, tag: number): TlvAt {
  const t = l.tlvs[n].find((x) => x.tag === tag);
  if (!t) throw new Error(`test image: inode ${n} has no TLV 0x${tag.toString(16)}`);
  return t;
}

/** The entry `name` of directory inode `n`. */
export function direntOf(l: Layout, n: number, name: string): DirentAt {
  const d = l.dirents[n].find((x) => x.name === name);
  if (!d) throw new Error(`test image: inode ${n} has no entry "${name}"`);
  return d;
}

/** Every offset of a fixed-size field of a well-formed image: the targets of field edits. */
export function fieldOffsets(image: Uint8Array): number[] {
  const l = layout(image);
  const offs = [HDR_VERSION, HDR_TABLE_OFFSET, HDR_TABLE_OFFSET + 4, HDR_TABLE_SIZE, HDR_TABLE_SIZE + 4, HDR_TOTAL_INODES];
  for (let n = 1; n <= l.total; n++) {
    offs.push(l.tableOffset + (n - 1) * 8, l.tableOffset + (n - 1) * 8 + 4, l.records[n], l.records[n] + 4);
    for (const t of l.tlvs[n]) {
      offs.push(t.header, t.header + 2);
      if (t.tag !== TAG_CONTENT && t.tag !== TAG_DIRECTORY_ENTRIES) offs.push(t.value);
    }
    for (const d of l.dirents[n]) offs.push(d.header, d.header + 4);
  }
  return offs;
}

export const setU32 = (img: Uint8Array, at: number, x: number): void => new DataView(img.buffer, img.byteOffset, img.byteLength).setUint32(at, x >>> 0, true);
export const setU64 = (img: Uint8Array, at: number, x: bigint): void => new DataView(img.buffer, img.byteOffset, img.byteLength).setBigUint64(at, x, true);
export const getU32 = (img: Uint8Array, at: number): number => new DataView(img.buffer, img.byteOffset, img.byteLength).getUint32(at, true);

/** A tree in a comparable shape: modes and owners dropped (the reader does not return them). */
export type Shape = { file: string } | { symlink: string } | { dir: Array<[string, Shape]> };

export function shape(n: TreeNode): Shape {
  if (n.type === 'file') return { file: Buffer.from(n.content).toString('hex') };
  if (n.type === 'symlink') return { symlink: n.target };
  return { dir: [...n.entries].map(([k, c]) => [k, shape(c)]) };
}

/** The path of the first difference between two trees, or null when they are equal. */
export function firstDifference(a: TreeNode | null, b: TreeNode | null, path = '/'): string | null {
  if (!a || !b) return a === b ? null : `${path}: one side is missing`;
  if (a.type !== b.type) return `${path}: ${a.type} vs ${b.type}`;
  if (a.type === 'file' && b.type === 'file') {
    if (a.content.length !== b.content.length) return `${path}: ${a.content.length} vs ${b.content.length} bytes`;
    for (let i = 0; i < a.content.length; i++) if (a.content[i] !== b.content[i]) return `${path}: byte ${i} differs`;
    return null;
  }
  if (a.type === 'symlink' && b.type === 'symlink') return a.target === b.target ? null : `${path}: target ${JSON.stringify(a.target)} vs ${JSON.stringify(b.target)}`;
  if (a.type === 'dir' && b.type === 'dir') {
    const ka = [...a.entries.keys()];
    const kb = [...b.entries.keys()];
    if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return `${path}: entries ${JSON.stringify(ka)} vs ${JSON.stringify(kb)}`;
    for (const k of ka) {
      const d = firstDifference(a.entries.get(k)!, b.entries.get(k)!, `${path}${k}/`);
      if (d) return d;
    }
    return null;
  }
  return `${path}: unreachable`;
}

/** Every path of a tree with its node, depth first ("/a", "/a/b", …), root excluded. */
export function paths(n: TreeNode, prefix = ''): Array<[string, TreeNode]> {
  if (n.type !== 'dir') return [];
  const out: Array<[string, TreeNode]> = [];
  for (const [k, c] of n.entries) {
    out.push([`${prefix}/${k}`, c]);
    out.push(...paths(c, `${prefix}/${k}`));
  }
  return out;
}

// ---- image mutation, shared by the fuzzers (mutation.test.ts, kernel-fs-mutated.test.ts) ----

/** What a fuzzer needs of a base image: its bytes, its field offsets and its regions. */
export interface MutationBase {
  image: Uint8Array;
  /** Offsets of header, table, record and TLV fields (fieldOffsets). */
  fields: number[];
  tableStart: number;
  recordsStart: number;
  recordsEnd: number;
}

/** u32 values that sit on the edges fields care about, plus small and arbitrary ones. */
export const u32Values = fc.oneof(
  fc.constantFrom(0, 1, 2, 3, 4, 5, 7, 8, 9, 11, 255, 256, 4095, 4096, 4104, 8192, 0xffff, 0x7fff_ffff, 0x8000_0000, 0xffff_fff8, 0xffff_ffff),
  fc.integer({ min: 0, max: 24 }),
  fc.integer({ min: 0, max: 0xffff_ffff }),
);

export type Region = 'header' | 'table' | 'records' | 'any';

/** Edits that keep the image's length: a bit flip, a byte, or a 1/2/4-byte field value. */
export type InPlaceMutation =
  | { kind: 'flip'; region: Region; at: number; bit: number }
  | { kind: 'byte'; region: Region; at: number; value: number }
  | { kind: 'field'; at: number; value: number; width: 1 | 2 | 4 };

const regionArb = fc.constantFrom<Region>('header', 'table', 'records', 'records', 'any');

/** fc.oneof arms for the in-place edits, fields weighted `fieldWeight`. */
export function inPlaceArms(fieldWeight: number) {
  return [
    { weight: 3, arbitrary: fc.record({ kind: fc.constant('flip' as const), region: regionArb, at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('byte' as const), region: regionArb, at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }) },
    { weight: fieldWeight, arbitrary: fc.record({ kind: fc.constant('field' as const), at: fc.nat(), value: u32Values, width: fc.constantFrom<1 | 2 | 4>(1, 2, 4, 4, 4) }) },
  ];
}

/** Where in `b`'s image an offset drawn for region `r` falls (an image of `len` bytes). */
export function place(b: MutationBase, r: Region, at: number, len: number): number {
  const [lo, hi] = r === 'header' ? [0, 64] : r === 'table' ? [b.tableStart, b.recordsStart] : r === 'records' ? [b.recordsStart, b.recordsEnd] : [0, len];
  return Math.min(len - 1, lo + (at % Math.max(1, hi - lo)));
}

/** Applies an in-place edit to `img` (a non-empty copy of `b.image`, maybe shortened). */
export function applyInPlace(img: Uint8Array, b: MutationBase, m: InPlaceMutation): void {
  switch (m.kind) {
    case 'flip':
      img[place(b, m.region, m.at, img.length)] ^= 1 << m.bit;
      return;
    case 'byte':
      img[place(b, m.region, m.at, img.length)] = m.value;
      return;
    case 'field': {
      const at = b.fields[m.at % b.fields.length];
      if (at + m.width > img.length) return;
      const v = new DataView(img.buffer, img.byteOffset, img.byteLength);
      if (m.width === 1) v.setUint8(at, m.value & 0xff);
      else if (m.width === 2) v.setUint16(at, m.value & 0xffff, true);
      else v.setUint32(at, m.value >>> 0, true);
    }
  }
}
