/**
 * Human-readable output for the terminal (chalk; colour only when the stream supports it).
 * Every block a command prints is built here; cli/ only chooses which and where.
 */
import chalk from 'chalk';
import { checkInfo } from '../checks/registry.js';
import { escapeText } from './escape.js';
import { reproduceCommand } from './junit.js';
import { SHRINK_EVENT_BUDGET } from '../sim/shrink.js';
import type { ViolationRecord } from './results.js';
export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** The two ids that are not checks of the catalogue but faults of the model itself. */
export const MODEL_FAULTS: Record<string, string> = {
  'MODEL-CRASH': 'the model threw an exception (a bug in the model)',
  'MODEL-HANG': 'the model would not have returned from an event (a bug in the model)',
};

/** A violation with its replay command: what happened, where, and how to see it again. */
export function formatFinding(v: ViolationRecord): string {
  const info = checkInfo(v.check);
  const model = MODEL_FAULTS[v.check];
  const lines = [
    `${chalk.red.bold('VIOLATION')} ${chalk.bold(v.check)}${info ? ` ${info.title} (${info.subsystem})` : model ? ` ${model}` : ''}`,
    `  ${v.seed !== null ? `seed ${v.seed}, ` : ''}step ${v.step}, t = ${fmt(v.time)} µs: ${escapeText(v.message, 1000)}`,
  ];
  if (v.knobs) lines.push(`  swarm knobs: ${Object.entries(v.knobs).map(([k, x]) => `${k}=${x}`).join(' ')}`);
  if (v.runs > 1) lines.push(`  failed in ${fmt(v.runs)} runs; the first is shown`);
  if (v.notShrunk) lines.push(`  not shrunk (${v.notShrunk}): ${v.shrunk.choices} choices`);
  else lines.push(`  shrunk from ${v.shrunk.fromChoices} choices (step ${v.shrunk.fromStep}) to ${v.shrunk.choices} choices (step ${v.step})${shrinkCost(v.shrunk)}`);
  const stop = v.shrunk.stoppedBy ? SHRINK_STOPS[v.shrunk.stoppedBy] : undefined;
  if (stop) lines.push(`  shrinking stopped at ${stop}: shrunk as far as that budget allowed`);
  const path = escapeText(v.replay, 1000);
  lines.push(`  replay file: ${path}`);
  lines.push(`  reproduce:   ${chalk.cyan(reproduceCommand(path))}`);
  if (v.html) lines.push(`  timeline:    ${escapeText(v.html, 1000)}`);
  return lines.join('\n');
}

/** What ended a shrink that a budget cut short, in words. */
const SHRINK_STOPS: Record<'runs' | 'events' | 'time', string> = {
  runs: 'its run budget (--shrink-budget)',
  events: `its event budget (${fmt(SHRINK_EVENT_BUDGET)} events)`,
  time: 'its time budget (--shrink-time-per-finding / --shrink-time)',
};

/** ", 412 runs in 1.3 s" when the record has them. */
function shrinkCost(s: ViolationRecord['shrunk']): string {
  if (s.runs === undefined) return '';
  return `, ${fmt(s.runs)} run${s.runs === 1 ? '' : 's'}${s.seconds !== undefined ? ` in ${s.seconds.toFixed(1)} s` : ''}`;
}

export function header(command: string, scenario: string, profile: string, mutants: readonly string[], extra: string): string {
  return chalk.bold(`eclipse-sim ${command} ${scenario}`) + chalk.dim(`  profile ${profile}  mutants ${mutants.length ? mutants.join(',') : 'none'}  ${extra}`);
}

/** The `--set` settings of a run for a header ("  set clients=2 requestsPerClient=3"), or "". */
export function settingsText(settings: Readonly<Record<string, unknown>> | undefined): string {
  const entries = Object.entries(settings ?? {});
  if (entries.length === 0) return '';
  return `  set ${entries.map(([k, v]) => `${k}=${Array.isArray(v) ? v.join(',') : String(v)}`).join(' ')}`;
}

export function ok(text: string): string {
  return `${chalk.green('✓')} ${text}`;
}

export function bad(text: string): string {
  return `${chalk.red('✗')} ${text}`;
}

/**
 * A summary table with a header row; columns padded to their widest cell, the first left-aligned
 * and the others right-aligned unless `left` says which columns are left-aligned.
 */
export function table(rows: string[][], headerRow: string[], left: readonly number[] = [0]): string {
  const all = [headerRow, ...rows];
  // chalk codes do not count towards width
  const width = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = headerRow.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (left.includes(i) ? c + ' '.repeat(widths[i] - width(c)) : ' '.repeat(widths[i] - width(c)) + c)).join('  ').trimEnd();
  return [chalk.bold(line(headerRow)), ...rows.map(line)].join('\n');
}
