import test from 'ava';
import fc from 'fast-check';
import { distance, indexAdd, indexMask, needEvent, validGeometry } from '../../../model/virtio/index-math.js';
import { holds } from '../../helpers/system.js';

/** Reference arithmetic: the true residue mod 2^W, computed without bit tricks. */
const mod = (x: number, w: number): number => {
  const m = 2 ** w;
  return ((x % m) + m) % m;
};

/**
 * Reference `vring_need_event` by its meaning (VirtIO 1.2 §2.7.10): the other side asked to be
 * told when the index passes `event`, i.e. iff `event` is one of the positions old, old+1, …,
 * new−1 just published (mod 2^W).
 */
function needEventByMeaning(event: number, newIdx: number, oldIdx: number, w: number): boolean {
  const published = mod(newIdx - oldIdx, w);
  for (let k = 0; k < published; k++) if (mod(oldIdx + k, w) === event) return true;
  return false;
}

for (const w of [4, 16]) {
  const m = 2 ** w;
  const mask = indexMask(w);
  const idx = fc.integer({ min: 0, max: m - 1 });

  test(`virtqueue: wrap (W=${w}): the mask is 2^W − 1`, (t) => {
    t.is(mask, m - 1);
  });

  test(`virtqueue: wrap (W=${w}): indexAdd is addition mod 2^W`, (t) => {
    holds(t, fc.property(idx, fc.integer({ min: 0, max: 2 * m }), (a, b) => indexAdd(a, b, mask) === mod(a + b, w)));
    t.is(indexAdd(m - 1, 1, mask), 0);
    t.is(indexAdd(m - 3, 5, mask), 2);
  });

  test(`virtqueue: wrap (W=${w}): distance across 2^W is subtraction mod 2^W`, (t) => {
    holds(t, fc.property(idx, idx, (a, b) => distance(a, b, mask) === mod(a - b, w)));
    // The index that just wrapped is still ahead of the one before the wrap.
    t.is(distance(1, m - 2, mask), 3);
    t.is(distance(m - 2, 1, mask), m - 3);
  });

  test(`virtqueue: wrap (W=${w}): distance undoes indexAdd for every step below 2^W`, (t) => {
    holds(t, fc.property(idx, idx, (b, k) => distance(indexAdd(b, k, mask), b, mask) === k && indexAdd(b, distance(k, b, mask), mask) === k));
  });

  test(`virtqueue: wrap (W=${w}): needEvent iff the event index was just passed`, (t) => {
    // Windows up to 2^W − 1 entries, anywhere on the ring, including across the wrap.
    const window = fc.integer({ min: 0, max: w === 4 ? m - 1 : 64 });
    holds(
      t,
      fc.property(idx, idx, window, (event, oldIdx, k) => {
        const newIdx = mod(oldIdx + k, w);
        return needEvent(event, newIdx, oldIdx, mask) === needEventByMeaning(event, newIdx, oldIdx, w);
      }),
      { numRuns: 500 },
    );
    // Exhaustive at W = 4: every (event, new, old).
    if (w === 4) {
      let cases = 0;
      for (let e = 0; e < m; e++) for (let n = 0; n < m; n++) for (let o = 0; o < m; o++) {
        if (needEvent(e, n, o, mask) !== needEventByMeaning(e, n, o, w)) t.fail(`needEvent(${e}, ${n}, ${o})`);
        cases++;
      }
      t.is(cases, m * m * m);
    }
  });

  test(`virtqueue: wrap (W=${w}): needEvent examples from §2.7.10`, (t) => {
    t.false(needEvent(5, 5, 5, mask), 'nothing published: never notify');
    t.true(needEvent(5, 6, 5, mask), 'published exactly the awaited entry');
    t.false(needEvent(6, 6, 5, mask), 'the awaited entry is the next one, not yet published');
    t.false(needEvent(4, 6, 5, mask), 'the awaited entry was passed in an earlier batch');
    t.true(needEvent(m - 1, 1, m - 2, mask), 'a batch that wraps still contains the awaited entry');
    t.true(needEvent(0, 1, m - 2, mask), 'the entry right after the wrap');
    t.false(needEvent(1, 1, m - 2, mask), 'one past the batch across the wrap');
  });
}

test('virtqueue: geometry: validGeometry accepts exactly powers of two N ≤ 2^(W−1)', (t) => {
  t.true(validGeometry(8, 4));
  t.true(validGeometry(1, 1));
  t.true(validGeometry(8, 16));
  t.true(validGeometry(32768, 16));
  t.false(validGeometry(16, 4), 'N = 2^W leaves no room to tell full from empty');
  t.false(validGeometry(2, 1));
  t.false(validGeometry(65536, 16));
  t.false(validGeometry(0, 4));
  t.false(validGeometry(6, 4), 'not a power of two');
  t.false(validGeometry(-8, 4));
  t.false(validGeometry(8, 0));
  t.false(validGeometry(8, 17), 'W is at most 16 (VirtIO idx fields are 16-bit)');
  const pow2 = (x: number) => x >= 1 && Number.isInteger(Math.log2(x));
  holds(
    t,
    fc.property(fc.integer({ min: -4, max: 70000 }), fc.integer({ min: -1, max: 18 }), (n, w) => {
      const expected = w >= 1 && w <= 16 && pow2(n) && n <= 2 ** (w - 1);
      return validGeometry(n, w) === expected;
    }),
    { numRuns: 2000 },
  );
});
