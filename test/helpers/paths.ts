/**
 * Where things are, found from this file's location (dist/test/helpers/… when compiled), by walking
 * up to the directory whose package.json names the project. Robust to moving the build output.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRepoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'eclipse-sim') return dir;
      } catch {
        // not ours: keep walking
      }
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error('test helpers: no package.json named eclipse-sim above the test file');
    dir = parent;
  }
}

/** The repository root (holds package.json, the TypeScript sources and dist/). */
export const REPO_ROOT = findRepoRoot();

/** The built command line. */
export const CLI_PATH = join(REPO_ROOT, 'dist', 'cli', 'main.js');
