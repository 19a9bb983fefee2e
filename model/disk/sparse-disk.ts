import { fmix, mix4, type Hasher64 } from '../../sim/hash.js';
import type { DiskModel } from './disk-model.js';
import { SECTOR_SIZE } from './disk.js';

const PAGE = 4096;
const SECTORS_PER_PAGE = PAGE / SECTOR_SIZE;
const ZERO_PAGE = new Uint8Array(PAGE);

/**
 * A disk of `sectors` sectors holding `image` at byte offset `imageOffset`, everything else zero,
 * stored as 4096-byte pages: pristine pages are shared between runs, a page written in a run is
 * copied first (copy-on-write) and dropped again by `reset`. So a 512 MiB disk with a 64 KiB file
 * system costs 64 KiB plus what a run writes.
 *
 * For fingerprints it keeps, like `Disk`, an order-independent hash of the sectors written in this
 * run.
 */
export class SparseDisk implements DiskModel {
  private readonly base: Array<Uint8Array | null>;
  private readonly pages: Array<Uint8Array | null>;
  private readonly written: Map<number, number> = new Map();
  private dirtyPages: number[] = [];
  private contentSum = 0;

  constructor(
    readonly sectors: number,
    image: Uint8Array,
    imageOffset: number,
  ) {
    const pageCount = Math.ceil((sectors * SECTOR_SIZE) / PAGE);
    if (imageOffset % PAGE !== 0) throw new Error('the image must start on a 4096-byte boundary');
    if (imageOffset + image.length > sectors * SECTOR_SIZE) throw new Error('the image does not fit on the disk');
    this.base = new Array(pageCount).fill(null);
    for (let off = 0; off < image.length; off += PAGE) {
      const page = new Uint8Array(PAGE);
      page.set(image.subarray(off, Math.min(off + PAGE, image.length)));
      this.base[(imageOffset + off) / PAGE] = page;
    }
    this.pages = this.base.slice();
  }

  reset(): void {
    for (const p of this.dirtyPages) this.pages[p] = this.base[p];
    this.dirtyPages = [];
    this.written.clear();
    this.contentSum = 0;
  }

  read(sector: number, count: number, dst: Uint8Array, dstOffset: number): void {
    for (let s = sector; s < sector + count; s++) {
      const page = this.pages[Math.floor(s / SECTORS_PER_PAGE)] ?? ZERO_PAGE;
      const o = (s % SECTORS_PER_PAGE) * SECTOR_SIZE;
      dst.set(page.subarray(o, o + SECTOR_SIZE), dstOffset + (s - sector) * SECTOR_SIZE);
    }
  }

  write(sector: number, count: number, src: Uint8Array, srcOffset: number): void {
    for (let s = sector; s < sector + count; s++) {
      const p = Math.floor(s / SECTORS_PER_PAGE);
      let page = this.pages[p];
      if (page === null || page === this.base[p]) {
        page = page === null ? new Uint8Array(PAGE) : page.slice();
        this.pages[p] = page;
        this.dirtyPages.push(p);
      }
      const o = (s % SECTORS_PER_PAGE) * SECTOR_SIZE;
      const from = srcOffset + (s - sector) * SECTOR_SIZE;
      page.set(src.subarray(from, from + SECTOR_SIZE), o);
      let h = 0x12345678;
      for (let i = 0; i < SECTOR_SIZE; i += 4) {
        h = Math.imul(h ^ (page[o + i] | (page[o + i + 1] << 8) | (page[o + i + 2] << 16) | (page[o + i + 3] << 24)), 0x9e3779b1);
        h = (h << 13) | (h >>> 19);
      }
      h = fmix(h) || 1;
      const old = this.written.get(s);
      if (old !== undefined) this.contentSum = (this.contentSum - mix4(s, old, 0, 0)) | 0;
      this.written.set(s, h);
      this.contentSum = (this.contentSum + mix4(s, h, 0, 0)) | 0;
    }
  }

  equalsWords(sector: number, count: number, other: Int32Array, wordOffset: number): boolean {
    for (let s = 0; s < count; s++) {
      const p = Math.floor((sector + s) / SECTORS_PER_PAGE);
      const page = this.pages[p];
      const base = wordOffset + (s * SECTOR_SIZE) / 4;
      if (page === null) {
        for (let i = 0; i < SECTOR_SIZE / 4; i++) if (other[base + i] !== 0) return false;
        continue;
      }
      // Pages are 4096-byte Uint8Arrays of their own buffers (or slices): view them as words.
      const words = new Int32Array(page.buffer, page.byteOffset + ((sector + s) % SECTORS_PER_PAGE) * SECTOR_SIZE, SECTOR_SIZE / 4);
      for (let i = 0; i < SECTOR_SIZE / 4; i++) if (words[i] !== other[base + i]) return false;
    }
    return true;
  }

  byteAt(offset: number): number {
    const page = this.pages[Math.floor(offset / PAGE)] ?? ZERO_PAGE;
    return page[offset % PAGE];
  }

  /** A copy of `length` bytes from `offset` (the file system checks read the partition with it). */
  slice(offset: number, length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let o = 0; o < length; ) {
      const p = Math.floor((offset + o) / PAGE);
      const within = (offset + o) % PAGE;
      const n = Math.min(PAGE - within, length - o);
      const page = this.pages[p];
      if (page) out.set(page.subarray(within, within + n), o);
      o += n;
    }
    return out;
  }

  fingerprint(h: Hasher64): void {
    h.int(this.contentSum);
  }
}
