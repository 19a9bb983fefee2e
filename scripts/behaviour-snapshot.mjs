#!/usr/bin/env node
// Prints a normalised snapshot of what a build of eclipse-sim does, for comparing two builds of a
// refactoring (same runs, steps, violations, replay choices; same exploration states and verdicts).
// Wall-clock fields are dropped. Usage: node scripts/behaviour-snapshot.mjs <path/to/dist/cli/main.js> [--quick]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHash } from 'node:crypto';

const cli = process.argv[2];
if (!cli) { console.error('usage: behaviour-snapshot.mjs <dist/cli/main.js>'); process.exit(2); }
const seeds = process.argv.includes('--quick') ? '10' : '50';

const scenarios = [
  'virtio-smoke', 'virtio-stress', 'virtio-wrap', 'virtio-small', 'fs-read', 'fs-write-crash', 'fs-small',
  'fork-wait', 'orphans', 'zombie-storm', 'proc-small', 'boot', 'service-crash-loop', 'service-hang',
  'dependency-slow', 'power-loss-reboot', 'init-small',
];
const explorable = ['virtio-small', 'fs-small', 'proc-small', 'init-small'];
// Each zoo mutant on the scenario the README names as catching it.
const mutants = {
  'publish-before-fill': 'virtio-stress', 'idx-before-status': 'virtio-stress', 'wrap-compare': 'virtio-wrap',
  'modulo-index': 'virtio-small', 'leak-on-error': 'virtio-stress', 'double-complete': 'virtio-stress',
  'event-idx-off-by-one': 'virtio-stress', 'single-pop-per-irq': 'virtio-stress',
  'spurious-irq-assert': 'virtio-stress', 'kick-before-driver-ok': 'virtio-stress', 'ioerr-as-ok': 'fs-read',
  'sector-units': 'fs-read', 'inode-off-by-one': 'fs-read', 'no-reparent': 'orphans',
  'fork-fd-no-incref': 'fork-wait', 'ipc-dead-peer-blocks': 'service-crash-loop',
  'intensity-off-by-one': 'service-crash-loop', 'crash-in-starting-stuck': 'service-crash-loop',
  'dependency-not-ready': 'dependency-slow', 'backoff-reset-on-start': 'service-crash-loop',
};

const out = mkdtempSync(join(tmpdir(), 'behaviour-'));
function cliJson(args) {
  let text;
  try {
    text = execFileSync('node', [cli, ...args, '--json', '--out', out], { encoding: 'utf8', maxBuffer: 1 << 28 });
  } catch (e) {
    if (e.status !== 1) return { error: `exit ${e.status}: ${String(e.stderr).split('\n')[0]}` };
    text = e.stdout;
  }
  const r = JSON.parse(text);
  delete r.elapsedSeconds; delete r.statesPerSecond; delete r.bytesPerState;
  for (const v of r.violations ?? []) {
    if (v.replay) {
      const doc = JSON.parse(readFileSync(v.replay, 'utf8'));
      v.replayChoices = createHash('sha256').update(JSON.stringify(doc.choices)).digest('hex').slice(0, 16);
      v.replayStep = doc.violation?.step;
      delete v.replay;
    }
  }
  return r;
}

const snapshot = {};
for (const profile of ['reference', 'eclipse-b']) {
  for (const s of scenarios) {
    snapshot[`run ${s} ${profile}`] = cliJson(['run', s, '--seeds', seeds, '--profile', profile, '--workers', '1', '--no-shrink']);
    // A single seed's trace hash covers every event's kind, time and arguments.
    for (const seed of ['1', '2']) snapshot[`run ${s} ${profile} --seed ${seed}`] = cliJson(['run', s, '--seed', seed, '--profile', profile, '--no-shrink']);
  }
}
for (const [m, s] of Object.entries(mutants)) {
  snapshot[`run ${s} --mutant ${m}`] = cliJson(['run', s, '--seeds', seeds, '--mutant', m, '--workers', '1', '--shrink-budget', '200']);
}
for (const s of explorable) snapshot[`explore ${s}`] = cliJson(['explore', s]);
rmSync(out, { recursive: true, force: true });
process.stdout.write(JSON.stringify(snapshot, null, 1) + '\n');
