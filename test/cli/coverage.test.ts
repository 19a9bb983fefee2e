/**
 * `--coverage` on run, explore and check: the text lists every probe with its count and then the
 * ones never hit; `--json` carries the counts by name (check: per row and summed); worker threads
 * give the same counts as one thread.
 */
import test from 'ava';
import { cli, freshDirs } from '../helpers/cli.js';
import { PROBE_COUNT, probeName, C_KILL_WAIT, C_DESC_SHORT } from '../../model/coverage.js';

const fresh = freshDirs(test);

test('run --coverage: the text has a count per probe and the never-hit list', async (t) => {
  const r = await cli(['run', 'lineage', '--seed', '1', '--coverage'], fresh('cov-run'));
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`coverage \\(1 run\\): \\d+ of ${PROBE_COUNT} probes hit`));
  t.regex(r.stdout, new RegExp(`\\n  ${probeName(C_KILL_WAIT).replace(/\./g, '\\.')} +1\\n`));
  t.regex(r.stdout, /never hit \(\d+\):\n  /);
  t.regex(r.stdout, /\n  service\.stopped-to-starting\n/, 'lineage has no services: listed as never hit');
});

test('run --coverage --json: counts by name; two workers count as one does', async (t) => {
  const dir = fresh('cov-json');
  const one = await cli(['run', 'fs-read', '--seeds', '120', '--workers', '1', '--watchdog', '0', '--coverage', '--json'], dir);
  const two = await cli(['run', 'fs-read', '--seeds', '120', '--workers', '2', '--coverage', '--json'], dir);
  t.is(one.code, 0, one.stderr);
  t.is(two.code, 0, two.stderr);
  const a = JSON.parse(one.stdout).coverage as Record<string, number>;
  const b = JSON.parse(two.stdout).coverage as Record<string, number>;
  t.is(Object.keys(a).length, PROBE_COUNT);
  t.true(a[probeName(C_DESC_SHORT)] > 0, 'fs-read runs short of descriptors');
  t.deepEqual(b, a);
  const plain = await cli(['run', 'fs-read', '--seeds', '5', '--json'], dir);
  t.false('coverage' in JSON.parse(plain.stdout), 'no coverage without --coverage');
});

test('check --coverage --json: per row and summed over rows', async (t) => {
  const r = await cli(['check', '--scenario', 'virtio-smoke', '--scenario', 'lineage', '--seeds-scale', '0.1', '--coverage', '--json'], fresh('cov-check'));
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { results: Array<{ coverage: Record<string, number> }>; coverage: Record<string, number> };
  t.is(doc.results.length, 2);
  const k = probeName(C_KILL_WAIT);
  t.is(doc.results[0].coverage[k], 0);
  t.true(doc.results[1].coverage[k] > 0);
  t.is(doc.coverage[k], doc.results[0].coverage[k] + doc.results[1].coverage[k]);
});

test('explore --coverage: the exploration counts its paths', async (t) => {
  const r = await cli(['explore', 'init-small', '--coverage', '--json'], fresh('cov-explore'));
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { coverage: Record<string, number> };
  t.true(doc.coverage['service.starting-to-running'] > 0);
});
