import { performance } from 'node:perf_hooks';
import type { FindingCliOptions } from '../options.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { campaignFindings, findingFrom, InputError, makeExplorer, resolveTarget } from '../../scenarios/operations.js';
import { targetChecks } from '../../scenarios/check-list.js';
import { shardRunsExploration, shardSeeds, type Shard } from '../../scenarios/shard.js';
import { reportToJson, violationRecord, type ResultReport, type ResultRow } from '../../reports/results.js';
import { checkSummaryText } from '../../reports/summary-text.js';
import { closeCampaignPool, runCampaign } from '../campaign-pool.js';
import { toJsonText } from '../../reports/escape.js';
import { interrupted, watchInterrupt, yieldToEvents } from '../interrupt.js';
import { applyTargetOptions, writeFinding } from '../files.js';
import { ShrinkClock } from '../shrink-timer.js';
import { progressEnabled, startProgress } from '../progress.js';
import { writeReportFiles } from '../report-files.js';
import { prepareHtmlDir, writeFindingPages } from '../html-timeline.js';
import { coverageRecord, coverageText, sumCoverage } from '../../reports/coverage.js';export interface CheckOptions extends FindingCliOptions {
  seedsScale: number;
  workers: number;
  shard?: Shard;
  scenario: string[];
  watchdog?: number;
}

/**
 * `check` (and `npm start`): the default campaign — every scenario on random seeds (its campaign
 * budget), plus exhaustive exploration of every explorable (*-small) scenario — with a summary
 * table. Exit 1 if anything failed. `--shard i/n` runs this shard's part of every random campaign
 * and its share of the explorations; `merge` puts the shards back together.
 */
export async function checkCommand(o: CheckOptions): Promise<void> {
  const budget = o.shrink ? o.shrinkBudget : 0;
  // One time budget for the whole command (--shrink-time), shared by every scenario's findings.
  const timer = new ShrinkClock(o);
  for (const name of o.scenario) if (!SCENARIOS.some((s) => s.name === name)) throw new InputError(`unknown scenario "${name}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  const scenarios = o.scenario.length ? SCENARIOS.filter((s) => o.scenario.includes(s.name)) : SCENARIOS;
  const shard = o.shard ?? null;
  const showProgress = progressEnabled(o.json);
  prepareHtmlDir(o.html);
  watchInterrupt();
  const rows: ResultRow[] = [];
  let explorable = 0;
  let only: string[] | null = null;
  // --set applies to every scenario that uses the key; the values are checked for each of them
  // before anything runs, and a key no scenario uses is refused.
  const targets = scenarios.map((scenario) => applyTargetOptions(resolveTarget(scenario.name, o.profile, o.mutant), { only: o.only, set: o.set }, true));
  for (const x of o.set) {
    const key = x.slice(0, x.indexOf('='));
    if (!targets.some((t) => t.settings && key in t.settings)) throw new InputError(`--set ${x}: no scenario uses ${key}`);
  }
  try {
    outer: for (const [k, scenario] of scenarios.entries()) {
      const t = targets[k];
      only = t.checks ?? null;
      const { checks, ignored } = targetChecks(t);
      // Random campaign (this shard's part of it).
      {
        const started = performance.now();
        const part = shardSeeds(1, Math.max(1, Math.round(scenario.campaignSeeds * o.seedsScale)), shard);
        const bar = startProgress(showProgress, `random  ${scenario.name.padEnd(18)}`, part.count, true);
        const { campaign } = await runCampaign(t, part.first, part.count, o.workers, { watchdogSeconds: o.watchdog, onSlice: (c) => bar.update(c.runs, c.findings.size) });
        bar.stop();
        const findings = campaignFindings(t, campaign, budget, timer);
        const paths = findings.map((f) => writeFinding(o.out, scenario.name, 'check', f));
        const pages = writeFindingPages(o.html, findings, paths);
        rows.push({
          scenario: scenario.name,
          mode: 'random',
          firstSeed: part.first,
          runs: campaign.runs,
          steps: campaign.steps,
          elapsedSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
          checks,
          ignoredChecks: ignored,
          bootFailures: campaign.orderedOutcomes().map((x) => ({ reason: x.outcome, runs: x.count, seed: x.seed })),
          violations: findings.map((f, i) => violationRecord(f, paths[i], pages[i])),
          ...(o.coverage && campaign.coverage ? { coverage: coverageRecord(campaign.coverage) } : {}),
        });
        if (interrupted()) break outer;
      }
      if (scenario.explorable && shardRunsExploration(explorable++, shard)) {
        const started = performance.now();
        const bar = startProgress(showProgress, `explore ${scenario.name.padEnd(18)}`, 0, true);
        const { explorer, system, target } = makeExplorer(t, { maxDepth: scenario.exploreMaxDepth, maxStates: scenario.exploreMaxStates, maxMemoryBytes: 4096 * 1024 * 1024, stopAtFirstViolation: true });
        while (!explorer.advance(200)) {
          bar.update(explorer.result.states, explorer.result.violations.length);
          await yieldToEvents();
          if (interrupted()) explorer.stop('interrupt');
        }
        const r = explorer.result;
        bar.update(r.states, r.violations.length);
        bar.stop();
        // The exploration's own runs, before shrinking runs the same system again.
        const coverage = o.coverage ? coverageRecord(system.coverageCounts()) : undefined;
        const findings = r.violations.map((v) => findingFrom(target, system, { check: v.violation.check, seed: null, count: 1, choices: v.choices, labels: v.labels, violation: v.violation }, budget, timer));
        const paths = findings.map((f) => writeFinding(o.out, scenario.name, 'explore', f));
        const pages = writeFindingPages(o.html, findings, paths);
        rows.push({
          scenario: scenario.name,
          mode: 'explore',
          runs: r.runs,
          steps: r.executedSteps,
          states: r.states,
          complete: r.complete,
          elapsedSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
          checks,
          ignoredChecks: ignored,
          bootFailures: [],
          violations: findings.map((f, i) => violationRecord(f, paths[i], pages[i])),
          ...(coverage ? { coverage } : {}),
        });
        if (interrupted()) break;
      }
    }
  } finally {
    await closeCampaignPool();
  }
  const report: ResultReport = { head: { command: 'check', profile: o.profile, mutants: [...new Set(o.mutant)], only, shard, interrupted: interrupted() }, rows };
  process.stdout.write(o.json ? `${toJsonText(reportToJson(report))}\n` : checkSummaryText(report));
  if (o.coverage && !o.json) process.stdout.write(coverageText(sumCoverage(rows.map((r) => r.coverage)), `${rows.length} campaigns and explorations`));
  writeReportFiles(report, o);
  const failed = rows.some((r) => r.violations.length > 0);
  process.exitCode = failed ? 1 : interrupted() ? 130 : 0;
}
