/**
 * The result document of `run`, `explore` and `check` (`--json`), and of `merge`, which combines
 * shard documents. One row per scenario and mode; JUnit, Markdown and the terminal summary are all
 * rendered from rows, so a merged report is the same report the unsharded run gives.
 *
 * Shapes: `run`/`explore --json` print one row with the head fields beside it (flat, as before);
 * `check --json` prints the head with `results: [row…]`.
 */
import type { PctReport } from '../scenarios/strategies.js';
import { z } from 'zod';
import type { Finding } from '../scenarios/operations.js';
import type { Shard } from '../scenarios/shard.js';
import { sumCoverage, type CoverageRecord } from './coverage.js';

export interface ViolationRecord {
  check: string;
  /** The seed of the first failing run (null for exploration). */
  seed: number | null;
  /** Step and time of the failure in the replayed (shrunk) run. */
  step: number;
  time: number;
  message: string;
  /** Runs that failed this check. */
  runs: number;
  /** The replay file written. */
  replay: string;
  /**
   * Choices and step before shrinking, and choices after; when it shrank, the runs it made, what
   * ended it (`stoppedBy`: null when no edit helped any more, else the budget that ran out —
   * 'runs', 'events' or 'time' — and the result is only as small as that budget allowed) and its
   * wall-clock seconds.
   */
  shrunk: { fromChoices: number; fromStep: number; choices: number; runs?: number; stoppedBy?: 'runs' | 'events' | 'time' | null; seconds?: number };
  /** Why it was not shrunk (a watchdog hang cannot be replayed in-process), if it was not. */
  notShrunk?: string;
  /** Its HTML timeline page (--html), if one was written. */
  html?: string;
  /** The swarm knobs its (shrunk) run drew, when the scenario has any. */
  knobs?: Record<string, number>;
}

export interface BootFailureRecord {
  reason: string;
  runs: number;
  seed: number;
}

export type RowMode = 'seed' | 'random' | 'explore';

export interface ResultRow {
  scenario: string;
  mode: RowMode;
  /** seed and random: the first seed run. */
  firstSeed?: number;
  runs: number;
  steps: number;
  /** explore only. */
  states?: number;
  complete?: boolean;
  traceHash?: string;
  elapsedSeconds: number;
  /** Every check that could end a run here (in catalogue order); the JUnit test cases. */
  checks: string[];
  /** Checks that ran but were filtered out by `--only`. */
  ignoredChecks: string[];
  bootFailures: BootFailureRecord[];
  violations: ViolationRecord[];
  /** seed and random: the strategy that answered the choices (`run --strategy`). */
  strategy?: string;
  /** PCT runs: the depth, the measured n and k, and the paper's bound (scenarios/strategies.ts). */
  pct?: PctReport;
  /** run --seed: the swarm knobs the seed drew (scenarios/swarm-knobs.ts). */
  knobs?: Record<string, number>;
  /** `--coverage`: hits per coverage probe (reports/coverage.ts) of this row's runs. */
  coverage?: CoverageRecord;
}

export interface ResultHead {
  command: 'run' | 'explore' | 'check';
  profile: string;
  mutants: string[];
  only: string[] | null;
  shard: Shard | null;
  interrupted: boolean;
}

export interface ResultReport {
  head: ResultHead;
  rows: ResultRow[];
}

export function violationRecord(f: Finding, replayPath: string, htmlPath?: string): ViolationRecord {
  return {
    check: f.check,
    seed: f.seed,
    step: f.violation.step,
    time: f.violation.time,
    message: f.violation.message,
    runs: f.count,
    replay: replayPath,
    shrunk: {
      fromChoices: f.originalChoices,
      fromStep: f.originalStep,
      choices: f.replay.choices.length,
      ...(f.shrink ? { runs: f.shrink.runs, stoppedBy: f.shrink.stoppedBy, ...(f.shrink.seconds !== undefined ? { seconds: f.shrink.seconds } : {}) } : {}),
    },
    ...(f.notShrunk ? { notShrunk: f.notShrunk } : {}),
    ...(htmlPath ? { html: htmlPath } : {}),
    ...(f.replay.knobs ? { knobs: f.replay.knobs } : {}),
  };
}

/** The JSON document a command prints for a report. */
export function reportToJson(r: ResultReport): unknown {
  const head = { command: r.head.command, profile: r.head.profile, mutants: r.head.mutants, only: r.head.only, shard: r.head.shard, interrupted: r.head.interrupted };
  if (r.head.command === 'check') {
    const withCoverage = r.rows.some((x) => x.coverage);
    return { mode: 'check', ...head, results: r.rows, ...(withCoverage ? { coverage: sumCoverage(r.rows.map((x) => x.coverage)) } : {}) };
  }
  const row = r.rows[0];
  const { scenario, mode, ...rest } = row;
  // The old flat order first (scenario, profile, mutants, mode), then the rest.
  return { scenario, profile: head.profile, mutants: head.mutants, mode, command: head.command, only: head.only, shard: head.shard, interrupted: head.interrupted, ...rest };
}

// ---- reading documents back (merge) ----

const nonNeg = z.number().int().nonnegative();
const violationSchema = z.object({
  check: z.string(),
  seed: nonNeg.nullable(),
  step: nonNeg,
  time: z.number().nonnegative(),
  message: z.string(),
  runs: nonNeg,
  replay: z.string(),
  shrunk: z.object({
    fromChoices: nonNeg,
    fromStep: nonNeg,
    choices: nonNeg,
    runs: nonNeg.optional(),
    stoppedBy: z.enum(['runs', 'events', 'time']).nullable().optional(),
    seconds: z.number().nonnegative().optional(),
  }),
  notShrunk: z.string().optional(),
  knobs: z.record(z.string(), z.number()).optional(),
});
const rowFields = {
  scenario: z.string(),
  mode: z.enum(['seed', 'random', 'explore']),
  firstSeed: nonNeg.optional(),
  runs: nonNeg,
  steps: nonNeg,
  states: nonNeg.optional(),
  complete: z.boolean().optional(),
  traceHash: z.string().optional(),
  elapsedSeconds: z.number().nonnegative(),
  checks: z.array(z.string()),
  ignoredChecks: z.array(z.string()),
  bootFailures: z.array(z.object({ reason: z.string(), runs: nonNeg, seed: nonNeg })),
  violations: z.array(violationSchema),
  strategy: z.string().optional(),
  pct: z
    .object({ depth: z.number().int().positive(), actors: nonNeg, tiePoints: nonNeg, delayPoints: nonNeg, schedulingPoints: nonNeg, changePointRange: z.number().int().positive(), guarantee: z.number().positive(), rangeExceeded: z.boolean() })
    .optional(),
  coverage: z.record(z.string(), nonNeg).optional(),
  knobs: z.record(z.string(), z.number()).optional(),
};
const headFields = {
  command: z.enum(['run', 'explore', 'check']),
  profile: z.string(),
  mutants: z.array(z.string()),
  only: z.array(z.string()).nullable(),
  shard: z.object({ index: z.number().int().positive(), count: z.number().int().positive() }).nullable(),
  interrupted: z.boolean(),
};
const flatSchema = z.object({ ...headFields, ...rowFields });
const checkSchema = z.object({ mode: z.literal('check'), ...headFields, results: z.array(z.object(rowFields)) });

/** Parses a result document (`run`/`check --json` output); throws Error with one line on defects. */
export function parseReport(text: string, name: string): ResultReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: not JSON (${(e as Error).message})`);
  }
  const isCheck = typeof raw === 'object' && raw !== null && (raw as { mode?: unknown }).mode === 'check';
  const parsed = isCheck ? checkSchema.safeParse(raw) : flatSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`${name}: not an eclipse-sim result document (--json of run or check): ${issue.path.join('.') || 'document'}: ${issue.message}`);
  }
  if (isCheck) {
    const d = parsed.data as z.infer<typeof checkSchema>;
    return { head: { command: d.command, profile: d.profile, mutants: d.mutants, only: d.only, shard: d.shard, interrupted: d.interrupted }, rows: d.results };
  }
  const d = parsed.data as z.infer<typeof flatSchema>;
  const { command, profile, mutants, only, shard, interrupted, ...row } = d;
  return { head: { command, profile, mutants, only, shard, interrupted }, rows: [row] };
}
