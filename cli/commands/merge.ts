import { toJsonText } from '../../reports/escape.js';
import { readFileSync } from 'node:fs';
import { InputError } from '../../scenarios/operations.js';
import { MergeError, mergeReports } from '../../reports/merge.js';
import { parseReport, reportToJson, type ResultReport } from '../../reports/results.js';
import { checkSummaryText, runSummaryText } from '../../reports/summary-text.js';
import { writeReportFiles } from '../report-files.js';

/**
 * `merge <result.json>…`: the `--json` documents of the shards of one `run` or `check` into one
 * report — each check's lowest failing seed, the counts added up — printed as the unsharded
 * command prints it, with `--json`, `--junit` and `--markdown` as it has them. Exit code as the
 * unsharded command's: 1 if any shard found a violation.
 */
export function mergeCommand(files: string[], o: { json?: boolean; junit?: string; markdown?: string; result?: string }): void {
  const reports: ResultReport[] = files.map((f) => {
    let text: string;
    try {
      text = readFileSync(f, 'utf8');
    } catch (e) {
      throw new InputError(`cannot read result file ${f}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    try {
      return parseReport(text, f);
    } catch (e) {
      throw new InputError((e as Error).message);
    }
  });
  let merged: ResultReport;
  try {
    merged = mergeReports(reports);
  } catch (e) {
    if (e instanceof MergeError) throw new InputError(e.message);
    throw e;
  }
  if (o.json) process.stdout.write(`${toJsonText(reportToJson(merged))}\n`);
  else process.stdout.write(merged.head.command === 'check' ? checkSummaryText(merged) : runSummaryText(merged));
  writeReportFiles(merged, o);
  const failed = merged.rows.some((r) => r.violations.length > 0);
  process.exitCode = failed ? 1 : merged.head.interrupted ? 130 : 0;
}
