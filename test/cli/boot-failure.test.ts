/**
 * kernel.md §1: a failed mount or a missing /sbin/init is a boot failure with a clear reason, not a
 * hang — and the tools say so: `run` prints the reason and how many runs it ended, `--json` lists
 * it under bootFailures, and a campaign counts it per reason whatever the number of workers.
 */
import test from 'ava';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeImage } from '../../model/fs/host/image-writer.js';
import { dir, file } from '../../model/fs/host/tree.js';
import { programElf } from '../../model/proc/programs/registry.js';
import { Campaign } from '../../sim/campaign.js';
import { makeCampaignSystem, resolveTarget, withImage } from '../../scenarios/operations.js';
import { cli, freshDirs } from '../helpers/cli.js';

const work = freshDirs(test)('boot-failure');

const noInit = join(work, 'noinit.img');
writeFileSync(noInit, writeImage(dir({ etc: dir({ motd: file('hello\n') }) })));
const badInit = join(work, 'badinit.img');
writeFileSync(badInit, writeImage(dir({ sbin: dir({ init: file('#!/bin/sh\nnot an ELF file\n') }) })));
const garbage = join(work, 'garbage.img');
writeFileSync(garbage, new Uint8Array(8192).fill(0x5a));

test('boot failure: run names the reason and counts the runs it ended; the exit code is 0 (no check failed)', async (t) => {
  const r = await cli(['run', 'boot', '--image', noInit, '--seeds', '30', '--workers', '2'], work);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /boot failed: no \/sbin\/init on the root file system — 30 runs \(first seed 1\)/);
  const j = await cli(['run', 'proc-small', '--image', badInit, '--seed', '4', '--json'], work);
  t.is(j.code, 0, j.stderr);
  const doc = JSON.parse(j.stdout) as { bootFailures: { reason: string; runs: number; seed: number }[]; violations: unknown[] };
  t.deepEqual(doc.violations, []);
  t.is(doc.bootFailures.length, 1);
  t.regex(doc.bootFailures[0].reason, /^boot failed: \/sbin\/init could not be loaded/);
  t.is(doc.bootFailures[0].seed, 4);
});

test('boot failure: a disk that is not EclipseFS is refused at mount, the reason says why, and fsck reports the damage', async (t) => {
  // A campaign run goes on after the violation (S-FS-01) to the end of the boot, and reports both.
  const r = await cli(['run', 'boot', '--image', garbage, '--seeds', '2', '--no-shrink', '--json'], work);
  t.is(r.code, 1, r.stderr);
  const doc = JSON.parse(r.stdout) as { bootFailures: { reason: string; runs: number }[]; violations: { check: string }[] };
  t.deepEqual(
    doc.bootFailures.map((b) => [b.reason, b.runs]),
    [['boot failed: the root file system could not be mounted (bad magic)', 2]],
  );
  t.deepEqual(
    doc.violations.map((v) => v.check),
    ['S-FS-01'],
  );
});

test('boot failure: a campaign counts boot failures per reason, the same with any slicing; a good disk has none', (t) => {
  const good = writeImage(dir({ sbin: dir({ init: file(programElf('init')) }), etc: dir({ rc: file('') }) }));
  const tg = withImage(resolveTarget('proc-small', 'reference', []), writeImage(dir({ etc: dir({}) })), 'empty.img');
  const whole = new Campaign(makeCampaignSystem(tg));
  whole.runSeeds(1, 21);
  const a = new Campaign(makeCampaignSystem(tg));
  a.runSeeds(1, 8);
  const b = new Campaign(makeCampaignSystem(tg));
  b.runSeeds(8, 21);
  const merged = new Campaign(makeCampaignSystem(tg));
  merged.merge({ runs: b.runs, steps: b.steps, failedRuns: b.failedRuns, findings: b.orderedFindings(), outcomes: b.orderedOutcomes() });
  merged.merge({ runs: a.runs, steps: a.steps, failedRuns: a.failedRuns, findings: a.orderedFindings(), outcomes: a.orderedOutcomes() });
  t.deepEqual(whole.orderedOutcomes(), [{ outcome: 'boot failed: no /sbin/init on the root file system', seed: 1, count: 20 }]);
  t.deepEqual(merged.orderedOutcomes(), whole.orderedOutcomes());
  const ok = new Campaign(makeCampaignSystem(withImage(resolveTarget('proc-small', 'reference', []), good, 'good.img')));
  ok.runSeeds(1, 6);
  t.deepEqual(ok.orderedOutcomes(), []);
});
