import test from 'ava';
import fc from 'fast-check';
import { Hasher64, mix4 } from '../../sim/hash.js';
import { holds } from '../helpers/system.js';

const hashOf = (xs: readonly number[]): string => {
  const h = new Hasher64();
  for (const x of xs) h.int(x);
  return h.hex();
};

test('engine: hash: 16 lowercase hex digits, a function of the input sequence only', (t) => {
  holds(t, fc.property(fc.array(fc.integer()), (xs) => /^[0-9a-f]{16}$/.test(hashOf(xs)) && hashOf(xs) === hashOf([...xs])));
  const h = new Hasher64();
  h.int(5);
  h.reset();
  t.is(h.hex(), hashOf([]), 'reset returns to the empty hash');
});

test('engine: hash: order and value sensitive', (t) => {
  t.not(hashOf([1, 2]), hashOf([2, 1]));
  t.not(hashOf([0]), hashOf([]));
  t.not(hashOf([0, 0]), hashOf([0]));
  const seen = new Set<string>();
  for (let i = 0; i < 10000; i++) seen.add(hashOf([i]));
  t.is(seen.size, 10000);
  t.not(mix4(1, 2, 3, 4), mix4(4, 3, 2, 1));
});

test('engine: hash: num mixes values beyond 32 bits', (t) => {
  const a = new Hasher64();
  a.num(2 ** 40 + 1);
  const b = new Hasher64();
  b.num(1);
  t.not(a.hex(), b.hex());
});
