/**
 * JUnit XML for CI pipelines (junit-report-builder), valid against the strict JUnit 10 schema
 * (test/fixtures/junit-10.xsd): one test suite per scenario and mode, one test case per check
 * that could fail there, so a campaign that breaks two checks shows two failing test cases. A
 * failure carries the check id and message; its body gives the seed, step, time, how many runs
 * failed and the replay command. Times are rounded to milliseconds and sit on the suites (the
 * checks of a run are judged together, so a check has no time of its own).
 */
import junitModule, { type Builder } from 'junit-report-builder';
import { checkInfo } from '../checks/registry.js';
import { shardText } from '../scenarios/shard.js';
import type { ResultReport, ResultRow, ViolationRecord } from './results.js';
// The package is CommonJS; under NodeNext its default export is the builder instance.
const junitBuilder = junitModule as unknown as Builder & { newBuilder(): Builder };

const seconds = (s: number) => Number(s.toFixed(3));
const thousands = (n: number) => Math.round(n).toLocaleString('en-US');

/** The command that reproduces a finding, as the terminal prints it. */
export function reproduceCommand(replayPath: string): string {
  return `npx eclipse-sim replay ${replayPath} --trace`;
}



/** A failure's body: where it failed and how to see it again. */
export function failureBody(v: ViolationRecord, row: ResultRow): string {
  const lines = [
    `${v.check}${checkInfo(v.check) ? ` ${checkInfo(v.check)!.title}` : ''}`,
    `${v.seed !== null ? `seed ${v.seed}, ` : ''}step ${v.step}, t = ${thousands(v.time)} µs: ${v.message}`,
    row.mode === 'explore' ? 'found by exhaustive exploration' : `failed in ${thousands(v.runs)} of ${thousands(row.runs)} runs; the first failing seed is shown`,
    `replay file: ${v.replay}`,
    `reproduce:   ${reproduceCommand(v.replay)}`,
  ];
  return lines.join('\n');
}

/** A fresh JUnit document builder (reports/zoo.ts writes its own suites with it). */
export function newJunitBuilder(): Builder {
  return junitBuilder.newBuilder();
}

/**
 * The XML of a builder. junit-report-builder puts a `skipped` count on <testsuites>, which the
 * JUnit 10 schema does not allow there (the suites keep theirs): it is taken off the root element.
 */
export function junitText(builder: Builder): string {
  return builder.build().replace(/^(<testsuites\b[^>]*?) skipped="\d+"/m, '$1');
}

/** The JUnit document of a report. */
export function junitXml(r: ResultReport): string {
  const builder = newJunitBuilder();
  const { head } = r;
  const mutants = head.mutants.length ? `.${head.mutants.join('+')}` : '';
  // A shard's test cases are named apart from the other shards' (merge the shards for one report).
  const shard = head.shard ? `.shard-${head.shard.index}-of-${head.shard.count}` : '';
  builder.name(`eclipse-sim ${head.command} profile ${head.profile} mutants ${head.mutants.join(',') || 'none'}${head.shard ? ` shard ${shardText(head.shard)}` : ''}`);
  for (const row of r.rows) {
    const suite = builder.testSuite().name(`${row.scenario} ${row.mode}${head.shard ? ` (shard ${shardText(head.shard)})` : ''}`).time(seconds(row.elapsedSeconds));
    const className = `eclipse-sim.${head.profile}${mutants}.${row.scenario}.${row.mode}${shard}`;
    const failed = new Map(row.violations.map((v) => [v.check, v]));
    // A check outside the catalogue (MODEL-CRASH) still gets its test case.
    const ids = [...row.checks, ...row.violations.map((v) => v.check).filter((c) => !row.checks.includes(c))];
    for (const id of ids) {
      const info = checkInfo(id);
      const tc = suite.testCase().className(className).name(info ? `${id} ${info.title}` : id);
      const v = failed.get(id);
      if (v) tc.failure(`${id}: ${v.message}`, id).stacktrace(failureBody(v, row));
    }
    for (const id of row.ignoredChecks) {
      const info = checkInfo(id);
      suite.testCase().className(className).name(info ? `${id} ${info.title}` : id).skipped();
    }
  }
  return junitText(builder);
}

