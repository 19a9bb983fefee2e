import { toJsonText } from '../../reports/escape.js';
import { performance } from 'node:perf_hooks';
import type { FindingCliOptions } from '../options.js';
import { findingFrom, makeExplorer, resolveTarget, type Finding, type SearchMode } from '../../scenarios/operations.js';
import { bad, fmt, formatFinding, header, ok } from '../../reports/terminal.js';
import { violationRecord, type ResultReport } from '../../reports/results.js';
import { targetChecks } from '../../scenarios/check-list.js';
import { writeReportFiles } from '../report-files.js';
import { interrupted, watchInterrupt, yieldToEvents } from '../interrupt.js';
import { applyTargetOptions, writeFinding } from '../files.js';
import { ShrinkClock } from '../shrink-timer.js';
import { prepareHtmlDir, writeFindingPages } from '../html-timeline.js';
import { StatusLine } from '../status-line.js';
import { shortestViolation, type ShortestResult } from '../../sim/shortest.js';
import { formatExploreProgress } from '../../reports/progress-line.js';
import { InputError } from '../../scenarios/operations.js';
import { settingsText } from '../../reports/terminal.js';
import { coverageRecord, coverageText } from '../../reports/coverage.js';
import { exploreInParallel } from '../explore-pool.js';
import type { ExploreOptions, ExploreResult } from '../../sim/explore.js';
export interface ExploreCliOptions extends FindingCliOptions {
  maxDepth?: number;
  maxStates?: number;
  maxMemory: number;
  image?: string;
  requireComplete?: boolean;
  audit?: boolean;
  search: SearchMode;
  shortest?: boolean;
  /** Worker threads (`--workers`); 1 explores in this thread. */
  workers: number;
}

/** Why a search stopped short, in words, with the bound that stopped it. */
function stoppedText(stoppedBy: string | null, bounds: { maxDepth: number; maxStates: number; maxMemory: number }): string {
  switch (stoppedBy) {
    case 'depth':
      return `the depth bound (--max-depth ${bounds.maxDepth}: some paths were cut there)`;
    case 'states':
      return `the state bound (--max-states ${bounds.maxStates})`;
    case 'memory':
      return `the memory budget of the state store (--max-memory ${bounds.maxMemory} MiB)`;
    case 'interrupt':
      return 'an interrupt (Ctrl-C)';
    case 'audit':
      return 'the fingerprint audit (two states with one fingerprint differ)';
    default:
      return 'the first violation';
  }
}

/** `explore`: exhaustive DFS over choice sequences with state caching. */
export async function exploreCommand(scenarioName: string, o: ExploreCliOptions): Promise<void> {
  if (o.set.some((x) => x.trim().startsWith('swarm='))) throw new InputError('--set swarm: explore branches on every enabled fault, so swarm (a random subset of fault kinds per seed) has no meaning there');
  const base = applyTargetOptions(resolveTarget(scenarioName, o.profile, o.mutant), o);
  prepareHtmlDir(o.html);
  const maxDepth = o.maxDepth ?? base.scenario.exploreMaxDepth;
  const maxStates = o.maxStates ?? base.scenario.exploreMaxStates;
  if (o.workers > 1 && o.audit) throw new InputError('--audit runs on one thread (its digests are kept per state of a store of its own): give --workers 1');
  const started = performance.now();
  const opts: ExploreOptions = { maxDepth, maxStates, maxMemoryBytes: o.maxMemory * 1024 * 1024, stopAtFirstViolation: true, audit: o.audit === true };
  const { explorer, system, target } = makeExplorer(base, opts, o.search);
  watchInterrupt();
  const status = new StatusLine(!o.json);
  let shownStates = 0;
  const progress = (since: number, p: { states: number; depth: number; deepest: number; stack: number }): string => {
    const line = formatExploreProgress({
      elapsedSeconds: status.elapsed(),
      states: p.states,
      statesPerSecond: (p.states - shownStates) / Math.max(since, 1e-6),
      depth: p.depth,
      deepest: p.deepest,
      stack: p.stack,
      workers: o.workers,
      memoryBytes: process.memoryUsage.rss(),
    });
    shownStates = p.states;
    return line;
  };
  let r: ExploreResult;
  let workerCoverage: Float64Array | null = null;
  if (o.workers > 1) {
    // Worker threads sharing one fingerprint table (cli/explore-pool.ts); this thread's explorer
    // only chose the search mode, and its system shrinks what they find.
    const out = await exploreInParallel(target, opts, {
      workers: o.workers,
      search: explorer.result.search,
      coverage: o.coverage === true,
      onTick: (p) => status.tick((since) => progress(since, p)),
    });
    r = out.result;
    workerCoverage = out.coverage;
  } else {
    while (!explorer.advance(200)) {
      status.tick((since) => progress(since, { states: explorer.result.states, depth: explorer.depth, deepest: explorer.result.maxDepth, stack: explorer.stackSize }));
      await yieldToEvents();
      if (interrupted()) explorer.stop('interrupt');
    }
    r = explorer.result;
  }
  // --shortest: narrow the depth bound to the least one with a violation (sim/shortest.ts).
  let shortest: ShortestResult | null = null;
  if (o.shortest && r.violations.length > 0 && !interrupted()) {
    const search = shortestViolation((opts) => makeExplorer(base, opts, o.search).explorer, { maxDepth, maxStates, maxMemoryBytes: o.maxMemory * 1024 * 1024, stopAtFirstViolation: true }, r);
    let step = search.next();
    while (!step.done) {
      const e = step.value;
      status.tick(() => `shortest: searching within ${fmt(e.depth)} events…`);
      await yieldToEvents();
      if (interrupted()) e.stop('interrupt');
      step = search.next();
    }
    shortest = step.value;
    if (shortest.shortest) r.violations[0] = shortest.shortest;
  }
  status.done();
  const seconds = (performance.now() - started) / 1000;
  const timer = new ShrinkClock(o);
  // The exploration's own runs, before shrinking runs the same system again.
  const coverage = o.coverage ? coverageRecord(workerCoverage ?? system.coverageCounts()) : undefined;
  const findings: Finding[] = r.violations.map((v) =>
    findingFrom(target, system, { check: v.violation.check, seed: null, count: 1, choices: v.choices, labels: v.labels, violation: v.violation }, o.shrink ? o.shrinkBudget : 0, timer),
  );
  const paths = findings.map((f) => writeFinding(o.out, target.scenario.name, 'explore', f));
  const pages = writeFindingPages(o.html, findings, paths);
  const records = findings.map((f, i) => violationRecord(f, paths[i], pages[i]));
  const statesPerSecond = r.states / Math.max(seconds, 1e-6);
  const bytesPerState = r.states > 0 ? r.storeBytes / r.states : 0;
  const eventsPerState = r.states > 0 ? r.executedSteps / r.states : 0;
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
      settings: target.settings ?? {},
      orders: target.overrides?.orders ?? target.scenario.params.orders,
      elapsedSeconds: Number(seconds.toFixed(3)),
      statesPerSecond: Math.round(statesPerSecond),
      bytesPerState: Number(bytesPerState.toFixed(1)),
      search: r.search,
      workers: r.workers ?? 1,
      ...(r.subtrees !== undefined ? { subtrees: r.subtrees } : {}),
      eventsPerState: Number(eventsPerState.toFixed(2)),
      ...(r.snapshot ? { snapshotBytes: r.snapshot.bytes, snapshotStride: r.snapshot.stride } : {}),
      ...(shortest ? { shortest: { events: shortest.events, depthFirstEvents: shortest.firstEvents, proven: shortest.proven, searches: shortest.searches.length } } : {}),
      ...(r.audit ? { audit: { audited: r.audit.audited, finding: r.audit.finding } } : {}),
      violations: records,
      ...(coverage ? { coverage } : {}),
    };
    process.stdout.write(`${toJsonText(doc)}\n`);
  } else {
    const lines = [header('explore', target.scenario.name, target.profile, target.mutants, `depth ≤ ${fmt(maxDepth)}, states ≤ ${fmt(maxStates)}${settingsText(target.settings)}`)];
    lines.push(`  ${fmt(r.states)} distinct states, ${fmt(r.transitions)} transitions, ${fmt(r.runs)} paths, deepest ${fmt(r.maxDepth)} events`);
    const shared = (r.workers ?? 1) > 1 ? ` (a shared table of ${fmt(r.storeBytes / (1024 * 1024))} MiB, made whole before the search)` : '';
    lines.push(`  ${seconds.toFixed(1)} s, ${fmt(statesPerSecond)} states/s, ${bytesPerState.toFixed(1)} bytes per stored state${shared}`);
    const snap = r.snapshot ? `, snapshots of ${fmt(Math.round(r.snapshot.bytes / 1024))} KiB${r.snapshot.stride > 1 ? ` every ${r.snapshot.stride} steps` : ''}` : '';
    const on = (r.workers ?? 1) > 1 ? ` on ${r.workers} workers (${fmt(r.subtrees ?? 0)} subtrees)` : '';
    lines.push(`  ${r.search} search${on}${snap}: ${eventsPerState.toFixed(2)} events executed per state`);
    if (r.complete) lines.push(ok('complete: every choice sequence was explored'));
    else lines.push(bad(`incomplete: stopped by ${stoppedText(r.stoppedBy, { maxDepth, maxStates, maxMemory: o.maxMemory })}`));
    if (shortest) {
      const why = shortest.proven ? 'none is shorter' : 'not proven shortest: a bounded search stopped early';
      lines.push(`  shortest: ${fmt(shortest.events)} events (${why}); depth-first search found ${fmt(shortest.firstEvents)}, ${shortest.searches.length} bounded searches`);
    }
    if (r.audit && !r.audit.finding) lines.push(ok(`audit: ${fmt(r.audit.audited)} states' full digests agree with their fingerprints`));
    if (r.audit?.finding) lines.push(bad(r.audit.finding.message));
    if (findings.length === 0) lines.push(ok('no violation'));
    for (const v of records) lines.push(formatFinding(v));
    process.stdout.write(`${lines.join('\n')}\n`);
    if (coverage) process.stdout.write(coverageText(coverage, `${fmt(r.runs)} paths explored`));
  }
  const { checks, ignored } = targetChecks(target);
  const report: ResultReport = {
    head: { command: 'explore', profile: target.profile, mutants: target.mutants, only: target.checks ?? null, shard: null, interrupted: r.stoppedBy === 'interrupt' },
    rows: [{ scenario: target.scenario.name, mode: 'explore', runs: r.runs, steps: r.executedSteps, states: r.states, complete: r.complete, elapsedSeconds: Number(seconds.toFixed(3)), checks, ignoredChecks: ignored, bootFailures: [], violations: records, ...(coverage ? { coverage } : {}) }],
  };
  writeReportFiles(report, o);
  // --require-complete (CI): a search that did not cover everything is a failure of its own, 4.
  const mustFail = o.requireComplete === true && !r.complete && findings.length === 0;
  if (mustFail) process.stderr.write(`eclipse-sim: --require-complete: the search is incomplete, stopped by ${stoppedText(r.stoppedBy, { maxDepth, maxStates, maxMemory: o.maxMemory })}\n`);
  const unsound = r.audit?.finding ?? null;
  if (unsound) process.stderr.write(`eclipse-sim: ${unsound.message}\n`);
  process.exitCode = findings.length > 0 ? 1 : unsound ? 3 : mustFail ? 4 : r.stoppedBy === 'interrupt' ? 130 : 0;
}
