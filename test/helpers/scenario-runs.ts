/**
 * Running whole scenarios the way the tools do, for the scenario tests (test/scenarios/
 * boot-scenarios.test.ts, proc-scenarios.test.ts): `RunRecorder`, a ScenarioSystem seen through
 * the SimSystem interface a Campaign drives that keeps one record of what each run did (the
 * subclass says what to watch after every step and what to keep when the run ends), and
 * `recordedCampaign` to run seeds 1…n on one; the search of a mutant's first failing seed; an
 * exhaustive exploration run to its end with the scenario's own bounds; a replay document written
 * as text, read back and replayed; a seed run on a system with history, and the assertion that a
 * seed determines its run; and `show`, violations as one line each for a test that expects none.
 */
import type { ExecutionContext } from 'ava';
import { Campaign } from '../../sim/campaign.js';
import type { Chooser } from '../../sim/chooser.js';
import type { Hasher64 } from '../../sim/hash.js';
import { runOnce, type RunResult } from '../../sim/run.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import type { SimSystem } from '../../sim/system.js';
import type { Violation } from '../../sim/violation.js';
import type { Machine } from '../../model/machine.js';
import { makeExplorer, makeSystem, replayDocument, runSeed, type Target } from '../../scenarios/operations.js';
import { parseReplay, replayToText, type ReplayFile } from '../../scenarios/replay-file.js';
import type { ScenarioSystem } from '../../scenarios/system.js';

/** Violations as "check at step n: message", one each. */
export const show = (vs: readonly Violation[]) => vs.map((v) => `${v.check} at step ${v.step}: ${v.message}`);

// ---- recording a campaign's runs ----

/**
 * A ScenarioSystem seen through the SimSystem interface a Campaign drives, recording what each run
 * did in `runs`, one record per run: `startRun` before a run begins, `observeStep` after every
 * step, and `finishRun` when the run is over (it returns the record).
 */
export abstract class RunRecorder<RunRecord> implements SimSystem {
  readonly runs: RunRecord[] = [];

  constructor(readonly inner: ScenarioSystem) {}

  protected abstract startRun(): void;
  protected abstract observeStep(m: Machine): void;
  protected abstract finishRun(m: Machine): RunRecord;

  get violation(): Violation | null {
    return this.inner.violation;
  }
  get violations(): readonly Violation[] {
    return this.inner.violations;
  }
  get steps(): number {
    return this.inner.steps;
  }
  outcome(): string | null {
    return this.inner.outcome();
  }
  get now(): number {
    return this.inner.now;
  }

  begin(chooser: Chooser, keepTrace: number): void {
    this.startRun();
    this.inner.begin(chooser, keepTrace);
  }

  step(): boolean {
    const more = this.inner.step();
    this.observeStep(this.inner.machine);
    if (!more) this.runs.push(this.finishRun(this.inner.machine));
    return more;
  }

  traceHash(): string {
    return this.inner.traceHash();
  }

  fingerprint(h: Hasher64): void {
    this.inner.fingerprint(h);
  }
}

/** A campaign over seeds 1…seeds on `recorder`, and the record of each run. */
export function recordedCampaign<RunRecord>(recorder: RunRecorder<RunRecord>, seeds: number): { campaign: Campaign; runs: RunRecord[] } {
  const campaign = new Campaign(recorder);
  campaign.runSeeds(1, seeds + 1);
  return { campaign, runs: recorder.runs };
}

// ---- finding, exploring, replaying ----

/** A campaign on one system of `tg` (stopping at a run's first violation) over seeds 1, 2, …, until a run fails or `maxSeeds` have run. */
export function campaignToFirstFailure(tg: Target, maxSeeds: number): Campaign {
  const campaign = new Campaign(makeSystem(tg));
  for (let seed = 1; seed <= maxSeeds && campaign.failedRuns === 0; seed++) campaign.runSeeds(seed, seed + 1);
  return campaign;
}

/** Explores `tg` to its end within the scenario's depth and state bounds, stopping at the first violation. */
export function exploreToEnd(tg: Target, plant?: (system: ScenarioSystem) => void) {
  const s = tg.scenario;
  const { explorer, system } = makeExplorer(tg, { maxDepth: s.exploreMaxDepth, maxStates: s.exploreMaxStates, maxMemoryBytes: 2 ** 30, stopAtFirstViolation: true });
  // A bug planted in this system's parts (test/helpers/planted-driver-bugs.ts) before it runs.
  plant?.(system);
  while (!explorer.advance(1 << 20)) {
    // to the end
  }
  return { result: explorer.result, system };
}

/** `replay` written as a replay document, read back (named `source`) and replayed on a fresh system. */
export function replayRoundTrip(replay: ReplayFile, source: string): { doc: ReplayFile; result: RunResult } {
  const doc = parseReplay(replayToText(replay), source);
  return { doc, result: replayDocument(doc).result };
}

/** The run of `seed` on one system of `tg` that ran `earlierSeed` before it. */
export function runAfter(tg: Target, earlierSeed: number, seed: number): RunResult {
  const system = makeSystem(tg);
  runOnce(system, new RandomStrategy(earlierSeed));
  return runOnce(system, new RandomStrategy(seed));
}

/**
 * Runs `seed` of `tg` on two fresh systems and `otherSeed` on a third, and asserts that a seed
 * determines its run: both runs of `seed` have one trace hash (16 hex digits), one length and one
 * list of choices (with `sameTime`, also one end time), and the run of `otherSeed` another trace
 * hash. Returns the first run of `seed`.
 */
export function assertSeedDeterminesRun(t: ExecutionContext, tg: Target, seed: number, otherSeed: number, opts: { sameTime?: boolean } = {}): RunResult {
  const a = runSeed(tg, seed).result;
  const b = runSeed(tg, seed).result;
  const c = runSeed(tg, otherSeed).result;
  t.regex(a.traceHash, /^[0-9a-f]{16}$/);
  t.is(a.traceHash, b.traceHash);
  t.is(a.steps, b.steps);
  if (opts.sameTime) t.is(a.time, b.time);
  t.deepEqual(a.choices, b.choices);
  t.not(c.traceHash, a.traceHash);
  return a;
}
