/**
 * fast-check drives the simulator: it generates choice streams (mostly defaults), and when a
 * property fails it shrinks the stream, which shrinks the run.
 */
import test from 'ava';
import fc from 'fast-check';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findingOf, replay, runChoices, runSeed, writeReplay } from 'eclipse-sim';
import { choiceStreams, noViolation, seeds } from 'eclipse-sim/fast-check';

const out = mkdtempSync(join(tmpdir(), 'eclipse-sim-fc-'));

test('the reference design holds under generated choice streams', (t) => {
  fc.assert(noViolation('virtio-small', { maxLength: 200 }), { numRuns: 40, seed: 42 });
  t.pass();
});

test('the reference design holds on generated seeds', (t) => {
  fc.assert(fc.property(seeds(), (seed) => runSeed('virtio-smoke', seed).violation === null), { numRuns: 20, seed: 7 });
  t.pass();
});

test('a planted bug: fast-check finds a failing stream and shrinks it to a few non-default choices', (t) => {
  const scenario = 'virtio-small';
  // The EVENT_IDX threshold off by one: interrupts are suppressed one completion too long.
  const options = { mutants: ['event-idx-off-by-one'] };
  const r = fc.check(fc.property(choiceStreams({ maxLength: 200 }), (c) => runChoices(scenario, c, options).violation === null), { numRuns: 200, seed: 1 });
  t.true(r.failed, 'the property fails');
  t.true(r.numShrinks > 0, 'fast-check shrank the stream');
  const stream = r.counterexample![0];
  const run = runChoices(scenario, stream, options);
  t.is(run.violation?.check, 'L-VQ-02');
  // Shrunk: the all-default run passes, and the counterexample needs only a choice or two.
  t.is(runChoices(scenario, [], options).violation, null);
  t.true(stream.filter((v) => v !== 0).length <= 2, `shrunk stream ${JSON.stringify(stream)}`);
  // The counterexample becomes a replay file like any other finding.
  const path = writeReplay(findingOf(run), out);
  t.true(replay(path).reproduced);
});
