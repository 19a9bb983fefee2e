/**
 * `npm run audit-small`: the fingerprint audit over complete explorations of every explorable (*-small)
 * scenario, through the command line (`explore --audit --require-complete`), on the reference
 * profile or those given (`npm run audit-small -- eclipse-b`: there each search stops at the v0.1.0
 * kernel's first violation, exit 1, having audited the states up to it).
 * The test suite audits the small ones completely and the others over a prefix (test/sim/
 * audit.test.ts); this runs them all to the end, which takes minutes. Exit status: the first
 * failing run's (3: an audit finding), else 0.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SCENARIOS } from '../scenarios/registry.js';

const main = fileURLToPath(new URL('../cli/main.js', import.meta.url));
const profiles = process.argv.length > 2 ? process.argv.slice(2) : ['reference'];
let status = 0;
for (const profile of profiles) {
  for (const s of SCENARIOS.filter((x) => x.explorable)) {
    const r = spawnSync(process.execPath, [main, 'explore', s.name, '--profile', profile, '--audit', '--require-complete'], { stdio: 'inherit' });
    if (r.status !== 0 && status === 0) status = r.status ?? 1;
  }
}
process.exitCode = status;
