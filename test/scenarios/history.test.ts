/**
 * A run's result is a function of (scenario, parameters, profile, mutants, seed) alone: the same
 * seed gives the same trace hash and the same verdict whether it runs first, after other seeds on
 * the same (reused) system, or alone on a fresh one. Campaigns, the shrinker and the explorer all
 * reuse one system for many runs. (The service checks once started L-SM-05's timer from the
 * previous run's end time, so L-SM-05 depended on which seed had run before.)
 */
import test from 'ava';
import { makeCampaignSystem } from '../../scenarios/operations.js';
import { runOnce } from '../../sim/run.js';
import { RandomStrategy } from '../../sim/strategy/random.js';
import { target, type TargetSpec } from '../helpers/system.js';

interface Outcome {
  traceHash: string;
  steps: number;
  verdict: string;
}

function outcomeOf(system: ReturnType<typeof makeCampaignSystem>, seed: number): Outcome {
  const r = runOnce(system, new RandomStrategy(seed));
  return { traceHash: r.traceHash, steps: r.steps, verdict: r.violations.map((v) => `${v.check}@${v.step}`).join(' ') };
}

/** Each seed's outcome when the seeds run in `order` on one reused campaign system. */
function inOrder(spec: TargetSpec, order: number[]): Map<number, Outcome> {
  const system = makeCampaignSystem(target(spec));
  const out = new Map<number, Outcome>();
  for (const s of order) out.set(s, outcomeOf(system, s));
  return out;
}

const cases: Array<{ spec: TargetSpec; seeds: number[] }> = [
  // Seeds 51-55 each fail L-SM-05 alone; inside a campaign some did not.
  { spec: { scenario: 'service-crash-loop', profile: 'eclipse-b' }, seeds: [49, 50, 51, 52, 53, 54, 55, 56] },
  { spec: { scenario: 'boot', profile: 'eclipse-b' }, seeds: [1, 2, 3, 4] },
  { spec: { scenario: 'service-hang', profile: 'reference' }, seeds: [1, 2, 3, 4] },
  { spec: { scenario: 'fs-write-crash', profile: 'reference' }, seeds: [1, 2, 3, 4, 5, 6] },
];

for (const { spec, seeds } of cases) {
  test(`history: ${spec.scenario} (${spec.profile}): seeds in three orders and one by one give the same trace hash and verdict`, (t) => {
    const alone = new Map<number, Outcome>();
    for (const s of seeds) alone.set(s, outcomeOf(makeCampaignSystem(target(spec)), s));
    const ascending = inOrder(spec, seeds);
    const descending = inOrder(spec, [...seeds].reverse());
    // Interleaved: odd positions first, then even ones.
    const shuffled = inOrder(spec, [...seeds.filter((_, i) => i % 2 === 1), ...seeds.filter((_, i) => i % 2 === 0)]);
    for (const s of seeds) {
      const want = alone.get(s)!;
      t.deepEqual(ascending.get(s), want, `seed ${s} ascending`);
      t.deepEqual(descending.get(s), want, `seed ${s} descending`);
      t.deepEqual(shuffled.get(s), want, `seed ${s} shuffled`);
    }
  });
}
