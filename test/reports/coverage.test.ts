/**
 * Coverage in result documents (reports/coverage.ts, results.ts, merge.ts): `--json` rows carry
 * the counts by name, a document reads back with them, and `merge` adds the shards' counts as the
 * campaign adds its workers' slices.
 */
import test from 'ava';
import { probeNames } from '../../model/coverage.js';
import { coverageRecord, coverageText } from '../../reports/coverage.js';
import { mergeReports } from '../../reports/merge.js';
import { parseReport, reportToJson, type ResultReport } from '../../reports/results.js';

function shard(index: number, hits: number): ResultReport {
  const counts = new Float64Array(probeNames().length);
  counts[0] = hits;
  counts[5] = 1;
  return {
    head: { command: 'run', profile: 'reference', mutants: [], only: null, shard: { index, count: 2 }, interrupted: false },
    rows: [{ scenario: 'lineage', mode: 'random', firstSeed: index, runs: 10, steps: 100, elapsedSeconds: 1, checks: [], ignoredChecks: [], bootFailures: [], violations: [], coverage: coverageRecord(counts) }],
  };
}

test('coverage: a result document carries the counts and reads back with them; merge adds the shards', (t) => {
  const a = parseReport(JSON.stringify(reportToJson(shard(1, 3))), 'a.json');
  const b = parseReport(JSON.stringify(reportToJson(shard(2, 4))), 'b.json');
  t.is(a.rows[0].coverage![probeNames()[0]], 3);
  const m = mergeReports([a, b]);
  t.is(m.rows[0].coverage![probeNames()[0]], 7);
  t.is(m.rows[0].coverage![probeNames()[5]], 2);
  t.is(m.rows[0].coverage![probeNames()[1]], 0);
  const text = coverageText(m.rows[0].coverage!, 'merged');
  t.regex(text, new RegExp(`coverage \\(merged\\): 2 of ${probeNames().length} probes hit`));
  t.regex(text, new RegExp(`never hit \\(${probeNames().length - 2}\\):`));
});
