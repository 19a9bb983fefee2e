import test from 'ava';
import { parseShard, shardRunsExploration, shardSeeds } from '../../scenarios/shard.js';

test('shard: parseShard takes i/n with 1 ≤ i ≤ n and nothing else', (t) => {
  t.deepEqual(parseShard('2/4'), { index: 2, count: 4 });
  t.deepEqual(parseShard('1/1'), { index: 1, count: 1 });
  for (const bad of ['0/4', '5/4', '2', '2/0', '-1/3', 'a/b', '1/2/3', '1.5/3']) t.is(parseShard(bad), null, bad);
});

test('shard: the shards of a seed range cover it exactly once, in contiguous blocks of nearly equal size', (t) => {
  for (const [first, total, n] of [[1, 2000, 4], [7, 10, 3], [1, 3, 5], [1, 1, 1], [100, 101, 7]]) {
    const seen: number[] = [];
    const sizes: number[] = [];
    for (let i = 1; i <= n; i++) {
      const p = shardSeeds(first, total, { index: i, count: n });
      sizes.push(p.count);
      for (let s = p.first; s < p.first + p.count; s++) seen.push(s);
    }
    t.deepEqual(seen, Array.from({ length: total }, (_, k) => first + k), `${first} ${total} ${n}`);
    t.true(Math.max(...sizes) - Math.min(...sizes) <= 1);
  }
  t.deepEqual(shardSeeds(5, 10, null), { first: 5, count: 10 });
});

test('shard: every exploration runs on exactly one shard', (t) => {
  for (let k = 0; k < 9; k++) {
    const owners = [1, 2, 3, 4].filter((i) => shardRunsExploration(k, { index: i, count: 4 }));
    t.deepEqual(owners, [(k % 4) + 1]);
    t.true(shardRunsExploration(k, null));
  }
});
