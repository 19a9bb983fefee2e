import type { ResultReport } from '../reports/results.js';
import { writeJunit } from '../reports/junit.js';
import { writeMarkdown } from '../reports/markdown.js';

/** Writes the `--junit` and `--markdown` files a command was asked for. */
export function writeReportFiles(r: ResultReport, o: { junit?: string; markdown?: string }): void {
  if (o.junit) writeJunit(o.junit, r);
  if (o.markdown) writeMarkdown(o.markdown, r);
}
