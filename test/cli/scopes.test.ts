/**
 * Scopes from the command line (--set), --require-complete and explore's progress line, as a user
 * meets them: child processes on dist/cli/main.js. Scopes stay small (seconds each).
 */
import test from 'ava';
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { assertInputError, cli, cliOnTerminal, freshDirs, hasScript } from '../helpers/cli.js';

const freshDir = freshDirs(test);

test('scopes: bad --set keys and values exit 2 with one line, on run, explore and check', async (t) => {
  const dir = freshDir('scopes-bad');
  const cases: Array<[string[], RegExp]> = [
    [['run', 'virtio-small', '--seeds', '1', '--set', 'client=2'], /unknown parameter "client" for scenario virtio-small \(did you mean clients/],
    [['explore', 'virtio-small', '--set', 'clients=two'], /--set clients=two: wrong type: clients is an integer from 1 to 1024/],
    [['explore', 'virtio-small', '--set', 'faults.ioError=2'], /--set faults\.ioError=2: out of range: faults\.ioError is a number from 0 to 1/],
    [['explore', 'virtio-small', '--set', 'queueSize=16'], /queueSize must be a power of two ≤ 2\^\(indexBits−1\) = 8/],
    [['explore', 'virtio-small', '--set', 'swarm=true'], /--set swarm: explore branches on every enabled fault/],
    [['run', 'fs-read', '--seeds', '1', '--set', 'clients=2'], /scenario fs-read boots from a disk image and runs no block workload/],
    [['run', 'virtio-small', '--seeds', '1', '--set', 'clients'], /--set expects key=value/],
    [['check', '--set', 'nope=1'], /unknown parameter "nope"/],
    [['check', '--set', 'fs.cacheBlocks=1'], /--set fs\.cacheBlocks=1: out of range: fs\.cacheBlocks is an integer from 2 to 4096/],
  ];
  for (const [args, pattern] of cases) assertInputError(t, await cli([...args, '--out', 'out'], dir), pattern);
});

test('scopes: explore virtio-small --set clients=2 --set requestsPerClient=1 completes, and says so', async (t) => {
  const dir = freshDir('scopes-explore');
  const r = await cli(['explore', 'virtio-small', '--set', 'clients=2', '--set', 'requestsPerClient=1', '--json', '--require-complete', '--out', 'out'], dir);
  t.is(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { complete: boolean; states: number; settings: Record<string, unknown>; violations: unknown[] };
  t.true(doc.complete);
  t.true(doc.states > 1000);
  t.deepEqual(doc.settings, { clients: 2, requestsPerClient: 1 });
  t.deepEqual(doc.violations, []);
  const text = await cli(['explore', 'virtio-small', '--set', 'clients=2', '--set', 'requestsPerClient=1', '--out', 'out'], dir);
  t.regex(text.stdout, /set clients=2 requestsPerClient=1/, 'the header shows the scope');
  t.regex(text.stdout, /complete: every choice sequence was explored/);
});

test('scopes: a replay of a run made with --set reproduces it (the file records the settings)', async (t) => {
  const dir = freshDir('scopes-replay');
  const r = await cli(['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seeds', '40', '--workers', '1', '--set', 'clients=2', '--set', 'faults.ioError=0.5', '--json', '--out', 'out'], dir);
  t.is(r.code, 1, r.stderr);
  const rel = (JSON.parse(r.stdout) as { violations: Array<{ replay: string }> }).violations[0].replay;
  const path = isAbsolute(rel) ? rel : resolve(dir, rel);
  const file = JSON.parse(readFileSync(path, 'utf8')) as { settings: Record<string, unknown>; parameters: { clients: number; faults: { ioError: number } } };
  t.deepEqual(file.settings, { clients: 2, 'faults.ioError': 0.5 });
  t.is(file.parameters.clients, 2);
  t.is(file.parameters.faults.ioError, 0.5);
  const again = await cli(['replay', path, '--json'], dir);
  t.is(again.code, 1, again.stderr);
  const doc = JSON.parse(again.stdout) as { reproduced: boolean; traceHash: string; recordedTraceHash: string; settings: Record<string, unknown> };
  t.true(doc.reproduced);
  t.is(doc.traceHash, doc.recordedTraceHash);
  t.deepEqual(doc.settings, { clients: 2, 'faults.ioError': 0.5 });
});

test('scopes: explore with --set and a mutant writes a replay file that reproduces', async (t) => {
  const dir = freshDir('scopes-explore-mutant');
  const r = await cli(['explore', 'virtio-small', '--mutant', 'publish-before-fill', '--set', 'clients=2', '--set', 'latencyMicrosOptions=3', '--json', '--out', 'out'], dir);
  t.is(r.code, 1, r.stderr);
  const v = (JSON.parse(r.stdout) as { violations: Array<{ replay: string }> }).violations[0];
  const again = await cli(['replay', v.replay, '--json'], dir);
  t.is(again.code, 1, again.stderr);
  t.true((JSON.parse(again.stdout) as { reproduced: boolean }).reproduced);
});

test('scopes: list --json shows each scenario’s parameters with type, default and range', async (t) => {
  const r = await cli(['list', '--json'], freshDir('scopes-list'));
  t.is(r.code, 0, r.stderr);
  type P = { key: string; type: string; default: unknown; range: string; minimum?: number; maximum?: number; values?: string[] };
  const doc = JSON.parse(r.stdout) as { scenarios: Array<{ name: string; parameters: P[] }> };
  const small = doc.scenarios.find((s) => s.name === 'virtio-small')!;
  const clients = small.parameters.find((p) => p.key === 'clients')!;
  t.deepEqual({ type: clients.type, default: clients.default, minimum: clients.minimum, maximum: clients.maximum, range: clients.range }, { type: 'integer', default: 3, minimum: 1, maximum: 1024, range: 'an integer from 1 to 1024' });
  const ioError = small.parameters.find((p) => p.key === 'faults.ioError')!;
  t.deepEqual([ioError.type, ioError.default, ioError.range], ['number', 0.1, 'a number from 0 to 1']);
  t.deepEqual(small.parameters.find((p) => p.key === 'eventIdx')!.values, ['on', 'off', 'either']);
  const boot = doc.scenarios.find((s) => s.name === 'boot')!;
  t.true(boot.parameters.some((p) => p.key === 'proc.services.count'));
  for (const s of doc.scenarios) t.true(s.parameters.length > 20, s.name);
});

test('--require-complete: an incomplete search exits 4 and says why; a complete one exits 0', async (t) => {
  const dir = freshDir('require-complete');
  const states = await cli(['explore', 'virtio-small', '--max-states', '500', '--require-complete', '--out', 'out'], dir);
  t.is(states.code, 4, states.stderr);
  t.regex(states.stdout, /incomplete: stopped by the state bound \(--max-states 500\)/);
  t.regex(states.stderr, /^eclipse-sim: --require-complete: the search is incomplete, stopped by the state bound \(--max-states 500\)\n$/);
  const depth = await cli(['explore', 'virtio-small', '--max-depth', '5', '--require-complete', '--json', '--out', 'out'], dir);
  t.is(depth.code, 4, depth.stderr);
  t.is((JSON.parse(depth.stdout) as { stoppedBy: string }).stoppedBy, 'depth');
  t.regex(depth.stderr, /stopped by the depth bound \(--max-depth 5/);
  const without = await cli(['explore', 'virtio-small', '--max-states', '500', '--out', 'out'], dir);
  t.is(without.code, 0, 'without the flag an incomplete search is not a failure');
  const complete = await cli(['explore', 'init-small', '--require-complete', '--json', '--out', 'out'], dir);
  t.is(complete.code, 0, complete.stderr);
  t.true((JSON.parse(complete.stdout) as { complete: boolean }).complete);
  // A violation is exit 1, whatever --require-complete says.
  const found = await cli(['explore', 'virtio-small', '--mutant', 'publish-before-fill', '--require-complete', '--no-shrink', '--out', 'out'], dir);
  t.is(found.code, 1, found.stderr);
});

/** The command line under a pseudo-terminal, progress lines at once, 200 columns. */
function underTerminal(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return cliOnTerminal(args, cwd, { ECLIPSE_SIM_PROGRESS_MS: '0', COLUMNS: '200', TERM: 'xterm' });
}

// Without util-linux `script` the terminal tests are skipped (reported as skipped, not passed).
const ttyTest = hasScript ? test : test.skip;
// What a status line looks like: carriage return, erase line, then the fields.
const STATUS = /\r\x1b\[2K\d+:\d\d {2}[\d,]+ states \([\d,]+\/s\) {2}depth [\d,]+, deepest [\d,]+ {2}stack [\d,]+ {2}mem [\d,]+ MiB/;

ttyTest('explore progress: a status line on a terminal, erased before the report', async (t) => {
  // proc-small takes many slices of 200 paths (init-small now finishes within the first one).
  const r = await underTerminal(['explore', 'proc-small', '--out', 'out'], freshDir('progress-tty'));
  t.is(r.code, 0, r.output);
  t.regex(r.output, STATUS);
  // The report starts on a clean line: the last status line is erased before it.
  const report = r.output.indexOf('eclipse-sim explore');
  t.true(report > 0);
  t.regex(r.output.slice(0, report), /\r\x1b\[2K(\x1b\[[0-9;]*m)*$/);
});

ttyTest('explore progress with --workers 2: the line adds up the workers (states in the shared table, their stacks)', async (t) => {
  const r = await underTerminal(['explore', 'proc-small', '--workers', '2', '--out', 'out'], freshDir('progress-tty-workers'));
  t.is(r.code, 0, r.output);
  t.regex(r.output, /\r\x1b\[2K\d+:\d\d {2}[\d,]+ states \([\d,]+\/s\) {2}2 workers {2}depth [\d,]+, deepest [\d,]+ {2}stacks [\d,]+ {2}mem [\d,]+ MiB/);
  const report = r.output.indexOf('eclipse-sim explore');
  t.true(report > 0);
  t.regex(r.output.slice(0, report), /\r\x1b\[2K(\x1b\[[0-9;]*m)*$/);
});

ttyTest('explore progress: none with --json, even on a terminal', async (t) => {
  const r = await underTerminal(['explore', 'proc-small', '--json', '--out', 'out'], freshDir('progress-json'));
  t.is(r.code, 0, r.output);
  t.notRegex(r.output, /\x1b\[2K/);
  t.notRegex(r.output, /states \(/);
});

test('explore progress: none when stderr is not a terminal', async (t) => {
  const dir = freshDir('progress-pipe');
  const r = await cli(['explore', 'proc-small', '--out', 'out'], dir, { ECLIPSE_SIM_PROGRESS_MS: '0' });
  t.is(r.code, 0, r.stderr);
  t.is(r.stderr, '', 'nothing on a piped stderr');
  t.notRegex(r.stdout, /\r|\x1b\[2K/);
  t.regex(r.stdout, /complete: every choice sequence was explored/);
});
