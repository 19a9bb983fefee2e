import { toJsonText } from '../../reports/escape.js';
import { performance } from 'node:perf_hooks';
import type { FindingCliOptions } from '../options.js';
import { campaignFindings, findingFrom, InputError, resolveTarget, runSeed, type Finding } from '../../scenarios/operations.js';
import { targetChecks } from '../../scenarios/check-list.js';
import { shardSeeds, type Shard } from '../../scenarios/shard.js';
import { reportToJson, violationRecord, type ResultReport } from '../../reports/results.js';
import { runSummaryText } from '../../reports/summary-text.js';
import { watchInterrupt } from '../interrupt.js';
import { closeCampaignPool, runCampaign } from '../campaign-pool.js';
import { applyTargetOptions, writeFinding } from '../files.js';
import { ShrinkClock } from '../shrink-timer.js';
import { checkDeterminismCommand } from './check-determinism.js';
import { progressEnabled, startProgress } from '../progress.js';
import { writeReportFiles } from '../report-files.js';
import { prepareHtmlDir, writeFindingPages } from '../html-timeline.js';
import { makeCampaignSystem, type Target } from '../../scenarios/operations.js';
import { DEFAULT_PCT_DEPTH, pctRange, pctReport, type StrategyName } from '../../scenarios/strategies.js';
import type { TieStats } from '../../sim/campaign.js';
import { coverageRecord, coverageText, type CoverageRecord } from '../../reports/coverage.js';
import { knobsText } from '../../scenarios/swarm-knobs.js';

export interface RunOptions extends FindingCliOptions {
  seeds?: number;
  seed?: number;
  firstSeed: number;
  workers: number;
  watchdog?: number;
  image?: string;
  checkDeterminism?: boolean;
  shard?: Shard;
  strategy: StrategyName;
  pctDepth?: number;
}

/**
 * The target with its strategy: PCT measures the scenario's tie points first (seeds 1..3 at
 * depth 1), the range its change points are drawn from.
 */
function withStrategy(t: Target, o: RunOptions): Target {
  if (o.strategy !== 'pct') {
    if (o.pctDepth !== undefined) throw new InputError(`--pct-depth goes with --strategy pct (this run's strategy is ${o.strategy})`);
    return t;
  }
  if (o.checkDeterminism) throw new InputError('--check-determinism runs the random strategy; it does not go with --strategy pct');
  return { ...t, strategy: { name: 'pct', depth: o.pctDepth ?? DEFAULT_PCT_DEPTH, range: pctRange(makeCampaignSystem(t)) } };
}

/** `run`: one seed (with its trace hash) or a campaign over consecutive seeds (or a shard of them). */
export async function runCommand(scenarioName: string, o: RunOptions): Promise<void> {
  const t = withStrategy(applyTargetOptions(resolveTarget(scenarioName, o.profile, o.mutant), o), o);
  prepareHtmlDir(o.html);
  if (o.seed !== undefined && o.seeds !== undefined) throw new InputError('give either --seed or --seeds, not both');
  if (o.seed !== undefined && o.shard) throw new InputError('--shard splits a campaign; it does not go with --seed');
  if (o.seed === undefined) {
    const count = o.seeds ?? t.scenario.campaignSeeds;
    if (o.firstSeed + count - 1 > Number.MAX_SAFE_INTEGER) {
      throw new InputError(`--first-seed ${o.firstSeed} with ${count} seeds runs past the largest seed, ${Number.MAX_SAFE_INTEGER} (2^53 - 1)`);
    }
  }
  if (o.checkDeterminism) {
    const count = o.seed !== undefined ? 1 : o.seeds ?? t.scenario.campaignSeeds;
    checkDeterminismCommand(t, o.seed ?? o.firstSeed, count, Boolean(o.json));
    return;
  }
  const budget = o.shrink ? o.shrinkBudget : 0;
  const timer = new ShrinkClock(o);
  const started = performance.now();
  let runs: number;
  let steps: number;
  let findings: Finding[];
  let traceHash: string | undefined;
  let firstSeed: number;
  let stopped = false;
  let outcomes: { outcome: string; seed: number; count: number }[] = [];
  let ties: TieStats | null = null;
  let coverage: CoverageRecord | undefined;
  let knobs: Record<string, number> | undefined;
  if (o.seed !== undefined) {
    firstSeed = o.seed;
    const one = runSeed(t, o.seed);
    const { result, system } = one;
    ties = one.ties;
    runs = 1;
    steps = result.steps;
    traceHash = result.traceHash;
    if (result.outcome !== null) outcomes = [{ outcome: result.outcome, seed: o.seed, count: 1 }];
    if (o.coverage) coverage = coverageRecord(system.coverageCounts());
    if (system.knobs) knobs = system.knobs.values();
    findings = result.violation
      ? [findingFrom(t, system, { check: result.violation.check, seed: o.seed, count: 1, choices: result.choices, labels: result.labels, violation: result.violation }, budget, timer)]
      : [];
  } else {
    const part = shardSeeds(o.firstSeed, o.seeds ?? t.scenario.campaignSeeds, o.shard ?? null);
    firstSeed = part.first;
    watchInterrupt();
    const bar = startProgress(progressEnabled(o.json), `run ${t.scenario.name}`, part.count, false);
    const r = await runCampaign(t, part.first, part.count, o.workers, { watchdogSeconds: o.watchdog, onSlice: (c) => bar.update(c.runs, c.findings.size) }).finally(closeCampaignPool);
    bar.stop();
    const campaign = r.campaign;
    stopped = r.stopped;
    runs = campaign.runs;
    steps = campaign.steps;
    findings = campaignFindings(t, campaign, budget, timer);
    outcomes = campaign.orderedOutcomes();
    ties = campaign.ties;
    if (o.coverage && campaign.coverage) coverage = coverageRecord(campaign.coverage);
  }
  const pct = ties ? pctReport(t.strategy, ties) : undefined;
  const seconds = (performance.now() - started) / 1000;
  const paths = findings.map((f) => writeFinding(o.out, t.scenario.name, 'run', f));
  const pages = writeFindingPages(o.html, findings, paths);
  const { checks, ignored } = targetChecks(t);
  const report: ResultReport = {
    head: { command: 'run', profile: t.profile, mutants: t.mutants, only: t.checks ?? null, shard: o.shard ?? null, interrupted: stopped },
    rows: [
      {
        scenario: t.scenario.name,
        mode: o.seed !== undefined ? 'seed' : 'random',
        firstSeed,
        runs,
        steps,
        ...(traceHash !== undefined ? { traceHash } : {}),
        elapsedSeconds: Number(seconds.toFixed(3)),
        checks,
        ignoredChecks: ignored,
        bootFailures: outcomes.map((x) => ({ reason: x.outcome, runs: x.count, seed: x.seed })),
        violations: findings.map((f, i) => violationRecord(f, paths[i], pages[i])),
        ...(t.settings && Object.keys(t.settings).length > 0 ? { settings: t.settings } : {}),
        strategy: o.strategy,
        ...(pct ? { pct } : {}),
        ...(knobs ? { knobs } : {}),
        ...(coverage ? { coverage } : {}),
      },
    ],
  };
  process.stdout.write(o.json ? `${toJsonText(reportToJson(report))}\n` : runSummaryText(report, o.seed !== undefined ? 1 : o.workers));
  if (knobs && !o.json) process.stdout.write(`  swarm knobs of seed ${o.seed}: ${knobsText(knobs)}\n`);
  if (coverage && !o.json) process.stdout.write(coverageText(coverage, `${runs} run${runs === 1 ? '' : 's'}`));
  writeReportFiles(report, o);
  process.exitCode = findings.length > 0 ? 1 : stopped ? 130 : 0;
}
