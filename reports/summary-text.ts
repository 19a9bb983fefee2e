/**
 * The terminal summary of a result report: `run`'s lines (and a merged run's), and `check`'s
 * table (and a merged check's). Rendered from the rows, so `merge` prints what the unsharded
 * command prints.
 */
import chalk from 'chalk';
import { shardText } from '../scenarios/shard.js';
import type { ResultReport } from './results.js';
import { pctText } from '../scenarios/strategies.js';
import { fmt, formatFinding, header, ok, table } from './terminal.js';

/** `run`: the range, the counts and speed, boot failures, then each finding. */
export function runSummaryText(r: ResultReport, workers = 1): string {
  const row = r.rows[0];
  const first = row.firstSeed ?? 0;
  const range =
    row.mode === 'seed'
      ? `seed ${first}`
      : `seeds ${first}..${first + row.runs - 1}${workers > 1 ? `, ${workers} workers` : ''}${r.head.shard ? ` (shard ${shardText(r.head.shard)})` : ''}`;
  const seconds = row.elapsedSeconds;
  const lines = [header('run', row.scenario, r.head.profile, r.head.mutants, range)];
  lines.push(
    `  ${fmt(row.runs)} run${row.runs === 1 ? '' : 's'}, ${fmt(row.steps)} events in ${seconds.toFixed(1)} s (${fmt(row.steps / Math.max(seconds, 1e-6))} events/s)${row.traceHash ? `, trace hash ${row.traceHash}` : ''}${r.head.interrupted ? ' — interrupted' : ''}`,
  );
  if (row.pct) lines.push(`  ${pctText(row.pct)}`);
  for (const x of row.bootFailures) lines.push(`  ${x.reason} — ${fmt(x.runs)} run${x.runs === 1 ? '' : 's'} (first seed ${x.seed})`);
  if (row.violations.length === 0) lines.push(ok('no violation'));
  for (const v of row.violations) lines.push(formatFinding(v));
  return `${lines.join('\n')}\n`;
}

/** `check`: one table row per scenario and mode, boot failures, each finding, the verdict. */
export function checkSummaryText(r: ResultReport): string {
  const { head, rows } = r;
  const failed = rows.some((x) => x.violations.length > 0);
  const incomplete = rows.some((x) => x.mode === 'explore' && !x.complete);
  const body = rows.map((x) => [
    x.scenario,
    x.mode,
    x.mode === 'explore' ? `${fmt(x.states ?? 0)} states${x.complete ? '' : ' (incomplete)'}` : `${fmt(x.runs)} seeds`,
    fmt(x.steps),
    x.violations.length === 0 ? chalk.green('0') : chalk.red(String(x.violations.length)),
    `${x.elapsedSeconds.toFixed(1)} s`,
  ]);
  const lines = [
    chalk.bold(`eclipse-sim check`) + chalk.dim(`  profile ${head.profile}  mutants ${head.mutants.length ? head.mutants.join(',') : 'none'}${head.shard ? `  shard ${shardText(head.shard)}` : ''}`),
    '',
    table(body, ['scenario', 'mode', 'runs / states', 'events', 'violations', 'time']),
  ];
  for (const x of rows) for (const b of x.bootFailures) lines.push(chalk.dim(`${x.scenario}: ${b.reason} — ${fmt(b.runs)} run${b.runs === 1 ? '' : 's'} (first seed ${b.seed})`));
  for (const x of rows) for (const v of x.violations) lines.push('', `${chalk.bold(x.scenario)} (${x.mode})`, formatFinding(v));
  lines.push('', failed ? chalk.red.bold('FAILED: violations found') : incomplete ? chalk.yellow('no violation, but an exploration was incomplete') : chalk.green.bold('PASSED: no violation'));
  return `${lines.join('\n')}\n`;
}
