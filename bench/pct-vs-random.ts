/**
 * `npm run bench:pct [-- --campaigns 20 --budget 300 --depths 1,2,3 --ties-only-depths 1
 * --rate-seeds 1000 --rows virtio-smoke,boot]`: runs to the first failure,
 * random against PCT, on the H-difficulty zoo mutants (bug-zoo.md). For each mutant and scenario,
 * `campaigns` campaigns per strategy over disjoint seed ranges (campaign c runs seeds
 * c·budget+1 …), each stopped at the first run that fails one of the checks the zoo names for the
 * mutant. Prints, per strategy, the median runs to that first failure (a campaign that found
 * nothing within the budget counts as more than the budget) and how many campaigns found it.
 * The per-run failure rate (found campaigns over all runs made) is the less noisy figure: a
 * median of 20 geometric draws moves by a factor of two between equal strategies. With
 * `--rate-seeds N` a last column gives the share of seeds 1..N whose run fails a catcher, steadier
 * still. `--ties-only-depths` adds PCT over ties only (delays drawn as random: the strategy before
 * delays counted); `--rows` keeps the rows whose `mutant/scenario` contains one of its words.
 * One thread, in-process; prints figures and asserts nothing.
 *
 * Rows with checks restricted (`only`) leave out a check that flags the mutant on the default
 * path: publish-before-fill's S-VQ-07 fails as soon as the index is bumped early, whatever
 * follows, so only S-VQ-03 and S-BLK-04 (the device fetching the unfilled slot) depend on the
 * interleaving the zoo rates H.
 */
import { performance } from 'node:perf_hooks';
import { Campaign } from '../sim/campaign.js';
import { mutantInfo } from '../model/mutants.js';
import { makeCampaignSystem, resolveTarget, type Target } from '../scenarios/operations.js';
import { pctRange, strategyOf, type StrategySpec } from '../scenarios/strategies.js';

interface Row {
  mutant: string;
  scenario: string;
  only?: string[];
}

const ROWS: Row[] = [
  { mutant: 'publish-before-fill', scenario: 'virtio-stress' },
  { mutant: 'publish-before-fill', scenario: 'virtio-stress', only: ['S-VQ-03', 'S-BLK-04'] },
  { mutant: 'publish-before-fill', scenario: 'virtio-smoke', only: ['S-VQ-03', 'S-BLK-04'] },
  { mutant: 'publish-before-fill', scenario: 'fs-read', only: ['S-VQ-03', 'S-BLK-04'] },
  { mutant: 'crash-in-starting-stuck', scenario: 'service-crash-loop' },
  { mutant: 'crash-in-starting-stuck', scenario: 'init-small' },
  { mutant: 'crash-in-starting-stuck', scenario: 'boot' },
];

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const campaigns = Number(arg('campaigns', '20'));
const budget = Number(arg('budget', '300'));
const depths = arg('depths', '1,2,3').split(',').map(Number);
/** Depths of PCT over ties only (delays drawn as random: the strategy before delays counted). */
const tieDepths = arg('ties-only-depths', '').split(',').filter(Boolean).map(Number);
const only = arg('rows', '');
const rateSeeds = Number(arg('rate-seeds', '0'));

/** Runs of one campaign up to its first failure of a catcher (budget + 1 when none). */
function runsToFailure(t: Target, spec: StrategySpec, first: number, catchers: readonly string[]): number {
  const system = makeCampaignSystem(t);
  const campaign = new Campaign(system, strategyOf(spec, system));
  for (let i = 0; i < budget; i++) {
    campaign.runSeeds(first + i, first + i + 1);
    for (const c of campaign.findings.keys()) if (catchers.includes(c)) return i + 1;
  }
  return budget + 1;
}

/** Of seeds 1..rateSeeds, the share whose run fails a catcher. */
function failingShare(t: Target, spec: StrategySpec, catchers: readonly string[]): number {
  const system = makeCampaignSystem(t);
  const campaign = new Campaign(system, strategyOf(spec, system));
  const count = () => catchers.reduce((n, c) => n + (campaign.findings.get(c)?.count ?? 0), 0);
  let failing = 0;
  for (let seed = 1; seed <= rateSeeds; seed++) {
    const before = count();
    campaign.runSeeds(seed, seed + 1);
    if (count() > before) failing++;
  }
  return failing / rateSeeds;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function main(): void {
  const started = performance.now();
  process.stdout.write(`PCT against random: runs to the first failure of a catcher, ${campaigns} campaigns per strategy, ${budget} seeds each\n\n`);
  const rateHead = rateSeeds > 0 ? ` failing runs, seeds 1..${rateSeeds} |` : '';
  const head = `| mutant | scenario (checks) | strategy | median runs to first failure | found in | failing runs per run | seconds |${rateHead}`;
  process.stdout.write(`${head}\n|---|---|---|---:|---:|---:|---:|${rateSeeds > 0 ? '---:|' : ''}\n`);
  for (const row of ROWS) {
    if (only && !only.split(',').some((x) => `${row.mutant}/${row.scenario}`.includes(x))) continue;
    const t0: Target = resolveTarget(row.scenario, 'reference', [row.mutant]);
    const t: Target = row.only ? { ...t0, checks: row.only } : t0;
    const catchers = mutantInfo(row.mutant)!.catchers.filter((c) => !row.only || row.only.includes(c));
    const range = pctRange(makeCampaignSystem(t));
    const tieRange = tieDepths.length > 0 ? pctRange(makeCampaignSystem(t), false) : 0;
    const specs: Array<[string, StrategySpec]> = [
      ['random', { name: 'random' }],
      ...tieDepths.map((d): [string, StrategySpec] => [`pct ties only d=${d}`, { name: 'pct', depth: d, range: tieRange, delays: false }]),
      ...depths.map((d): [string, StrategySpec] => [`pct d=${d}`, { name: 'pct', depth: d, range }]),
    ];
    for (const [name, spec] of specs) {
      const t1 = performance.now();
      const runs: number[] = [];
      for (let c = 0; c < campaigns; c++) runs.push(runsToFailure(t, spec, 1 + c * budget, catchers));
      const found = runs.filter((r) => r <= budget).length;
      // The chance that one run fails, estimated over every run the campaigns made (each
      // campaign is geometric: found campaigns over runs is the maximum-likelihood estimate).
      const rate = found / runs.reduce((a, r) => a + Math.min(r, budget), 0);
      const m = median(runs);
      const med = m > budget ? `> ${budget}` : String(m);
      const label = spec.name === 'pct' ? `${name} (K = ${spec.range})` : name;
      const checks = row.only ? ` (${row.only.join(', ')})` : '';
      const seconds = ((performance.now() - t1) / 1000).toFixed(1);
      const share = rateSeeds > 0 ? ` ${failingShare(t, spec, catchers).toFixed(3)} |` : '';
      process.stdout.write(`| ${row.mutant} | ${row.scenario}${checks} | ${label} | ${med} | ${found}/${campaigns} | ${rate.toFixed(3)} | ${seconds} |${share}\n`);
    }
  }
  process.stdout.write(`\nfinished in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

main();
