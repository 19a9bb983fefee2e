import test from 'ava';
import { Chooser } from '../../sim/chooser.js';
import { label, labelId, labelName, type Label } from '../../sim/labels.js';
import type { Strategy } from '../../sim/strategy/strategy.js';

class Recorder implements Strategy {
  readonly calls: Array<[Label, number, number, number]> = [];
  next(l: Label, n: number, probability: number, index: number): number {
    this.calls.push([l, n, probability, index]);
    return n - 1;
  }
}

const A = label('test.chooser.a');
const B = label('test.chooser.b');

test('engine: chooser: a choice among one option (or none) answers 0 and is not recorded', (t) => {
  const s = new Recorder();
  const ch = new Chooser(s);
  t.is(ch.choose(A, 1), 0);
  t.is(ch.choose(A, 0), 0);
  t.is(ch.log.length, 0);
  t.is(s.calls.length, 0, 'the strategy is not even asked');
});

test('engine: chooser: choices with n > 1 are recorded with label, value and option count, indexed in order', (t) => {
  const s = new Recorder();
  const ch = new Chooser(s);
  t.is(ch.choose(A, 3), 2);
  ch.choose(B, 1);
  t.is(ch.choose(B, 5), 4);
  t.deepEqual(ch.log.labelsArray(), [A, B]);
  t.deepEqual(ch.log.valuesArray(), [2, 4]);
  t.deepEqual([...ch.log.counts.subarray(0, ch.log.length)], [3, 5]);
  t.deepEqual(s.calls.map((c) => c[3]), [0, 1], 'the strategy sees the index of the recorded choice');
  t.deepEqual(s.calls.map((c) => c[2]), [-1, -1], 'uniform choices have probability −1');
});

test('engine: chooser: chance is a recorded two-way branch, skipped when the probability is 0', (t) => {
  const s = new Recorder();
  const ch = new Chooser(s);
  t.is(ch.chance(A, 0), 0);
  t.is(ch.chance(A, -1), 0);
  t.is(ch.chance(A, Number.NaN), 0);
  t.is(ch.log.length, 0);
  t.is(ch.chance(B, 0.25), 1);
  t.deepEqual(s.calls, [[B, 2, 0.25, 0]]);
  t.is(ch.log.counts[0], 2);
});

test('engine: chooser: a delay is recorded as the uniform choice among its options; nextDelay hears what it delays', (t) => {
  const plain = new Recorder();
  const ch = new Chooser(plain);
  t.is(ch.chooseDelay(A, [30, 10, 20], 7, 3, 100), 2, 'a strategy without nextDelay is asked next(label, n)');
  t.deepEqual(plain.calls, [[A, 3, -1, 0]]);
  t.is(ch.chooseDelay(A, [5], 7, 3, 100), 0, 'one option: no choice');
  t.is(ch.log.length, 1);
  const heard: unknown[] = [];
  const aware = new Chooser({ next: () => t.fail('not asked'), nextDelay: (l, o, kind, instance, now, index) => (heard.push([l, Array.from(o), kind, instance, now, index]), 1) } as Strategy);
  aware.choose(B, 1);
  t.is(aware.chooseDelay(B, [30, 10, 20], 7, 3, 100), 1);
  t.deepEqual(heard, [[B, [30, 10, 20], 7, 3, 100, 0]]);
  t.deepEqual([aware.log.labelsArray(), aware.log.valuesArray(), [...aware.log.counts.subarray(0, 1)]], [[B], [1], [3]], 'the same record as choose(B, 3) answering 1');
});

test('engine: chooser: reset starts a new log (and may swap the strategy)', (t) => {
  const ch = new Chooser(new Recorder());
  ch.choose(A, 2);
  const other = new Recorder();
  ch.reset(other);
  t.is(ch.log.length, 0);
  t.is(ch.strategy, other);
  ch.choose(A, 2);
  t.is(other.calls[0][3], 0);
});

test('engine: chooser: the log grows past its initial capacity without losing choices', (t) => {
  const ch = new Chooser({ next: (_l, n, _p, i) => i % n });
  for (let i = 0; i < 1000; i++) ch.choose(A, 7);
  t.is(ch.log.length, 1000);
  t.deepEqual(ch.log.valuesArray(), Array.from({ length: 1000 }, (_, i) => i % 7));
});

test('engine: labels: interning is idempotent and names round-trip', (t) => {
  t.is(label('test.chooser.a'), A);
  t.is(labelName(A), 'test.chooser.a');
  t.is(labelId('test.chooser.b'), B);
  t.is(labelId('test.chooser.never-registered'), undefined);
  t.is(labelName(1_000_000), 'label#1000000');
});
