/**
 * Worker-thread entry of a parallel exploration (cli/explore-pool.ts): builds its own system of
 * the target, wraps the shared fingerprint table, and explores the subtrees it is handed one at a
 * time, with the same explorer as a single-threaded search, bounded below each subtree's prefix.
 * Between slices of paths it looks at two words of shared memory: the stop flag (another worker
 * found a violation or filled a bound, or Ctrl-C), and a request to give work away (`split`).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { labelName } from '../sim/labels.js';
import { SharedFingerprintTable } from '../sim/shared-fingerprint-table.js';
import { makeExplorer, resolveTarget } from '../scenarios/operations.js';
import type { ExploreResult } from '../sim/explore.js';
import { CONTROL_STOP, stealWord, statsWords, type ExploreWorkerSetup, type FromExploreWorker, type ToExploreWorker } from './explore-messages.js';

/** Paths per slice: the stop flag and steal requests are seen within one. */
const SLICE = 16;

const setup = workerData as ExploreWorkerSetup;
const port = parentPort!;
const control = new Int32Array(setup.control);
const table = new SharedFingerprintTable(setup.table);
const target = { ...resolveTarget(setup.target.scenario, setup.target.profile, setup.target.mutants), overrides: setup.target.overrides, image: setup.target.image, checks: setup.target.checks };
const { explorer, system } = makeExplorer(target, { ...setup.opts, store: table }, setup.search);
const steal = stealWord(setup.index);
const stats = statsWords(setup.index);
/** Violations already sent. */
let sent = 0;

function publish(): void {
  Atomics.store(control, stats.depth, explorer.depth);
  Atomics.store(control, stats.stack, explorer.stackSize);
  Atomics.store(control, stats.deepest, explorer.result.maxDepth);
}

/** Stops that end the whole search, not just this worker's subtree. */
function endsSearch(r: ExploreResult): boolean {
  return r.stoppedBy === 'states' || r.stoppedBy === 'memory' || (r.stoppedBy === 'violation' && setup.opts.stopAtFirstViolation);
}

function explorePiece(prefix: number[]): void {
  explorer.restartUnder(prefix);
  let halted = false;
  while (!explorer.advance(SLICE)) {
    publish();
    if (Atomics.load(control, CONTROL_STOP) !== 0) {
      explorer.stop('interrupt');
      halted = true;
      break;
    }
    if (Atomics.load(control, steal) !== 0) {
      const prefixes = explorer.split();
      if (prefixes.length > 0) {
        Atomics.store(control, steal, 0);
        port.postMessage({ kind: 'pieces', prefixes } satisfies FromExploreWorker);
      }
    }
  }
  publish();
  const r = explorer.result;
  if (endsSearch(r)) Atomics.store(control, CONTROL_STOP, 1);
  // Not busy any more: a request to give work away no longer applies.
  Atomics.store(control, steal, 0);
  const violations = r.violations.slice(sent).map((v) => ({ violation: v.violation, choices: v.choices, labels: v.labels.map((l) => labelName(l)) }));
  sent = r.violations.length;
  const done: FromExploreWorker = {
    kind: 'done',
    stoppedBy: halted ? 'halted' : r.stoppedBy,
    violations,
    totals: { transitions: r.transitions, executedSteps: r.executedSteps, runs: r.runs, maxDepth: r.maxDepth, snapshot: r.snapshot ?? null },
    coverage: setup.coverage ? Array.from(system.coverageCounts()) : null,
  };
  port.postMessage(done);
}

port.on('message', (m: ToExploreWorker) => {
  if (m.kind === 'piece') explorePiece(m.prefix);
});
