/**
 * The campaign watchdog's last line of defence, outside the model: a run in a worker thread of
 * its own, ended (terminated) when it has not returned within a wall-clock limit. A synchronous
 * loop inside the model cannot be interrupted from its own thread, so the worker publishes its
 * progress in shared memory (events done, the next event's time, the trace hash, every choice),
 * and what it published says where the run hung. The model's own work bounds (sim/work-bound.ts)
 * catch the loops we know of; this catches the rest.
 */
import { Worker } from 'node:worker_threads';
import { MODEL_HANG, type Violation } from '../sim/violation.js';
import type { MachineParams } from '../model/params.js';
import type { ReplayFile } from '../scenarios/replay-file.js';
import type { SliceResult } from './campaign-worker.js';
import type { StrategySpec } from '../scenarios/strategies.js';

/** Default wall-clock limit of one campaign run, in seconds (`--watchdog`). */
export const DEFAULT_WATCHDOG_SECONDS = 60;

/** What a MODEL-HANG message found by the watchdog starts with (replay knows it by this). */
export const WATCHDOG_PREFIX = 'the run outlived the campaign watchdog';

/** Is this the watchdog's MODEL-HANG (not a work bound's)? Such a run can only be replayed watched. */
export function isWatchdogHang(v: Violation | null | undefined): boolean {
  return !!v && v.check === MODEL_HANG && v.message.startsWith(WATCHDOG_PREFIX);
}

export function watchdogMessage(seconds: number, step: number, time: number): string {
  return `${WATCHDOG_PREFIX} (${seconds} s of wall-clock time): event ${step} at t = ${time} µs never returned`;
}

/** A target by name, as a worker can resolve it. */
export interface WatchedTarget {
  scenario: string;
  profile: string;
  mutants: string[];
  overrides?: Partial<MachineParams>;
  image?: Uint8Array;
  checks?: string[];
  strategy?: StrategySpec;
}

export type WatchedJob = { kind: 'seed'; target: WatchedTarget; seed: number } | { kind: 'replay'; doc: ReplayFile; image?: Uint8Array };

export interface WatchedWorkerData {
  job: WatchedJob;
  /** A module the worker imports first (tests plant a hang with it). */
  preload?: string;
  progress: SharedArrayBuffer;
  choices: SharedArrayBuffer;
}

export type WatchedWorkerMessage =
  | { type: 'started'; labels: string[] }
  | { type: 'seed-done'; slice: SliceResult }
  | { type: 'replay-done'; result: { violation: Violation | null; steps: number; time: number; traceHash: string } }
  | { type: 'error'; message: string; divergence: boolean };

/** Shared progress header fields (Int32). */
export const P_STEPS = 0;
export const P_CHOICES = 1;
export const P_OVERFLOW = 2;

/** Choices a watched run can record (a whole boot makes tens of thousands). */
const CHOICE_CAPACITY = 1 << 21;

/** Where a terminated run was: the event that never returned, and the run up to it. */
export interface HungRun {
  /** The event that never returned, and its time. */
  step: number;
  time: number;
  /** Trace hash after the last event that did return. */
  traceHash: string;
  /** Choices up to the hang, with their label names (empty for a replay). */
  choices: number[];
  labels: string[];
  /** More choices than could be recorded: no replay can be written. */
  overflow: boolean;
}

export type WatchedOutcome =
  | { kind: 'seed-done'; slice: SliceResult }
  | { kind: 'replay-done'; result: { violation: Violation | null; steps: number; time: number; traceHash: string } }
  | { kind: 'hung'; hung: HungRun };

/** An error from inside the watched run (a replay that diverges, an unknown scenario). */
export class WatchedRunError extends Error {
  constructor(
    message: string,
    readonly divergence: boolean,
  ) {
    super(message);
  }
}

/**
 * Runs `job` in a fresh worker thread; terminates it if the run has not finished `limitMs` after
 * it started (module loading is not counted).
 */
export function watchedRun(job: WatchedJob, limitMs: number, preload?: string): Promise<WatchedOutcome> {
  const progress = new SharedArrayBuffer(40);
  const choices = new SharedArrayBuffer(CHOICE_CAPACITY * 8);
  const data: WatchedWorkerData = { job, preload, progress, choices };
  const worker = new Worker(new URL('./watched-run-worker.js', import.meta.url), { workerData: data });
  return new Promise<WatchedOutcome>((resolve, reject) => {
    let names: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    let settled = false;
    const finish = (f: () => void) => {
      if (settled) return;
      settled = true;
      if (timer) clearTimeout(timer);
      void worker.terminate();
      f();
    };
    worker.on('message', (msg: WatchedWorkerMessage) => {
      if (msg.type === 'started') {
        names = msg.labels;
        timer = setTimeout(() => finish(() => resolve({ kind: 'hung', hung: readHung(progress, choices, names) })), limitMs);
      } else if (msg.type === 'seed-done') finish(() => resolve({ kind: 'seed-done', slice: msg.slice }));
      else if (msg.type === 'replay-done') finish(() => resolve({ kind: 'replay-done', result: msg.result }));
      else finish(() => reject(new WatchedRunError(msg.message, msg.divergence)));
    });
    worker.on('error', (e) => finish(() => reject(e)));
    worker.on('exit', (code) => finish(() => reject(new Error(`the watched run's worker exited (code ${code}) without an answer`))));
  });
}

function readHung(progress: SharedArrayBuffer, choiceBuf: SharedArrayBuffer, names: string[]): HungRun {
  const header = new Int32Array(progress, 0, 4);
  const steps = Atomics.load(header, P_STEPS);
  const n = Atomics.load(header, P_CHOICES);
  const values = new Int32Array(choiceBuf, 0, CHOICE_CAPACITY);
  const labels = new Int32Array(choiceBuf, CHOICE_CAPACITY * 4, CHOICE_CAPACITY);
  const hash = String.fromCharCode(...new Uint8Array(progress, 24, 16));
  const next = new Float64Array(progress, 16, 1)[0];
  return {
    step: steps + 1,
    time: steps === 0 ? 0 : next,
    traceHash: steps === 0 ? '' : hash,
    choices: Array.from(values.subarray(0, n)),
    labels: Array.from(labels.subarray(0, n), (id) => names[id] ?? `label#${id}`),
    overflow: Atomics.load(header, P_OVERFLOW) === 1,
  };
}

/** What replaying a watchdog MODEL-HANG file gave. */
export interface HangReplay {
  /** The run hung again at the recorded event, after the same events (same trace hash). */
  reproduced: boolean;
  /** Where it hung, if it did. */
  hung: HungRun | null;
  /** How it ended, if it did not hang. */
  finished: { violation: Violation | null; steps: number; time: number; traceHash: string } | null;
}

/**
 * Replays a watchdog MODEL-HANG file in a watched thread: it reproduces when the run again does
 * not return from the recorded event within `limitMs`, after the same events. Throws
 * WatchedRunError when the replay itself fails (diverges).
 */
export async function replayHang(doc: ReplayFile, image: Uint8Array | undefined, limitMs: number, preload?: string): Promise<HangReplay> {
  const out = await watchedRun({ kind: 'replay', doc, image }, limitMs, preload);
  if (out.kind === 'hung') {
    const h = out.hung;
    return { reproduced: doc.violation !== null && h.step === doc.violation.step && h.traceHash === doc.traceHash, hung: h, finished: null };
  }
  if (out.kind === 'replay-done') return { reproduced: false, hung: null, finished: out.result };
  throw new Error('a watched replay answered as a seed');
}
