import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { reportToJson, type ResultReport } from '../reports/results.js';
import { writeJunit } from '../reports/junit.js';
import { writeMarkdown } from '../reports/markdown.js';

/** Writes the `--junit`, `--markdown` and `--result` (the --json document, for merge) files a command was asked for. */
export function writeReportFiles(r: ResultReport, o: { junit?: string; markdown?: string; result?: string }): void {
  if (o.result) {
    mkdirSync(dirname(o.result), { recursive: true });
    writeFileSync(o.result, `${JSON.stringify(reportToJson(r), null, 2)}\n`);
  }
  if (o.junit) writeJunit(o.junit, r);
  if (o.markdown) writeMarkdown(o.markdown, r);
}
