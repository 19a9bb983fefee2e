import { performance } from 'node:perf_hooks';
import { MUTANTS, mutantInfo, type MutantInfo } from '../../model/mutants.js';
import { campaignFinding, InputError, resolveTarget } from '../../scenarios/operations.js';
import { zooScenarios } from '../../scenarios/zoo.js';
import type { Campaign } from '../../sim/campaign.js';
import { toJsonText } from '../../reports/escape.js';
import { violationRecord } from '../../reports/results.js';
import { zooJunitXml, zooText, zooToJson, zooTotals, type ZooAttempt, type ZooReport, type ZooRow } from '../../reports/zoo.js';
import { closeCampaignPool, runCampaign } from '../campaign-pool.js';
import { writeFileAtomic } from '../atomic-write.js';
import { writeFinding } from '../files.js';
import { interrupted, watchInterrupt } from '../interrupt.js';
import { progressEnabled, startProgress } from '../progress.js';
import { ShrinkClock } from '../shrink-timer.js';

export interface ZooOptions {
  mutant: string[];
  seeds?: number;
  workers: number;
  watchdog?: number;
  json?: boolean;
  junit?: string;
  result?: string;
  out: string;
  shrinkBudget: number;
  shrink: boolean;
  shrinkTimePerFinding?: number;
  shrinkTime?: number;
}

/**
 * Seeds per slice handed to a worker: small, because the zoo stops at the first catch and most
 * mutants fail within the first few seeds (a slice of 50 boots is about a second of one core).
 */
const ZOO_SLICE = 8;

/** The lowest seed of `c` that failed one of `catchers`, or null. */
function catchingSeed(c: Campaign, catchers: readonly string[]): number | null {
  let seed: number | null = null;
  for (const f of c.findings.values()) if (catchers.includes(f.check) && (seed === null || f.seed < seed)) seed = f.seed;
  return seed;
}

/**
 * `zoo` (and `npm run zoo`): the mutation score. Every mutant of the zoo (or those named with
 * --mutant) gets a random campaign on each scenario that should catch it (scenarios/zoo.ts), in
 * order, until one of the checks the zoo names for it fails; the campaign stops handing out seeds
 * at that point. The first failing run is shrunk and written as a replay file. Exit 0 when every
 * mutant was found, 1 when one was not, else 130 when an interrupt cut the run short.
 */
export async function zooCommand(o: ZooOptions): Promise<void> {
  for (const m of o.mutant) if (!mutantInfo(m)) throw new InputError(`unknown mutant "${m}" (known: ${MUTANTS.map((x) => x.name).join(', ')})`);
  const chosen: MutantInfo[] = o.mutant.length ? MUTANTS.filter((m) => o.mutant.includes(m.name)) : [...MUTANTS];
  const budget = o.shrink ? o.shrinkBudget : 0;
  const timer = new ShrinkClock(o);
  const showProgress = progressEnabled(o.json);
  const started = performance.now();
  watchInterrupt();
  const rows: ZooRow[] = chosen.map((m) => ({
    mutant: m.name,
    subsystem: m.subsystem,
    catchers: [...m.catchers],
    status: 'not-run',
    scenario: null,
    check: null,
    seed: null,
    seedsToFirstFailure: null,
    secondsToFirstFailure: null,
    violation: null,
    attempts: [],
    elapsedSeconds: 0,
  }));
  try {
    for (const row of rows) {
      if (interrupted()) break;
      const mutantStarted = performance.now();
      let seedsBefore = 0;
      row.status = 'not-found';
      for (const scenarioName of zooScenarios(row.mutant)) {
        const t = resolveTarget(scenarioName, 'reference', [row.mutant]);
        const seeds = o.seeds ?? t.scenario.campaignSeeds;
        const attemptStarted = performance.now();
        let seenAt: number | null = null;
        const bar = startProgress(showProgress, `zoo ${row.mutant.padEnd(24)} ${scenarioName.padEnd(18)}`, seeds, false);
        const { campaign, stopped } = await runCampaign(t, 1, seeds, o.workers, {
          watchdogSeconds: o.watchdog,
          slice: ZOO_SLICE,
          onSlice: (c) => bar.update(c.runs, c.findings.size),
          stopAfter: (c) => {
            const s = catchingSeed(c, row.catchers);
            if (s !== null && seenAt === null) seenAt = performance.now();
            return s;
          },
        });
        bar.stop();
        const ordered = campaign.orderedFindings();
        const first = ordered.find((f) => row.catchers.includes(f.check));
        const attempt: ZooAttempt = {
          scenario: scenarioName,
          firstSeed: 1,
          seedBudget: seeds,
          runs: campaign.runs,
          steps: campaign.steps,
          elapsedSeconds: Number(((performance.now() - attemptStarted) / 1000).toFixed(3)),
          caught: first !== undefined,
          otherChecks: ordered.filter((f) => !row.catchers.includes(f.check)).map((f) => f.check),
          interrupted: stopped,
        };
        row.attempts.push(attempt);
        if (first) {
          row.status = 'found';
          row.scenario = scenarioName;
          row.check = first.check;
          row.seed = first.seed;
          row.seedsToFirstFailure = seedsBefore + first.seed - attempt.firstSeed + 1;
          row.secondsToFirstFailure = Number((((seenAt ?? performance.now()) - mutantStarted) / 1000).toFixed(3));
          const finding = campaignFinding(t, first, budget, timer);
          const path = writeFinding(o.out, scenarioName, 'zoo', finding);
          row.violation = violationRecord(finding, path);
          break;
        }
        if (stopped) {
          row.status = 'interrupted';
          break;
        }
        seedsBefore += campaign.runs;
      }
      row.elapsedSeconds = Number(((performance.now() - mutantStarted) / 1000).toFixed(3));
    }
  } finally {
    await closeCampaignPool();
  }
  const report: ZooReport = {
    profile: 'reference',
    seedBudget: o.seeds ?? null,
    interrupted: interrupted(),
    rows,
    shrinkSeconds: timer.seconds,
    elapsedSeconds: Number(((performance.now() - started) / 1000).toFixed(3)),
  };
  const json = `${toJsonText(zooToJson(report))}\n`;
  process.stdout.write(o.json ? json : zooText(report, o.workers));
  if (o.result) writeFileAtomic(o.result, json);
  if (o.junit) writeFileAtomic(o.junit, zooJunitXml(report));
  const t = zooTotals(report);
  // A mutant not found is the failure here (as a violation is for run): 1 even if interrupted later.
  process.exitCode = t.notFound.length > 0 ? 1 : t.unfinished.length > 0 ? 130 : 0;
}
