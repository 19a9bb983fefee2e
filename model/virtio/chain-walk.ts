/**
 * The device's walk of a descriptor chain (VirtIO 1.2 §2.7.5, §2.7.13.1 device side): from the
 * head, at most N descriptors, every `next` below N, device-readable ones before device-writable
 * ones. What the walk collects stays in reusable scratch arrays (no allocation per request).
 */
import { VIRTQ_DESC_F_NEXT, VIRTQ_DESC_F_WRITE } from './constants.js';
import type { RingMemory } from './ring-memory.js';

/** Why a chain was refused (P_DEVICE_BAD_CHAIN reason). */
export const BAD_HEAD = 1;
export const BAD_NEXT = 2;
export const BAD_LOOP = 3;
export const BAD_ORDER = 4;
export const BAD_SHAPE = 5;

export class ChainWalk {
  /** The walked chain's descriptors, in order: guest address, length, device-writable (0/1). */
  readonly addr: Int32Array;
  readonly len: Int32Array;
  readonly writable: Int32Array;

  constructor(queueSize: number) {
    this.addr = new Int32Array(queueSize);
    this.len = new Int32Array(queueSize);
    this.writable = new Int32Array(queueSize);
  }

  /**
   * Walks the chain at `head` (< n). Returns how many descriptors it has, or −reason (BAD_LOOP,
   * BAD_ORDER, BAD_NEXT) when the chain is malformed.
   */
  walk(mem: RingMemory, head: number, n: number): number {
    let d = head;
    let count = 0;
    let seenWritable = false;
    for (;;) {
      if (count >= n) return -BAD_LOOP;
      const flags = mem.descFlags(d);
      const writable = (flags & VIRTQ_DESC_F_WRITE) !== 0;
      if (seenWritable && !writable) return -BAD_ORDER;
      if (writable) seenWritable = true;
      this.addr[count] = mem.descAddr(d);
      this.len[count] = mem.descLen(d);
      this.writable[count] = writable ? 1 : 0;
      count++;
      if ((flags & VIRTQ_DESC_F_NEXT) === 0) return count;
      const next = mem.descNext(d);
      if (next >= n) return -BAD_NEXT;
      d = next;
    }
  }
}
