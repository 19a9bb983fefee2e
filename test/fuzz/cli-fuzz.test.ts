/**
 * Fuzz targets for CI (fast-check, sized to keep the suite short; `npm run fuzz` is the long soak):
 * mutated replay files, mutated images and option values through the command line's entry
 * function. Each input must end with exit 0, 1, 2 or 130 — never 3 — with no MODEL-CRASH, no stack
 * trace, one line for an exit 2, and no raw control character printed (test/fuzz/inputs.ts judge).
 */
import test from 'ava';
import fc from 'fast-check';
import { callCli, judge, makeInput, makeWorld, type FuzzWorld, type InputKind } from './inputs.js';
import { freshDirs } from '../helpers/cli.js';

const dir = freshDirs(test)('fuzz');
let world: Promise<FuzzWorld> | null = null;

const RUNS: Record<InputKind, number> = { replay: 400, image: 300, options: 400 };

for (const kind of ['replay', 'image', 'options'] as const) {
  test.serial(`fuzz: ${RUNS[kind]} ${kind} inputs through the command line: exit 0/1/2/130 only, no MODEL-CRASH, no stack trace, escaped output`, async (t) => {
    world ??= makeWorld(dir);
    const w = await world;
    const codes: Record<number, number> = {};
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), async (seed) => {
        const argv = makeInput(w, kind, seed);
        const r = await callCli(argv);
        codes[r.code] = (codes[r.code] ?? 0) + 1;
        const problem = judge(r);
        if (problem) throw new Error(`${problem}\nargv: ${JSON.stringify(argv.map((a) => a.slice(0, 200)))}`);
      }),
      { numRuns: RUNS[kind], seed: 1500 + kind.length },
    );
    // The inputs reach both sides of validation.
    t.true((codes[2] ?? 0) > 0 && (codes[0] ?? 0) + (codes[1] ?? 0) > 0, JSON.stringify(codes));
    t.log(JSON.stringify(codes));
  });
}
