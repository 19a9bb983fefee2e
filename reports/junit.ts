/**
 * JUnit XML for CI pipelines (junit-report-builder): one test suite per command, one test case
 * per scenario (and mode), failed when a check failed, with the violation and the replay command.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import junitModule, { type Builder } from 'junit-report-builder';

// The package is CommonJS; under NodeNext its default export is the builder instance.
const junitBuilder = junitModule as unknown as Builder & { newBuilder(): Builder };

export interface JunitCase {
  suite: string;
  name: string;
  className: string;
  seconds: number;
  failures: Array<{ check: string; message: string; replay: string }>;
}

/**
 * How report files are written: cli/ installs its atomic writer (temporary file, fsync, rename)
 * so that a report is never left half-written; the default is a plain write.
 */
let writeFile: (path: string, text: string) => void = (path, text) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
};

export function useFileWriter(writer: (path: string, text: string) => void): void {
  writeFile = writer;
}

export function writeJunit(path: string, cases: JunitCase[]): void {
  const builder = junitBuilder.newBuilder();
  const suites = new Map<string, ReturnType<typeof builder.testSuite>>();
  for (const c of cases) {
    let suite = suites.get(c.suite);
    if (!suite) {
      suite = builder.testSuite().name(c.suite);
      suites.set(c.suite, suite);
    }
    const tc = suite.testCase().className(c.className).name(c.name).time(c.seconds);
    if (c.failures.length > 0) {
      const first = c.failures[0];
      tc.failure(`${first.check}: ${first.message}`, first.check);
      tc.standardOutput(c.failures.map((f) => `${f.check}: ${f.message}\nreplay: npx eclipse-sim replay ${f.replay} --trace`).join('\n\n'));
    }
  }
  writeFile(path, builder.build());
}
