/**
 * `run --strategy pct --pct-depth d` as a user meets it: child processes on dist/cli/main.js.
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { cli, assertInputError, freshDirs } from '../helpers/cli.js';
import { target } from '../helpers/system.js';
import { Campaign } from '../../sim/campaign.js';
import { makeCampaignSystem } from '../../scenarios/operations.js';
import { pctRange, strategyOf } from '../../scenarios/strategies.js';
import { watchedRun } from '../../cli/watched-run.js';

const freshDir = freshDirs(test);

test('pct cli: a bad --strategy or --pct-depth exits 2 with one line', async (t) => {
  const dir = freshDir('pct-bad');
  const cases: Array<[string[], RegExp]> = [
    [['--strategy', 'pct', '--pct-depth', '0'], /--pct-depth must be an integer from 1 to 10, not "0"/],
    [['--strategy', 'pct', '--pct-depth', 'two'], /--pct-depth must be an integer from 1 to 10, not "two"/],
    [['--strategy', 'pct', '--pct-depth', '11'], /--pct-depth must be an integer from 1 to 10, not "11"/],
    [['--strategy', 'pct', '--pct-depth', '2.5'], /--pct-depth must be an integer/],
    [['--pct-depth', '2'], /--pct-depth goes with --strategy pct/],
    [['--strategy', 'chess'], /unknown strategy "chess" \(known: random, pct\)/],
    [['--strategy', 'pct', '--check-determinism'], /--check-determinism runs the random strategy/],
  ];
  for (const [args, pattern] of cases) assertInputError(t, await cli(['run', 'virtio-smoke', '--seeds', '2', ...args, '--out', 'out'], dir), pattern);
});

test('pct cli: run --strategy pct finds publish-before-fill’s early fetch, prints the bound, and its replay file reproduces it', async (t) => {
  const dir = freshDir('pct-run');
  const args = ['run', 'virtio-smoke', '--mutant', 'publish-before-fill', '--only', 'S-VQ-03,S-BLK-04', '--strategy', 'pct', '--pct-depth', '2', '--seeds', '40', '--workers', '2', '--out', 'out'];
  const json = await cli([...args, '--json'], dir);
  t.is(json.code, 1, json.stderr);
  const doc = JSON.parse(json.stdout);
  t.is(doc.strategy, 'pct');
  t.is(doc.pct.depth, 2);
  t.true(doc.pct.actors >= 3, `n = ${doc.pct.actors}`);
  t.true(doc.pct.tiePoints > 0 && doc.pct.delayPoints > 0 && doc.pct.changePointRange > 0);
  t.true(doc.pct.schedulingPoints >= Math.max(doc.pct.tiePoints, doc.pct.delayPoints) && doc.pct.schedulingPoints <= doc.pct.tiePoints + doc.pct.delayPoints);
  // k counts the delays answered by priority as well as the ties
  const k = Math.max(doc.pct.schedulingPoints, doc.pct.changePointRange);
  t.is(doc.pct.guarantee, 1 / (doc.pct.actors * k));
  t.is(doc.pct.rangeExceeded, doc.pct.schedulingPoints > doc.pct.changePointRange);
  t.true(doc.violations.length > 0);
  const text = await cli(args, dir);
  t.is(text.code, 1);
  t.regex(
    text.stdout,
    new RegExp(`PCT depth 2: n = ${doc.pct.actors} actors and threads, k = ${k} scheduling points \\(ties and delays: most in one run ${doc.pct.schedulingPoints}, of which at most ${doc.pct.tiePoints} ties and ${doc.pct.delayPoints} delays; .*probability ≥ 1/\\(n·k\\^\\(d−1\\)\\) = `),
  );
  const replay = await cli(['replay', resolve(dir, doc.violations[0].replay)], dir);
  t.is(replay.code, 1, replay.stderr);
  t.regex(replay.stdout, new RegExp(`reproduced the recorded ${doc.violations[0].check}`));
  // the same command gives the same report: PCT runs are a function of their seeds
  const again = JSON.parse((await cli([...args, '--json', '--workers', '1'], dir)).stdout);
  t.deepEqual(
    again.violations.map((v: { check: string; seed: number; step: number }) => [v.check, v.seed, v.step]),
    doc.violations.map((v: { check: string; seed: number; step: number }) => [v.check, v.seed, v.step]),
  );
  t.deepEqual(again.pct, doc.pct);
  t.truthy(readFileSync(resolve(dir, doc.violations[0].replay), 'utf8'));
});

test('pct cli: --seed with --strategy pct runs that seed under PCT; random runs say their strategy', async (t) => {
  const dir = freshDir('pct-seed');
  const one = JSON.parse((await cli(['run', 'virtio-smoke', '--seed', '7', '--strategy', 'pct', '--json', '--out', 'out'], dir)).stdout);
  t.is(one.strategy, 'pct');
  t.is(one.pct.depth, 3, 'the default depth');
  const random = JSON.parse((await cli(['run', 'virtio-smoke', '--seed', '7', '--json', '--out', 'out'], dir)).stdout);
  t.is(random.strategy, 'random');
  t.is(random.pct, undefined);
  t.not(one.traceHash, random.traceHash, 'PCT orders the ties and delays otherwise');
});

test('pct cli: list names the strategies', async (t) => {
  const dir = freshDir('pct-list');
  const text = await cli(['list'], dir);
  t.regex(text.stdout, /Strategies \(run --strategy\)\n {2}random .*\n {2}pct +PCT \(Burckhardt et al\., ASPLOS 2010\)/);
  const doc = JSON.parse((await cli(['list', '--json'], dir)).stdout);
  t.deepEqual(doc.strategies.map((s: { name: string }) => s.name), ['random', 'pct']);
});

test('pct cli: a seed the watchdog re-runs in a watched thread runs under PCT there too (same finding, same choices)', async (t) => {
  const tg = { ...target({ scenario: 'virtio-smoke', mutants: ['publish-before-fill'] }), checks: ['S-VQ-03', 'S-BLK-04'] };
  const cs = makeCampaignSystem(tg);
  const spec = { name: 'pct' as const, depth: 2, range: pctRange(cs) };
  const campaign = new Campaign(cs, strategyOf(spec, cs));
  campaign.runSeeds(1, 41);
  const f = campaign.orderedFindings()[0];
  t.truthy(f);
  const out = await watchedRun({ kind: 'seed', target: { scenario: 'virtio-smoke', profile: 'reference', mutants: ['publish-before-fill'], checks: tg.checks, strategy: spec }, seed: f.seed }, 60_000);
  if (out.kind !== 'seed-done') return t.fail(`the watched run answered ${out.kind}`);
  const w = out.slice.findings.find((x) => x.check === f.check);
  t.truthy(w, 'the watched run finds the same check');
  t.deepEqual(w!.choices, f.choices, 'through the recording wrapper PCT answers the ties and delays as in-process');
  t.true(out.slice.ties.maxActors >= 3, 'and its measure comes back');
});

test('pct cli: merge of PCT shards gives the unsharded bound; shards of two strategies do not merge', async (t) => {
  const dir = freshDir('pct-merge');
  const base = ['run', 'virtio-smoke', '--strategy', 'pct', '--pct-depth', '2', '--seeds', '20', '--workers', '1', '--out', 'out'];
  const whole = JSON.parse((await cli([...base, '--json'], dir)).stdout);
  for (const i of [1, 2]) t.is((await cli([...base, '--shard', `${i}/2`, '--result', `r${i}.json`], dir)).code, 0);
  const merged = await cli(['merge', 'r1.json', 'r2.json', '--json'], dir);
  t.is(merged.code, 0, merged.stderr);
  const doc = JSON.parse(merged.stdout);
  t.is(doc.strategy, 'pct');
  t.deepEqual(doc.pct, whole.pct);
  t.is((await cli(['run', 'virtio-smoke', '--seeds', '20', '--workers', '1', '--shard', '2/2', '--result', 'random2.json', '--out', 'out'], dir)).code, 0);
  assertInputError(t, await cli(['merge', 'r1.json', 'random2.json'], dir), /cannot merge runs of strategies pct and random/);
});
