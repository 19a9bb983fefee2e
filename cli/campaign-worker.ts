/**
 * Worker-thread entry for campaigns: runs one slice of seeds and returns plain data (counters and
 * the first finding per check). Loaded by tinypool from cli/campaign-pool.ts.
 */
import { Campaign, type CampaignFinding, type CampaignOutcome, type TieStats } from '../sim/campaign.js';
import { makeCampaignSystem, resolveTarget } from '../scenarios/operations.js';
import type { MachineParams } from '../model/params.js';
import { strategyOf, type StrategySpec } from '../scenarios/strategies.js';

export interface SliceTask {
  scenario: string;
  profile: string;
  mutants: string[];
  overrides?: Partial<MachineParams>;
  image?: Uint8Array;
  checks?: string[];
  strategy?: StrategySpec;
  from: number;
  to: number;
  /** Int32 [0]: runs of the slice started so far, for the pool's watchdog. */
  progress?: SharedArrayBuffer;
  /** A module to import first (tests plant a hang with it). */
  preload?: string;
}

export interface SliceResult {
  runs: number;
  steps: number;
  failedRuns: number;
  findings: CampaignFinding[];
  outcomes: CampaignOutcome[];
  ties: TieStats;
  /** Coverage probe hits of the slice's runs, by probe id (model/coverage.ts). */
  coverage?: number[];
}

const systems = new Map<string, ReturnType<typeof makeCampaignSystem>>();

const preloaded = new Set<string>();

export default async function runSlice(task: SliceTask): Promise<SliceResult> {
  if (task.preload && !preloaded.has(task.preload)) {
    await import(task.preload);
    preloaded.add(task.preload);
  }
  const key = JSON.stringify([task.scenario, task.profile, task.mutants, task.overrides ?? null, task.checks ?? null]);
  let system = systems.get(key);
  if (!system) {
    // The pool serves campaign after campaign, each of one target: keep only the current one.
    systems.clear();
    system = makeCampaignSystem({ ...resolveTarget(task.scenario, task.profile, task.mutants), overrides: task.overrides, image: task.image, checks: task.checks });
    systems.set(key, system);
  }
  const campaign = new Campaign(system, strategyOf(task.strategy, system));
  if (task.progress) {
    // One seed at a time, saying which: the pool ends a run that outlives its watchdog.
    const started = new Int32Array(task.progress, 0, 1);
    for (let seed = task.from; seed < task.to; seed++) {
      Atomics.store(started, 0, seed - task.from + 1);
      campaign.runSeeds(seed, seed + 1);
    }
  } else campaign.runSeeds(task.from, task.to);
  return { runs: campaign.runs, steps: campaign.steps, failedRuns: campaign.failedRuns, findings: campaign.orderedFindings(), outcomes: campaign.orderedOutcomes(), ties: campaign.ties, coverage: campaign.coverage ? Array.from(campaign.coverage) : undefined };
}
