/**
 * eclipse-sim from a project of your own: run seeds and campaigns, and let a failing test say how
 * to replay the run.
 */
import test from 'ava';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { explore, findingOf, listScenarios, replay, runCampaign, runSeed, writeReplay, type Run } from 'eclipse-sim';
import { assertNoViolation, type AssertionContext } from 'eclipse-sim/ava';

const out = mkdtempSync(join(tmpdir(), 'eclipse-sim-examples-'));

test('the scenarios are listed by name', (t) => {
  const names = listScenarios().map((s) => s.name);
  t.true(names.includes('virtio-smoke'));
  t.true(listScenarios().some((s) => s.explorable));
});

test('a seed is a run: the same seed gives the same trace hash, and the reference design passes', (t) => {
  const a: Run = runSeed('virtio-smoke', 7);
  const b = runSeed('virtio-smoke', 7);
  t.is(a.traceHash, b.traceHash);
  t.true(a.steps > 0);
  assertNoViolation(t, a, { dir: out });
});

test('a failing run fails the test with its replay command, and the file reproduces it', (t) => {
  // A planted bug: the driver treats an I/O error as success. Find a seed that trips it.
  let run: Run | null = null;
  for (let seed = 1; seed <= 50 && !run; seed++) {
    const r = runSeed('virtio-small', seed, { mutants: ['ioerr-as-ok'] });
    if (r.violation) run = r;
  }
  if (!run) return t.fail('no seed of 50 tripped the planted bug');
  const messages: string[] = [];
  const ctx: AssertionContext = { fail: (m) => void messages.push(m ?? ''), pass: () => t.fail('a failing run passed') };
  assertNoViolation(ctx, run, { dir: out });
  t.is(messages.length, 1);
  t.regex(messages[0], /reproduce: {3}npx eclipse-sim replay \S+\.replay\.json --trace/);
  const path = /replay file: (\S+)/.exec(messages[0])![1];
  t.true(replay(path).reproduced);
});

test('a campaign reports each failing check once, shrunk; writeReplay and replay round-trip', async (t) => {
  const result = await runCampaign('virtio-small', { seeds: 40, mutants: ['ioerr-as-ok', 'spurious-irq-assert'], shrinkBudget: 200 });
  t.is(result.runs, 40);
  t.deepEqual(result.findings.map((f) => f.check).sort(), ['S-BLK-05', 'S-VQ-23']);
  for (const f of result.findings) {
    const r = replay(writeReplay(f, out));
    t.true(r.reproduced, f.check);
    t.true(r.hashMatches);
  }
  const clean = await runCampaign('virtio-smoke', { seeds: 20 });
  t.deepEqual(clean.findings, []);
});

test('explore covers a small scenario exhaustively', (t) => {
  const r = explore('init-small');
  t.true(r.complete);
  t.true(r.states > 1000);
  t.deepEqual(r.findings, []);
  const bad = explore('virtio-small', { mutants: ['publish-before-fill'] });
  t.is(bad.stoppedBy, 'violation');
  t.is(bad.findings[0].check, 'S-VQ-07');
  t.true(replay(bad.findings[0].replay).reproduced);
  t.throws(() => findingOf(runSeed('virtio-smoke', 1)), { message: /no violation/ });
});
