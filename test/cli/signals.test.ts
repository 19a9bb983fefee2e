/**
 * SIGTERM behaves like SIGINT: the campaign stops between slices, shrinks and writes what it
 * found (exit 1, "interrupted" in the report); a second signal ends the process at once and still
 * leaves no half-written file.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseReplay } from '../../scenarios/replay-file.js';
import { CLI_PATH } from '../helpers/paths.js';
import { freshDirs } from '../helpers/cli.js';

const dir = freshDirs(test)('signals');

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs the CLI and sends `signals` at the given delays (ms after start); with `again`, sends that
 * signal once more as soon as the tool acknowledges the first one on stderr.
 */
function runWithSignals(args: string[], signals: Array<[NodeJS.Signals, number]>, again?: NodeJS.Signals): Promise<Outcome> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { cwd: dir, env: { ...process.env, FORCE_COLOR: '0' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (again && !sent && /received|interrupted/.test(stderr)) {
        sent = true;
        child.kill(again);
      }
    });
    for (const [sig, ms] of signals) setTimeout(() => child.kill(sig), ms);
    child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

function replayFilesParse(out: string): number {
  if (!existsSync(out)) return 0;
  let n = 0;
  for (const name of readdirSync(out)) {
    if (!name.endsWith('.replay.json')) continue;
    parseReplay(readFileSync(join(out, name), 'utf8'), name);
    n++;
  }
  return n;
}

for (const workers of ['1', '2']) {
  test.serial(`SIGTERM during a campaign (--workers ${workers}): stops between slices, writes the findings, exit 1`, async (t) => {
    const out = `out-term-${workers}`;
    const r = await runWithSignals(['run', 'virtio-stress', '--profile', 'eclipse-b', '--seeds', '1000000', '--workers', workers, '--shrink-budget', '20', '--json', '--out', out], [['SIGTERM', 4000]]);
    t.is(r.code, 1, r.stderr);
    t.regex(r.stderr, /SIGTERM received; finishing the current slice/);
    const doc = JSON.parse(r.stdout) as { interrupted: boolean; runs: number; violations: Array<{ replay: string }> };
    t.true(doc.interrupted);
    t.true(doc.runs > 0 && doc.runs < 1_000_000);
    t.true(doc.violations.length > 0);
    for (const v of doc.violations) t.true(existsSync(join(dir, v.replay)), v.replay);
    t.is(replayFilesParse(join(dir, out)), doc.violations.length);
  });
}

test.serial('a second SIGTERM ends the process at once (its default action), even while shrinking; no replay file is left half-written', async (t) => {
  const out = 'out-twice';
  const r = await runWithSignals(['run', 'virtio-stress', '--profile', 'eclipse-b', '--seeds', '1000000', '--workers', '1', '--out', out], [
    ['SIGTERM', 4000],
  ], 'SIGTERM');
  t.is(r.signal, 'SIGTERM', `exit ${r.code}: ${r.stderr}`);
  t.regex(r.stderr, /SIGTERM received/);
  t.notThrows(() => replayFilesParse(join(dir, out)));
});

test.serial('SIGINT during explore --workers 2: every worker stops, the report says interrupted and incomplete, exit 130', async (t) => {
  // virtio-small whole takes far longer than the signal's delay on two workers.
  const r = await runWithSignals(['explore', 'virtio-small', '--workers', '2', '--json', '--out', 'out-explore'], [['SIGINT', 3000]]);
  t.is(r.code, 130, r.stderr);
  t.regex(r.stderr, /interrupted; finishing the current slice/);
  const doc = JSON.parse(r.stdout) as { complete: boolean; stoppedBy: string; workers: number; states: number };
  t.false(doc.complete);
  t.is(doc.stoppedBy, 'interrupt');
  t.is(doc.workers, 2);
  t.true(doc.states > 0);
});
