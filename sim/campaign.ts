import { Chooser } from './chooser.js';
import type { Label } from './labels.js';
import { runOnce } from './run.js';
import { RandomStrategy } from './strategy/random.js';
import type { Strategy } from './strategy/strategy.js';
import type { SimSystem } from './system.js';
import type { Violation } from './violation.js';

/** The first failing run of one check in a campaign, and how many runs failed it. */
export interface CampaignFinding {
  check: string;
  seed: number;
  violation: Violation;
  choices: number[];
  labels: Label[];
  traceHash: string;
  /** Runs of the campaign that failed this check. */
  count: number;
  /**
   * The run was ended by the campaign's wall-clock watchdog (MODEL-HANG): its choices go up to
   * the event that never returned, so it cannot be re-run (or shrunk) in-process.
   */
  watchdog?: boolean;
  /**
   * The check was not the first its run violated: its replay must run with only this check
   * enabled, so that it is the violation that ends the run.
   */
  alone: boolean;
}

/**
 * A random campaign over consecutive seeds, run in slices so the caller can stop it between
 * slices (an interrupt) and still report what was found. Results depend only on the seeds run,
 * never on slicing. Memory stays flat: per run it keeps counters, and full details only for the
 * first failure of each check.
 */
/** Runs that ended another way than by running their course (a boot failure), by reason. */
export interface CampaignOutcome {
  outcome: string;
  seed: number;
  count: number;
}

/**
 * What the campaign's strategies measured of their runs (PCT's n and k): the most actors and
 * threads, tie points, delay points and scheduling points (tie plus delay points) in one run, and
 * the tie points of all runs. All zero for a strategy that does not measure (random).
 */
export interface TieStats {
  maxActors: number;
  maxTiePoints: number;
  tiePoints: number;
  maxDelayPoints: number;
  maxPoints: number;
}

/** Nothing measured yet. */
export const noTieStats = (): TieStats => ({ maxActors: 0, maxTiePoints: 0, tiePoints: 0, maxDelayPoints: 0, maxPoints: 0 });

export class Campaign {
  runs = 0;
  steps = 0;
  failedRuns = 0;
  readonly findings = new Map<string, CampaignFinding>();
  readonly outcomes = new Map<string, CampaignOutcome>();
  readonly ties: TieStats = noTieStats();
  /**
   * Coverage probe hits of the campaign's own runs (not of shrinking or anything else the system
   * ran), when the system counts them.
   */
  readonly coverage: Float64Array | null;
  private readonly chooser = new Chooser(new RandomStrategy(0));

  /**
   * `strategyOf` answers a seed's choices (default: its random strategy); the campaign watchdog
   * wraps it to see the choices of a run that never returns.
   */
  constructor(
    private readonly system: SimSystem,
    private readonly strategyOf: (seed: number) => Strategy = (seed) => new RandomStrategy(seed),
  ) {
    const c = system.coverageCounts?.();
    this.coverage = c ? new Float64Array(c.length) : null;
  }

  /** Runs seeds [from, to). */
  runSeeds(from: number, to: number): void {
    const counts = this.coverage ? this.system.coverageCounts!() : null;
    const before = counts ? counts.slice() : null;
    try {
      this.runRange(from, to);
    } finally {
      if (counts && before) for (let i = 0; i < counts.length; i++) this.coverage![i] += counts[i] - before[i];
    }
  }

  private runRange(from: number, to: number): void {
    for (let seed = from; seed < to; seed++) {
      const strategy = this.strategyOf(seed);
      const r = runOnce(this.system, strategy, 0, this.chooser);
      this.runs++;
      this.steps += r.steps;
      const m = strategy.measure?.();
      if (m) {
        if (m.actors > this.ties.maxActors) this.ties.maxActors = m.actors;
        if (m.tiePoints > this.ties.maxTiePoints) this.ties.maxTiePoints = m.tiePoints;
        if (m.delayPoints > this.ties.maxDelayPoints) this.ties.maxDelayPoints = m.delayPoints;
        if (m.tiePoints + m.delayPoints > this.ties.maxPoints) this.ties.maxPoints = m.tiePoints + m.delayPoints;
        this.ties.tiePoints += m.tiePoints;
      }
      if (r.outcome !== null) {
        const o = this.outcomes.get(r.outcome);
        if (o) o.count++;
        else this.outcomes.set(r.outcome, { outcome: r.outcome, seed, count: 1 });
      }
      if (!r.violation) continue;
      this.failedRuns++;
      const all = r.violations.length > 0 ? r.violations : [r.violation];
      for (let i = 0; i < all.length; i++) {
        const v = all[i];
        const known = this.findings.get(v.check);
        if (known) known.count++;
        else this.findings.set(v.check, { check: v.check, seed, violation: v, choices: r.choices, labels: r.labels, traceHash: r.traceHash, count: 1, alone: i > 0 });
      }
    }
  }

  /**
   * Adds the results of a campaign over other seeds (a worker's slice). Counters add up; for each
   * check the finding of the lowest seed wins, so the merge does not depend on which worker
   * finished first.
   */
  merge(other: { runs: number; steps: number; failedRuns: number; findings: Iterable<CampaignFinding>; outcomes?: Iterable<CampaignOutcome>; ties?: TieStats; coverage?: ArrayLike<number> | null }): void {
    if (this.coverage && other.coverage) for (let i = 0; i < this.coverage.length && i < other.coverage.length; i++) this.coverage[i] += other.coverage[i];
    this.runs += other.runs;
    if (other.ties) {
      this.ties.maxActors = Math.max(this.ties.maxActors, other.ties.maxActors);
      this.ties.maxTiePoints = Math.max(this.ties.maxTiePoints, other.ties.maxTiePoints);
      this.ties.maxDelayPoints = Math.max(this.ties.maxDelayPoints, other.ties.maxDelayPoints);
      this.ties.maxPoints = Math.max(this.ties.maxPoints, other.ties.maxPoints);
      this.ties.tiePoints += other.ties.tiePoints;
    }
    this.steps += other.steps;
    this.failedRuns += other.failedRuns;
    for (const o of other.outcomes ?? []) {
      const known = this.outcomes.get(o.outcome);
      if (!known) this.outcomes.set(o.outcome, { ...o });
      else this.outcomes.set(o.outcome, { outcome: o.outcome, seed: Math.min(known.seed, o.seed), count: known.count + o.count });
    }
    for (const f of other.findings) {
      const known = this.findings.get(f.check);
      if (!known) this.findings.set(f.check, { ...f });
      else if (f.seed < known.seed) this.findings.set(f.check, { ...f, count: known.count + f.count });
      else known.count += f.count;
    }
  }

  /** Outcomes ordered by first seed. */
  orderedOutcomes(): CampaignOutcome[] {
    return [...this.outcomes.values()].sort((a, b) => a.seed - b.seed);
  }

  /**
   * Findings in the order they fail: by first failing seed, then by the step of the failure in
   * that run (then check id, for two at one step) — deterministic whatever the slicing.
   */
  orderedFindings(): CampaignFinding[] {
    return [...this.findings.values()].sort((a, b) => a.seed - b.seed || a.violation.step - b.violation.step || (a.check < b.check ? -1 : a.check > b.check ? 1 : 0));
  }
}
