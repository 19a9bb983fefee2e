/**
 * Coverage probes in a report (`--coverage`): per row, how often each probe of model/coverage.ts
 * was hit, by name in catalogue order; summed over rows for `check`, and over shards by `merge`.
 * The text lists every probe with its count, then the ones never hit.
 */
import { probeNames } from '../model/coverage.js';

/** Probe name → hits, every probe of the catalogue in its order (zeros included). */
export type CoverageRecord = Record<string, number>;

/** A counter array (by probe id) as a record by name. */
export function coverageRecord(counts: ArrayLike<number>): CoverageRecord {
  const names = probeNames();
  const r: CoverageRecord = {};
  for (let i = 0; i < names.length; i++) r[names[i]] = i < counts.length ? counts[i] : 0;
  return r;
}

/** The sum of records (a name missing from one counts 0 there); catalogue order, then any others. */
export function sumCoverage(records: ReadonlyArray<CoverageRecord | undefined>): CoverageRecord {
  const r: CoverageRecord = {};
  for (const n of probeNames()) r[n] = 0;
  for (const x of records) {
    if (!x) continue;
    for (const [n, v] of Object.entries(x)) r[n] = (r[n] ?? 0) + v;
  }
  return r;
}

/** Names never hit, in catalogue order. */
export function neverHit(r: CoverageRecord): string[] {
  return Object.keys(r).filter((n) => r[n] === 0);
}

/** The coverage section of the terminal output. */
export function coverageText(r: CoverageRecord, what: string): string {
  const names = Object.keys(r);
  const missed = neverHit(r);
  const width = Math.max(...names.map((n) => n.length));
  const lines = [`coverage (${what}): ${names.length - missed.length} of ${names.length} probes hit`];
  for (const n of names) lines.push(`  ${n.padEnd(width)}  ${String(r[n]).padStart(12)}`);
  lines.push(missed.length === 0 ? 'never hit: none' : `never hit (${missed.length}):`);
  for (const n of missed) lines.push(`  ${n}`);
  return lines.join('\n') + '\n';
}
