/**
 * Worker-thread entry for campaigns: runs one slice of seeds and returns plain data (counters and
 * the first finding per check). Loaded by tinypool from cli/campaign-pool.ts.
 */
import { Campaign, type CampaignFinding, type CampaignOutcome } from '../sim/campaign.js';
import { makeCampaignSystem, resolveTarget } from '../scenarios/operations.js';
import type { MachineParams } from '../model/params.js';

export interface SliceTask {
  scenario: string;
  profile: string;
  mutants: string[];
  overrides?: Partial<MachineParams>;
  image?: Uint8Array;
  checks?: string[];
  from: number;
  to: number;
}

export interface SliceResult {
  runs: number;
  steps: number;
  failedRuns: number;
  findings: CampaignFinding[];
  outcomes: CampaignOutcome[];
}

const systems = new Map<string, ReturnType<typeof makeCampaignSystem>>();

export default function runSlice(task: SliceTask): SliceResult {
  const key = JSON.stringify([task.scenario, task.profile, task.mutants, task.overrides ?? null, task.checks ?? null]);
  let system = systems.get(key);
  if (!system) {
    system = makeCampaignSystem({ ...resolveTarget(task.scenario, task.profile, task.mutants), overrides: task.overrides, image: task.image, checks: task.checks });
    systems.set(key, system);
  }
  const campaign = new Campaign(system);
  campaign.runSeeds(task.from, task.to);
  return { runs: campaign.runs, steps: campaign.steps, failedRuns: campaign.failedRuns, findings: campaign.orderedFindings(), outcomes: campaign.orderedOutcomes() };
}
