/**
 * `eclipse-sim/ava`: assertions for ava tests (any runner whose context has `fail` and `pass`)
 * that fail with the replay command, so a red test says how to see the failing run.
 *
 *   import test from 'ava';
 *   import { runSeed } from 'eclipse-sim';
 *   import { assertNoViolation } from 'eclipse-sim/ava';
 *   test('seed 7 is clean', (t) => assertNoViolation(t, runSeed('virtio-smoke', 7)));
 */
import { findingOf, reproduceCommand, writeReplay, type CampaignResult, type Finding, type Run } from './index.js';

/** The part of ava's ExecutionContext these helpers use. */
export interface AssertionContext {
  fail(message?: string): void;
  pass(message?: string): void;
}

export interface ReplayOptions {
  /** Where replay files go (default `eclipse-sim-out`). */
  dir?: string;
  /** Most runs spent shrinking (default 1000; 0 = none). */
  shrinkBudget?: number;
}

/** A finding as a failure message: the check, where it failed, the replay file and the command. */
export function failureMessage(f: Finding, path: string): string {
  const v = f.violation;
  return [
    `${f.check} in ${f.replay.scenario} (${f.replay.profile}${f.replay.mutants.length ? `, mutants ${f.replay.mutants.join(',')}` : ''}): ${v.message}`,
    `  ${f.seed !== null ? `seed ${f.seed}, ` : ''}step ${v.step}, t = ${v.time} µs (shrunk to ${f.replay.choices.length} choices)`,
    `  replay file: ${path}`,
    `  reproduce:   ${reproduceCommand(path)}`,
  ].join('\n');
}

/** Passes if the run broke no check; else shrinks it, writes its replay file and fails with the command. */
export function assertNoViolation(t: AssertionContext, run: Run, options: ReplayOptions = {}): void {
  if (!run.violation) {
    t.pass();
    return;
  }
  const f = findingOf(run, options.shrinkBudget ?? 1000);
  t.fail(failureMessage(f, writeReplay(f, options.dir)));
}

/** Passes if the campaign found nothing; else writes every finding's replay file and fails listing them. */
export function assertCampaignClean(t: AssertionContext, result: CampaignResult, options: Pick<ReplayOptions, 'dir'> = {}): void {
  if (result.findings.length === 0) {
    t.pass();
    return;
  }
  t.fail([`${result.findings.length} check${result.findings.length === 1 ? '' : 's'} failed in ${result.runs} runs of ${result.scenario}:`, ...result.findings.map((f) => failureMessage(f, writeReplay(f, options.dir)))].join('\n'));
}
