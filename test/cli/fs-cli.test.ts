/**
 * `mkfs` and `fsck` as a user meets them: child processes on dist/cli/main.js over temporary
 * directories. An image made from a host tree is clean and holds every file byte for byte (read back
 * through the host-side reader), every symlink target and every mode; a damaged image exits 1 with
 * its findings; an unreadable one, or bad input to mkfs, exits 2 with one line on stderr.
 */
import test, { type ExecutionContext } from 'ava';
import { execFileSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TAG_MODE, TAG_NLINK, TAG_SIZE } from '../../model/fs/format.js';
import { HostReader } from '../../model/fs/host/host-reader.js';
import { assertOneLine, cli, freshDirs } from '../helpers/cli.js';
import { REPO_ROOT } from '../helpers/paths.js';
import { getU32, layout, setU32, setU64, tlvOf } from '../model/fs/images.js';

const freshDir = freshDirs(test);

const pattern = (n: number, k: number) => Buffer.from(Uint8Array.from({ length: n }, (_, i) => (i * k + (i >> 8)) & 0xff));

/** A host tree with nested directories, empty and multi-block files, a symlink, an empty dir. */
function makeTree(root: string): void {
  mkdirSync(join(root, 'a', 'b', 'c'), { recursive: true });
  mkdirSync(join(root, 'empty-dir'));
  writeFileSync(join(root, 'empty.txt'), '');
  writeFileSync(join(root, 'hello.txt'), 'hello, world\n');
  writeFileSync(join(root, 'a', 'big.bin'), pattern(4097, 7));
  writeFileSync(join(root, 'a', 'b', 'bigger.bin'), pattern(20_000, 13));
  writeFileSync(join(root, 'a', 'b', 'c', 'deep.txt'), 'deep');
  writeFileSync(join(root, 'a', 'b', 'c', 'é 中 😀.txt'), 'utf-8 name');
  writeFileSync(join(root, 'run.sh'), '#!/bin/sh\necho hi\n');
  chmodSync(join(root, 'run.sh'), 0o755);
  chmodSync(join(root, 'hello.txt'), 0o600);
  symlinkSync('a/b/c/deep.txt', join(root, 'link'));
  symlinkSync('/nowhere/at/all', join(root, 'a', 'dangling'));
}

/** Host entries of `dir` in the order mkfs writes them: UTF-8 byte order. */
function hostEntries(dir: string): string[] {
  return readdirSync(dir, { encoding: 'buffer' })
    .sort(Buffer.compare)
    .map((b) => b.toString('utf8'));
}

/**
 * Checks the image against the host tree under `host`: the same entries in the same order, every
 * file's bytes (read through HostReader), every symlink target, every mode. Returns the inode count.
 */
function sameAsHost(t: ExecutionContext, image: Uint8Array, host: string): number {
  const reader = new HostReader(image);
  const l = layout(image);
  const mode = (inode: number) => getU32(image, tlvOf(l, inode, TAG_MODE).value);
  let inodes = 0;
  const walk = (hostPath: string, imagePath: string) => {
    inodes++;
    const st = lstatSync(hostPath);
    const node = reader.lookup(imagePath || '/');
    if (!node) return t.fail(`${imagePath || '/'} is not in the image`);
    t.is(mode(node.inode), st.mode, `mode of ${imagePath || '/'}`);
    if (st.isDirectory()) {
      const names = hostEntries(hostPath);
      t.deepEqual(
        (node.entries ?? []).map((e) => e.name),
        names,
        `entries of ${imagePath || '/'}`,
      );
      for (const n of names) walk(join(hostPath, n), `${imagePath}/${n}`);
    } else if (st.isSymbolicLink()) {
      t.is(new TextDecoder().decode(node.content ?? new Uint8Array(0)), readlinkSync(hostPath), `target of ${imagePath}`);
    } else {
      const want = readFileSync(hostPath);
      const got = reader.read(imagePath, 0, want.length + 1);
      t.true(got !== null && Buffer.compare(Buffer.from(got), want) === 0, `bytes of ${imagePath}`);
    }
  };
  walk(host, '');
  return inodes;
}

let made: Promise<{ dir: string; src: string; image: string; stdout: string; code: number; stderr: string }> | null = null;
/** One mkfs of the test tree, shared by the tests that read its image. */
function madeImage() {
  made ??= (async () => {
    const dir = freshDir('mkfs');
    const src = join(dir, 'src');
    mkdirSync(src);
    makeTree(src);
    const r = await cli(['mkfs', 'src', 'out.img'], dir);
    return { dir, src, image: join(dir, 'out.img'), ...r };
  })();
  return made;
}

test('mkfs: a host tree becomes a clean image holding every file, symlink and mode', async (t) => {
  const m = await madeImage();
  t.is(m.code, 0, m.stderr);
  t.is(m.stderr, '');
  t.regex(m.stdout, /^wrote out\.img: 14 inodes, \d+ bytes \(7 files, 5 directories, 2 symlinks\)\n$/);
  const image = new Uint8Array(readFileSync(m.image));
  t.is(Number(/(\d+) bytes/.exec(m.stdout)![1]), image.length);
  t.is(image.length % 4096, 0);
  t.is(sameAsHost(t, image, m.src), 14);
  const f = await cli(['fsck', 'out.img'], m.dir);
  t.is(f.code, 0, f.stdout + f.stderr);
  t.is(f.stdout, 'clean: 14 inodes\n');
  t.is(f.stderr, '');
});

test('mkfs: the image depends only on the tree (same bytes twice; the output inside the tree is left out)', async (t) => {
  const m = await madeImage();
  const dir = freshDir('mkfs-det');
  const again = await cli(['mkfs', m.src, join(dir, 'again.img')], dir);
  t.is(again.code, 0, again.stderr);
  t.deepEqual(readFileSync(join(dir, 'again.img')), readFileSync(m.image));
  // An image written inside the tree it is made of: the second run must not swallow the first image.
  const src = join(dir, 'self');
  mkdirSync(src);
  writeFileSync(join(src, 'f'), 'x');
  const first = await cli(['mkfs', 'self', 'self/fs.img'], dir);
  t.is(first.code, 0, first.stderr);
  const firstBytes = readFileSync(join(src, 'fs.img'));
  const second = await cli(['mkfs', 'self', 'self/fs.img'], dir);
  t.is(second.code, 0, second.stderr);
  assertOneLine(t, second.stderr, 'warning: skipping self/fs.img: it is the output image');
  t.deepEqual(readFileSync(join(src, 'fs.img')), firstBytes);
});

test('mkfs: the repository docs/ directory round-trips', async (t) => {
  const dir = freshDir('mkfs-docs');
  const docs = join(REPO_ROOT, 'docs');
  const r = await cli(['mkfs', docs, 'docs.img'], dir);
  t.is(r.code, 0, r.stderr);
  const f = await cli(['fsck', 'docs.img'], dir);
  t.is(f.code, 0, f.stdout);
  const inodes = sameAsHost(t, new Uint8Array(readFileSync(join(dir, 'docs.img'))), docs);
  t.is(f.stdout, `clean: ${inodes} inodes\n`);
  t.true(inodes >= 2);
});

test('mkfs: other file types are skipped with a warning', async (t) => {
  const dir = freshDir('mkfs-fifo');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'f'), 'x');
  try {
    execFileSync('mkfifo', [join(dir, 'src', 'pipe')]);
  } catch {
    t.log('no mkfifo on this host: only the plain tree is checked');
  }
  const hasFifo = readdirSync(join(dir, 'src')).includes('pipe');
  const r = await cli(['mkfs', 'src', 'x.img'], dir);
  t.is(r.code, 0, r.stderr);
  if (hasFifo) {
    assertOneLine(t, r.stderr, /warning: skipping src\/pipe: a FIFO$/);
    t.regex(r.stdout, /\(1 file, 1 directory, 0 symlinks, 1 skipped\)/);
  }
  const reader = new HostReader(new Uint8Array(readFileSync(join(dir, 'x.img'))));
  t.deepEqual(reader.lookup('/')!.entries!.map((e) => e.name), ['f']);
});

test('mkfs: bad input exits 2 with one line', async (t) => {
  const dir = freshDir('mkfs-bad');
  writeFileSync(join(dir, 'plain'), 'x');
  mkdirSync(join(dir, 'src'));
  writeFileSync(join(dir, 'src', 'f'), 'x');
  const missing = await cli(['mkfs', 'no-such-dir', 'x.img'], dir);
  t.is(missing.code, 2);
  assertOneLine(t, missing.stderr, 'cannot read directory no-such-dir: ENOENT');
  t.is(missing.stdout, '');
  const notDir = await cli(['mkfs', 'plain', 'x.img'], dir);
  t.is(notDir.code, 2);
  assertOneLine(t, notDir.stderr, 'plain is not a directory');
  const unwritable = await cli(['mkfs', 'src', join('no', 'such', 'x.img')], dir);
  t.is(unwritable.code, 2);
  assertOneLine(t, unwritable.stderr, `cannot write image ${join('no', 'such', 'x.img')}: ENOENT`);
  const outIsDir = await cli(['mkfs', 'src', 'src'], dir);
  t.is(outIsDir.code, 2);
  assertOneLine(t, outIsDir.stderr, 'cannot write image src: EISDIR');
  const noArgs = await cli(['mkfs', 'src'], dir);
  t.is(noArgs.code, 2);
  assertOneLine(t, noArgs.stderr, "missing required argument 'image'");
  t.false(readdirSync(dir).includes('x.img'), 'nothing written on bad input');
});

test('mkfs: a name that is not UTF-8 exits 2 with one line', async (t) => {
  const dir = freshDir('mkfs-latin1');
  mkdirSync(join(dir, 'src'));
  try {
    writeFileSync(Buffer.concat([Buffer.from(join(dir, 'src', 'caf')), Buffer.from([0xe9])]), 'x');
  } catch {
    return t.pass('this file system refuses non-UTF-8 names');
  }
  const r = await cli(['mkfs', 'src', 'x.img'], dir);
  t.is(r.code, 2);
  assertOneLine(t, r.stderr, /the name of an entry of src .*is not valid UTF-8/);
});

test('fsck: a damaged image exits 1 and lists its findings', async (t) => {
  const m = await madeImage();
  const image = new Uint8Array(readFileSync(m.image));
  const reader = new HostReader(image);
  const l = layout(image);
  const hello = reader.lookup('/hello.txt')!.inode;
  const deep = reader.lookup('/a/b/c/deep.txt')!.inode;
  setU64(image, tlvOf(l, hello, TAG_SIZE).value, 3n);
  setU32(image, tlvOf(l, deep, TAG_NLINK).value, 4);
  const dir = freshDir('fsck-bad');
  writeFileSync(join(dir, 'bad.img'), image);
  const r = await cli(['fsck', 'bad.img'], dir);
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr, '');
  t.deepEqual(r.stdout.split('\n'), [
    `S-FS-02: inode ${hello}: SIZE 3 but CONTENT holds 13 bytes`,
    `S-FS-02: inode ${deep}: NLINK 4 but 1 entry names it`,
    'damaged: 2 findings in 14 inodes',
    '',
  ]);
  const j = await cli(['fsck', 'bad.img', '--json'], dir);
  t.is(j.code, 1);
  const doc = JSON.parse(j.stdout) as Record<string, unknown>;
  t.deepEqual(doc, {
    image: 'bad.img',
    readable: true,
    inodes: 14,
    findings: [
      { check: 'S-FS-02', message: `inode ${hello}: SIZE 3 but CONTENT holds 13 bytes` },
      { check: 'S-FS-02', message: `inode ${deep}: NLINK 4 but 1 entry names it` },
    ],
  });
});

test('fsck --json: the shape of a clean report', async (t) => {
  const m = await madeImage();
  const r = await cli(['fsck', '--json', 'out.img'], m.dir);
  t.is(r.code, 0);
  t.is(r.stderr, '');
  const doc = JSON.parse(r.stdout) as Record<string, unknown>;
  t.deepEqual(Object.keys(doc), ['image', 'readable', 'inodes', 'findings']);
  t.deepEqual(doc, { image: 'out.img', readable: true, inodes: 14, findings: [] });
});

test('fsck: a file that is not an EclipseFS image exits 2 with the S-FS-01 finding as one line', async (t) => {
  const dir = freshDir('fsck-notfs');
  writeFileSync(join(dir, 'notfs.bin'), 'this is not a file system image at all, just text\n');
  const r = await cli(['fsck', 'notfs.bin'], dir);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  assertOneLine(t, r.stderr, 'notfs.bin: not a usable EclipseFS image: S-FS-01: bad magic: the image does not start with "ECLIPSEFS"');
  // An unusable header with --json: the report on stdout, still exit 2 with the one line.
  const m = await madeImage();
  const image = new Uint8Array(readFileSync(m.image));
  setU32(image, 9, 0x0003_0000);
  writeFileSync(join(dir, 'v3.img'), image);
  const j = await cli(['fsck', 'v3.img', '--json'], dir);
  t.is(j.code, 2);
  assertOneLine(t, j.stderr, 'S-FS-01: unsupported version 3.0');
  t.deepEqual(JSON.parse(j.stdout), { image: 'v3.img', readable: false, inodes: 0, findings: [{ check: 'S-FS-01', message: 'unsupported version 3.0 (0x00030000); only 2.0 is supported' }] });
  const empty = await cli(['fsck', 'empty.img'], (writeFileSync(join(dir, 'empty.img'), ''), dir));
  t.is(empty.code, 2);
  assertOneLine(t, empty.stderr, 'S-FS-01: the image is 0 bytes, shorter than the 33-byte header');
});

test('fsck: a missing file or a directory exits 2 with one line', async (t) => {
  const dir = freshDir('fsck-missing');
  const r = await cli(['fsck', 'nope.img'], dir);
  t.is(r.code, 2);
  t.is(r.stdout, '');
  assertOneLine(t, r.stderr, 'cannot read image nope.img: ENOENT');
  const j = await cli(['fsck', 'nope.img', '--json'], dir);
  t.is(j.code, 2);
  t.is(j.stdout, '');
  assertOneLine(t, j.stderr, 'ENOENT');
  const d = await cli(['fsck', '.'], dir);
  t.is(d.code, 2);
  assertOneLine(t, d.stderr, 'image . is a directory, not a regular file');
});
