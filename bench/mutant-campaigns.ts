/**
 * `node dist/bench/mutant-campaigns.js [scale]`: every mutant's random campaign on every scenario
 * (the seed budget × scale, default 1), on every core, with the watchdog on; shrinking is left
 * out (it is not a campaign). Prints, per mutant, a row for each scenario whose campaign caught it
 * (one of the checks the zoo names for it), with its time and any MODEL-HANG, then one line for
 * the scenarios that did not catch it. That it prints at all is the point: no campaign hangs.
 */
import { performance } from 'node:perf_hooks';
import { closeCampaignPool, runCampaign, defaultWorkers } from '../cli/campaign-pool.js';
import { resolveTarget } from '../scenarios/operations.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { MUTANTS } from '../model/mutants.js';
import { MODEL_HANG } from '../sim/violation.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const scale = Number(process.argv[2] ?? 1);
const workers = defaultWorkers();

async function main(): Promise<void> {
  const started = performance.now();
  process.stdout.write(`mutant campaigns: seed budgets × ${scale}, ${workers} workers, watchdog on, no shrinking\n\n`);
  process.stdout.write(`${'mutant'.padEnd(24)} ${'scenario'.padEnd(19)} ${'seeds'.padStart(6)} ${'events'.padStart(12)} ${'time'.padStart(7)}  caught by (others found)\n`);
  let total = 0;
  for (const m of MUTANTS) {
    let others = 0;
    let othersSeconds = 0;
    let othersMax = 0;
    for (const sc of SCENARIOS) {
      const seeds = Math.max(1, Math.round(sc.campaignSeeds * scale));
      const t0 = performance.now();
      const { campaign } = await runCampaign(resolveTarget(sc.name, 'reference', [m.name]), 1, seeds, workers);
      const s = (performance.now() - t0) / 1000;
      total++;
      const found = campaign.orderedFindings().map((f) => f.check);
      const caught = found.filter((c) => m.catchers.includes(c));
      const hang = found.includes(MODEL_HANG) ? `  MODEL-HANG in ${campaign.findings.get(MODEL_HANG)!.count} runs` : '';
      if (caught.length === 0 && !hang) {
        others++;
        othersSeconds += s;
        othersMax = Math.max(othersMax, s);
        continue;
      }
      const rest = found.filter((c) => !m.catchers.includes(c) && c !== MODEL_HANG);
      process.stdout.write(`${m.name.padEnd(24)} ${sc.name.padEnd(19)} ${fmt(seeds).padStart(6)} ${fmt(campaign.steps).padStart(12)} ${`${s.toFixed(1)} s`.padStart(7)}  ${caught.join(', ') || '—'}${rest.length ? ` (${rest.length} more)` : ''}${hang}\n`);
    }
    process.stdout.write(`${''.padEnd(24)} ${`${others} other scenarios: finished, not caught, ${othersSeconds.toFixed(1)} s in all, slowest ${othersMax.toFixed(1)} s`}\n`);
  }
  await closeCampaignPool();
  process.stdout.write(`\n${total} campaigns finished in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}

void main();
