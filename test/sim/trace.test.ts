import test from 'ava';
import { Trace } from '../../sim/trace.js';

test('engine: trace: the hash covers every record whether or not records are kept', (t) => {
  const kept = new Trace();
  const unkept = new Trace();
  kept.reset(Infinity);
  unkept.reset(0);
  for (let i = 0; i < 3000; i++) {
    kept.record(i, i * 2, i % 7, i, -i, 0);
    unkept.record(i, i * 2, i % 7, i, -i, 0);
  }
  t.is(kept.hex(), unkept.hex());
  const all = [...kept.records()];
  t.is(all.length, 3000, 'kept all, growing past the initial 1024');
  t.deepEqual(all[2999], { step: 2999, time: 5998, kind: 2999 % 7, a: 2999, b: -2999, c: 0 });
  t.is([...unkept.records()].length, 0);
});

test('engine: trace: a ring of K keeps the last K records, oldest first', (t) => {
  const tr = new Trace();
  tr.reset(3);
  for (let i = 1; i <= 5; i++) tr.record(i, i, 0, 0, 0, 0);
  t.deepEqual([...tr.records()].map((r) => r.step), [3, 4, 5]);
  t.is(tr.count, 5);
  tr.reset(3);
  tr.record(9, 9, 0, 0, 0, 0);
  t.deepEqual([...tr.records()].map((r) => r.step), [9]);
});
