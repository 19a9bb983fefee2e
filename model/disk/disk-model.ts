import type { Hasher64 } from '../../sim/hash.js';

/**
 * What the device needs of a disk (kernel.md §3.1): 512-byte sectors, a completed write is
 * durable. Two implementations: `Disk` (dense, every sector a pattern of its number; the block
 * workload) and `SparseDisk` (an image placed at an offset, untouched space reading as zeros; the
 * file system, where eclipse-b's partition starts 512 MiB into the disk).
 */
export interface DiskModel {
  readonly sectors: number;
  /** Back to the initial contents (start of a run; not at a reboot, which keeps the disk). */
  reset(): void;
  read(sector: number, count: number, dst: Uint8Array, dstOffset: number): void;
  write(sector: number, count: number, src: Uint8Array, srcOffset: number): void;
  /** True when `count` sectors at `sector` equal `other` (32-bit words) from `wordOffset`. */
  equalsWords(sector: number, count: number, other: Int32Array, wordOffset: number): boolean;
  /** The byte at a disk offset. */
  byteAt(offset: number): number;
  fingerprint(h: Hasher64): void;
}
