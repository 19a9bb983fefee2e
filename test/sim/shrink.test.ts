import test from 'ava';
import { runOnce } from '../../sim/run.js';
import { normalise, shrink } from '../../sim/shrink.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { ReplayStrategy } from '../../sim/strategy/replay.js';
import { makeSystem, runSeed } from '../../scenarios/operations.js';
import { target } from '../helpers/system.js';
import { ToySystem } from '../helpers/toy-system.js';

const shortlexLeq = (a: readonly number[], b: readonly number[]): boolean => {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return true;
};

test('shrink: normalise drops trailing zeros only', (t) => {
  t.deepEqual(normalise([0, 3, 0, 0]), [0, 3]);
  t.deepEqual(normalise([0, 0]), []);
  t.deepEqual(normalise([1]), [1]);
});

test('shrink: toy: a failing sequence shrinks to a shorter one that fails the same check', (t) => {
  // Fails once the choices so far sum to 20 or more (values 0..9).
  const system = new ToySystem({ length: 40, options: 10, bad: (cs) => cs.reduce((a, b) => a + b, 0) >= 20 });
  const original = runOnce(system, new RandomStrategy(11));
  t.is(original.violation?.check, 'TOY-BAD');
  const s = shrink(system, original.choices, 'TOY-BAD');
  t.is(s.result.violation?.check, 'TOY-BAD');
  t.true(shortlexLeq(s.choices, original.choices));
  t.true(s.choices.length <= 4, `shrunk to ${JSON.stringify(s.choices)}`);
  t.true(s.choices.reduce((a, b) => a + b, 0) >= 20);
  t.true(s.attempts > 1);
});

test('shrink: virtio-small with ioerr-as-ok: smaller, same check, and replays strictly to the same step', (t) => {
  const tg = target({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] });
  let seed = 1;
  let found = runSeed(tg, seed).result;
  while (!found.violation && seed < 200) found = runSeed(tg, ++seed).result;
  t.truthy(found.violation, 'some seed below 200 fails');
  const check = found.violation!.check;
  t.is(check, 'S-BLK-05');
  const system = makeSystem(tg);
  const s = shrink(system, found.choices, check, 1000);
  t.is(s.result.violation?.check, check, 'the same check');
  t.true(shortlexLeq(s.choices, normalise(found.choices)), 'shortlex no larger than the original');
  t.true(s.choices.length < found.choices.length, `${s.choices.length} < ${found.choices.length} choices`);
  t.deepEqual(s.choices, normalise(s.choices), 'no trailing zeros');
  t.is(s.labels.length, s.choices.length);
  const again = runOnce(makeSystem(tg), new ReplayStrategy(s.choices, s.labels, true));
  t.is(again.violation?.check, check);
  t.is(again.violation?.step, s.result.violation?.step);
  t.is(again.traceHash, s.result.traceHash);
});

test('shrink: a failure the all-defaults run also shows shrinks to no choices at all, on its first try', (t) => {
  // Fails at the 30th choice when the choices sum to 0 or to 20 or more: a random run fails by its
  // large sum, and so does the run of all defaults. With one attempt beyond the original, span
  // deletion would get only as far as half the choices; the all-defaults try gets to none.
  const system = new ToySystem({ length: 40, options: 10, bad: (cs) => cs.length >= 30 && (cs.every((c) => c === 0) || cs.reduce((a, b) => a + b, 0) >= 20) });
  const original = runOnce(system, new RandomStrategy(3));
  t.is(original.violation?.check, 'TOY-BAD');
  t.true(normalise(original.choices).length > 15);
  const s = shrink(system, original.choices, 'TOY-BAD', 2);
  t.deepEqual(s.choices, []);
  t.is(s.attempts, 2);
  t.is(s.result.violation?.check, 'TOY-BAD');
  t.is(s.result.steps, 30);
});

test('shrink: a failure pinned to one choice’s position shrinks to that choice alone within 60 runs (zeroing spans keeps later choices in place)', (t) => {
  // Fails at step 30 when choice 20 is 7: deleting anything before it moves it, so only zeroing
  // (spans, then single values) can clear the other choices; span by span it takes few runs.
  const system = new ToySystem({ length: 40, options: 10, bad: (cs) => cs.length >= 30 && cs[20] === 7 });
  const failing = Array.from({ length: 30 }, (_, i) => (i === 20 ? 7 : 1 + ((i * 7) % 9)));
  const s = shrink(system, failing, 'TOY-BAD', 60);
  t.deepEqual(s.choices, [...new Array<number>(20).fill(0), 7]);
  t.is(s.result.violation?.step, 30);
});

test('shrink: refuses a sequence that does not fail the named check', (t) => {
  const tg = target({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] });
  // All defaults: no fault strikes, so no I/O error to misreport.
  t.throws(() => shrink(makeSystem(tg), [], 'S-BLK-05'), { message: /does not reproduce S-BLK-05/ });
});

test('shrink: says which budget ended it: none when no edit helps any more, else runs, or the caller’s time (asked before each run)', (t) => {
  const system = new ToySystem({ length: 40, options: 10, bad: (cs) => cs.reduce((a, b) => a + b, 0) >= 20 });
  const original = runOnce(system, new RandomStrategy(11));
  const free = shrink(system, original.choices, 'TOY-BAD');
  t.is(free.stoppedBy, null, 'the unlimited shrink ran to a fixed point');
  t.true(free.attempts > 6);

  t.is(shrink(system, original.choices, 'TOY-BAD', 3).stoppedBy, 'runs');

  // A clock that runs out after the fourth question: the original run, then four tries, then stop.
  let asked = 0;
  const timed = shrink(system, original.choices, 'TOY-BAD', 2000, undefined, () => ++asked > 4);
  t.is(timed.stoppedBy, 'time');
  t.is(timed.attempts, 5, 'the original run and the four runs the clock allowed');
  t.is(asked, 5, 'asked once more, and then no more');
  t.is(timed.result.violation?.check, 'TOY-BAD', 'what it has so far still fails the check');
  t.true(shortlexLeq(free.choices, timed.choices), 'cut short, it is no smaller than the full shrink');
});
