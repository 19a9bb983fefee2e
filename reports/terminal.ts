/**
 * Human-readable output for the terminal (chalk; colour only when the stream supports it).
 * Every block a command prints is built here; cli/ only chooses which and where.
 */
import chalk from 'chalk';
import { checkInfo } from '../checks/registry.js';
import type { Finding } from '../scenarios/operations.js';

export const fmt = (n: number): string => Math.round(n).toLocaleString('en-US');

/** A violation with its replay command: what happened, where, and how to see it again. */
export function formatFinding(f: Finding, replayPath: string): string {
  const info = checkInfo(f.check);
  const v = f.violation;
  const lines = [
    `${chalk.red.bold('VIOLATION')} ${chalk.bold(f.check)}${info ? ` ${info.title} (${info.subsystem})` : ''}`,
    `  ${f.seed !== null ? `seed ${f.seed}, ` : ''}step ${v.step}, t = ${fmt(v.time)} µs: ${v.message}`,
  ];
  if (f.count > 1) lines.push(`  failed in ${fmt(f.count)} runs; the first is shown`);
  lines.push(`  shrunk from ${f.originalChoices} choices (step ${f.originalStep}) to ${f.replay.choices.length} choices (step ${v.step})`);
  lines.push(`  replay file: ${replayPath}`);
  lines.push(`  reproduce:   ${chalk.cyan(`npx eclipse-sim replay ${replayPath} --trace`)}`);
  return lines.join('\n');
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

/** A summary table with a header row; columns padded to their widest cell. */
export function table(rows: string[][], headerRow: string[]): string {
  const all = [headerRow, ...rows];
  // chalk codes do not count towards width
  const width = (s: string) => s.replace(/\x1b\[[0-9;]*m/g, '').length;
  const widths = headerRow.map((_, i) => Math.max(...all.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c + ' '.repeat(widths[i] - width(c)) : ' '.repeat(widths[i] - width(c)) + c)).join('  ');
  return [chalk.bold(line(headerRow)), ...rows.map(line)].join('\n');
}
