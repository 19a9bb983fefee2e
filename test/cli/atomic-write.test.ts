/**
 * Files are never half-written: a writer killed with SIGKILL at arbitrary moments, many times,
 * leaves every file absent or complete (cli/atomic-write.ts); so does the command line killed in
 * the middle of a campaign's write burst, with earlier good replay files in the same folder.
 */
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseReplay } from '../../scenarios/replay-file.js';
import { CLI_PATH } from '../helpers/paths.js';
import { cli, freshDirs } from '../helpers/cli.js';
import { wholeRecord } from '../helpers/atomic-writer.js';

const dir = freshDirs(test)('atomic');

const WRITER = fileURLToPath(new URL('../helpers/atomic-writer.js', import.meta.url));

/** Starts `node args…` and kills it `ms` after its first output line (or after 3 s without one), or after its start. */
function killAfter(args: string[], ms: number, cwd: string, afterOutput = true): Promise<void> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ['ignore', 'pipe', 'ignore'], env: { ...process.env, FORCE_COLOR: '0' } });
    let armed = false;
    const arm = () => {
      if (armed) return;
      armed = true;
      setTimeout(() => child.kill('SIGKILL'), ms);
    };
    if (afterOutput) {
      child.stdout.once('data', arm);
      setTimeout(arm, 3000);
    } else arm();
    child.on('exit', () => resolve());
  });
}

test('a writer SIGKILLed 30 times mid-burst: every file absent or complete', async (t) => {
  const d = join(dir, 'writer');
  mkdirSync(d);
  let seen = 0;
  for (let k = 0; k < 30; k++) {
    await killAfter([WRITER, d, '12', String(64 * 1024)], 2 + ((k * 7) % 40), dir);
    for (const name of readdirSync(d)) {
      if (!name.endsWith('.replay.json')) continue;
      seen++;
      t.true(wholeRecord(readFileSync(join(d, name), 'utf8')), `after kill ${k}: ${name} is not whole`);
    }
  }
  t.true(seen > 30, `${seen} files checked`);
});

test('the command line SIGKILLed during campaigns writing into a folder of earlier replay files: every replay file parses', async (t) => {
  const args = ['run', 'virtio-stress', '--profile', 'eclipse-b', '--seeds', '300', '--workers', '1', '--no-shrink', '--out', 'out'];
  // The first campaign's replay files are the earlier good ones.
  const started = Date.now();
  const first = await cli(args, dir);
  const took = Date.now() - started;
  t.is(first.code, 1, first.stderr);
  const out = join(dir, 'out');
  t.true(readdirSync(out).filter((n) => n.endsWith('.replay.json')).length >= 3);
  // Later campaigns (other seed ranges, so other files and rewrites) killed at moments spread over
  // the run, its write burst at the end included.
  for (let k = 0; k < 8; k++) {
    await killAfter([CLI_PATH, ...args, '--first-seed', String(1 + (k % 3))], Math.round(took * (0.4 + 0.1 * k)), dir, false);
    for (const name of readdirSync(out)) {
      if (!name.endsWith('.replay.json')) continue;
      const text = readFileSync(join(out, name), 'utf8');
      t.notThrows(() => parseReplay(text, name), `after kill ${k}: ${name}`);
    }
  }
});
