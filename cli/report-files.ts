import { reportToJson, type ResultReport } from '../reports/results.js';
import { junitXml } from '../reports/junit.js';
import { markdownSummary } from '../reports/markdown.js';
import { toJsonText } from '../reports/escape.js';
import { writeFileAtomic } from './atomic-write.js';

/**
 * Writes the `--junit`, `--markdown` and `--result` (the --json document, for merge) files a
 * command was asked for, each atomically (temporary file, fsync, rename): never half-written.
 */
export function writeReportFiles(r: ResultReport, o: { junit?: string; markdown?: string; result?: string }): void {
  if (o.result) writeFileAtomic(o.result, `${toJsonText(reportToJson(r))}\n`);
  if (o.junit) writeFileAtomic(o.junit, junitXml(r));
  if (o.markdown) writeFileAtomic(o.markdown, markdownSummary(r));
}
