import { Chooser } from './chooser.js';
import type { Label } from './labels.js';
import { runOnce, type RunResult } from './run.js';
import { ReplayStrategy } from './strategy/replay.js';
import type { SimSystem } from './system.js';

/** A failing run reduced as far as the budget allowed. */
export interface ShrinkResult {
  choices: number[];
  labels: Label[];
  result: RunResult;
  /** Runs spent shrinking. */
  attempts: number;
  /**
   * What ended it: null when a whole round of edits improved nothing (no edit these passes try
   * helps, which is not to say the result is minimal); otherwise the budget that ran out — the run
   * budget, the event budget, or the caller's time (`outOfTime`) — and the result is only as
   * small as that budget allowed.
   */
  stoppedBy: null | 'runs' | 'events' | 'time';
}

/**
 * Shrinks a failing choice sequence, in the manner of Hypothesis's internal reduction: try the
 * all-defaults run, then delete spans of choices (halves down to single choices), zero spans, then
 * lower each value to 0, to half, to one less.
 * An edit is kept when the run still fails the same check and got smaller: first fewer events
 * before the failure (the trace a person reads), then a shortlex-smaller choice sequence.
 * Choices past the end of the list are 0 ("no fault, earliest event, fastest latency"), so deleting
 * the tail of a run removes what did not matter. Each kept sequence is normalised to the choices the
 * run actually took (trailing zeros dropped), so the result replays exactly under strict replay.
 *
 * `outOfTime`, if given, is asked before each run after the first: true ends shrinking there. It
 * is how a caller's wall-clock budget gets in (the clock is read in cli/, never here); a result cut
 * short by it depends on the machine's speed, one cut by the run or event budget does not.
 */
export function shrink(system: SimSystem, failing: number[], check: string, maxAttempts = 2000, maxEvents = SHRINK_EVENT_BUDGET, outOfTime?: () => boolean): ShrinkResult {
  const chooser = new Chooser(new ReplayStrategy([], null, false));
  /** Runs made (`attempts` also jumps to the budget when another budget runs out, to end the loops). */
  let runs = 0;
  let attempts = 0;
  let events = 0;
  let stoppedBy: ShrinkResult['stoppedBy'] = null;
  const tryRun = (values: number[]): RunResult | null => {
    attempts++;
    runs++;
    const r = runOnce(system, new ReplayStrategy(values, null, false), 0, chooser);
    events += r.steps;
    // Long runs (a whole boot) spend the budget in events, not runs: deterministic either way.
    if (events >= maxEvents) {
      attempts = Math.max(attempts, maxAttempts);
      stoppedBy ??= 'events';
    }
    return r.violation && r.violation.check === check ? r : null;
  };
  let best = tryRun(failing);
  if (!best) throw new Error(`shrink: the failing sequence does not reproduce ${check}`);
  let current = normalise(best.choices);

  // Order of goodness: fewer events in the failing run (what the user reads), then fewer
  // choices, then smaller values.
  const better = (steps: number, values: number[], thanSteps: number, than: number[]): boolean =>
    steps !== thanSteps ? steps < thanSteps : shortlexLess(values, than);

  const accept = (values: number[]): boolean => {
    if (attempts >= maxAttempts) {
      stoppedBy ??= 'runs';
      return false;
    }
    if (outOfTime?.()) {
      stoppedBy = 'time';
      attempts = Math.max(attempts, maxAttempts);
      return false;
    }
    const r = tryRun(values);
    if (!r) return false;
    const norm = normalise(r.choices);
    if (!better(r.steps, norm, best!.steps, current)) return false;
    best = r;
    current = norm;
    return true;
  };

  // The simplest run of all first: every choice its default. When the failure needs no fault and
  // no particular order (eclipse-b's as-built bugs mostly do not), that is the answer, and no
  // span deletion would reach it in a long run: deleting shifts every later choice.
  if (current.length > 0) accept([]);

  let improved = true;
  for (let round = 0; improved && attempts < maxAttempts; round++) {
    improved = false;
    // Delete spans, largest first. In the first round a span that cannot go is stepped over whole
    // (as in delta debugging), so a level costs length/size runs, not length, and a 10,000-choice
    // boot gets through every level within the budget; later rounds, on what is left, try every
    // offset. (Measured on 28 findings of 8 targets: 4 % fewer events and choices on geometric
    // mean than sliding from the start, S-SM-05 of backoff-reset-on-start 677 → 263 events.)
    for (let size = Math.max(1, current.length >> 1); size >= 1 && attempts < maxAttempts; size >>= 1) {
      const stride = round === 0 ? size : 1;
      for (let i = 0; i + size <= current.length && attempts < maxAttempts; ) {
        const cand = current.slice(0, i).concat(current.slice(i + size));
        if (accept(cand)) improved = true;
        else i += stride;
      }
    }
    // Zero spans, largest first: unlike deleting, this keeps every later choice where it was.
    for (let size = Math.max(1, current.length >> 1); size >= 2 && attempts < maxAttempts; size >>= 1) {
      for (let i = 0; i < current.length && attempts < maxAttempts; i += size) {
        const end = Math.min(current.length, i + size);
        let nonzero = false;
        for (let k = i; k < end && !nonzero; k++) nonzero = current[k] !== 0;
        if (!nonzero) continue;
        const cand = current.slice();
        cand.fill(0, i, end);
        if (accept(cand)) improved = true;
      }
    }
    // Lower values.
    for (let i = 0; i < current.length && attempts < maxAttempts; i++) {
      const v = current[i];
      if (v === 0) continue;
      for (const lower of [0, v >> 1, v - 1]) {
        if (lower >= v) continue;
        const cand = current.slice();
        cand[i] = lower;
        if (accept(cand)) {
          improved = true;
          break;
        }
      }
    }
  }
  const final = runOnce(system, new ReplayStrategy(current, null, false), 0, chooser);
  // A loop that ended because the budget did, with no accept() call left to say so.
  if (attempts >= maxAttempts) stoppedBy ??= 'runs';
  return { choices: current, labels: final.labels.slice(0, current.length), result: final, attempts: runs, stoppedBy };
}

/** Events one shrink may execute (with its run budget): keeps shrinking whole-boot runs bounded. */
export const SHRINK_EVENT_BUDGET = 3_000_000;

/** Drops trailing zeros: past the end of a replay list every choice is 0 anyway. */
export function normalise(values: number[]): number[] {
  let n = values.length;
  while (n > 0 && values[n - 1] === 0) n--;
  return values.slice(0, n);
}

function shortlexLess(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return a.length < b.length;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}
