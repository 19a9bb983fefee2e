/**
 * The determinism self-check (`run --check-determinism`; FoundationDB's "unseed" check, made
 * precise): every seed runs twice, first on a fresh system, then on a system that has just run
 * another seed. After every step both runs record a digest of the trace hash, of the machine's
 * state fingerprint and of every check family's ghost state; the first step where the digests
 * differ is reported with its event and which part differed. A run whose result depends on what
 * the system ran before (state one part forgot to reset) shows up at the first step it matters.
 */
import { Chooser } from '../sim/chooser.js';
import { Hasher64 } from '../sim/hash.js';
import { RandomStrategy } from '../sim/strategy/random.js';
import type { TraceRecord } from '../sim/trace.js';
import type { ScenarioSystem } from './system.js';

/** Where two runs of one seed first differ. */
export interface Divergence {
  seed: number;
  /** The seed the second system ran just before. */
  after: number;
  /** First step after which the digests differ (0: the state right after begin). */
  step: number;
  time: number;
  /** The event at that step in the second run, if there is one. */
  event: TraceRecord | null;
  /** What differed: "step", "trace hash", "model state", "checks: <subsystem>", "run length", "verdict". */
  parts: string[];
  /**
   * The step is the first diverging one. False: the divergence showed only after a longer
   * history, and `step` is the end of the window of digests it was found in.
   */
  exact: boolean;
}

export interface DeterminismReport {
  seeds: number;
  steps: number;
  divergences: Divergence[];
}

/**
 * Per-step digests of one run, one row per call of step(): the step number and time, then 2 ints
 * for the trace hash, 2 for the machine, 2 per family.
 */
class RunDigests {
  words: Int32Array = new Int32Array(1 << 12);
  n = 0;
  constructor(readonly width: number) {}
  reset(): void {
    this.n = 0;
  }
  push(h: Hasher64): void {
    if (this.n + 2 > this.words.length) {
      const w = new Int32Array(this.words.length * 2);
      w.set(this.words);
      this.words = w;
    }
    this.words[this.n++] = h.h1;
    this.words[this.n++] = h.h2;
  }
  /** Rows recorded. */
  get rows(): number {
    return this.n / (this.width * 2);
  }
  timeOf(row: number): number {
    return this.words[row * this.width * 2 + 1];
  }
  stepOf(row: number): number {
    return this.words[row * this.width * 2];
  }
}

function digestStep(system: ScenarioSystem, h: Hasher64, into: RunDigests): void {
  const m = system.machine;
  const now = m.sim.now;
  h.h1 = m.sim.steps;
  h.h2 = now | 0;
  into.push(h);
  h.h1 = m.sim.trace.hash.h1;
  h.h2 = m.sim.trace.hash.h2;
  into.push(h);
  h.reset();
  m.fingerprint(h);
  into.push(h);
  for (const f of system.families) {
    h.reset();
    f.fingerprint(h, now);
    h.int(f === system.families[0] ? system.violations.length : 0);
    into.push(h);
  }
}

/**
 * Runs `seed` on `system`, recording a digest after begin, after every `every`-th step and at the
 * end. Returns the verdict (every violation, with its step).
 */
function digestRun(system: ScenarioSystem, seed: number, chooser: Chooser, into: RunDigests, keepTrace: number, every: number): string {
  const h = new Hasher64();
  into.reset();
  chooser.reset(new RandomStrategy(seed));
  system.begin(chooser, keepTrace);
  digestStep(system, h, into);
  let more = true;
  while (more) {
    more = system.step();
    if (!more || system.steps % every === 0) digestStep(system, h, into);
  }
  return system.violations.map((v) => `${v.check}@${v.step}`).join(' ');
}

function partNames(system: ScenarioSystem): string[] {
  return ['step', 'trace hash', 'model state', ...system.families.map((f) => `checks: ${f.checks[0]?.subsystem ?? '?'}`)];
}

export interface DeterminismOptions {
  /** Stop after this many divergences (default 1). */
  maxDivergences?: number;
  /**
   * Digest every n-th step (default 1). Fingerprinting every step of a whole boot is slow; with
   * n > 1 a divergence is first located to a window of n steps, then pinned to its step by running
   * the seed again with a digest at every step (on a fresh system, and on one that has just run
   * the same other seed).
   */
  every?: number;
  /** Checked between seeds: true stops the check (an interrupt). */
  shouldStop?: () => boolean;
}

/** Compares the two runs' digests and builds the divergence, or null. */
function compare(a: RunDigests, b: RunDigests, verdictA: string, verdictB: string, names: string[], reused: ScenarioSystem, seed: number, after: number): Divergence | null {
  const d = firstDifference(a, b, a.width);
  if (d === null && verdictA === verdictB) return null;
  const row = d === null ? b.rows - 1 : Math.min(d.row, b.rows - 1);
  const step = b.stepOf(row);
  let event: TraceRecord | null = null;
  for (const r of reused.machine.sim.trace.records()) {
    if (r.step === step && r.kind >= 0) {
      event = r;
      break;
    }
  }
  let parts = d === null ? ['verdict'] : d.parts.map((p) => names[p]);
  if (d !== null && d.row >= Math.min(a.rows, b.rows)) parts = ['run length'];
  return { seed, after, step, time: event ? event.time : b.timeOf(row), event, parts, exact: true };
}

/**
 * Checks seeds [first, first + count): each runs on a fresh system from `make`, then on one reused
 * system that has just run another seed (the previous one of the range; before the first, the
 * seed after the range).
 */
export function checkDeterminism(make: () => ScenarioSystem, first: number, count: number, opts: DeterminismOptions = {}): DeterminismReport {
  const every = Math.max(1, Math.floor(opts.every ?? 1));
  const reused = make();
  const width = 3 + reused.families.length;
  const a = new RunDigests(width);
  const b = new RunDigests(width);
  const chooserA = new Chooser(new RandomStrategy(0));
  const chooserB = new Chooser(new RandomStrategy(0));
  const names = partNames(reused);
  const report: DeterminismReport = { seeds: 0, steps: 0, divergences: [] };
  let previous = first + count;
  for (let seed = first; seed < first + count; seed++) {
    if (opts.shouldStop?.()) break;
    if (seed === first) digestRun(reused, previous, chooserB, b, 0, every);
    const verdictA = digestRun(make(), seed, chooserA, a, 0, every);
    const verdictB = digestRun(reused, seed, chooserB, b, every === 1 ? Infinity : 0, every);
    report.seeds++;
    report.steps += reused.steps;
    let found = compare(a, b, verdictA, verdictB, names, reused, seed, previous);
    if (found !== null && every > 1) {
      // Pin it to its step: the same two runs again with a digest at every step. The reused system
      // is rebuilt with a history of one run (the same other seed); if that history does not show
      // the divergence, the window is what is known.
      const again = make();
      digestRun(again, previous, chooserB, b, 0, 1);
      const vA = digestRun(make(), seed, chooserA, a, 0, 1);
      const vB = digestRun(again, seed, chooserB, b, Infinity, 1);
      const exact = compare(a, b, vA, vB, names, again, seed, previous);
      if (exact !== null) found = exact;
      else found = { ...found, exact: false, event: null };
    }
    if (found !== null) {
      report.divergences.push(found);
      if (report.divergences.length >= (opts.maxDivergences ?? 1)) break;
    }
    previous = seed;
  }
  return report;
}

/** The first row (step) whose digests differ, and which of its parts. */
function firstDifference(a: RunDigests, b: RunDigests, width: number): { row: number; parts: number[] } | null {
  const rowWords = width * 2;
  const rows = Math.min(a.rows, b.rows);
  for (let r = 0; r < rows; r++) {
    const o = r * rowWords;
    let parts: number[] | null = null;
    for (let p = 0; p < width; p++) {
      if (a.words[o + 2 * p] !== b.words[o + 2 * p] || a.words[o + 2 * p + 1] !== b.words[o + 2 * p + 1]) (parts ??= []).push(p);
    }
    if (parts) return { row: r, parts };
  }
  if (a.rows !== b.rows) return { row: rows, parts: [0] };
  return null;
}
