/**
 * `--shard i/n` and `merge`: four shards merged give the unsharded report (violations, counts,
 * JUnit), apart from timings; merge refuses an incomplete or mixed set of shards.
 */
import test from 'ava';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, freshDirs } from '../helpers/cli.js';

const fresh = freshDirs(test);

// Two planted bugs on the small VirtIO scenario: two checks fail, at different first seeds.
const MUTANTS = ['--mutant', 'ioerr-as-ok', '--mutant', 'spurious-irq-assert'];
const noTimes = (xml: string) => xml.replace(/ time="[^"]*"/g, '');
/** A row without its wall-clock figures: the elapsed time, and each finding's shrinking seconds. */
const rowWithoutTimes = (r: Record<string, unknown>) => ({
  ...r,
  elapsedSeconds: 0,
  violations: (r.violations as Array<{ shrunk: Record<string, unknown> }>).map((v) => ({ ...v, shrunk: { ...v.shrunk, seconds: 0 } })),
});
const withoutTimes = (rows: Array<Record<string, unknown>>) => rows.map(rowWithoutTimes);

async function shardsAndWhole(dir: string, args: string[]): Promise<{ whole: Record<string, unknown>; merged: Record<string, unknown>; wholeXml: string; mergedXml: string; mergeCode: number }> {
  const whole = await cli([...args, '--json', '--junit', 'whole.xml', '--out', 'out'], dir);
  t_assert(whole.code === 1, `unsharded exit code 1 (stderr: ${whole.stderr})`);
  writeFileSync(join(dir, 'whole.json'), whole.stdout);
  for (let i = 1; i <= 4; i++) {
    const r = await cli([...args, '--shard', `${i}/4`, '--json', '--out', 'out'], dir);
    t_assert(r.code === 0 || r.code === 1, `shard ${i} exit code (stderr: ${r.stderr})`);
    writeFileSync(join(dir, `shard${i}.json`), r.stdout);
  }
  // The shards in any order.
  const m = await cli(['merge', 'shard3.json', 'shard1.json', 'shard4.json', 'shard2.json', '--json', '--junit', 'merged.xml'], dir);
  return {
    whole: JSON.parse(whole.stdout) as Record<string, unknown>,
    merged: JSON.parse(m.stdout) as Record<string, unknown>,
    wholeXml: readFileSync(join(dir, 'whole.xml'), 'utf8'),
    mergedXml: readFileSync(join(dir, 'merged.xml'), 'utf8'),
    mergeCode: m.code,
  };
}
function t_assert(ok: boolean, message: string): void {
  if (!ok) throw new Error(message);
}

test('shards: run --shard i/4 merged equals the unsharded run (violations, counts, JUnit)', async (t) => {
  const dir = fresh('shard-run');
  const r = await shardsAndWhole(dir, ['run', 'virtio-small', '--seeds', '80', '--workers', '1', ...MUTANTS]);
  t.is(r.mergeCode, 1);
  const whole = rowWithoutTimes(r.whole);
  const merged = rowWithoutTimes(r.merged);
  t.deepEqual(merged, { ...whole, shard: null });
  const violations = whole.violations as unknown as Array<{ check: string; runs: number }>;
  t.true(violations.length >= 2, 'two checks fail');
  t.true(violations.every((v) => v.runs >= 1));
  t.is(noTimes(r.mergedXml), noTimes(r.wholeXml));
  t.is((r.wholeXml.match(/<failure /g) ?? []).length, violations.length);
});

test('shards: check --shard i/4 merged equals the unsharded check, explorations spread over the shards', async (t) => {
  const dir = fresh('shard-check');
  const args = ['check', '--scenario', 'virtio-small', '--scenario', 'init-small', '--seeds-scale', '0.04', '--workers', '1', ...MUTANTS];
  const r = await shardsAndWhole(dir, args);
  t.is(r.mergeCode, 1);
  t.deepEqual(withoutTimes(r.merged.results as Array<Record<string, unknown>>), withoutTimes(r.whole.results as Array<Record<string, unknown>>));
  t.is(noTimes(r.mergedXml), noTimes(r.wholeXml));
  const rows = (r.whole.results as Array<{ scenario: string; mode: string }>).map((x) => `${x.scenario} ${x.mode}`);
  t.deepEqual(rows, ['virtio-small random', 'virtio-small explore', 'init-small random', 'init-small explore']);
  // Each shard ran a quarter of the seeds, and the two explorations ran on different shards.
  const shard1 = JSON.parse(readFileSync(join(dir, 'shard1.json'), 'utf8')) as { results: Array<{ mode: string; runs: number; scenario: string }> };
  const shard2 = JSON.parse(readFileSync(join(dir, 'shard2.json'), 'utf8')) as typeof shard1;
  t.is(shard1.results.find((x) => x.mode === 'random')!.runs, 10);
  t.deepEqual(shard1.results.filter((x) => x.mode === 'explore').map((x) => x.scenario), ['virtio-small']);
  t.deepEqual(shard2.results.filter((x) => x.mode === 'explore').map((x) => x.scenario), ['init-small']);
});

test('merge: refuses a missing shard, a repeated one, an unsharded result and a file that is not a result', async (t) => {
  const dir = fresh('merge-bad');
  for (let i = 1; i <= 2; i++) {
    const r = await cli(['run', 'virtio-smoke', '--seeds', '4', '--workers', '1', '--shard', `${i}/2`, '--json'], dir);
    writeFileSync(join(dir, `s${i}.json`), r.stdout);
  }
  const plain = await cli(['run', 'virtio-smoke', '--seeds', '2', '--workers', '1', '--json'], dir);
  writeFileSync(join(dir, 'plain.json'), plain.stdout);
  writeFileSync(join(dir, 'junk.json'), '{"hello": 1}');
  const cases: Array<[string[], RegExp]> = [
    [['s1.json'], /shard 2\/2 missing/],
    [['s1.json', 's1.json'], /shard 1\/2 is given twice/],
    [['s1.json', 'plain.json'], /has no shard/],
    [['junk.json'], /junk\.json: not an eclipse-sim result document/],
    [['nothere.json'], /cannot read result file nothere\.json/],
  ];
  for (const [files, pattern] of cases) {
    const r = await cli(['merge', ...files], dir);
    t.is(r.code, 2, files.join(' '));
    t.regex(r.stderr, /^eclipse-sim: [^\n]+\n$/);
    t.regex(r.stderr, pattern);
  }
  const ok = await cli(['merge', 's2.json', 's1.json'], dir);
  t.is(ok.code, 0, ok.stderr);
  t.regex(ok.stdout, /4 runs/);
  const bad = await cli(['run', 'virtio-smoke', '--shard', '3/2'], dir);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /--shard must be i\/n/);
});
