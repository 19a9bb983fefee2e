/**
 * `--markdown FILE`: a summary for a CI job page (GitHub's $GITHUB_STEP_SUMMARY, GitLab's and
 * others' Markdown reports) — the verdict, the table of scenarios and modes, then each violation
 * with its seed, step, message and replay command.
 */
import { checkInfo } from '../checks/registry.js';
import { shardText } from '../scenarios/shard.js';
import { reproduceCommand } from './junit.js';
import type { ResultReport } from './results.js';

const n = (x: number) => Math.round(x).toLocaleString('en-US');
/** Table cells: a pipe would end the cell. */
const cell = (s: string) => s.replace(/\|/g, '\\|');

export function markdownSummary(r: ResultReport): string {
  const { head, rows } = r;
  const violations = rows.reduce((k, row) => k + row.violations.length, 0);
  const incomplete = rows.some((row) => row.mode === 'explore' && !row.complete);
  const verdict = violations > 0 ? `❌ FAILED: ${violations} violation${violations === 1 ? '' : 's'}` : incomplete ? '⚠️ no violation, but an exploration was incomplete' : '✅ PASSED: no violation';
  const out: string[] = [];
  out.push(`## eclipse-sim ${head.command}${head.command === 'check' ? '' : ` ${rows[0]?.scenario ?? ''}`}: ${verdict}`);
  out.push('');
  out.push(`Profile \`${head.profile}\`, mutants ${head.mutants.length ? head.mutants.map((m) => `\`${m}\``).join(', ') : 'none'}${head.only ? `, only ${head.only.map((c) => `\`${c}\``).join(', ')}` : ''}${head.shard ? `, shard ${shardText(head.shard)}` : ''}${head.interrupted ? ' — **interrupted**' : ''}.`);
  out.push('');
  out.push('| scenario | mode | runs / states | events | violations | time |');
  out.push('|---|---|---:|---:|---:|---:|');
  for (const row of rows) {
    const size = row.mode === 'explore' ? `${n(row.states ?? 0)} states${row.complete ? '' : ' (incomplete)'}` : row.mode === 'seed' ? `seed ${row.firstSeed}` : `${n(row.runs)} seeds`;
    out.push(`| ${row.scenario} | ${row.mode} | ${size} | ${n(row.steps)} | ${row.violations.length} | ${row.elapsedSeconds.toFixed(1)} s |`);
  }
  for (const row of rows) {
    for (const x of row.bootFailures) {
      out.push('', `${row.scenario}: ${cell(x.reason)} — ${n(x.runs)} run${x.runs === 1 ? '' : 's'} (first seed ${x.seed})`);
    }
  }
  const found = rows.flatMap((row) => row.violations.map((v) => ({ row, v })));
  if (found.length) {
    out.push('', '### Violations');
    for (const { row, v } of found) {
      const info = checkInfo(v.check);
      out.push('');
      out.push(`**${v.check}**${info ? ` ${info.title}` : ''} — ${row.scenario} (${row.mode})`);
      out.push('');
      out.push(`- ${v.seed !== null ? `seed ${v.seed}, ` : ''}step ${v.step}, t = ${n(v.time)} µs: ${v.message}`);
      if (row.mode !== 'explore') out.push(`- failed in ${n(v.runs)} of ${n(row.runs)} runs; the first failing seed is shown`);
      out.push(`- reproduce: \`${reproduceCommand(v.replay)}\``);
    }
  }
  return `${out.join('\n')}\n`;
}

