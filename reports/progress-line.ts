/**
 * The one-line status of a running exploration, in the spirit of TLC's progress lines: how long
 * it has run, how many distinct states it stored and how fast, where the search is, and the
 * process's memory. Pure formatting; cli/status-line.ts decides when and where it is written.
 */
import { fmt } from './terminal.js';

export interface ExploreProgress {
  elapsedSeconds: number;
  states: number;
  /** Distinct states per second since the previous line (or the start). */
  statesPerSecond: number;
  /** Events on the path the search is on, and the deepest path so far. */
  depth: number;
  deepest: number;
  /** Choice points on the depth-first stack (with workers: on all their stacks). */
  stack: number;
  /** Worker threads of a parallel search; then `depth` is the longest path a worker is on. */
  workers?: number;
  /** Resident memory of the process, bytes. */
  memoryBytes: number;
}

/** "h:mm:ss" (or "m:ss" under an hour). */
export function clock(seconds: number): string {
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

export function formatExploreProgress(p: ExploreProgress): string {
  const parallel = p.workers !== undefined && p.workers > 1;
  return [
    clock(p.elapsedSeconds),
    `${fmt(p.states)} states (${fmt(p.statesPerSecond)}/s)`,
    ...(parallel ? [`${p.workers} workers`] : []),
    `depth ${fmt(p.depth)}, deepest ${fmt(p.deepest)}`,
    `${parallel ? 'stacks' : 'stack'} ${fmt(p.stack)}`,
    `mem ${fmt(p.memoryBytes / (1024 * 1024))} MiB`,
  ].join('  ');
}
