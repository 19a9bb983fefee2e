/**
 * `node dist/bench/order-policies.js <scenario> <mutant> <checks|-> <seeds> <policy> …`: does a
 * mutant's failure depend on the order of steps at all? Each seed's faults and workload draws
 * (every choice but ties and delays) come from one stream keyed by the seed alone, the same under
 * every policy; ties and delays are answered by the policy, `TIE/DELAY`:
 *
 *   TIE    first | last | random[:k]     the first or last event due, or a stream of its own (k)
 *   DELAY  short | long | random[:k]     the shortest or longest option, or a stream of its own
 *
 * Prints, per policy, the seeds (1..seeds) that fail a check the zoo names for the mutant, then
 * how many seeds fail under every policy or under none. A failure that is the same under every
 * order is decided by the fault and workload draws; one that comes and goes with the policy is
 * decided by the order, which is what PCT can act on. (Faults are drawn per step, so a different
 * order can also move a fault to another step: agreement is a lower bound on how little the order
 * matters.) Prints figures; asserts nothing. The README's PCT section quotes it.
 */
import { L_TIE, type Label } from '../sim/labels.js';
import { prng } from '../sim/strategy/random.js';
import type { Strategy } from '../sim/strategy/strategy.js';
import { Campaign } from '../sim/campaign.js';
import { mutantInfo } from '../model/mutants.js';
import { makeCampaignSystem, resolveTarget, type Target } from '../scenarios/operations.js';

type Answer = (n: number, options?: ArrayLike<number>) => number;

function answer(spec: string, seed: number, delays: boolean): Answer {
  const [how, k = '0'] = spec.split(':');
  if (how === 'random') {
    const rng = prng(`eclipse-sim:order-policies:${delays ? 'delay' : 'tie'}:${k}:${seed}`);
    return (n) => Math.floor(rng() * n);
  }
  if (!delays && (how === 'first' || how === 'last')) return (n) => (how === 'first' ? 0 : n - 1);
  if (delays && (how === 'short' || how === 'long')) {
    return (n, options) => {
      let best = 0;
      for (let i = 1; i < n; i++) if (how === 'short' ? options![i] < options![best] : options![i] > options![best]) best = i;
      return best;
    };
  }
  throw new Error(`unknown ${delays ? 'delay' : 'tie'} policy "${spec}"`);
}

/** Ties and delays by policy; every other choice from the seed's own stream, as random draws it. */
class PolicyStrategy implements Strategy {
  private readonly rest: () => number;
  private readonly tie: Answer;
  private readonly delay: Answer;

  constructor(seed: number, policy: string) {
    const [tie, delay] = policy.split('/');
    this.rest = prng(`eclipse-sim:order-policies:rest:${seed}`);
    this.tie = answer(tie, seed, false);
    this.delay = answer(delay ?? 'random', seed, true);
  }

  next(label: Label, n: number, probability: number): number {
    if (label === L_TIE) return this.tie(n);
    const r = this.rest();
    return probability >= 0 ? (r < probability ? 1 : 0) : Math.floor(r * n);
  }

  nextTie(_kinds: Int32Array, count: number): number {
    return this.tie(count);
  }

  nextDelay(_label: Label, options: ArrayLike<number>): number {
    return this.delay(options.length, options);
  }
}

const [scenario, mutant, only, seedsArg, ...policies] = process.argv.slice(2);
if (!scenario || !mutant || !only || !seedsArg || policies.length === 0) {
  process.stderr.write('usage: node dist/bench/order-policies.js <scenario> <mutant> <checks|-> <seeds> <TIE/DELAY> …\n');
  process.exit(2);
}
const t0 = resolveTarget(scenario, 'reference', [mutant]);
const t: Target = only === '-' ? t0 : { ...t0, checks: only.split(',') };
const catchers = mutantInfo(mutant)!.catchers.filter((c) => only === '-' || only.split(',').includes(c));
const system = makeCampaignSystem(t);
const seeds = Number(seedsArg);
const fails: boolean[][] = [];
for (const policy of policies) {
  const row: boolean[] = [];
  for (let seed = 1; seed <= seeds; seed++) {
    const campaign = new Campaign(system, (s) => new PolicyStrategy(s, policy));
    campaign.runSeeds(seed, seed + 1);
    row.push([...campaign.findings.keys()].some((c) => catchers.includes(c)));
  }
  fails.push(row);
  process.stdout.write(`${scenario} ${mutant} ${policy}: ${row.filter(Boolean).length} of ${seeds} seeds fail\n`);
}
let all = 0;
let none = 0;
for (let i = 0; i < seeds; i++) {
  const n = fails.filter((row) => row[i]).length;
  if (n === fails.length) all++;
  if (n === 0) none++;
}
process.stdout.write(`same outcome under every policy: ${all + none} of ${seeds} seeds (${all} fail under all, ${none} under none)\n`);
