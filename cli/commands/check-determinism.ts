import { toJsonText } from '../../reports/escape.js';
import { performance } from 'node:perf_hooks';
import { makeCampaignSystem, type Target } from '../../scenarios/operations.js';
import { checkDeterminism } from '../../scenarios/determinism.js';
import { bad, fmt, header, ok } from '../../reports/terminal.js';
import { formatTraceRecord } from '../../reports/trace-text.js';
import { interrupted, watchInterrupt } from '../interrupt.js';

/** Steps between digests before a divergence is pinned to its step (see scenarios/determinism.ts). */
const DIGEST_EVERY = 16;

/**
 * `run --check-determinism`: every seed of the range runs twice, on a fresh system and on one that
 * has just run another seed; the first step where the two runs differ (trace hash, model state or
 * a check family's state) is reported. Exit 0: no divergence; 1: a divergence (a model or check bug:
 * a result that depends on history); 130: interrupted with none found.
 */
export function checkDeterminismCommand(t: Target, first: number, count: number, json: boolean): void {
  watchInterrupt();
  const started = performance.now();
  const report = checkDeterminism(() => makeCampaignSystem(t), first, count, { every: DIGEST_EVERY, shouldStop: interrupted });
  const seconds = (performance.now() - started) / 1000;
  const stopped = report.seeds < count && report.divergences.length === 0;
  // Event names for the diverging step come from the machine's event tables.
  const events = makeCampaignSystem(t).machine.events;
  if (json) {
    const doc = {
      scenario: t.scenario.name,
      profile: t.profile,
      mutants: t.mutants,
      mode: 'check-determinism',
      firstSeed: first,
      runs: report.seeds,
      steps: report.steps,
      interrupted: stopped,
      elapsedSeconds: Number(seconds.toFixed(3)),
      divergences: report.divergences.map((d) => ({ ...d, event: d.event ? formatTraceRecord(d.event, events).trim().replace(/\s+/g, ' ') : null })),
    };
    process.stdout.write(`${toJsonText(doc)}\n`);
  } else {
    const lines = [header('run', t.scenario.name, t.profile, t.mutants, `seeds ${first}..${first + count - 1}, --check-determinism`)];
    lines.push(`  ${fmt(report.seeds)} seeds run twice (fresh, and after another seed), ${fmt(report.steps)} events per pass, ${seconds.toFixed(1)} s${stopped ? ' — interrupted' : ''}`);
    if (report.divergences.length === 0) lines.push(ok(`no divergence: every seed ${stopped ? 'run ' : ''}gave the same run both times`));
    for (const d of report.divergences) {
      lines.push(bad(`DIVERGENCE seed ${d.seed} (run after seed ${d.after}): ${d.exact ? 'first at' : 'within the 16 steps up to'} step ${fmt(d.step)}, t = ${fmt(d.time)} µs: ${d.parts.join(', ')} differ${d.parts.length === 1 ? 's' : ''}`));
      if (d.event) lines.push(`  the event: ${formatTraceRecord(d.event, events).trim().replace(/\s+/g, ' ')}`);
    }
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = report.divergences.length > 0 ? 1 : stopped ? 130 : 0;
}
