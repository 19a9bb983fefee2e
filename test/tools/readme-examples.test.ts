/**
 * The README's example outputs are the build's: every generated block not marked slow is run and
 * compared (timings masked). On a difference, `npm run readme` regenerates them.
 */
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';
import { findBlocks, normalise, splitArgs } from '../../tools/readme-examples.js';
import { readFileSync } from 'node:fs';

const TOOL = join(REPO_ROOT, 'dist', 'tools', 'readme-examples.js');

test('readme: the generated examples match what the build prints', (t) => {
  const r = spawnSync(process.execPath, [TOOL, '--check'], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  t.is(r.status, 0, r.stderr);
  t.regex(r.stdout, /README examples match the build \(\d+ blocks checked/);
});

test('readme: the README has generated blocks, and the slow ones are few', (t) => {
  const blocks = findBlocks(readFileSync(join(REPO_ROOT, 'README.md'), 'utf8').split('\n'));
  t.true(blocks.filter((b) => !b.slow).length >= 6);
  t.true(blocks.filter((b) => b.slow).length <= 2);
});

test('readme: normalise masks timings only, so a changed count or hash is still a difference', (t) => {
  t.is(normalise('  2,000 runs, 6,091,485 events in 7.5 s (813,998 events/s)'), normalise('  2,000 runs, 6,091,485 events in 6.1 s (998,111 events/s)'));
  t.is(normalise('seeds 1..200, 2 workers'), normalise('seeds 1..200'));
  t.not(normalise('  155 events, trace hash a3407c9ffc24f524'), normalise('  163 events, trace hash f8b90283085fbf0c'));
  t.not(normalise('  2,000 runs, 6,091,485 events in 7.5 s'), normalise('  2,000 runs, 6,091,486 events in 7.5 s'));
  t.deepEqual(splitArgs(`run fs-read --only 'S-FS-*' --seeds 5`), ['run', 'fs-read', '--only', 'S-FS-*', '--seeds', '5']);
});

test('readme: --check fails on a stale example', (t) => {
  const dir = execFileSync('mktemp', ['-d'], { encoding: 'utf8' }).trim();
  const file = join(dir, 'README.md');
  execFileSync('sh', ['-c', `printf '%s\\n' '<!-- generated -->' '\`\`\`' '$ npx eclipse-sim run virtio-smoke --seed 7' '  1 run, 163 events in 0.0 s (1 events/s), trace hash f8b90283085fbf0c' '\`\`\`' > ${file}`]);
  const r = spawnSync(process.execPath, [TOOL, '--check', file], { encoding: 'utf8' });
  t.is(r.status, 1);
  t.regex(r.stderr, /stale/);
  const fix = spawnSync(process.execPath, [TOOL, file], { encoding: 'utf8' });
  t.is(fix.status, 0, fix.stderr);
  t.is(spawnSync(process.execPath, [TOOL, '--check', file], { encoding: 'utf8' }).status, 0);
  t.regex(readFileSync(file, 'utf8'), /trace hash [0-9a-f]{16}/);
  execFileSync('rm', ['-rf', dir]);
});
