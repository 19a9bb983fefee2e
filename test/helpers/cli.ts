/**
 * What the command-line tests share: the built command line run in a child process (never
 * through a shell, or on a pseudo-terminal through util-linux `script`), temporary directories
 * removed after a test file's tests, and the assertions on one-line errors and JUnit files.
 */
import type { ExecutionContext, TestFn } from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH, REPO_ROOT } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `node dist/cli/main.js …args` in `cwd`, without colour or debug output, with `env` added to
 * the environment; resolves with the exit code and both streams.
 */
export function cli(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', ...env };
    delete childEnv.ECLIPSE_SIM_DEBUG;
    execFile(process.execPath, [CLI_PATH, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env: childEnv }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** util-linux `script` is on PATH (`cliOnTerminal` needs it). */
export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/**
 * The command line under a pseudo-terminal (util-linux `script`), with `env` added to the
 * environment: the exit code, and everything it drew (both streams in one).
 */
export function cliOnTerminal(args: readonly string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; output: string }> {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const command = [process.execPath, CLI_PATH, ...args].map(quote).join(' ');
  return new Promise((resolve, reject) => {
    execFile('script', ['-qfec', command, '/dev/null'], { cwd, env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 }, (error, stdout) => {
      if (error && typeof error.code !== 'number') reject(error);
      else resolve({ code: error ? (error.code as number) : 0, output: stdout });
    });
  });
}

/** A fresh temporary directory (not removed: see `freshDirs`). */
export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `eclipse-sim-${tag}-`));
}

/**
 * Fresh temporary directories for one test file, all removed after its tests: call once at the
 * top with the file's `test`, then the function it returns for each directory.
 */
export function freshDirs(test: TestFn): (tag: string) => string {
  const dirs: string[] = [];
  test.after.always(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  return (tag) => {
    const d = tempDir(tag);
    dirs.push(d);
    return d;
  };
}

/** Bad input: exit 2, nothing on stdout, exactly one line on stderr matching `pattern`, no stack trace. */
export function assertInputError(t: ExecutionContext, r: CliResult, pattern: RegExp): void {
  t.is(r.code, 2, `exit code (stderr: ${r.stderr})`);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^eclipse-sim: [^\n]+\n$/, 'exactly one line');
  t.notRegex(r.stderr, /\n\s+at |Error:|\.js:\d+/, 'no stack trace');
  t.regex(r.stderr, pattern);
}

/** Exactly one (non-empty) line on stderr, `eclipse-sim: …` containing `fragment`, and no stack trace (whatever the exit code). */
export function assertOneLine(t: ExecutionContext, stderr: string, fragment: string | RegExp): void {
  const lines = stderr.split('\n').filter((x) => x !== '');
  t.is(lines.length, 1, stderr);
  t.true(typeof fragment === 'string' ? lines[0].includes(fragment) : fragment.test(lines[0]), lines[0]);
  t.true(lines[0].startsWith('eclipse-sim: '), lines[0]);
  t.false(/\n\s+at |\.js:\d+/.test(stderr), 'no stack trace');
}

/** The strict JUnit 10 schema, and whether xmllint (which validates against it) is on PATH. */
export const JUNIT_XSD = join(REPO_ROOT, 'test', 'fixtures', 'junit-10.xsd');
export const hasXmllint = spawnSync('xmllint', ['--version'], { encoding: 'utf8' }).status === 0;

/** Validates a JUnit file against the strict JUnit 10 schema; without xmllint (outside CI, which installs it), says so. */
export function assertValidJUnit(t: ExecutionContext, file: string): void {
  if (!hasXmllint) {
    if (process.env.CI) t.fail('xmllint is missing in CI (.ci/run installs libxml2-utils)');
    else t.log('xmllint is not on PATH (apt-get install libxml2-utils): schema validation skipped');
    return;
  }
  const r = spawnSync('xmllint', ['--noout', '--schema', JUNIT_XSD, file], { encoding: 'utf8' });
  t.is(r.status, 0, `xmllint: ${r.stderr}`);
}
