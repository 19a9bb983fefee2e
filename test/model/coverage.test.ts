/**
 * The coverage probes (model/coverage.ts): one catalogue of unique names, counters that a hit
 * increments by one and nothing else touches, counters left out of the fingerprint, and campaign
 * totals that do not depend on slicing or on shrinking.
 */
import test from 'ava';
import * as C from '../../model/coverage.js';
import { Campaign } from '../../sim/campaign.js';
import { Hasher64 } from '../../sim/hash.js';
import { findingFrom, makeCampaignSystem, resolveTarget, runSeed } from '../../scenarios/operations.js';
import { coverageRecord, neverHit, sumCoverage } from '../../reports/coverage.js';

test('coverage: the catalogue names every probe once, and the grids point into it', (t) => {
  const names = C.probeNames();
  t.is(names.length, C.PROBE_COUNT);
  t.is(new Set(names).size, names.length);
  for (const id of C.SYSCALL_PROBE) if (id >= 0) t.true(C.probeName(id).startsWith('syscall.'));
  for (const id of C.FAULT_PROBE) if (id >= 0) t.true(C.probeName(id).startsWith('fault.'));
  t.is(C.probeName(C.C_KILL_WAIT), 'kill.target.blocked-in-wait');
});

test('coverage: a hit adds one to its own counter only; clear empties them', (t) => {
  const cov = new C.Coverage();
  cov.hit(C.C_KILL_RECV);
  cov.hit(C.C_KILL_RECV);
  cov.hit(C.C_CACHE_HIT);
  t.is(cov.counts[C.C_KILL_RECV], 2);
  t.is(cov.counts[C.C_CACHE_HIT], 1);
  t.is(cov.counts.reduce((a, b) => a + b, 0), 3);
  cov.clear();
  t.is(cov.counts.reduce((a, b) => a + b, 0), 0);
});

test('coverage: one run of fork-wait counts what it did (syscalls, reaps, cache reads), and the counters are not in the fingerprint', (t) => {
  const { system } = runSeed(resolveTarget('fork-wait', 'reference', []), 1);
  const c = system.coverageCounts();
  t.true(c[C.SYSCALL_PROBE[7 * 4 + C.SO_OK]] > 0, 'fork ok');
  t.true(c[C.C_REAP_WOKEN] + c[C.C_REAP_FOUND] > 0, 'reaps');
  t.true(c[C.C_CACHE_MISS] > 0 && c[C.C_CACHE_READ_OK] > 0, 'cache reads');
  const h1 = new Hasher64();
  system.fingerprint(h1);
  system.machine.coverage.counts[C.C_KILL_WAIT] += 12345;
  const h2 = new Hasher64();
  system.fingerprint(h2);
  t.is(h1.hex(), h2.hex());
});

test('coverage: a campaign counts its own runs the same in one slice or many, and not the runs of shrinking', (t) => {
  const tg = resolveTarget('virtio-small', 'reference', ['ioerr-as-ok']);
  const whole = new Campaign(makeCampaignSystem(tg));
  whole.runSeeds(1, 41);
  const parts = new Campaign(makeCampaignSystem(tg));
  for (const [a, b] of [[1, 15], [15, 30], [30, 41]]) {
    const slice = new Campaign(makeCampaignSystem(tg));
    slice.runSeeds(a, b);
    parts.merge({ runs: slice.runs, steps: slice.steps, failedRuns: slice.failedRuns, findings: slice.orderedFindings(), coverage: Array.from(slice.coverage!) });
  }
  t.deepEqual(Array.from(parts.coverage!), Array.from(whole.coverage!));
  t.true(whole.findings.size > 0);
  // Shrinking on the campaign's own system leaves the campaign's counts alone.
  const system = makeCampaignSystem(tg);
  const own = new Campaign(system);
  own.runSeeds(1, 41);
  const before = Array.from(own.coverage!);
  const f = own.orderedFindings()[0];
  findingFrom(tg, system, { ...f }, 50);
  t.deepEqual(Array.from(own.coverage!), before);
  t.true(system.coverageCounts().reduce((a, b) => a + b, 0) > before.reduce((a, b) => a + b, 0));
});

test('coverage: records by name in catalogue order; sums add; never-hit lists the zeros', (t) => {
  const cov = new C.Coverage();
  cov.hit(C.C_DESC_SHORT);
  const r = coverageRecord(cov.counts);
  t.deepEqual(Object.keys(r), [...C.probeNames()]);
  const s = sumCoverage([r, r, undefined]);
  t.is(s[C.probeName(C.C_DESC_SHORT)], 2);
  t.false(neverHit(s).includes(C.probeName(C.C_DESC_SHORT)));
  t.is(neverHit(s).length, C.PROBE_COUNT - 1);
});
