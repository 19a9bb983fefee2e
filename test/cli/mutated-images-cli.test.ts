/**
 * Damaged images through the tools, not just the kernel path: campaigns of fs-read on mutated
 * images (in-process over many images, and through the command line, `run fs-read --image X`)
 * never end in an engine error (exit 3) or a MODEL-CRASH: the report is whole, the exit code is 0
 * or 1, and what is found is S-FS-01/02 (fsck at mount) or a boot failure (a refused mount).
 */
import test from 'ava';
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Campaign } from '../../sim/campaign.js';
import { makeCampaignSystem, withImage } from '../../scenarios/operations.js';
import { cli, freshDirs } from '../helpers/cli.js';
import { imageBase, imageMutation, mutateImage } from '../helpers/mutated-images.js';
import { target } from '../helpers/system.js';

const dir = freshDirs(test)('mutated-cli');

const BASES = [imageBase('sample'), imageBase('small')];
const ALLOWED = new Set(['S-FS-01', 'S-FS-02']);
const images = fc.tuple(fc.integer({ min: 0, max: BASES.length - 1 }), fc.array(imageMutation, { minLength: 1, maxLength: 4 }));

test('campaigns (fs-read, seeds 1-3) on 600 mutated images: no MODEL-CRASH, no throw; findings are S-FS-01/02', (t) => {
  const seen: Record<string, number> = {};
  fc.assert(
    fc.property(images, ([i, muts]) => {
      const c = new Campaign(makeCampaignSystem(withImage(target({ scenario: 'fs-read' }), mutateImage(BASES[i], muts), 'mutant.img')));
      c.runSeeds(1, 4);
      for (const f of c.findings.values()) {
        seen[f.check] = (seen[f.check] ?? 0) + 1;
        if (!ALLOWED.has(f.check)) throw new Error(`${f.check} at step ${f.violation.step}: ${f.violation.message}`);
      }
      for (const o of c.outcomes.values()) seen[o.outcome] = (seen[o.outcome] ?? 0) + 1;
    }),
    { numRuns: 600, seed: 15 },
  );
  // Aimed where it should be: damage found at mount, refused mounts, and clean reads.
  t.true((seen['S-FS-02'] ?? 0) > 50 && (seen['S-FS-01'] ?? 0) > 10, JSON.stringify(seen));
  t.log(JSON.stringify(seen));
});

test('run fs-read --image on 24 mutated images through the command line: exit 0 or 1, a whole JSON report, findings S-FS-01/02', async (t) => {
  const samples = fc.sample(images, { numRuns: 24, seed: 1515 });
  const codes: Record<number, number> = {};
  for (let k = 0; k < samples.length; k += 2) {
    const batch = samples.slice(k, k + 2).map(async ([i, muts], j) => {
      const path = join(dir, `m${k + j}.img`);
      writeFileSync(path, mutateImage(BASES[i], muts));
      const r = await cli(['run', 'fs-read', '--image', path, '--seeds', '3', '--workers', '1', '--json', '--out', join(dir, `out${k + j}`)], dir);
      codes[r.code] = (codes[r.code] ?? 0) + 1;
      t.true(r.code === 0 || r.code === 1, `exit ${r.code}: ${r.stderr}`);
      const doc = JSON.parse(r.stdout) as { runs: number; violations: { check: string }[] };
      t.is(doc.runs, 3);
      for (const v of doc.violations) t.true(ALLOWED.has(v.check), v.check);
      t.is(r.stderr, '');
    });
    await Promise.all(batch);
  }
  t.log(JSON.stringify(codes));
});
