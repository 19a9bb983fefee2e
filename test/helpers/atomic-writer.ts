/**
 * A writer for the SIGKILL test (test/cli/atomic-write.test.ts): rewrites files `0…n-1` of a
 * folder in a loop with cli/atomic-write.ts, each a self-checking record (a header line giving the
 * body's length and generation, then the body), until it is killed.
 *
 *   node atomic-writer.js <dir> <files> <bytes>
 *
 * With PLAIN=1 it writes with a plain writeFileSync instead: the control, under which the test fails.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../cli/atomic-write.js';

/** The text of file `i` in generation `g`: "<length> <g>\n" then `length` bytes of a pattern. */
export function recordText(i: number, g: number, bytes: number): string {
  const ch = String.fromCharCode(97 + ((i + g) % 26));
  return `${bytes} ${g}\n${ch.repeat(bytes)}`;
}

/** Is `text` a whole record? */
export function wholeRecord(text: string): boolean {
  const nl = text.indexOf('\n');
  if (nl < 0) return false;
  const [len] = text.slice(0, nl).split(' ').map(Number);
  const body = text.slice(nl + 1);
  return body.length === len && /^(.)\1*$/s.test(body);
}

if (process.argv[1] && process.argv[1].endsWith('atomic-writer.js') && process.argv.length >= 5) {
  const [dir, files, bytes] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
  process.stdout.write('ready\n');
  for (let g = 0; ; g++) {
    for (let i = 0; i < files; i++) (process.env.PLAIN ? ((p: string, x: string) => writeFileSync(p, x)) : writeFileAtomic)(join(dir, `f${i}.replay.json`), recordText(i, g, bytes));
  }
}
