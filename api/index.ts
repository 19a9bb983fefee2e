/**
 * eclipse-sim as a library: `import { runSeed, runCampaign, … } from 'eclipse-sim'`.
 *
 * Everything a test of your own needs, by scenario name: list the scenarios, run one seed (or an
 * explicit choice stream), run a campaign over seeds, explore a small scenario exhaustively,
 * shrink a failure and write its replay file, and replay a file. Results are plain data; a failing
 * run's replay file is what `npx eclipse-sim replay <file> --trace` shows step by step.
 *
 * The helpers for test frameworks are beside this module: `eclipse-sim/ava` (fail a test with the
 * replay command) and `eclipse-sim/fast-check` (arbitraries of seeds and choice streams, so
 * fast-check's shrinker drives the simulator). Like cli/, this layer reads and writes files
 * (replay files); the model below it never does.
 */
import { Campaign } from '../sim/campaign.js';
import { runOnce } from '../sim/run.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import { ReplayStrategy } from '../sim/strategy/replay.js';
import type { Violation } from '../sim/violation.js';
import { ALL_CHECKS } from '../checks/registry.js';
import { MUTANTS } from '../model/mutants.js';
import { PROFILES, type Profile } from '../model/profile.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { campaignFindings, findingFrom, makeCampaignSystem, makeExplorer, makeSystem, replayDocument, resolveTarget, InputError, type Finding, type Target } from '../scenarios/operations.js';
import { parseReplay, ReplayFileError, type ReplayFile } from '../scenarios/replay-file.js';
import { shardSeeds, type Shard } from '../scenarios/shard.js';
import type { Label } from '../sim/labels.js';
import { applyTargetOptions, readReplayFile, replayImage, writeFinding } from '../cli/files.js';
import { reproduceCommand } from '../reports/junit.js';

export type { Violation, Profile, Shard, ReplayFile, Finding };
export { InputError, ReplayFileError, reproduceCommand, PROFILES };

/** What to run a scenario under. */
export interface TargetOptions {
  /** Kernel profile (default `reference`). */
  profile?: Profile;
  /** Planted bugs of the zoo to switch on (see `listMutants`). */
  mutants?: string[];
  /** Only these checks (ids, or prefixes ending in `*`) may end a run, as `--only`. */
  only?: string[];
}

export interface ScenarioInfo {
  name: string;
  description: string;
  purpose: string;
  /** Small enough for `explore` to finish. */
  explorable: boolean;
  /** Seeds of its default campaign. */
  campaignSeeds: number;
}

/** The scenarios this build has, in `eclipse-sim list` order. */
export function listScenarios(): ScenarioInfo[] {
  return SCENARIOS.map((s) => ({ name: s.name, description: s.description, purpose: s.purpose, explorable: s.explorable, campaignSeeds: s.campaignSeeds }));
}

/** Every check by stable id. */
export function listChecks(): Array<{ id: string; subsystem: string; kind: 'safety' | 'progress'; title: string }> {
  return ALL_CHECKS.map((c) => ({ ...c }));
}

/** Every mutant (planted bug), with the checks that should catch it. */
export function listMutants(): Array<{ name: string; subsystem: string; description: string; caughtBy: string[] }> {
  return MUTANTS.map((m) => ({ name: m.name, subsystem: m.subsystem, description: m.description, caughtBy: [...m.catchers] }));
}

function targetOf(scenario: string, o: TargetOptions = {}): Target {
  return applyTargetOptions(resolveTarget(scenario, o.profile ?? 'reference', o.mutants ?? []), { only: o.only?.join(',') });
}

/** One run: what happened, and enough to shrink it and write its replay file. */
export interface Run {
  scenario: string;
  profile: Profile;
  mutants: string[];
  /** The seed, or null for an explicit choice stream. */
  seed: number | null;
  /** The first violation, or null. */
  violation: Violation | null;
  /** How the run ended when it did not run its course (a boot failure), or null. */
  outcome: string | null;
  steps: number;
  /** Simulated microseconds at the end. */
  time: number;
  traceHash: string;
  /** The choices the run took (its replay). */
  choices: number[];
}

/** What `findingOf` needs to shrink a run, kept out of the public shape. */
const runTargets = new WeakMap<Run, { target: Target; labels: Label[] }>();

function runOf(t: Target, seed: number | null, r: ReturnType<typeof runOnce>): Run {
  const run: Run = { scenario: t.scenario.name, profile: t.profile, mutants: t.mutants, seed, violation: r.violation, outcome: r.outcome, steps: r.steps, time: r.time, traceHash: r.traceHash, choices: r.choices };
  runTargets.set(run, { target: t, labels: r.labels });
  return run;
}

/** Runs one seed of a scenario: the same seed gives the same run (and trace hash) anywhere. */
export function runSeed(scenario: string, seed: number, options?: TargetOptions): Run {
  const t = targetOf(scenario, options);
  return runOf(t, seed, runOnce(makeSystem(t), new RandomStrategy(seed)));
}

/**
 * Runs a scenario with its choices answered from `choices` in order (a value too large for a
 * choice is taken as its largest option; past the end every choice is 0, the default: no fault,
 * the earliest event, the fastest latency). Smaller and fewer values mean a simpler run, which is
 * why fast-check's shrinking of such a stream shrinks the run (see `eclipse-sim/fast-check`).
 */
export function runChoices(scenario: string, choices: readonly number[], options?: TargetOptions): Run {
  const t = targetOf(scenario, options);
  return runOf(t, null, runOnce(makeSystem(t), new ReplayStrategy(choices, null, false)));
}

/** Shrinks a failing run (within `shrinkBudget` runs; 0 = no shrinking) into a finding with its replay document. */
export function findingOf(run: Run, shrinkBudget = 1000): Finding {
  if (!run.violation) throw new InputError('findingOf: the run has no violation');
  const known = runTargets.get(run);
  if (!known) throw new InputError('findingOf: not a run made by runSeed or runChoices');
  const t = known.target;
  return findingFrom(t, makeSystem(t), { check: run.violation.check, seed: run.seed, count: 1, choices: run.choices, labels: known.labels, violation: run.violation }, shrinkBudget);
}

/**
 * Writes a finding's replay file under `dir` (default `eclipse-sim-out`), named as the command
 * line names it; returns the path. `npx eclipse-sim replay <path> --trace` shows the run.
 */
export function writeReplay(finding: Finding, dir = 'eclipse-sim-out'): string {
  return writeFinding(dir, finding.replay.scenario, finding.seed !== null ? 'run' : 'explore', finding);
}

export interface CampaignOptions extends TargetOptions {
  /** Number of seeds (default: the scenario's campaign size). */
  seeds?: number;
  /** First seed (default 1). */
  firstSeed?: number;
  /** Run only this shard's part of the seeds. */
  shard?: Shard;
  /** Most runs spent shrinking each finding (default 1000; 0 = no shrinking). */
  shrinkBudget?: number;
}

export interface CampaignResult {
  scenario: string;
  firstSeed: number;
  runs: number;
  steps: number;
  /** Runs that failed some check. */
  failedRuns: number;
  /** Each failing check once, at its first failing seed, shrunk, in the order they failed. */
  findings: Finding[];
  /** Runs that did not boot, by reason. */
  bootFailures: Array<{ reason: string; runs: number; seed: number }>;
}

/**
 * A random campaign over consecutive seeds, in this thread (the command line spreads it over
 * worker threads; the result is the same). It yields to the event loop between slices of seeds.
 */
export async function runCampaign(scenario: string, options: CampaignOptions = {}): Promise<CampaignResult> {
  const t = targetOf(scenario, options);
  const part = shardSeeds(options.firstSeed ?? 1, options.seeds ?? t.scenario.campaignSeeds, options.shard ?? null);
  const campaign = new Campaign(makeCampaignSystem(t));
  for (let s = part.first; s < part.first + part.count; s += 50) {
    campaign.runSeeds(s, Math.min(s + 50, part.first + part.count));
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  return {
    scenario: t.scenario.name,
    firstSeed: part.first,
    runs: campaign.runs,
    steps: campaign.steps,
    failedRuns: campaign.failedRuns,
    findings: campaignFindings(t, campaign, options.shrinkBudget ?? 1000),
    bootFailures: campaign.orderedOutcomes().map((o) => ({ reason: o.outcome, runs: o.count, seed: o.seed })),
  };
}

export interface ExploreOptions extends TargetOptions {
  /** Longest path in events (default: the scenario's). */
  maxDepth?: number;
  /** Most distinct states to store (default: the scenario's). */
  maxStates?: number;
  /** Memory budget of the state store in MiB (default 4096). */
  maxMemoryMiB?: number;
  shrinkBudget?: number;
}

export interface ExploreResult {
  scenario: string;
  /** Every choice sequence was covered within the bounds. */
  complete: boolean;
  /** Why the search stopped early, or null. */
  stoppedBy: 'depth' | 'states' | 'memory' | 'violation' | 'interrupt' | 'audit' | null;
  states: number;
  paths: number;
  maxDepth: number;
  /** The first violation found (the search stops there), shrunk. */
  findings: Finding[];
}

/** Exhaustive depth-first exploration of a (small, explorable) scenario. */
export function explore(scenario: string, options: ExploreOptions = {}): ExploreResult {
  const base = targetOf(scenario, options);
  const { explorer, system, target } = makeExplorer(base, {
    maxDepth: options.maxDepth ?? base.scenario.exploreMaxDepth,
    maxStates: options.maxStates ?? base.scenario.exploreMaxStates,
    maxMemoryBytes: (options.maxMemoryMiB ?? 4096) * 1024 * 1024,
    stopAtFirstViolation: true,
  });
  while (!explorer.advance(1000)) {
    // run to the end
  }
  const r = explorer.result;
  const findings = r.violations.map((v) => findingFrom(target, system, { check: v.violation.check, seed: null, count: 1, choices: v.choices, labels: v.labels, violation: v.violation }, options.shrinkBudget ?? 1000));
  return { scenario: target.scenario.name, complete: r.complete, stoppedBy: r.stoppedBy, states: r.states, paths: r.runs, maxDepth: r.maxDepth, findings };
}

export interface ReplayResult {
  /** The recorded violation happened again, at the same step. */
  reproduced: boolean;
  violation: Violation | null;
  steps: number;
  traceHash: string;
  /** The trace hash equals the recorded one (same model version). */
  hashMatches: boolean;
}

/**
 * Replays a replay file (a path, its text parsed, or a finding's document) exactly. Throws
 * ReplayFileError for a bad file, and the engine's ReplayDivergence when the model asks for other
 * choices than the file recorded.
 */
export function replay(file: string | ReplayFile): ReplayResult {
  const doc = typeof file === 'string' ? readReplayFile(file) : parseReplay(JSON.stringify(file), 'replay document');
  // A document given as an object has no folder of its own: its image path is taken from the
  // working directory, with the same rule as a file's (it must stay inside it).
  const { result } = replayDocument(doc, 0, replayImage(doc, typeof file === 'string' ? file : 'replay.json'));
  const v = result.violation;
  const e = doc.violation;
  return { reproduced: e !== null && v !== null && v.check === e.check && v.step === e.step, violation: v, steps: result.steps, traceHash: result.traceHash, hashMatches: result.traceHash === doc.traceHash };
}
