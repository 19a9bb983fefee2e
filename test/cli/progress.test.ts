/**
 * Progress bars: on a pseudo-terminal `run` and `check` draw one (seeds done, runs/s, findings,
 * time left); piped, or with --json, the output is the report alone.
 */
import test from 'ava';
import { cli, cliOnTerminal, freshDirs, hasScript } from '../helpers/cli.js';

const freshDir = freshDirs(test);

/** Runs the command line on a pseudo-terminal (util-linux `script`), returning everything it drew; null without `script`. */
async function onTerminal(args: string[], cwd: string): Promise<{ code: number; output: string } | null> {
  return hasScript ? cliOnTerminal(args, cwd, { FORCE_COLOR: '0' }) : null;
}

const BAR = /run virtio-smoke [█░]+ \d+\/300 seeds \| [\d,]+ runs\/s \| \d+ findings? \| \d+s left/;

test('progress: run on a pseudo-terminal draws a bar with seeds done, runs/s, findings and time left', async (t) => {
  const dir = freshDir('progress');
  const r = await onTerminal(['run', 'virtio-smoke', '--seeds', '300', '--workers', '1', '--out', 'out'], dir);
  if (!r) {
    if (process.env.CI) t.fail('util-linux script is missing');
    else t.log('util-linux `script` is not on PATH: skipped');
    t.pass();
    return;
  }
  t.is(r.code, 0, r.output);
  t.regex(r.output, BAR);
  t.regex(r.output, /300\/300 seeds/);
  t.regex(r.output, /✓ no violation/);
  const check = (await onTerminal(['check', '--scenario', 'init-small', '--seeds-scale', '0.25', '--workers', '1', '--out', 'out'], dir))!;
  t.is(check.code, 0, check.output);
  t.regex(check.output, /random {2}init-small +[█░]+ 50\/50 seeds \| [\d,]+ runs\/s \| 0 findings \| \d+s left/);
  t.regex(check.output, /explore init-small +[\d,]+ states \| [\d,]+ states\/s \| 0 findings/);
});

test('progress: piped output and --json have no bar', async (t) => {
  const dir = freshDir('progress-pipe');
  const r = await cli(['run', 'virtio-smoke', '--seeds', '300', '--workers', '1', '--out', 'out'], dir);
  t.is(r.code, 0);
  t.is(r.stderr, '');
  t.notRegex(r.stdout, /seeds \||█|░|\x1b/);
  t.regex(r.stdout, /^eclipse-sim run virtio-smoke {2}profile reference {2}mutants none {2}seeds 1\.\.300\n {2}300 runs, [\d,]+ events in [\d.]+ s \([\d,]+ events\/s\)\n✓ no violation\n$/);
  const onTty = await onTerminal(['run', 'virtio-smoke', '--seeds', '300', '--workers', '1', '--json', '--out', 'out'], dir);
  if (onTty) {
    t.notRegex(onTty.output, /seeds \||█|░/);
    t.regex(onTty.output, /^\{/);
  }
});
