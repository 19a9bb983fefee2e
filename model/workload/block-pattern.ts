import { fmix } from '../../sim/hash.js';
import { BLOCK_BYTES } from '../virtio/constants.js';

/**
 * The bytes a client writes to `block` on its `version`-th write: a word pattern seeded by both,
 * so a stale, misplaced or torn write is visible as different bytes.
 */
export function fillBlockPattern(bytes: Uint8Array, offset: number, block: number, version: number): void {
  // xorshift32 seeded by (block, version); never zero.
  let x = fmix(Math.imul(block + 1, 0x9e3779b1) ^ Math.imul(version + 1, 0x85ebca77)) | 1;
  for (let i = 0; i < BLOCK_BYTES; i += 4) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[offset + i] = x & 0xff;
    bytes[offset + i + 1] = (x >>> 8) & 0xff;
    bytes[offset + i + 2] = (x >>> 16) & 0xff;
    bytes[offset + i + 3] = (x >>> 24) & 0xff;
  }
}
