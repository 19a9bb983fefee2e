import test from 'ava';
import { Campaign } from '../../sim/campaign.js';
import { makeCampaignSystem, makeSystem, runSeed } from '../../scenarios/operations.js';
import { target } from '../helpers/system.js';

test('campaign: results depend only on the seeds run, not on slicing', (t) => {
  const tg = target({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] });
  const whole = new Campaign(makeSystem(tg));
  whole.runSeeds(1, 61);
  const sliced = new Campaign(makeSystem(tg));
  for (let s = 1; s < 61; s += 7) sliced.runSeeds(s, Math.min(s + 7, 61));
  t.is(sliced.runs, 60);
  t.is(sliced.runs, whole.runs);
  t.is(sliced.steps, whole.steps);
  t.is(sliced.failedRuns, whole.failedRuns);
  t.deepEqual(sliced.orderedFindings(), whole.orderedFindings());
});

test('campaign: the first failing seed of each check, with a count, matching single-seed runs', (t) => {
  const tg = target({ scenario: 'virtio-small', mutants: ['ioerr-as-ok'] });
  const c = new Campaign(makeSystem(tg));
  c.runSeeds(1, 41);
  const findings = c.orderedFindings();
  t.true(findings.length >= 1);
  let failing = 0;
  let steps = 0;
  const firstSeed = new Map<string, number>();
  for (let seed = 1; seed <= 40; seed++) {
    const r = runSeed(tg, seed).result;
    steps += r.steps;
    if (!r.violation) continue;
    failing++;
    if (!firstSeed.has(r.violation.check)) firstSeed.set(r.violation.check, seed);
  }
  t.is(c.failedRuns, failing);
  t.is(c.steps, steps);
  t.is(findings.reduce((a, f) => a + f.count, 0), failing);
  for (const f of findings) {
    t.is(f.seed, firstSeed.get(f.check) ?? -1);
    const r = runSeed(tg, f.seed).result;
    t.is(r.traceHash, f.traceHash);
    t.deepEqual(r.choices, f.choices);
  }
  t.true(findings.every((f, i) => i === 0 || findings[i - 1].seed <= f.seed), 'ordered by first failing seed');
});

test('campaign: findings come in the order they failed (first seed, then step), not in check-id order', (t) => {
  // eclipse-b breaks several process checks in its first run, at different steps.
  const tg = target({ scenario: 'proc-small', profile: 'eclipse-b' });
  const c = new Campaign(makeCampaignSystem(tg));
  c.runSeeds(1, 3);
  const f = c.orderedFindings();
  t.true(f.length >= 3, `${f.length} findings`);
  for (let i = 1; i < f.length; i++) {
    const a = f[i - 1];
    const b = f[i];
    t.true(a.seed < b.seed || (a.seed === b.seed && a.violation.step <= b.violation.step), `${a.check}@${a.seed}:${a.violation.step} before ${b.check}@${b.seed}:${b.violation.step}`);
  }
  const ids = f.map((x) => x.check);
  t.notDeepEqual(ids, [...ids].sort(), 'this campaign fails its checks out of id order, so the test can tell the orders apart');
});
