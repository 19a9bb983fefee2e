/**
 * Physical frames and per-process page maps (kernel.md §4.2 "the address space is copied eagerly").
 *
 * A bounded pool of 4096-byte frames, each with a reference count (how many page-map entries name
 * it; with eager copying it is 0 or 1, and S-PM-07 checks it against the page maps). A page map is
 * per process slot: up to MAX_PAGES (virtual page, frame, writable) entries. Freed frames are
 * zeroed, so a frame's old contents never leak into the next owner and never split states.
 *
 * Each frame also keeps an order-independent checksum of its bytes, updated on every write, so the
 * state fingerprint covers memory contents without hashing whole frames.
 */
import { fmix } from '../../sim/hash.js';
import type { Hasher64 } from '../../sim/hash.js';
import { MAX_PAGES, MAX_PROCS, PAGE } from './abi.js';
import type { StateDecl } from '../../sim/state-walk.js';
import { PageVersions } from '../../sim/page-versions.js';

/** The page map exec builds a new image in before it switches (all or nothing). */
export const SCRATCH = MAX_PROCS;

const byteSum = (off: number, v: number): number => (v === 0 ? 0 : fmix(off * 257 + v));

/** A page-map entry past its map's count means nothing (`map` rewrites it). */
function unmapped(m: Memory, i: number): boolean {
  return i % MAX_PAGES >= m.pageCount[(i / MAX_PAGES) | 0];
}

export class Memory {
  /**
   * For the fingerprint audit: frames are interchangeable (which frame a page lives in is not
   * state, what it holds is), so each mapped page is compared as its frame's bytes, checksum and
   * reference count; free frames are zero. `freeCount` is compared as it is. For snapshots the
   * frames are paged (sim/page-versions.ts): every write to a frame stamps it.
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['frames'],
    observed: ['pages'],
    paged: [{ buffer: 'bytes', versions: 'pages' }],
    deadIf: { vpage: unmapped, frameOf: unmapped, writable: unmapped },
    pools: [{ index: 'frameOf', blocks: [{ field: 'bytes', stride: PAGE }, { field: 'sum', stride: 1 }, { field: 'refs', stride: 1 }] }],
  };

  readonly frames: number;
  readonly bytes: Uint8Array;
  /** A version per frame, stamped by every write to it (snapshots copy only changed frames). */
  readonly pages: PageVersions;
  readonly refs: Int32Array;
  readonly sum: Int32Array;
  freeCount: number;
  // page maps: slot × MAX_PAGES
  // page maps: one per process slot, plus SCRATCH where exec builds the new image
  readonly pageCount = new Int32Array(MAX_PROCS + 1);
  readonly vpage = new Float64Array((MAX_PROCS + 1) * MAX_PAGES);
  readonly frameOf = new Int32Array((MAX_PROCS + 1) * MAX_PAGES);
  readonly writable = new Uint8Array((MAX_PROCS + 1) * MAX_PAGES);

  constructor(frames: number) {
    this.frames = frames;
    this.bytes = new Uint8Array(frames * PAGE);
    this.pages = new PageVersions(frames * PAGE, PAGE);
    this.refs = new Int32Array(frames);
    this.sum = new Int32Array(frames);
    this.freeCount = frames;
  }

  begin(): void {
    // Free frames are zero already (releaseFrame zeroes them): clear only those in use.
    for (let f = 0; f < this.frames; f++) {
      if (this.refs[f] === 0) continue;
      this.bytes.fill(0, f * PAGE, (f + 1) * PAGE);
      this.pages.touchPage(f);
    }
    this.refs.fill(0);
    this.sum.fill(0);
    this.freeCount = this.frames;
    this.pageCount.fill(0);
  }

  /** The lowest free frame, taken; −1 when the pool is empty. */
  allocFrame(): number {
    if (this.freeCount === 0) return -1;
    for (let f = 0; f < this.frames; f++) {
      if (this.refs[f] === 0) {
        this.refs[f] = 1;
        this.freeCount--;
        return f;
      }
    }
    return -1;
  }

  /** Drops one reference; at zero the frame is zeroed and free again. */
  releaseFrame(f: number): void {
    this.refs[f]--;
    if (this.refs[f] === 0) {
      this.bytes.fill(0, f * PAGE, (f + 1) * PAGE);
      this.pages.touchPage(f);
      this.sum[f] = 0;
      this.freeCount++;
    }
  }

  /** Adds a page to a slot's map (the caller has checked room and overlap). */
  map(slot: number, vpage: number, frame: number, writable: boolean): void {
    const i = slot * MAX_PAGES + this.pageCount[slot]++;
    this.vpage[i] = vpage;
    this.frameOf[i] = frame;
    this.writable[i] = writable ? 1 : 0;
  }

  /** Releases every page of a slot's map. */
  unmapAll(slot: number): void {
    const base = slot * MAX_PAGES;
    for (let i = 0; i < this.pageCount[slot]; i++) this.releaseFrame(this.frameOf[base + i]);
    this.pageCount[slot] = 0;
  }

  /** Moves a prepared map from slot `from` to slot `to` (exec's all-or-nothing switch). */
  moveMap(from: number, to: number): void {
    const n = this.pageCount[from];
    for (let i = 0; i < n; i++) {
      this.vpage[to * MAX_PAGES + i] = this.vpage[from * MAX_PAGES + i];
      this.frameOf[to * MAX_PAGES + i] = this.frameOf[from * MAX_PAGES + i];
      this.writable[to * MAX_PAGES + i] = this.writable[from * MAX_PAGES + i];
    }
    this.pageCount[to] = n;
    this.pageCount[from] = 0;
  }

  /**
   * Eager copy of `from`'s address space into `to` (fork). All or nothing: false, and nothing
   * taken, when the pool is short.
   */
  copyMap(from: number, to: number): boolean {
    const n = this.pageCount[from];
    if (this.freeCount < n) return false;
    this.pageCount[to] = 0;
    for (let i = 0; i < n; i++) {
      const src = this.frameOf[from * MAX_PAGES + i];
      const f = this.allocFrame();
      this.bytes.copyWithin(f * PAGE, src * PAGE, (src + 1) * PAGE);
      this.pages.touchPage(f);
      this.sum[f] = this.sum[src];
      this.map(to, this.vpage[from * MAX_PAGES + i], f, this.writable[from * MAX_PAGES + i] === 1);
    }
    return true;
  }

  /** Index into the page map of the page holding `addr`, or −1. */
  private entry(slot: number, addr: number): number {
    const vp = Math.floor(addr / PAGE);
    const base = slot * MAX_PAGES;
    for (let i = 0; i < this.pageCount[slot]; i++) if (this.vpage[base + i] === vp) return base + i;
    return -1;
  }

  /** Is [addr, addr+len) mapped (and writable, if asked) in `slot`? len 0 is always valid. */
  valid(slot: number, addr: number, len: number, write: boolean): boolean {
    if (len === 0) return true;
    if (!Number.isSafeInteger(addr) || !Number.isSafeInteger(len) || addr < 0 || len < 0) return false;
    for (let p = Math.floor(addr / PAGE); p <= Math.floor((addr + len - 1) / PAGE); p++) {
      const e = this.entry(slot, p * PAGE);
      if (e < 0 || (write && this.writable[e] === 0)) return false;
    }
    return true;
  }

  /** A byte of `slot`'s memory, or −1 if unmapped. */
  readByte(slot: number, addr: number): number {
    const e = this.entry(slot, addr);
    if (e < 0) return -1;
    return this.bytes[this.frameOf[e] * PAGE + (addr % PAGE)];
  }

  /** Writes a byte if mapped (writability is the caller's check: the loader writes read-only pages). */
  writeByte(slot: number, addr: number, v: number): boolean {
    const e = this.entry(slot, addr);
    if (e < 0) return false;
    this.poke(this.frameOf[e], addr % PAGE, v & 0xff);
    return true;
  }

  /** Writes one byte of a frame, keeping its checksum. */
  poke(frame: number, off: number, v: number): void {
    const i = frame * PAGE + off;
    const old = this.bytes[i];
    if (old === v) return;
    this.sum[frame] = (this.sum[frame] - byteSum(off, old) + byteSum(off, v)) | 0;
    this.bytes[i] = v;
    this.pages.touchPage(frame);
  }

  /** Copies bytes out of user memory (unmapped bytes read as 0; callers check validity first). */
  copyIn(slot: number, addr: number, len: number, dst: Uint8Array, dstOff: number): void {
    for (let i = 0; i < len; ) {
      const a = addr + i;
      const n = Math.min(len - i, PAGE - (a % PAGE));
      const e = this.entry(slot, a);
      if (e < 0) dst.fill(0, dstOff + i, dstOff + i + n);
      else {
        const from = this.frameOf[e] * PAGE + (a % PAGE);
        dst.set(this.bytes.subarray(from, from + n), dstOff + i);
      }
      i += n;
    }
  }

  /** Copies bytes into user memory; bytes to unmapped pages are dropped. */
  copyOut(slot: number, addr: number, src: Uint8Array, srcOff: number, len: number): void {
    for (let i = 0; i < len; ) {
      const a = addr + i;
      const n = Math.min(len - i, PAGE - (a % PAGE));
      const e = this.entry(slot, a);
      if (e >= 0) {
        const f = this.frameOf[e];
        const off = a % PAGE;
        for (let k = 0; k < n; k++) this.poke(f, off + k, src[srcOff + i + k]);
      }
      i += n;
    }
  }

  readU32(slot: number, addr: number): number {
    let v = 0;
    for (let i = 3; i >= 0; i--) v = v * 256 + Math.max(0, this.readByte(slot, addr + i));
    return v;
  }

  writeU32(slot: number, addr: number, value: number): void {
    for (let i = 0; i < 4; i++) this.writeByte(slot, addr + i, (value >>> (8 * i)) & 0xff);
  }

  /** Frames a slot holds. */
  framesOf(slot: number): number {
    return this.pageCount[slot];
  }

  /** The slot's address space: layout and contents (not which frames: they are interchangeable). */
  fingerprint(h: Hasher64, slot: number): void {
    const base = slot * MAX_PAGES;
    h.int(this.pageCount[slot]);
    for (let i = 0; i < this.pageCount[slot]; i++) {
      h.num(this.vpage[base + i]);
      h.int(this.writable[base + i]);
      h.int(this.sum[this.frameOf[base + i]]);
    }
  }
}
