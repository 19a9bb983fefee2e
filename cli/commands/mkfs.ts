/**
 * `mkfs <dir> <image>`: the host side of EclipseFS (kernel.md §3.2). The walk of the host directory
 * lives here, in cli/ (the only layer that touches files); it yields a plain tree, which the pure
 * model/fs/image-writer.ts turns into image bytes. Bad input is an InputError (exit 2, one line).
 */
import { lstatSync, readdirSync, readFileSync, readlinkSync, statSync, type Stats } from 'node:fs';
import { writeFileAtomic } from '../atomic-write.js';
import { join } from 'node:path';
import { ImageWriteError, writeImage } from '../../model/fs/host/image-writer.js';
import type { DirNode, TreeNode } from '../../model/fs/host/tree.js';
import { InputError } from '../../scenarios/operations.js';

/** What the walk found, for the summary line. */
interface Counts {
  files: number;
  dirs: number;
  symlinks: number;
  skipped: number;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The errno code of a node:fs error, or its message. */
function why(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e));
}

/** A host name or link target as a string, or an InputError when it is not valid UTF-8. */
function utf8(bytes: Buffer, what: string): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw new InputError(`${what} is not valid UTF-8 (EclipseFS names and link targets are UTF-8)`);
  }
}

/** Byte order of the UTF-8 names (as `LC_ALL=C ls` sorts): independent of locale and of the host. */
function byBytes(a: Buffer, b: Buffer): number {
  return Buffer.compare(a, b);
}

/**
 * The host directory `path` as a tree: regular files with their bytes and mode, directories with
 * their entries sorted by name, symlinks with their target (not followed). Other file types are
 * skipped with a warning. `skip` is the (dev, ino) of the output image, left out if it lies inside.
 * Only modes are taken from the host (not owners or times), so the image depends on the contents alone.
 */
function walk(path: string, st: Stats, counts: Counts, skip: Stats | null): DirNode {
  let names: Buffer[];
  try {
    names = readdirSync(path, { encoding: 'buffer' });
  } catch (e) {
    throw new InputError(`cannot read directory ${path}: ${why(e)}`);
  }
  names.sort(byBytes);
  const entries = new Map<string, TreeNode>();
  for (const raw of names) {
    const name = utf8(raw, `the name of an entry of ${path} (${JSON.stringify(raw.toString('latin1'))})`);
    const child = join(path, name);
    let cst: Stats;
    try {
      cst = lstatSync(child);
    } catch (e) {
      throw new InputError(`cannot stat ${child}: ${why(e)}`);
    }
    if (skip && cst.dev === skip.dev && cst.ino === skip.ino) {
      process.stderr.write(`eclipse-sim: warning: skipping ${child}: it is the output image\n`);
      counts.skipped++;
      continue;
    }
    if (cst.isFile()) {
      let content: Buffer;
      try {
        content = readFileSync(child);
      } catch (e) {
        throw new InputError(`cannot read ${child}: ${why(e)}`);
      }
      entries.set(name, { type: 'file', content: new Uint8Array(content.buffer, content.byteOffset, content.byteLength), mode: cst.mode });
      counts.files++;
    } else if (cst.isDirectory()) {
      entries.set(name, walk(child, cst, counts, skip));
    } else if (cst.isSymbolicLink()) {
      let target: Buffer;
      try {
        target = readlinkSync(child, { encoding: 'buffer' });
      } catch (e) {
        throw new InputError(`cannot read symlink ${child}: ${why(e)}`);
      }
      entries.set(name, { type: 'symlink', target: utf8(target, `the target of symlink ${child}`), mode: cst.mode });
      counts.symlinks++;
    } else {
      const kind = cst.isFIFO() ? 'a FIFO' : cst.isSocket() ? 'a socket' : cst.isCharacterDevice() ? 'a character device' : cst.isBlockDevice() ? 'a block device' : 'not a regular file, directory or symlink';
      process.stderr.write(`eclipse-sim: warning: skipping ${child}: ${kind}\n`);
      counts.skipped++;
    }
  }
  counts.dirs++;
  return { type: 'dir', entries, mode: st.mode };
}

/** `mkfs <dir> <image>`: an EclipseFS 2.0 image of a host directory tree. */
export function mkfsCommand(dir: string, image: string): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch (e) {
    throw new InputError(`cannot read directory ${dir}: ${why(e)}`);
  }
  if (!st.isDirectory()) throw new InputError(`${dir} is not a directory`);
  let out: Stats | null = null;
  try {
    out = statSync(image);
  } catch {
    // does not exist yet: nothing to leave out of the walk
  }
  const counts: Counts = { files: 0, dirs: 0, symlinks: 0, skipped: 0 };
  const tree = walk(dir, st, counts, out);
  let bytes: Uint8Array;
  try {
    bytes = writeImage(tree);
  } catch (e) {
    if (e instanceof ImageWriteError) throw new InputError(`cannot make an image of ${dir}: ${e.message}`);
    throw e;
  }
  try {
    writeFileAtomic(image, bytes, false);
  } catch (e) {
    throw new InputError(`cannot write image ${image}: ${why(e)}`);
  }
  const inodes = counts.files + counts.dirs + counts.symlinks;
  const skipped = counts.skipped ? `, ${counts.skipped} skipped` : '';
  process.stdout.write(
    `wrote ${image}: ${inodes} inodes, ${bytes.length} bytes (${plural(counts.files, 'file')}, ${plural(counts.dirs, 'directory', 'directories')}, ${plural(counts.symlinks, 'symlink')}${skipped})\n`,
  );
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}
