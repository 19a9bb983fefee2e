/**
 * The file-system scenarios (scenarios/fs.ts) as the tools run them: random campaigns, the
 * planted file-system bugs and the VirtIO ones seen through the file system, eclipse-b's read bug,
 * exhaustive exploration of fs-small, power loss in fs-write-crash, and a user's image (`--image`)
 * carried through a replay document.
 */
import test from 'ava';
import { Campaign } from '../../sim/campaign.js';
import { Chooser } from '../../sim/chooser.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { writeImage } from '../../model/fs/host/image-writer.js';
import { dir, file, symlink } from '../../model/fs/host/tree.js';
import { P_FS_READ, P_FS_WRITE, P_POWER_LOSS } from '../../model/probes.js';
import { builtInImage, imageHash } from '../../scenarios/fs-images.js';
import { findingFrom, makeExplorer, makeSystem, replayDocument, withImage, type Target } from '../../scenarios/operations.js';
import { SCENARIOS, findScenario } from '../../scenarios/registry.js';
import { parseReplay, replayToText } from '../../scenarios/replay-file.js';
import { target } from '../helpers/system.js';

const FS_SCENARIOS = SCENARIOS.filter((s) => s.params.fs);
/** Seeds of the clean campaign per scenario (the default for any other file-system scenario: 200). */
const CLEAN_SEEDS: Record<string, number> = { 'fs-read': 200, 'fs-write-crash': 200, 'fs-small': 100 };

/** First failing seed of a campaign on `tg` (at most `max` seeds), or null. */
function firstFinding(tg: Target, max = 500) {
  const c = new Campaign(makeSystem(tg));
  for (let seed = 1; seed <= max && c.failedRuns === 0; seed++) c.runSeeds(seed, seed + 1);
  return c.orderedFindings()[0] ?? null;
}

/** The first finding, shrunk into a replay document that goes through its text form and is replayed. */
function findAndReplay(tg: Target, image?: Uint8Array) {
  const first = firstFinding(tg);
  if (!first) return null;
  const finding = findingFrom(tg, makeSystem(tg), { ...first }, 1000);
  const doc = parseReplay(replayToText(finding.replay), 'test');
  const replayed = replayDocument(doc, 0, image).result;
  return { first, finding, doc, replayed };
}

test('fs scenarios: fs-read, fs-write-crash and fs-small are registered, with their built-in images and hashes', (t) => {
  const names = FS_SCENARIOS.map((s) => s.name);
  for (const n of Object.keys(CLEAN_SEEDS)) t.true(names.includes(n), n);
  for (const s of FS_SCENARIOS) {
    const fs = s.params.fs!;
    const img = builtInImage(fs.image);
    t.truthy(img, `${s.name}: image "${fs.image}"`);
    t.is(fs.imageHash, imageHash(img!), `${s.name}: the recorded hash is the image's`);
  }
  t.true(findScenario('fs-small')!.explorable);
  t.is(findScenario('fs-write-crash')!.params.fs!.workload, 'write');
});

for (const s of FS_SCENARIOS) {
  const seeds = CLEAN_SEEDS[s.name] ?? 200;
  test(`fs scenarios: reference runs clean on ${s.name} for ${seeds} seeds`, (t) => {
    const c = new Campaign(makeSystem(target({ scenario: s.name })));
    c.runSeeds(1, seeds + 1);
    t.is(c.runs, seeds);
    t.deepEqual(c.orderedFindings().map((f) => `seed ${f.seed}: ${f.check}: ${f.violation.message}`), []);
    t.true(c.steps > seeds * 50, `${c.steps} steps: the runs did work`);
  });
}

test('fs scenarios: fs-write-crash loses power and reboots (boots = 1 + power losses), writes and reads on, and stays clean', (t) => {
  const system = makeSystem(target({ scenario: 'fs-write-crash' }));
  const m = system.machine;
  const maxBoots = system.params.fs!.maxBoots;
  let rebooted = 0;
  let writes = 0;
  let readsAfterReboot = 0;
  const bootsSeen = new Set<number>();
  for (let seed = 1; seed <= 100; seed++) {
    system.begin(new Chooser(new RandomStrategy(seed)), 0);
    let losses = 0;
    const observe = () => {
      const { buf, count } = m.probes;
      for (let i = 0; i < count; i++) {
        const kind = buf[4 * i];
        if (kind === P_POWER_LOSS) {
          losses++;
          t.is(buf[4 * i + 1], losses, `seed ${seed}: the probe carries the boot that lost power`);
        } else if (kind === P_FS_WRITE) writes++;
        else if (kind === P_FS_READ && losses > 0) readsAfterReboot++;
      }
    };
    while (system.step()) observe();
    observe();
    t.is(system.violation, null, `seed ${seed}: ${system.violation?.check}: ${system.violation?.message}`);
    const boots = m.fsClients!.boots;
    t.is(boots, 1 + losses, `seed ${seed}: boots`);
    t.true(boots <= maxBoots, `seed ${seed}: ${boots} boots ≤ ${maxBoots}`);
    bootsSeen.add(boots);
    if (boots > 1) {
      rebooted++;
      t.true(m.fsClients!.allDone(), `seed ${seed}: the clients finished after the reboot`);
    }
  }
  t.true(rebooted >= 25, `${rebooted} of 100 seeds lost power`);
  t.true(bootsSeen.has(maxBoots), `some seed used every boot (${[...bootsSeen].sort().join(', ')})`);
  // Each seed draws its clients and calls per client (swarm knobs: 1, 2 or 4 clients, 10 or 25
  // calls), so the average run is about 40 % of the scenario's full workload.
  t.true(writes > 400, `${writes} writes`);
  t.true(readsAfterReboot > 40, `${readsAfterReboot} reads after a reboot`);
});

// ---- mutants ----

test('fs scenarios: inode-off-by-one on fs-read is found by S-FS-03, and its replay reproduces it', (t) => {
  const r = findAndReplay(target({ scenario: 'fs-read', mutants: ['inode-off-by-one'] }));
  if (!r) return t.fail('no violation in 500 seeds');
  t.is(r.first.check, 'S-FS-03', r.first.violation.message);
  t.is(r.finding.violation.check, 'S-FS-03');
  t.deepEqual(r.doc.mutants, ['inode-off-by-one']);
  t.is(r.replayed.violation?.check, r.finding.violation.check);
  t.is(r.replayed.violation?.step, r.finding.violation.step);
  t.is(r.replayed.traceHash, r.finding.replay.traceHash);
});

for (const mutant of ['ioerr-as-ok', 'sector-units']) {
  test(`fs scenarios: ${mutant} on fs-read is found; with checks [S-FS-*], by S-FS-03; both replays reproduce`, (t) => {
    for (const checks of [undefined, ['S-FS-*']]) {
      const tg: Target = { ...target({ scenario: 'fs-read', mutants: [mutant] }), checks };
      const r = findAndReplay(tg);
      if (!r) {
        t.fail(`checks ${checks ?? 'all'}: no violation in 500 seeds`);
        continue;
      }
      if (checks) {
        t.is(r.first.check, 'S-FS-03', r.first.violation.message);
        t.deepEqual(r.doc.checks, checks, 'the document records the filter');
      }
      t.is(r.finding.violation.check, r.first.check, 'shrinking keeps the check');
      t.is(r.replayed.violation?.check, r.finding.violation.check);
      t.is(r.replayed.violation?.step, r.finding.violation.step);
      t.is(r.replayed.traceHash, r.finding.replay.traceHash);
    }
  });
}

test('fs scenarios: eclipse-b on fs-read reports S-FS-03 (its read from offset 0)', (t) => {
  const c = new Campaign(makeSystem(target({ scenario: 'fs-read', profile: 'eclipse-b' })));
  c.runSeeds(1, 51);
  const f = c.findings.get('S-FS-03');
  t.truthy(f, `findings: ${c.orderedFindings().map((x) => x.check).join(', ')}`);
  t.true(f!.count >= 10, `${f!.count} of 50 runs`);
  // A read at a non-zero fd offset got other bytes than the file holds there.
  t.regex(f!.violation.message, /^read of "[^"]+" at offset [1-9]\d*/);
  // The same seeds on reference: clean.
  const ref = new Campaign(makeSystem(target({ scenario: 'fs-read' })));
  ref.runSeeds(1, 51);
  t.is(ref.failedRuns, 0);
});

test('fs scenarios: explore fs-small on reference: complete, no violation', (t) => {
  const { explorer, system } = makeExplorer(target({ scenario: 'fs-small' }), { maxDepth: 5000, maxStates: 5e6, maxMemoryBytes: 2 ** 30, stopAtFirstViolation: true });
  t.false(system.params.swarm);
  while (!explorer.advance(1 << 20)) {
    // to the end
  }
  const r = explorer.result;
  t.deepEqual(r.violations.map((v) => `${v.violation.check}: ${v.violation.message}`), []);
  t.true(r.complete);
  t.is(r.stoppedBy, null);
  t.true(r.states > 10_000, `${r.states} states: every interleaving, not one path`);
  t.true(r.maxDepth < 5000);
});

// ---- a user's image ----

const USER_TREE = dir({
  etc: dir({ conf: file('key = value\n'.repeat(40)), empty: file('') }),
  var: dir({ blob: file(Uint8Array.from({ length: 7000 }, (_, i) => (i * 37 + 11) & 0xff)) }),
  l: symlink('/etc/conf'),
});

test('fs scenarios: --image round trip: a mutant finding on a user image replays with that image (same check, step, trace hash)', (t) => {
  const image = writeImage(USER_TREE);
  const tg = withImage(target({ scenario: 'fs-read', mutants: ['inode-off-by-one'] }), image, 'user.img');
  const r = findAndReplay(tg, image);
  if (!r) return t.fail('no violation in 500 seeds');
  t.is(r.first.check, 'S-FS-03');
  t.is(r.doc.parameters.fs!.image, 'file:user.img');
  t.is(r.doc.parameters.fs!.imageHash, imageHash(image));
  t.not(r.doc.parameters.fs!.imageHash, findScenario('fs-read')!.params.fs!.imageHash);
  t.regex(r.finding.violation.message, /"\/(etc|var)\//, 'the violation is about a file of the user image');
  t.is(r.replayed.violation?.check, r.finding.violation.check);
  t.is(r.replayed.violation?.step, r.finding.violation.step);
  t.is(r.replayed.traceHash, r.finding.replay.traceHash);
  // Without the image the document cannot be replayed (its image is not a built-in one).
  t.throws(() => replayDocument(r.doc), { message: /user\.img/ });
});
