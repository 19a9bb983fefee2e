import test from 'ava';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FingerprintSet } from '../../sim/fingerprint-set.js';
import { REPO_ROOT } from '../helpers/paths.js';

test('engine: fingerprint set: new state ⇒ true; seen at the same or a smaller depth ⇒ false', (t) => {
  const s = new FingerprintSet(16);
  t.true(s.visit(1, 2, 5), 'new');
  t.is(s.size, 1);
  t.false(s.visit(1, 2, 5), 'same depth');
  t.false(s.visit(1, 2, 9), 'deeper');
  t.true(s.visit(2, 1, 5), 'the halves are not interchangeable');
  t.is(s.size, 2);
});

test('engine: fingerprint set: a shallower revisit ⇒ true once (re-explore its subtree), then false', (t) => {
  const s = new FingerprintSet(16);
  s.visit(7, 7, 10);
  t.true(s.visit(7, 7, 4), 'shallower than before');
  t.false(s.visit(7, 7, 4));
  t.false(s.visit(7, 7, 10), 'the stored depth is now 4');
  t.true(s.visit(7, 7, 0));
  t.is(s.size, 1, 'a revisit never adds a state');
});

test('engine: fingerprint set: the fingerprint 0:0 is stored (as 0:1), not mistaken for an empty slot', (t) => {
  const s = new FingerprintSet(16);
  t.true(s.visit(0, 0, 3));
  t.false(s.visit(0, 0, 3));
  t.is(s.size, 1);
});

test('engine: fingerprint set: large 32-bit halves (sign bit set) are distinct states', (t) => {
  const s = new FingerprintSet(4);
  t.true(s.visit(0xffffffff, 0x80000000, 1));
  t.true(s.visit(-1, 0, 1), '−1 is 0xffffffff, but lo differs');
  t.false(s.visit(-1, -2147483648, 1), 'the same fingerprint written as signed integers');
  t.is(s.size, 2);
});

test('engine: fingerprint set: byte budget: `full` is set instead of growing past it', (t) => {
  // Capacity 4 = 40 bytes; growing to 8 (80 bytes) fits a 100-byte budget, growing to 16 does not.
  const s = new FingerprintSet(4, 100);
  for (let i = 1; i <= 4; i++) s.visit(i, i, 1);
  t.false(s.full);
  t.is(s.bytes(), 80, 'grew once, within budget');
  s.visit(5, 5, 1);
  t.true(s.full, 'more than half full and growing would pass the budget');
  t.is(s.bytes(), 80, 'did not grow');
  t.false(s.visit(5, 5, 1), 'stored states are still found');
  const unbounded = new FingerprintSet(4);
  for (let i = 1; i <= 5000; i++) unbounded.visit(i, i * 3, 1);
  t.false(unbounded.full);
  t.is(unbounded.size, 5000);
  t.true(unbounded.bytes() >= 2 * 5000 * 10, 'kept at most half full');
});

/** Runs `code` (an ES module body) in a child node; resolves with whether it exited 0 in time. */
function childFinishes(code: string, timeoutMs: number): Promise<{ ok: boolean; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--input-type=module', '-e', code], { timeout: timeoutMs, killSignal: 'SIGKILL' }, (error, stdout, stderr) => {
      resolve({ ok: error === null, stdout, stderr });
    });
  });
}

// Regression (was a bug in sim/fingerprint-set.ts, visit): once `full` is set the table no longer grows, but `visit`
// keeps inserting new fingerprints; when every slot is taken, the linear probe `for (;;)` never
// finds an empty slot and `visit` loops forever. Expected: visit returns (and `full` stays set)
// whatever the caller does after `full`. Repro: new FingerprintSet(4, 100), visit 8 distinct
// fingerprints, then visit a 9th: it never returns.
test('engine: fingerprint set: a saturated table (full, every slot taken) still returns from visit', async (t) => {
  const url = pathToFileURL(join(REPO_ROOT, 'dist', 'sim', 'fingerprint-set.js')).href;
  const code = `
    const { FingerprintSet } = await import(${JSON.stringify(url)});
    const s = new FingerprintSet(4, 100);
    for (let i = 1; i <= 8; i++) s.visit(i, i * 7, 1);
    const fresh = s.visit(100, 200, 1);
    console.log(JSON.stringify({ full: s.full, fresh }));
  `;
  const r = await childFinishes(code, 4000);
  t.true(r.ok, 'visit did not return (killed after the time limit)');
  t.true(r.ok && JSON.parse(r.stdout).full === true);
});
