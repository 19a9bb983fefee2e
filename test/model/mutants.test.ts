import test from 'ava';
import { Campaign } from '../../sim/campaign.js';
import { MUTANTS, MutantSet, mutantInfo } from '../../model/mutants.js';
import { findingFrom, makeSystem, replayDocument } from '../../scenarios/operations.js';
import { parseReplay, replayToText } from '../../scenarios/replay-file.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { target } from '../helpers/system.js';

const MAX_SEEDS = 2000;
/** wrap-compare only bites once the 16-value indices of virtio-wrap wrap. */
const scenarioFor = (mutant: string) => (mutant === 'wrap-compare' ? 'virtio-wrap' : 'virtio-stress');

test('mutants: the zoo has the twelve VirtIO mutants, each with catchers from the catalogue', (t) => {
  t.is(MUTANTS.length, 12);
  t.deepEqual(MUTANTS.map((m) => m.name), [
    'publish-before-fill',
    'idx-before-status',
    'wrap-compare',
    'modulo-index',
    'leak-on-error',
    'double-complete',
    'event-idx-off-by-one',
    'single-pop-per-irq',
    'spurious-irq-assert',
    'kick-before-driver-ok',
    'ioerr-as-ok',
    'sector-units',
  ]);
  for (const m of MUTANTS) {
    t.true(m.catchers.length > 0);
    t.is(mutantInfo(m.name), m);
  }
  t.is(mutantInfo('no-such-mutant'), undefined);
  const set = new MutantSet(['wrap-compare']);
  t.true(set.wrapCompare);
  t.false(set.moduloIndex);
});

for (const mutant of MUTANTS) {
  const scenario = scenarioFor(mutant.name);
  test(`mutants: ${mutant.name}: a random campaign on ${scenario} fails ${mutant.catchers.join(' or ')}, and the shrunk replay reproduces it`, (t) => {
    const tg = target({ scenario, mutants: [mutant.name] });
    const campaign = new Campaign(makeSystem(tg));
    let seed = 1;
    // Stop at the first violating seed.
    for (; seed <= MAX_SEEDS && campaign.failedRuns === 0; seed++) campaign.runSeeds(seed, seed + 1);
    const [first] = campaign.orderedFindings();
    if (!first) {
      t.fail(`no violation in ${MAX_SEEDS} seeds`);
      return;
    }
    t.true(mutant.catchers.includes(first.check), `seed ${first.seed} failed ${first.check}: ${first.violation.message}`);

    const finding = findingFrom(tg, makeSystem(tg), { ...first }, 1000);
    t.is(finding.check, first.check);
    t.is(finding.violation.check, first.check, 'shrinking keeps the check');
    t.true(finding.replay.choices.length <= first.choices.length);
    t.deepEqual(finding.replay.mutants, [mutant.name]);
    t.is(finding.replay.seed, first.seed);

    // The document, through its text form, reproduces the same check at the same step and hash.
    const doc = parseReplay(replayToText(finding.replay), 'test');
    const { result } = replayDocument(doc);
    t.is(result.violation?.check, finding.violation.check);
    t.is(result.violation?.step, finding.violation.step);
    t.is(result.traceHash, finding.replay.traceHash);
  });
}

for (const scenario of SCENARIOS) {
  test(`mutants: none: reference runs clean on ${scenario.name} for 200 seeds`, (t) => {
    const c = new Campaign(makeSystem(target({ scenario: scenario.name })));
    c.runSeeds(1, 201);
    t.is(c.runs, 200);
    t.deepEqual(c.orderedFindings().map((f) => `seed ${f.seed}: ${f.check}: ${f.violation.message}`), []);
    t.true(c.steps > 200 * 20, 'the runs did work');
  });
}
