/**
 * `explore --workers N`: exhaustive exploration on N worker threads sharing one fingerprint table
 * (sim/shared-fingerprint-table.ts), with work stealing of subtrees.
 *
 * Work distribution. A search is a tree of choice sequences; a piece of work is the subtree under
 * a choice prefix. Worker 0 starts with the whole tree (the empty prefix). A worker that is idle
 * when no piece is queued makes the main thread ask every busy worker to give work away: at its
 * next slice boundary a busy worker hands over the untried options of the shallowest choice point
 * of its subtree that has any (sim/subtree-split.ts), one prefix each, and stops exploring them
 * itself. Pieces are handed out as workers become idle; the search is over when every worker is
 * idle and none is queued (a worker sends its pieces before it says its own subtree is done, so
 * none can still be on the way).
 *
 * Soundness. A worker's explorer is the single-threaded one, bounded below its prefix: it prunes a
 * path only where `visit` on the shared table returns false, that is where some worker stored the
 * state first at the same or a smaller depth. The worker that stored it (or lowered its depth:
 * each lowering has one winner) was then on a path through it, and explores every continuation
 * of that path — itself, or through the workers it gave the untried options of that path to —
 * unless the whole search stops. By induction along any path of the tree within the depth bound,
 * every state a single worker would store is stored: the distinct states of a complete search
 * (and of one cut only by the depth bound) are the same set for any number of workers. Which
 * worker reaches a state first, and so how many paths and transitions it took, depends on timing.
 * The states on a piece's prefix path are not visited again: they lie on the path of the worker
 * that gave the piece away, which visited them.
 *
 * Stops. The first violation (with stopAtFirstViolation), the state bound (exact: the table never
 * takes more) and the memory limit set the shared stop flag; every worker stops at its next
 * slice. Ctrl-C sets it too. The reported counterexample is the shortest of the violations found
 * before every worker stopped, the least choice sequence among equally short ones.
 */
import { Worker } from 'node:worker_threads';
import { label } from '../sim/labels.js';
import { SharedFingerprintTable } from '../sim/shared-fingerprint-table.js';
import type { ExploreOptions, ExploreResult } from '../sim/explore.js';
import type { Target } from '../scenarios/operations.js';
import { interrupted } from './interrupt.js';
import { CONTROL_STOP, controlWords, stealWord, statsWords, type ExploreWorkerSetup, type FromExploreWorker, type WorkerTotals } from './explore-messages.js';

/** What the progress line shows of a parallel search. */
export interface ParallelProgress {
  states: number;
  /** The longest path a worker is on now, and the deepest path any has seen. */
  depth: number;
  deepest: number;
  /** Choice points on all workers' depth-first stacks. */
  stack: number;
}

export interface ParallelOptions {
  workers: number;
  search: 'stateful' | 'stateless';
  /** Add up the coverage probe counters of the workers' runs. */
  coverage: boolean;
  /** Called about every `tickMs` while the search runs (the progress line). */
  onTick?: (p: ParallelProgress) => void;
  tickMs?: number;
}

export interface ParallelOutcome {
  result: ExploreResult;
  /** The workers' coverage counters, added up (with `coverage`). */
  coverage: Float64Array | null;
}

/** The order counterexamples are picked in: fewer events first, then the least choice sequence. */
function shorter(a: ExploreResult['violations'][number], b: ExploreResult['violations'][number]): number {
  if (a.violation.step !== b.violation.step) return a.violation.step - b.violation.step;
  const n = Math.min(a.choices.length, b.choices.length);
  for (let i = 0; i < n; i++) if (a.choices[i] !== b.choices[i]) return a.choices[i] - b.choices[i];
  return a.choices.length - b.choices.length;
}

export function exploreInParallel(t: Target, opts: ExploreOptions, p: ParallelOptions): Promise<ParallelOutcome> {
  const n = p.workers;
  const table = SharedFingerprintTable.create(opts.maxStates, opts.maxMemoryBytes);
  const control = new Int32Array(new SharedArrayBuffer(controlWords(n) * 4));
  const workers: Worker[] = [];
  const busy: boolean[] = [];
  const totals: (WorkerTotals | null)[] = [];
  const coverage: (number[] | null)[] = [];
  const queue: number[][] = [[]];
  const violations: ExploreResult['violations'] = [];
  const stops = new Set<string>();
  let stopping = false;
  let userStop = false;
  let settled = false;
  let handedOut = 0;

  return new Promise<ParallelOutcome>((resolve, reject) => {
    const stopAll = (): void => {
      stopping = true;
      Atomics.store(control, CONTROL_STOP, 1);
    };
    const ticker = setInterval(() => {
      if (!stopping && interrupted()) {
        userStop = true;
        stopAll();
      }
      p.onTick?.(progress());
    }, p.tickMs ?? 100);
    const progress = (): ParallelProgress => {
      let depth = 0;
      let deepest = 0;
      let stack = 0;
      for (let k = 0; k < n; k++) {
        const s = statsWords(k);
        depth = Math.max(depth, Atomics.load(control, s.depth));
        deepest = Math.max(deepest, Atomics.load(control, s.deepest));
        stack += Atomics.load(control, s.stack);
      }
      return { states: table.size, depth, deepest, stack };
    };
    const end = (error: unknown): void => {
      if (settled) return;
      settled = true;
      clearInterval(ticker);
      const closing = Promise.all(workers.map((w) => w.terminate()));
      if (error !== null) {
        void closing.finally(() => reject(error));
        return;
      }
      void closing.then(() => resolve(outcome()), reject);
    };
    const dispatch = (): void => {
      if (settled) return;
      if (!stopping) {
        for (let k = 0; k < n && queue.length > 0; k++) {
          if (busy[k]) continue;
          busy[k] = true;
          handedOut++;
          workers[k].postMessage({ kind: 'piece', prefix: queue.shift()! });
        }
        if (queue.length === 0 && busy.some((b) => !b)) {
          for (let k = 0; k < n; k++) if (busy[k]) Atomics.store(control, stealWord(k), 1);
        }
      }
      if (busy.every((b) => !b) && (stopping || queue.length === 0)) end(null);
    };
    const onMessage = (k: number, m: FromExploreWorker): void => {
      if (m.kind === 'pieces') {
        if (!stopping) queue.push(...m.prefixes);
      } else {
        busy[k] = false;
        totals[k] = m.totals;
        coverage[k] = m.coverage;
        for (const v of m.violations) violations.push({ violation: v.violation, choices: v.choices, labels: v.labels.map((name) => label(name)) });
        if (m.stoppedBy !== null && m.stoppedBy !== 'halted') stops.add(m.stoppedBy);
        if (m.stoppedBy === 'states' || m.stoppedBy === 'memory' || (m.stoppedBy === 'violation' && opts.stopAtFirstViolation)) stopAll();
      }
      dispatch();
    };
    const outcome = (): ParallelOutcome => {
      const sum = (f: (x: WorkerTotals) => number): number => totals.reduce((a, x) => a + (x ? f(x) : 0), 0);
      let snapshot: ExploreResult['snapshot'];
      for (const x of totals) {
        if (!x?.snapshot) continue;
        snapshot = { bytes: Math.max(snapshot?.bytes ?? 0, x.snapshot.bytes), stride: Math.max(snapshot?.stride ?? 1, x.snapshot.stride) };
      }
      violations.sort(shorter);
      const found = opts.stopAtFirstViolation ? violations.slice(0, 1) : violations;
      // A depth cut is read from the table, not from the workers: one that cut a path at a state
      // it later reached shallower says "cut", and whether that happens depends on timing. The
      // table's least depths do not (see SharedFingerprintTable.reachedDepth).
      const cut = (): boolean => (opts.maxDepth <= 0xffff ? table.reachedDepth(opts.maxDepth) : stops.has('depth'));
      // The verdict: a violation first, then an interrupt, the state bound, memory, the depth bound.
      const stoppedBy: ExploreResult['stoppedBy'] =
        found.length > 0 && opts.stopAtFirstViolation ? 'violation' : userStop ? 'interrupt' : stops.has('states') ? 'states' : stops.has('memory') ? 'memory' : cut() ? 'depth' : null;
      let cov: Float64Array | null = null;
      if (p.coverage) {
        for (const c of coverage) {
          if (!c) continue;
          cov ??= new Float64Array(c.length);
          for (let i = 0; i < c.length; i++) cov[i] += c[i];
        }
      }
      return {
        result: {
          states: table.size,
          transitions: sum((x) => x.transitions),
          executedSteps: sum((x) => x.executedSteps),
          runs: sum((x) => x.runs),
          maxDepth: totals.reduce((a, x) => Math.max(a, x?.maxDepth ?? 0), 0),
          complete: stoppedBy === null,
          stoppedBy,
          storeBytes: table.bytes(),
          search: p.search,
          ...(snapshot ? { snapshot } : {}),
          violations: found,
          workers: n,
          subtrees: handedOut,
        },
        coverage: cov,
      };
    };
    for (let k = 0; k < n; k++) {
      const setup: ExploreWorkerSetup = {
        index: k,
        target: { scenario: t.scenario.name, profile: t.profile, mutants: t.mutants, overrides: t.overrides, image: t.image, checks: t.checks },
        // Each worker's snapshots get its share of the budget a single search gives its own.
        opts: { maxDepth: opts.maxDepth, maxStates: opts.maxStates, maxMemoryBytes: Math.floor(opts.maxMemoryBytes / n), stopAtFirstViolation: opts.stopAtFirstViolation },
        search: p.search,
        table: table.buffer,
        control: control.buffer as SharedArrayBuffer,
        coverage: p.coverage,
      };
      const w = new Worker(new URL('./explore-worker.js', import.meta.url), { workerData: setup });
      w.on('message', (m: FromExploreWorker) => onMessage(k, m));
      w.on('error', (e) => end(e));
      w.on('exit', (code) => {
        if (!settled) end(new Error(`exploration worker ${k} exited (code ${code}) before the search was over`));
      });
      workers.push(w);
      busy.push(false);
      totals.push(null);
      coverage.push(null);
    }
    dispatch();
  });
}
