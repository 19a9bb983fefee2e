/**
 * Runs a campaign's seeds on worker threads (tinypool) and merges the slices deterministically
 * (sim/campaign.ts `merge`: lowest seed wins per check), so the report is the same for any number
 * of workers.
 *
 * Each run has a wall-clock watchdog. A worker says which seed of its slice it is running (shared
 * memory); a seed that is still running after the limit has its worker terminated (a synchronous
 * loop cannot be stopped from inside its thread), and the slice is handed out again around it.
 * The suspect seed is then run once more in a watched thread of its own (cli/watched-run.ts): if
 * it hangs again it is a MODEL-HANG, with the choices up to the event that never returned; if it
 * finishes (the machine was only slow) its result counts like any other. Either way the report
 * does not depend on timing. With the watchdog off (0) and one worker, seeds run in-process.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import { Campaign, noTieStats, type CampaignFinding } from '../sim/campaign.js';
import { label } from '../sim/labels.js';
import { MODEL_HANG } from '../sim/violation.js';
import { makeCampaignSystem, type Target } from '../scenarios/operations.js';
import { strategyOf } from '../scenarios/strategies.js';
import type { SliceResult, SliceTask } from './campaign-worker.js';
import { interrupted, yieldToEvents } from './interrupt.js';
import { DEFAULT_WATCHDOG_SECONDS, watchdogMessage, watchedRun } from './watched-run.js';

/** Seeds per slice: small enough to stop promptly, large enough to amortise the message. */
const SLICE = 50;

export function defaultWorkers(): number {
  return Math.max(1, availableParallelism());
}

/** The most worker threads a campaign uses: 4 per core. */
export function maxWorkers(): number {
  return 4 * defaultWorkers();
}

export interface CampaignOptions {
  /** Wall-clock limit of one run in seconds; 0 turns the watchdog off. */
  watchdogSeconds?: number;
  /** A module every worker imports first (tests plant a hang with it). */
  preload?: string;
  /** Called after each slice is merged (the progress bar). */
  onSlice?: (campaign: Campaign) => void;
  /**
   * Asked after each slice is merged: a seed past which no seed needs to run (null: go on). Seeds
   * above it are no longer handed out; every seed up to it still runs (slices already running
   * finish and are merged), so the lowest seed that fails something the caller looks for is the
   * same for any number of workers. `zoo` stops at its first catch this way.
   */
  stopAfter?: (campaign: Campaign) => number | null;
  /** Seeds per slice (default 50). */
  slice?: number;
}

/** One slice handed to a worker, with what the watchdog needs to know about it. */
interface Running {
  task: SliceTask;
  started: Int32Array;
  controller: AbortController;
  /** Runs started when last looked at, and since when (ms). */
  seen: number;
  since: number;
  /** The seed the watchdog ended, if it did. */
  hung: number | null;
}

/**
 * Runs seeds [first, first+count) of `t` on `workers` threads. Stops handing out slices on an
 * interrupt; returns what the finished slices found and whether it was cut short. `opts.onSlice` is
 * told after each finished slice (progress).
 */
export async function runCampaign(t: Target, first: number, count: number, workers: number, opts: CampaignOptions = {}): Promise<{ campaign: Campaign; stopped: boolean }> {
  const watchdog = opts.watchdogSeconds ?? DEFAULT_WATCHDOG_SECONDS;
  const system = makeCampaignSystem(t);
  const campaign = new Campaign(system, strategyOf(t.strategy, system));
  if (count <= 0) return { campaign, stopped: false };
  const end = first + count;
  const slice = Math.max(1, opts.slice ?? SLICE);
  /** No seed above this one needs to run (stopAfter). */
  let last = end - 1;
  const merged = (): void => {
    opts.onSlice?.(campaign);
    const bound = opts.stopAfter?.(campaign);
    if (bound !== undefined && bound !== null) last = Math.min(last, bound);
  };
  if (watchdog === 0 && (workers <= 1 || count <= slice)) {
    for (let s = first; s <= last; s += slice) {
      campaign.runSeeds(s, Math.min(s + slice, last + 1));
      merged();
      await yieldToEvents();
      if (interrupted()) return { campaign, stopped: s + slice <= last };
    }
    return { campaign, stopped: false };
  }
  const threads = Math.max(1, workers);
  const pool = sharedPool(threads);
  const limitMs = watchdog * 1000;
  const running = new Set<Running>();
  const promises = new Set<Promise<void>>();
  /** Seed ranges to hand out, in order; a hung slice puts its remainder back in front. */
  const ranges: Array<[number, number]> = [];
  for (let s = first; s < end; s += slice) ranges.push([s, Math.min(s + slice, end)]);
  const ticker = limitMs > 0 ? setInterval(() => watch(running, limitMs), Math.min(250, Math.max(10, limitMs / 4))) : undefined;
  let stopped = false;
  const start = (from: number, to: number): void => {
    const progress = limitMs > 0 ? new SharedArrayBuffer(4) : undefined;
    const task: SliceTask = { scenario: t.scenario.name, profile: t.profile, mutants: t.mutants, overrides: t.overrides, image: t.image, checks: t.checks, strategy: t.strategy, from, to, progress, preload: opts.preload };
    const r: Running = { task, started: new Int32Array(progress ?? new SharedArrayBuffer(4)), controller: new AbortController(), seen: 0, since: Date.now(), hung: null };
    running.add(r);
    const p: Promise<void> = (pool.run(task, limitMs > 0 ? { signal: r.controller.signal } : {}) as Promise<SliceResult>)
      .then(
        (res) => {
          campaign.merge(res);
          merged();
        },
        async (e: unknown) => {
          if (r.hung === null) throw e;
          // Hand out the rest of the slice around the hung seed, and look at that seed alone.
          if (r.hung + 1 < to) ranges.unshift([r.hung + 1, to]);
          if (from < r.hung) ranges.unshift([from, r.hung]);
          campaign.merge(await confirmHang(t, r.hung, limitMs, watchdog, opts.preload));
          merged();
        },
      )
      .finally(() => {
        running.delete(r);
        promises.delete(p);
      });
    promises.add(p);
  };
  try {
    while (ranges.length > 0 || promises.size > 0) {
      // Past the stopAfter bound: drop those seeds (a range is cut there).
      for (let i = ranges.length - 1; i >= 0; i--) {
        if (ranges[i][0] > last) ranges.splice(i, 1);
        else if (ranges[i][1] > last + 1) ranges[i] = [ranges[i][0], last + 1];
      }
      while (ranges.length > 0 && promises.size < threads * 2 && !interrupted()) {
        const [from, to] = ranges.shift()!;
        start(from, to);
      }
      if (interrupted() && ranges.length > 0) stopped = true;
      if (promises.size === 0) break;
      await Promise.race(promises);
    }
  } finally {
    if (ticker) clearInterval(ticker);
  }
  return { campaign, stopped };
}

/**
 * One pool for every campaign of the process (`check` runs twenty): starting threads and loading
 * the model in each costs about a second on a busy machine. Close it when done.
 */
let shared: { pool: Tinypool; threads: number } | null = null;

function sharedPool(threads: number): Tinypool {
  if (shared && shared.threads === threads) return shared.pool;
  if (shared) void shared.pool.destroy();
  const pool = new Tinypool({ filename: fileURLToPath(new URL('./campaign-worker.js', import.meta.url)), minThreads: threads, maxThreads: threads });
  shared = { pool, threads };
  return pool;
}

/** Ends the campaigns' worker threads (the process cannot exit while they run). */
export async function closeCampaignPool(): Promise<void> {
  const s = shared;
  shared = null;
  if (s) await s.pool.destroy();
}

/** Ends every slice whose current run has gone on longer than the limit. */
function watch(running: Set<Running>, limitMs: number): void {
  const now = Date.now();
  for (const r of running) {
    if (r.hung !== null) continue;
    const n = Atomics.load(r.started, 0);
    if (n !== r.seen) {
      r.seen = n;
      r.since = now;
    } else if (n > 0 && now - r.since > limitMs) {
      r.hung = r.task.from + n - 1;
      r.controller.abort();
    }
  }
}

/**
 * Runs a seed the watchdog ended once more, watched in a thread of its own: its own result if it
 * finishes, else a MODEL-HANG finding with the choices up to the event that never returned.
 */
async function confirmHang(t: Target, seed: number, limitMs: number, seconds: number, preload?: string): Promise<SliceResult> {
  const target = { scenario: t.scenario.name, profile: t.profile, mutants: t.mutants, overrides: t.overrides, image: t.image, checks: t.checks, strategy: t.strategy };
  const out = await watchedRun({ kind: 'seed', target, seed }, limitMs, preload);
  if (out.kind === 'seed-done') return out.slice;
  if (out.kind !== 'hung') throw new Error('a watched seed answered as a replay');
  const h = out.hung;
  const overflow = h.overflow ? ' (too many choices to record: the replay file does not reproduce it)' : '';
  const finding: CampaignFinding = {
    check: MODEL_HANG,
    seed,
    violation: { check: MODEL_HANG, step: h.step, time: h.time, message: watchdogMessage(seconds, h.step, h.time) + overflow },
    choices: h.overflow ? [] : h.choices,
    // The worker's label names, interned here: ids are per thread.
    labels: h.overflow ? [] : h.labels.map((n) => label(n)),
    traceHash: h.traceHash,
    count: 1,
    alone: true,
    watchdog: true,
  };
  return { runs: 1, steps: h.step, failedRuns: 1, findings: [finding], outcomes: [], ties: noTieStats() };
}
