/**
 * Files the tool writes (replay files, image copies, JSON and JUnit reports) appear whole or not
 * at all: the bytes go to a temporary file in the same folder, which is fsynced and then renamed
 * over the final name (rename is atomic within a file system), and the folder is fsynced so the
 * rename survives a crash. A SIGKILL at any moment leaves the old file or the new one, never a
 * truncated one; at worst a temporary `.<name>.<pid>-<n>.tmp` is left behind.
 *
 * The writes are synchronous: a signal handler (which runs between JavaScript tasks) never sees one
 * half done, so exiting at once on a second interrupt leaves no partial file either.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

let counter = 0;

/** Writes `data` to `path` atomically (creating its folder if need be, unless `makeFolder` is false). */
export function writeFileAtomic(path: string, data: string | Uint8Array, makeFolder = true): void {
  const dir = dirname(path);
  if (makeFolder) mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `.${basename(path)}.${process.pid}-${counter++}.tmp`);
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  try {
    const fd = openSync(tmp, 'wx', 0o644);
    try {
      let off = 0;
      while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // already gone
    }
    throw e;
  }
  syncFolder(dir);
}

/** fsync a folder (where the platform allows it), so a rename in it is durable. */
function syncFolder(dir: string): void {
  let fd: number;
  try {
    fd = openSync(dir, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // some file systems refuse fsync on a directory; the rename is still atomic
  } finally {
    closeSync(fd);
  }
}
