import test from 'ava';
import fc from 'fast-check';
import { Chooser } from '../../sim/chooser.js';
import { EventQueue } from '../../sim/event-queue.js';
import { Hasher64 } from '../../sim/hash.js';
import { L_TIE, type Label } from '../../sim/labels.js';
import type { Strategy } from '../../sim/strategy/strategy.js';
import { holds } from '../helpers/system.js';

/** Answers every choice with `pick(n)`, and remembers what it was asked. */
class Fixed implements Strategy {
  readonly asked: Array<{ label: Label; n: number }> = [];
  constructor(private readonly pick: (n: number) => number) {}
  next(label: Label, n: number): number {
    this.asked.push({ label, n });
    return this.pick(n);
  }
}

/** Pops everything; returns the kinds in order. */
function drain(q: EventQueue, chooser: Chooser): Array<{ time: number; kind: number; a: number; b: number }> {
  const out: Array<{ time: number; kind: number; a: number; b: number }> = [];
  while (q.pop(chooser)) out.push({ time: q.poppedTime, kind: q.poppedKind, a: q.poppedA, b: q.poppedB });
  return out;
}

test('engine: event queue: pops in time order and carries the arguments', (t) => {
  const q = new EventQueue();
  q.push(30, 3, 30, -3);
  q.push(10, 1, 10, -1);
  q.push(20, 2, 20, -2);
  const s = new Fixed(() => 0);
  t.deepEqual(drain(q, new Chooser(s)), [
    { time: 10, kind: 1, a: 10, b: -1 },
    { time: 20, kind: 2, a: 20, b: -2 },
    { time: 30, kind: 3, a: 30, b: -3 },
  ]);
  t.is(s.asked.length, 0, 'no tie, no choice');
  t.false(q.pop(new Chooser(s)), 'empty queue');
});

test('engine: event queue: a tie is the chooser’s, option 0 = the earliest scheduled', (t) => {
  const q = new EventQueue();
  // Scheduling order 1, 2, 3 at the same time, with an earlier event first to shuffle storage.
  q.push(1, 0, 0, 0);
  q.push(5, 1, 0, 0);
  q.push(5, 2, 0, 0);
  q.push(5, 3, 0, 0);
  const s = new Fixed(() => 0);
  const ch = new Chooser(s);
  t.deepEqual(drain(q, ch).map((e) => e.kind), [0, 1, 2, 3]);
  t.deepEqual(s.asked, [{ label: L_TIE, n: 3 }, { label: L_TIE, n: 2 }]);
  t.deepEqual(ch.log.labelsArray(), [L_TIE, L_TIE]);
  t.deepEqual(ch.log.valuesArray(), [0, 0]);
});

test('engine: event queue: tie options count in scheduling order (last option = latest scheduled)', (t) => {
  const q = new EventQueue();
  for (let k = 1; k <= 4; k++) q.push(7, k, 0, 0);
  t.deepEqual(drain(q, new Chooser(new Fixed((n) => n - 1))).map((e) => e.kind), [4, 3, 2, 1]);
  // Option 1 each time: the second-earliest scheduled of those left.
  for (let k = 1; k <= 4; k++) q.push(7, k, 0, 0);
  t.deepEqual(drain(q, new Chooser(new Fixed((n) => (n > 1 ? 1 : 0)))).map((e) => e.kind), [2, 3, 4, 1]);
});

test('engine: event queue: with option 0 always, the order is a stable sort by (time, scheduling order)', (t) => {
  holds(
    t,
    fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 0, maxLength: 150 }), (times) => {
      const q = new EventQueue(4);
      times.forEach((time, i) => q.push(time, i, 0, 0));
      const got = drain(q, new Chooser(new Fixed(() => 0))).map((e) => e.kind);
      const expected = times.map((time, i) => ({ time, i })).sort((x, y) => x.time - y.time || x.i - y.i).map((e) => e.i);
      return JSON.stringify(got) === JSON.stringify(expected);
    }),
  );
});

test('engine: event queue: whatever the chooser answers, time never goes backwards and nothing is lost', (t) => {
  holds(
    t,
    fc.property(fc.array(fc.integer({ min: 0, max: 4 }), { maxLength: 80 }), fc.array(fc.nat(), { minLength: 1, maxLength: 40 }), (times, answers) => {
      const q = new EventQueue(2);
      times.forEach((time, i) => q.push(time, i, 0, 0));
      let k = 0;
      const got = drain(q, new Chooser(new Fixed((n) => answers[k++ % answers.length] % n)));
      const sortedTimes = got.map((e) => e.time);
      return got.length === times.length && sortedTimes.every((x, i) => i === 0 || sortedTimes[i - 1] <= x) && new Set(got.map((e) => e.kind)).size === times.length;
    }),
  );
});

test('engine: event queue: peekTime, has, clear, and growth past the initial capacity', (t) => {
  const q = new EventQueue(2);
  t.is(q.peekTime(), Infinity);
  for (let i = 0; i < 100; i++) q.push(100 - i, i % 3, i, 0);
  t.is(q.size, 100);
  t.is(q.peekTime(), 1);
  t.true(q.has(2, 98));
  t.false(q.has(1, 98));
  const got = drain(q, new Chooser(new Fixed(() => 0)));
  t.is(got.length, 100);
  t.is(got[0].a, 99);
  q.push(3, 1, 1, 1);
  q.clear();
  t.is(q.size, 0);
  t.false(q.pop(new Chooser(new Fixed(() => 0))));
});

test('engine: event queue: more than 64 simultaneous events still tie in scheduling order', (t) => {
  const q = new EventQueue();
  for (let i = 0; i < 100; i++) q.push(1, i, 0, 0);
  const s = new Fixed(() => 0);
  t.deepEqual(drain(q, new Chooser(s)).map((e) => e.kind), Array.from({ length: 100 }, (_, i) => i));
  t.is(s.asked[0].n, 100);
});

test('engine: event queue: the fingerprint ignores storage order and sees times relative to now', (t) => {
  const fp = (q: EventQueue, now: number) => {
    const h = new Hasher64();
    q.fingerprint(h, now);
    return h.hex();
  };
  const a = new EventQueue();
  const b = new EventQueue();
  a.push(10, 1, 2, 3);
  a.push(12, 4, 5, 6);
  b.push(12, 4, 5, 6);
  b.push(10, 1, 2, 3);
  t.is(fp(a, 0), fp(b, 0));
  const c = new EventQueue();
  c.push(110, 1, 2, 3);
  c.push(112, 4, 5, 6);
  t.is(fp(c, 100), fp(a, 0), 'the same future seen from another now');
  const d = new EventQueue();
  d.push(10, 1, 2, 3);
  d.push(13, 4, 5, 6);
  t.not(fp(d, 0), fp(a, 0));
});
