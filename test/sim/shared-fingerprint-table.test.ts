import test from 'ava';
import { Worker } from 'node:worker_threads';
import { SharedFingerprintTable } from '../../sim/shared-fingerprint-table.js';

// The table parallel exploration shares between its workers must mean what FingerprintSet means
// (a state is new, or now shallower: the model check over both stores is in state-store.test.ts),
// never store a fingerprint twice under concurrent inserts, and keep the state bound exact
// whatever the interleaving.

test('engine: shared fingerprint table: 0:0 is a state, and halves with the sign bit set are distinct', (t) => {
  const s = SharedFingerprintTable.create(100, 1 << 20);
  t.true(s.visit(0, 0, 3));
  t.false(s.visit(0, 1, 3), '0:0 is stored as 0:1, as FingerprintSet does');
  t.true(s.visit(0xffffffff, 0x80000000, 1));
  t.true(s.visit(0x80000000, 0xffffffff, 1));
  t.false(s.visit(-1, -2147483648, 1), 'the same halves as signed numbers');
  t.is(s.size, 3);
});

test('engine: shared fingerprint table: the state bound is exact; a refused state is not stored and is new again', (t) => {
  const s = SharedFingerprintTable.create(5, 1 << 20);
  for (let k = 1; k <= 5; k++) t.true(s.visit(k, k, 1));
  t.is(s.size, 5);
  t.true(s.visit(6, 6, 1), 'refused: the caller sees the bound');
  t.is(s.size, 5);
  t.false(s.full, 'the bound is not the memory limit');
  t.false(s.visit(3, 3, 1), 'stored states are still known');
  t.true(s.visit(3, 3, 0), 'and still lowered');
});

test('engine: shared fingerprint table: a budget too small for the state bound stops at three quarters of its slots (full)', (t) => {
  const s = SharedFingerprintTable.create(1_000_000, 64 * 1024);
  t.is(s.capacity, 4096, 'the smallest table: 48 KiB of slots');
  let k = 1;
  while (!s.full) s.visit(k, k++, 1);
  t.is(s.size, 3072);
  t.true(s.visit(k, k, 1), 'refused');
  t.is(s.size, 3072);
});

test('engine: shared fingerprint table: sized for the state bound when the budget allows', (t) => {
  t.is(SharedFingerprintTable.create(3072, 1 << 30).capacity, 4096);
  t.is(SharedFingerprintTable.create(3073, 1 << 30).capacity, 8192);
  t.is(SharedFingerprintTable.create(5_000_000, 4096 * 1024 * 1024).capacity, 1 << 23);
});

test('engine: shared fingerprint table: reachedDepth tells whether some state’s least depth is the bound', (t) => {
  const s = SharedFingerprintTable.create(100, 1 << 20);
  s.visit(1, 1, 3);
  s.visit(2, 2, 10);
  t.true(s.reachedDepth(10));
  t.false(s.reachedDepth(11));
  s.visit(2, 2, 4);
  t.false(s.reachedDepth(10), 'reached shallower later: no longer at the bound');
  t.true(s.reachedDepth(4));
  s.visit(3, 3, 70000);
  t.true(s.reachedDepth(70000), 'depths saturate at 65535');
});

/** Runs `threads` workers over the table; resolves with each one's count of true answers. */
function hammer(buffer: SharedArrayBuffer, threads: number, job: (i: number) => { from: number; to: number; depthStep: number; offset: number; depthMod: number; backwards: boolean }): Promise<number[]> {
  const gate = new SharedArrayBuffer(4);
  const url = new URL('../helpers/table-hammer.js', import.meta.url);
  return Promise.all(
    Array.from({ length: threads }, (_, i) =>
      new Promise<number>((resolve, reject) => {
        const w = new Worker(url, { workerData: { buffer, gate, threads, ...job(i) } });
        w.once('message', (n: number) => {
          resolve(n);
          void w.terminate();
        });
        w.once('error', reject);
      }),
    ),
  );
}

test('engine: shared fingerprint table: threads inserting the same fingerprints at once store each exactly once', async (t) => {
  const keys = 60_000;
  const s = SharedFingerprintTable.create(keys, 1 << 26);
  // Every thread visits every key at one depth: each key is new to exactly one of them.
  const trues = await hammer(s.buffer, 3, (i) => ({ from: 1, to: keys + 1, depthStep: 0, offset: 5, depthMod: 7, backwards: i === 1 }));
  t.is(s.size, keys);
  t.is(trues.reduce((a, b) => a + b, 0), keys, 'one true per key in all');
  for (let k = 1; k <= keys; k++) if (s.visit(k, ~k, 5)) t.fail(`key ${k} missing`);
});

test('engine: shared fingerprint table: concurrent lowerings leave the least depth, each lowering won by one thread', async (t) => {
  const keys = 40_000;
  const s = SharedFingerprintTable.create(keys, 1 << 26);
  // Thread i visits key k at depth (k*(i+1) + 3i) % 11: the least over the threads is what stays.
  const trues = await hammer(s.buffer, 3, (i) => ({ from: 1, to: keys + 1, depthStep: i + 1, offset: 3 * i, depthMod: 11, backwards: i === 2 }));
  t.is(s.size, keys);
  let wrong = 0;
  for (let k = 1; k <= keys; k++) {
    const m = Math.min(...[0, 1, 2].map((i) => (k * (i + 1) + 3 * i) % 11));
    // Stored at m exactly: not lowered by a visit at m, lowered by one at m − 1.
    if (s.visit(k, ~k, m) || (m > 0 && !s.visit(k, ~k, m - 1))) wrong++;
  }
  t.is(wrong, 0, 'keys not left at their least depth');
  const total = trues.reduce((a, b) => a + b, 0);
  t.true(total >= keys && total <= 3 * keys, `${total} true answers: at least one per key, at most one per thread per key`);
});

test('engine: shared fingerprint table: under concurrent inserts past the bound, exactly the bound is stored', async (t) => {
  const bound = 25_000;
  const s = SharedFingerprintTable.create(bound, 1 << 26);
  await hammer(s.buffer, 3, (i) => ({ from: 1 + i * 20_000, to: 1 + i * 20_000 + 30_000, depthStep: 1, offset: 0, depthMod: 9, backwards: i % 2 === 1 }));
  t.is(s.size, bound);
  let present = 0;
  for (let k = 1; k <= 70_000; k++) if (!s.visit(k, ~k, 0xffff)) present++;
  t.is(present, bound, 'the size counts exactly the fingerprints stored');
});
