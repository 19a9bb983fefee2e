import test from 'ava';
import fc from 'fast-check';
import { label } from '../../../sim/labels.js';
import { RandomStrategy } from '../../../sim/strategy/random.js';
import type { Strategy } from '../../../sim/strategy/strategy.js';
import { holds } from '../../helpers/system.js';

const L = label('test.random');

const draw = (seed: number, count: number, n: number): number[] => {
  const s: Strategy = new RandomStrategy(seed);
  return Array.from({ length: count }, (_, i) => s.next(L, n, -1, i));
};

test('engine: random strategy: same seed ⇒ same sequence (law test over seeds)', (t) => {
  holds(t, fc.property(fc.nat(), fc.integer({ min: 2, max: 1000 }), (seed, n) => JSON.stringify(draw(seed, 64, n)) === JSON.stringify(draw(seed, 64, n))));
});

test('engine: random strategy: seed 1 gives the same first choices as always (pinned)', (t) => {
  // A change here means every recorded seed names a different run: bump the replay format then.
  t.deepEqual(draw(1, 8, 1000), [878, 581, 502, 0, 943, 951, 340, 650]);
});

test('engine: random strategy: different seeds give different sequences', (t) => {
  holds(t, fc.property(fc.nat(), fc.nat(), (x, y) => x === y || JSON.stringify(draw(x, 32, 1000)) !== JSON.stringify(draw(y, 32, 1000))));
  const firsts = new Set(Array.from({ length: 100 }, (_, seed) => draw(seed, 16, 1 << 20).join(',')));
  t.is(firsts.size, 100);
});

test('engine: random strategy: uniform choices stay in range and use every option', (t) => {
  const vs = draw(7, 5000, 6);
  t.true(vs.every((v) => Number.isInteger(v) && v >= 0 && v < 6));
  for (let k = 0; k < 6; k++) {
    const c = vs.filter((v) => v === k).length;
    t.true(c > 600 && c < 1100, `option ${k} drawn ${c} times of 5000`);
  }
});

test('engine: random strategy: chance honours its probability', (t) => {
  const s: Strategy = new RandomStrategy(3);
  let ones = 0;
  for (let i = 0; i < 10000; i++) ones += s.next(L, 2, 0.1, i);
  t.true(ones > 800 && ones < 1200, `${ones} faults in 10000 at p = 0.1`);
  const always: Strategy = new RandomStrategy(4);
  for (let i = 0; i < 100; i++) t.is(always.next(L, 2, 1, i), 1);
  const never: Strategy = new RandomStrategy(5);
  for (let i = 0; i < 100; i++) t.is(never.next(L, 2, 0, i), 0);
});
