/**
 * Runs a campaign's seeds on worker threads (tinypool) and merges the slices deterministically
 * (sim/campaign.ts `merge`: lowest seed wins per check), so the report is the same for any number
 * of workers. One worker runs in-process, without threads.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { Campaign } from '../sim/campaign.js';
import { makeCampaignSystem, type Target } from '../scenarios/operations.js';
import type { SliceResult, SliceTask } from './campaign-worker.js';
import { interrupted, yieldToEvents } from './interrupt.js';

/** Seeds per slice: small enough to stop promptly, large enough to amortise the message. */
const SLICE = 50;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/**
 * Runs seeds [first, first+count) of `t` on `workers` threads. Stops handing out slices on an
 * interrupt; returns what the finished slices found and whether it was cut short. `onSlice` is
 * told after each finished slice (progress).
 */
export async function runCampaign(t: Target, first: number, count: number, workers: number, onSlice?: (campaign: Campaign) => void): Promise<{ campaign: Campaign; stopped: boolean }> {
  const campaign = new Campaign(makeCampaignSystem(t));
  if (count <= 0) return { campaign, stopped: false };
  const end = first + count;
  if (workers <= 1 || count <= SLICE) {
    for (let s = first; s < end; s += SLICE) {
      campaign.runSeeds(s, Math.min(s + SLICE, end));
      onSlice?.(campaign);
      await yieldToEvents();
      if (interrupted()) return { campaign, stopped: s + SLICE < end };
    }
    return { campaign, stopped: false };
  }
  const pool = new Tinypool({
    filename: fileURLToPath(new URL('./campaign-worker.js', import.meta.url)),
    minThreads: workers,
    maxThreads: workers,
  });
  let stopped = false;
  try {
    let next = first;
    const running = new Set<Promise<void>>();
    while (next < end || running.size > 0) {
      while (next < end && running.size < workers * 2 && !interrupted()) {
        const task: SliceTask = { scenario: t.scenario.name, profile: t.profile, mutants: t.mutants, overrides: t.overrides, image: t.image, checks: t.checks, from: next, to: Math.min(next + SLICE, end) };
        next = task.to;
        const p: Promise<void> = (pool.run(task) as Promise<SliceResult>).then((r) => {
          campaign.merge(r);
          onSlice?.(campaign);
          running.delete(p);
        });
        running.add(p);
      }
      if (interrupted() && next < end) stopped = true;
      if (running.size === 0) break;
      await Promise.race(running);
    }
  } finally {
    await pool.destroy();
  }
  return { campaign, stopped };
}
