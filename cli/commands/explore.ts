import { toJsonText } from '../../reports/escape.js';
import { performance } from 'node:perf_hooks';
import type { FindingCliOptions } from '../options.js';
import { findingFrom, makeExplorer, resolveTarget, type Finding } from '../../scenarios/operations.js';
import { bad, fmt, formatFinding, header, ok } from '../../reports/terminal.js';
import { violationRecord, type ResultReport } from '../../reports/results.js';
import { targetChecks } from '../../scenarios/check-list.js';
import { writeReportFiles } from '../report-files.js';
import { interrupted, watchInterrupt, yieldToEvents } from '../interrupt.js';
import { applyTargetOptions, writeFinding } from '../files.js';
import { prepareHtmlDir, writeFindingPages } from '../html-timeline.js';

export interface ExploreCliOptions extends FindingCliOptions {
  maxDepth?: number;
  maxStates?: number;
  maxMemory: number;
  image?: string;
}

/** `explore`: exhaustive DFS over choice sequences with state caching. */
export async function exploreCommand(scenarioName: string, o: ExploreCliOptions): Promise<void> {
  const base = applyTargetOptions(resolveTarget(scenarioName, o.profile, o.mutant), o);
  prepareHtmlDir(o.html);
  const maxDepth = o.maxDepth ?? base.scenario.exploreMaxDepth;
  const maxStates = o.maxStates ?? base.scenario.exploreMaxStates;
  const started = performance.now();
  const { explorer, system, target } = makeExplorer(base, { maxDepth, maxStates, maxMemoryBytes: o.maxMemory * 1024 * 1024, stopAtFirstViolation: true });
  watchInterrupt();
  while (!explorer.advance(200)) {
    await yieldToEvents();
    if (interrupted()) explorer.stop('interrupt');
  }
  const r = explorer.result;
  const seconds = (performance.now() - started) / 1000;
  const findings: Finding[] = r.violations.map((v) =>
    findingFrom(target, system, { check: v.violation.check, seed: null, count: 1, choices: v.choices, labels: v.labels, violation: v.violation }, o.shrink ? o.shrinkBudget : 0),
  );
  const paths = findings.map((f) => writeFinding(o.out, target.scenario.name, 'explore', f));
  const pages = writeFindingPages(o.html, findings, paths);
  const records = findings.map((f, i) => violationRecord(f, paths[i], pages[i]));
  const statesPerSecond = r.states / Math.max(seconds, 1e-6);
  const bytesPerState = r.states > 0 ? r.storeBytes / r.states : 0;
  if (o.json) {
    const doc = {
      scenario: target.scenario.name,
      profile: target.profile,
      mutants: target.mutants,
      mode: 'explore',
      runs: r.runs,
      steps: r.executedSteps,
      states: r.states,
      transitions: r.transitions,
      maxDepth: r.maxDepth,
      complete: r.complete,
      stoppedBy: r.stoppedBy,
      depthBound: maxDepth,
      stateBound: maxStates,
      elapsedSeconds: Number(seconds.toFixed(3)),
      statesPerSecond: Math.round(statesPerSecond),
      bytesPerState: Number(bytesPerState.toFixed(1)),
      violations: records,
    };
    process.stdout.write(`${toJsonText(doc)}\n`);
  } else {
    const lines = [header('explore', target.scenario.name, target.profile, target.mutants, `depth ≤ ${fmt(maxDepth)}, states ≤ ${fmt(maxStates)}`)];
    lines.push(`  ${fmt(r.states)} distinct states, ${fmt(r.transitions)} transitions, ${fmt(r.runs)} paths, deepest ${fmt(r.maxDepth)} events`);
    lines.push(`  ${seconds.toFixed(1)} s, ${fmt(statesPerSecond)} states/s, ${bytesPerState.toFixed(1)} bytes per stored state`);
    if (r.complete) lines.push(ok('complete: every choice sequence was explored'));
    else lines.push(bad(`incomplete: stopped by ${r.stoppedBy === 'depth' ? 'the depth bound (some paths were cut)' : r.stoppedBy === 'states' ? 'the state bound' : r.stoppedBy === 'memory' ? 'the memory budget' : r.stoppedBy === 'interrupt' ? 'an interrupt' : 'the first violation'}`));
    if (findings.length === 0) lines.push(ok('no violation'));
    for (const v of records) lines.push(formatFinding(v));
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  const { checks, ignored } = targetChecks(target);
  const report: ResultReport = {
    head: { command: 'explore', profile: target.profile, mutants: target.mutants, only: target.checks ?? null, shard: null, interrupted: r.stoppedBy === 'interrupt' },
    rows: [{ scenario: target.scenario.name, mode: 'explore', runs: r.runs, steps: r.executedSteps, states: r.states, complete: r.complete, elapsedSeconds: Number(seconds.toFixed(3)), checks, ignoredChecks: ignored, bootFailures: [], violations: records }],
  };
  writeReportFiles(report, o);
  process.exitCode = findings.length > 0 ? 1 : r.stoppedBy === 'interrupt' ? 130 : 0;
}
