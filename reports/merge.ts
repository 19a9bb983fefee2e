/**
 * `merge`: shard result documents into one report, as the unsharded command would have given it.
 * Counters add up; for each check the violation of the lowest seed wins (with the runs of every
 * shard that failed it), exactly as the campaign merges its worker slices (sim/campaign.ts); boot
 * failures likewise. Elapsed seconds add up (machine time spent, not wall time).
 */
import { SCENARIOS } from '../scenarios/registry.js';
import { shardText } from '../scenarios/shard.js';
import type { BootFailureRecord, ResultReport, ResultRow, ViolationRecord } from './results.js';
import { pctGuarantee } from '../sim/strategy/pct.js';
import type { PctReport } from '../scenarios/strategies.js';
import { sumCoverage } from './coverage.js';

/** A set of documents that cannot be merged (one line; exit 2). */
export class MergeError extends Error {}

const sameList = (a: readonly string[] | null, b: readonly string[] | null) => JSON.stringify(a === null ? null : [...a].sort()) === JSON.stringify(b === null ? null : [...b].sort());

/** In the order they fail: first seed, then the step of the failure in that run. */
export function orderViolations(vs: ViolationRecord[]): ViolationRecord[] {
  return [...vs].sort((a, b) => (a.seed ?? 0) - (b.seed ?? 0) || a.shrunk.fromStep - b.shrunk.fromStep || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0));
}

function mergeRows(a: ResultRow, b: ResultRow): ResultRow {
  if (a.mode === 'explore') throw new MergeError(`the exploration of ${a.scenario} is in two documents`);
  const checks = new Map<string, ViolationRecord>();
  for (const v of [...a.violations, ...b.violations]) {
    const known = checks.get(v.check);
    if (!known) checks.set(v.check, { ...v });
    else if ((v.seed ?? 0) < (known.seed ?? 0)) checks.set(v.check, { ...v, runs: known.runs + v.runs });
    else known.runs += v.runs;
  }
  const boots = new Map<string, BootFailureRecord>();
  for (const x of [...a.bootFailures, ...b.bootFailures]) {
    const known = boots.get(x.reason);
    boots.set(x.reason, known ? { reason: x.reason, runs: known.runs + x.runs, seed: Math.min(known.seed, x.seed) } : { ...x });
  }
  const first = [a.firstSeed, b.firstSeed].filter((x): x is number => x !== undefined);
  if ((a.strategy ?? 'random') !== (b.strategy ?? 'random')) throw new MergeError(`cannot merge runs of strategies ${a.strategy ?? 'random'} and ${b.strategy ?? 'random'}`);
  return {
    ...a,
    ...(a.pct || b.pct ? { pct: mergePct(a.pct, b.pct) } : {}),
    firstSeed: first.length ? Math.min(...first) : undefined,
    runs: a.runs + b.runs,
    steps: a.steps + b.steps,
    elapsedSeconds: Number((a.elapsedSeconds + b.elapsedSeconds).toFixed(3)),
    checks: a.checks.length >= b.checks.length ? a.checks : b.checks,
    bootFailures: [...boots.values()].sort((x, y) => x.seed - y.seed),
    violations: orderViolations([...checks.values()]),
    ...(a.coverage || b.coverage ? { coverage: sumCoverage([a.coverage, b.coverage]) } : {}),
  };
}

/** PCT shards: the same depth and range; n and k are the most of either, the bound recomputed. */
function mergePct(a: PctReport | undefined, b: PctReport | undefined): PctReport {
  if (!a || !b) return (a ?? b)!;
  if (a.depth !== b.depth || a.changePointRange !== b.changePointRange) throw new MergeError(`cannot merge PCT runs of depth ${a.depth} (range ${a.changePointRange}) and depth ${b.depth} (range ${b.changePointRange})`);
  const actors = Math.max(a.actors, b.actors);
  const tiePoints = Math.max(a.tiePoints, b.tiePoints);
  const delayPoints = Math.max(a.delayPoints, b.delayPoints);
  const schedulingPoints = Math.max(a.schedulingPoints, b.schedulingPoints);
  return {
    ...a,
    actors,
    tiePoints,
    delayPoints,
    schedulingPoints,
    guarantee: pctGuarantee(actors, Math.max(schedulingPoints, a.changePointRange), a.depth),
    rangeExceeded: schedulingPoints > a.changePointRange,
  };
}

const rowOrder = (r: ResultRow) => {
  const i = SCENARIOS.findIndex((s) => s.name === r.scenario);
  return (i < 0 ? SCENARIOS.length : i) * 2 + (r.mode === 'explore' ? 1 : 0);
};

/**
 * Merges the documents of shards 1/n … n/n of one command (same command, profile, mutants and
 * --only). Refuses a missing, repeated or foreign shard, so a merged report never claims more
 * than was run.
 */
export function mergeReports(reports: ResultReport[]): ResultReport {
  if (reports.length === 0) throw new MergeError('merge needs at least one result document');
  const h = reports[0].head;
  for (const r of reports) {
    if (r.head.command !== h.command) throw new MergeError(`cannot merge a ${r.head.command} result with a ${h.command} result`);
    if (r.head.profile !== h.profile) throw new MergeError(`cannot merge results of profiles ${h.profile} and ${r.head.profile}`);
    if (!sameList(r.head.mutants, h.mutants)) throw new MergeError(`cannot merge results with different mutants (${h.mutants.join(',') || 'none'} and ${r.head.mutants.join(',') || 'none'})`);
    if (!sameList(r.head.only, h.only)) throw new MergeError('cannot merge results with different --only filters');
    if (!r.head.shard) throw new MergeError('merge takes the results of sharded runs (--shard i/n); one of them has no shard');
    if (r.head.shard.count !== h.shard!.count) throw new MergeError(`cannot merge shards of ${h.shard!.count} with shards of ${r.head.shard.count}`);
  }
  const n = h.shard!.count;
  const seen = new Set<number>();
  for (const r of reports) {
    if (seen.has(r.head.shard!.index)) throw new MergeError(`shard ${shardText(r.head.shard!)} is given twice`);
    seen.add(r.head.shard!.index);
  }
  const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
  if (missing.length) throw new MergeError(`shard${missing.length > 1 ? 's' : ''} ${missing.map((i) => `${i}/${n}`).join(', ')} missing: a merge must cover every shard`);
  if (h.command === 'run') {
    const names = new Set(reports.map((r) => r.rows[0].scenario));
    if (names.size > 1) throw new MergeError(`cannot merge runs of different scenarios (${[...names].join(', ')})`);
  }
  const rows = new Map<string, ResultRow>();
  for (const r of [...reports].sort((a, b) => a.head.shard!.index - b.head.shard!.index)) {
    for (const row of r.rows) {
      const key = `${row.scenario}\0${row.mode}`;
      const known = rows.get(key);
      rows.set(key, known ? mergeRows(known, row) : { ...row, violations: orderViolations(row.violations) });
    }
  }
  return {
    head: { ...h, shard: null, interrupted: reports.some((r) => r.head.interrupted) },
    rows: [...rows.values()].sort((a, b) => rowOrder(a) - rowOrder(b)),
  };
}
