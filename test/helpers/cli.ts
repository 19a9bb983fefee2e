/** Runs the built command line in a child process, never through a shell. */
import type { ExecutionContext } from 'ava';
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_PATH } from './paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `node dist/cli/main.js …args` in `cwd`; resolves with the exit code and both streams. */
export function cli(args: readonly string[], cwd: string): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0' };
    delete env.ECLIPSE_SIM_DEBUG;
    execFile(process.execPath, [CLI_PATH, ...args], { cwd, maxBuffer: 64 * 1024 * 1024, env }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') {
        reject(error);
        return;
      }
      resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
    });
  });
}

/** A fresh temporary directory. */
export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `eclipse-sim-${tag}-`));
}

/** Bad input: exit 2, nothing on stdout, exactly one line on stderr matching `pattern`, no stack trace. */
export function assertInputError(t: ExecutionContext, r: CliResult, pattern: RegExp): void {
  t.is(r.code, 2, `exit code (stderr: ${r.stderr})`);
  t.is(r.stdout, '');
  t.regex(r.stderr, /^eclipse-sim: [^\n]+\n$/, 'exactly one line');
  t.notRegex(r.stderr, /\n\s+at |Error:|\.js:\d+/, 'no stack trace');
  t.regex(r.stderr, pattern);
}
