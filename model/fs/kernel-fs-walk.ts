/**
 * The phases of a call (kernel.md §3.3, EclipseFS 2.0 layout in format.ts): mount, the inode table
 * entry, the node record and its TLVs, directory entries and names for the path walk, then the
 * data of a read or a write. Each phase takes the bytes it declared with `need`, or suspends.
 */
import { EINVAL, EIO, EMFILE, ENOENT, FIRST_FD, MAX_FDS } from '../proc/abi.js';
import { KernelFsState, PH_MOUNT, PH_ENTRY, PH_RECORD, PH_TLV, PH_TLV_VALUE, PH_DIRENT, PH_NAME, PH_READ, PH_WRITE_BLOCK, PH_WRITE_WAIT, HAVE, WAIT, OUTSIDE } from './kernel-fs-state.js';
import { MAX_READ, MAX_WRITE, MOUNT_OK, MOUNT_BAD_MAGIC, MOUNT_BAD_VERSION, MOUNT_BAD_GEOMETRY, MOUNT_IO } from './fs-call-abi.js';
import { P_FS_MOUNT, P_FS_READ, P_FS_WRITE } from '../probes.js';
import { DIRENT_HEADER_BYTES, FS_BLOCK_BYTES, FS_MAGIC_BYTES, FS_VERSION_2_0, HDR_BYTES, HDR_TABLE_OFFSET, HDR_TABLE_SIZE, HDR_TOTAL_INODES, HDR_VERSION, MAX_NAME_BYTES, NODE_DIRECTORY, NODE_FILE, RECORD_HEADER_BYTES, TABLE_ENTRY_BYTES, TAG_CONTENT, TAG_DIRECTORY_ENTRIES, TAG_NODE_TYPE, TLV_HEADER_BYTES } from './format.js';
export abstract class KernelFsWalk extends KernelFsState {
  // =====================================================================================
  // The state machine
  // =====================================================================================

  /** Runs client `c`'s call until it waits for a block or finishes. */
  protected run(c: number): void {
    for (;;) {
      if (this.ioError[c] === 1) return this.finish(c, -EIO);
      const step = this.stepOnce(c);
      if (step !== HAVE) return;
    }
  }

  /** One phase. Returns HAVE to go on, WAIT when suspended, OUTSIDE when the call ended. */
  protected stepOnce(c: number): number {
    switch (this.phase[c]) {
      case PH_MOUNT:
        return this.phaseMount(c);
      case PH_ENTRY:
        return this.phaseEntry(c);
      case PH_RECORD:
        return this.phaseRecord(c);
      case PH_TLV:
        return this.phaseTlv(c);
      case PH_TLV_VALUE:
        return this.phaseTlvValue(c);
      case PH_DIRENT:
        return this.phaseDirent(c);
      case PH_NAME:
        return this.phaseName(c);
      case PH_READ:
        return this.phaseRead(c);
      case PH_WRITE_BLOCK:
        return this.phaseWriteBlock(c);
      case PH_WRITE_WAIT:
        return this.phaseWriteWait(c);
      default:
        this.finish(c, -EIO);
        return OUTSIDE;
    }
  }

  protected fail(c: number, errno: number): number {
    this.finish(c, -errno);
    return OUTSIDE;
  }

  /** Waits, or ends the call with EIO when the bytes lie outside the partition (corrupt image). */
  protected needOr(c: number, off: number, len: number): number {
    const r = this.need(c, off, len);
    if (r === OUTSIDE) return this.fail(c, EIO);
    return r;
  }

  /** mount: read block 0, validate the header (kernel.md §3.3). */
  protected phaseMount(c: number): number {
    const r = this.need(c, 0, HDR_BYTES);
    if (r === WAIT) return WAIT;
    let reason = MOUNT_OK;
    if (r === OUTSIDE) reason = MOUNT_IO;
    else {
      for (let i = 0; i < FS_MAGIC_BYTES.length && reason === MOUNT_OK; i++) if (this.u8(i) !== FS_MAGIC_BYTES[i]) reason = MOUNT_BAD_MAGIC;
      if (reason === MOUNT_OK && this.u32(HDR_VERSION) !== FS_VERSION_2_0) reason = MOUNT_BAD_VERSION;
      if (reason === MOUNT_OK) {
        const tableOffset = this.u64(HDR_TABLE_OFFSET);
        const tableSize = this.u64(HDR_TABLE_SIZE);
        const total = this.u32(HDR_TOTAL_INODES);
        if (total === 0 || tableOffset < HDR_BYTES || tableSize !== total * TABLE_ENTRY_BYTES || tableOffset + tableSize > this.partitionBytes) reason = MOUNT_BAD_GEOMETRY;
        else {
          this.tableOffset = tableOffset;
          this.totalInodes = total;
          this.recordsBase = tableOffset + tableSize;
          this.mounted = 1;
        }
      }
      this.used(0, HDR_BYTES);
    }
    this.mountRefusal = reason;
    this.probes.add(P_FS_MOUNT, reason === MOUNT_OK ? 0 : -1, reason, 0);
    this.finish(c, reason === MOUNT_OK ? 0 : reason === MOUNT_IO ? -EIO : -EINVAL);
    return OUTSIDE;
  }

  /** Locate the record of `inode[c]` through the inode table (entry n − 1). */
  protected phaseEntry(c: number): number {
    const n = this.inode[c];
    if (n < 1 || n > this.totalInodes) return this.fail(c, EIO);
    // kernel.md §3.2: the record of inode n is table entry n − 1. Mutant: entry n.
    const index = this.mutants.inodeOffByOne ? n : n - 1;
    const e = this.tableOffset + index * TABLE_ENTRY_BYTES;
    const r = this.needOr(c, e, TABLE_ENTRY_BYTES);
    if (r !== HAVE) return r;
    const entryInode = this.u32(e);
    const rel = this.u32(e + 4);
    this.used(e, TABLE_ENTRY_BYTES);
    if (!this.mutants.inodeOffByOne && entryInode !== n) return this.fail(c, EIO);
    this.recOff[c] = this.recordsBase + rel;
    this.phase[c] = PH_RECORD;
    return HAVE;
  }

  /** Read the record header {inode, record_size}; start the TLV scan. */
  protected phaseRecord(c: number): number {
    const off = this.recOff[c];
    const r = this.needOr(c, off, RECORD_HEADER_BYTES);
    if (r !== HAVE) return r;
    const recInode = this.u32(off);
    const size = this.u32(off + 4);
    this.used(off, RECORD_HEADER_BYTES);
    if ((!this.mutants.inodeOffByOne && recInode !== this.inode[c]) || size < RECORD_HEADER_BYTES || off + size > this.partitionBytes) return this.fail(c, EIO);
    this.recEnd[c] = off + size;
    this.tlvPos[c] = off + RECORD_HEADER_BYTES;
    this.ntype[c] = 0;
    this.contentOff[c] = -1;
    this.contentLen[c] = 0;
    this.entPos[c] = -1;
    this.entEnd[c] = -1;
    this.phase[c] = PH_TLV;
    return HAVE;
  }

  /** Read one TLV header, or finish the record. */
  protected phaseTlv(c: number): number {
    const pos = this.tlvPos[c];
    if (pos >= this.recEnd[c]) return this.recordDone(c);
    if (pos + TLV_HEADER_BYTES > this.recEnd[c]) return this.fail(c, EIO);
    const r = this.needOr(c, pos, TLV_HEADER_BYTES);
    if (r !== HAVE) return r;
    const tag = this.u8(pos) | (this.u8(pos + 1) << 8);
    const len = this.u32(pos + 2);
    this.used(pos, TLV_HEADER_BYTES);
    if (pos + TLV_HEADER_BYTES + len > this.recEnd[c]) return this.fail(c, EIO);
    this.tlvTag[c] = tag;
    this.tlvLen[c] = len;
    this.phase[c] = PH_TLV_VALUE;
    return HAVE;
  }

  /** Note where the values this call needs are; skip the rest. */
  protected phaseTlvValue(c: number): number {
    const val = this.tlvPos[c] + TLV_HEADER_BYTES;
    const len = this.tlvLen[c];
    switch (this.tlvTag[c]) {
      case TAG_NODE_TYPE: {
        if (len !== 1) return this.fail(c, EIO);
        const r = this.needOr(c, val, 1);
        if (r !== HAVE) return r;
        this.ntype[c] = this.u8(val);
        this.used(val, 1);
        break;
      }
      case TAG_CONTENT:
        this.contentOff[c] = val;
        this.contentLen[c] = len;
        break;
      case TAG_DIRECTORY_ENTRIES:
        this.entPos[c] = val;
        this.entEnd[c] = val + len;
        break;
    }
    this.tlvPos[c] = val + len;
    this.phase[c] = PH_TLV;
    return HAVE;
  }

  /** The record is scanned: descend into the directory, or open the file at the end of the path. */
  protected recordDone(c: number): number {
    const comps = this.pathOf(c);
    if (this.comp[c] < comps.length) {
      if (this.ntype[c] !== NODE_DIRECTORY || this.entPos[c] < 0) return this.fail(c, ENOENT);
      this.phase[c] = PH_DIRENT;
      return HAVE;
    }
    // The end of the path: open it.
    if (this.ntype[c] !== NODE_FILE) return this.fail(c, EINVAL);
    let fd = FIRST_FD;
    const row = this.fileRow[c] * MAX_FDS;
    const limit = this.fdLimit[c];
    while (fd < limit && this.fdOpen[row + fd] === 1) fd++;
    if (fd === limit) return this.fail(c, EMFILE);
    const f = row + fd;
    this.fdOpen[f] = 1;
    this.rowOpen[(f / MAX_FDS) | 0]++;
    this.fdInode[f] = this.inode[c];
    this.fdContent[f] = this.contentOff[c] < 0 ? 0 : this.contentOff[c];
    this.fdSize[f] = this.contentOff[c] < 0 ? 0 : this.contentLen[c];
    this.fdPos[f] = 0;
    this.finish(c, fd);
    return OUTSIDE;
  }

  /** Read one directory entry header {name_len, child_inode}. */
  protected phaseDirent(c: number): number {
    const pos = this.entPos[c];
    if (pos >= this.entEnd[c]) return this.fail(c, ENOENT);
    if (pos + DIRENT_HEADER_BYTES > this.entEnd[c]) return this.fail(c, EIO);
    const r = this.needOr(c, pos, DIRENT_HEADER_BYTES);
    if (r !== HAVE) return r;
    const nameLen = this.u32(pos);
    const child = this.u32(pos + 4);
    this.used(pos, DIRENT_HEADER_BYTES);
    if (nameLen === 0 || nameLen > MAX_NAME_BYTES || pos + DIRENT_HEADER_BYTES + nameLen > this.entEnd[c]) return this.fail(c, EIO);
    this.nameLen[c] = nameLen;
    this.child[c] = child;
    this.phase[c] = PH_NAME;
    return HAVE;
  }

  /** Compare the entry's name with the next path component. */
  protected phaseName(c: number): number {
    const pos = this.entPos[c] + DIRENT_HEADER_BYTES;
    const len = this.nameLen[c];
    const r = this.needOr(c, pos, len);
    if (r !== HAVE) return r;
    const want = this.pathOf(c)[this.comp[c]];
    let match = want.length === len;
    for (let i = 0; match && i < len; i++) if (this.u8(pos + i) !== want[i]) match = false;
    this.used(pos, len);
    if (match) {
      this.inode[c] = this.child[c];
      this.comp[c]++;
      this.phase[c] = PH_ENTRY;
    } else {
      this.entPos[c] = pos + len;
      this.phase[c] = PH_DIRENT;
    }
    return HAVE;
  }

  /** read: copy the requested range (≤ 4096 bytes, ≤ 2 blocks) out of the cache. */
  protected phaseRead(c: number): number {
    const f = this.fileRow[c] * MAX_FDS + this.argFd[c];
    const n = this.argLen[c];
    const off = this.fdContent[f] + this.argOff[c];
    const r = this.needOr(c, off, n);
    if (r !== HAVE) return r;
    // Copy block by block out of the cache.
    const base = c * MAX_READ;
    for (let i = 0; i < n; ) {
      const within = (off + i) % FS_BLOCK_BYTES;
      const k = Math.min(FS_BLOCK_BYTES - within, n - i);
      const src = this.cache.offsetOf(this.cache.peek(Math.floor((off + i) / FS_BLOCK_BYTES))) + within;
      this.readBuf.set(this.cache.data.subarray(src, src + k), base + i);
      this.readPages.touch(base + i, k);
      i += k;
    }
    this.used(off, n);
    this.readLen[c] = n;
    this.readCalls++;
    this.readBytes += n;
    this.fdPos[f] += n;
    this.probes.add(P_FS_READ, c, this.callPos[c], n);
    this.finish(c, n);
    return OUTSIDE;
  }

  /** write: read-modify-write the next block the range spans (kernel.md §3.2). */
  protected phaseWriteBlock(c: number): number {
    const f = this.fileRow[c] * MAX_FDS + this.argFd[c];
    const done = this.wDone[c];
    if (done >= this.wTotal[c]) {
      this.fdPos[f] += this.wTotal[c];
      this.probes.add(P_FS_WRITE, c, this.callPos[c], this.wTotal[c]);
      this.finish(c, this.wTotal[c]);
      return OUTSIDE;
    }
    const off = this.fdContent[f] + this.callPos[c] + done;
    const block = Math.floor(off / FS_BLOCK_BYTES);
    const chunk = Math.min(FS_BLOCK_BYTES - (off % FS_BLOCK_BYTES), this.wTotal[c] - done);
    const r = this.needOr(c, block * FS_BLOCK_BYTES, FS_BLOCK_BYTES);
    if (r !== HAVE) return r;
    const i = this.cache.peek(block);
    const dst = this.cache.offsetOf(i) + (off % FS_BLOCK_BYTES);
    const src = c * MAX_WRITE + done;
    for (let k = 0; k < chunk; k++) this.cache.data[dst + k] = this.writeSrc[src + k];
    this.wChunk[c] = chunk;
    this.phase[c] = PH_WRITE_WAIT;
    this.cache.writeThrough(i, c);
    return WAIT;
  }

  /** The block write completed (an error ends the call through `ioError`). */
  protected phaseWriteWait(c: number): number {
    this.wDone[c] += this.wChunk[c];
    this.phase[c] = PH_WRITE_BLOCK;
    return HAVE;
  }

}
