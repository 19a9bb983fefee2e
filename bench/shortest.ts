/**
 * `node dist/bench/shortest.js [maxStates]` (`npm run bench:shortest`): every zoo mutant, explored
 * on each *-small scenario in turn until one finds it (state bound per exploration, default
 * 2,000,000), then `--shortest`'s iterative deepening. Prints the length of depth-first search's
 * first counterexample beside the shortest one, whether no shorter one exists (every smaller bound
 * searched completely), and the time of each. Then the shrinker's answer for comparison: a random
 * campaign on the same scenario (up to 2,000 seeds, only the shortest's check may end a run), its
 * first finding shrunk as `run` shrinks it, and the shrunk length over the shortest (the shortest
 * is over every check, so the ratio errs high). Mutants no *-small exploration finds within the
 * bound are listed at the end.
 */
import { performance } from 'node:perf_hooks';
import { makeExplorer, resolveTarget } from '../scenarios/operations.js';
import { SCENARIOS } from '../scenarios/registry.js';
import { MUTANTS } from '../model/mutants.js';
import type { ExploreOptions, ExplorerLike } from '../sim/explore.js';
import { shortestViolation } from '../sim/shortest.js';
import { runCampaign } from '../api/index.js';

const maxStates = Number(process.argv[2] ?? 2_000_000);
const small = SCENARIOS.filter((s) => s.explorable && s.name.endsWith('-small'));

function drive(e: ExplorerLike): void {
  while (!e.advance(1000)) {
    // to the end
  }
}

const out = (s: string) => process.stdout.write(`${s}\n`);
out(`shortest counterexamples: zoo mutants on ${small.map((s) => s.name).join(', ')}; state bound ${maxStates.toLocaleString('en-US')} per search\n`);
out(`${'mutant'.padEnd(24)} ${'scenario'.padEnd(17)} ${'check'.padEnd(9)} ${'DFS events'.padStart(10)} ${'shortest'.padStart(9)}  ${'proven'.padEnd(6)} ${'DFS s'.padStart(6)} ${'short s'.padStart(8)} ${'shrunk'.padStart(7)} ${'÷ short'.padStart(8)} ${'seed'.padStart(5)}`);
const missed: string[] = [];
const ratios: number[] = [];
for (const m of MUTANTS) {
  let found = false;
  for (const sc of small) {
    const target = resolveTarget(sc.name, 'reference', [m.name]);
    const opts: ExploreOptions = { maxDepth: sc.exploreMaxDepth, maxStates, maxMemoryBytes: 2048 * 1024 * 1024, stopAtFirstViolation: true };
    const t0 = performance.now();
    const { explorer } = makeExplorer(target, opts);
    drive(explorer);
    const first = explorer.result;
    const t1 = performance.now();
    if (first.violations.length === 0) continue;
    const search = shortestViolation((o) => makeExplorer(target, o).explorer, opts, first);
    let step = search.next();
    while (!step.done) step = search.next();
    const r = step.value;
    const t2 = performance.now();
    const check = r.shortest!.violation.check;
    const campaign = await runCampaign(sc.name, { mutants: [m.name], only: [check], seeds: 2000 });
    const f = campaign.findings.find((x) => x.check === check);
    const shrunk = f ? f.violation.step : null;
    if (shrunk !== null) ratios.push(shrunk / r.events);
    const shrunkCols = shrunk === null ? `${'—'.padStart(7)} ${'—'.padStart(8)} ${'—'.padStart(5)}` : `${String(shrunk).padStart(7)} ${(shrunk / r.events).toFixed(2).padStart(8)} ${String(f!.seed).padStart(5)}`;
    out(`${m.name.padEnd(24)} ${sc.name.padEnd(17)} ${check.padEnd(9)} ${String(r.firstEvents).padStart(10)} ${String(r.events).padStart(9)}  ${(r.proven ? 'yes' : 'no').padEnd(6)} ${((t1 - t0) / 1000).toFixed(1).padStart(6)} ${((t2 - t1) / 1000).toFixed(1).padStart(8)} ${shrunkCols}`);
    found = true;
    break;
  }
  if (!found) missed.push(m.name);
}
out(`\nnot found by any *-small exploration within the bound: ${missed.join(', ') || 'none'}`);
if (ratios.length > 0) {
  const sorted = ratios.slice().sort((a, b) => a - b);
  out(`shrunk ÷ shortest over ${ratios.length} mutants: median ${sorted[sorted.length >> 1].toFixed(2)}, worst ${sorted[sorted.length - 1].toFixed(2)}, within 1.5×: ${ratios.filter((x) => x <= 1.5).length}`);
}
