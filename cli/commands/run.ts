import { performance } from 'node:perf_hooks';
import type { FindingCliOptions } from '../options.js';
import { campaignFindings, findingFrom, resolveTarget, runSeed, type Finding } from '../../scenarios/operations.js';
import { fmt, formatFinding, header, ok, settingsText } from '../../reports/terminal.js';
import { writeJunit } from '../../reports/junit.js';
import { watchInterrupt } from '../interrupt.js';
import { runCampaign } from '../campaign-pool.js';
import { applyTargetOptions, writeFinding } from '../files.js';

export interface RunOptions extends FindingCliOptions {
  seeds?: number;
  seed?: number;
  firstSeed: number;
  workers: number;
  image?: string;
}

/** `run`: one seed (with its trace hash) or a campaign over consecutive seeds. */
export async function runCommand(scenarioName: string, o: RunOptions): Promise<void> {
  const t = applyTargetOptions(resolveTarget(scenarioName, o.profile, o.mutant), o);
  if (o.seed !== undefined && o.seeds !== undefined) {
    process.stderr.write('eclipse-sim: give either --seed or --seeds, not both\n');
    process.exitCode = 2;
    return;
  }
  const budget = o.shrink ? o.shrinkBudget : 0;
  const started = performance.now();
  let runs: number;
  let steps: number;
  let findings: Finding[];
  let traceHash: string | undefined;
  let firstSeed: number;
  let stopped = false;
  let outcomes: { outcome: string; seed: number; count: number }[] = [];
  if (o.seed !== undefined) {
    firstSeed = o.seed;
    const { result, system } = runSeed(t, o.seed);
    runs = 1;
    steps = result.steps;
    traceHash = result.traceHash;
    if (result.outcome !== null) outcomes = [{ outcome: result.outcome, seed: o.seed, count: 1 }];
    findings = result.violation
      ? [findingFrom(t, system, { check: result.violation.check, seed: o.seed, count: 1, choices: result.choices, labels: result.labels, violation: result.violation }, budget)]
      : [];
  } else {
    firstSeed = o.firstSeed;
    const total = o.seeds ?? t.scenario.campaignSeeds;
    watchInterrupt();
    const r = await runCampaign(t, firstSeed, total, o.workers);
    const campaign = r.campaign;
    stopped = r.stopped;
    runs = campaign.runs;
    steps = campaign.steps;
    findings = campaignFindings(t, campaign, budget);
    outcomes = campaign.orderedOutcomes();
  }
  const seconds = (performance.now() - started) / 1000;
  const paths = findings.map((f) => writeFinding(o.out, t.scenario.name, 'run', f));

  if (o.json) {
    const doc = {
      scenario: t.scenario.name,
      profile: t.profile,
      mutants: t.mutants,
      mode: o.seed !== undefined ? 'seed' : 'random',
      settings: t.settings ?? {},
      firstSeed,
      runs,
      steps,
      interrupted: stopped,
      elapsedSeconds: Number(seconds.toFixed(3)),
      ...(traceHash !== undefined ? { traceHash } : {}),
      bootFailures: outcomes.map((x) => ({ reason: x.outcome, runs: x.count, seed: x.seed })),
      violations: findings.map((f, i) => ({ check: f.check, seed: f.seed, step: f.violation.step, time: f.violation.time, message: f.violation.message, runs: f.count, replay: paths[i] })),
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    const range = o.seed !== undefined ? `seed ${o.seed}` : `seeds ${firstSeed}..${firstSeed + runs - 1}${o.workers > 1 ? `, ${o.workers} workers` : ''}`;
    const lines = [header('run', t.scenario.name, t.profile, t.mutants, range + settingsText(t.settings))];
    lines.push(`  ${fmt(runs)} run${runs === 1 ? '' : 's'}, ${fmt(steps)} events in ${seconds.toFixed(1)} s (${fmt(steps / Math.max(seconds, 1e-6))} events/s)${traceHash ? `, trace hash ${traceHash}` : ''}${stopped ? ' — interrupted' : ''}`);
    for (const x of outcomes) lines.push(`  ${x.outcome} — ${fmt(x.count)} run${x.count === 1 ? '' : 's'} (first seed ${x.seed})`);
    if (findings.length === 0) lines.push(ok('no violation'));
    findings.forEach((f, i) => lines.push(formatFinding(f, paths[i])));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (o.junit) {
    writeJunit(o.junit, [{ suite: 'eclipse-sim run', className: `run.${t.profile}`, name: t.scenario.name, seconds, failures: findings.map((f, i) => ({ check: f.check, message: f.violation.message, replay: paths[i] })) }]);
  }
  process.exitCode = findings.length > 0 ? 1 : stopped ? 130 : 0;
}
