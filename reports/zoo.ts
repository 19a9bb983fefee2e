/**
 * The mutation score of `zoo`: per mutant, whether a campaign on the scenarios that should catch
 * it failed one of the checks the zoo names for it, which check, after how many seeds and seconds,
 * and how far its first failing run shrank; then the totals. Rendered as terminal text, the
 * `--json` document and JUnit (one test case per mutant; a mutant not found is a failing one).
 */
import chalk from 'chalk';
import { dirname } from 'node:path';
import { escapeText } from './escape.js';
import { junitText, newJunitBuilder, reproduceCommand } from './junit.js';
import type { ViolationRecord } from './results.js';
import { fmt, table } from './terminal.js';

/** One scenario's campaign for one mutant. */
export interface ZooAttempt {
  scenario: string;
  firstSeed: number;
  /** Seeds it was allowed. */
  seedBudget: number;
  /** Seeds it ran (it stops handing out seeds at the first catch; the ones already running finish). */
  runs: number;
  steps: number;
  elapsedSeconds: number;
  /** Did one of the mutant's catchers fail here? */
  caught: boolean;
  /** Checks that failed here and are not among the mutant's catchers, in the order they failed. */
  otherChecks: string[];
  interrupted: boolean;
}

export interface ZooRow {
  mutant: string;
  subsystem: string;
  /** The checks the zoo says must catch it. */
  catchers: string[];
  /** 'found', 'not-found' (every scenario ran its whole budget), or 'interrupted' / 'not-run' (Ctrl-C). */
  status: 'found' | 'not-found' | 'interrupted' | 'not-run';
  /** The scenario, check and seed of the first failure of a catcher (null when not found). */
  scenario: string | null;
  check: string | null;
  seed: number | null;
  /** Seeds run up to and including the failing one, over every scenario tried. */
  seedsToFirstFailure: number | null;
  /** Wall-clock seconds from the start of the mutant's first campaign until the failing seed was seen. */
  secondsToFirstFailure: number | null;
  /** The first failure, shrunk, with its replay file. */
  violation: ViolationRecord | null;
  attempts: ZooAttempt[];
  elapsedSeconds: number;
}

export interface ZooReport {
  profile: string;
  /** `--seeds`, or null: each scenario's own campaign size. */
  seedBudget: number | null;
  interrupted: boolean;
  rows: ZooRow[];
  /** Wall-clock seconds spent shrinking, all mutants together. */
  shrinkSeconds: number;
  elapsedSeconds: number;
}

export interface ZooTotals {
  mutants: number;
  found: number;
  notFound: string[];
  /** Mutants an interrupt kept from finishing. */
  unfinished: string[];
  /**
   * Medians over every mutant run to the end, a mutant not found counting as never (longer than
   * any): null when half or more of them were not found.
   */
  medianSecondsToFirstFailure: number | null;
  medianSeedsToFirstFailure: number | null;
  maxSecondsToFirstFailure: number | null;
}

/** The median of `xs`, where null is "never" (larger than every number); null if the median is never. */
function medianOf(xs: readonly (number | null)[]): number | null {
  if (xs.length === 0) return null;
  const sorted = [...xs].sort((a, b) => (a === null ? (b === null ? 0 : 1) : b === null ? -1 : a - b));
  const mid = sorted.length >> 1;
  if (sorted.length % 2 === 1) return sorted[mid];
  const a = sorted[mid - 1];
  const b = sorted[mid];
  return a === null || b === null ? null : (a + b) / 2;
}

export function zooTotals(r: ZooReport): ZooTotals {
  const done = r.rows.filter((x) => x.status === 'found' || x.status === 'not-found');
  const found = done.filter((x) => x.status === 'found');
  const secs = found.map((x) => x.secondsToFirstFailure!);
  return {
    mutants: r.rows.length,
    found: found.length,
    notFound: done.filter((x) => x.status === 'not-found').map((x) => x.mutant),
    unfinished: r.rows.filter((x) => x.status === 'interrupted' || x.status === 'not-run').map((x) => x.mutant),
    medianSecondsToFirstFailure: ((m) => (m === null ? null : Number(m.toFixed(3))))(medianOf(done.map((x) => x.secondsToFirstFailure))),
    medianSeedsToFirstFailure: medianOf(done.map((x) => x.seedsToFirstFailure)),
    maxSecondsToFirstFailure: secs.length ? Math.max(...secs) : null,
  };
}

/** The `--json` document. */
export function zooToJson(r: ZooReport): unknown {
  return {
    command: 'zoo',
    profile: r.profile,
    seedBudget: r.seedBudget,
    interrupted: r.interrupted,
    elapsedSeconds: r.elapsedSeconds,
    shrinkSeconds: r.shrinkSeconds,
    totals: zooTotals(r),
    mutants: r.rows,
  };
}

const seconds = (s: number) => `${s.toFixed(1)} s`;
const plural = (n: number, word: string) => `${fmt(n)} ${word}${n === 1 ? '' : 's'}`;

/** "0 choices (step 19), 2 runs in 0.0 s", with a mark when a budget stopped it. */
function shrunkCell(v: ViolationRecord | null): string {
  if (!v) return '—';
  if (v.notShrunk || v.shrunk.runs === undefined) return `not shrunk: ${fmt(v.shrunk.choices)} choices (step ${fmt(v.step)})`;
  const cost = `, ${plural(v.shrunk.runs, 'run')}${v.shrunk.seconds !== undefined ? ` in ${seconds(v.shrunk.seconds)}` : ''}`;
  return `${fmt(v.shrunk.choices)} choices (step ${fmt(v.step)})${cost}${v.shrunk.stoppedBy ? ` [${v.shrunk.stoppedBy} budget]` : ''}`;
}

/** Why a mutant was not found, in a line: where it was looked for, and what failed instead. */
function notFoundText(x: ZooRow): string {
  const where = x.attempts.map((a) => `${plural(a.runs, 'seed')} of ${a.scenario}`).join(', ');
  const others = [...new Set(x.attempts.flatMap((a) => a.otherChecks))];
  return `${x.mutant}: none of ${x.catchers.join(', ')} failed in ${where}${others.length ? `; other checks failed: ${others.join(', ')}` : ''}`;
}

/** The terminal text. */
export function zooText(r: ZooReport, workers: number): string {
  const t = zooTotals(r);
  const budget = r.seedBudget === null ? "each scenario's campaign size" : `${plural(r.seedBudget, 'seed')} per scenario`;
  const lines = [chalk.bold('eclipse-sim zoo') + chalk.dim(`  profile ${r.profile}  ${r.rows.length} mutant${r.rows.length === 1 ? '' : 's'}  seed budget: ${budget}, ${workers} workers`), ''];
  const body = r.rows.map((x) => [
    x.mutant,
    x.status === 'found' ? chalk.green('found') : x.status === 'not-found' ? chalk.red('NOT FOUND') : chalk.yellow(x.status),
    x.scenario ?? x.attempts.map((a) => a.scenario).join(', '),
    x.check ?? '—',
    x.seedsToFirstFailure !== null ? fmt(x.seedsToFirstFailure) : x.attempts.length ? fmt(x.attempts.reduce((k, a) => k + a.runs, 0)) : '—',
    x.secondsToFirstFailure !== null ? seconds(x.secondsToFirstFailure) : x.attempts.length ? seconds(x.elapsedSeconds) : '—',
    shrunkCell(x.violation),
  ]);
  lines.push(table(body, ['mutant', 'result', 'scenario', 'check', 'seeds', 'time', 'shrunk to'], [0, 1, 2, 3, 6]));
  lines.push('');
  lines.push(chalk.dim('seeds and time: to the first failure of a catcher (not found: seeds run, and the whole time); shrunk: its run, shrunk'));
  if (r.rows.some((x) => x.violation?.shrunk.stoppedBy)) lines.push(chalk.dim('[… budget]: shrinking stopped at that budget, so the run is only as short as the budget allowed'));
  for (const x of r.rows) if (x.status === 'not-found') lines.push(chalk.red(notFoundText(x)));
  const found = r.rows.filter((x) => x.violation);
  if (found.length) {
    const first = found[0].violation!.replay;
    lines.push(`replay files: ${found.length} in ${escapeText(dirname(first), 1000)}/ (the paths are in --json), e.g. ${chalk.cyan(reproduceCommand(escapeText(first, 1000)))}`);
  }
  lines.push('');
  const median = t.medianSecondsToFirstFailure === null ? 'never (half or more not found)' : seconds(t.medianSecondsToFirstFailure);
  const seedsMedian = t.medianSeedsToFirstFailure === null ? 'never' : fmt(t.medianSeedsToFirstFailure);
  const finished = t.mutants - t.unfinished.length;
  const of = t.unfinished.length ? `${finished} that finished (${t.unfinished.length} did not)` : String(t.mutants);
  const score = `mutation score: found ${t.found} of ${of}; time to first failure: median ${median}${t.maxSecondsToFirstFailure !== null ? `, longest ${seconds(t.maxSecondsToFirstFailure)}` : ''}; seeds: median ${seedsMedian}; shrinking ${seconds(r.shrinkSeconds)}; ${seconds(r.elapsedSeconds)} in all`;
  lines.push(t.found === t.mutants ? chalk.green.bold(score) : chalk.red.bold(score));
  if (t.unfinished.length) lines.push(chalk.yellow(`interrupted: ${t.unfinished.join(', ')} did not finish`));
  return `${lines.join('\n')}\n`;
}

/** JUnit: one suite, one test case per mutant; not found fails, an unfinished one is skipped. */
export function zooJunitXml(r: ZooReport): string {
  const builder = newJunitBuilder();
  const t = zooTotals(r);
  builder.name(`eclipse-sim zoo profile ${r.profile}: found ${t.found} of ${t.mutants}`);
  const suite = builder.testSuite().name('zoo').time(Number(r.elapsedSeconds.toFixed(3)));
  for (const x of r.rows) {
    const tc = suite.testCase().className(`eclipse-sim.zoo.${r.profile}`).name(`${x.mutant} (${x.subsystem}): caught by ${x.catchers.join(' or ')}`);
    if (x.status === 'found') {
      const v = x.violation!;
      tc.time(Number(x.secondsToFirstFailure!.toFixed(3)));
      tc.standardOutput(
        [
          `${x.check} failed on ${x.scenario}, seed ${x.seed}: ${plural(x.seedsToFirstFailure!, 'seed')}, ${seconds(x.secondsToFirstFailure!)} to the first failure`,
          `${v.message}`,
          `shrunk to ${shrunkCell(v)}`,
          `reproduce:   ${reproduceCommand(v.replay)}`,
        ].join('\n'),
      );
    } else if (x.status === 'not-found') {
      tc.time(Number(x.elapsedSeconds.toFixed(3)));
      tc.failure(`not found: ${notFoundText(x)}`, 'NOT-FOUND');
    } else {
      tc.skipped();
    }
  }
  return junitText(builder);
}
