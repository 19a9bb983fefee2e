import test from 'ava';
import { Campaign } from '../../sim/campaign.js';
import { MUTANTS, MutantSet, mutantInfo } from '../../model/mutants.js';
import { findingFrom, makeSystem, replayDocument } from '../../scenarios/operations.js';
import { parseReplay, replayToText } from '../../scenarios/replay-file.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { target } from '../helpers/system.js';

const MAX_SEEDS = 2000;
/**
 * wrap-compare only bites once the 16-value indices of virtio-wrap wrap; a file-system mutant needs
 * the file system (fs-read); no-reparent needs parents that exit before their children (orphans),
 * fork-fd-no-incref a parent with an open file that forks (fork-wait); the service-manager and IPC
 * mutants need the whole system; every other one runs on virtio-stress.
 */
const SCENARIO_FOR: Record<string, string> = {
  'wrap-compare': 'virtio-wrap',
  'no-reparent': 'orphans',
  'fork-fd-no-incref': 'fork-wait',
  // The service manager and IPC need the whole system: crashes and failed starts, or slow starts.
  'ipc-dead-peer-blocks': 'service-crash-loop',
  'intensity-off-by-one': 'service-crash-loop',
  'crash-in-starting-stuck': 'service-crash-loop',
  'dependency-not-ready': 'dependency-slow',
  'backoff-reset-on-start': 'service-crash-loop',
};
const scenarioFor = (mutant: string) => SCENARIO_FOR[mutant] ?? (mutantInfo(mutant)?.subsystem === 'file system' ? 'fs-read' : 'virtio-stress');

const VIRTIO_MUTANTS = [
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
];

test('mutants: the zoo has the twelve VirtIO mutants and inode-off-by-one, each with catchers from the catalogue', (t) => {
  const names = MUTANTS.map((m) => m.name);
  t.deepEqual(names.filter((n) => VIRTIO_MUTANTS.includes(n)), VIRTIO_MUTANTS, 'every VirtIO mutant, in catalogue order');
  t.is(new Set(names).size, names.length, 'names are unique');
  const inode = mutantInfo('inode-off-by-one');
  t.is(inode?.subsystem, 'file system');
  t.deepEqual(inode?.catchers, ['S-FS-03']);
  t.true(mutantInfo('ioerr-as-ok')!.catchers.includes('S-FS-03'), 'ioerr-as-ok is also caught through the file system');
  for (const m of MUTANTS) {
    t.true(m.catchers.length > 0);
    t.is(mutantInfo(m.name), m);
  }
  t.is(mutantInfo('no-such-mutant'), undefined);
  const set = new MutantSet(['wrap-compare']);
  t.true(set.wrapCompare);
  t.false(set.moduloIndex);
  t.false(set.inodeOffByOne);
  t.true(new MutantSet(['inode-off-by-one']).inodeOffByOne);
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

// The file-system scenarios' clean campaigns are in test/scenarios/fs-scenarios.test.ts.
for (const scenario of SCENARIOS.filter((s) => !s.params.fs)) {
  test(`mutants: none: reference runs clean on ${scenario.name} for 200 seeds`, (t) => {
    const c = new Campaign(makeSystem(target({ scenario: scenario.name })));
    c.runSeeds(1, 201);
    t.is(c.runs, 200);
    t.deepEqual(c.orderedFindings().map((f) => `seed ${f.seed}: ${f.check}: ${f.violation.message}`), []);
    t.true(c.steps > 200 * 20, 'the runs did work');
  });
}
