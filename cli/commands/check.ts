import { performance } from 'node:perf_hooks';
import type { FindingCliOptions } from '../options.js';
import chalk from 'chalk';
import { SCENARIOS } from '../../scenarios/registry.js';
import { campaignFindings, findingFrom, InputError, makeExplorer, resolveTarget, type Finding } from '../../scenarios/operations.js';
import { runCampaign } from '../campaign-pool.js';
import { fmt, formatFinding, table } from '../../reports/terminal.js';
import { writeJunit, type JunitCase } from '../../reports/junit.js';
import { interrupted, watchInterrupt, yieldToEvents } from '../interrupt.js';
import { applyTargetOptions, writeFinding } from '../files.js';

export interface CheckOptions extends FindingCliOptions {
  seedsScale: number;
  workers: number;
}

interface Row {
  scenario: string;
  mode: 'random' | 'explore';
  runs: number;
  steps: number;
  states?: number;
  complete?: boolean;
  seconds: number;
  findings: Finding[];
  paths: string[];
  /** Runs that did not boot, by reason. */
  outcomes?: { outcome: string; seed: number; count: number }[];
}

/**
 * `check` (and `npm start`): the default campaign — every scenario on random seeds (its campaign
 * budget), plus exhaustive exploration of every explorable (*-small) scenario — with a summary
 * table. Exit 1 if anything failed.
 */
export async function checkCommand(o: CheckOptions): Promise<void> {
  const budget = o.shrink ? o.shrinkBudget : 0;
  watchInterrupt();
  const rows: Row[] = [];
  const progress = (s: string) => {
    if (!o.json && process.stderr.isTTY) process.stderr.write(chalk.dim(`${s}\n`));
  };
  // --set applies to every scenario that uses the key; the values are checked for each of them
  // before anything runs, and a key no scenario uses is refused.
  const targets = SCENARIOS.map((scenario) => applyTargetOptions(resolveTarget(scenario.name, o.profile, o.mutant), { only: o.only, set: o.set }, true));
  for (const x of o.set) {
    const key = x.slice(0, x.indexOf('='));
    if (!targets.some((t) => t.settings && key in t.settings)) throw new InputError(`--set ${x}: no scenario uses ${key}`);
  }
  outer: for (const [k, scenario] of SCENARIOS.entries()) {
    const t = targets[k];
    // Random campaign.
    {
      progress(`random  ${scenario.name} …`);
      const started = performance.now();
      const total = Math.max(1, Math.round(scenario.campaignSeeds * o.seedsScale));
      const { campaign } = await runCampaign(t, 1, total, o.workers);
      const findings = campaignFindings(t, campaign, budget);
      const paths = findings.map((f) => writeFinding(o.out, scenario.name, 'check', f));
      rows.push({ scenario: scenario.name, mode: 'random', runs: campaign.runs, steps: campaign.steps, seconds: (performance.now() - started) / 1000, findings, paths, outcomes: campaign.orderedOutcomes() });
      if (interrupted()) break outer;
    }
    if (scenario.explorable) {
      progress(`explore ${scenario.name} …`);
      const started = performance.now();
      const { explorer, system, target } = makeExplorer(t, { maxDepth: scenario.exploreMaxDepth, maxStates: scenario.exploreMaxStates, maxMemoryBytes: 4096 * 1024 * 1024, stopAtFirstViolation: true });
      while (!explorer.advance(200)) {
        await yieldToEvents();
        if (interrupted()) explorer.stop('interrupt');
      }
      const r = explorer.result;
      const findings = r.violations.map((v) => findingFrom(target, system, { check: v.violation.check, seed: null, count: 1, choices: v.choices, labels: v.labels, violation: v.violation }, budget));
      const paths = findings.map((f) => writeFinding(o.out, scenario.name, 'explore', f));
      rows.push({ scenario: scenario.name, mode: 'explore', runs: r.runs, steps: r.executedSteps, states: r.states, complete: r.complete, seconds: (performance.now() - started) / 1000, findings, paths });
      if (interrupted()) break;
    }
  }
  const failed = rows.some((r) => r.findings.length > 0);
  const incomplete = rows.some((r) => r.mode === 'explore' && !r.complete);
  if (o.json) {
    const doc = {
      mode: 'check',
      profile: o.profile,
      mutants: o.mutant,
      settings: o.set,
      interrupted: interrupted(),
      results: rows.map((r) => ({
        scenario: r.scenario,
        mode: r.mode,
        runs: r.runs,
        steps: r.steps,
        ...(r.mode === 'explore' ? { states: r.states, complete: r.complete } : {}),
        elapsedSeconds: Number(r.seconds.toFixed(3)),
        bootFailures: (r.outcomes ?? []).map((x) => ({ reason: x.outcome, runs: x.count, seed: x.seed })),
        violations: r.findings.map((f, i) => ({ check: f.check, seed: f.seed, step: f.violation.step, time: f.violation.time, message: f.violation.message, runs: f.count, replay: r.paths[i] })),
      })),
    };
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`);
  } else {
    const body = rows.map((r) => [
      r.scenario,
      r.mode,
      r.mode === 'explore' ? `${fmt(r.states ?? 0)} states${r.complete ? '' : ' (incomplete)'}` : `${fmt(r.runs)} seeds`,
      fmt(r.steps),
      r.findings.length === 0 ? chalk.green('0') : chalk.red(String(r.findings.length)),
      `${r.seconds.toFixed(1)} s`,
    ]);
    const lines = [chalk.bold(`eclipse-sim check`) + chalk.dim(`  profile ${o.profile}  mutants ${o.mutant.length ? o.mutant.join(',') : 'none'}${o.set.length ? `  set ${o.set.join(' ')}` : ''}`), '', table(body, ['scenario', 'mode', 'runs / states', 'events', 'violations', 'time'])];
    for (const r of rows) for (const x of r.outcomes ?? []) lines.push(chalk.dim(`${r.scenario}: ${x.outcome} — ${fmt(x.count)} run${x.count === 1 ? '' : 's'} (first seed ${x.seed})`));
    for (const r of rows) r.findings.forEach((f, i) => lines.push('', `${chalk.bold(r.scenario)} (${r.mode})`, formatFinding(f, r.paths[i])));
    lines.push('', failed ? chalk.red.bold('FAILED: violations found') : incomplete ? chalk.yellow('no violation, but an exploration was incomplete') : chalk.green.bold('PASSED: no violation'));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  if (o.junit) {
    const cases: JunitCase[] = rows.map((r) => ({
      suite: 'eclipse-sim check',
      className: `${r.mode}.${o.profile}`,
      name: r.scenario,
      seconds: r.seconds,
      failures: r.findings.map((f, i) => ({ check: f.check, message: f.violation.message, replay: r.paths[i] })),
    }));
    writeJunit(o.junit, cases);
  }
  process.exitCode = failed ? 1 : interrupted() ? 130 : 0;
}
