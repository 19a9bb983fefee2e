import { fmix, mix4, type Hasher64 } from '../../sim/hash.js';
import type { DiskModel } from './disk-model.js';
import { PageVersions } from '../../sim/page-versions.js';
import type { StateDecl } from '../../sim/state-walk.js';

/**
 * The disk (kernel.md §3.1): 512-byte sectors with deterministic initial contents. A completed write
 * is durable. Every sector's initial bytes are a function of its number, so any misdirected read
 * returns visibly different bytes.
 *
 * For speed the image is allocated once per system and reset between runs by restoring only the
 * sectors the run wrote. For fingerprints the disk keeps an order-independent hash of the written
 * sectors' contents, updated on each write; untouched sectors are the same in every run.
 */
export const SECTOR_SIZE = 512;

export class Disk implements DiskModel {
  /**
   * For the fingerprint audit: `dirty` and `dirtyCount` only list the written sectors for `reset`
   * (their order, and what lies past the count, is history); `contentSum` is the incremental
   * fingerprint of `written` and `bytes`. A sector not written in this run holds its initial
   * bytes in every run, so only written sectors' bytes are compared. For snapshots, `bytes` is
   * paged (sim/page-versions.ts): writes and resets stamp the pages they change.
   */
  static readonly stateDecl: StateDecl = {
    fixed: ['sectors', 'pristine'],
    observed: ['pages'],
    dead: ['dirty', 'dirtyCount', 'contentSum'],
    deadRanges: (d: Disk, field: string) => (field === 'bytes' ? d.unwrittenRanges() : null),
    paged: [{ buffer: 'bytes', versions: 'pages' }],
  };

  readonly bytes: Uint8Array;
  /** The same bytes as 32-bit words. */
  readonly words: Int32Array;
  /** The initial image, to restore written sectors from. */
  private readonly pristine: Uint8Array;
  /** Per sector: hash of its contents if written in this run, else 0. */
  private readonly written: Int32Array;
  private readonly dirty: Int32Array;
  private dirtyCount = 0;
  /** Sum over written sectors of mix(sector, content hash); part of the fingerprint. */
  private contentSum = 0;

  constructor(readonly sectors: number) {
    this.bytes = new Uint8Array(sectors * SECTOR_SIZE);
    this.words = new Int32Array(this.bytes.buffer);
    this.written = new Int32Array(sectors);
    this.dirty = new Int32Array(sectors);
    for (let s = 0; s < sectors; s++) fillInitialSector(this.bytes, s);
    this.pristine = this.bytes.slice();
    this.pages = new PageVersions(this.bytes.length, 4096);
  }

  readonly pages: PageVersions;

  /** Restores the initial contents of every sector written since the last reset. */
  reset(): void {
    for (let i = 0; i < this.dirtyCount; i++) {
      const s = this.dirty[i];
      this.pages.touch(s * SECTOR_SIZE, SECTOR_SIZE);
      this.bytes.set(this.pristine.subarray(s * SECTOR_SIZE, (s + 1) * SECTOR_SIZE), s * SECTOR_SIZE);
      this.written[s] = 0;
    }
    this.dirtyCount = 0;
    this.contentSum = 0;
  }

  /** Copies `count` sectors from `sector` into `dst` at `dstOffset`. Caller checks the range. */
  read(sector: number, count: number, dst: Uint8Array, dstOffset: number): void {
    dst.set(this.bytes.subarray(sector * SECTOR_SIZE, (sector + count) * SECTOR_SIZE), dstOffset);
  }

  /** Writes `count` sectors from `src` at `srcOffset`. Durable at once (kernel.md §3.1). */
  write(sector: number, count: number, src: Uint8Array, srcOffset: number): void {
    this.pages.touch(sector * SECTOR_SIZE, count * SECTOR_SIZE);
    this.bytes.set(src.subarray(srcOffset, srcOffset + count * SECTOR_SIZE), sector * SECTOR_SIZE);
    for (let s = sector; s < sector + count; s++) {
      const old = this.written[s];
      if (old === 0) this.dirty[this.dirtyCount++] = s;
      else this.contentSum = (this.contentSum - mix4(s, old, 0, 0)) | 0;
      let h = 0x12345678;
      const w = this.words;
      const base = (s * SECTOR_SIZE) >> 2;
      for (let i = 0; i < SECTOR_SIZE >> 2; i++) {
        h = Math.imul(h ^ w[base + i], 0x9e3779b1);
        h = (h << 13) | (h >>> 19);
      }
      h = fmix(h);
      if (h === 0) h = 1;
      this.written[s] = h;
      this.contentSum = (this.contentSum + mix4(s, h, 0, 0)) | 0;
    }
  }

  /** True when `count` sectors at `sector` equal `other` (32-bit words) from word `wordOffset`. */
  equalsWords(sector: number, count: number, other: Int32Array, wordOffset: number): boolean {
    const base = (sector * SECTOR_SIZE) >> 2;
    const n = (count * SECTOR_SIZE) >> 2;
    const w = this.words;
    for (let i = 0; i < n; i++) if (w[base + i] !== other[wordOffset + i]) return false;
    return true;
  }

  /** The [start, end) byte ranges of sectors not written in this run (for the audit). */
  unwrittenRanges(): number[] {
    const out: number[] = [];
    for (let s = 0; s < this.sectors; s++) {
      if (this.written[s] !== 0) continue;
      const start = s * SECTOR_SIZE;
      if (out.length > 0 && out[out.length - 1] === start) out[out.length - 1] = start + SECTOR_SIZE;
      else out.push(start, start + SECTOR_SIZE);
    }
    return out;
  }

  byteAt(offset: number): number {
    return this.bytes[offset];
  }

  fingerprint(h: Hasher64): void {
    h.int(this.contentSum);
  }
}

/** The initial bytes of a sector: a 32-bit word pattern seeded by the sector number. */
export function fillInitialSector(bytes: Uint8Array, sector: number): void {
  const base = sector * SECTOR_SIZE;
  let x = fmix(sector + 0x51ed2701);
  for (let i = 0; i < SECTOR_SIZE; i += 4) {
    x = fmix(x + i);
    bytes[base + i] = x & 0xff;
    bytes[base + i + 1] = (x >>> 8) & 0xff;
    bytes[base + i + 2] = (x >>> 16) & 0xff;
    bytes[base + i + 3] = (x >>> 24) & 0xff;
  }
}
