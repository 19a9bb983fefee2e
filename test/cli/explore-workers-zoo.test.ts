/**
 * Reduction soundness of the parallel search over the bug zoo: every mutant that a one-worker
 * `explore` of a `*-small` scenario finds, two workers sharing one fingerprint table
 * (cli/explore-pool.ts) find too, with the same check. Run in this process through the pool's
 * own entry (`exploreInParallel`, what `explore --workers 2` calls), on the scope of each mutant
 * that finds it quickest, with the scenario's own explore bounds. Most of those are found within
 * the first worker's first slice of paths, before it gives any work away; so where a mutant has
 * a quick scope that takes longer than that, it is searched there too, and the test checks that
 * the tree was split before the violation was found.
 */
import test from 'ava';
import { exploreInParallel } from '../../cli/explore-pool.js';
import { MUTANTS } from '../../model/mutants.js';
import type { MachineParams } from '../../model/params.js';
import { SCENARIOS } from '../../scenarios/registry.js';
import { makeExplorer, resolveTarget, type Target } from '../../scenarios/operations.js';
import type { ExploreOptions, ExploreResult } from '../../sim/explore.js';

interface Case {
  mutant: string;
  scenario: string;
  overrides?: Partial<MachineParams>;
  /** Found after more than one slice of paths (cli/explore-worker.ts), so the first worker has handed work to the second. */
  split?: true;
}

/**
 * Each mutant some one-worker `*-small` exploration finds, on the scope that finds it in the
 * fewest states, then the split ones (from exploring every mutant on every `*-small` scenario
 * with the CLI's default bounds, as `npm run bench:shortest` does).
 */
const CASES: Case[] = [
  { mutant: 'publish-before-fill', scenario: 'virtio-small' },
  { mutant: 'idx-before-status', scenario: 'virtio-small' },
  { mutant: 'leak-on-error', scenario: 'virtio-small' },
  { mutant: 'double-complete', scenario: 'virtio-small' },
  // With EVENT_IDX chosen per run, depth-first search explores every run without it first (918,437 states).
  { mutant: 'event-idx-off-by-one', scenario: 'virtio-small', overrides: { eventIdx: 'on' } },
  { mutant: 'single-pop-per-irq', scenario: 'virtio-small', split: true },
  { mutant: 'spurious-irq-assert', scenario: 'virtio-small' },
  { mutant: 'kick-before-driver-ok', scenario: 'virtio-small' },
  { mutant: 'ioerr-as-ok', scenario: 'virtio-small' },
  { mutant: 'sector-units', scenario: 'fs-small' },
  { mutant: 'inode-off-by-one', scenario: 'fs-small' },
  { mutant: 'no-reparent', scenario: 'proc-small', split: true },
  { mutant: 'crash-in-starting-stuck', scenario: 'init-crash2-small' },
  { mutant: 'dependency-not-ready', scenario: 'init-small' },
  // The quick scopes where the search is split first (one worker: 1,493 to 8,503 states).
  { mutant: 'leak-on-error', scenario: 'init-small', split: true },
  { mutant: 'double-complete', scenario: 'init-small', split: true },
  { mutant: 'spurious-irq-assert', scenario: 'fs-small', split: true },
  { mutant: 'ioerr-as-ok', scenario: 'init-small', split: true },
  { mutant: 'sector-units', scenario: 'virtio-small', split: true },
  { mutant: 'crash-in-starting-stuck', scenario: 'init-hang-small', split: true },
];

/**
 * Mutants no `*-small` exploration finds: each one's search of every `*-small` scenario is
 * complete with no violation (README, "Shortest counterexamples"). Not searched here (minutes).
 */
const NOT_FOUND_ON_SMALL = ['wrap-compare', 'modulo-index', 'fork-fd-no-incref', 'ipc-dead-peer-blocks', 'intensity-off-by-one', 'backoff-reset-on-start'];

function targetOf(c: Case): Target {
  const t = resolveTarget(c.scenario, 'reference', [c.mutant]);
  return c.overrides ? { ...t, overrides: c.overrides } : t;
}

/** The CLI's bounds for the scenario; a smaller memory budget than its 4 GiB (these searches store hundreds of states). */
function boundsOf(scenario: string, maxStates?: number): ExploreOptions {
  const s = SCENARIOS.find((x) => x.name === scenario)!;
  return { maxDepth: s.exploreMaxDepth, maxStates: maxStates ?? s.exploreMaxStates, maxMemoryBytes: 256 * 1024 * 1024, stopAtFirstViolation: true };
}

/** One worker, in this thread: `explore` without --workers. Also returns the target and search mode the workers use. */
function oneWorker(c: Case): { result: ExploreResult; target: Target } {
  const { explorer, target } = makeExplorer(targetOf(c), boundsOf(c.scenario));
  while (!explorer.advance(1000)) {
    // to the first violation or the end
  }
  return { result: explorer.result, target };
}

async function twoWorkers(target: Target, search: ExploreResult['search'], opts: ExploreOptions): Promise<ExploreResult> {
  return (await exploreInParallel(target, opts, { workers: 2, search, coverage: false })).result;
}

const checkOf = (r: ExploreResult): string | undefined => r.violations[0]?.violation.check;

/** Why two workers' result fails the one-worker finding `expected` (a check id), or null when it matches. */
function mismatch(expected: string, two: ExploreResult): string | null {
  const found = checkOf(two);
  if (found === undefined) return `two workers missed it (${two.complete ? 'complete' : `stopped by ${two.stoppedBy}`}, ${two.states} states)`;
  if (found !== expected) return `two workers found ${found}, one worker ${expected}`;
  if (two.stoppedBy !== 'violation') return `two workers found ${found} but stopped by ${two.stoppedBy}`;
  return null;
}

test('explore --workers 2 zoo: every mutant is either a case here or one no *-small exploration finds', (t) => {
  const listed = [...new Set(CASES.map((c) => c.mutant)), ...NOT_FOUND_ON_SMALL].sort();
  t.deepEqual(listed, MUTANTS.map((m) => m.name).sort(), 'a new zoo mutant needs a case (or a place in NOT_FOUND_ON_SMALL)');
});

for (const c of CASES) {
  const scope = `${c.scenario}${c.overrides ? ` ${Object.entries(c.overrides).map(([k, v]) => `${k}=${String(v)}`).join(' ')}` : ''}`;
  test.serial(`explore --workers 2 zoo: ${c.mutant} on ${scope} is found as by one worker, with the same check`, async (t) => {
    const one = oneWorker(c);
    const expected = checkOf(one.result);
    t.truthy(expected, `one worker finds ${c.mutant} on ${scope} (the case list is out of date otherwise)`);
    const two = await twoWorkers(one.target, one.result.search, boundsOf(c.scenario));
    t.is(mismatch(expected!, two), null);
    if (c.split) t.true(two.subtrees! > 1, `the tree was split before the violation (${two.subtrees} subtrees)`);
    t.log(`${expected}: one worker at step ${one.result.violations[0].violation.step} (${one.result.states} states); two at step ${two.violations[0]?.violation.step} (${two.states} states, ${two.subtrees} subtrees)`);
  });
}

test.serial('explore --workers 2 zoo: the comparison fails a missed mutant and a different check', async (t) => {
  const sector = oneWorker({ mutant: 'sector-units', scenario: 'fs-small' });
  t.is(checkOf(sector.result), 'S-BLK-02');
  // A state bound below the violation's 37 states: the two workers stop without finding it.
  const cut = await twoWorkers(sector.target, sector.result.search, boundsOf('fs-small', 10));
  t.regex(mismatch('S-BLK-02', cut) ?? '', /^two workers missed it \(stopped by states, 10 states\)$/);
  // Another mutant's finding in the place of this one's.
  const inode = oneWorker({ mutant: 'inode-off-by-one', scenario: 'fs-small' });
  const other = await twoWorkers(inode.target, inode.result.search, boundsOf('fs-small'));
  t.is(mismatch('S-BLK-02', other), 'two workers found S-FS-03, one worker S-BLK-02');
});
