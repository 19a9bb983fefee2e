/**
 * A worker thread for the shared fingerprint table's concurrency test: visits the fingerprints
 * (key, ~key) for key in [from, to) at the given depths, in an order of its own, and answers how
 * many visits returned true.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SharedFingerprintTable } from '../../sim/shared-fingerprint-table.js';

interface Job {
  buffer: SharedArrayBuffer;
  from: number;
  to: number;
  /** Depth of key k: (k * depthStep + offset) % depthMod. */
  depthStep: number;
  offset: number;
  depthMod: number;
  /** Visit the keys backwards (so the threads meet in the middle). */
  backwards: boolean;
  /** Int32 [0]: threads ready; each starts when all are (so they really overlap). */
  gate: SharedArrayBuffer;
  threads: number;
}

const job = workerData as Job;
const table = new SharedFingerprintTable(job.buffer);
const gate = new Int32Array(job.gate);
Atomics.add(gate, 0, 1);
while (Atomics.load(gate, 0) < job.threads) {
  // spin until every thread is ready
}
let trues = 0;
const n = job.to - job.from;
for (let j = 0; j < n; j++) {
  const k = job.backwards ? job.to - 1 - j : job.from + j;
  if (table.visit(k, ~k, (k * job.depthStep + job.offset) % job.depthMod)) trues++;
}
parentPort!.postMessage(trues);
