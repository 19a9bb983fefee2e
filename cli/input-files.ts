/**
 * Reading the files a user (or a replay file) names: regular files only, never more than a stated
 * size, read without blocking. A FIFO is opened non-blocking and refused before any read, a device
 * (`/dev/zero`) or a directory is refused by type, and a file larger than its limit is refused by
 * its size (with the limit in the message), so no input can hang the tool or make it allocate
 * without bound.
 */
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { InputError } from '../scenarios/operations.js';
import { escapeText } from '../reports/escape.js';

const MiB = 1024 * 1024;

/** Replay files: a whole-boot replay with every choice kept is about 1 MiB. */
export const REPLAY_FILE_LIMIT = 16 * MiB;
/** EclipseFS images (`--image`, `fsck`, and images a replay file names). */
export const IMAGE_FILE_LIMIT = 64 * MiB;

/** What a non-regular file is, for the message. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

function mib(n: number): string {
  return n % MiB === 0 ? `${n / MiB} MiB` : `${n.toLocaleString('en-US')} bytes`;
}

/**
 * The bytes of the regular file at `path`, at most `limit` of them. `what` names the file in
 * messages ("replay file", "image"); `fail` makes the error (InputError by default, exit 2).
 */
export function readInputFile(path: string, what: string, limit: number, fail: (message: string) => Error = (m) => new InputError(m)): Buffer {
  const shown = escapeText(path);
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO with no writer must not wait for one.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    throw fail(`cannot read ${what} ${shown}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw fail(`${what} ${shown} is ${kindOf(st)}, not a regular file`);
    if (st.size > limit) throw fail(`${what} ${shown} is ${mib(st.size)}; the limit is ${mib(limit)}`);
    // Read what fstat promised, and stop there even if the file grows meanwhile.
    const buf = Buffer.alloc(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === st.size ? buf : buf.subarray(0, got);
  } catch (e) {
    if (e instanceof Error && !(e as NodeJS.ErrnoException).code) throw e;
    throw fail(`cannot read ${what} ${shown}: ${(e as NodeJS.ErrnoException).code}`);
  } finally {
    closeSync(fd);
  }
}
