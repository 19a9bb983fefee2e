/**
 * The library API the command line is a thin layer over (and tests import): run one seed, run a
 * campaign, explore, shrink a failure into a replay document, and replay one. No file or process
 * access here: cli/ reads and writes files, parses arguments and sets exit codes.
 */
import type { Machine } from '../model/machine.js';
import { Campaign, type CampaignFinding, type TieStats } from '../sim/campaign.js';
import { Chooser } from '../sim/chooser.js';
import { Explorer, type ExploreOptions, type SubtreeExplorer } from '../sim/explore.js';
import { StatefulExplorer } from '../sim/explore-stateful.js';
import { Snapshot, Snapshotter } from '../sim/snapshot.js';
import { label, type Label } from '../sim/labels.js';
import { runOnce, type RunResult } from '../sim/run.js';
import { shrink, type ShrinkResult } from '../sim/shrink.js';
import { ReplayStrategy } from '../sim/strategy/replay.js';
import type { Violation } from '../sim/violation.js';
import { mutantInfo, MUTANTS } from '../model/mutants.js';
import type { MachineParams } from '../model/params.js';
import { isProfile, PROFILES, type Profile } from '../model/profile.js';
import { findScenario, SCENARIOS } from './registry.js';
import { makeReplay, type ReplayFile } from './replay-file.js';
import type { Scenario } from './scenario.js';
import { effectiveParams, ScenarioSystem } from './system.js';
import { imageHash } from './fs-images.js';
import { applySettings, ScopeError, type SettingValue } from './param-schema.js';
import { strategyOf, type StrategySpec } from './strategies.js';
import { RandomStrategy } from '../sim/strategy/random.js';

/** Bad input from the user: one line, exit code 2. */
export class InputError extends Error {}

/** What to run: a scenario under a profile with some mutants. */
export interface Target {
  scenario: Scenario;
  profile: Profile;
  mutants: string[];
  overrides?: Partial<MachineParams>;
  /**
   * The scope the user set (`--set key=value`, parsed): already applied in `overrides`, and kept
   * to be recorded in replay files.
   */
  settings?: Readonly<Record<string, SettingValue>>;
  /** A user's disk image (`--image`) for a file-system scenario. */
  image?: Uint8Array;
  /** Checks that may end a run (see SystemConfig.checks); all when absent. */
  checks?: string[];
  /** How random runs answer their choices (`run --strategy`); random when absent. */
  strategy?: StrategySpec;
}

/** Resolves names to a target, or throws InputError naming what is wrong and what is known. */
export function resolveTarget(scenarioName: string, profile: string, mutants: readonly string[]): Target {
  const scenario = findScenario(scenarioName);
  if (!scenario) throw new InputError(`unknown scenario "${scenarioName}" (known: ${SCENARIOS.map((s) => s.name).join(', ')})`);
  if (!isProfile(profile)) throw new InputError(`unknown profile "${profile}" (known: ${PROFILES.join(', ')})`);
  for (const m of mutants) {
    if (!mutantInfo(m)) throw new InputError(`unknown mutant "${m}" (known: ${MUTANTS.map((x) => x.name).join(', ')})`);
  }
  return { scenario, profile, mutants: [...new Set(mutants)] };
}

export function makeSystem(t: Target): ScenarioSystem {
  return new ScenarioSystem({ scenario: t.scenario, profile: t.profile, mutants: t.mutants, overrides: t.overrides, image: t.image, checks: t.checks });
}

/**
 * The system a random campaign runs: it keeps going after a violation and reports every distinct
 * check a run breaks (eclipse-b breaks several; the first would hide the rest).
 */
export function makeCampaignSystem(t: Target): ScenarioSystem {
  return new ScenarioSystem({ scenario: t.scenario, profile: t.profile, mutants: t.mutants, overrides: t.overrides, image: t.image, checks: t.checks, collect: true });
}

/**
 * Points a file-system scenario at a user's image: the parameters record its path and hash, so a
 * replay file can find it again and tell whether it is the same image. Throws InputError for a
 * scenario without a disk or an image that is not whole 4096-byte blocks. A damaged image is
 * accepted on purpose: what the kernel does with it (refuse the mount, fail calls) is the point,
 * and fsck at mount reports the damage as S-FS-01/02.
 */
export function withImage(t: Target, image: Uint8Array, path: string): Target {
  const fs = t.scenario.params.fs;
  if (!fs) throw new InputError(`scenario "${t.scenario.name}" does not boot from a disk image (use one of: ${SCENARIOS.filter((s) => s.params.fs).map((s) => s.name).join(', ')})`);
  if (image.length === 0 || image.length % 4096 !== 0) throw new InputError(`${path}: an EclipseFS image is a whole number of 4096-byte blocks (this one is ${image.length} bytes)`);
  return { ...t, image, overrides: { ...(t.overrides ?? {}), fs: { ...fs, image: `file:${path}`, imageHash: imageHash(image) } } };
}

/**
 * Applies `--set key=value` settings to a target: its parameters change (`overrides`) and the
 * settings are recorded (`settings`) for replay files. Throws InputError (one line) for an unknown
 * key, a value of the wrong type or out of range, or one that breaks a rule tying parameters
 * together. With `skipUnused`, keys the scenario does not use are left out (check).
 */
export function withSettings(t: Target, args: readonly string[], skipUnused = false): Target {
  if (args.length === 0) return t;
  const base: MachineParams = { ...t.scenario.params, ...(t.overrides ?? {}) };
  let applied: ReturnType<typeof applySettings>;
  try {
    applied = applySettings(base, t.scenario.name, args, skipUnused);
  } catch (e) {
    if (e instanceof ScopeError) throw new InputError(e.message);
    throw e;
  }
  // effectiveParams merges overrides one level deep: a group that changed goes in whole.
  const overrides: Partial<MachineParams> = { ...(t.overrides ?? {}) };
  for (const k of Object.keys(applied.params) as Array<keyof MachineParams>) {
    if (applied.params[k] !== base[k]) (overrides as Record<string, unknown>)[k] = applied.params[k];
  }
  return { ...t, overrides, settings: { ...(t.settings ?? {}), ...applied.values } };
}

/** One run of one seed; `keepTrace` records that many events (Infinity = all). */
export function runSeed(t: Target, seed: number, keepTrace = 0): { result: RunResult; system: ScenarioSystem; ties: TieStats | null } {
  const system = makeSystem(t);
  const strategy = strategyOf(t.strategy, system)(seed);
  const result = runOnce(system, strategy, keepTrace);
  const m = strategy.measure?.();
  return { result, system, ties: m ? { maxActors: m.actors, maxTiePoints: m.tiePoints, tiePoints: m.tiePoints, maxDelayPoints: m.delayPoints, maxPoints: m.tiePoints + m.delayPoints } : null };
}

/** A violation turned into a (shrunk) replay document. */
export interface Finding {
  check: string;
  /** The seed it came from, or null for exploration. */
  seed: number | null;
  /** Runs that failed this check (campaigns). */
  count: number;
  /** The violation as the replay reproduces it (after shrinking). */
  violation: Violation;
  /** Before shrinking: choices and step. */
  originalChoices: number;
  originalStep: number;
  /** Why it was not shrunk, when it could not be (a run the watchdog ended, no time left). */
  notShrunk?: string;
  /** How shrinking went, when it ran. */
  shrink?: ShrinkRecord;
  replay: ReplayFile;
}

/** How one finding's shrinking went. */
export interface ShrinkRecord {
  /** Runs it made. */
  runs: number;
  /** The budget that ended it (sim/shrink.ts ShrinkResult.stoppedBy); null: no edit helped any more. */
  stoppedBy: ShrinkResult['stoppedBy'];
  /** Wall-clock seconds, when a timer measured it. */
  seconds?: number;
}

/**
 * A wall-clock budget for shrinking, kept by the caller (cli/: the clock is not read here).
 * `begin()` is called as one finding's shrinking starts and returns what the shrinker asks before
 * each run (true: time is up), or null when no time is left to shrink at all; `end()` is called as
 * it ends and returns the seconds it took.
 */
export interface ShrinkTimer {
  begin(): (() => boolean) | null;
  end(): number;
}

/** Why a finding is written unshrunk when the timer had no time left for it. */
export const NO_SHRINK_TIME = 'the shrink time budget was spent on earlier findings';

/**
 * Shrinks a failing choice sequence (unless `shrinkBudget` is 0) and builds its replay document.
 * The document's violation and trace hash are those of the shrunk run, so replaying it gives
 * exactly that.
 */
export function findingFrom(
  t: Target,
  system: ScenarioSystem,
  input: { check: string; seed: number | null; count: number; choices: number[]; labels: Label[]; violation: Violation },
  shrinkBudget: number,
  timer?: ShrinkTimer,
): Finding {
  let choices = input.choices;
  let labels = input.labels;
  let result: RunResult;
  let record: ShrinkRecord | undefined;
  let notShrunk: string | undefined;
  const outOfTime = shrinkBudget > 0 && timer ? timer.begin() : undefined;
  if (outOfTime === null) notShrunk = NO_SHRINK_TIME;
  if (shrinkBudget > 0 && outOfTime !== null) {
    const s = shrink(system, input.choices, input.check, shrinkBudget, undefined, outOfTime);
    choices = s.choices;
    labels = s.labels;
    result = s.result;
    record = { runs: s.attempts, stoppedBy: s.stoppedBy, ...(timer ? { seconds: timer.end() } : {}) };
  } else {
    result = runOnce(system, new ReplayStrategy(choices, null, false));
    let n = choices.length;
    while (n > 0 && choices[n - 1] === 0) n--;
    choices = choices.slice(0, n);
    labels = result.labels.slice(0, n);
  }
  const violation = result.violation ?? input.violation;
  // The knobs of the run the replay reproduces: shrinking may have run other sequences since.
  let knobs: Record<string, number> | null = null;
  if (system.knobs) {
    runOnce(system, new ReplayStrategy(choices, null, false));
    knobs = system.knobs.values();
  }
  const replay = makeReplay({
    scenario: t.scenario.name,
    profile: t.profile,
    mutants: t.mutants,
    checks: t.checks ?? null,
    settings: t.settings ?? null,
    parameters: system.params,
    knobs,
    seed: input.seed,
    choices,
    labels,
    violation,
    traceHash: result.traceHash,
  });
  return {
    check: input.check,
    seed: input.seed,
    count: input.count,
    violation,
    originalChoices: input.choices.length,
    originalStep: input.violation.step,
    ...(notShrunk ? { notShrunk } : {}),
    ...(record ? { shrink: record } : {}),
    replay,
  };
}

/** Campaign findings as shrunk replay documents, in first-seed order. */
export function campaignFindings(t: Target, campaign: Campaign, shrinkBudget: number, timer?: ShrinkTimer): Finding[] {
  const system = makeSystem(t);
  return campaign.orderedFindings().map((f: CampaignFinding) => campaignFinding(t, f, shrinkBudget, timer, system));
}

/** One campaign finding as a shrunk replay document (`system`: one of `t`'s, to reuse). */
export function campaignFinding(t: Target, f: CampaignFinding, shrinkBudget: number, timer?: ShrinkTimer, system?: ScenarioSystem): Finding {
  if (f.watchdog) return watchdogFinding(t, f);
  if (!f.alone) return findingFrom(t, system ?? makeSystem(t), { ...f }, shrinkBudget, timer);
  // A later violation of its run: replayed (and shrunk) with only its check enabled.
  const alone: Target = { ...t, checks: [f.check] };
  return findingFrom(alone, makeSystem(alone), { ...f }, shrinkBudget, timer);
}

/**
 * A run the campaign watchdog ended (MODEL-HANG): it cannot be re-run here, so its replay is
 * written as recorded, unshrunk — the choices up to the event that never returned, with only
 * MODEL-HANG enabled, and the trace hash after the last event that did return.
 */
function watchdogFinding(t: Target, f: CampaignFinding): Finding {
  let n = f.choices.length;
  while (n > 0 && f.choices[n - 1] === 0) n--;
  const replay = makeReplay({
    scenario: t.scenario.name,
    profile: t.profile,
    mutants: t.mutants,
    checks: [f.check],
    parameters: effectiveParams({ scenario: t.scenario, profile: t.profile, mutants: t.mutants, overrides: t.overrides }),
    seed: f.seed,
    choices: f.choices.slice(0, n),
    labels: f.labels.slice(0, n),
    violation: f.violation,
    traceHash: f.traceHash,
  });
  return { check: f.check, seed: f.seed, count: f.count, violation: f.violation, originalChoices: f.choices.length, originalStep: f.violation.step, notShrunk: 'the run hangs, so it cannot be re-run to shrink it', replay };
}

/** Replays a replay document. Strict: a label or range mismatch throws ReplayDivergence. */
export function replayDocument(doc: ReplayFile, keepTrace = 0, image?: Uint8Array, observer?: (m: Machine) => void): { result: RunResult; system: ScenarioSystem } {
  const scenario = findScenario(doc.scenario);
  if (!scenario) throw new InputError(`the replay is for scenario "${doc.scenario}", which this build does not have`);
  const t: Target = { scenario, profile: doc.profile, mutants: doc.mutants, overrides: doc.parameters, settings: doc.settings, image, checks: doc.checks ?? undefined };
  const system = makeSystem(t);
  if (observer) system.observer = observer;
  const values = doc.choices.map((c) => c[1]);
  const labels = doc.choices.map((c) => label(doc.labels[c[0]]));
  const result = runOnce(system, new ReplayStrategy(values, labels, true), keepTrace, new Chooser(new RandomStrategy(0)));
  return { result, system };
}

/** Explorer for a target: swarm off (exhaustive mode branches on every enabled fault instead). */
/** How `explore` searches: see makeExplorer. */
export type SearchMode = 'auto' | 'stateful' | 'stateless';

/**
 * Snapshots up to this size make the stateful search pay. The process and service scenarios carry
 * about 6 MB (process memory, exec staging, transfer buffers, IPC payloads: paged, so a snapshot
 * copies only the pages a step wrote) and half a MiB more that every snapshot copies whole (the
 * file tables, the buffer cache); their stateless searches re-run only 6 to 40 events per state,
 * so a forced stateful search is about as fast on proc-small and half as fast on init-small, and
 * `auto` stays stateless there.
 */
export const STATEFUL_SNAPSHOT_LIMIT = 1 << 20;

/**
 * The explorer for a target: stateful (snapshots, sim/explore-stateful.ts), or stateless (re-runs
 * every path from the start; the tests check the stateful search against it). `auto` measures one
 * snapshot of the initial state and picks stateful when it is at most STATEFUL_SNAPSHOT_LIMIT.
 */
export function makeExplorer(t: Target, opts: ExploreOptions, search: SearchMode = 'auto'): { explorer: SubtreeExplorer; system: ScenarioSystem; target: Target } {
  const target: Target = { ...t, overrides: { ...(t.overrides ?? {}), swarm: false } };
  const system = makeSystem(target);
  let stateful = search === 'stateful';
  if (search === 'auto') {
    system.begin(new Chooser(new RandomStrategy(0)), 0);
    stateful = snapshotBytes(system) <= STATEFUL_SNAPSHOT_LIMIT;
  }
  return { explorer: stateful ? new StatefulExplorer(system, opts) : new Explorer(system, opts), system, target };
}

/** The size of one snapshot of the system's state now, in bytes. */
function snapshotBytes(system: ScenarioSystem): number {
  const s = new Snapshot();
  new Snapshotter(system.stateRoots()).take(s);
  let n = s.cells.length * 8;
  for (const c of s.copies) n += c.byteLength;
  return n;
}
