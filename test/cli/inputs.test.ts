/**
 * Inputs that cannot hurt: every file the tool reads is a regular file within a size limit (a
 * device, a FIFO or a directory is refused by type, before any read), a replay file's image must
 * lie in its folder unless --image names it, everything printed from input is escaped, and numbers
 * are range-checked. Each case: exit 2 with one line on stderr (no stack trace), quickly.
 */
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { fsck } from '../../model/fs/host/fsck.js';
import { assertOneLine, cli, type CliResult, freshDirs } from '../helpers/cli.js';
import { imageBase, imageMutation, mutateImage } from '../helpers/mutated-images.js';

const dir = freshDirs(test)('inputs');

/** Exit 2 and one line on stderr containing `fragment`. */
function oneLineError(t: ExecutionContext, r: CliResult, fragment: string | RegExp): void {
  t.is(r.code, 2, `exit ${r.code}: ${r.stderr}`);
  assertOneLine(t, r.stderr, fragment);
}

function fifo(name: string): string | null {
  const path = join(dir, name);
  try {
    execFileSync('mkfifo', [path]);
    return path;
  } catch {
    return null;
  }
}

test('fsck /dev/zero, a FIFO, a directory: refused by type, exit 2, one line', async (t) => {
  oneLineError(t, await cli(['fsck', '/dev/zero'], dir), 'image /dev/zero is a character device, not a regular file');
  oneLineError(t, await cli(['fsck', dir], dir), 'is a directory, not a regular file');
  const f = fifo('fsck.fifo');
  if (!f) {
    t.log('mkfifo is not available: the FIFO case is skipped');
    return;
  }
  oneLineError(t, await cli(['fsck', f], dir), 'is a FIFO, not a regular file');
});

test('replay of a FIFO or a device, run --image of /dev/urandom or a FIFO: refused by type', async (t) => {
  oneLineError(t, await cli(['replay', '/dev/zero'], dir), 'replay file /dev/zero is a character device, not a regular file');
  oneLineError(t, await cli(['run', 'fs-read', '--image', '/dev/urandom', '--seeds', '1'], dir), 'image /dev/urandom is a character device');
  const f = fifo('replay.fifo');
  if (!f) {
    t.log('mkfifo is not available: the FIFO cases are skipped');
    return;
  }
  oneLineError(t, await cli(['replay', f], dir), 'is a FIFO, not a regular file');
  oneLineError(t, await cli(['run', 'fs-read', '--image', f, '--seeds', '1'], dir), 'is a FIFO, not a regular file');
});

test('files over their limit are refused by size, with the limit in the message (sparse files: nothing is read)', async (t) => {
  const big = join(dir, 'big.replay.json');
  writeFileSync(big, '');
  truncateSync(big, 17 * 1024 * 1024);
  oneLineError(t, await cli(['replay', big], dir), /is 17 MiB; the limit is 16 MiB/);
  const img = join(dir, 'big.img');
  writeFileSync(img, '');
  truncateSync(img, 65 * 1024 * 1024);
  oneLineError(t, await cli(['fsck', img], dir), /is 65 MiB; the limit is 64 MiB/);
  oneLineError(t, await cli(['run', 'fs-read', '--image', img, '--seeds', '1'], dir), /is 65 MiB; the limit is 64 MiB/);
});

test('a long name (100,000 characters) becomes one short line; escape sequences are shown as \\u001b', async (t) => {
  const long = await cli(['run', 'x'.repeat(100_000)], dir);
  oneLineError(t, long, /unknown scenario "x+…\(\d[\d,]* more characters\)/);
  t.true(long.stderr.length < 3000, `${long.stderr.length} characters`);
  const esc = await cli(['run', '\u001b[2J\u009b31m'], dir);
  oneLineError(t, esc, 'unknown scenario "\\u001b[2J\\u009b31m"');
  t.false(/[\u001b\u009b]/.test(esc.stderr));
  // A JSON syntax error quoting raw ESC bytes.
  const bad = join(dir, 'esc.replay.json');
  writeFileSync(bad, '{"format": "eclipse-sim-replay", \u001b[2J}');
  const r = await cli(['replay', bad], dir);
  oneLineError(t, r, 'is not a replay file');
  t.false(r.stderr.includes('\u001b'));
});

test('seeds stay safe integers; --workers is capped with a one-line note', async (t) => {
  oneLineError(t, await cli(['run', 'virtio-smoke', '--first-seed', '9007199254740990', '--seeds', '5'], dir), /runs past the largest seed, 9007199254740991/);
  const ok = await cli(['run', 'virtio-smoke', '--first-seed', '9007199254740987', '--seeds', '5', '--json', '--out', 'o1'], dir);
  t.is(ok.code, 0, ok.stderr);
  t.is((JSON.parse(ok.stdout) as { runs: number }).runs, 5);
  const many = await cli(['run', 'virtio-smoke', '--seeds', '60', '--workers', '1000', '--json', '--out', 'o2'], dir);
  t.is(many.code, 0, many.stderr);
  t.regex(many.stderr, /^eclipse-sim: note: --workers 1000 is more than 4 per core; using \d+\n$/);
});

/** A mutated image fsck reads but finds damaged, so fs-read reports S-FS-02 at mount and writes a replay file. */
function damagedImage(): Uint8Array {
  const base = imageBase('small');
  for (const muts of fc.sample(fc.array(imageMutation, { minLength: 1, maxLength: 2 }), { numRuns: 200, seed: 7 })) {
    const img = mutateImage(base, muts);
    const r = fsck(img);
    if (r.readable && r.findings.some((f) => f.check === 'S-FS-02')) return img;
  }
  throw new Error('no damaged image found');
}

test('replay files name their image by hash and a path inside their folder; a path outside is refused unless --image names it', async (t) => {
  const work = join(dir, 'imgcase');
  mkdirSync(work);
  writeFileSync(join(work, 'user.img'), damagedImage());
  const run = await cli(['run', 'fs-small', '--image', 'user.img', '--seeds', '2', '--workers', '1', '--json', '--out', 'out'], work);
  t.is(run.code, 1, run.stderr);
  const report = JSON.parse(run.stdout) as { violations: Array<{ check: string; replay: string }> };
  const replay = join(work, report.violations[0].replay);
  t.regex(replay, /-img[0-9a-f]{8}-S-FS-02-seed1\.replay\.json$/);
  const doc = JSON.parse(readFileSync(replay, 'utf8')) as { parameters: { fs: { image: string; imageHash: string } } };
  t.is(doc.parameters.fs.image, `file:images/${doc.parameters.fs.imageHash}.img`);
  t.true(existsSync(join(work, 'out', 'images', `${doc.parameters.fs.imageHash}.img`)));
  // The folder replays on its own, from anywhere.
  const again = await cli(['replay', replay], dir);
  t.is(again.code, 1, again.stderr);
  t.regex(again.stdout, /reproduced the recorded S-FS-02/);

  // A replay file whose image path climbs out of its folder, is absolute, or is a symlink to outside.
  const edited = (image: string) => {
    const p = join(work, 'out', `edited-${readdirSync(join(work, 'out')).length}.replay.json`);
    writeFileSync(p, readFileSync(replay, 'utf8').replace(`"file:images/${doc.parameters.fs.imageHash}.img"`, JSON.stringify(`file:${image}`)));
    return p;
  };
  const outside = await cli(['replay', edited('../user.img')], dir);
  oneLineError(t, outside, "the replay names image ../user.img, outside the replay file's folder: give the image with --image if you trust it");
  oneLineError(t, await cli(['replay', edited(join(work, 'user.img'))], dir), "outside the replay file's folder");
  oneLineError(t, await cli(['replay', edited('../../../../../../etc/shadow')], dir), /outside the replay file's folder|cannot be read/);
  symlinkSync(join(work, 'user.img'), join(work, 'out', 'link.img'));
  oneLineError(t, await cli(['replay', edited('link.img')], dir), "outside the replay file's folder");
  // Named explicitly, the same image is accepted; another image is refused by its hash.
  const explicit = await cli(['replay', edited('../user.img'), '--image', join(work, 'user.img')], dir);
  t.is(explicit.code, 1, explicit.stderr);
  copyFileSync(join(work, 'user.img'), join(work, 'other.img'));
  const other = readFileSync(join(work, 'other.img'));
  other[other.length - 1] ^= 1;
  writeFileSync(join(work, 'other.img'), other);
  oneLineError(t, await cli(['replay', replay, '--image', join(work, 'other.img')], dir), 'is not the one the replay was written with');
});

test('two campaigns with one --out (one with --only) write different replay files; neither clobbers the other', async (t) => {
  const work = join(dir, 'onlycase');
  mkdirSync(work);
  const a = await cli(['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seeds', '20', '--workers', '1', '--json', '--out', 'out'], work);
  const b = await cli(['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seeds', '20', '--workers', '1', '--only', 'S-BLK-*', '--json', '--out', 'out'], work);
  t.is(a.code, 1, a.stderr);
  t.is(b.code, 1, b.stderr);
  const pa = (JSON.parse(a.stdout) as { violations: Array<{ replay: string }> }).violations.map((v) => v.replay);
  const pb = (JSON.parse(b.stdout) as { violations: Array<{ replay: string }> }).violations.map((v) => v.replay);
  t.true(pb.every((p) => p.includes('-only-S-BLK-x-')), pb.join(', '));
  for (const p of pb) t.false(pa.includes(p), p);
  // Every file still replays as its own campaign wrote it.
  for (const p of [...pa, ...pb]) {
    const r = await cli(['replay', p], work);
    t.is(r.code, 1, `${p}: ${r.stderr}`);
  }
});

test('a replay file whose fields hold escape sequences prints them escaped (violation.check "\\u001b[2J")', async (t) => {
  const work = join(dir, 'esccase');
  mkdirSync(work);
  const a = await cli(['run', 'virtio-small', '--mutant', 'ioerr-as-ok', '--seeds', '20', '--workers', '1', '--json', '--out', 'out'], work);
  const path = join(work, (JSON.parse(a.stdout) as { violations: Array<{ replay: string }> }).violations[0].replay);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { violation: { check: string; message: string } };
  doc.violation.check = '\u001b[2J';
  doc.violation.message = '\u001b]0;owned\u0007';
  const bad = join(work, 'esc.replay.json');
  writeFileSync(bad, JSON.stringify(doc));
  for (const args of [[], ['--trace'], ['--json']]) {
    const r = await cli(['replay', bad, ...args], work);
    t.is(r.code, 1, r.stderr);
    t.false(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(r.stdout + r.stderr), `replay ${args.join(' ')}: raw control characters`);
    if (args.length === 0) t.true(r.stdout.includes('the recording had \\u001b[2J at step'), r.stdout);
  }
});
