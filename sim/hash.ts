/**
 * A 64-bit hash kept as two independent 32-bit lanes (murmur3-style mixing with different seeds).
 * Used for the running trace hash and for state fingerprints. Integer-only: no allocation, no
 * strings, so it is cheap enough to run after every event.
 */
export class Hasher64 {
  /** High lane. */
  h1 = 0x243f6a88 | 0;
  /** Low lane. */
  h2 = 0x85a308d3 | 0;

  reset(): void {
    this.h1 = 0x243f6a88 | 0;
    this.h2 = 0x85a308d3 | 0;
  }

  /** Mixes one 32-bit integer (the low 32 bits of `x`). */
  int(x: number): void {
    let k1 = Math.imul(x | 0, 0xcc9e2d51);
    k1 = (k1 << 15) | (k1 >>> 17);
    k1 = Math.imul(k1, 0x1b873593);
    let h1 = this.h1 ^ k1;
    h1 = (h1 << 13) | (h1 >>> 19);
    this.h1 = (Math.imul(h1, 5) + 0xe6546b64) | 0;

    let k2 = Math.imul(x | 0, 0x85ebca6b);
    k2 = (k2 << 16) | (k2 >>> 16);
    k2 = Math.imul(k2, 0xc2b2ae35);
    let h2 = this.h2 ^ k2;
    h2 = (h2 << 17) | (h2 >>> 15);
    this.h2 = (Math.imul(h2, 9) + 0x2f1b3c4d) | 0;
  }

  /** Mixes a non-negative integer up to 2^53 (for example a time in microseconds). */
  num(x: number): void {
    this.int(x | 0);
    this.int((x / 4294967296) | 0);
  }

  /** Mixes `len` bytes of `bytes` from `offset`, four at a time where aligned. */
  bytes(bytes: Uint8Array, offset: number, len: number): void {
    let i = offset;
    const end = offset + len;
    for (; i + 4 <= end; i += 4) {
      this.int(bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24));
    }
    for (; i < end; i++) this.int(bytes[i]);
    this.int(len);
  }

  /**
   * Mixes `count` 32-bit words of `words` from `start`: a fast single-lane pass (multiply-rotate,
   * `wordLanes`) whose result, with the count, is fed to both lanes. For bulk memory such as 4 KiB
   * buffers.
   */
  words(words: Int32Array, start: number, count: number): void {
    wordLanes(words, start, count, LANES, 0);
    this.lanes(LANES[0], LANES[1], count);
  }

  /** Mixes what `words` mixes for `count` words whose wordLanes were computed (and cached) earlier. */
  lanes(a: number, b: number, count: number): void {
    this.int(a);
    this.int(b);
    this.int(count);
  }

  /** Mixes a string (only for rare, non-hot use such as parameters). */
  str(s: string): void {
    for (let i = 0; i < s.length; i++) this.int(s.charCodeAt(i));
    this.int(s.length);
  }

  /** Final avalanche of both lanes; returns 16 lowercase hex digits. */
  hex(): string {
    return hex32(fmix(this.h1 ^ this.h2)) + hex32(fmix(this.h2 + Math.imul(this.h1, 31)));
  }
}

const LANES = new Int32Array(2);

/** The single-lane pass of `Hasher64.words` over `count` words from `start`, into out[at], out[at + 1]. */
export function wordLanes(words: Int32Array, start: number, count: number, out: Int32Array, at: number): void {
  let a = 0x6a09e667 | 0;
  let b = 0x3c6ef372 | 0;
  const end = start + count;
  let i = start;
  for (; i + 2 <= end; i += 2) {
    a = Math.imul(a ^ words[i], 0x9e3779b1);
    a = (a << 13) | (a >>> 19);
    b = Math.imul(b ^ words[i + 1], 0x85ebca77);
    b = (b << 17) | (b >>> 15);
  }
  if (i < end) a = Math.imul(a ^ words[i], 0xc2b2ae3d);
  out[at] = a;
  out[at + 1] = b;
}

/** murmur3 finaliser. */
export function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h | 0;
}

function hex32(x: number): string {
  return (x >>> 0).toString(16).padStart(8, '0');
}

/** Hash of a few integers as one 32-bit value (order-sensitive); for commutative set hashing. */
export function mix4(a: number, b: number, c: number, d: number): number {
  let h = 0x9e3779b9 | 0;
  h = fmix(h ^ Math.imul(a | 0, 0xcc9e2d51));
  h = fmix(h ^ Math.imul(b | 0, 0x1b873593));
  h = fmix(h ^ Math.imul(c | 0, 0xe6546b64));
  h = fmix(h ^ Math.imul(d | 0, 0x85ebca6b));
  return h;
}
