/**
 * Worker-thread entry for a watched run (cli/watched-run.ts): one campaign seed, or one replay
 * document, with its progress published in shared memory after every event and every choice, so
 * that the main thread can still say where the run was when it has to terminate it. Used only for
 * runs the campaign watchdog suspects of hanging, and to replay what it found: the extra writes
 * are not the campaign's hot loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Campaign } from '../sim/campaign.js';
import { L_TIE, labelId, labelName, type Label } from '../sim/labels.js';
import type { Strategy } from '../sim/strategy/strategy.js';
import { ReplayDivergence } from '../sim/strategy/replay.js';
import { makeCampaignSystem, replayDocument, resolveTarget } from '../scenarios/operations.js';
import { strategyOf } from '../scenarios/strategies.js';
import type { Machine } from '../model/machine.js';
import { P_CHOICES, P_OVERFLOW, P_STEPS, type WatchedWorkerData, type WatchedWorkerMessage } from './watched-run.js';

const data = workerData as WatchedWorkerData;
const header = new Int32Array(data.progress, 0, 4);
const nextTime = new Float64Array(data.progress, 16, 1);
const hash = new Uint8Array(data.progress, 24, 16);
const capacity = data.choices.byteLength / 8;
const values = new Int32Array(data.choices, 0, capacity);
const labels = new Int32Array(data.choices, capacity * 4, capacity);

/** Records every choice into shared memory as the inner strategy answers it. */
class Recording implements Strategy {
  readonly nextTie?: (kinds: Int32Array, count: number, index: number) => number;
  readonly nextDelay?: (label: Label, options: ArrayLike<number>, kind: number, instance: number, now: number, index: number) => number;
  constructor(private readonly inner: Strategy) {
    // A strategy that orders ties or answers delays (PCT) keeps doing so when recorded.
    const tie = inner.nextTie;
    if (tie) this.nextTie = (kinds, count, index) => this.record(index, L_TIE, tie.call(inner, kinds, count, index));
    const delay = inner.nextDelay;
    if (delay) this.nextDelay = (label, options, kind, instance, now, index) => this.record(index, label, delay.call(inner, label, options, kind, instance, now, index));
  }
  next(label: Label, n: number, probability: number, index: number): number {
    return this.record(index, label, this.inner.next(label, n, probability, index));
  }
  measure() {
    return this.inner.measure?.() ?? { actors: 0, tiePoints: 0, delayPoints: 0 };
  }
  private record(index: number, label: Label, v: number): number {
    if (index < capacity) {
      values[index] = v;
      labels[index] = label;
      Atomics.store(header, P_CHOICES, index + 1);
    } else Atomics.store(header, P_OVERFLOW, 1);
    return v;
  }
}

/** After every event: events done, when the next one is due, and the trace hash so far. */
function publish(m: Machine): void {
  nextTime[0] = m.sim.queue.peekTime();
  const hex = m.sim.trace.hex();
  for (let i = 0; i < 16; i++) hash[i] = hex.charCodeAt(i);
  Atomics.store(header, P_STEPS, m.sim.steps);
}

function post(msg: WatchedWorkerMessage): void {
  parentPort!.postMessage(msg);
}

async function main(): Promise<void> {
  if (data.preload) await import(data.preload);
  // Label ids are interned at module load, in import order: the main thread needs the names.
  const names: string[] = [];
  for (let i = 0; labelId(labelName(i)) === i; i++) names.push(labelName(i));
  const job = data.job;
  if (job.kind === 'seed') {
    const t = job.target;
    const system = makeCampaignSystem({ ...resolveTarget(t.scenario, t.profile, t.mutants), overrides: t.overrides, image: t.image, checks: t.checks });
    system.observer = publish;
    const inner = strategyOf(t.strategy, system);
    const campaign = new Campaign(system, (seed) => new Recording(inner(seed)));
    post({ type: 'started', labels: names });
    campaign.runSeeds(job.seed, job.seed + 1);
    post({ type: 'seed-done', slice: { runs: campaign.runs, steps: campaign.steps, failedRuns: campaign.failedRuns, findings: campaign.orderedFindings(), outcomes: campaign.orderedOutcomes(), ties: campaign.ties, coverage: campaign.coverage ? Array.from(campaign.coverage) : undefined } });
  } else {
    post({ type: 'started', labels: names });
    // A replay's choices are the file's: nothing to record.
    const { result } = replayDocument(job.doc, 0, job.image, publish);
    post({ type: 'replay-done', result: { violation: result.violation, steps: result.steps, time: result.time, traceHash: result.traceHash } });
  }
}

main().catch((e: unknown) => post({ type: 'error', message: e instanceof Error ? e.message : String(e), divergence: e instanceof ReplayDivergence }));
