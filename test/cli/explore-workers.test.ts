/**
 * `explore --workers N` (cli/explore-pool.ts): worker threads sharing one fingerprint table must
 * give the verdict, the completeness and the distinct states of one worker on every *-small
 * scenario, find what one worker finds among the zoo's mutants, with a replay file that
 * reproduces, keep --max-states exact, and refuse a bad worker count with one line.
 */
import test from 'ava';
import { SCENARIOS } from '../../scenarios/registry.js';
import { maxWorkers } from '../../cli/campaign-pool.js';
import { assertInputError, cli, freshDirs } from '../helpers/cli.js';

const freshDir = freshDirs(test);

interface ExploreDoc {
  states: number;
  transitions: number;
  complete: boolean;
  stoppedBy: string | null;
  search: string;
  workers: number;
  subtrees?: number;
  violations: Array<{ check: string; step: number; replay: string }>;
}

const SMALL = SCENARIOS.filter((s) => s.explorable && s.name.endsWith('-small')).map((s) => s.name);

/** virtio-small whole is 1.5 M states (20 s and more); with two clients it is 55,871. */
function scope(scenario: string): string[] {
  return scenario === 'virtio-small' ? ['--set', 'clients=2'] : [];
}

async function explore(dir: string, args: string[]): Promise<{ code: number; doc: ExploreDoc; stderr: string }> {
  // A state bound well above each scope's size keeps the shared table small (it is sized for it).
  const r = await cli(['explore', ...args, '--max-states', '300000', '--json', '--no-shrink', '--out', 'out'], dir);
  return { code: r.code, doc: JSON.parse(r.stdout) as ExploreDoc, stderr: r.stderr };
}

for (const scenario of SMALL) {
  test.serial(`explore --workers 2 ${scenario}${scope(scenario).length ? ' (clients=2)' : ''}: the verdict, completeness and distinct states of one worker`, async (t) => {
    const dir = freshDir(`workers-${scenario}`);
    const one = await explore(dir, [scenario, ...scope(scenario)]);
    const two = await explore(dir, [scenario, ...scope(scenario), '--workers', '2']);
    t.is(two.code, one.code, two.stderr);
    t.is(one.doc.workers, 1);
    t.is(two.doc.workers, 2);
    t.is(two.doc.search, one.doc.search);
    t.is(two.doc.complete, one.doc.complete);
    t.is(two.doc.stoppedBy, one.doc.stoppedBy);
    t.deepEqual(two.doc.violations.map((v) => v.check), one.doc.violations.map((v) => v.check));
    t.is(two.doc.states, one.doc.states, 'distinct states');
    t.is(one.doc.subtrees, undefined);
    t.true(two.doc.subtrees! > 1, `the tree was split (${two.doc.subtrees} subtrees)`);
    t.log(`${one.doc.states} states; transitions ${one.doc.transitions} (1 worker), ${two.doc.transitions} (2 workers, ${two.doc.subtrees} subtrees)`);
  });
}

test.serial('explore --workers 2 with a depth bound: the distinct states of one worker, and the same cut (virtio-small clients=2, --max-depth 30)', async (t) => {
  const dir = freshDir('workers-depth');
  const one = await explore(dir, ['virtio-small', '--set', 'clients=2', '--max-depth', '30']);
  const two = await explore(dir, ['virtio-small', '--set', 'clients=2', '--max-depth', '30', '--workers', '2']);
  t.is(one.code, 0, one.stderr);
  t.is(two.code, 0, two.stderr);
  t.is(one.doc.stoppedBy, 'depth');
  t.is(two.doc.stoppedBy, 'depth');
  t.is(two.doc.states, one.doc.states, 'states within 30 events: each at its least depth');
});

test.serial('explore --workers 2: the state bound is exact (virtio-small, --max-states 20000)', async (t) => {
  const dir = freshDir('workers-bound');
  const r = await cli(['explore', 'virtio-small', '--workers', '2', '--max-states', '20000', '--json', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as ExploreDoc;
  t.is(doc.states, 20000);
  t.false(doc.complete);
  t.is(doc.stoppedBy, 'states');
});

test.serial('explore --workers 2: the memory stop comes at three quarters of the table --max-memory holds (1 MiB: 65,536 slots)', async (t) => {
  const dir = freshDir('workers-memory');
  const r = await cli(['explore', 'virtio-small', '--workers', '2', '--max-memory', '1', '--json', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as ExploreDoc;
  t.is(doc.stoppedBy, 'memory');
  t.false(doc.complete);
  t.is(doc.states, 49_152);
  const text = await cli(['explore', 'virtio-small', '--workers', '2', '--max-memory', '1', '--out', 'out'], dir);
  t.regex(text.stdout, /incomplete: stopped by the memory budget of the state store \(--max-memory 1 MiB\)/);
});

for (const mutant of ['publish-before-fill', 'sector-units']) {
  test.serial(`explore --workers 2 virtio-small --mutant ${mutant}: found as with one worker, and its replay file reproduces it`, async (t) => {
    const dir = freshDir(`workers-${mutant}`);
    const one = await cli(['explore', 'virtio-small', '--mutant', mutant, '--json', '--no-shrink', '--out', 'one'], dir);
    const r = await cli(['explore', 'virtio-small', '--mutant', mutant, '--workers', '2', '--json', '--out', 'two'], dir);
    t.is(one.code, 1, one.stderr);
    t.is(r.code, 1, r.stderr);
    const expected = (JSON.parse(one.stdout) as ExploreDoc).violations[0].check;
    const doc = JSON.parse(r.stdout) as ExploreDoc;
    t.is(doc.stoppedBy, 'violation');
    t.false(doc.complete);
    t.is(doc.violations.length, 1, 'one counterexample');
    t.is(doc.violations[0].check, expected);
    const again = await cli(['replay', doc.violations[0].replay, '--json'], dir);
    t.is(again.code, 1, again.stderr);
    const replayed = JSON.parse(again.stdout) as { reproduced: boolean; violations: Array<{ check: string }> };
    t.true(replayed.reproduced);
    t.is(replayed.violations[0].check, expected);
  });
}

test('explore --workers: not a positive integer, or more than 4 per core, is bad input (exit 2, one line)', async (t) => {
  const dir = freshDir('workers-bad');
  for (const v of ['0', 'two', '1.5', '-1']) assertInputError(t, await cli(['explore', 'init-small', '--workers', v, '--out', 'out'], dir), /--workers must be a positive integer/);
  const cap = maxWorkers();
  assertInputError(t, await cli(['explore', 'init-small', '--workers', String(cap + 1), '--out', 'out'], dir), new RegExp(`--workers must be at most ${cap} \\(4 per core\\), not ${cap + 1}`));
  assertInputError(t, await cli(['explore', 'init-small', '--workers', '2', '--audit', '--out', 'out'], dir), /--audit runs on one thread/);
});

test('explore --workers 2: the text report says how many workers', async (t) => {
  const r = await cli(['explore', 'init-small', '--workers', '2', '--out', 'out'], freshDir('workers-text'));
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /stateless search on 2 workers \([\d,]+ subtrees\): [\d.]+ events executed per state/);
  t.regex(r.stdout, /a shared table of [\d,]+ MiB/);
  t.regex(r.stdout, /✓ complete: every choice sequence was explored/);
});

test('explore --workers 2 --coverage: the probe counters of every worker’s runs, added up', async (t) => {
  const r = await cli(['explore', 'init-small', '--workers', '2', '--coverage', '--json', '--out', 'out'], freshDir('workers-coverage'));
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { coverage: Record<string, number> };
  t.true(doc.coverage['service.starting-to-running'] > 0);
});
