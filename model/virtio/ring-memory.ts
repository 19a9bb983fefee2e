import { BLK_HEADER_BYTES, BLOCK_BYTES } from './constants.js';
import { PageVersions } from '../../sim/page-versions.js';
import { wordLanes, type Hasher64 } from '../../sim/hash.js';
import type { StateDecl } from '../../sim/state-walk.js';

/**
 * Guest memory holding one split virtqueue and its request buffers, laid out as VirtIO 1.2 §2.7
 * gives it, little-endian:
 *
 *   descriptor table  16·N bytes, 16-aligned: {addr u64, len u32, flags u16, next u16}   (§2.7.5)
 *   available ring    6 + 2·N bytes, 2-aligned: {flags, idx, ring[N], used_event}       (§2.7.6)
 *   used ring         6 + 8·N bytes, 4-aligned: {flags, idx, ring[N]{id u32, len u32}, avail_event} (§2.7.8)
 *   request headers   16 bytes per descriptor head
 *   status bytes      1 byte per descriptor head
 *   data buffers      BLOCK_BYTES (4096) per descriptor head, 4096-aligned: one page each
 *
 * Request buffers are indexed by the head descriptor of the chain that carries them, so a live
 * chain owns exactly one set. Guest physical addresses are offsets plus `GUEST_BASE`, so that
 * address 0 is never valid.
 */
export const GUEST_BASE = 0x10_0000;

export class RingMemory {
  /**
   * For the fingerprint audit: the layout is fixed; which bytes are dead depends on the driver's
   * and device's state, so the machine sets `deadBytes` to ring-fingerprint.ts's ringDeadRanges
   * (one place, beside the fingerprint it mirrors). `words` and `view` share `bytes`' buffer.
   * For snapshots the request buffers are paged (sim/page-versions.ts): every write to a data
   * buffer stamps its pages (`touchData`); the rings and headers below `dataOffset` are copied at
   * every snapshot.
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['deadBytes', 'descOffset', 'availOffset', 'usedOffset', 'headerOffset', 'statusOffset', 'dataOffset', 'ringBytesEnd', 'queueSize'],
    observed: ['pages', 'laneVersion', 'laneCache'],
    deadRanges: (m: RingMemory, field: string) => (field === 'bytes' && m.deadBytes ? m.deadBytes() : null),
    paged: [{ buffer: 'bytes', versions: 'pages' }],
  };

  /** The [start, end) byte ranges the fingerprint leaves out (set by the machine; audit only). */
  deadBytes: (() => readonly number[]) | null = null;
  readonly pages: PageVersions;
  /**
   * A fingerprint cache, not state: for each page, the version whose data buffer's word lanes
   * (sim/hash.ts wordLanes) `laneCache` holds. Equal versions mean equal contents
   * (sim/page-versions.ts), so a buffer no step wrote since is not hashed again.
   */
  private readonly laneVersion: Float64Array;
  private readonly laneCache: Int32Array;
  readonly bytes: Uint8Array;
  /** The same memory as 32-bit words (for hashing and comparing whole buffers). */
  readonly words: Int32Array;
  readonly view: DataView;
  readonly descOffset = 0;
  readonly availOffset: number;
  readonly usedOffset: number;
  readonly headerOffset: number;
  readonly statusOffset: number;
  readonly dataOffset: number;
  readonly ringBytesEnd: number;

  constructor(readonly queueSize: number) {
    const n = queueSize;
    this.availOffset = align(16 * n, 2);
    this.usedOffset = align(this.availOffset + 6 + 2 * n, 4);
    this.ringBytesEnd = this.usedOffset + 6 + 8 * n;
    this.headerOffset = align(this.ringBytesEnd, 16);
    this.statusOffset = this.headerOffset + BLK_HEADER_BYTES * n;
    this.dataOffset = align(this.statusOffset + n, BLOCK_BYTES);
    const size = this.dataOffset + BLOCK_BYTES * n;
    this.bytes = new Uint8Array(size);
    this.words = new Int32Array(this.bytes.buffer);
    this.view = new DataView(this.bytes.buffer);
    this.pages = new PageVersions(size, BLOCK_BYTES);
    this.pages.alwaysCopyBelow(this.dataOffset);
    this.laneVersion = new Float64Array(this.pages.versions.length).fill(NaN);
    this.laneCache = new Int32Array(2 * this.pages.versions.length);
  }

  /**
   * Mixes the `len` bytes at `offset` as `h.words` would; a whole request buffer (one page) is
   * hashed from the cache when no step wrote it since it was last hashed.
   */
  hashWords(h: Hasher64, offset: number, len: number): void {
    const pb = this.pages.pageBytes;
    if (len !== pb || offset < this.dataOffset || offset % pb !== 0) {
      h.words(this.words, offset >> 2, len >> 2);
      return;
    }
    const p = offset / pb;
    const v = this.pages.versions[p];
    if (this.laneVersion[p] !== v) {
      wordLanes(this.words, offset >> 2, len >> 2, this.laneCache, 2 * p);
      this.laneVersion[p] = v;
    }
    h.lanes(this.laneCache[2 * p], this.laneCache[2 * p + 1], len >> 2);
  }

  /** A request buffer's bytes [offset, offset + len) are written in this step. Returns `offset`. */
  touchData(offset: number, len: number): number {
    this.pages.touch(offset, len);
    return offset;
  }

  /** Zeroes the rings (not the buffers): the state after the driver allocates the queue. */
  clearRings(): void {
    this.bytes.fill(0, 0, this.ringBytesEnd);
  }

  /** Zeroes everything. */
  clearAll(): void {
    this.bytes.fill(0);
    this.pages.touchAll();
  }

  // ---- descriptor table (§2.7.5) ----
  descAddr(i: number): number {
    // The model never uses addresses at or above 2^32; the high half is checked to be zero.
    const v = this.view;
    const off = this.descOffset + 16 * i;
    return v.getUint32(off + 4, true) !== 0 ? -1 : v.getUint32(off, true);
  }
  descLen(i: number): number {
    return this.view.getUint32(this.descOffset + 16 * i + 8, true);
  }
  descFlags(i: number): number {
    return this.view.getUint16(this.descOffset + 16 * i + 12, true);
  }
  descNext(i: number): number {
    return this.view.getUint16(this.descOffset + 16 * i + 14, true);
  }
  writeDesc(i: number, addr: number, len: number, flags: number, next: number): void {
    const v = this.view;
    const off = this.descOffset + 16 * i;
    v.setUint32(off, addr, true);
    v.setUint32(off + 4, 0, true);
    v.setUint32(off + 8, len, true);
    v.setUint16(off + 12, flags, true);
    v.setUint16(off + 14, next, true);
  }
  writeDescNext(i: number, next: number): void {
    this.view.setUint16(this.descOffset + 16 * i + 14, next, true);
  }

  // ---- available ring (§2.7.6): written only by the driver ----
  availFlags(): number {
    return this.view.getUint16(this.availOffset, true);
  }
  setAvailFlags(f: number): void {
    this.view.setUint16(this.availOffset, f, true);
  }
  availIdx(): number {
    return this.view.getUint16(this.availOffset + 2, true);
  }
  setAvailIdx(x: number): void {
    this.view.setUint16(this.availOffset + 2, x, true);
  }
  availRing(slot: number): number {
    return this.view.getUint16(this.availOffset + 4 + 2 * slot, true);
  }
  setAvailRing(slot: number, head: number): void {
    this.view.setUint16(this.availOffset + 4 + 2 * slot, head, true);
  }
  usedEvent(): number {
    return this.view.getUint16(this.availOffset + 4 + 2 * this.queueSize, true);
  }
  setUsedEvent(x: number): void {
    this.view.setUint16(this.availOffset + 4 + 2 * this.queueSize, x, true);
  }

  // ---- used ring (§2.7.8): written only by the device ----
  usedFlags(): number {
    return this.view.getUint16(this.usedOffset, true);
  }
  setUsedFlags(f: number): void {
    this.view.setUint16(this.usedOffset, f, true);
  }
  usedIdx(): number {
    return this.view.getUint16(this.usedOffset + 2, true);
  }
  setUsedIdx(x: number): void {
    this.view.setUint16(this.usedOffset + 2, x, true);
  }
  usedElemId(slot: number): number {
    return this.view.getUint32(this.usedOffset + 4 + 8 * slot, true);
  }
  usedElemLen(slot: number): number {
    return this.view.getUint32(this.usedOffset + 8 + 8 * slot, true);
  }
  setUsedElemId(slot: number, id: number): void {
    this.view.setUint32(this.usedOffset + 4 + 8 * slot, id, true);
  }
  setUsedElemLen(slot: number, len: number): void {
    this.view.setUint32(this.usedOffset + 8 + 8 * slot, len, true);
  }
  availEvent(): number {
    return this.view.getUint16(this.usedOffset + 4 + 8 * this.queueSize, true);
  }
  setAvailEvent(x: number): void {
    this.view.setUint16(this.usedOffset + 4 + 8 * this.queueSize, x, true);
  }

  // ---- request buffers, by head descriptor ----
  headerAddr(head: number): number {
    return GUEST_BASE + this.headerOffset + BLK_HEADER_BYTES * head;
  }
  statusAddr(head: number): number {
    return GUEST_BASE + this.statusOffset + head;
  }
  dataAddr(head: number): number {
    return GUEST_BASE + this.dataOffset + BLOCK_BYTES * head;
  }

  /** Guest address → offset into `bytes`, or −1 when [addr, addr+len) is not all guest memory. */
  offsetOf(addr: number, len: number): number {
    const off = addr - GUEST_BASE;
    return off >= 0 && off + len <= this.bytes.length ? off : -1;
  }

  /** True when [addr, addr+len) lies in the request-buffer area (not the rings). */
  isBufferRange(addr: number, len: number): boolean {
    const off = addr - GUEST_BASE;
    return off >= this.headerOffset && off + len <= this.bytes.length;
  }

  /** Which head's buffers contain guest address `addr`, or −1. */
  headOfBuffer(addr: number): number {
    const off = addr - GUEST_BASE;
    if (off >= this.dataOffset && off < this.dataOffset + BLOCK_BYTES * this.queueSize) return ((off - this.dataOffset) / BLOCK_BYTES) | 0;
    if (off >= this.statusOffset && off < this.statusOffset + this.queueSize) return off - this.statusOffset;
    if (off >= this.headerOffset && off < this.headerOffset + BLK_HEADER_BYTES * this.queueSize) return ((off - this.headerOffset) / BLK_HEADER_BYTES) | 0;
    return -1;
  }
}

function align(x: number, a: number): number {
  return (x + a - 1) & ~(a - 1);
}
