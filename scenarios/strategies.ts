/**
 * The strategies a random campaign can run (`run --strategy`), and what a PCT run needs from the
 * scenario: who acts for each event kind, and how many tie points a run has (the range its change
 * points are drawn from). The strategies themselves live in sim/strategy/, one per file.
 */
import { Chooser } from '../sim/chooser.js';
import { runOnce } from '../sim/run.js';
import { pctGuarantee, PctStrategy } from '../sim/strategy/pct.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import type { Strategy } from '../sim/strategy/strategy.js';
import type { TieStats } from '../sim/campaign.js';
import type { ScenarioSystem } from './system.js';

export const STRATEGIES = [
  { name: 'random', description: 'every choice from one seeded PRNG: ties, latencies and faults uniform or at their rates (the default)' },
  {
    name: 'pct',
    description:
      'PCT (Burckhardt et al., ASPLOS 2010) over ties and delays: ties go to the highest-priority actor, delays are shorter the higher the priority of what they delay, with --pct-depth − 1 random priority change points; faults and workload as random',
  },
] as const;

export type StrategyName = (typeof STRATEGIES)[number]['name'];

export const STRATEGY_NAMES: readonly string[] = STRATEGIES.map((s) => s.name);

export const DEFAULT_PCT_DEPTH = 3;

/** The largest --pct-depth: more change points than this only dilutes each (k^(d−1)). */
export const MAX_PCT_DEPTH = 10;

/** Seeds whose PCT runs (depth 1) measure a scenario's tie points: the change-point range. */
const CALIBRATION_SEEDS = 3;

/**
 * How a campaign answers its choices: random, or PCT of depth d whose change points are drawn
 * from scheduling points 1..range (`delays: false`: PCT over ties only, delays drawn as random;
 * the bench compares the two, the command line always answers delays by priority).
 */
export type StrategySpec = { name: 'random' } | { name: 'pct'; depth: number; range: number; delays?: boolean };

/** Event kind → actor number, from the machine's event tables; actors in order of first kind. */
export function actorTable(system: ScenarioSystem): { actorOf: Int32Array; names: string[] } {
  const defs = system.machine.events.events;
  const names: string[] = [];
  const actorOf = new Int32Array(defs.length).fill(-1);
  for (let kind = 0; kind < defs.length; kind++) {
    const d = defs[kind];
    if (!d) continue;
    let a = names.indexOf(d.actor);
    if (a < 0) a = names.push(d.actor) - 1;
    actorOf[kind] = a;
  }
  return { actorOf, names };
}

/** What answers seed s's choices under `spec` on `system` (random when spec is absent). */
export function strategyOf(spec: StrategySpec | undefined, system: ScenarioSystem): (seed: number) => Strategy {
  if (!spec || spec.name === 'random') return (seed) => new RandomStrategy(seed);
  const { actorOf, names } = actorTable(system);
  const opts = { depth: spec.depth, actorOf, actorCount: names.length, range: spec.range, delays: spec.delays !== false };
  return (seed) => new PctStrategy(seed, opts);
}

/**
 * The change-point range of PCT on `system`: the most scheduling points (tie points, and delay
 * points unless `delays` is false) of its depth-1 runs of seeds 1..3. The paper draws change
 * points over the run's k steps, which a run only knows at its end; a fixed estimate keeps every
 * seed's run a function of the seed alone.
 */
export function pctRange(system: ScenarioSystem, delays = true): number {
  const strategy = strategyOf({ name: 'pct', depth: 1, range: 1, delays }, system);
  const chooser = new Chooser(new RandomStrategy(0));
  let most = 1;
  for (let seed = 1; seed <= CALIBRATION_SEEDS; seed++) {
    const s = strategy(seed);
    runOnce(system, s, 0, chooser);
    const m = s.measure!();
    most = Math.max(most, m.tiePoints + m.delayPoints);
  }
  return most;
}

/** What a PCT campaign reports: its depth, its measured n and k, and the paper's bound. */
export interface PctReport {
  depth: number;
  /** n: the most distinct actors and threads whose priorities took part in one run's ties and delays. */
  actors: number;
  /** The most tie points in one run. */
  tiePoints: number;
  /** The most delay points (delays answered by priority) in one run. */
  delayPoints: number;
  /** k: the most scheduling points (tie points plus delay points) in one run. */
  schedulingPoints: number;
  /** The change points' range (scheduling points 1..range). */
  changePointRange: number;
  /**
   * 1/(n·K^(d−1)) with K = max(k, range): change points are uniform over 1..range, so a given
   * scheduling point is hit with chance 1/range, and the bound holds for a bug within those points.
   */
  guarantee: number;
  /** Some run had more scheduling points than the range: the bound covers bugs within the range only. */
  rangeExceeded: boolean;
}

export function pctReport(spec: StrategySpec | undefined, ties: TieStats): PctReport | undefined {
  if (!spec || spec.name !== 'pct') return undefined;
  const k = Math.max(ties.maxPoints, spec.range);
  return {
    depth: spec.depth,
    actors: ties.maxActors,
    tiePoints: ties.maxTiePoints,
    delayPoints: ties.maxDelayPoints,
    schedulingPoints: ties.maxPoints,
    changePointRange: spec.range,
    guarantee: pctGuarantee(ties.maxActors, k, spec.depth),
    rangeExceeded: ties.maxPoints > spec.range,
  };
}

/** One line for the summary: the bound and where its n and k come from. */
export function pctText(r: PctReport): string {
  const g = r.guarantee >= 1e-3 ? r.guarantee.toPrecision(3) : r.guarantee.toExponential(2);
  const k = Math.max(r.schedulingPoints, r.changePointRange);
  const limit = r.rangeExceeded ? `; a run had more scheduling points than the range, so the bound covers bugs within its first ${r.changePointRange}` : '';
  return `PCT depth ${r.depth}: n = ${r.actors} actors and threads, k = ${k} scheduling points (ties and delays: most in one run ${r.schedulingPoints}, of which at most ${r.tiePoints} ties and ${r.delayPoints} delays; change points drawn over 1..${r.changePointRange}); one run finds a bug of depth ${r.depth} with probability ≥ 1/(n·k^(d−1)) = ${g}${limit}`;
}
