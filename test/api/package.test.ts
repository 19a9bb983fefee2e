/**
 * The package as a library: package.json's `exports` and `types` name built files with
 * declarations, and `import('eclipse-sim')` (Node's self-reference by package name, as an outside
 * project resolves it) gives the documented entry points. .ci/examples runs the examples against
 * the packed tarball.
 */
import test from 'ava';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../helpers/paths.js';

interface Pkg {
  types: string;
  exports: Record<string, string | { types: string; import: string }>;
  bin: Record<string, string>;
  scripts: Record<string, string>;
  files: string[];
}
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as Pkg;

test('package: every export names a built module and its declaration file', (t) => {
  t.true(existsSync(join(REPO_ROOT, pkg.types)), pkg.types);
  for (const [name, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string') continue;
    t.true(existsSync(join(REPO_ROOT, target.import)), `${name}: ${target.import}`);
    t.true(existsSync(join(REPO_ROOT, target.types)), `${name}: ${target.types}`);
  }
  t.truthy(pkg.scripts.prepare, 'npm ci builds (prepare), so npx eclipse-sim works after it alone');
  t.true(existsSync(join(REPO_ROOT, pkg.bin['eclipse-sim'])));
});

test('package: import("eclipse-sim") gives the documented API, and it runs', async (t) => {
  const api = (await import('eclipse-sim')) as typeof import('../../api/index.js');
  for (const name of ['listScenarios', 'runSeed', 'runCampaign', 'explore', 'replay', 'writeReplay', 'runChoices', 'findingOf'] as const) t.is(typeof api[name], 'function', name);
  t.true(api.listScenarios().some((s) => s.name === 'virtio-smoke'));
  const a = api.runSeed('virtio-smoke', 7);
  t.is(a.violation, null);
  t.is(a.traceHash, api.runSeed('virtio-smoke', 7).traceHash);
  const ava = (await import('eclipse-sim/ava')) as typeof import('../../api/ava.js');
  const fc = (await import('eclipse-sim/fast-check')) as typeof import('../../api/fast-check.js');
  t.is(typeof ava.assertNoViolation, 'function');
  t.is(typeof fc.choiceStreams, 'function');
});
