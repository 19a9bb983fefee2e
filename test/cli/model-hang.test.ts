/**
 * No model bug can hang the tool (issue 16): a loop past its work bound is a MODEL-HANG with a
 * replay, a campaign run stops within its bound after the first violation, and a loop no bound
 * sees (planted here) is ended by the campaign watchdog, reported with a replay file that
 * reproduces it, and the campaign goes on with the next seeds.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { closeCampaignPool, runCampaign } from '../../cli/campaign-pool.js';
import { isWatchdogHang, replayHang } from '../../cli/watched-run.js';
import { readReplayFile } from '../../cli/files.js';
import { campaignFindings, findingFrom, makeCampaignSystem, makeSystem, replayDocument } from '../../scenarios/operations.js';
import { AFTER_VIOLATION_STEPS } from '../../scenarios/system.js';
import { replayToText } from '../../scenarios/replay-file.js';
import { runOnce } from '../../sim/run.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { MODEL_HANG } from '../../sim/violation.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { cli, tempDir } from '../helpers/cli.js';
import { target } from '../helpers/system.js';
import { HANG_STEP, plantedHangHere } from '../helpers/planted-hang-point.js';

test.after.always(closeCampaignPool);

/** The seeds of [1, 40] whose run reaches the planted loop, found in-process without looping. */
function seedsThatHang(): number[] {
  const system = makeCampaignSystem(target({ scenario: 'virtio-smoke' }));
  const m = system.machine;
  const events = m.events;
  const dispatch = events.dispatch.bind(events);
  let hit = false;
  events.dispatch = (kind: number, a: number, b: number) => {
    if (plantedHangHere(m.sim, kind)) hit = true;
    dispatch(kind, a, b);
  };
  const out: number[] = [];
  for (let seed = 1; seed <= 40; seed++) {
    hit = false;
    runOnce(system, new RandomStrategy(seed));
    if (hit) out.push(seed);
  }
  return out;
}

const PLANTED = pathToFileURL(join(REPO_ROOT, 'dist', 'test', 'helpers', 'planted-hang.js')).href;

test('modulo-index: the device’s slot search past N is a MODEL-HANG, and its replay reproduces it', (t) => {
  // The campaign kept this run going after S-VQ-05; the search for a free slot then never ended.
  const tg = { ...target({ scenario: 'virtio-stress', mutants: ['modulo-index'] }), checks: [MODEL_HANG] };
  const system = makeSystem(tg);
  // The first seed that hangs (each seed draws its own swarm knobs: with few clients, no hang).
  let r = runOnce(system, new RandomStrategy(1));
  for (let seed = 2; seed <= 30 && r.violation?.check !== MODEL_HANG; seed++) r = runOnce(system, new RandomStrategy(seed));
  t.is(r.violation?.check, MODEL_HANG);
  t.regex(r.violation!.message, /device: searching for a free request slot took more than 16 iterations/);
  const f = findingFrom(tg, system, { check: MODEL_HANG, seed: 1, count: 1, choices: r.choices, labels: r.labels, violation: r.violation! }, 0);
  const again = replayDocument(f.replay).result;
  t.is(again.violation?.check, MODEL_HANG);
  t.is(again.violation?.step, f.violation.step);
  t.is(again.traceHash, f.replay.traceHash);
});

test('a campaign run stops within its bound after the first violation', (t) => {
  // publish-before-fill used to run every failing seed of virtio-stress to its 200,000-step bound.
  const system = makeCampaignSystem(target({ scenario: 'virtio-stress', mutants: ['publish-before-fill'] }));
  const r = runOnce(system, new RandomStrategy(3));
  t.truthy(r.violation);
  t.true(r.steps <= r.violation!.step + AFTER_VIOLATION_STEPS, `${r.steps} events, first violation at ${r.violation!.step}`);
  t.true(r.steps < system.params.maxSteps);
});

test('the watchdog ends a planted infinite loop: MODEL-HANG with its seed and a replay file, and the campaign finishes', async (t) => {
  const hang = seedsThatHang();
  t.true(hang.length >= 1 && hang.length < 40, `seeds that hang: ${hang.join(', ')}`);
  const tg = target({ scenario: 'virtio-smoke' });
  const { campaign, stopped } = await runCampaign(tg, 1, 40, 2, { watchdogSeconds: 1, preload: PLANTED });
  t.false(stopped);
  // Every seed is accounted for: the hung ones and all the others, before and after them.
  t.is(campaign.runs, 40);
  const findings = campaignFindings(tg, campaign, 0);
  t.deepEqual(findings.map((f) => f.check), [MODEL_HANG]);
  const f = findings[0];
  t.is(f.seed, hang[0]);
  t.is(f.count, hang.length);
  t.is(f.violation.step, HANG_STEP);
  t.true(isWatchdogHang(f.violation));
  t.deepEqual(f.replay.checks, [MODEL_HANG]);

  const file = join(tempDir('hang'), 'hang.replay.json');
  writeFileSync(file, replayToText(f.replay));
  const doc = readReplayFile(file);
  const planted = await replayHang(doc, undefined, 1000, PLANTED);
  t.true(planted.reproduced);
  t.is(planted.hung?.step, HANG_STEP);
  // Without the planted loop the same choices run to their end: the file is that run's.
  const clean = await replayHang(doc, undefined, 1000);
  t.false(clean.reproduced);
  t.is(clean.finished?.violation, null);
  // The command line knows the file for a watchdog hang and says so honestly: here (no planted
  // loop) it did not occur; --trace prints the events before the recorded one.
  const r = await cli(['replay', file, '--watchdog', '1', '--trace', '--last', '3'], tempDir('hang-cli'));
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /watched \(1 s\)/);
  t.regex(r.stdout, new RegExp(`\\n\\s+${HANG_STEP - 1}\\s`));
  t.notRegex(r.stdout, new RegExp(`\\n\\s+${HANG_STEP}\\s`));
  t.regex(r.stdout, new RegExp(`the recorded MODEL-HANG at step ${HANG_STEP} did not occur: the run finished after`));
});
