/**
 * The command line as a user meets it: child processes on dist/cli/main.js, each in a temporary
 * working directory with --out pointing into it. Exit codes: 0 clean, 1 violation, 2 bad input
 * (exactly one line on stderr, no stack trace).
 */
import test from 'ava';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { runSeed } from '../../scenarios/operations.js';
import { makeReplay, replayToText } from '../../scenarios/replay-file.js';
import { cli, type CliResult, assertInputError, freshDirs } from '../helpers/cli.js';
import { target } from '../helpers/system.js';

const freshDir = freshDirs(test);

/** One mutant run shared by the replay tests: its replay file and its JSON report. */
interface MutantRun {
  dir: string;
  result: CliResult;
  report: { violations: Array<{ check: string; step: number; replay: string }> };
  replayPath: string;
}
let mutantRun: Promise<MutantRun> | null = null;
function getMutantRun(): Promise<MutantRun> {
  mutantRun ??= (async () => {
    const dir = freshDir('mutant');
    const result = await cli(['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seeds', '20', '--json', '--out', 'out'], dir);
    const report = JSON.parse(result.stdout) as MutantRun['report'];
    const rel = report.violations[0]?.replay ?? '';
    return { dir, result, report, replayPath: isAbsolute(rel) ? rel : resolve(dir, rel) };
  })();
  return mutantRun;
}


test('cli: run: a clean campaign exits 0 with the JSON report shape, and writes nothing', async (t) => {
  const dir = freshDir('clean');
  const r = await cli(['run', 'virtio-smoke', '--seeds', '5', '--json', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '');
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  for (const key of ['scenario', 'profile', 'mutants', 'mode', 'runs', 'steps', 'violations']) t.true(key in doc, `has ${key}`);
  t.is(doc.scenario, 'virtio-smoke');
  t.is(doc.profile, 'reference');
  t.deepEqual(doc.mutants, []);
  t.is(doc.mode, 'random');
  t.is(doc.runs, 5);
  t.true(typeof doc.steps === 'number' && doc.steps > 5 * 50);
  t.deepEqual(doc.violations, []);
  t.false(existsSync(join(dir, 'out')) && readdirSync(join(dir, 'out')).length > 0, 'no replay files');
});

test('cli: run --seed: one run, its trace hash the library’s for the same seed', async (t) => {
  const dir = freshDir('seed');
  const r = await cli(['run', 'virtio-wrap', '--seed', '17', '--json', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { mode: string; runs: number; steps: number; traceHash: string };
  t.is(doc.mode, 'seed');
  t.is(doc.runs, 1);
  t.regex(doc.traceHash, /^[0-9a-f]{16}$/);
  const lib = runSeed(target({ scenario: 'virtio-wrap' }), 17).result;
  t.is(doc.traceHash, lib.traceHash);
  t.is(doc.steps, lib.steps);
});

test('cli: run with a mutant: exit 1, a replay file under --out, and the report names it', async (t) => {
  const { dir, result, report, replayPath } = await getMutantRun();
  t.is(result.code, 1, result.stderr);
  t.is(report.violations.length, 1);
  t.is(report.violations[0].check, 'S-BLK-05');
  t.true(replayPath.startsWith(join(dir, 'out')), `${replayPath} is under --out`);
  t.true(existsSync(replayPath));
  t.regex(replayPath, /virtio-small-reference-ioerr-as-ok-S-BLK-05-seed\d+\.replay\.json$/);
  const doc = JSON.parse(readFileSync(replayPath, 'utf8')) as { format: string; violation: { check: string; step: number } };
  t.is(doc.format, 'eclipse-sim-replay');
  t.is(doc.violation.check, 'S-BLK-05');
  t.is(doc.violation.step, report.violations[0].step);
});

test('cli: replay --json of a written file: exit 1, reproduced, same trace hash', async (t) => {
  const { dir, replayPath, report } = await getMutantRun();
  const r = await cli(['replay', replayPath, '--json'], dir);
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr, '');
  const doc = JSON.parse(r.stdout) as { reproduced: boolean; traceHash: string; recordedTraceHash: string; mode: string; violations: Array<{ check: string; step: number }> };
  t.true(doc.reproduced);
  t.is(doc.mode, 'replay');
  t.is(doc.traceHash, doc.recordedTraceHash);
  t.is(doc.violations[0].check, 'S-BLK-05');
  t.is(doc.violations[0].step, report.violations[0].step);
});

test('cli: replay --trace prints one line per event, steps 1..N in order', async (t) => {
  const { dir, replayPath } = await getMutantRun();
  const [text, json] = await Promise.all([cli(['replay', replayPath, '--trace'], dir), cli(['replay', replayPath, '--json'], dir)]);
  t.is(text.code, 1, text.stderr);
  const steps = (JSON.parse(json.stdout) as { steps: number }).steps;
  const lines = text.stdout.split('\n');
  const events = lines.filter((l) => /^\s*\d+\s+\d+\s{2}(driver|device|irq|client)\s+\S/.test(l));
  t.is(events.length, steps, 'one line per event');
  t.deepEqual(events.map((l) => Number(l.trim().split(/\s+/)[0])), Array.from({ length: steps }, (_, i) => i + 1));
  t.true(lines.some((l) => /step\s+time/.test(l)), 'a header line');
  t.true(lines.some((l) => /! fault ioError/.test(l)), 'fault notes are shown, marked with !');
  t.regex(text.stdout, new RegExp(`${steps} events, trace hash [0-9a-f]{16}`));
  t.regex(text.stdout, /reproduced the recorded S-BLK-05/);
});

test('cli: replay of a clean run’s file exits 0 with no violation', async (t) => {
  const dir = freshDir('clean-replay');
  const tg = target({ scenario: 'virtio-smoke' });
  const { result, system } = runSeed(tg, 21);
  t.is(result.violation, null);
  const doc = makeReplay({ scenario: 'virtio-smoke', profile: 'reference', mutants: [], parameters: system.params, seed: 21, choices: result.choices, labels: result.labels, violation: null, traceHash: result.traceHash });
  writeFileSync(join(dir, 'clean.replay.json'), replayToText(doc));
  const r = await cli(['replay', 'clean.replay.json', '--json'], dir);
  t.is(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { reproduced: boolean; traceHash: string; violations: unknown[] };
  t.deepEqual(out.violations, []);
  t.false(out.reproduced, 'nothing to reproduce');
  t.is(out.traceHash, result.traceHash);
});

test('cli: replay whose run differs from the recorded trace hash: exit 2, one line on stderr', async (t) => {
  const { dir, replayPath } = await getMutantRun();
  const doc = JSON.parse(readFileSync(replayPath, 'utf8')) as { traceHash: string };
  doc.traceHash = '0123456789abcdef';
  writeFileSync(join(dir, 'stale.replay.json'), JSON.stringify(doc));
  const r = await cli(['replay', 'stale.replay.json', '--json'], dir);
  t.is(r.code, 2);
  t.regex(r.stderr, /^eclipse-sim: replay diverged: trace hash [0-9a-f]{16}, recorded 0123456789abcdef[^\n]*\n$/);
  t.is((JSON.parse(r.stdout) as { recordedTraceHash: string }).recordedTraceHash, '0123456789abcdef', 'the report is still printed');
});

test('cli: bad input: unknown scenario', async (t) => {
  const r = await cli(['run', 'virtio-nope', '--out', 'out'], freshDir('bad'));
  assertInputError(t, r, /unknown scenario "virtio-nope" \(known: [^)]+\)/);
  const known = /\(known: ([^)]+)\)/.exec(r.stderr)?.[1].split(', ') ?? [];
  for (const name of ['virtio-smoke', 'virtio-stress', 'virtio-wrap', 'virtio-small', 'fs-read']) t.true(known.includes(name), `lists ${name}`);
});

test('cli: bad input: unknown mutant', async (t) => {
  assertInputError(t, await cli(['run', 'virtio-small', '--mutant', 'off-by-two', '--out', 'out'], freshDir('bad')), /unknown mutant "off-by-two"/);
});

test('cli: bad input: unknown profile', async (t) => {
  assertInputError(t, await cli(['explore', 'virtio-small', '--profile', 'eclipse-c', '--out', 'out'], freshDir('bad')), /unknown profile "eclipse-c"/);
});

test('cli: bad input: bad --seeds values', async (t) => {
  const dir = freshDir('bad');
  for (const v of ['abc', '0', '-3', '1.5', '1e3']) {
    assertInputError(t, await cli(['run', 'virtio-small', '--seeds', v, '--out', 'out'], dir), /--seeds must be a positive integer/);
  }
  assertInputError(t, await cli(['run', 'virtio-small', '--seed', 'x', '--out', 'out'], dir), /--seed must be a non-negative integer/);
  assertInputError(t, await cli(['run', 'virtio-small', '--seed', '1', '--seeds', '2', '--out', 'out'], dir), /either --seed or --seeds/);
});

test('cli: bad input: unknown command and unknown option', async (t) => {
  const dir = freshDir('bad');
  assertInputError(t, await cli(['frobnicate'], dir), /unknown command 'frobnicate'/);
  assertInputError(t, await cli(['run', 'virtio-small', '--frob', '--out', 'out'], dir), /unknown option '--frob'/);
});

test('cli: bad input: a truncated replay file', async (t) => {
  const { dir, replayPath } = await getMutantRun();
  const text = readFileSync(replayPath, 'utf8');
  const cut = join(dir, 'truncated.replay.json');
  writeFileSync(cut, text.slice(0, Math.floor(text.length / 2)));
  assertInputError(t, await cli(['replay', cut], dir), /is not a replay file: the JSON is truncated/);
});

test('cli: bad input: a file that is not JSON (even with newlines in it)', async (t) => {
  const dir = freshDir('bad');
  writeFileSync(join(dir, 'notes.txt'), 'hello, world\n');
  assertInputError(t, await cli(['replay', 'notes.txt'], dir), /is not a replay file: not JSON/);
  writeFileSync(join(dir, 'empty.json'), '');
  assertInputError(t, await cli(['replay', 'empty.json'], dir), /it is empty/);
  writeFileSync(join(dir, 'other.json'), '{"name": "not a replay"}\n');
  assertInputError(t, await cli(['replay', 'other.json'], dir), /"format" must be "eclipse-sim-replay"/);
});

test('cli: bad input: a replay file edited to name another scenario', async (t) => {
  const { dir, replayPath } = await getMutantRun();
  const edited = readFileSync(replayPath, 'utf8').replace('"scenario": "virtio-small"', '"scenario": "virtio-smoke"');
  t.true(edited.includes('"scenario": "virtio-smoke"'));
  writeFileSync(join(dir, 'other-scenario.replay.json'), edited);
  assertInputError(t, await cli(['replay', 'other-scenario.replay.json'], dir), /parameters do not match scenario "virtio-smoke"/);
});

test('cli: bad input: a replay file whose labels do not match the model (divergence)', async (t) => {
  const { dir, replayPath } = await getMutantRun();
  const doc = JSON.parse(readFileSync(replayPath, 'utf8')) as { labels: string[] };
  doc.labels = [...doc.labels].reverse();
  writeFileSync(join(dir, 'diverging.replay.json'), JSON.stringify(doc));
  assertInputError(t, await cli(['replay', 'diverging.replay.json'], dir), /replay diverged at choice \d+/);
});

test('cli: bad input: a missing file, and a directory', async (t) => {
  const dir = freshDir('bad');
  assertInputError(t, await cli(['replay', 'no-such.replay.json'], dir), /cannot read replay file no-such\.replay\.json: ENOENT/);
  assertInputError(t, await cli(['replay', '.'], dir), /replay file \. is a directory, not a regular file/);
});

test('cli: list --json: all scenarios, profiles, mutants, the VirtIO and the file-system checks', async (t) => {
  const r = await cli(['list', '--json'], freshDir('list'));
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { scenarios: Array<{ name: string }>; profiles: Array<{ name: string }>; mutants: Array<{ name: string; caughtBy: string[] }>; checks: Array<{ id: string; kind: string }> };
  const scenarios = doc.scenarios.map((s) => s.name);
  for (const name of ['virtio-smoke', 'virtio-stress', 'virtio-wrap', 'virtio-small', 'fs-read', 'fs-write-crash', 'fs-small']) t.true(scenarios.includes(name), `lists ${name}`);
  t.is(new Set(scenarios).size, scenarios.length);
  t.deepEqual(doc.profiles.map((p) => p.name).sort(), ['eclipse-b', 'reference']);
  const mutants = doc.mutants.map((m) => m.name);
  for (const name of ['publish-before-fill', 'idx-before-status', 'wrap-compare', 'modulo-index', 'leak-on-error', 'double-complete', 'event-idx-off-by-one', 'single-pop-per-irq', 'spurious-irq-assert', 'kick-before-driver-ok', 'ioerr-as-ok', 'sector-units', 'inode-off-by-one']) {
    t.true(mutants.includes(name), `lists ${name}`);
  }
  t.true(doc.mutants.every((m) => m.caughtBy.length > 0));
  t.deepEqual(doc.mutants.find((m) => m.name === 'inode-off-by-one')?.caughtBy, ['S-FS-03']);
  const ids = doc.checks.map((c) => c.id);
  t.is(new Set(ids).size, ids.length, 'ids are unique');
  const want = [
    ...Array.from({ length: 23 }, (_, i) => `S-VQ-${String(i + 1).padStart(2, '0')}`),
    ...Array.from({ length: 8 }, (_, i) => `L-VQ-0${i + 1}`),
    ...Array.from({ length: 6 }, (_, i) => `S-BLK-0${i + 1}`),
    ...Array.from({ length: 5 }, (_, i) => `S-FS-0${i + 1}`),
    'L-FS-01',
  ];
  for (const id of want) t.true(ids.includes(id), `lists ${id}`);
  t.true(doc.checks.filter((c) => c.id.startsWith('L-')).every((c) => c.kind === 'progress'));
  t.true(doc.checks.filter((c) => c.id.startsWith('S-')).every((c) => c.kind === 'safety'));
});

test('cli: list (text) and --version', async (t) => {
  const dir = freshDir('list');
  const [text, version] = await Promise.all([cli(['list'], dir), cli(['--version'], dir)]);
  t.is(text.code, 0);
  for (const name of ['virtio-smoke', 'virtio-stress', 'virtio-wrap', 'virtio-small', 'publish-before-fill', 'S-VQ-23', 'L-VQ-08', 'S-BLK-06']) t.true(text.stdout.includes(name), name);
  t.is(version.code, 0);
  t.regex(version.stdout, /^\d+\.\d+\.\d+\n$/);
});

test('cli: explore --json: states, transitions, maxDepth, complete (bounded by --max-states)', async (t) => {
  const dir = freshDir('explore');
  const r = await cli(['explore', 'virtio-small', '--json', '--max-states', '2000', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  t.is(doc.mode, 'explore');
  t.true(Number.isInteger(doc.states) && (doc.states as number) >= 2000);
  t.true(Number.isInteger(doc.transitions) && (doc.transitions as number) >= (doc.states as number) - 1);
  t.true(Number.isInteger(doc.maxDepth) && (doc.maxDepth as number) > 0);
  t.is(doc.complete, false);
  t.is(doc.stoppedBy, 'states');
  t.deepEqual(doc.violations, []);
});

test('cli: explore with a mutant: exit 1 and a replay file that reproduces', async (t) => {
  const dir = freshDir('explore');
  const r = await cli(['explore', 'virtio-small', '--mutant', 'publish-before-fill', '--json', '--out', 'out'], dir);
  t.is(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { complete: boolean; stoppedBy: string; violations: Array<{ check: string; replay: string }> };
  t.false(doc.complete);
  t.is(doc.stoppedBy, 'violation');
  t.is(doc.violations.length, 1);
  t.regex(doc.violations[0].replay, /-explore\.replay\.json$/);
  const again = await cli(['replay', doc.violations[0].replay, '--json'], dir);
  t.is(again.code, 1, again.stderr);
  t.true((JSON.parse(again.stdout) as { reproduced: boolean }).reproduced);
});

test('cli: run --junit writes a JUnit report', async (t) => {
  const dir = freshDir('junit');
  const r = await cli(['run', 'virtio-small', '--mutant', 'sector-units', '--seeds', '3', '--junit', 'report.xml', '--out', 'out'], dir);
  t.is(r.code, 1, r.stderr);
  const xml = readFileSync(join(dir, 'report.xml'), 'utf8');
  t.regex(xml, /<testsuites/);
  t.regex(xml, /S-BLK-02/);
});

// Regression (was a bug in cli/main.ts): `eclipse-sim` with no command prints nothing and exits 0. Commander
// answers a missing command with its usage on stderr (help({ error: true }), code
// "commander.help"), but build() installs configureOutput({ writeErr: () => {} }), which drops
// it, and main() maps "commander.help" to exit 0. Repro: `node dist/cli/main.js; echo $?` → no
// output, 0. Expected: the usage is shown (and, being bad input, arguably exit 2).
test('cli: no command: prints the usage instead of nothing', async (t) => {
  const r = await cli([], freshDir('nocommand'));
  t.regex(r.stdout + r.stderr, /Usage: eclipse-sim/);
});
