import test from 'ava';
import fc from 'fast-check';
import { ReplayDivergence } from '../../sim/strategy/replay.js';
import { findingFrom, makeSystem, replayDocument, runSeed, type Finding } from '../../scenarios/operations.js';
import { findScenario } from '../../scenarios/registry.js';
import { makeReplay, parseReplay, REPLAY_FORMAT, ReplayFileError, replayToText, type ReplayFile } from '../../scenarios/replay-file.js';
import { holds, target, type TargetSpec } from '../helpers/system.js';

/** The first failing seed's finding, shrunk (or not). */
function findingFor(spec: TargetSpec, shrinkBudget = 500): Finding {
  const tg = target(spec);
  for (let seed = 1; seed <= 500; seed++) {
    const { result } = runSeed(tg, seed);
    if (!result.violation) continue;
    return findingFrom(tg, makeSystem(tg), { check: result.violation.check, seed, count: 1, choices: result.choices, labels: result.labels, violation: result.violation }, shrinkBudget);
  }
  throw new Error(`no failing seed for ${JSON.stringify(spec)}`);
}

const SMALL_IOERR: TargetSpec = { scenario: 'virtio-small', mutants: ['ioerr-as-ok'] };
const base = findingFor(SMALL_IOERR);
const baseText = replayToText(base.replay);

/** The document as a plain JSON object, edited by `edit`, back to text. */
function edited(edit: (doc: Record<string, unknown>) => void): string {
  const doc = JSON.parse(baseText) as Record<string, unknown>;
  edit(doc);
  return JSON.stringify(doc, null, 2);
}

const rejects = (text: string, pattern: RegExp) => (t: import('ava').ExecutionContext) => {
  const e = t.throws(() => parseReplay(text, 'the-file.json'), { instanceOf: ReplayFileError });
  t.regex(e?.message ?? '', pattern);
  t.false((e?.message ?? '').includes('\n'), 'one line');
  t.true((e?.message ?? '').includes('the-file.json'), 'names the file');
};

for (const spec of [
  SMALL_IOERR,
  { scenario: 'virtio-small', mutants: ['publish-before-fill'] },
  { scenario: 'virtio-stress', mutants: ['leak-on-error'] },
  { scenario: 'virtio-wrap', mutants: ['wrap-compare'] },
  { scenario: 'virtio-small', profile: 'eclipse-b' },
] satisfies TargetSpec[]) {
  test(`replay file: round trip (${spec.scenario}, ${spec.profile ?? 'reference'}, ${spec.mutants?.join('+') ?? 'no mutant'}): text → parse → replay gives the check, step and trace hash`, (t) => {
    const f = findingFor(spec);
    const text = replayToText(f.replay);
    t.true(text.endsWith('}\n'));
    const doc = parseReplay(text, 'mem');
    t.deepEqual(doc, f.replay, 'parse(text(doc)) = doc');
    const { result } = replayDocument(doc);
    t.is(result.violation?.check, f.violation.check);
    t.is(result.violation?.step, f.violation.step);
    t.is(result.traceHash, doc.traceHash);
    t.deepEqual(doc.violation, result.violation);
  });
}

test('replay file: an unshrunk finding replays too, with trailing zero choices dropped', (t) => {
  const f = findingFor(SMALL_IOERR, 0);
  t.true(f.replay.choices.length === 0 || f.replay.choices[f.replay.choices.length - 1][1] !== 0);
  const { result } = replayDocument(parseReplay(replayToText(f.replay), 'mem'));
  t.is(result.violation?.check, f.violation.check);
  t.is(result.violation?.step, f.originalStep, 'unshrunk: the step of the original run');
  t.is(result.traceHash, f.replay.traceHash);
});

test('replay file: a clean run makes a document with no violation that replays clean', (t) => {
  const tg = target({ scenario: 'virtio-smoke' });
  const { result, system } = runSeed(tg, 9);
  t.is(result.violation, null);
  const doc = makeReplay({ scenario: 'virtio-smoke', profile: 'reference', mutants: [], parameters: system.params, seed: 9, choices: result.choices, labels: result.labels, violation: null, traceHash: result.traceHash });
  const again = replayDocument(parseReplay(replayToText(doc), 'mem')).result;
  t.is(again.violation, null);
  t.is(again.traceHash, result.traceHash, 'the same run as seed 9');
  t.is(again.steps, result.steps);
});

test('replay file: labels are interned: one name per distinct label, choices index them', (t) => {
  const doc = base.replay;
  t.is(new Set(doc.labels).size, doc.labels.length);
  t.true(doc.choices.every(([k, v]) => k < doc.labels.length && v >= 0));
  t.is(doc.format, REPLAY_FORMAT);
  t.is(doc.scenario, 'virtio-small');
});

test('replay file: rejects a truncated file (every proper prefix)', (t) => {
  const trimmed = baseText.trimEnd();
  holds(
    t,
    fc.property(fc.integer({ min: 0, max: trimmed.length - 1 }), (n) => {
      try {
        parseReplay(trimmed.slice(0, n), 'f');
        return false;
      } catch (e) {
        return e instanceof ReplayFileError && !e.message.includes('\n');
      }
    }),
    { numRuns: 300 },
  );
  rejects(trimmed.slice(0, Math.floor(trimmed.length / 2)), /truncated/)(t);
  rejects('', /empty/)(t);
});

// Regression (was a bug in scenarios/replay-file.ts, parseReplay): the "truncated" diagnosis requires the text not
// to end with "}", so a file cut right after a nested object's closing brace (for instance after
// the "faults" object) is reported as "not JSON (Expected ',' or '}' …)" instead of "the JSON is
// truncated". Still a ReplayFileError (exit 2), only the wording is off.
test('replay file: a file cut right after a nested closing brace is diagnosed as truncated', (t) => {
  const trimmed = baseText.trimEnd();
  const cut = trimmed.indexOf('}', trimmed.indexOf('"faults"')) + 1;
  rejects(trimmed.slice(0, cut), /truncated/)(t);
});

test('replay file: rejects text that is not JSON', (t) => {
  rejects('hello, world', /not JSON/)(t);
  rejects('{"format": eclipse-sim-replay}', /not JSON/)(t);
});

// Regression (was a bug in scenarios/replay-file.ts, parseReplay): the "not JSON" message embeds V8's JSON.parse
// message, which quotes the start of the input; a newline there makes the message span lines,
// against the documented "one clear line" (the CLI's oneLine() hides it; library callers see it).
// Repro: parseReplay('hello, world\n', 'f') → message contains "\n".
test('replay file: the not-JSON message stays one line for a short file ending in a newline', rejects('hello, world\n', /not JSON/));

test('replay file: rejects JSON that is not a replay file (wrong format field)', (t) => {
  rejects(edited((d) => (d.format = 'something-else')), /"format" must be "eclipse-sim-replay"/)(t);
  rejects('[1, 2, 3]', /"format"/)(t);
  rejects('null', /"format"/)(t);
});

test('replay file: rejects an unknown scenario', rejects(edited((d) => (d.scenario = 'virtio-nope')), /scenario "virtio-nope"/));

test('replay file: rejects an unknown mutant', rejects(edited((d) => (d.mutants = ['ioerr-as-ok', 'no-such-bug'])), /unknown mutant "no-such-bug"/));

test('replay file: rejects an unknown profile', rejects(edited((d) => (d.profile = 'eclipse-c')), /unknown profile "eclipse-c"/));

test('replay file: rejects the parameters of another scenario', (t) => {
  // The file says virtio-smoke but carries virtio-small's parameters, as when the field is edited.
  rejects(edited((d) => (d.scenario = 'virtio-smoke')), /parameters do not match scenario "virtio-smoke"/)(t);
  const smoke = findScenario('virtio-smoke')!.params;
  rejects(edited((d) => (d.parameters = { ...smoke })), /parameters do not match scenario "virtio-small"/)(t);
  rejects(edited((d) => ((d.parameters as Record<string, unknown>).queueSize = 16)), /queueSize/)(t);
});

test('replay file: rejects a choice naming a label index out of range', (t) => {
  rejects(edited((d) => (d.choices = [...(d.choices as unknown[]), [(d.labels as unknown[]).length, 0]])), /names label \d+, but the file has \d+ labels/)(t);
});

test('replay file: rejects schema violations with the field named', (t) => {
  rejects(edited((d) => (d.traceHash = 'xyz')), /traceHash/)(t);
  rejects(edited((d) => (d.choices = [[0, -1]])), /choices/)(t);
  rejects(edited((d) => ((d.parameters as Record<string, unknown>).unknownKnob = 1)), /parameters/)(t);
  rejects(edited((d) => delete d.labels), /labels/)(t);
});

test('replay file: a label mismatch is a ReplayDivergence when replayed (strict replay)', (t) => {
  const doc = JSON.parse(baseText) as ReplayFile;
  t.true(doc.labels.length >= 2);
  const swapped: ReplayFile = { ...doc, labels: [doc.labels[1], doc.labels[0], ...doc.labels.slice(2)] };
  const e = t.throws(() => replayDocument(parseReplay(JSON.stringify(swapped), 'mem')), { instanceOf: ReplayDivergence });
  t.regex(e?.message ?? '', /replay diverged at choice \d+/);
});

test('replay file: a value out of range for its choice is a ReplayDivergence', (t) => {
  const doc = JSON.parse(baseText) as ReplayFile;
  const bumped: ReplayFile = { ...doc, choices: doc.choices.map(([k, v], i) => (i === 0 ? [k, v + 1000] : [k, v])) };
  t.throws(() => replayDocument(parseReplay(JSON.stringify(bumped), 'mem')), { instanceOf: ReplayDivergence });
});
