/**
 * Wall-clock budgets for shrinking (`--shrink-time-per-finding`, `--shrink-time`): the clock is
 * read here, in cli/, and handed to the shrinker as a question it asks before each run (sim/ and
 * scenarios/ never read the clock). Each finding gets the smaller of its own budget and what is
 * left of the command's; once the command's budget is spent, later findings are written unshrunk.
 * With neither budget the timer only measures. A shrink cut short by time depends on the machine's
 * speed (the run and event budgets do not): the result is then only as small as the time allowed.
 */
import { performance } from 'node:perf_hooks';
import type { ShrinkTimer } from '../scenarios/operations.js';

export interface ShrinkTimeOptions {
  /** Seconds one finding may spend shrinking. */
  shrinkTimePerFinding?: number;
  /** Seconds all findings of the command may spend shrinking together. */
  shrinkTime?: number;
}

export class ShrinkClock implements ShrinkTimer {
  private readonly perFindingMs: number;
  private readonly totalMs: number;
  private spentMs = 0;
  private started = 0;

  constructor(o: ShrinkTimeOptions) {
    this.perFindingMs = (o.shrinkTimePerFinding ?? Infinity) * 1000;
    this.totalMs = (o.shrinkTime ?? Infinity) * 1000;
  }

  begin(): (() => boolean) | null {
    const left = this.totalMs - this.spentMs;
    if (left <= 0) return null;
    this.started = performance.now();
    const limit = Math.min(this.perFindingMs, left);
    if (limit === Infinity) return () => false;
    const deadline = this.started + limit;
    return () => performance.now() >= deadline;
  }

  end(): number {
    const ms = performance.now() - this.started;
    this.spentMs += ms;
    return Number((ms / 1000).toFixed(3));
  }

  /** Seconds spent shrinking so far. */
  get seconds(): number {
    return Number((this.spentMs / 1000).toFixed(3));
  }
}
