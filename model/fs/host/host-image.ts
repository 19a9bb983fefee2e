/**
 * The host-side parser of EclipseFS images: independent of the kernel path (which reads blocks
 * through the virtqueue), used as the oracle for S-FS-03 and as the base of fsck. It never throws
 * on a bad image: every defect becomes a finding with a precise message, and whatever is readable
 * is still returned.
 */
import {
  DIRENT_HEADER_BYTES,
  FS_MAGIC_BYTES,
  FS_VERSION_2_0,
  HDR_BYTES,
  HDR_TABLE_OFFSET,
  HDR_TABLE_SIZE,
  HDR_TOTAL_INODES,
  HDR_VERSION,
  NODE_DIRECTORY,
  NODE_FILE,
  NODE_SYMLINK,
  RECORD_HEADER_BYTES,
  TABLE_ENTRY_BYTES,
  TAG_CONTENT,
  TAG_DIRECTORY_ENTRIES,
  TAG_NLINK,
  TAG_NODE_TYPE,
  TAG_SIZE,
  TLV_HEADER_BYTES,
} from '../format.js';

/** One parsed node record. Fields are null where the record lacks them. */
export interface ParsedNode {
  inode: number;
  offset: number;
  recordSize: number;
  type: number | null;
  size: number | null;
  nlink: number | null;
  content: Uint8Array | null;
  /** `utf8`: the name is valid UTF-8 (otherwise `name` is a lossy decoding). */
  entries: Array<{ name: string; nameBytes: Uint8Array; inode: number; utf8: boolean }> | null;
  /** TLV tags in record order. */
  tags: number[];
}

export interface ParsedImage {
  /** The header was readable and valid (S-FS-01). */
  headerOk: boolean;
  tableOffset: number;
  tableSize: number;
  totalInodes: number;
  /** Nodes by inode number (index 0 unused); null where the record is unusable. */
  nodes: Array<ParsedNode | null>;
  /** Defects: each one line naming the inode or field. */
  findings: Finding[];
}

export interface Finding {
  check: 'S-FS-01' | 'S-FS-02';
  message: string;
}

const utf8 = new TextDecoder('utf-8', { fatal: false });
const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function isUtf8(bytes: Uint8Array): boolean {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** Largest inode count the parser will walk (a corrupt count must not make it allocate GiBs). */
const MAX_INODES = 1 << 20;

export function parseImage(image: Uint8Array): ParsedImage {
  const out: ParsedImage = { headerOk: false, tableOffset: 0, tableSize: 0, totalInodes: 0, nodes: [null], findings: [] };
  const f1 = (message: string) => out.findings.push({ check: 'S-FS-01', message });
  const f2 = (message: string) => out.findings.push({ check: 'S-FS-02', message });
  if (image.length < HDR_BYTES) {
    f1(`the image is ${image.length} bytes, shorter than the ${HDR_BYTES}-byte header`);
    return out;
  }
  const v = new DataView(image.buffer, image.byteOffset, image.byteLength);
  for (let i = 0; i < FS_MAGIC_BYTES.length; i++) {
    if (image[i] !== FS_MAGIC_BYTES[i]) {
      f1('bad magic: the image does not start with "ECLIPSEFS"');
      return out;
    }
  }
  const version = v.getUint32(HDR_VERSION, true);
  if (version !== FS_VERSION_2_0) {
    f1(`unsupported version ${version >>> 16}.${version & 0xffff} (0x${version.toString(16).padStart(8, '0')}); only 2.0 is supported`);
    return out;
  }
  const tableOffset = Number(v.getBigUint64(HDR_TABLE_OFFSET, true));
  const tableSize = Number(v.getBigUint64(HDR_TABLE_SIZE, true));
  const total = v.getUint32(HDR_TOTAL_INODES, true);
  if (total === 0) {
    f1('total inodes is 0');
    return out;
  }
  if (total > MAX_INODES) {
    f1(`total inodes ${total} is beyond what this tool reads (${MAX_INODES})`);
    return out;
  }
  if (tableSize !== total * TABLE_ENTRY_BYTES) {
    f1(`inode table size ${tableSize} is not total inodes × 8 = ${total * TABLE_ENTRY_BYTES}`);
    return out;
  }
  if (tableOffset < HDR_BYTES || !Number.isSafeInteger(tableOffset) || tableOffset + tableSize > image.length) {
    f1(`inode table [${tableOffset}, ${tableOffset + tableSize}) lies outside the ${image.length}-byte image`);
    return out;
  }
  out.headerOk = true;
  out.tableOffset = tableOffset;
  out.tableSize = tableSize;
  out.totalInodes = total;
  const recordsBase = tableOffset + tableSize;
  for (let n = 1; n <= total; n++) {
    const e = tableOffset + (n - 1) * TABLE_ENTRY_BYTES;
    const entryInode = v.getUint32(e, true);
    const rel = v.getUint32(e + 4, true);
    if (entryInode !== n) {
      f2(`inode table entry ${n - 1} names inode ${entryInode}; the table must be sorted and dense from 1`);
      out.nodes.push(null);
      continue;
    }
    out.nodes.push(parseRecord(image, v, n, recordsBase + rel, f2));
  }
  return out;
}

function parseRecord(image: Uint8Array, v: DataView, n: number, offset: number, f2: (m: string) => void): ParsedNode | null {
  if (offset + RECORD_HEADER_BYTES > image.length) {
    f2(`inode ${n}: record at offset ${offset} lies past the end of the ${image.length}-byte image`);
    return null;
  }
  const recInode = v.getUint32(offset, true);
  const size = v.getUint32(offset + 4, true);
  if (recInode !== n) {
    f2(`inode ${n}: the record at offset ${offset} says it is inode ${recInode}`);
    return null;
  }
  if (size < RECORD_HEADER_BYTES) {
    f2(`inode ${n}: record size ${size} is smaller than its 8-byte header`);
    return null;
  }
  if (offset + size > image.length) {
    f2(`inode ${n}: record size ${size} runs past the end of the image (offset ${offset}, image ${image.length} bytes)`);
    return null;
  }
  const node: ParsedNode = { inode: n, offset, recordSize: size, type: null, size: null, nlink: null, content: null, entries: null, tags: [] };
  const end = offset + size;
  let p = offset + RECORD_HEADER_BYTES;
  while (p < end) {
    if (p + TLV_HEADER_BYTES > end) {
      f2(`inode ${n}: a TLV header at offset ${p} runs past the end of its record`);
      return node;
    }
    const tag = v.getUint16(p, true);
    const len = v.getUint32(p + 2, true);
    const val = p + TLV_HEADER_BYTES;
    if (val + len > end) {
      f2(`inode ${n}: TLV 0x${tag.toString(16).padStart(4, '0')} of ${len} bytes runs past the end of its record`);
      return node;
    }
    node.tags.push(tag);
    switch (tag) {
      case TAG_NODE_TYPE:
        if (len !== 1) f2(`inode ${n}: NODE_TYPE has ${len} bytes, not 1`);
        else node.type = image[val];
        break;
      case TAG_SIZE:
        if (len !== 8) f2(`inode ${n}: SIZE has ${len} bytes, not 8`);
        else node.size = Number(v.getBigUint64(val, true));
        break;
      case TAG_NLINK:
        if (len !== 4) f2(`inode ${n}: NLINK has ${len} bytes, not 4`);
        else node.nlink = v.getUint32(val, true);
        break;
      case TAG_CONTENT:
        node.content = image.subarray(val, val + len);
        break;
      case TAG_DIRECTORY_ENTRIES:
        node.entries = parseEntries(image, v, n, val, len, f2);
        break;
    }
    p = val + len;
  }
  return node;
}

function parseEntries(image: Uint8Array, v: DataView, n: number, start: number, len: number, f2: (m: string) => void): ParsedNode['entries'] {
  const entries: NonNullable<ParsedNode['entries']> = [];
  const end = start + len;
  let p = start;
  while (p < end) {
    if (p + DIRENT_HEADER_BYTES > end) {
      f2(`inode ${n}: a directory entry header at offset ${p} runs past DIRECTORY_ENTRIES`);
      break;
    }
    const nameLen = v.getUint32(p, true);
    const child = v.getUint32(p + 4, true);
    if (nameLen === 0 || nameLen > 255) {
      f2(`inode ${n}: a directory entry has a ${nameLen}-byte name (1 to 255 allowed)`);
      break;
    }
    if (p + DIRENT_HEADER_BYTES + nameLen > end) {
      f2(`inode ${n}: a ${nameLen}-byte name runs past DIRECTORY_ENTRIES`);
      break;
    }
    const nameBytes = image.subarray(p + DIRENT_HEADER_BYTES, p + DIRENT_HEADER_BYTES + nameLen);
    entries.push({ name: utf8.decode(nameBytes), nameBytes, inode: child, utf8: isUtf8(nameBytes) });
    p += DIRENT_HEADER_BYTES + nameLen;
  }
  return entries;
}

export function typeName(t: number | null): string {
  return t === NODE_FILE ? 'file' : t === NODE_DIRECTORY ? 'directory' : t === NODE_SYMLINK ? 'symlink' : `type ${t}`;
}
