import test from 'ava';
import { Chooser } from '../../../sim/chooser.js';
import { label } from '../../../sim/labels.js';
import { ReplayDivergence, ReplayStrategy } from '../../../sim/strategy/replay.js';
import { DfsStrategy } from '../../../sim/strategy/dfs.js';

const A = label('test.replay.a');
const B = label('test.replay.b');

test('engine: replay strategy: answers the recording, then 0 past its end', (t) => {
  const ch = new Chooser(new ReplayStrategy([2, 1, 3], [A, B, A], true));
  t.is(ch.choose(A, 3), 2);
  t.is(ch.choose(B, 2), 1);
  t.is(ch.choose(A, 4), 3);
  t.is(ch.choose(B, 9), 0, 'past the end: the default');
  t.is(ch.chance(A, 0.5), 0);
});

test('engine: replay strategy: strict replay throws ReplayDivergence on a label mismatch', (t) => {
  const ch = new Chooser(new ReplayStrategy([0, 1], [A, B], true));
  ch.choose(A, 2);
  const e = t.throws(() => ch.choose(A, 2), { instanceOf: ReplayDivergence });
  t.is(e?.index, 1);
  t.is(e?.expected, 'test.replay.b');
  t.is(e?.actual, 'test.replay.a');
  t.regex(e?.message ?? '', /choice 1/);
});

test('engine: replay strategy: strict replay throws on a value out of range', (t) => {
  const ch = new Chooser(new ReplayStrategy([5], [A], true));
  t.throws(() => ch.choose(A, 3), { instanceOf: ReplayDivergence });
  const unlabelled = new Chooser(new ReplayStrategy([5], null, true));
  t.throws(() => unlabelled.choose(B, 3), { instanceOf: ReplayDivergence });
});

test('engine: replay strategy: lenient replay clamps into range and ignores labels', (t) => {
  const ch = new Chooser(new ReplayStrategy([5, -2, 1], [A, A, A], false));
  t.is(ch.choose(B, 3), 2);
  t.is(ch.choose(B, 3), 0);
  t.is(ch.choose(B, 3), 1);
});

test('engine: dfs strategy: follows its prefix (clamped), then takes 0', (t) => {
  const s = new DfsStrategy();
  s.setPrefix(Int32Array.from([1, 4, 2]), 2);
  const ch = new Chooser(s);
  t.is(ch.choose(A, 3), 1);
  t.is(ch.choose(A, 3), 2, 'clamped to n − 1');
  t.is(ch.choose(A, 3), 0, 'beyond the prefix length, whatever the array holds');
});
