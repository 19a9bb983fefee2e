/**
 * Shards for a CI matrix (`--shard i/n`): a deterministic split of a campaign's work that depends
 * only on i, n and the campaign, so n machines together run exactly what one would, and `merge`
 * puts their results back together.
 *
 * Seeds: shard i of n takes the i-th of n contiguous blocks of the seed range (sizes differ by at
 * most one). Scenarios: an exploration is not split; the k-th explorable scenario's exploration
 * runs on shard (k mod n) + 1, so the explorations are spread over the shards too.
 */
export interface Shard {
  /** 1-based. */
  index: number;
  count: number;
}

/** Parses `i/n` (1 ≤ i ≤ n); returns null when malformed. */
export function parseShard(text: string): Shard | null {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  if (!m) return null;
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1 || index < 1 || index > count) return null;
  return { index, count };
}

/** The part of seeds [first, first+total) shard `s` runs: its first seed and how many. */
export function shardSeeds(first: number, total: number, s: Shard | null): { first: number; count: number } {
  if (!s) return { first, count: total };
  const lo = Math.floor(((s.index - 1) * total) / s.count);
  const hi = Math.floor((s.index * total) / s.count);
  return { first: first + lo, count: hi - lo };
}

/** Whether shard `s` runs the exploration of the `k`-th (0-based) explorable scenario. */
export function shardRunsExploration(k: number, s: Shard | null): boolean {
  return !s || k % s.count === s.index - 1;
}

export function shardText(s: Shard): string {
  return `${s.index}/${s.count}`;
}
